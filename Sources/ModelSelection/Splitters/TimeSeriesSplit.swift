import LearnCore

/// Time-series cross-validation (scikit-learn's `TimeSeriesSplit`): rows are taken to be in time
/// order; split `k` tests on a block of consecutive rows and trains only on rows before it, so a
/// model is never trained on the future of its test set. Successive training sets grow (or, with
/// `maxTrainSize`, slide).
///
/// The `splits` test blocks of `testSize` rows (default `count / (splits + 1)`) end at the last
/// row; each training set ends `gap` rows before its test block and keeps at most the last
/// `maxTrainSize` rows. Identical to scikit-learn's index arrays.
public struct TimeSeriesSplit: Splitter, Hashable {
  /// Number of splits, at least 2 (scikit-learn `n_splits`).
  public var splits: Int
  /// Largest training set, at least 1; nil for no limit (scikit-learn `max_train_size`).
  public var maxTrainSize: Int?
  /// Rows per test block, at least 1; nil for `count / (splits + 1)` (scikit-learn `test_size`).
  public var testSize: Int?
  /// Rows left out between the end of each training set and its test block, 0 or more
  /// (scikit-learn `gap`).
  public var gap: Int

  /// Time-series splitting; the defaults are scikit-learn's (5 splits, no limit, no gap).
  public init(splits: Int = 5, maxTrainSize: Int? = nil, testSize: Int? = nil, gap: Int = 0) {
    self.splits = splits
    self.maxTrainSize = maxTrainSize
    self.testSize = testSize
    self.gap = gap
  }

  /// The `splits` folds of `count` time-ordered samples (labels and groups are ignored).
  ///
  /// - Throws: `invalidArgument` when `splits` is below 2, `maxTrainSize` or `testSize` below 1,
  ///   `gap` negative, `splits + 1` above `count`, or when `count − gap − splits · testSize` is not
  ///   positive (scikit-learn's "too many splits" error).
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.foldCount(splits)
    try SplitCheck.sampleCount(count)
    if let maxTrainSize, maxTrainSize < 1 {
      throw .invalidArgument(
        name: "maxTrainSize", reason: "must be at least 1 (or nil for no limit), got \(maxTrainSize)")
    }
    if let testSize, testSize < 1 {
      throw .invalidArgument(name: "testSize", reason: "must be at least 1 (or nil for the default), got \(testSize)")
    }
    guard gap >= 0 else { throw .invalidArgument(name: "gap", reason: "must be 0 or more, got \(gap)") }
    let foldCount = splits + 1
    guard foldCount <= count else {
      throw .invalidArgument(
        name: "splits",
        reason: "cannot have number of folds=\(foldCount) (splits + 1) greater than the number of samples=\(count)")
    }
    let testSize = testSize ?? count / foldCount
    // Compared as count − gap > splits · testSize so that a huge testSize cannot overflow.
    guard testSize <= (count - gap) / splits, count - gap - splits * testSize > 0 else {
      throw .invalidArgument(
        name: "splits",
        reason: "too many splits=\(splits) for number of samples=\(count) with testSize=\(testSize) and gap=\(gap)")
    }
    var result: [Fold] = []
    result.reserveCapacity(splits)
    var testStart = count - splits * testSize
    while testStart < count {
      let trainEnd = testStart - gap
      let trainStart = maxTrainSize.map { $0 < trainEnd ? trainEnd - $0 : 0 } ?? 0
      let testEnd = min(testStart + testSize, count)
      result.append(Fold(train: Array(trainStart..<trainEnd), test: Array(testStart..<testEnd)))
      testStart += testSize
    }
    return result
  }
}
