import LearnCore
import LinearAlgebra

/// The size of a train or test set, as scikit-learn's `train_size`/`test_size` accept it: a number
/// of samples (an `int` there) or a fraction of them (a `float`).
public enum SplitSize: Sendable, Hashable {
  /// An absolute number of samples, in `1 ..< count`.
  case count(Int)
  /// A fraction of the samples, in the open interval (0, 1).
  case fraction(Double)

  /// The train and test sizes for `count` samples, with scikit-learn's rules
  /// (`_validate_shuffle_split`): a test fraction rounds up (`ceil(f · count)`), a train fraction
  /// rounds down (`floor(f · count)`); a missing size is the complement of the other; when both are
  /// missing, the test size is `defaultTestSize`.
  ///
  /// - Throws: `invalidArgument` naming `testSize` or `trainSize` when a count is outside
  ///   `1 ..< count` or a fraction outside (0, 1), when two fractions sum above 1, when the sizes
  ///   add up to more than `count`, or when the training set would be empty.
  public static func resolve(
    count: Int, testSize: SplitSize?, trainSize: SplitSize?, defaultTestSize: SplitSize
  ) throws(LearnError) -> (train: Int, test: Int) {
    try resolve(count: count, testSize: testSize, trainSize: trainSize, defaultTestSize: defaultTestSize,
                names: ("testSize", "trainSize"), unit: "samples")
  }

  /// ``resolve(count:testSize:trainSize:defaultTestSize:)`` with the argument names and the unit
  /// counted ("samples", "groups") to use in errors.
  static func resolve(
    count: Int, testSize: SplitSize?, trainSize: SplitSize?, defaultTestSize: SplitSize,
    names: (test: String, train: String), unit: String
  ) throws(LearnError) -> (train: Int, test: Int) {
    let testSize = testSize == nil && trainSize == nil ? defaultTestSize : testSize
    if let testSize { try testSize.validate(count: count, name: names.test, unit: unit) }
    if let trainSize { try trainSize.validate(count: count, name: names.train, unit: unit) }
    if case .fraction(let test)? = testSize, case .fraction(let train)? = trainSize, test + train > 1 {
      throw .invalidArgument(
        name: names.train,
        reason: "the sum of \(names.test) and \(names.train) is \(test + train); fractions must sum to at most 1")
    }
    var nTest = testSize.map { $0.samples(of: count, roundingUp: true) }
    var nTrain = trainSize.map { $0.samples(of: count, roundingUp: false) }
    if nTrain == nil { nTrain = count - nTest! }
    if nTest == nil { nTest = count - nTrain! }
    let train = nTrain!, test = nTest!
    guard train + test <= count else {
      throw .invalidArgument(
        name: names.train,
        reason: "\(names.train) (\(train) \(unit)) and \(names.test) (\(test) \(unit)) sum to \(train + test), "
          + "more than the \(count) \(unit); reduce either")
    }
    guard train > 0 else {
      throw .invalidArgument(
        name: names.test,
        reason: "with \(count) \(unit) and \(names.test)=\(testSize.map { "\($0)" } ?? "nil"), "
          + "the training set would be empty")
    }
    return (train, test)
  }

  /// Throws unless a count is in `1 ..< count` and a fraction in (0, 1).
  func validate(count: Int, name: String, unit: String = "samples") throws(LearnError) {
    switch self {
    case .count(let value):
      guard value > 0 && value < count else {
        throw .invalidArgument(
          name: name, reason: "a count must be in 1 ..< \(count) (the number of \(unit)), got \(value)")
      }
    case .fraction(let value):
      guard value > 0 && value < 1 else {
        throw .invalidArgument(name: name, reason: "a fraction must be in the open interval (0, 1), got \(value)")
      }
    }
  }

