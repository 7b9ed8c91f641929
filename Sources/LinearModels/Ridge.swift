import LearnCore
import LinearAlgebra

/// Linear least squares with an L2 penalty (scikit-learn's `Ridge`): minimises
/// `‖y − X·w − b‖² + alpha·‖w‖²`.
///
/// With an intercept, `X` and `y` are centred first and the intercept is recovered from the means.
/// The penalised normal equations are solved directly, by Cholesky or by SVD (see ``Solver``).
public struct Ridge: Estimator, Sendable {
  /// How the penalised normal equations are solved (scikit-learn `solver`, the direct ones).
  public enum Solver: String, CaseIterable, Sendable {
    /// Cholesky, falling back to the SVD when the matrix is singular to working precision (as
    /// scikit-learn's `"auto"` does for dense data).
    case auto
    /// Cholesky of `XᵀX + αI`, or of the kernel `XXᵀ + αI` when there are more features than
    /// samples. A matrix that is singular to working precision (for example `alpha = 0` with
    /// dependent features) throws ``LearnError/linearAlgebra(_:)`` with `notPositiveDefinite`;
    /// scikit-learn falls back to the SVD silently instead.
    case cholesky
    /// Thin SVD of the centred design: `w = V·diag(σ/(σ² + α))·Uᵀ·y`, singular values at most
    /// `max(n, p)·ε·σ_max` dropped, so `alpha = 0` gives the minimum-norm least-squares solution.
    /// Computed as pivoted QR followed by one-sided Jacobi on the small triangular factor, not by
    /// LAPACK's divide and conquer; scikit-learn drops singular values below 1e-15 (absolute).
    case svd
  }

  /// Penalty strength (scikit-learn `alpha`; default 1). 0 is ordinary least squares.
  public var alpha: Double
  /// Whether to fit an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The solver (scikit-learn `solver`; default `auto`).
  public var solver: Solver

  /// A ridge regression; the defaults are scikit-learn's.
  public init(alpha: Double = 1, fitIntercept: Bool = true, solver: Solver = .auto) {
    self.alpha = alpha
    self.fitIntercept = fitIntercept
    self.solver = solver
  }

  /// The hyperparameter table: `alpha` in [0, ∞), `fitIntercept`, `solver`.
  public static let hyperparameters: [Hyperparameter<Ridge>] = [
    .double("alpha", \.alpha, .nonNegative, log: true),
    .bool("fitIntercept", \.fitIntercept),
    .choice("solver", \.solver),
  ]

  /// `alpha` log-uniform in [1e-4, 1e2]: the span of auto-sklearn's ridge space (1e-5 … 10) and
  /// of the alphas of scikit-learn's `RidgeCV` examples, widened to the strong-penalty side.
  public static let defaultSearchSpace: [String: Distribution] = ["alpha": .logUniform(1e-4, 1e2)]

  /// Fits the weights. Throws on empty input, a NaN or infinity in `x` or `y`, mismatched lengths,
  /// a negative `alpha`, or (with the `cholesky` solver) a singular system.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let solution = try LeastSquaresSupport.ridge(
      x, targets: Matrix(column: y), weights: nil, alpha: alpha, fitIntercept: fitIntercept, solver: solver)
    return Model(coefficients: solution.coefficients.row(0), intercept: solution.intercepts[0],
                 solver: solution.solver, featureCount: x.columnCount)
  }

  /// A fitted ``Ridge``.
  public struct Model: RegressorModel {
    /// One weight per feature (scikit-learn `coef_`).
    public let coefficients: [Double]
    /// The intercept (scikit-learn `intercept_`); 0 without `fitIntercept`.
    public let intercept: Double
    /// The solver that produced the weights: `cholesky` or `svd` (scikit-learn `solver_`).
    public let solver: Solver
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `x · coefficients + intercept`, one value per row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return LeastSquaresSupport.linearPrediction(x, coefficients: coefficients, intercept: intercept)
    }
  }
}

extension Ridge.Solver: Codable {}

extension Ridge: Persistable {
  /// `"Ridge"`.
  public static let typeTag = "Ridge"
}

extension Ridge.Model: Persistable {
  /// `"Ridge.Model"`.
  public static let typeTag = "Ridge.Model"

  /// One finite coefficient per feature and a finite intercept.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.linear(coefficients, intercept, featureCount: featureCount)
  }
}
