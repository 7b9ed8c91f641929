import LearnCore
import LinearAlgebra

// The hyperparameters the six tree estimators share, declared once: each public estimator keeps
// its own documented stored properties and initialiser (its scikit-learn-style API) and conforms
// to these internal protocols, whose extensions build the shared rows of its hyperparameter table
// and turn the values into the grower's ``GrowthSettings`` and a forest's ``ForestOptions``.

/// A criterion enumeration of a tree estimator (``ClassificationCriterion``,
/// ``RegressionCriterion``) and the impurity the grower computes for it.
protocol TreeCriterion: RawRepresentable, CaseIterable, Sendable where RawValue == String {
  /// The impurity the grower minimises for this criterion.
  var kind: CriterionKind { get }
}

extension ClassificationCriterion: TreeCriterion {
  /// Gini for ``gini``; entropy for ``entropy`` and its alias ``logLoss``.
  var kind: CriterionKind { self == .gini ? .gini : .entropy }
}

extension RegressionCriterion: TreeCriterion {
  /// The same-named impurity.
  var kind: CriterionKind { self == .squaredError ? .squaredError : .absoluteError }
}

/// The hyperparameters of every tree and forest: the stored properties of the public estimators
/// that set how each tree grows.
protocol TreeHyperparameters: Tunable {
  /// The estimator's criterion enumeration.
  associatedtype Criterion: TreeCriterion
  /// The impurity minimised (scikit-learn `criterion`).
  var criterion: Criterion { get set }
  /// Maximum depth, `nil` for unlimited.
  var maxDepth: Int? { get set }
  /// Fewest samples a node needs to be split.
  var minSamplesSplit: SampleCount { get set }
  /// Fewest samples in each child.
  var minSamplesLeaf: SampleCount { get set }
  /// Smallest fraction of the total sample weight in each child.
  var minWeightFractionLeaf: Double { get set }
  /// Features examined per split.
  var maxFeatures: MaxFeatures { get set }
  /// Best-first growth to at most this many leaves, or depth-first when `nil`.
  var maxLeafNodes: Int? { get set }
  /// Split only when the weighted impurity decrease is at least this.
  var minImpurityDecrease: Double { get set }
  /// The histogram splitter's bins per feature, or exact thresholds when `nil`.
  var maxBins: Int? { get set }
  /// Complexity parameter of minimal cost-complexity pruning, 0 for none.
  var ccpAlpha: Double { get set }
  /// Seed of the estimator's randomness.
  var seed: UInt64 { get set }
  /// How splits are chosen: a decision tree's `splitter`, fixed by the kind of forest.
  var splitStrategy: SplitStrategy { get }
}

extension TreeHyperparameters {
  /// The rows from `maxDepth` to `minImpurityDecrease`, in the order of every tree table:
  /// `maxDepth` (≥ 1 or none), `minSamplesSplit`, `minSamplesLeaf`, `minWeightFractionLeaf`,
  /// `maxFeatures`, `maxLeafNodes` (≥ 2 or none), `minImpurityDecrease`, `maxBins` (2 … 65,536 or
  /// none).
  static var growthRows: [Hyperparameter<Self>] {
    [
      .optionalInt("maxDepth", \Self.maxDepth, 1...Int.max),
      .sampleCount("minSamplesSplit", \Self.minSamplesSplit, minimumCount: 2,
                   fractions: RealDomain(lower: 0, upper: 1, lowerClosed: false)),
      .sampleCount("minSamplesLeaf", \Self.minSamplesLeaf, minimumCount: 1,
                   fractions: RealDomain(lower: 0, upper: 1, lowerClosed: false, upperClosed: false)),
      .double("minWeightFractionLeaf", \Self.minWeightFractionLeaf, .closed(0...0.5)),
      .maxFeatures("maxFeatures", \Self.maxFeatures),
      .optionalInt("maxLeafNodes", \Self.maxLeafNodes, 2...Int.max),
      .double("minImpurityDecrease", \Self.minImpurityDecrease, .nonNegative),
      .optionalInt("maxBins", \Self.maxBins, 2...65_536),
    ]
  }

  /// The `criterion` row: one of the criterion enumeration's raw values.
  static var criterionRow: Hyperparameter<Self> { .choice("criterion", \Self.criterion) }

  /// The `ccpAlpha` row (≥ 0).
  static var ccpAlphaRow: Hyperparameter<Self> { .double("ccpAlpha", \Self.ccpAlpha, .nonNegative) }

  /// The `seed` row.
  static var seedRow: Hyperparameter<Self> { .seed("seed", \Self.seed) }

  /// The growth ranges every tree space shares (auto-sklearn's tree and forest spaces):
  /// `minSamplesSplit` in 2 … 20 and `minSamplesLeaf` in 1 … 20.
  static var growthSearchSpace: [String: Distribution] {
    ["minSamplesSplit": .int(2, 20), "minSamplesLeaf": .int(1, 20)]
  }

  /// The hyperparameters resolved for `rows × features` data (scikit-learn's
  /// `BaseDecisionTree._fit`): fractions become counts (`ceil`), `minSamplesSplit` is raised to
  /// `2 · minSamplesLeaf`, and `maxFeatures` is checked against the feature count.
  func settings(rows: Int, features: Int) throws(LearnError) -> GrowthSettings {
    let leaf: Int
    switch minSamplesLeaf {
    case .count(let k): leaf = k
    case .fraction(let f): leaf = Int((f * Double(rows)).rounded(.up))
    }
    var split: Int
    switch minSamplesSplit {
    case .count(let k): split = k
    case .fraction(let f): split = Swift.max(2, Int((f * Double(rows)).rounded(.up)))
    }
    split = Swift.max(split, 2 * leaf)
    return GrowthSettings(
      criterion: criterion.kind, splitter: splitStrategy, maxDepth: maxDepth ?? Int.max, minSamplesSplit: split,
      minSamplesLeaf: leaf, minWeightFractionLeaf: minWeightFractionLeaf,
      maxFeatures: try maxFeatures.resolved(featureCount: features, estimator: Self.estimatorName),
      maxLeafNodes: maxLeafNodes, minImpurityDecrease: minImpurityDecrease, ccpAlpha: ccpAlpha)
  }
}

