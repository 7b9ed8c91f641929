import LearnCore
import LinearAlgebra

// The machinery the four forests share: bootstrap samples, growing trees in parallel with seeds
// fixed before the fan-out, out-of-bag estimates and averaged predictions.

/// How a forest samples and seeds its trees.
struct ForestOptions: Sendable {
  var bootstrap: Bool
  var maxSamples: SampleCount?
  var oobScore: Bool
  var seed: UInt64
  var parallelism: Parallelism

  /// Throws for the combinations scikit-learn rejects: `maxSamples` or `oobScore` without bootstrap.
  func validate(estimator: String) throws(LearnError) {
    if !bootstrap && maxSamples != nil {
      throw .invalidHyperparameter(name: "maxSamples", estimator: estimator, expected: "none when bootstrap is false",
                                   got: maxSamples!.description)
    }
    if !bootstrap && oobScore {
      throw .invalidHyperparameter(name: "oobScore", estimator: estimator,
                                   expected: "false when bootstrap is false (out-of-bag needs bootstrap samples)",
                                   got: "true")
    }
  }

  /// Rows drawn per bootstrap sample (scikit-learn's `_get_n_samples_bootstrap`): all rows, the
  /// count, or `max(1, ⌊fraction · total weight⌋)`.
  func bootstrapSize(rows: Int, weights: [Double]?) -> Int {
    switch maxSamples {
    case nil: return rows
    case .count(let k)?: return k
    case .fraction(let f)?:
      let total = weights.map { $0.reduce(0, +) } ?? Double(rows)
      return Swift.max(Int(f * total), 1)
    }
  }

  /// The seed of tree `index`: `SplitMix64.derive(seed, index)`, whatever the thread count.
  func treeSeed(_ index: Int) -> UInt64 { SplitMix64.derive(seed, UInt64(index)) }
}

/// How often each row is drawn into the bootstrap sample of the tree seeded `treeSeed`: `draws`
/// uniform draws with replacement, or draws with probabilities proportional to `weights`
/// (scikit-learn's `_generate_sample_indices`). The draws come from
/// `Xoshiro256StarStar(seed: SplitMix64.derive(treeSeed, 1))`.
func bootstrapCounts(treeSeed: UInt64, rows: Int, draws: Int, weights: [Double]?) -> [Double] {
  var generator = Xoshiro256StarStar(seed: SplitMix64.derive(treeSeed, 1))
  var counts = [Double](repeating: 0, count: rows)
  if let weights {
    var cumulative = [Double](repeating: 0, count: rows)
    var total = 0.0
    for i in 0..<rows {
      total += weights[i]
      cumulative[i] = total
    }
    let lastPositive = weights.lastIndex(where: { $0 > 0 }) ?? rows - 1
    for _ in 0..<draws {
      let u = generator.nextUniform() * total
      var lo = 0, hi = lastPositive
      while lo < hi {
        let mid = (lo + hi) / 2
        if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
      }
      counts[lo] += 1
    }
  } else {
    for _ in 0..<draws { counts[generator.nextInt(below: rows)] += 1 }
  }
  return counts
}

/// Grows trees `indices` of a forest on up to `options.parallelism` threads. Tree `i` is seeded by
/// `options.treeSeed(i)` before the fan-out, so the trees do not depend on the thread count.
/// Throws ``LearnError/cancelled(_:)`` when the job is cancelled (checked before every tree, and
/// inside each tree's growth).
func growForestTrees(
  _ data: TrainingSet, _ targets: GrowthTargets, weights: [Double]?, settings: GrowthSettings, options: ForestOptions,
  indices: Range<Int>
) throws(LearnError) -> [Tree] {
  let draws = options.bootstrapSize(rows: data.sampleCount, weights: weights)
  let seeds = indices.map(options.treeSeed)
  let bootstrap = options.bootstrap
  let total = indices.upperBound
  do {
    return try Parallel.map(seeds.count, parallelism: options.parallelism) { k throws(LearnError) -> Tree in
      try Validation.checkCancellation("before tree \(indices.lowerBound + k + 1) of \(total)")
      let seed = seeds[k]
      let treeWeights = bootstrap
        ? bootstrapCounts(treeSeed: seed, rows: data.sampleCount, draws: draws, weights: weights) : weights
      return try growTree(data, targets, weights: treeWeights, settings: settings, seed: seed)
    }
  } catch {
    // The iterations throw only `LearnError`, and `Parallel.map` passes errors on unchanged.
    throw error as! LearnError
  }
}

