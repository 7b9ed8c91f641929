import LearnCore
import LinearAlgebra

/// A CART regression tree (scikit-learn's `DecisionTreeRegressor`).
///
/// Splits minimise the weighted squared error (leaves predict the mean) or absolute error (leaves
/// predict the weighted median) of the children. Determinism and tie-breaking are as for
/// ``DecisionTreeClassifier``.
public struct DecisionTreeRegressor: Estimator, Sendable {
  /// The error minimised (scikit-learn `criterion`, default `squared_error`).
  public var criterion: RegressionCriterion
  /// Best or random thresholds (scikit-learn `splitter`, default `best`).
  public var splitter: SplitStrategy
  /// Maximum depth, `nil` for unlimited (scikit-learn `max_depth`).
  public var maxDepth: Int?
  /// Fewest samples a node needs to be split (scikit-learn `min_samples_split`, default 2).
  public var minSamplesSplit: SampleCount
  /// Fewest samples in each child (scikit-learn `min_samples_leaf`, default 1).
  public var minSamplesLeaf: SampleCount
  /// Smallest fraction of the total sample weight in each child, in [0, 0.5].
  public var minWeightFractionLeaf: Double
  /// Features examined per split (scikit-learn `max_features`, default all).
  public var maxFeatures: MaxFeatures
  /// Grow best-first to at most this many leaves (≥ 2), or depth-first when `nil`.
  public var maxLeafNodes: Int?
  /// Split only when the weighted impurity decrease is at least this.
  public var minImpurityDecrease: Double
  /// Bins per feature for the histogram splitter (2 … 65,536), or `nil` (the default) for exact
  /// thresholds, as scikit-learn's. A feature with more distinct values than this is binned once
  /// per fit at its percentiles (the edges of scikit-learn's `HistGradientBoosting`), and its splits
  /// fall on bin edges; features with fewer keep exact thresholds. Not in scikit-learn's trees;
  /// oneDAL's forests bin to 256.
  public var maxBins: Int?
  /// Complexity parameter of minimal cost-complexity pruning, 0 for none.
  public var ccpAlpha: Double
  /// Seed of the feature sampling and random thresholds (scikit-learn `random_state`).
  public var seed: UInt64

  /// A regression tree; the defaults are scikit-learn's.
  public init(
    criterion: RegressionCriterion = .squaredError, splitter: SplitStrategy = .best, maxDepth: Int? = nil,
    minSamplesSplit: SampleCount = .count(2), minSamplesLeaf: SampleCount = .count(1),
    minWeightFractionLeaf: Double = 0, maxFeatures: MaxFeatures = .all, maxLeafNodes: Int? = nil,
    minImpurityDecrease: Double = 0, maxBins: Int? = nil, ccpAlpha: Double = 0, seed: UInt64 = 0
  ) {
    self.criterion = criterion
    self.splitter = splitter
    self.maxDepth = maxDepth
    self.minSamplesSplit = minSamplesSplit
    self.minSamplesLeaf = minSamplesLeaf
    self.minWeightFractionLeaf = minWeightFractionLeaf
    self.maxFeatures = maxFeatures
    self.maxLeafNodes = maxLeafNodes
    self.minImpurityDecrease = minImpurityDecrease
    self.maxBins = maxBins
    self.ccpAlpha = ccpAlpha
    self.seed = seed
  }

  /// The hyperparameter table: the classifier's without `classWeight`, with the regression criteria.
  public static let hyperparameters: [Hyperparameter<DecisionTreeRegressor>] = decisionTreeRows()

  /// As ``DecisionTreeClassifier``'s, with `criterion` `squared_error` or `absolute_error`.
  public static let defaultSearchSpace: [String: Distribution] =
    decisionTreeSearchSpace(criteria: ["squared_error", "absolute_error"])

  /// Fits the tree to `x` and targets `y`.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try fit(x, y, sampleWeights: nil)
  }

  /// Fits the tree with per-sample weights (rows of weight 0 are left out). Throws for invalid
  /// hyperparameters, empty or non-finite `x` or `y`, wrong lengths, negative or all-zero weights,
  /// and `maxFeatures` above the feature count.
  public func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]?) throws(LearnError) -> Model {
    try validateHyperparameters()
    let prepared = try PreparedRegression(x, y, sampleWeights: sampleWeights, parallelism: .serial, maxBins: maxBins)
    let tree = try growTree(prepared.data, .values(prepared.targets), weights: prepared.weights,
                        settings: try settings(rows: x.rowCount, features: x.columnCount), seed: seed)
    return Model(tree: tree)
  }

  /// The effective alphas and total leaf impurities of minimal cost-complexity pruning of the tree
  /// grown on `x`, `y` (scikit-learn's `cost_complexity_pruning_path`; `ccpAlpha` is ignored).
  public func costComplexityPruningPath(_ x: Matrix, _ y: [Double], sampleWeights: [Double]? = nil)
    throws(LearnError) -> (alphas: [Double], impurities: [Double])
  {
    try unpruned.fit(x, y, sampleWeights: sampleWeights).tree.pruningPath()
  }

  /// A fitted ``DecisionTreeRegressor``.
  public struct Model: RegressorModel {
    /// The tree (scikit-learn `tree_`); one value per node.
    public let tree: Tree

    /// A model from a fitted tree with one value per node.
    public init(tree: Tree) {
      precondition(tree.valueCount == 1, "a regression tree has one value per node")
      self.tree = tree
    }

    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public var featureCount: Int { tree.featureCount }
    /// Normalised total impurity decrease per feature (scikit-learn `feature_importances_`).
    public var featureImportances: [Double] { tree.featureImportances() }
    /// Depth of the tree (scikit-learn `get_depth()`).
    public var depth: Int { tree.depth }
    /// Number of leaves (scikit-learn `get_n_leaves()`).
    public var leafCount: Int { tree.leafCount }
    /// Number of nodes (scikit-learn `tree_.node_count`).
    public var nodeCount: Int { tree.nodeCount }

    /// The leaf index each row of `x` lands in (scikit-learn `apply`).
    public func apply(_ x: Matrix) throws(LearnError) -> [Int] { try tree.apply(x) }

    /// The leaf value (mean or median of its training targets) per row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try tree.apply(x).map { tree.value[$0] }
    }
  }
}

extension DecisionTreeRegressor: DecisionTreeHyperparameters {}

extension DecisionTreeRegressor: Persistable {
  /// `"DecisionTreeRegressor"`.
  public static let typeTag = "DecisionTreeRegressor"
}

extension DecisionTreeRegressor.Model: Persistable {
  /// `"DecisionTreeRegressor.Model"`.
  public static let typeTag = "DecisionTreeRegressor.Model"

  /// A tree with one value per node (the tree checks itself as it loads).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.require(tree.valueCount == 1, "tree.valueCount", "a regression tree has one value per node")
  }
}
