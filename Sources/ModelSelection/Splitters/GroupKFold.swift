import LearnCore
import LinearAlgebra

/// K-fold over groups (scikit-learn's `GroupKFold`): every group lands in exactly one test fold,
/// so no group is ever split between training and test rows.
///
/// Unshuffled (the default), scikit-learn 1.9's greedy balance: groups are taken from the largest
/// to the smallest (among equal sizes, the larger group id first) and each goes to the test fold
/// with the fewest samples so far (the first such fold on a tie). With `shuffle` (added in
/// scikit-learn 1.6), the distinct groups are permuted by Learn's generator from `seed` and dealt in
/// `splits` consecutive chunks, the first `groupCount % splits` one group larger: the same number of
/// groups per fold as scikit-learn, but not the same groups. Train and test lists are ascending.
public struct GroupKFold: Splitter, Hashable {
  /// Number of folds, at least 2 and at most the number of distinct groups (scikit-learn `n_splits`).
  public var splits: Int
  /// Whether the groups are shuffled before being dealt to folds (scikit-learn `shuffle`).
  public var shuffle: Bool
  /// Seed of the shuffle (scikit-learn `random_state`).
  public var seed: UInt64

  /// Group k-fold splitting; the defaults are scikit-learn's (5 folds, no shuffle).
  public init(splits: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
    self.splits = splits
    self.shuffle = shuffle
    self.seed = seed
  }

  /// The folds of `count` samples by `groups` (required, one id per sample; labels are ignored).
  ///
  /// - Throws: `invalidArgument` when `splits` is below 2 or above `count` or the number of
  ///   distinct groups, or `groups` is nil; `shapeMismatch` when `groups` does not have `count`
  ///   entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.foldCount(splits)
    try SplitCheck.sampleCount(count)
    let groups = try SplitCheck.groups(groups, count: count, splitter: "GroupKFold")
    try SplitCheck.foldsFitSamples(splits, count: count)
    let encoding = UniqueEncoding(groups)
    let groupCount = encoding.values.count
    try SplitCheck.enoughGroups(groupCount, splits: splits)
    var foldOfGroup = [Int](repeating: 0, count: groupCount)
    if shuffle {
      var generator = Xoshiro256StarStar(seed: seed)
      let order = generator.permutation(groupCount)
      var start = 0
      for k in 0..<splits {
        let size = groupCount / splits + (k < groupCount % splits ? 1 : 0)
        for position in start..<start + size { foldOfGroup[order[position]] = k }
        start += size
      }
    } else {
      // Largest groups first; a stable ascending sort reversed puts the larger id first on ties.
      let order = Array(encoding.counts.indices.sorted { encoding.counts[$0] < encoding.counts[$1] }.reversed())
      var foldSizes = [Int](repeating: 0, count: splits)
      for group in order {
        var lightest = 0
        for k in 1..<splits where foldSizes[k] < foldSizes[lightest] { lightest = k }
        foldSizes[lightest] += encoding.counts[group]
        foldOfGroup[group] = lightest
      }
    }
    return Fold.fromAssignment(encoding.codes.map { foldOfGroup[$0] }, foldCount: splits)
  }
}

/// Stratified k-fold over groups (scikit-learn's `StratifiedGroupKFold`): every group lands in
/// exactly one test fold, and groups are placed so that each fold's class proportions stay as close
/// as possible to the whole data's.
///
/// scikit-learn's greedy algorithm: groups are visited in decreasing order of the standard
/// deviation of their class counts (stably, so equal groups keep their order: ascending id, or the
/// shuffled order); each goes to the fold that minimises the mean over classes of the standard
/// deviation across folds of the fold's share of that class, a fold with fewer samples winning when
/// the criterion is within numpy's `isclose` of the best. The floating-point arithmetic follows
/// numpy's summation order, so unshuffled folds equal scikit-learn's. With `shuffle`, the groups'
/// visiting order among equals comes from Learn's generator (`seed`), so the folds differ from
/// scikit-learn's.
///
/// Like scikit-learn, a class with fewer members than `splits` is allowed (scikit-learn warns); it
/// throws when every class has fewer than `splits` members.
public struct StratifiedGroupKFold: Splitter, Hashable {
  /// Number of folds, at least 2 and at most the number of distinct groups (scikit-learn `n_splits`).
  public var splits: Int
  /// Whether the groups are shuffled before being placed (scikit-learn `shuffle`).
  public var shuffle: Bool
  /// Seed of the shuffle (scikit-learn `random_state`).
  public var seed: UInt64

  /// Stratified group k-fold splitting; the defaults are scikit-learn's (5 folds, no shuffle).
  public init(splits: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
    self.splits = splits
    self.shuffle = shuffle
    self.seed = seed
  }

