import LearnCore
import LinearAlgebra

/// A random forest classifier (scikit-learn's `RandomForestClassifier`): CART trees grown on
/// bootstrap samples, each split examining a random subset of the features; predictions average
/// the trees' class probabilities.
///
/// Tree `i` is seeded with `SplitMix64.derive(seed, i)` before the trees are grown in parallel, so
/// the forest is identical for any ``parallelism``; ``continued(_:on:_:budget:)`` adds trees with
/// the next indices, so fitting 50 trees and continuing with 50 gives the forest of 100.
public struct RandomForestClassifier: IncrementallyTrainable, Sendable {
  /// Number of trees (scikit-learn `n_estimators`, default 100).
  public var nEstimators: Int
  /// The impurity minimised (scikit-learn `criterion`).
  public var criterion: ClassificationCriterion
  /// Maximum depth, `nil` for unlimited (scikit-learn `max_depth`).
  public var maxDepth: Int?
  /// Fewest samples a node needs to be split (scikit-learn `min_samples_split`, default 2).
  public var minSamplesSplit: SampleCount
  /// Fewest samples in each child (scikit-learn `min_samples_leaf`, default 1).
  public var minSamplesLeaf: SampleCount
  /// Smallest fraction of the total sample weight in each child, in [0, 0.5].
  public var minWeightFractionLeaf: Double
  /// Features examined per split (scikit-learn `max_features`, default "sqrt").
  public var maxFeatures: MaxFeatures
  /// Grow each tree best-first to at most this many leaves (≥ 2), or depth-first when `nil`.
  public var maxLeafNodes: Int?
  /// Split only when the weighted impurity decrease is at least this.
  public var minImpurityDecrease: Double
  /// Bins per feature for the histogram splitter (2 … 65,536), or `nil` (the default) for exact
  /// thresholds, as scikit-learn's. A feature with more distinct values than this is binned once
  /// per fit at its percentiles (the edges of scikit-learn's `HistGradientBoosting`), and its splits
  /// fall on bin edges; features with fewer keep exact thresholds. Not in scikit-learn's trees;
  /// oneDAL's forests bin to 256.
  public var maxBins: Int?
  /// Whether each tree is grown on a bootstrap sample (scikit-learn `bootstrap`, default true).
  public var bootstrap: Bool
  /// Whether to compute the out-of-bag score (scikit-learn `oob_score`; needs bootstrap).
  public var oobScore: Bool
  /// Rows per bootstrap sample: all when `nil`, a count, or a fraction of the rows (of the total
  /// weight with class weights) (scikit-learn `max_samples`).
  public var maxSamples: SampleCount?
  /// Per-class weights (scikit-learn `class_weight`). With bootstrap they set the sampling
  /// probabilities of the rows, as in scikit-learn 1.9; without, they weight the samples.
  public var classWeight: ClassWeight
  /// Complexity parameter of each tree's minimal cost-complexity pruning, 0 for none.
  public var ccpAlpha: Double
  /// Seed of the forest: tree `i` uses `SplitMix64.derive(seed, i)` (scikit-learn `random_state`).
  public var seed: UInt64
  /// Threads for growing trees and predicting (scikit-learn `n_jobs`). Not a hyperparameter: it
  /// does not change the result, so it is not in the table; a search sets it to `.serial` when it
  /// fans out itself.
  public var parallelism: Parallelism

  /// A forest; the defaults are scikit-learn 1.9's.
  public init(
    nEstimators: Int = 100, criterion: ClassificationCriterion = .gini, maxDepth: Int? = nil,
    minSamplesSplit: SampleCount = .count(2), minSamplesLeaf: SampleCount = .count(1),
    minWeightFractionLeaf: Double = 0, maxFeatures: MaxFeatures = .sqrt, maxLeafNodes: Int? = nil,
    minImpurityDecrease: Double = 0, maxBins: Int? = nil, bootstrap: Bool = true, oobScore: Bool = false, maxSamples: SampleCount? = nil,
    classWeight: ClassWeight = .uniform, ccpAlpha: Double = 0, seed: UInt64 = 0, parallelism: Parallelism = .automatic
  ) {
    self.nEstimators = nEstimators
    self.criterion = criterion
    self.maxDepth = maxDepth
    self.minSamplesSplit = minSamplesSplit
    self.minSamplesLeaf = minSamplesLeaf
    self.minWeightFractionLeaf = minWeightFractionLeaf
    self.maxFeatures = maxFeatures
    self.maxLeafNodes = maxLeafNodes
    self.minImpurityDecrease = minImpurityDecrease
    self.maxBins = maxBins
    self.bootstrap = bootstrap
    self.oobScore = oobScore
    self.maxSamples = maxSamples
    self.classWeight = classWeight
    self.ccpAlpha = ccpAlpha
    self.seed = seed
    self.parallelism = parallelism
  }

  /// The hyperparameter table: `nEstimators` (≥ 1), the tree hyperparameters, `bootstrap`,
  /// `oobScore`, `maxSamples`, `classWeight`, `ccpAlpha`, `seed`.
  public static let hyperparameters: [Hyperparameter<RandomForestClassifier>] =
    forestRows(classWeight: \.classWeight)

  /// auto-sklearn's forest space: `nEstimators` log-uniform in 10 … 500, `criterion` `gini` or
  /// `entropy`, `maxDepth` none, 5, 10 or 20, `minSamplesSplit` in 2 … 20, `minSamplesLeaf` in
  /// 1 … 20, `maxFeatures` `sqrt`, `log2`, 0.5 or none (all).
  public static let defaultSearchSpace: [String: Distribution] = forestSearchSpace(criteria: ["gini", "entropy"])

  /// The fitted model: a ``ForestClassifierModel``.
  public typealias Model = ForestClassifierModel

  /// Fits `nEstimators` trees to `x` and `y`.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try fit(x, y, sampleWeights: nil)
  }

  /// Fits `nEstimators` trees with per-sample weights (scikit-learn's `sample_weight`: with
  /// bootstrap they set the sampling probabilities, without they weight the samples). Throws for
  /// invalid hyperparameters (including `oobScore` or `maxSamples` without bootstrap), invalid
  /// input as ``DecisionTreeClassifier`` does, and `maxFeatures` above the feature count.
  public func fit(_ x: Matrix, _ y: [Int], sampleWeights: [Double]?) throws(LearnError) -> Model {
    try fitClassificationForest(x, y, sampleWeights: sampleWeights, classWeight: classWeight, continuing: nil)
  }

  /// A budget unit is one of the trees counted by `nEstimators`.
  public var trainingUnits: TrainingUnits? { TrainingUnits(parameter: "nEstimators") }

  /// Adds `budget` trees to `model` (trees `model.trees.count ..< model.trees.count + budget`,
  /// seeded from this estimator's `seed`), trained on `x`, `y` with this estimator's
  /// hyperparameters; the out-of-bag score, if asked for, is recomputed over all trees. With the
  /// same seed and data, fitting `a` trees and continuing with `b` equals fitting `a + b`.
  public func continued(_ model: Model, on x: Matrix, _ y: [Int], budget: Int) throws(LearnError) -> Model {
    try fitClassificationForest(x, y, sampleWeights: nil, classWeight: classWeight, continuing: (model, budget))
  }
}

extension RandomForestClassifier: ForestHyperparameters {
  /// Every tree chooses the best threshold of each examined feature (CART).
  var splitStrategy: SplitStrategy { .best }
}

extension RandomForestClassifier: Persistable {
  /// `"RandomForestClassifier"`.
  public static let typeTag = "RandomForestClassifier"
}