/// Per row, the sum over trees of the leaf values divided by the tree count: the forest's mean
/// class probabilities (`valueCount` per row) or mean prediction. The rows are cut into one chunk
/// per thread (each chunk walks every tree over all its rows, so a tree is loaded once per chunk);
/// each row sums its trees in index order, so the result does not depend on the thread count.
func averageLeafValues(_ trees: [Tree], _ rows: SinglePrecisionRows, featureCount: Int, valueCount: Int,
                       parallelism: Parallelism) -> [Double] {
  let work = rows.rowCount * trees.count
  let chunks = work >= 100_000 ? Swift.max(1, Swift.min(parallelism.threadCount, rows.rowCount / 256)) : 1
  let blockSize = Swift.max(1, (rows.rowCount + chunks - 1) / chunks)
  let blocks = (rows.rowCount + blockSize - 1) / blockSize
  let parts = (try? Parallel.map(blocks, parallelism: parallelism) { b -> [Double] in
    let first = b * blockSize, count = Swift.min(blockSize, rows.rowCount - first)
    var sums = [Double](repeating: 0, count: count * valueCount)
    var leaves = [Int](repeating: 0, count: count)
    rows.values.withUnsafeBufferPointer { xs in
      sums.withUnsafeMutableBufferPointer { out in
        leaves.withUnsafeMutableBufferPointer { leaves in
          for tree in trees {
            tree.withNodes { nodes in
              nodes.leaves(xs.baseAddress!, rows: first ..< first + count, featureCount: featureCount,
                           into: leaves.baseAddress!)
            }
            tree.value.withUnsafeBufferPointer { value in
              for r in 0..<count {
                let leaf = leaves[r]
                for c in 0..<valueCount { out[r &* valueCount &+ c] += value[leaf &* valueCount &+ c] }
              }
            }
          }
        }
      }
    }
    return sums
  }) ?? []
  let scale = Double(trees.count)
  return parts.flatMap { $0 }.map { $0 / scale }
}

/// Out-of-bag averages: per row, the mean leaf values of the trees whose bootstrap sample left the
/// row out (zeros for a row every tree drew, as scikit-learn), with the per-row tree counts.
func outOfBagAverages(_ trees: [Tree], seeds: [UInt64], _ rows: SinglePrecisionRows, featureCount: Int,
                      valueCount: Int, weights: [Double]?, options: ForestOptions) -> [Double] {
  let n = rows.rowCount
  let draws = options.bootstrapSize(rows: n, weights: weights)
  let perTree = (try? Parallel.map(trees.count, parallelism: options.parallelism) { t -> [(Int32, Int32)] in
    let counts = bootstrapCounts(treeSeed: seeds[t], rows: n, draws: draws, weights: weights)
    var leaves: [(Int32, Int32)] = []
    rows.values.withUnsafeBufferPointer { xs in
      trees[t].withNodes { nodes in
        for i in 0..<n where counts[i] == 0 {
          leaves.append((Int32(i), Int32(nodes.leaf(xs.baseAddress! + i * featureCount))))
        }
      }
    }
    return leaves
  }) ?? []
  var sums = [Double](repeating: 0, count: n * valueCount)
  var counts = [Int](repeating: 0, count: n)
  for (t, leaves) in perTree.enumerated() {
    let value = trees[t].value
    for (row, leaf) in leaves {
      let i = Int(row), l = Int(leaf)
      for c in 0..<valueCount { sums[i * valueCount + c] += value[l * valueCount + c] }
      counts[i] += 1
    }
  }
  for i in 0..<n {
    let divisor = Double(Swift.max(counts[i], 1))
    for c in 0..<valueCount { sums[i * valueCount + c] /= divisor }
  }
  return sums
}

