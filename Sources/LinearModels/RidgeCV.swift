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
    let least = fitIntercept ? 3 : 2
    guard x.rowCount >= least else {
      throw .invalidArgument(name: "x", reason: "leave-one-out needs at least \(least) rows, got \(x.rowCount)")
    }
    let criterion = try LeaveOneOutCriterion(x, y, fitIntercept: fitIntercept)
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

  init(_ x: Matrix, _ y: [Double], fitIntercept: Bool) throws(LearnError) {
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
    let eigen: SymmetricEigen
    do { eigen = try SymmetricEigen(gram) } catch {
      throw .invalidArgument(name: "x", reason: "the design's Gram matrix could not be decomposed (\(error))")
    }
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

  /// The criterion and its derivative with respect to log α at `logAlpha`; +∞ where a leverage
  /// reaches 1 (a row the fit interpolates at this penalty).
  func evaluate(logAlpha t: Double) -> (value: Double, derivative: Double) {
    let alpha = exp(t)
    let shrink = squares.map { $0 / ($0 + alpha) }
    let kept = squares.map { alpha / ($0 + alpha) }  // 1 − shrink, without cancellation
    let slope = shrink.map { -$0 * (1 - $0) }  // d shrink / d log α
    var value = 0.0, derivative = 0.0
    let base = fitIntercept ? 1 / Double(rows) : 0
    for i in 0..<rows {
      // 1 − hᵢᵢ = (1 − base − Σu²) + Σu²·α/(s² + α): the first term is what the vectors leave
      // out of row i, the second what the penalty keeps, so neither cancels.
      var fitted = 0.0, fittedSlope = 0.0, spanned = 0.0, keep = 0.0, leverageSlope = 0.0
      for k in vectors.indices {
        let u = vectors[k][i]
        fitted += u * shrink[k] * projections[k]
        fittedSlope += u * slope[k] * projections[k]
        spanned += u * u
        keep += u * u * kept[k]
        leverageSlope += u * u * slope[k]
      }
      keep += Swift.max(0, 1 - base - spanned)
      let residual = centred[i] - fitted
      let loo = residual / keep
      value += loo * loo
      derivative += 2 * loo * (-fittedSlope * keep + residual * leverageSlope) / (keep * keep)
    }
    let mean = value / Double(rows)
    return mean.isFinite ? (mean, derivative / Double(rows)) : (.infinity, 0)
  }

  /// The minimum over log α in `lower ... upper`: a 9-point scan for the basin, then a
  /// safeguarded secant search on the derivative (bisection whenever the secant step leaves the
  /// bracket) until the bracket or the step is 1e-10 wide; a golden-section search on the value
  /// when the derivative does not change sign around the best scanned point.
  func minimize(lower: Double, upper: Double) -> (alpha: Double, error: Double, evaluations: Int) {
    let points = (0...8).map { lower + (upper - lower) * Double($0) / 8 }
    let scanned = points.map { evaluate(logAlpha: $0) }
    var count = points.count
    let best = scanned.indices.min { (scanned[$0].value, $0) < (scanned[$1].value, $1) }!
    var bestPoint = (t: points[best], value: scanned[best].value)
    func consider(_ t: Double, _ f: (value: Double, derivative: Double)) {
      count += 1
      if f.value < bestPoint.value { bestPoint = (t, f.value) }
    }
    if best == 0 && scanned[0].derivative >= 0 { return (exp(points[0]), scanned[0].value, count) }
    if best == 8 && scanned[8].derivative <= 0 { return (exp(points[8]), scanned[8].value, count) }
    // A bracket [a, b] around the best scanned point with f′(a) < 0 < f′(b).
    var a = points[Swift.max(best - 1, 0)], b = points[Swift.min(best + 1, 8)]
    var da = scanned[Swift.max(best - 1, 0)].derivative, db = scanned[Swift.min(best + 1, 8)].derivative
    if scanned[best].derivative > 0 { (b, db) = (points[best], scanned[best].derivative) }
    if scanned[best].derivative < 0 { (a, da) = (points[best], scanned[best].derivative) }
    guard da < 0, db > 0 else { return goldenSection(a, b, best: &bestPoint, count: &count) }
    var previous = (t: a, derivative: da), current = (t: b, derivative: db)
    while b - a > 1e-10 && count < 100 {
      var t = current.t - current.derivative * (current.t - previous.t) / (current.derivative - previous.derivative)
      if !t.isFinite || t <= a || t >= b { t = (a + b) / 2 }
      let f = evaluate(logAlpha: t)
      consider(t, f)
      if f.derivative == 0 || abs(t - current.t) < 1e-10 { break }
      if f.derivative < 0 { a = t } else { b = t }
      previous = current
      current = (t, f.derivative)
    }
    return (exp(bestPoint.t), bestPoint.value, count)
  }

  /// Golden-section search of the value on [a, b], to a 1e-10 wide bracket.
  private func goldenSection(
    _ lower: Double, _ upper: Double, best: inout (t: Double, value: Double), count: inout Int
  ) -> (alpha: Double, error: Double, evaluations: Int) {
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = lower, b = upper
    var c = b - ratio * (b - a), d = a + ratio * (b - a)
    var fc = evaluate(logAlpha: c).value, fd = evaluate(logAlpha: d).value
    count += 2
    while b - a > 1e-10 && count < 100 {
      if fc < fd { (b, d, fd) = (d, c, fc); c = b - ratio * (b - a); fc = evaluate(logAlpha: c).value }
      else { (a, c, fc) = (c, d, fd); d = a + ratio * (b - a); fd = evaluate(logAlpha: d).value }
      count += 1
    }
    for (t, value) in [(c, fc), (d, fd)] where value < best.value { best = (t, value) }
    return (exp(best.t), best.value, count)
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
