import LearnCore
import LinearAlgebra

/// A CART classification tree (scikit-learn's `DecisionTreeClassifier`).
///
/// Splits are chosen greedily to minimise the weighted Gini impurity or entropy of the children;
/// thresholds are midpoints between consecutive distinct feature values (in single precision, as
/// scikit-learn). Leaves predict the weighted class fractions of their training samples.
///
/// Determinism: with `maxFeatures` at least the feature count, features are examined in index
/// order and a tie between equally good splits goes to the lowest feature index, so a tree of the
/// `best` splitter does not depend on `seed` (scikit-learn's does on a tie: it examines features in
/// an order drawn from `random_state`). With fewer features per split, the features examined are
/// drawn from `seed` (scikit-learn's sampling scheme, with Learn's generator) and a tie goes to the
/// first drawn. See Docs/Guides/Trees.md, "Reproducibility".
public struct DecisionTreeClassifier: Estimator, Sendable {
  /// The impurity minimised (scikit-learn `criterion`, default `gini`).
  public var criterion: ClassificationCriterion
  /// Best or random thresholds (scikit-learn `splitter`, default `best`).
  public var splitter: SplitStrategy
  /// Maximum depth, `nil` for unlimited (scikit-learn `max_depth`).
  public var maxDepth: Int?
  /// Fewest samples a node needs to be split: a count ≥ 2 or a fraction of the rows (scikit-learn
  /// `min_samples_split`, default 2).
  public var minSamplesSplit: SampleCount
  /// Fewest samples in each child: a count ≥ 1 or a fraction in (0, 1) of the rows (scikit-learn
  /// `min_samples_leaf`, default 1).
  public var minSamplesLeaf: SampleCount
  /// Smallest fraction of the total sample weight in each child, in [0, 0.5] (scikit-learn
  /// `min_weight_fraction_leaf`).
  public var minWeightFractionLeaf: Double
  /// Features examined per split (scikit-learn `max_features`, default all).
  public var maxFeatures: MaxFeatures
  /// Grow best-first to at most this many leaves, ≥ 2; `nil` grows depth-first without a limit
  /// (scikit-learn `max_leaf_nodes`).
  public var maxLeafNodes: Int?
  /// Split only when the weighted impurity decrease is at least this (scikit-learn `min_impurity_decrease`).
  public var minImpurityDecrease: Double
  /// Bins per feature for the histogram splitter (2 … 65,536), or `nil` (the default) for exact
  /// thresholds, as scikit-learn's. A feature with more distinct values than this is binned once
  /// per fit at its percentiles (the edges of scikit-learn's `HistGradientBoosting`), and its splits
  /// fall on bin edges; features with fewer keep exact thresholds. Not in scikit-learn's trees;
  /// oneDAL's forests bin to 256.
  public var maxBins: Int?
  /// Complexity parameter of minimal cost-complexity pruning, 0 for none (scikit-learn `ccp_alpha`).
  public var ccpAlpha: Double
  /// Per-class weights (scikit-learn `class_weight`).
  public var classWeight: ClassWeight
  /// Seed of the feature sampling and random thresholds (scikit-learn `random_state`).
  public var seed: UInt64

  /// A classification tree; the defaults are scikit-learn's.
  public init(
    criterion: ClassificationCriterion = .gini, splitter: SplitStrategy = .best, maxDepth: Int? = nil,
    minSamplesSplit: SampleCount = .count(2), minSamplesLeaf: SampleCount = .count(1),
    minWeightFractionLeaf: Double = 0, maxFeatures: MaxFeatures = .all, maxLeafNodes: Int? = nil,
    minImpurityDecrease: Double = 0, maxBins: Int? = nil, ccpAlpha: Double = 0, classWeight: ClassWeight = .uniform, seed: UInt64 = 0
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
    self.classWeight = classWeight
    self.seed = seed
  }

  /// The hyperparameter table: `criterion`, `splitter`, `maxDepth` (≥ 1 or none), `minSamplesSplit`,
  /// `minSamplesLeaf`, `minWeightFractionLeaf`, `maxFeatures`, `maxLeafNodes` (≥ 2 or none),
  /// `minImpurityDecrease`, `ccpAlpha`, `classWeight`, `seed`.
  public static let hyperparameters: [Hyperparameter<DecisionTreeClassifier>] =
    decisionTreeRows(classWeight: \.classWeight)