/// Mean of the trees' normalised importances over trees with more than one node, normalised to
/// sum 1 (zeros when every tree is a single leaf), as scikit-learn's forests.
func forestImportances(_ trees: [Tree], featureCount: Int) -> [Double] {
  let split = trees.filter { $0.nodeCount > 1 }
  guard !split.isEmpty else { return [Double](repeating: 0, count: featureCount) }
  var mean = [Double](repeating: 0, count: featureCount)
  for tree in split {
    for (j, v) in tree.featureImportances().enumerated() { mean[j] += v }
  }
  for j in mean.indices { mean[j] /= Double(split.count) }
  let total = mean.reduce(0, +)
  return total > 0 ? mean.map { $0 / total } : mean
}

// MARK: - Fitted forests

/// A fitted forest classifier (``RandomForestClassifier``, ``ExtraTreesClassifier``): predicts the
/// class of largest mean probability over its trees.
public struct ForestClassifierModel: ProbabilisticClassifierModel {
  /// The trees, in index order (scikit-learn `estimators_`); their values are class fractions.
  public let trees: [Tree]
  /// The seed each tree was grown with: tree `i` of a forest seeded `s` has `SplitMix64.derive(s, i)`.
  public let treeSeeds: [UInt64]
  /// Training classes, ascending (scikit-learn `classes_`).
  public let classes: [Int]
  /// Number of features seen in training (scikit-learn `n_features_in_`).
  public let featureCount: Int
  /// Out-of-bag accuracy when fitted with `oobScore` (scikit-learn `oob_score_`).
  public let oobScore: Double?
  /// Out-of-bag class probabilities per training row (scikit-learn `oob_decision_function_`).
  public let oobDecisionFunction: Matrix?
  /// Threads used by `predict` and `predictProbabilities` (the estimator's `parallelism`; changing it
  /// changes only the speed).
  public var parallelism: Parallelism

  /// Mean of the trees' normalised impurity decreases (scikit-learn `feature_importances_`).
  public var featureImportances: [Double] { forestImportances(trees, featureCount: featureCount) }

  /// The leaf index of each row in each tree: `rows × trees` (scikit-learn `apply`).
  public func apply(_ x: Matrix) throws(LearnError) -> Matrix {
    try leafIndices(trees, x, featureCount: featureCount)
  }

  /// The mean over trees of the leaf class fractions, one column per entry of ``classes``.
  public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
    let rows = try SinglePrecisionRows(x, featureCount: featureCount)
    let mean = averageLeafValues(trees, rows, featureCount: featureCount, valueCount: classes.count,
                                 parallelism: parallelism)
    return try! Matrix(rowCount: x.rowCount, columnCount: classes.count, elements: mean)
  }

  /// The class of largest mean probability per row (the smallest label among ties).
  public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
    let probabilities = try predictProbabilities(x)
    let k = classes.count
    return probabilities.withUnsafeBufferPointer { p in
      (0..<x.rowCount).map { classes[argmax(p.baseAddress! + $0 * k, k)] }
    }
  }
}

/// A fitted forest regressor (``RandomForestRegressor``, ``ExtraTreesRegressor``): predicts the
/// mean of its trees' predictions.
public struct ForestRegressorModel: RegressorModel {
  /// The trees, in index order (scikit-learn `estimators_`).
  public let trees: [Tree]
  /// The seed each tree was grown with.
  public let treeSeeds: [UInt64]
  /// Number of features seen in training (scikit-learn `n_features_in_`).
  public let featureCount: Int
  /// Out-of-bag R² when fitted with `oobScore` (scikit-learn `oob_score_`).
  public let oobScore: Double?
  /// Out-of-bag prediction per training row (scikit-learn `oob_prediction_`).
  public let oobPrediction: [Double]?
  /// Threads used by `predict` (the estimator's `parallelism`; changing it changes only the speed).
  public var parallelism: Parallelism

