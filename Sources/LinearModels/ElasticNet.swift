import LearnCore
import LinearAlgebra

/// Linear regression with combined L1 and L2 penalties, fitted by coordinate descent
/// (scikit-learn's `ElasticNet`). Minimises
///
///     1/(2n)·‖y − X·w − b‖² + alpha·l1Ratio·‖w‖₁ + ½·alpha·(1 − l1Ratio)·‖w‖²
///
/// The solver is scikit-learn's: cyclic (or random) coordinate updates with soft thresholding,
/// stopped by the duality gap (at most `tolerance·‖y − ȳ‖²`, checked whenever a pass's largest
/// weight change is below `tolerance` relative to the largest weight), with gap-safe screening of
/// features. Not converging within ``maxIterations`` is reported by the model, not thrown.
public struct ElasticNet: Estimator, CoordinateDescentConfiguration, Sendable {
  /// How coordinates are visited (scikit-learn `selection`).
  public enum Selection: String, CaseIterable, Sendable {
    /// In order, every pass (the default).
    case cyclic
    /// Uniformly at random from the active set, one draw per step, seeded by ``ElasticNet/seed``.
    case random
  }

  /// Whether the solver works on the Gram matrix `XᵀX` instead of the data (scikit-learn
  /// `precompute`). Both give the same iterates up to rounding; only the speed differs.
  public enum Precompute: String, CaseIterable, Sendable {
    /// The Gram matrix when there are more samples than features (scikit-learn's `"auto"`).
    case auto
    /// Always the Gram matrix (scikit-learn `True`).
    case always = "true"
    /// Never: work on the data columns (scikit-learn `False`).
    case never = "false"
  }

  /// Overall penalty strength (scikit-learn `alpha`; default 1). 0 makes it least squares, which
  /// coordinate descent solves slowly: prefer ``LinearRegression``.
  public var alpha: Double
  /// The L1 share of the penalty, in [0, 1] (scikit-learn `l1_ratio`; default 0.5). 1 is the lasso,
  /// 0 is ridge.
  public var l1Ratio: Double
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

  /// An elastic net; the defaults are scikit-learn's (except ``precompute``, see there).
  public init(
    alpha: Double = 1, l1Ratio: Double = 0.5, fitIntercept: Bool = true, precompute: Precompute = .auto,
    maxIterations: Int = 1000, tolerance: Double = 1e-4, positive: Bool = false, seed: UInt64 = 0,
    selection: Selection = .cyclic
  ) {
    self.alpha = alpha
    self.l1Ratio = l1Ratio
    self.fitIntercept = fitIntercept
    self.precompute = precompute
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.positive = positive
    self.seed = seed
    self.selection = selection
  }

  /// The hyperparameter table: `alpha` in [0, ∞), `l1Ratio` in [0, 1], `fitIntercept`,
  /// `precompute`, `maxIterations` ≥ 1, `tolerance` in [0, ∞), `positive`, `seed`, `selection`.
  public static let hyperparameters: [Hyperparameter<ElasticNet>] =
    coordinateDescentRows(mixing: [.double("l1Ratio", \.l1Ratio, .unitInterval)])

  /// `alpha` log-uniform in [1e-4, 1e2] (as for ``Lasso``) and `l1Ratio` uniform in [0, 1], the
  /// whole range from ridge to lasso (scikit-learn's `ElasticNetCV` examples search 0.1 … 1).
  public static let defaultSearchSpace: [String: Distribution] = [
    "alpha": .logUniform(1e-4, 1e2), "l1Ratio": .uniform(0, 1),
  ]

  /// Fits the weights by coordinate descent from zero. Throws on empty input, a NaN or infinity in
  /// `x` or `y`, mismatched lengths, or an out-of-range hyperparameter.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try coordinateDescentFit(x, y)
  }

  /// A fitted ``ElasticNet`` (or ``Lasso``).
  public struct Model: RegressorModel, IterativeModel {
    /// One weight per feature (scikit-learn `coef_`).
    public let coefficients: [Double]
    /// The intercept (scikit-learn `intercept_`); 0 without `fitIntercept`.
    public let intercept: Double
    /// The duality gap at the end, divided by the number of samples as scikit-learn reports it
    /// (scikit-learn `dual_gap_`).
    public let dualGap: Double
    /// Whether the gap met the tolerance within ``ElasticNet/maxIterations`` passes.
    public let converged: Bool
    /// Passes over the features (scikit-learn `n_iter_`); 0 when the zero start already met the tolerance.
    public let iterations: Int
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `x · coefficients + intercept`, one value per row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return LeastSquaresSupport.linearPrediction(x, coefficients: coefficients, intercept: intercept)
    }
  }
}

/// The hyperparameters ``ElasticNet`` and ``Lasso`` share, so one table and one fit serve both.
protocol CoordinateDescentConfiguration: Tunable {
  var alpha: Double { get set }
  /// The L1 share of the penalty: ElasticNet's hyperparameter, always 1 for the lasso.
  var l1Ratio: Double { get }
  var fitIntercept: Bool { get set }
  var precompute: ElasticNet.Precompute { get set }
  var maxIterations: Int { get set }
  var tolerance: Double { get set }
  var positive: Bool { get set }
  var seed: UInt64 { get set }
  var selection: ElasticNet.Selection { get set }
}