  /// auto-sklearn's decision-tree space with an explicit depth: `criterion` `gini` or `entropy`,
  /// `maxDepth` in 1 … 20, `minSamplesSplit` in 2 … 20, `minSamplesLeaf` in 1 … 20.
  public static let defaultSearchSpace: [String: Distribution] =
    decisionTreeSearchSpace(criteria: ["gini", "entropy"])

  /// Fits the tree to `x` and labels `y`.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try fit(x, y, sampleWeights: nil)
  }

  /// Fits the tree with per-sample weights (scikit-learn's `sample_weight`; rows of weight 0 are
  /// left out). Throws for invalid hyperparameters, empty or non-finite `x` (including values too
  /// large for `Float`), `y` or `sampleWeights` of the wrong length, negative or all-zero weights,
  /// `maxFeatures` above the feature count, and class weights naming a label absent from `y`.
  public func fit(_ x: Matrix, _ y: [Int], sampleWeights: [Double]?) throws(LearnError) -> Model {
    try validateHyperparameters()
    let prepared = try PreparedClassification(x, y, classWeight: classWeight, sampleWeights: sampleWeights,
                                              parallelism: .serial, maxBins: maxBins)
    let tree = try growTree(prepared.data, .classes(prepared.labels, classCount: prepared.encoding.classes.count),
                        weights: prepared.weights, settings: try settings(rows: x.rowCount, features: x.columnCount),
                        seed: seed)
    return Model(tree: tree, classes: prepared.encoding.classes)
  }

  /// The effective alphas and total leaf impurities of minimal cost-complexity pruning of the tree
  /// grown on `x`, `y` (scikit-learn's `cost_complexity_pruning_path`; `ccpAlpha` is ignored).
  public func costComplexityPruningPath(_ x: Matrix, _ y: [Int], sampleWeights: [Double]? = nil)
    throws(LearnError) -> (alphas: [Double], impurities: [Double])
  {
    try unpruned.fit(x, y, sampleWeights: sampleWeights).tree.pruningPath()
  }

  /// A fitted ``DecisionTreeClassifier``.
  public struct Model: ProbabilisticClassifierModel {
    /// The tree (scikit-learn `tree_`); its values are class fractions in ``classes`` order.
    public let tree: Tree
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]

    /// A model from a fitted tree whose values have one entry per class.
    public init(tree: Tree, classes: [Int]) {
      precondition(tree.valueCount == classes.count, "the tree needs one value per class")
      self.tree = tree
      self.classes = classes
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

    /// The class of largest probability per row (the smallest label among ties).
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      let leaves = try tree.apply(x)
      let k = classes.count
      return tree.value.withUnsafeBufferPointer { value in
        leaves.map { classes[argmax(value.baseAddress! + $0 * k, k)] }
      }
    }

    /// The leaf's weighted class fractions per row, one column per entry of ``classes``.
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      let leaves = try tree.apply(x)
      let k = classes.count
      var elements = [Double]()
      elements.reserveCapacity(leaves.count * k)
      for leaf in leaves { elements.append(contentsOf: tree.values(of: leaf)) }
      return try! Matrix(rowCount: leaves.count, columnCount: k, elements: elements)
    }
  }
}

extension DecisionTreeClassifier: DecisionTreeHyperparameters {}

extension DecisionTreeClassifier: Persistable {
  /// `"DecisionTreeClassifier"`.
  public static let typeTag = "DecisionTreeClassifier"
}

extension DecisionTreeClassifier.Model: Persistable {
  /// `"DecisionTreeClassifier.Model"`.
  public static let typeTag = "DecisionTreeClassifier.Model"

  /// Increasing classes and a tree with one value per class (the tree checks itself as it loads).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes", minimum: 1)
    try PersistenceCheck.require(tree.valueCount == classes.count, "tree.valueCount", "must be the class count \(classes.count)")
  }
}