  /// Mean of the trees' normalised impurity decreases (scikit-learn `feature_importances_`).
  public var featureImportances: [Double] { forestImportances(trees, featureCount: featureCount) }

  /// The leaf index of each row in each tree: `rows × trees` (scikit-learn `apply`).
  public func apply(_ x: Matrix) throws(LearnError) -> Matrix {
    try leafIndices(trees, x, featureCount: featureCount)
  }

  /// The mean of the trees' predictions per row.
  public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
    let rows = try SinglePrecisionRows(x, featureCount: featureCount)
    return averageLeafValues(trees, rows, featureCount: featureCount, valueCount: 1, parallelism: parallelism)
  }
}

/// `rows × trees` leaf indices (as `Double`s in a matrix, like scikit-learn's integer array).
private func leafIndices(_ trees: [Tree], _ x: Matrix, featureCount: Int) throws(LearnError) -> Matrix {
  let rows = try SinglePrecisionRows(x, featureCount: featureCount)
  var result = Matrix(rowCount: rows.rowCount, columnCount: trees.count)
  rows.values.withUnsafeBufferPointer { xs in
    for (t, tree) in trees.enumerated() {
      tree.withNodes { nodes in
        for i in 0..<rows.rowCount { result[i, t] = Double(nodes.leaf(xs.baseAddress! + i * featureCount)) }
      }
    }
  }
  return result
}

// MARK: - Fitting

/// `existing` trees and their seeds followed by `count` new trees grown on `data`, with the next
/// indices (`existing.trees.count ..< existing.trees.count + count`) and their seeds.
func extendedForest(
  _ existing: (trees: [Tree], seeds: [UInt64]), _ data: TrainingSet, _ targets: GrowthTargets, weights: [Double]?,
  settings: GrowthSettings, options: ForestOptions, count: Int
) throws(LearnError) -> (trees: [Tree], seeds: [UInt64]) {
  let first = existing.trees.count
  let indices = first ..< first + count
  let newTrees = try growForestTrees(data, targets, weights: weights, settings: settings, options: options, indices: indices)
  return (existing.trees + newTrees, existing.seeds + indices.map(options.treeSeed))
}

extension ForestHyperparameters {
  /// Fits a classification forest of `nEstimators` trees, or, `continuing` a model, adds `budget`
  /// trees to it (trees `model.trees.count ..< model.trees.count + budget`). Throws for invalid
  /// hyperparameters, a negative budget, invalid input, and classes other than the model's.
  func fitClassificationForest(
    _ x: Matrix, _ y: [Int], sampleWeights: [Double]?, classWeight: ClassWeight,
    continuing: (model: ForestClassifierModel, budget: Int)?
  ) throws(LearnError) -> ForestClassifierModel {
    let count = try treeCount(budget: continuing?.budget)
    let options = self.options
    try options.validate(estimator: Self.estimatorName)
    let prepared = try PreparedClassification(x, y, classWeight: classWeight, sampleWeights: sampleWeights,
                                              parallelism: options.parallelism, maxBins: maxBins)
    let existing = continuing?.model
    if let existing {
      try Validation.checkFeatureCount(x, expected: existing.featureCount)
      guard prepared.encoding.classes == existing.classes else {
        throw .invalidArgument(name: "y", reason: "continuing needs the model's classes \(existing.classes); y has \(prepared.encoding.classes)")
      }
    }
    let growth = try settings(rows: x.rowCount, features: x.columnCount)
    let k = prepared.encoding.classes.count
    let (trees, seeds) = try extendedForest(
      (existing?.trees ?? [], existing?.treeSeeds ?? []), prepared.data, .classes(prepared.labels, classCount: k),
      weights: prepared.weights, settings: growth, options: options, count: count)
    var oobScore: Double? = nil
    var oobDecision: Matrix? = nil
    if options.oobScore {
      let rows = try SinglePrecisionRows(x, featureCount: x.columnCount)
      let averages = outOfBagAverages(trees, seeds: seeds, rows, featureCount: x.columnCount, valueCount: k,
                                      weights: prepared.weights, options: options)
      let decision = try! Matrix(rowCount: x.rowCount, columnCount: k, elements: averages)
      let predicted = averages.withUnsafeBufferPointer { p in (0..<x.rowCount).map { argmax(p.baseAddress! + $0 * k, k) } }
      oobScore = try accuracy(prepared.encoding.indices, predicted)
      oobDecision = decision
    }
    return ForestClassifierModel(trees: trees, treeSeeds: seeds, classes: prepared.encoding.classes,
                                 featureCount: x.columnCount, oobScore: oobScore, oobDecisionFunction: oobDecision,
                                 parallelism: options.parallelism)
  }