  /// The number of samples this size stands for; fractions round up for test sizes, down for train.
  func samples(of count: Int, roundingUp: Bool) -> Int {
    switch self {
    case .count(let value): return value
    case .fraction(let value):
      let exact = value * Double(count)
      return Int(roundingUp ? exact.rounded(.up) : exact.rounded(.down))
    }
  }
}

/// Random permutation cross-validation (scikit-learn's `ShuffleSplit`): `splits` independent
/// random train/test splits. Test sets of different splits may overlap.
///
/// Each split draws `test + train` distinct rows from one Learn generator seeded by `seed`
/// (a partial Fisher–Yates shuffle): the first `test` drawn are the test rows, the next `train`
/// the training rows, both in the order drawn (scikit-learn also leaves them unsorted). Sizes
/// follow ``SplitSize/resolve(count:testSize:trainSize:defaultTestSize:)`` and equal
/// scikit-learn's; the rows differ because the generators differ.
public struct ShuffleSplit: Splitter, Hashable {
  /// Number of splits, at least 1 (scikit-learn `n_splits`).
  public var splits: Int
  /// Size of each test set; nil for the complement of `trainSize`, or 10 % when both are nil
  /// (scikit-learn `test_size`).
  public var testSize: SplitSize?
  /// Size of each training set; nil for the complement of the test set (scikit-learn `train_size`).
  public var trainSize: SplitSize?
  /// Seed of the draws (scikit-learn `random_state`).
  public var seed: UInt64

  /// Shuffle-split; the defaults are scikit-learn's (10 splits, 10 % test).
  public init(splits: Int = 10, testSize: SplitSize? = nil, trainSize: SplitSize? = nil, seed: UInt64 = 0) {
    self.splits = splits
    self.testSize = testSize
    self.trainSize = trainSize
    self.seed = seed
  }

  /// The `splits` random splits of `count` samples (labels and groups are ignored).
  ///
  /// - Throws: `invalidArgument` when `splits` is below 1 or the sizes do not fit `count`.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try folds(count: count, defaultTestSize: .fraction(0.1), unit: "samples")
  }

  /// The splits, with the given default test size and the unit counted named in errors
  /// (``GroupShuffleSplit`` reuses this on groups).
  func folds(count: Int, defaultTestSize: SplitSize, unit: String) throws(LearnError) -> [Fold] {
    try SplitCheck.shuffleSplitCount(splits)
    try SplitCheck.sampleCount(count)
    let (nTrain, nTest) = try SplitSize.resolve(
      count: count, testSize: testSize, trainSize: trainSize, defaultTestSize: defaultTestSize,
      names: ("testSize", "trainSize"), unit: unit)
    var generator = Xoshiro256StarStar(seed: seed)
    var result: [Fold] = []
    result.reserveCapacity(splits)
    for _ in 0..<splits {
      let drawn = generator.sample(nTest + nTrain, from: count)
      result.append(Fold(train: Array(drawn[nTest...]), test: Array(drawn[..<nTest])))
    }
    return result
  }
}

/// Random splits over groups (scikit-learn's `GroupShuffleSplit`): ``ShuffleSplit`` applied to the
/// distinct groups, so `testSize` and `trainSize` count *groups*, not samples; a split's rows are
/// those of its groups, ascending. No group is ever split between training and test rows.
public struct GroupShuffleSplit: Splitter, Hashable {
  /// Number of splits, at least 1 (scikit-learn `n_splits`).
  public var splits: Int
  /// Number or fraction of groups in each test set; nil for the complement of `trainSize`, or 20 %
  /// when both are nil (scikit-learn `test_size`).
  public var testSize: SplitSize?
  /// Number or fraction of groups in each training set; nil for the complement of the test groups
  /// (scikit-learn `train_size`).
  public var trainSize: SplitSize?
  /// Seed of the draws (scikit-learn `random_state`).
  public var seed: UInt64

  /// Group shuffle-split; the defaults are scikit-learn's (5 splits, 20 % of the groups for test).
  public init(splits: Int = 5, testSize: SplitSize? = nil, trainSize: SplitSize? = nil, seed: UInt64 = 0) {
    self.splits = splits
    self.testSize = testSize
    self.trainSize = trainSize
    self.seed = seed
  }

