import LearnCore

/// Leave-one-out cross-validation (scikit-learn's `LeaveOneOut`): `count` folds, fold `i` testing
/// on row `i` alone and training on all the others. The same as `KFold(splits: count)`.
public struct LeaveOneOut: Splitter, Hashable {
  /// Leave-one-out splitting (no parameters).
  public init() {}

  /// The most samples ``folds(count:labels:groups:)`` accepts: 10,000. The folds hold
  /// `count · count` indices in all, so a larger set would exhaust memory; use `KFold` there.
  public static let maximumSamples = 10_000

  /// The `count` folds (labels and groups are ignored); throws when `count` is below 2 or above
  /// ``maximumSamples``.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    guard count >= 2 else {
      throw .invalidArgument(name: "count", reason: "leave-one-out needs at least 2 samples, got \(count)")
    }
    guard count <= Self.maximumSamples else {
      throw .invalidArgument(
        name: "count",
        reason: "leave-one-out on \(count) samples would build \(count) folds of \(count - 1) rows each; "
          + "at most \(Self.maximumSamples) samples are accepted (use KFold for more)")
    }
    return (0..<count).map { row in Fold(train: Array(0..<row) + Array(row + 1..<count), test: [row]) }
  }
}

/// Leave-p-out cross-validation (scikit-learn's `LeavePOut`): one fold per set of `p` rows, testing
/// on those rows and training on the rest, in lexicographic order of the test sets (Python's
/// `itertools.combinations`). The test sets overlap; there are C(count, p) folds.
///
/// Unlike scikit-learn, which yields folds lazily, Learn returns them all, so it refuses (throws)
/// more than ``maximumFolds`` folds rather than exhaust memory.
public struct LeavePOut: Splitter, Hashable {
  /// Size of every test set, at least 1 and below the sample count (scikit-learn `p`).
  public var p: Int

  /// The most folds ``folds(count:labels:groups:)`` will build: 1,000,000.
  public static let maximumFolds = 1_000_000

  /// Leave-p-out splitting.
  public init(p: Int) {
    self.p = p
  }

  /// The C(count, p) folds (labels and groups are ignored). Throws when `p` is below 1 or not
  /// below `count`, or when there would be more than ``maximumFolds`` folds.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    guard p >= 1 else { throw .invalidArgument(name: "p", reason: "must be at least 1, got \(p)") }
    guard p < count else {
      throw .invalidArgument(name: "p", reason: "p=\(p) must be strictly less than the number of samples=\(count)")
    }
    guard let total = binomial(count, p, limit: Self.maximumFolds) else {
      throw .invalidArgument(
        name: "p",
        reason: "C(\(count), \(p)) folds is more than the \(Self.maximumFolds) Learn builds at once; lower p")
    }
    var result: [Fold] = []
    result.reserveCapacity(total)
    var combination = Array(0..<p)
    while true {
      var isTest = [Bool](repeating: false, count: count)
      for row in combination { isTest[row] = true }
      result.append(Fold.complement(count: count) { isTest[$0] })
      // Next combination in lexicographic order.
      var i = p - 1
      while i >= 0 && combination[i] == count - p + i { i -= 1 }
      if i < 0 { break }
      combination[i] += 1
      for j in i + 1..<p { combination[j] = combination[j - 1] + 1 }
    }
    return result
  }
}

/// C(n, k), or nil when it exceeds `limit` (computed without overflow).
func binomial(_ n: Int, _ k: Int, limit: Int) -> Int? {
  let k = min(k, n - k)
  var result = 1
  for i in 0..<k {
    // result · (n − i) / (i + 1) is exact at every step (a binomial coefficient).
    let (product, overflow) = result.multipliedReportingOverflow(by: n - i)
    if overflow { return nil }
    result = product / (i + 1)
    if result > limit { return nil }
  }
  return result
}

/// Leave-one-group-out cross-validation (scikit-learn's `LeaveOneGroupOut`): one fold per distinct
/// group, in ascending group id, testing on that group's rows and training on all others.
public struct LeaveOneGroupOut: Splitter, Hashable {
  /// Leave-one-group-out splitting (no parameters).
  public init() {}

  /// One fold per distinct value of `groups` (required; labels are ignored). Train and test lists
  /// are ascending.
  ///
  /// - Throws: `invalidArgument` when `groups` is nil or has fewer than 2 distinct values;
  ///   `shapeMismatch` when it does not have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.sampleCount(count)
    let groups = try SplitCheck.groups(groups, count: count, splitter: "LeaveOneGroupOut")
    let encoding = UniqueEncoding(groups)
    guard encoding.values.count >= 2 else {
      throw .invalidArgument(
        name: "groups", reason: "leave-one-group-out needs at least 2 distinct groups, got \(encoding.values.count)")
    }
    return Fold.fromAssignment(encoding.codes, foldCount: encoding.values.count)
  }
}

/// Leave-p-groups-out cross-validation (scikit-learn's `LeavePGroupsOut`): one fold per set of
/// `groups` distinct groups, testing on their rows, in lexicographic order of the sets of
/// (ascending) group ids. There are C(distinct groups, `groups`) folds, at most
/// ``LeavePOut/maximumFolds``.
public struct LeavePGroupsOut: Splitter, Hashable {
  /// Number of groups left out in each test set, at least 1 and below the number of distinct groups
  /// (scikit-learn `n_groups`).
  public var groups: Int

  /// Leave-p-groups-out splitting, leaving out `groups` groups per fold.
  public init(groups: Int) {
    self.groups = groups
  }

  /// The folds of `count` samples by the group ids `groups` (required; labels are ignored). Train
  /// and test lists are ascending.
  ///
  /// - Throws: `invalidArgument` when the ids are nil, when the `groups` setting is below 1 or not
  ///   below the number of distinct ids, or when there would be more than
  ///   ``LeavePOut/maximumFolds`` folds; `shapeMismatch` when the ids do not have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups ids: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.sampleCount(count)
    let ids = try SplitCheck.groups(ids, count: count, splitter: "LeavePGroupsOut")
    guard groups >= 1 else { throw .invalidArgument(name: "groups", reason: "must be at least 1, got \(groups)") }
    let encoding = UniqueEncoding(ids)
    let distinct = encoding.values.count
    guard groups < distinct else {
      throw .invalidArgument(
        name: "groups",
        reason: "there are \(distinct) distinct groups, not more than groups=\(groups); "
          + "leave-p-groups-out needs at least \(groups + 1)")
    }
    let byGroupSets = try LeavePOut(p: groups).folds(count: distinct, labels: nil, groups: nil)
    return byGroupSets.map { groupFold in
      var isTest = [Bool](repeating: false, count: distinct)
      for group in groupFold.test { isTest[group] = true }
      return Fold.complement(count: count) { isTest[encoding.codes[$0]] }
    }
  }
}