/// A single decision tree: the shared hyperparameters plus a choice of splitter.
protocol DecisionTreeHyperparameters: TreeHyperparameters {
  /// Best or random thresholds (scikit-learn `splitter`).
  var splitter: SplitStrategy { get set }
}

extension DecisionTreeHyperparameters {
  /// The tree's ``splitter``.
  var splitStrategy: SplitStrategy { splitter }

  /// A regression tree's table: `criterion`, `splitter`, the growth rows, `ccpAlpha`, `seed`.
  static func decisionTreeRows() -> [Hyperparameter<Self>] { decisionTreeRows(classRows: []) }

  /// A classification tree's table: `criterion`, `splitter`, the growth rows, `ccpAlpha`,
  /// `classWeight` (at `classWeight`), `seed`.
  static func decisionTreeRows(classWeight: WritableKeyPath<Self, ClassWeight> & Sendable) -> [Hyperparameter<Self>] {
    decisionTreeRows(classRows: [.classWeight("classWeight", classWeight)])
  }

  /// The decision tree table with `classRows` between `ccpAlpha` and `seed`.
  private static func decisionTreeRows(classRows: [Hyperparameter<Self>]) -> [Hyperparameter<Self>] {
    [criterionRow, .choice("splitter", \Self.splitter)] + growthRows + [ccpAlphaRow] + classRows + [seedRow]
  }

  /// A decision tree's default space: `criterion` among `criteria`, `maxDepth` in 1 … 20, and
  /// the growth ranges.
  static func decisionTreeSearchSpace(criteria: [ParameterValue]) -> [String: Distribution] {
    growthSearchSpace.merging(["criterion": .choice(criteria), "maxDepth": .int(1, 20)]) { $1 }
  }

  /// A copy without pruning (`ccpAlpha` 0), whose tree gives the cost-complexity pruning path.
  var unpruned: Self {
    var copy = self
    copy.ccpAlpha = 0
    return copy
  }
}

/// A forest: the shared tree hyperparameters plus the number of trees and how they are sampled.
protocol ForestHyperparameters: TreeHyperparameters {
  /// Number of trees.
  var nEstimators: Int { get set }
  /// Whether each tree is grown on a bootstrap sample.
  var bootstrap: Bool { get set }
  /// Whether to compute the out-of-bag score.
  var oobScore: Bool { get set }
  /// Rows per bootstrap sample, all when `nil`.
  var maxSamples: SampleCount? { get set }
  /// Threads for growing trees and predicting.
  var parallelism: Parallelism { get }
}

extension ForestHyperparameters {
  /// A regression forest's table: `nEstimators` (≥ 1), `criterion`, the growth rows, `bootstrap`,
  /// `oobScore`, `maxSamples`, `ccpAlpha`, `seed`.
  static func forestRows() -> [Hyperparameter<Self>] { forestRows(classRows: []) }

  /// A classification forest's table: the regression forest's with `classWeight` (at
  /// `classWeight`) after `maxSamples`.
  static func forestRows(classWeight: WritableKeyPath<Self, ClassWeight> & Sendable) -> [Hyperparameter<Self>] {
    forestRows(classRows: [.classWeight("classWeight", classWeight)])
  }

  /// The forest table with `classRows` between `maxSamples` and `ccpAlpha`.
  private static func forestRows(classRows: [Hyperparameter<Self>]) -> [Hyperparameter<Self>] {
    [.int("nEstimators", \Self.nEstimators, 1...Int.max, log: true), criterionRow] + growthRows
      + [.bool("bootstrap", \Self.bootstrap), .bool("oobScore", \Self.oobScore),
         .optionalSampleCount("maxSamples", \Self.maxSamples)]
      + classRows + [ccpAlphaRow, seedRow]
  }

  /// A forest's default space: `nEstimators` log-uniform in 10 … 500, `criterion` among
  /// `criteria` (left out when `nil`), `maxDepth` none (unlimited, scikit-learn's default), 5, 10
  /// or 20, `maxFeatures` `sqrt`, `log2`, 0.5 or none (all features), and the growth ranges.
  static func forestSearchSpace(criteria: [ParameterValue]?) -> [String: Distribution] {
    var space = growthSearchSpace.merging([
      "nEstimators": .logInt(10, 500), "maxDepth": .choice([.none, 5, 10, 20]),
      "maxFeatures": .choice(["sqrt", "log2", 0.5, .none]),
    ]) { $1 }
    if let criteria { space["criterion"] = .choice(criteria) }
    return space
  }

  /// How the forest samples and seeds its trees.
  var options: ForestOptions {
    ForestOptions(bootstrap: bootstrap, maxSamples: maxSamples, oobScore: oobScore, seed: seed,
                  parallelism: parallelism)
  }

  /// The number of trees to grow: `nEstimators` for a fit, `budget` for a continuation. Throws
  /// for invalid hyperparameters, then for a negative budget.
  func treeCount(budget: Int?) throws(LearnError) -> Int {
    try validateHyperparameters()
    guard let budget else { return nEstimators }
    guard budget >= 0 else { throw .invalidArgument(name: "budget", reason: "must be at least 0, got \(budget)") }
    return budget
  }
}
