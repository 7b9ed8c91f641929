import LearnCore

/// One train/test split: row indices into the data.
public struct Fold: Sendable, Hashable {
  /// Rows to fit on.
  public var train: [Int]
  /// Rows to score on.
  public var test: [Int]

  /// A fold from its index lists.
  public init(train: [Int], test: [Int]) {
    self.train = train
    self.test = test
  }
}

// MARK: - Shared building blocks of the splitters (internal)

extension Fold {
  /// The fold whose test rows are those of `0 ..< count` in `isTest`, both lists ascending: what
  /// scikit-learn's `BaseCrossValidator.split` returns from a boolean test mask.
  static func complement(count: Int, isTest: (Int) -> Bool) -> Fold {
    var train: [Int] = []
    var test: [Int] = []
    for row in 0..<count {
      if isTest(row) { test.append(row) } else { train.append(row) }
    }
    return Fold(train: train, test: test)
  }

  /// One fold per value in `0 ..< foldCount`: fold `k` tests the rows whose `assignment` is `k` and
  /// trains on all the others (rows assigned to no fold, e.g. -1, are always trained on).
  static func fromAssignment(_ assignment: [Int], foldCount: Int) -> [Fold] {
    var tests = [[Int]](repeating: [], count: foldCount)
    for (row, fold) in assignment.enumerated() where fold >= 0 && fold < foldCount {
      tests[fold].append(row)
    }
    return tests.map { test in
      var train: [Int] = []
      train.reserveCapacity(assignment.count - test.count)
      var next = 0
      for row in test {
        while next < row { train.append(next); next += 1 }
        next = row + 1
      }
      while next < assignment.count { train.append(next); next += 1 }
      return Fold(train: train, test: test)
    }
  }
}

/// The distinct values of an integer array, ascending, with each element's position among them and
/// each value's count (numpy's `np.unique(values, return_inverse=True, return_counts=True)`).
struct UniqueEncoding {
  /// The distinct values, ascending.
  var values: [Int]
  /// For each element, the index of its value in `values`.
  var codes: [Int]
  /// For each distinct value, how many elements have it.
  var counts: [Int]

  init(_ elements: [Int]) {
    values = Array(Set(elements)).sorted()
    var position: [Int: Int] = [:]
    position.reserveCapacity(values.count)
    for (index, value) in values.enumerated() { position[value] = index }
    codes = elements.map { position[$0]! }
    counts = [Int](repeating: 0, count: values.count)
    for code in codes { counts[code] += 1 }
  }
}

/// Argument checks shared by the splitters; each throws `LearnError.invalidArgument` naming the
/// argument and the valid range, or `.shapeMismatch` for lengths that differ from the sample count.
enum SplitCheck {
  /// `splits` must be at least 2 (scikit-learn's `_BaseKFold` rule).
  static func foldCount(_ splits: Int) throws(LearnError) {
    guard splits >= 2 else {
      throw .invalidArgument(
        name: "splits",
        reason: "k-fold cross-validation needs at least one train/test split: splits must be at least 2, got \(splits)")
    }
  }

  /// `splits` must not exceed `count` (scikit-learn's `_BaseKFold.split` rule).
  static func foldsFitSamples(_ splits: Int, count: Int) throws(LearnError) {
    guard splits <= count else {
      throw .invalidArgument(
        name: "splits",
        reason: "cannot have splits=\(splits) greater than the number of samples \(count); use 2 ... \(max(count, 2))")
    }
  }

  /// The class labels, present and one per sample.
  static func labels(_ labels: [Int]?, count: Int, splitter: String) throws(LearnError) -> [Int] {
    guard let labels else {
      throw .invalidArgument(
        name: "labels", reason: "\(splitter) stratifies by class: pass one label per sample, not nil")
    }
    guard labels.count == count else {
      throw .shapeMismatch("labels has \(labels.count) entries for \(count) samples")
    }
    return labels
  }

  /// The group ids, present and one per sample.
  static func groups(_ groups: [Int]?, count: Int, splitter: String) throws(LearnError) -> [Int] {
    guard let groups else {
      throw .invalidArgument(
        name: "groups", reason: "\(splitter) splits by group: pass one group id per sample, not nil")
    }
    guard groups.count == count else {
      throw .shapeMismatch("groups has \(groups.count) entries for \(count) samples")
    }
    return groups
  }

  /// A non-negative sample count.
  static func sampleCount(_ count: Int) throws(LearnError) {
    guard count >= 0 else { throw .invalidArgument(name: "count", reason: "must be 0 or more, got \(count)") }
  }
}

/// numpy's `np.std` (population, `ddof=0`) of a contiguous array.
func numpyStandardDeviation(_ values: [Double]) -> Double {
  let mean = NumpyStatistics.sum(values) / Double(values.count)
  let squares = values.map { ($0 - mean) * ($0 - mean) }
  return (NumpyStatistics.sum(squares) / Double(values.count)).squareRoot()
}
