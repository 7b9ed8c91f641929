import LearnCore
import LinearAlgebra

/// Ordinary least squares (scikit-learn's `LinearRegression`): minimises `‖y − X·w − b‖²`.
///
/// With an intercept, `X` and `y` are centred first and the intercept is recovered from the means,
/// as scikit-learn does. The centred problem is solved by Householder QR with column pivoting
/// (``leastSquares(_:_:rcond:)``): directions whose pivot is at most `tolerance` times the largest
/// are treated as dependent, and a rank-deficient (or `n < p`) problem gets the minimum-norm
/// solution, like scipy's `lstsq` that scikit-learn calls.
public struct LinearRegression: Estimator, Sendable {
  /// Whether to fit an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// Relative cutoff that decides the numerical rank (scikit-learn `tol`, passed to scipy's `lstsq`
  /// as `cond`; default 1e-6). Learn applies it to the pivots of the QR factorisation, scipy to the
  /// singular values; the two agree except on problems with a singular value within a few orders of
  /// magnitude of the cutoff.
  public var tolerance: Double

  /// A linear regression; the defaults are scikit-learn's.
  public init(fitIntercept: Bool = true, tolerance: Double = 1e-6) {
    self.fitIntercept = fitIntercept
    self.tolerance = tolerance
  }

  /// The hyperparameter table: `fitIntercept`, `tolerance` in [0, ∞).
  public static let hyperparameters: [Hyperparameter<LinearRegression>] = [
    .bool("fitIntercept", \.fitIntercept),
    .double("tolerance", \.tolerance, .nonNegative, log: true),
  ]

  /// `fitIntercept`: ordinary least squares has nothing else to tune (scikit-learn's
  /// `LinearRegression` has no regularisation; `tolerance` only guards rank decisions).
  public static let defaultSearchSpace: [String: Distribution] = ["fitIntercept": .choice([true, false])]

  /// Fits by least squares. Throws on empty input, a NaN or infinity in `x` or `y`, or mismatched
  /// lengths.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let n = x.rowCount, p = x.columnCount
    let means = fitIntercept ? x.columnMeans() : [Double](repeating: 0, count: p)
    let yMean = fitIntercept ? y.reduce(0, +) / Double(n) : 0
    let xc = fitIntercept ? LeastSquaresSupport.centeredRows(x, means: means, rowScales: nil) : x
    let yc = fitIntercept ? y.map { $0 - yMean } : y
    let solution: LeastSquaresSolution
    do {
      // A zero cutoff would keep rounding-level pivots: use at least numpy's default.
      solution = try leastSquares(xc, yc, rcond: Swift.max(tolerance, Double(Swift.max(n, p)) * Double.ulpOfOne))
    } catch {
      throw .linearAlgebra(error)
    }
    var intercept = yMean
    if fitIntercept { for j in 0..<p { intercept -= means[j] * solution.coefficients[j] } }
    return Model(coefficients: solution.coefficients, intercept: intercept, rank: solution.rank, featureCount: p)
  }

  /// A fitted ``LinearRegression``.
  public struct Model: RegressorModel {
    /// One weight per feature (scikit-learn `coef_`): the minimum-norm solution when the centred
    /// design is rank-deficient.
    public let coefficients: [Double]
    /// The intercept (scikit-learn `intercept_`); 0 without `fitIntercept`.
    public let intercept: Double
    /// Numerical rank of the (centred) design (scikit-learn `rank_`).
    public let rank: Int
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `x · coefficients + intercept`, one value per row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return LeastSquaresSupport.linearPrediction(x, coefficients: coefficients, intercept: intercept)
    }
  }
}

extension LinearRegression: Persistable {
  /// `"LinearRegression"`.
  public static let typeTag = "LinearRegression"
}

extension LinearRegression.Model: Persistable {
  /// `"LinearRegression.Model"`.
  public static let typeTag = "LinearRegression.Model"

  /// One finite coefficient per feature and a finite intercept.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.linear(coefficients, intercept, featureCount: featureCount)
  }
}