  /// The `splits` random splits of `count` samples by `groups` (required; labels are ignored).
  ///
  /// - Throws: `invalidArgument` when `splits` is below 1, `groups` is nil, or the sizes do not fit
  ///   the number of distinct groups; `shapeMismatch` when `groups` does not have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.shuffleSplitCount(splits)
    try SplitCheck.sampleCount(count)
    let groups = try SplitCheck.groups(groups, count: count, splitter: "GroupShuffleSplit")
    let encoding = UniqueEncoding(groups)
    let groupFolds = try ShuffleSplit(splits: splits, testSize: testSize, trainSize: trainSize, seed: seed)
      .folds(count: encoding.values.count, defaultTestSize: .fraction(0.2), unit: "groups")
    return groupFolds.map { groupFold in
      var side = [Int](repeating: -1, count: encoding.values.count)  // 0 train, 1 test, -1 unused
      for group in groupFold.train { side[group] = 0 }
      for group in groupFold.test { side[group] = 1 }
      var fold = Fold(train: [], test: [])
      for (row, code) in encoding.codes.enumerated() {
        if side[code] == 0 { fold.train.append(row) } else if side[code] == 1 { fold.test.append(row) }
      }
      return fold
    }
  }
}

/// Stratified random splits (scikit-learn's `StratifiedShuffleSplit`): ``ShuffleSplit`` whose
/// training and test sets keep the class proportions of the whole data.
///
/// Per split, as in scikit-learn: the training set's class counts are the approximate mode of the
/// multivariate hypergeometric distribution (scikit-learn's `_approximate_mode`: proportional
/// shares rounded down, the remaining samples given to the classes with the largest remainders),
/// then the test set's counts likewise from the samples left; each class's rows are permuted and
/// the first ones taken; finally the training and test lists are each shuffled. Where several
/// classes have exactly the same remainder and not all of them can receive a sample, the tie is
/// broken by Learn's generator (scikit-learn breaks it with its own), so per-class counts equal
/// scikit-learn's whenever no such tie occurs; the rows always differ.
public struct StratifiedShuffleSplit: Splitter, Hashable {
  /// Number of splits, at least 1 (scikit-learn `n_splits`).
  public var splits: Int
  /// Size of each test set; nil for the complement of `trainSize`, or 10 % when both are nil
  /// (scikit-learn `test_size`).
  public var testSize: SplitSize?
  /// Size of each training set; nil for the complement of the test set (scikit-learn `train_size`).
  public var trainSize: SplitSize?
  /// Seed of the draws (scikit-learn `random_state`).
  public var seed: UInt64

  /// Stratified shuffle-split; the defaults are scikit-learn's (10 splits, 10 % test).
  public init(splits: Int = 10, testSize: SplitSize? = nil, trainSize: SplitSize? = nil, seed: UInt64 = 0) {
    self.splits = splits
    self.testSize = testSize
    self.trainSize = trainSize
    self.seed = seed
  }