  /// The folds of `count` samples, stratified by `labels` with `groups` kept whole (both required,
  /// one entry per sample). Train and test lists are ascending.
  ///
  /// - Throws: `invalidArgument` when `splits` is below 2 or above `count` or the number of
  ///   distinct groups, when `labels` or `groups` is nil, or when every class has fewer than
  ///   `splits` members; `shapeMismatch` when `labels` or `groups` does not have `count` entries.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    try SplitCheck.foldCount(splits)
    try SplitCheck.sampleCount(count)
    let labels = try SplitCheck.labels(labels, count: count, splitter: "StratifiedGroupKFold")
    let groups = try SplitCheck.groups(groups, count: count, splitter: "StratifiedGroupKFold")
    try SplitCheck.foldsFitSamples(splits, count: count)
    let classes = UniqueEncoding(labels)
    try SplitCheck.someClassFillsFolds(classes.counts, splits: splits)
    var groupEncoding = UniqueEncoding(groups)
    let groupCount = groupEncoding.values.count
    try SplitCheck.enoughGroups(groupCount, splits: splits)
    let classCount = classes.counts.count

    var countsOfGroup = [[Double]](repeating: [Double](repeating: 0, count: classCount), count: groupCount)
    for (classCode, groupCode) in zip(classes.codes, groupEncoding.codes) { countsOfGroup[groupCode][classCode] += 1 }
    if shuffle {
      var generator = Xoshiro256StarStar(seed: seed)
      let permutation = generator.permutation(groupCount)
      countsOfGroup = permutation.map { countsOfGroup[$0] }
      var inverse = [Int](repeating: 0, count: groupCount)
      for (position, group) in permutation.enumerated() { inverse[group] = position }
      groupEncoding.codes = groupEncoding.codes.map { inverse[$0] }
    }
    // Visit groups by decreasing spread of their class counts (a stable sort of -std).
    let spread = countsOfGroup.map { -numpyStandardDeviation($0) }
    let visitOrder = spread.indices.sorted { spread[$0] < spread[$1] || (spread[$0] == spread[$1] && $0 < $1) }

    let classTotals = classes.counts.map(Double.init)
    var countsOfFold = [[Double]](repeating: [Double](repeating: 0, count: classCount), count: splits)
    var foldOfGroup = [Int](repeating: 0, count: groupCount)
    for group in visitOrder {
      let best = bestFold(countsOfFold: countsOfFold, classTotals: classTotals, groupCounts: countsOfGroup[group])
      for c in 0..<classCount { countsOfFold[best][c] += countsOfGroup[group][c] }
      foldOfGroup[group] = best
    }
    return Fold.fromAssignment(groupEncoding.codes.map { foldOfGroup[$0] }, foldCount: splits)
  }

  /// scikit-learn's `_find_best_fold`: the fold whose taking the group gives the lowest mean
  /// per-class standard deviation of the folds' class shares; within `isclose`, the fold with fewer
  /// samples.
  private func bestFold(countsOfFold: [[Double]], classTotals: [Double], groupCounts: [Double]) -> Int {
    let classCount = classTotals.count
    var best = 0
    var minimumEvaluation = Double.infinity
    var minimumSamples = Double.infinity
    var shares = [Double](repeating: 0, count: splits)
    var deviations = [Double](repeating: 0, count: classCount)
    for candidate in 0..<splits {
      for c in 0..<classCount {
        for k in 0..<splits {
          let value = countsOfFold[k][c] + (k == candidate ? groupCounts[c] : 0)
          shares[k] = value / classTotals[c]
        }
        deviations[c] = Self.columnStandardDeviation(shares, classCount: classCount)
      }
      let evaluation = NumpyStatistics.sum(deviations) / Double(classCount)
      let samples = NumpyStatistics.sum(countsOfFold[candidate])
      if evaluation < minimumEvaluation
        || (Self.isClose(evaluation, minimumEvaluation) && samples < minimumSamples) {
        minimumEvaluation = evaluation
        minimumSamples = samples
        best = candidate
      }
    }
    return best
  }

  /// numpy's `np.std(matrix, axis=0)` for one column: the sum over folds runs row by row, except
  /// that numpy reduces a single-column matrix as a contiguous (pairwise-summed) array.
  private static func columnStandardDeviation(_ column: [Double], classCount: Int) -> Double {
    if classCount == 1 { return numpyStandardDeviation(column) }
    var sum = 0.0
    for value in column { sum += value }
    let mean = sum / Double(column.count)
    var squares = 0.0
    for value in column { squares += (value - mean) * (value - mean) }
    return (squares / Double(column.count)).squareRoot()
  }

  /// numpy's `isclose(a, b)` with its defaults (`rtol=1e-5`, `atol=1e-8`).
  private static func isClose(_ a: Double, _ b: Double) -> Bool {
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)
  }
}

extension SplitCheck {
  /// There must be at least `splits` distinct groups.
  static func enoughGroups(_ groupCount: Int, splits: Int) throws(LearnError) {
    guard splits <= groupCount else {
      throw .invalidArgument(
        name: "splits",
        reason: "cannot have splits=\(splits) greater than the number of distinct groups \(groupCount); "
          + "use 2 ... \(max(groupCount, 2))")
    }
  }
}
