import Foundation
import LearnCore
import LinearAlgebra

/// Ridge regression whose penalty is chosen by leave-one-out cross-validation in closed form
/// (scikit-learn's `RidgeCV` with `cv=None`): for a penalty α the leave-one-out residual of row i
/// is `eᵢ / (1 − hᵢᵢ)`, with `e` the residuals and `h` the diagonal of the hat matrix, so every
/// α costs O(n·k) after one eigen-decomposition. The penalty is picked from a list, as
/// scikit-learn does, or **by gradient**: the mean squared leave-one-out residual is a smooth
/// function of log α whose derivative is closed-form too, so a coarse scan finds the basin and a
/// safeguarded Newton–secant search on the derivative finds its minimum to machine precision in
/// a couple of dozen evaluations instead of a long list.
public struct RidgeCV: Estimator, Sendable {
  /// How the penalty is searched.
  public enum AlphaSearch: Sendable, Hashable {
    /// The best of these penalties (scikit-learn's `alphas`; the first on ties).
    case list([Double])
    /// The minimum of the leave-one-out error over log α in `lower ... upper`.
    case gradient(lower: Double, upper: Double)
  }

  /// The penalty search (default: scikit-learn's `alphas=(0.1, 1, 10)`).
  public var alphaSearch: AlphaSearch
  /// Whether to fit an intercept, unpenalised (default `true`).
  public var fitIntercept: Bool

  /// A ridge regression choosing its penalty among `alphas`.
  public init(alphas: [Double] = [0.1, 1, 10], fitIntercept: Bool = true) {
    self.init(alphaSearch: .list(alphas), fitIntercept: fitIntercept)
  }

  /// A ridge regression choosing its penalty by `alphaSearch`.
  public init(alphaSearch: AlphaSearch, fitIntercept: Bool = true) {
    self.alphaSearch = alphaSearch
    self.fitIntercept = fitIntercept
  }

  /// The hyperparameter table: `fitIntercept` (the penalty is what the estimator searches).
  public static let hyperparameters: [Hyperparameter<RidgeCV>] = [.bool("fitIntercept", \.fitIntercept)]

  /// Nothing to search: the estimator tunes its own penalty.
  public static let defaultSearchSpace: [String: Distribution] = [:]

  /// Chooses the penalty, then fits ``Ridge`` with it on all the data.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` for an empty list, a
  ///   negative or non-finite penalty, or gradient bounds that are not 0 < lower < upper < ∞;
  ///   the input errors of ``Ridge``.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let criterion = LeaveOneOutCriterion(x, y, fitIntercept: fitIntercept)
    let choice: (alpha: Double, error: Double, evaluations: Int)
    switch alphaSearch {
    case .list(let alphas):
      guard !alphas.isEmpty, alphas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
        throw .invalidArgument(name: "alphas", reason: "must be a non-empty list of finite penalties ≥ 0, got \(alphas)")
      }
      let errors = alphas.map { criterion.evaluate(logAlpha: log($0)).value }
      let best = errors.indices.min { (errors[$0], $0) < (errors[$1], $1) }!
      choice = (alphas[best], errors[best], alphas.count)
    case .gradient(let lower, let upper):
      guard lower > 0, lower < upper, upper.isFinite else {
        throw .invalidArgument(name: "alphaSearch", reason: "needs 0 < lower < upper < ∞, got \(lower) … \(upper)")
      }
      choice = criterion.minimize(lower: log(lower), upper: log(upper))
    }
    let ridge = try Ridge(alpha: choice.alpha, fitIntercept: fitIntercept).fit(x, y)
    return Model(ridge: ridge, alpha: choice.alpha, leaveOneOutError: choice.error, evaluations: choice.evaluations)
  }

  /// A fitted ``RidgeCV``: the ridge fitted with the chosen penalty.
  public struct Model: RegressorModel {
    /// The ridge fitted on all the data with ``alpha``.
    public let ridge: Ridge.Model
    /// The chosen penalty (scikit-learn `alpha_`).
    public let alpha: Double
    /// The mean squared leave-one-out residual at ``alpha`` (scikit-learn's `best_score_` is its
    /// negative).
    public let leaveOneOutError: Double
    /// How many penalties the criterion was evaluated at.
    public let evaluations: Int

    /// The ridge's predictions.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] { try ridge.predict(x) }
  }
}

/// The mean squared leave-one-out residual of ridge regression as a function of t = log α, with
/// its derivative, from the eigen-decomposition of the centred design (of XᵀX when there are no
/// more features than rows, else of XXᵀ). The intercept is unpenalised: it adds 1/n to every
/// leverage.
struct LeaveOneOutCriterion {
  let rows: Int
  let fitIntercept: Bool
  /// Left singular vectors (one array per component) and squared singular values.
  private var vectors: [[Double]] = []
  private var squares: [Double] = []
  /// The centred targets' coordinates on each vector, and the centred targets.
  private var projections: [Double] = []
  private let centred: [Double]