  /// Fits a regression forest of `nEstimators` trees, or, `continuing` a model, adds `budget`
  /// trees to it. Throws for invalid hyperparameters, a negative budget and invalid input.
  func fitRegressionForest(
    _ x: Matrix, _ y: [Double], sampleWeights: [Double]?, continuing: (model: ForestRegressorModel, budget: Int)?
  ) throws(LearnError) -> ForestRegressorModel {
    let count = try treeCount(budget: continuing?.budget)
    let options = self.options
    try options.validate(estimator: Self.estimatorName)
    let prepared = try PreparedRegression(
      x, y, sampleWeights: sampleWeights, parallelism: options.parallelism, maxBins: maxBins)
    let existing = continuing?.model
    if let existing { try Validation.checkFeatureCount(x, expected: existing.featureCount) }
    let growth = try settings(rows: x.rowCount, features: x.columnCount)
    let (trees, seeds) = try extendedForest(
      (existing?.trees ?? [], existing?.treeSeeds ?? []), prepared.data, .values(y),
      weights: prepared.weights, settings: growth, options: options, count: count)
    var oobScore: Double? = nil
    var oobPrediction: [Double]? = nil
    if options.oobScore {
      let rows = try SinglePrecisionRows(x, featureCount: x.columnCount)
      let averages = outOfBagAverages(trees, seeds: seeds, rows, featureCount: x.columnCount, valueCount: 1,
                                      weights: prepared.weights, options: options)
      oobScore = try r2Score(y, averages)
      oobPrediction = averages
    }
    return ForestRegressorModel(trees: trees, treeSeeds: seeds, featureCount: x.columnCount, oobScore: oobScore,
                                oobPrediction: oobPrediction, parallelism: options.parallelism)
  }
}

/// The checks shared by the two forest models: at least one tree, one seed per tree, every tree
/// over `featureCount` features with `valueCount` values per node.
private func checkForest(_ trees: [Tree], seeds: [UInt64], featureCount: Int, valueCount: Int) throws(LearnError) {
  try PersistenceCheck.featureCount(featureCount)
  try PersistenceCheck.require(!trees.isEmpty, "trees", "a forest needs at least one tree")
  try PersistenceCheck.count(seeds, trees.count, "treeSeeds")
  for (i, tree) in trees.enumerated() {
    try PersistenceCheck.require(tree.featureCount == featureCount && tree.valueCount == valueCount, "trees[\(i)]",
                                 "has \(tree.featureCount) features and \(tree.valueCount) values per node "
                                   + "where \(featureCount) and \(valueCount) are needed")
  }
}

extension ForestClassifierModel: Persistable {
  /// `"ForestClassifierModel"` (random forests and extra trees).
  public static let typeTag = "ForestClassifierModel"

  /// Increasing classes and trees that agree with them and the feature count.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes", minimum: 1)
    try checkForest(trees, seeds: treeSeeds, featureCount: featureCount, valueCount: classes.count)
  }
}

extension ForestRegressorModel: Persistable {
  /// `"ForestRegressorModel"` (random forests and extra trees).
  public static let typeTag = "ForestRegressorModel"

  /// Trees with one value per node over the feature count.
  public func checkLoaded() throws(LearnError) {
    try checkForest(trees, seeds: treeSeeds, featureCount: featureCount, valueCount: 1)
  }
}
