import LearnCore
import LinearAlgebra

/// Splits `count` samples into one training and one test set (scikit-learn's `train_test_split`,
/// returning row indices).
///
/// Sizes follow scikit-learn: a test fraction rounds up, a train fraction rounds down, a missing
/// size is the complement of the other, and with neither given the test set is 25 %. Unshuffled,
/// the training rows are the first `train` rows and the test rows the `test` rows after them,
/// exactly as in scikit-learn. Shuffled, the split is the first split of
/// `ShuffleSplit(splits: 1, …, seed: seed)` (or ``StratifiedShuffleSplit`` when `labels` are
/// given), in the order drawn: same sizes (and per-class counts) as scikit-learn, different rows.
///
/// - Parameters:
///   - testSize: test-set size; nil for the complement of `trainSize` (or 25 % when both are nil).
///   - trainSize: training-set size; nil for the complement of the test set.
///   - shuffle: whether to draw the sets at random; `false` cannot stratify.
///   - labels: class labels, one per sample, to stratify by (scikit-learn `stratify`).
///   - seed: seed of the draw (scikit-learn `random_state`).
/// - Throws: `invalidArgument` for sizes that do not fit `count` (see
///   ``SplitSize/resolve(count:testSize:trainSize:defaultTestSize:)``), for `labels` with
///   `shuffle: false`, and for the stratification errors of ``StratifiedShuffleSplit``;
///   `shapeMismatch` when `labels` does not have `count` entries.
public func trainTestSplit(
  count: Int, testSize: SplitSize? = nil, trainSize: SplitSize? = nil, shuffle: Bool = true,
  labels: [Int]? = nil, seed: UInt64 = 0
) throws(LearnError) -> Fold {
  try trainTestSplit(count: count, testSize: testSize, trainSize: trainSize, shuffle: shuffle, labels: labels,
                     seed: seed, names: ("testSize", "trainSize"))
}

/// ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)`` naming the size arguments
/// `names` in errors.
func trainTestSplit(
  count: Int, testSize: SplitSize?, trainSize: SplitSize?, shuffle: Bool, labels: [Int]?, seed: UInt64,
  names: (test: String, train: String)
) throws(LearnError) -> Fold {
  try SplitCheck.sampleCount(count)
  let (nTrain, nTest) = try SplitSize.resolve(
    count: count, testSize: testSize, trainSize: trainSize, defaultTestSize: .fraction(0.25), names: names,
    unit: "samples")
  if !shuffle {
    guard labels == nil else {
      throw .invalidArgument(
        name: "labels", reason: "a stratified split must be shuffled: pass shuffle: true or no labels")
    }
    return Fold(train: Array(0..<nTrain), test: Array(nTrain..<nTrain + nTest))
  }
  if labels != nil {
    let splitter = StratifiedShuffleSplit(splits: 1, testSize: .count(nTest), trainSize: .count(nTrain), seed: seed)
    return try splitter.folds(count: count, labels: labels, names: names)[0]
  }
  let splitter = ShuffleSplit(splits: 1, testSize: .count(nTest), trainSize: .count(nTrain), seed: seed)
  return try splitter.folds(count: count)[0]
}

/// Splits a dataset into a training and a test dataset (scikit-learn's `train_test_split(x, y)`),
/// rows in the order of ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)``.
///
/// To stratify by class, use the `Dataset<Int>` overload, which adds `stratified`.
///
/// - Parameter testFraction: fraction of the rows in the test set, in (0, 1), rounded up.
/// - Throws: as ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)``, naming
///   `testFraction`.
public func trainTestSplit<T>(
  _ data: Dataset<T>, testFraction: Double = 0.25, shuffle: Bool = true, seed: UInt64 = 0
) throws(LearnError) -> (train: Dataset<T>, test: Dataset<T>) {
  let fold = try trainTestSplit(count: data.count, testSize: .fraction(testFraction), trainSize: nil, shuffle: shuffle,
                                labels: nil, seed: seed, names: ("testFraction", "trainSize"))
  return (data.subset(fold.train), data.subset(fold.test))
}

/// Splits a classification dataset into a training and a test dataset, stratified by its labels
/// when `stratified` is true (scikit-learn's `train_test_split(x, y, stratify=y)`).
///
/// Only `Dataset<Int>` has this overload: stratifying needs class labels, so asking to stratify a
/// regression target does not compile.
///
/// - Parameters:
///   - testFraction: fraction of the rows in the test set, in (0, 1), rounded up.
///   - stratified: whether each set keeps the class proportions of `data.y` (needs `shuffle`).
/// - Throws: as ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)``, naming
///   `testFraction`.
public func trainTestSplit(
  _ data: Dataset<Int>, testFraction: Double = 0.25, stratified: Bool = false, shuffle: Bool = true, seed: UInt64 = 0
) throws(LearnError) -> (train: Dataset<Int>, test: Dataset<Int>) {
  let fold = try trainTestSplit(count: data.count, testSize: .fraction(testFraction), trainSize: nil, shuffle: shuffle,
                                labels: stratified ? data.y : nil, seed: seed, names: ("testFraction", "trainSize"))
  return (data.subset(fold.train), data.subset(fold.test))
}

