import LearnCore
import LinearAlgebra

/// K-fold cross-validation (scikit-learn's `KFold`): `splits` consecutive test blocks; the first
/// `count % splits` blocks are one sample larger. With `shuffle`, rows are permuted first by
/// Learn's own generator from `seed`, so a seed fixes the folds on every toolchain.
///
/// As in scikit-learn, the train and test lists of every fold are ascending, shuffled or not.
public struct KFold: Splitter, Hashable {
  /// Number of folds, at least 2 (scikit-learn `n_splits`).
  public var splits: Int
  /// Whether rows are shuffled before splitting (scikit-learn `shuffle`).
  public var shuffle: Bool
  /// Seed of the shuffle (scikit-learn `random_state`).
  public var seed: UInt64

  /// K-fold splitting; the defaults are scikit-learn's (5 folds, no shuffle).
  public init(splits: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
    self.splits = splits
    self.shuffle = shuffle
    self.seed = seed
  }

  /// The folds of `count` samples, in order (labels and groups are ignored). Throws when `splits`
  /// is below 2 or above `count`.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.foldCount(splits)
    try SplitCheck.sampleCount(count)
    try SplitCheck.foldsFitSamples(splits, count: count)
    var order = Array(0..<count)
    if shuffle {
      var generator = Xoshiro256StarStar(seed: seed)
      generator.shuffle(&order)
    }
    var assignment = [Int](repeating: 0, count: count)
    var start = 0
    for k in 0..<splits {
      let size = count / splits + (k < count % splits ? 1 : 0)
      for position in start..<start + size { assignment[order[position]] = k }
      start += size
    }
    return Fold.fromAssignment(assignment, foldCount: splits)
  }
}

/// Repeated k-fold (scikit-learn's `RepeatedKFold`): `repeats` rounds of shuffled ``KFold``, round
/// `r` shuffled with the seed `SplitMix64.derive(seed, r)`. Gives `splits × repeats` folds, round
/// by round.
public struct RepeatedKFold: Splitter, Hashable {
  /// Number of folds per round, at least 2 (scikit-learn `n_splits`).
  public var splits: Int
  /// Number of rounds, at least 1 (scikit-learn `n_repeats`).
  public var repeats: Int
  /// Seed from which every round's seed is derived (scikit-learn `random_state`).
  public var seed: UInt64

  /// Repeated k-fold; the defaults are scikit-learn's (5 folds, 10 rounds).
  public init(splits: Int = 5, repeats: Int = 10, seed: UInt64 = 0) {
    self.splits = splits
    self.repeats = repeats
    self.seed = seed
  }

  /// The `splits × repeats` folds of `count` samples (labels and groups are ignored). Throws when
  /// `splits` is below 2 or above `count`, or `repeats` is below 1.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.repetitions(repeats)
    var result: [Fold] = []
    for round in 0..<repeats {
      let kFold = KFold(splits: splits, shuffle: true, seed: SplitMix64.derive(seed, UInt64(round)))
      result += try kFold.folds(count: count, labels: nil, groups: nil)
    }
    return result
  }
}

extension SplitCheck {
  /// `repeats` must be at least 1 (scikit-learn's `_RepeatedSplits` rule).
  static func repetitions(_ repeats: Int) throws(LearnError) {
    guard repeats >= 1 else {
      throw .invalidArgument(name: "repeats", reason: "the number of repetitions must be at least 1, got \(repeats)")
    }
  }
}
