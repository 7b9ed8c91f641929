import LearnCore
import LinearAlgebra

/// Stratified k-fold cross-validation (scikit-learn's `StratifiedKFold`): every test fold holds
/// each class in (nearly) the proportion it has in the whole data, and test folds differ in size by
/// at most one sample.
///
/// Classes are numbered in order of first appearance; each class's share of every fold is the
/// round-robin deal of the class-sorted labels over the folds, and a class's samples are assigned
/// to folds in blocks, in row order (so unshuffled folds keep the data's order). With `shuffle`,
/// each class's block assignment is shuffled by Learn's generator from `seed`: the rows differ from
/// scikit-learn's but every fold's per-class counts are the same.
///
/// Like scikit-learn, a class with fewer members than `splits` is allowed (it is missing from some
/// test folds; scikit-learn warns); it throws only when *every* class has fewer than `splits`
/// members.
public struct StratifiedKFold: Splitter, Hashable {
  /// Number of folds, at least 2 (scikit-learn `n_splits`).
  public var splits: Int
  /// Whether each class's samples are shuffled before being dealt to folds (scikit-learn `shuffle`).
  public var shuffle: Bool
  /// Seed of the shuffle (scikit-learn `random_state`).
  public var seed: UInt64

  /// Stratified k-fold splitting; the defaults are scikit-learn's (5 folds, no shuffle).
  public init(splits: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
    self.splits = splits
    self.shuffle = shuffle
    self.seed = seed
  }

  /// The folds of `count` samples, stratified by `labels` (required, one per sample; groups are
  /// ignored). Train and test lists are ascending.
  ///
  /// - Throws: `invalidArgument` when `splits` is below 2 or above `count`, when `labels` is nil,
  ///   or when every class has fewer than `splits` members; `shapeMismatch` when `labels` does not
  ///   have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.foldCount(splits)
    try SplitCheck.sampleCount(count)
    let labels = try SplitCheck.labels(labels, count: count, splitter: "StratifiedKFold")
    try SplitCheck.foldsFitSamples(splits, count: count)
    // Classes numbered by first appearance (scikit-learn's encoding, invariant to relabelling).
    var codeOf: [Int: Int] = [:]
    var codes: [Int] = []
    codes.reserveCapacity(count)
    var classCounts: [Int] = []
    for label in labels {
      if let code = codeOf[label] {
        codes.append(code)
        classCounts[code] += 1
      } else {
        codeOf[label] = classCounts.count
        codes.append(classCounts.count)
        classCounts.append(1)
      }
    }
    try SplitCheck.someClassFillsFolds(classCounts, splits: splits)
    // allocation[k][c]: members of class c in test fold k. The class-sorted labels are dealt round
    // robin: sorted position j goes to fold j % splits.
    var allocation = [[Int]](repeating: [Int](repeating: 0, count: classCounts.count), count: splits)
    var position = 0
    for (code, size) in classCounts.enumerated() {
      for j in position..<position + size { allocation[j % splits][code] += 1 }
      position += size
    }
    var generator = Xoshiro256StarStar(seed: seed)
    var foldsOfClass: [[Int]] = classCounts.indices.map { code in
      var folds: [Int] = []
      folds.reserveCapacity(classCounts[code])
      for k in 0..<splits { folds += repeatElement(k, count: allocation[k][code]) }
      return folds
    }
    if shuffle {
      for code in foldsOfClass.indices { generator.shuffle(&foldsOfClass[code]) }
    }
    var nextOfClass = [Int](repeating: 0, count: classCounts.count)
    var assignment = [Int](repeating: 0, count: count)
    for (row, code) in codes.enumerated() {
      assignment[row] = foldsOfClass[code][nextOfClass[code]]
      nextOfClass[code] += 1
    }
    return Fold.fromAssignment(assignment, foldCount: splits)
  }
}

/// Repeated stratified k-fold (scikit-learn's `RepeatedStratifiedKFold`): `repeats` rounds of
/// shuffled ``StratifiedKFold``, round `r` shuffled with the seed `SplitMix64.derive(seed, r)`.
/// Gives `splits × repeats` folds, round by round.
public struct RepeatedStratifiedKFold: Splitter, Hashable {
  /// Number of folds per round, at least 2 (scikit-learn `n_splits`).
  public var splits: Int
  /// Number of rounds, at least 1 (scikit-learn `n_repeats`).
  public var repeats: Int
  /// Seed from which every round's seed is derived (scikit-learn `random_state`).
  public var seed: UInt64

  /// Repeated stratified k-fold; the defaults are scikit-learn's (5 folds, 10 rounds).
  public init(splits: Int = 5, repeats: Int = 10, seed: UInt64 = 0) {
    self.splits = splits
    self.repeats = repeats
    self.seed = seed
  }

  /// The `splits × repeats` folds of `count` samples, stratified by `labels` (required). Throws as
  /// ``StratifiedKFold`` does, and when `repeats` is below 1.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.repetitions(repeats)
    var result: [Fold] = []
    for round in 0..<repeats {
      let stratified = StratifiedKFold(splits: splits, shuffle: true, seed: SplitMix64.derive(seed, UInt64(round)))
      result += try stratified.folds(count: count, labels: labels, groups: nil)
    }
    return result
  }
}

extension SplitCheck {
  /// scikit-learn's stratified k-fold rule: at least one class must have `splits` members or more
  /// (a smaller least-populated class draws a ``LinearAlgebra/LearnWarning/Category/smallClass``
  /// warning, as it does there).
  static func someClassFillsFolds(_ classCounts: [Int], splits: Int) throws(LearnError) {
    let largest = classCounts.max() ?? 0
    guard largest >= splits else {
      throw .invalidArgument(
        name: "splits",
        reason: "splits=\(splits) cannot be greater than the number of members in each class "
          + "(the largest class has \(largest)); use 2 ... \(max(largest, 2))")
    }
    let smallest = classCounts.min() ?? 0
    if smallest < splits {
      LearnWarning.emit(.smallClass, "the least populated class has only \(smallest) member\(smallest == 1 ? "" : "s"), "
        + "fewer than splits=\(splits), so some test folds miss it")
    }
  }
}
