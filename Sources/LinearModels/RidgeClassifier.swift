import LearnCore
import LinearAlgebra

/// A classifier that fits ridge regression to ±1 targets (scikit-learn's `RidgeClassifier`).
///
/// Labels are binarised as scikit-learn's `LabelBinarizer(neg_label=-1)` does: with two classes one
/// target, +1 for the second class and −1 for the first; with more, one target per class, +1 for
/// the class and −1 for the others. All targets share one factorisation. Class weights become
/// sample weights: the data are centred by the weighted means and rows scaled by `√weight`.
/// Prediction is the sign of the decision function (two classes) or its arg-max (more).
public struct RidgeClassifier: Estimator, Sendable {
  /// The ridge solver (see ``Ridge/Solver``).
  public typealias Solver = Ridge.Solver

  /// Penalty strength (scikit-learn `alpha`; default 1).
  public var alpha: Double
  /// Whether to fit intercepts (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The solver (scikit-learn `solver`; default `auto`).
  public var solver: Solver
  /// Per-class weights (scikit-learn `class_weight`; default uniform, scikit-learn's `None`).
  /// By name it is `"uniform"`, `"balanced"` or `"label:weight,label:weight"`.
  public var classWeight: ClassWeight

  /// A ridge classifier; the defaults are scikit-learn's.
  public init(alpha: Double = 1, fitIntercept: Bool = true, solver: Solver = .auto, classWeight: ClassWeight = .uniform) {
    self.alpha = alpha
    self.fitIntercept = fitIntercept
    self.solver = solver
    self.classWeight = classWeight
  }

  /// The hyperparameter table: `alpha` in [0, ∞), `fitIntercept`, `solver`, `classWeight`.
  public static let hyperparameters: [Hyperparameter<RidgeClassifier>] = [
    .double("alpha", \.alpha, .nonNegative, log: true),
    .bool("fitIntercept", \.fitIntercept),
    .choice("solver", \.solver),
    .classWeight("classWeight", \.classWeight),
  ]

  /// `alpha` log-uniform in [1e-4, 1e2], as for ``Ridge``.
  public static let defaultSearchSpace: [String: Distribution] = ["alpha": .logUniform(1e-4, 1e2)]

  /// Fits one ridge regression per binarised target. Throws on empty input, a NaN or infinity in
  /// `x`, mismatched lengths, a single class, a bad class weight, or (with the `cholesky` solver) a
  /// singular system.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    let encoding = try ClassEncoding(y)
    let classWeights = try classWeight.weights(for: encoding)
    let n = x.rowCount, k = encoding.classes.count
    let targetCount = k == 2 ? 1 : k
    var targets = Matrix(rowCount: n, columnCount: targetCount, repeating: -1)
    for (i, c) in encoding.indices.enumerated() {
      if k == 2 {
        if c == 1 { targets[i, 0] = 1 }
      } else {
        targets[i, c] = 1
      }
    }
    let weights: [Double]? = classWeight == .uniform ? nil : encoding.indices.map { classWeights[$0] }
    if let weights, !(weights.reduce(0, +) > 0) {
      throw .invalidArgument(name: "classWeight", reason: "every training sample has weight 0")
    }
    let solution = try LeastSquaresSupport.ridge(
      x, targets: targets, weights: weights, alpha: alpha, fitIntercept: fitIntercept, solver: solver)
    return Model(classes: encoding.classes, coefficients: solution.coefficients, intercepts: solution.intercepts,
                 solver: solution.solver, featureCount: x.columnCount)
  }

  /// A fitted ``RidgeClassifier``.
  public struct Model: DecisionFunctionModel {
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// Weights, one row per target (scikit-learn `coef_`): a single row for two classes (the
    /// second class's), otherwise one row per class.
    public let coefficients: Matrix
    /// One intercept per row of ``coefficients`` (scikit-learn `intercept_`).
    public let intercepts: [Double]
    /// The solver that produced the weights: `cholesky` or `svd` (scikit-learn `solver_`).
    public let solver: Solver
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `x · coefficientsᵀ + intercepts`: one column for two classes (positive means `classes[1]`),
    /// otherwise one column per class.
    public func decisionFunction(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let columns = coefficients.rowCount
      var scores = Matrix(rowCount: x.rowCount, columnCount: columns)
      scores.withUnsafeMutableBufferPointer { ps in
        for i in 0..<x.rowCount {
          for t in 0..<columns { ps[i &* columns &+ t] = intercepts[t] }
        }
      }
      try! gemm(transposeB: true, x, coefficients, beta: 1, into: &scores)
      return scores
    }

    /// The class with the largest score (the first of ties), or for two classes `classes[1]` when
    /// the score is positive.
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      let scores = try decisionFunction(x)
      let columns = scores.columnCount
      return scores.withUnsafeBufferPointer { ps in
        (0..<x.rowCount).map { i in
          let row = ps.baseAddress! + i &* columns
          if columns == 1 { return classes[row[0] > 0 ? 1 : 0] }
          var best = 0
          for t in 1..<columns where row[t] > row[best] { best = t }
          return classes[best]
        }
      }
    }
  }
}

extension RidgeClassifier: Persistable {
  /// `"RidgeClassifier"`.
  public static let typeTag = "RidgeClassifier"
}

extension RidgeClassifier.Model: Persistable {
  /// `"RidgeClassifier.Model"`.
  public static let typeTag = "RidgeClassifier.Model"

  /// Increasing classes; one finite coefficient row and intercept per class (one for two classes).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes")
    try PersistenceCheck.linear(coefficients, intercepts, classCount: classes.count, featureCount: featureCount)
  }
}
