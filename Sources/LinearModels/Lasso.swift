import LearnCore
import LinearAlgebra

/// Linear regression with an L1 penalty, fitted by coordinate descent (scikit-learn's `Lasso`).
/// Minimises
///
///     1/(2n)·‖y − X·w − b‖² + alpha·‖w‖₁
///
/// It is ``ElasticNet`` with `l1Ratio = 1`: the same solver, stopping rule and fitted ``Model``.
public struct Lasso: Estimator, CoordinateDescentConfiguration, Sendable {
  /// The fitted model: the same as ``ElasticNet``'s.
  public typealias Model = ElasticNet.Model
  /// Cyclic or random coordinate order (see ``ElasticNet/Selection``).
  public typealias Selection = ElasticNet.Selection
  /// Gram matrix or data (see ``ElasticNet/Precompute``).
  public typealias Precompute = ElasticNet.Precompute

  /// Penalty strength (scikit-learn `alpha`; default 1). 0 makes it least squares, which
  /// coordinate descent solves slowly: prefer ``LinearRegression``.
  public var alpha: Double
  /// Whether to fit an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// Gram matrix or data (scikit-learn `precompute`; default `auto`, where scikit-learn's is
  /// `False`: the results agree to rounding and the Gram form is faster when samples outnumber features).
  public var precompute: Precompute
  /// Most passes over the features (scikit-learn `max_iter`; default 1000).
  public var maxIterations: Int
  /// Duality-gap tolerance, relative to `‖y − ȳ‖²` (scikit-learn `tol`; default 1e-4).
  public var tolerance: Double
  /// Constrain the weights to be non-negative (scikit-learn `positive`; default `false`).
  public var positive: Bool
  /// Seed of the random coordinate order (scikit-learn `random_state`; used only with `random` selection).
  public var seed: UInt64
  /// Cyclic or random coordinate order (scikit-learn `selection`; default `cyclic`).
  public var selection: Selection

  /// A lasso; the defaults are scikit-learn's (except ``precompute``, see there).
  public init(
    alpha: Double = 1, fitIntercept: Bool = true, precompute: Precompute = .auto, maxIterations: Int = 1000,
    tolerance: Double = 1e-4, positive: Bool = false, seed: UInt64 = 0, selection: Selection = .cyclic
  ) {
    self.alpha = alpha
    self.fitIntercept = fitIntercept
    self.precompute = precompute
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.positive = positive
    self.seed = seed
    self.selection = selection
  }

  /// The hyperparameter table: `alpha` in [0, ∞), `fitIntercept`, `precompute`, `maxIterations` ≥ 1,
  /// `tolerance` in [0, ∞), `positive`, `seed`, `selection`.
  public static let hyperparameters: [Hyperparameter<Lasso>] = coordinateDescentRows()

  /// `alpha` log-uniform in [1e-4, 1e2], as for ``Ridge`` (scikit-learn's `LassoCV` spans three
  /// decades below the data's largest useful alpha; this fixed range covers standardised data).
  public static let defaultSearchSpace: [String: Distribution] = ["alpha": .logUniform(1e-4, 1e2)]

  /// The L1 share of the penalty: always 1.
  var l1Ratio: Double { 1 }

  /// Fits the weights by coordinate descent from zero. Throws on empty input, a NaN or infinity in
  /// `x` or `y`, mismatched lengths, or an out-of-range hyperparameter.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try coordinateDescentFit(x, y)
  }
}

extension Lasso: Persistable {
  /// `"Lasso"`.
  public static let typeTag = "Lasso"
}
