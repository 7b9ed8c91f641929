import LearnCore

/// A cross-validation strategy: turns a sample count (and, for the strategies that use them, class
/// labels or group ids) into train/test index pairs (scikit-learn's splitter `split(X, y, groups)`).
///
/// Splitters are values; a shuffled one is a pure function of its seed, so the same splitter gives
/// the same folds on every call, machine and toolchain.
public protocol Splitter: Sendable {
  /// The folds of `count` samples, in order.
  ///
  /// - Parameters:
  ///   - labels: one class label per sample; required by stratified splitters, ignored by others.
  ///   - groups: one group id per sample; required by group splitters, ignored by others.
  /// - Throws: `LearnError.invalidArgument` when the splitter's settings do not fit the data (more
  ///   folds than samples, every class smaller than the fold count, fewer groups than folds, missing
  ///   labels or groups), naming the argument and the valid range; `LearnError.shapeMismatch` when
  ///   labels or groups differ in length from `count`. Where scikit-learn only warns (some classes
  ///   smaller than the fold count), the splitter works as scikit-learn does.
  func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold]
}

extension Splitter {
  /// The folds of `count` samples for a splitter that needs neither labels nor groups.
  public func folds(count: Int) throws(LearnError) -> [Fold] {
    try folds(count: count, labels: nil, groups: nil)
  }
}