  /// The `splits` stratified random splits of `count` samples by `labels` (required; groups are
  /// ignored).
  ///
  /// - Throws: `invalidArgument` when `splits` is below 1, `labels` is nil, a class has fewer than 2
  ///   members, the sizes do not fit `count`, or the training or test set would have fewer samples
  ///   than there are classes; `shapeMismatch` when `labels` does not have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try folds(count: count, labels: labels, names: ("testSize", "trainSize"))
  }

  /// The splits, naming the size arguments `names` in errors (``trainTestSplit`` reuses this).
  func folds(count: Int, labels: [Int]?, names: (test: String, train: String)) throws(LearnError) -> [Fold] {
    try SplitCheck.shuffleSplitCount(splits)
    try SplitCheck.sampleCount(count)
    let labels = try SplitCheck.labels(labels, count: count, splitter: "StratifiedShuffleSplit")
    let (nTrain, nTest) = try SplitSize.resolve(
      count: count, testSize: testSize, trainSize: trainSize, defaultTestSize: .fraction(0.1), names: names,
      unit: "samples")
    let classes = UniqueEncoding(labels)
    let tooSmall = classes.values.indices.filter { classes.counts[$0] < 2 }.map { classes.values[$0] }
    guard tooSmall.isEmpty else {
      throw .invalidArgument(
        name: "labels",
        reason: "every class needs at least 2 members to appear in both sets; classes with 1 member: \(tooSmall)")
    }
    let classCount = classes.values.count
    guard nTrain >= classCount else {
      throw .invalidArgument(
        name: names.train,
        reason: "the training set (\(nTrain) samples) must hold at least one sample of each of the "
          + "\(classCount) classes")
    }
    guard nTest >= classCount else {
      throw .invalidArgument(
        name: names.test,
        reason: "the test set (\(nTest) samples) must hold at least one sample of each of the \(classCount) classes")
    }
    // Rows of each class, ascending.
    var rowsOfClass = [[Int]](repeating: [], count: classCount)
    for (row, code) in classes.codes.enumerated() { rowsOfClass[code].append(row) }

    var generator = Xoshiro256StarStar(seed: seed)
    var result: [Fold] = []
    result.reserveCapacity(splits)
    for _ in 0..<splits {
      let trainCounts = approximateMode(classes.counts, draws: nTrain, using: &generator)
      let remaining = zip(classes.counts, trainCounts).map { $0 - $1 }
      let testCounts = approximateMode(remaining, draws: nTest, using: &generator)
      var train: [Int] = []
      var test: [Int] = []
      train.reserveCapacity(nTrain)
      test.reserveCapacity(nTest)
      for c in 0..<classCount {
        let permutation = generator.permutation(classes.counts[c])
        for position in 0..<trainCounts[c] { train.append(rowsOfClass[c][permutation[position]]) }
        for position in trainCounts[c]..<trainCounts[c] + testCounts[c] {
          test.append(rowsOfClass[c][permutation[position]])
        }
      }
      generator.shuffle(&train)
      generator.shuffle(&test)
      result.append(Fold(train: train, test: test))
    }
    return result
  }
}

/// scikit-learn's `_approximate_mode`: how many of `draws` samples each class gets when drawing
/// from a population with `classCounts` members per class (an approximation to the mode of the
/// multivariate hypergeometric distribution, never off by more than one).
///
/// Each class gets `floor(count / total · draws)`; the samples still missing go to the classes with
/// the largest remainders. Within a group of exactly equal remainders that cannot all receive one,
/// the receivers are drawn from `generator`: the only random step.
func approximateMode<G: RandomNumberGenerator>(_ classCounts: [Int], draws: Int, using generator: inout G) -> [Int] {
  let total = Double(classCounts.reduce(0, +))
  let continuous = classCounts.map { Double($0) / total * Double(draws) }
  var result = continuous.map { Int($0.rounded(.down)) }
  var missing = draws - result.reduce(0, +)
  guard missing > 0 else { return result }
  let remainders = zip(continuous, result).map { $0 - Double($1) }
  for value in Set(remainders).sorted(by: >) {
    let tied = remainders.indices.filter { remainders[$0] == value }
    let added = min(tied.count, missing)
    if added == tied.count {
      for c in tied { result[c] += 1 }
    } else {
      for position in generator.sample(added, from: tied.count) { result[tied[position]] += 1 }
    }
    missing -= added
    if missing == 0 { break }
  }
  return result
}

extension SplitCheck {
  /// Shuffle-splitters need at least one split.
  static func shuffleSplitCount(_ splits: Int) throws(LearnError) {
    guard splits >= 1 else {
      throw .invalidArgument(name: "splits", reason: "the number of splits must be at least 1, got \(splits)")
    }
  }
}