/// Splits `count` samples into training, validation and test sets: two successive
/// ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)`` calls, the way it is done with
/// scikit-learn.
///
/// The test set is split off all the rows first (seed `SplitMix64.derive(seed, 0)`), then the
/// validation set off the rows left (seed `SplitMix64.derive(seed, 1)`), each stratified when
/// `labels` are given. Both sizes are relative to *all* `count` rows: fractions round up
/// (`ceil(f · count)`), and the training set gets the rest. Unshuffled, the rows are in order:
/// training first, then validation, then test.
///
/// - Throws: `invalidArgument` naming `validationSize` or `testSize` when a count is outside
///   `1 ..< count` or a fraction outside (0, 1), or when the two leave no training rows; the
///   errors of ``trainTestSplit(count:testSize:trainSize:shuffle:labels:seed:)`` otherwise.
public func trainValidationTestSplit(
  count: Int, validationSize: SplitSize = .fraction(0.2), testSize: SplitSize = .fraction(0.2),
  shuffle: Bool = true, labels: [Int]? = nil, seed: UInt64 = 0
) throws(LearnError) -> (train: [Int], validation: [Int], test: [Int]) {
  try trainValidationTestSplit(count: count, validationSize: validationSize, testSize: testSize, shuffle: shuffle,
                               labels: labels, seed: seed, names: ("validationSize", "testSize"))
}

/// ``trainValidationTestSplit(count:validationSize:testSize:shuffle:labels:seed:)`` naming the
/// size arguments `names` in errors.
func trainValidationTestSplit(
  count: Int, validationSize: SplitSize, testSize: SplitSize, shuffle: Bool, labels: [Int]?, seed: UInt64,
  names: (validation: String, test: String)
) throws(LearnError) -> (train: [Int], validation: [Int], test: [Int]) {
  try SplitCheck.sampleCount(count)
  try validationSize.validate(count: count, name: names.validation)
  try testSize.validate(count: count, name: names.test)
  if let labels, labels.count != count {
    throw .shapeMismatch("labels has \(labels.count) entries for \(count) samples")
  }
  let nValidation = validationSize.samples(of: count, roundingUp: true)
  let nTest = testSize.samples(of: count, roundingUp: true)
  guard nValidation + nTest < count else {
    throw .invalidArgument(
      name: names.validation,
      reason: "\(names.validation) (\(nValidation) samples) and \(names.test) (\(nTest) samples) "
        + "leave no training rows out of \(count)")
  }
  let outer = try trainTestSplit(count: count, testSize: .count(nTest), trainSize: nil, shuffle: shuffle,
                                 labels: labels, seed: SplitMix64.derive(seed, 0), names: (names.test, "trainSize"))
  let rest = outer.train
  let inner = try trainTestSplit(count: rest.count, testSize: .count(nValidation), trainSize: nil, shuffle: shuffle,
                                 labels: labels.map { labels in rest.map { labels[$0] } },
                                 seed: SplitMix64.derive(seed, 1), names: (names.validation, "trainSize"))
  return (inner.train.map { rest[$0] }, inner.test.map { rest[$0] }, outer.test)
}

/// Splits a dataset into training, validation and test datasets; see
/// ``trainValidationTestSplit(count:validationSize:testSize:shuffle:labels:seed:)``. Stratifying
/// needs the `Dataset<Int>` overload.
///
/// - Parameters:
///   - validationFraction: fraction of all rows in the validation set, in (0, 1), rounded up.
///   - testFraction: fraction of all rows in the test set, in (0, 1), rounded up.
public func trainValidationTestSplit<T>(
  _ data: Dataset<T>, validationFraction: Double = 0.2, testFraction: Double = 0.2, shuffle: Bool = true,
  seed: UInt64 = 0
) throws(LearnError) -> (train: Dataset<T>, validation: Dataset<T>, test: Dataset<T>) {
  let split = try trainValidationTestSplit(
    count: data.count, validationSize: .fraction(validationFraction), testSize: .fraction(testFraction),
    shuffle: shuffle, labels: nil, seed: seed, names: ("validationFraction", "testFraction"))
  return (data.subset(split.train), data.subset(split.validation), data.subset(split.test))
}

/// Splits a classification dataset into training, validation and test datasets, each stratified by
/// its labels when `stratified` is true; see
/// ``trainValidationTestSplit(count:validationSize:testSize:shuffle:labels:seed:)``.
///
/// - Parameters:
///   - validationFraction: fraction of all rows in the validation set, in (0, 1), rounded up.
///   - testFraction: fraction of all rows in the test set, in (0, 1), rounded up.
///   - stratified: whether every set keeps the class proportions of `data.y` (needs `shuffle`).
public func trainValidationTestSplit(
  _ data: Dataset<Int>, validationFraction: Double = 0.2, testFraction: Double = 0.2, stratified: Bool = false,
  shuffle: Bool = true, seed: UInt64 = 0
) throws(LearnError) -> (train: Dataset<Int>, validation: Dataset<Int>, test: Dataset<Int>) {
  let split = try trainValidationTestSplit(
    count: data.count, validationSize: .fraction(validationFraction), testSize: .fraction(testFraction),
    shuffle: shuffle, labels: stratified ? data.y : nil, seed: seed, names: ("validationFraction", "testFraction"))
  return (data.subset(split.train), data.subset(split.validation), data.subset(split.test))
}