  init(_ x: Matrix, _ y: [Double], fitIntercept: Bool) {
    rows = x.rowCount
    self.fitIntercept = fitIntercept
    let n = x.rowCount, p = x.columnCount
    let means = fitIntercept ? x.columnMeans() : [Double](repeating: 0, count: p)
    let meanY = fitIntercept ? y.reduce(0, +) / Double(n) : 0
    let design = Matrix(rowCount: n, columnCount: p) { i, j in x[i, j] - means[j] }
    centred = y.map { $0 - meanY }
    let gram = p <= n
      ? Matrix(rowCount: p, columnCount: p) { a, b in (0..<n).reduce(0) { $0 + design[$1, a] * design[$1, b] } }
      : Matrix(rowCount: n, columnCount: n) { a, b in (0..<p).reduce(0) { $0 + design[a, $1] * design[b, $1] } }
    guard let eigen = try? SymmetricEigen(gram) else { return }
    let largest = eigen.values.max() ?? 0
    for (k, value) in eigen.values.enumerated() where value > largest * Double(max(n, p)) * 1e-15 && value > 0 {
      var u: [Double]
      if p <= n {
        // u = Xc·v / s.
        let s = value.squareRoot()
        u = (0..<n).map { i in (0..<p).reduce(0) { $0 + design[i, $1] * eigen.vectors[$1, k] } / s }
      } else {
        u = (0..<n).map { eigen.vectors[$0, k] }
      }
      vectors.append(u)
      squares.append(value)
      projections.append(zip(u, centred).reduce(0) { $0 + $1.0 * $1.1 })
    }
  }

  /// The criterion and its derivative with respect to log α at `logAlpha`.
  func evaluate(logAlpha t: Double) -> (value: Double, derivative: Double) {
    let alpha = exp(t)
    let shrink = squares.map { $0 / ($0 + alpha) }
    let slope = shrink.map { -$0 * (1 - $0) }  // d shrink / d log α
    var value = 0.0, derivative = 0.0
    let base = fitIntercept ? 1 / Double(rows) : 0
    for i in 0..<rows {
      var fitted = 0.0, fittedSlope = 0.0, leverage = base, leverageSlope = 0.0
      for k in vectors.indices {
        let u = vectors[k][i]
        fitted += u * shrink[k] * projections[k]
        fittedSlope += u * slope[k] * projections[k]
        leverage += u * u * shrink[k]
        leverageSlope += u * u * slope[k]
      }
      let residual = centred[i] - fitted, keep = 1 - leverage
      let loo = residual / keep
      value += loo * loo
      derivative += 2 * loo * (-fittedSlope * keep + residual * leverageSlope) / (keep * keep)
    }
    return (value / Double(rows), derivative / Double(rows))
  }

  /// The minimum over log α in `lower ... upper`: a 9-point scan for the basin, then a
  /// safeguarded secant search on the derivative (bisection whenever the secant step leaves the
  /// bracket) until the bracket is 1e-10 wide.
  func minimize(lower: Double, upper: Double) -> (alpha: Double, error: Double, evaluations: Int) {
    let points = (0...8).map { lower + (upper - lower) * Double($0) / 8 }
    var evaluated = points.map { evaluate(logAlpha: $0) }
    var count = points.count
    let best = evaluated.indices.min { (evaluated[$0].value, $0) < (evaluated[$1].value, $1) }!
    // Bracket a sign change of the derivative around the best scanned point.
    var a = points[Swift.max(best - 1, 0)], b = points[Swift.min(best + 1, 8)]
    var fa = evaluated[Swift.max(best - 1, 0)], fb = evaluated[Swift.min(best + 1, 8)]
    var bestPoint = (t: points[best], value: evaluated[best].value)
    if best == 0 && evaluated[0].derivative >= 0 { return (exp(points[0]), evaluated[0].value, count) }
    if best == 8 && evaluated[8].derivative <= 0 { return (exp(points[8]), evaluated[8].value, count) }
    if fa.derivative > 0 || fb.derivative < 0 {
      // The best scanned point's own derivative splits its neighbourhood.
      let mid = evaluated[best]
      if mid.derivative > 0 { b = points[best]; fb = mid } else { a = points[best]; fa = mid }
    }
    var previous = (t: a, derivative: fa.derivative), current = (t: b, derivative: fb.derivative)
    while b - a > 1e-10 && count < 100 {
      var t = current.t - current.derivative * (current.t - previous.t) / (current.derivative - previous.derivative)
      if !t.isFinite || t <= a || t >= b { t = (a + b) / 2 }
      let f = evaluate(logAlpha: t)
      count += 1
      if f.value < bestPoint.value { bestPoint = (t, f.value) }
      if f.derivative == 0 { break }
      if f.derivative < 0 { a = t } else { b = t }
      previous = current
      current = (t, f.derivative)
      evaluated.append(f)
    }
    return (exp(bestPoint.t), bestPoint.value, count)
  }
}

extension RidgeCV.AlphaSearch: Codable {}

extension RidgeCV: Persistable {
  /// `"RidgeCV"`.
  public static let typeTag = "RidgeCV"

  /// A non-empty list of finite penalties ≥ 0, or gradient bounds 0 < lower < upper < ∞.
  public func checkLoaded() throws(LearnError) {
    switch alphaSearch {
    case .list(let alphas):
      guard !alphas.isEmpty, alphas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
        throw .unreadableModel(field: "alphaSearch", reason: "a list of finite penalties ≥ 0 was expected")
      }
    case .gradient(let lower, let upper):
      guard lower > 0, lower < upper, upper.isFinite else {
        throw .unreadableModel(field: "alphaSearch", reason: "bounds 0 < lower < upper < ∞ were expected")
      }
    }
  }
}

extension RidgeCV.Model: Persistable {
  /// `"RidgeCV.Model"`.
  public static let typeTag = "RidgeCV.Model"

  /// The ridge's checks, a finite penalty ≥ 0, a criterion value that is not NaN and at least one
  /// evaluation.
  public func checkLoaded() throws(LearnError) {
    try ridge.checkLoaded()
    guard alpha >= 0, alpha.isFinite else { throw .unreadableModel(field: "alpha", reason: "a finite penalty ≥ 0 was expected") }
    guard !leaveOneOutError.isNaN, evaluations >= 1 else {
      throw .unreadableModel(field: "evaluations", reason: "at least one evaluated penalty was expected")
    }
  }
}
