import LearnCore
import LinearAlgebra

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

/// K-fold cross-validation (scikit-learn's `KFold`): `splits` consecutive test blocks; the first
/// `count % splits` blocks are one sample larger. With `shuffle`, rows are permuted first by
/// Learn's own generator from `seed`, so a seed fixes the folds on every toolchain.
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
    guard splits >= 2 else {
      throw .invalidArgument(name: "splits", reason: "must be at least 2, got \(splits)")
    }
    guard splits <= count else {
      throw .invalidArgument(name: "splits", reason: "cannot have \(splits) folds with only \(count) samples")
    }
    var order = Array(0..<count)
    if shuffle {
      var generator = Xoshiro256StarStar(seed: seed)
      generator.shuffle(&order)
    }
    var result: [Fold] = []
    var start = 0
    for k in 0..<splits {
      let size = count / splits + (k < count % splits ? 1 : 0)
      let test = Array(order[start..<start + size])
      let train = Array(order[..<start] + order[(start + size)...])
      result.append(Fold(train: train, test: test))
      start += size
    }
    return result
  }
}