extension CoordinateDescentConfiguration {
  /// The table in scikit-learn's order: `alpha`, then `mixing` (ElasticNet's `l1Ratio` row), then
  /// `fitIntercept`, `precompute`, `maxIterations`, `tolerance`, `positive`, `seed`, `selection`.
  static func coordinateDescentRows(mixing: [Hyperparameter<Self>] = []) -> [Hyperparameter<Self>] {
    [.double("alpha", \Self.alpha, .nonNegative, log: true)] + mixing + [
      .bool("fitIntercept", \Self.fitIntercept),
      .choice("precompute", \Self.precompute),
      .int("maxIterations", \Self.maxIterations, 1...Int.max),
      .double("tolerance", \Self.tolerance, .nonNegative, log: true),
      .bool("positive", \Self.positive),
      .seed("seed", \Self.seed),
      .choice("selection", \Self.selection),
    ]
  }

  /// The shared fit of ``ElasticNet`` and ``Lasso``: validates the hyperparameters and the input,
  /// then runs coordinate descent from zero.
  func coordinateDescentFit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> ElasticNet.Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let n = x.rowCount, p = x.columnCount
    let means = fitIntercept ? x.columnMeans() : [Double](repeating: 0, count: p)
    let yMean = fitIntercept ? y.reduce(0, +) / Double(n) : 0
    let yc = fitIntercept ? y.map { $0 - yMean } : y
    let l1 = alpha * l1Ratio * Double(n)
    let l2 = alpha * (1 - l1Ratio) * Double(n)
    let useGram = precompute == .always || (precompute == .auto && n > p)
    let yNorm = dot(yc, yc)
    let outcome: CoordinateDescentResult
    if useGram {
      let (gram, xtyMatrix) = LeastSquaresSupport.centeredGram(x, means: means, rowScales: nil, targets: Matrix(column: yc))
      let xty = xtyMatrix.elements
      var qw = [Double](repeating: 0, count: p)
      outcome = try gram.withUnsafeBufferPointer { pg throws(LearnError) in
        try xty.withUnsafeBufferPointer { pq throws(LearnError) in
          try qw.withUnsafeMutableBufferPointer { pw throws(LearnError) in
            let system = ElasticNetGramSystem(
              gram: pg.baseAddress!, xty: pq.baseAddress!, gramTimesW: pw.baseAddress!, featureCount: p,
              targetNormSquared: yNorm)
            return try CoordinateDescent.solve(
              system, l1: l1, l2: l2, maxIterations: maxIterations, tolerance: tolerance, positive: positive,
              random: selection == .random, seed: seed)
          }
        }
      }
    } else {
      let columns = LeastSquaresSupport.centeredColumns(x, means: means)
      var norms = [Double](repeating: 0, count: p)
      var residual = yc
      columns.withUnsafeBufferPointer { pc in
        for j in 0..<p { norms[j] = dot(pc.baseAddress! + j &* n, pc.baseAddress! + j &* n, count: n) }
      }
      outcome = try columns.withUnsafeBufferPointer { pc throws(LearnError) in
        try yc.withUnsafeBufferPointer { py throws(LearnError) in
          try residual.withUnsafeMutableBufferPointer { pr throws(LearnError) in
            try norms.withUnsafeBufferPointer { pn throws(LearnError) in
              let system = ElasticNetDataSystem(
                columns: pc.baseAddress!, y: py.baseAddress!, residual: pr.baseAddress!, norms: pn.baseAddress!,
                sampleCount: n, featureCount: p, targetNormSquared: yNorm)
              return try CoordinateDescent.solve(
                system, l1: l1, l2: l2, maxIterations: maxIterations, tolerance: tolerance, positive: positive,
                random: selection == .random, seed: seed)
            }
          }
        }
      }
    }
    let w = outcome.coefficients
    var intercept = yMean
    if fitIntercept { for j in 0..<p { intercept -= means[j] * w[j] } }
    guard w.allSatisfy(\.isFinite), intercept.isFinite else {
      throw .invalidArgument(
        name: "x", reason: "coordinate descent produced non-finite weights; the input may hold very large values and need scaling")
    }
    return ElasticNet.Model(coefficients: w, intercept: intercept, dualGap: outcome.gap / Double(n),
                            converged: outcome.converged, iterations: outcome.iterations, featureCount: p)
  }
}

extension ElasticNet.Selection: Codable {}
extension ElasticNet.Precompute: Codable {}

extension ElasticNet: Persistable {
  /// `"ElasticNet"`.
  public static let typeTag = "ElasticNet"
}

extension ElasticNet.Model: Persistable {
  /// `"ElasticNet.Model"` (also Lasso's model).
  public static let typeTag = "ElasticNet.Model"

  /// One finite coefficient per feature and a finite intercept.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.linear(coefficients, intercept, featureCount: featureCount)
  }
}
