import Foundation
import LearnCore
import LinearAlgebra

/// The state of a CMA-ES run (Hansen's covariance matrix adaptation evolution strategy, with
/// active negative weights, as in the `cmaes` package that Optuna uses): a Gaussian
/// `N(mean, σ²C)` over the unit cube, moved towards the better samples of each generation.
/// A value type updated by ``tell(_:values:)``; ``CMAESSearch`` rebuilds it from the study's
/// record by replaying every finished generation.
struct CovarianceAdaptation: Sendable {
  let dimension: Int
  let populationSize: Int
  let parents: Int
  /// Recombination weights, best first: positive for the parents, negative (active CMA) after.
  let weights: [Double]
  let effectiveParents: Double
  let cSigma: Double, dSigma: Double, cc: Double, c1: Double, cMu: Double
  /// E‖N(0, I)‖.
  let chiN: Double
  /// Diagonal covariance only: this update restricted to the diagonal, with the rank-one and
  /// rank-μ rates × (n + 2)/3 as Ros and Hansen (2008) propose. Not the `cmaes` package's
  /// `SepCMA`, whose weights and rates differ.
  let separable: Bool

  private(set) var mean: [Double]
  private(set) var sigma: Double
  /// The covariance, row-major n × n (only its diagonal when separable).
  private(set) var covariance: [Double]
  private var pathSigma: [Double]
  private var pathC: [Double]
  private(set) var generation = 0
  /// The best and worst values of recent generations (for the flat-fitness stop).
  private var history: [Double] = []
  private let initialSigma: Double
  /// Set when the covariance could not be decomposed: the run must stop.
  private var broken = false
  /// Eigenvectors (columns, row-major) and square roots of the eigenvalues of ``covariance``.
  private(set) var basis: [Double]
  private(set) var scales: [Double]
  /// The margin of the integer coordinates, when there are any (CMA-ES with margin).
  private(set) var margin: IntegerMargin?

  /// A run over `dimension` coordinates starting at `mean` with step `sigma`; `populationSize`
  /// defaults to 4 + ⌊3 ln n⌋. With `integers` (each coordinate's distribution), the integer
  /// coordinates get a margin (``IntegerMargin``).
  init(mean: [Double], sigma: Double, populationSize: Int? = nil, separable: Bool = false, integers: [Distribution]? = nil) {
    let n = mean.count
    dimension = n
    let lambda = populationSize ?? 4 + Int(floor(3 * log(Double(n))))
    self.populationSize = lambda
    parents = lambda / 2
    let raw = (0..<lambda).map { log(Double(lambda + 1) / 2) - log(Double($0 + 1)) }
    let positive = Array(raw[..<parents]), negative = Array(raw[parents...])
    let muEff = pow(positive.reduce(0, +), 2) / positive.map { $0 * $0 }.reduce(0, +)
    let negativeSquares = negative.map { $0 * $0 }.reduce(0, +)
    let muEffMinus = negativeSquares > 0 ? pow(negative.reduce(0, +), 2) / negativeSquares : 0
    effectiveParents = muEff
    var c1 = 2 / (pow(Double(n) + 1.3, 2) + muEff)
    var cMu = Swift.min(1 - c1 - 1e-8, 2 * (muEff - 2 + 1 / muEff) / (pow(Double(n) + 2, 2) + muEff))
    if separable {
      // sep-CMA learns a diagonal faster: both rates × (n + 2) / 3, within 1.
      c1 = Swift.min(1, c1 * (Double(n) + 2) / 3)
      cMu = Swift.min(1 - c1 - 1e-8, cMu * (Double(n) + 2) / 3)
    }
    self.c1 = c1
    self.cMu = cMu
    let alphaMin = Swift.min(1 + c1 / cMu, 1 + 2 * muEffMinus / (muEff + 2), (1 - c1 - cMu) / (Double(n) * cMu))
    let positiveSum = raw.filter { $0 > 0 }.reduce(0, +)
    let negativeSum = raw.filter { $0 < 0 }.reduce(0) { $0 + abs($1) }
    weights = raw.map { $0 >= 0 ? $0 / positiveSum : alphaMin / Swift.max(negativeSum, 1e-300) * $0 }
    cSigma = (muEff + 2) / (Double(n) + muEff + 5)
    dSigma = 1 + 2 * Swift.max(0, ((muEff - 1) / (Double(n) + 1)).squareRoot() - 1) + cSigma
    cc = (4 + muEff / Double(n)) / (Double(n) + 4 + 2 * muEff / Double(n))
    chiN = Double(n).squareRoot() * (1 - 1 / (4 * Double(n)) + 1 / (21 * Double(n) * Double(n)))
    self.separable = separable
    self.mean = mean
    self.sigma = sigma
    initialSigma = sigma
    covariance = separable ? [Double](repeating: 1, count: n) : Matrix.identity(n).elements
    pathSigma = [Double](repeating: 0, count: n)
    pathC = [Double](repeating: 0, count: n)
    basis = separable ? [] : Matrix.identity(n).elements
    scales = [Double](repeating: 1, count: n)
    margin = integers.flatMap { IntegerMargin($0, populationSize: lambda) }
  }

  /// The point a trial evaluates for the raw sample `x`: `x` itself, or with the margin's
  /// stretch of its integer coordinates.
  func evaluated(_ x: [Double]) -> [Double] { margin?.evaluated(x, mean: mean) ?? x }

  /// One sample `mean + σ·B·D·z`, `z ~ N(0, I)` from `generator`: redrawn up to 100 times until
  /// it lies in the unit cube, else clipped into it (the `cmaes` package's rule).
  func sample(using generator: inout Xoshiro256StarStar) -> [Double] {
    var x: [Double] = []
    for _ in 0...100 {
      let z = (0..<dimension).map { _ in generator.nextNormal() }
      x = step(z).enumerated().map { mean[$0.offset] + sigma * $0.element }
      if x.allSatisfy({ $0 >= 0 && $0 <= 1 }) { return x }
    }
    return x.map { Swift.min(Swift.max($0, 0), 1) }
  }

  /// `B·D·z`: a standard normal vector shaped by the covariance.
  private func step(_ z: [Double]) -> [Double] {
    if separable { return zip(scales, z).map(*) }
    let n = dimension
    return (0..<n).map { i in (0..<n).reduce(0) { $0 + basis[i * n + $1] * scales[$1] * z[$1] } }
  }

  /// `C^(-1/2)·y`.
  private func whiten(_ y: [Double]) -> [Double] {
    if separable { return zip(y, scales).map { $0 / $1 } }
    let n = dimension
    let rotated = (0..<n).map { j in (0..<n).reduce(0) { $0 + basis[$1 * n + j] * y[$1] } / scales[j] }
    return (0..<n).map { i in (0..<n).reduce(0) { $0 + basis[i * n + $1] * rotated[$1] } }
  }

  /// Updates mean, step size, paths and covariance from one generation's samples and their
  /// values (lower is better; give a failure +∞). `samples.count` must be the population size.
  mutating func tell(_ samples: [[Double]], values: [Double]) {
    let n = dimension
    let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
    generation += 1
    history.append(values[order.first!])
    history.append(values[order.last!])
    let y = order.map { k in (0..<n).map { (samples[k][$0] - mean[$0]) / sigma } }
    var yw = [Double](repeating: 0, count: n)
    for i in 0..<parents { for j in 0..<n { yw[j] += weights[i] * y[i][j] } }
    for j in 0..<n { mean[j] += sigma * yw[j] }
    let whitened = whiten(yw)
    let pathScale = (cSigma * (2 - cSigma) * effectiveParents).squareRoot()
    for j in 0..<n { pathSigma[j] = (1 - cSigma) * pathSigma[j] + pathScale * whitened[j] }
    let norm = pathSigma.map { $0 * $0 }.reduce(0, +).squareRoot()
    sigma = Swift.min(sigma * exp((cSigma / dSigma) * (norm / chiN - 1)), 1e32)
    let left = norm / (1 - pow(1 - cSigma, Double(2 * (generation + 1)))).squareRoot()
    let hSigma = left < (1.4 + 2 / (Double(n) + 1)) * chiN ? 1.0 : 0.0
    let cScale = (cc * (2 - cc) * effectiveParents).squareRoot()
    for j in 0..<n { pathC[j] = (1 - cc) * pathC[j] + hSigma * cScale * yw[j] }
    // Negative weights are rescaled so each bad sample's step has squared Mahalanobis length n.
    let adjusted = weights.enumerated().map { i, w -> Double in
      guard w < 0 else { return w }
      let length = whiten(y[i]).map { $0 * $0 }.reduce(0, +)
      return w * Double(n) / (length + 1e-8)
    }
    let decay = 1 + c1 * (1 - hSigma) * cc * (2 - cc) - c1 - cMu * weights.reduce(0, +)
    updateCovariance(decay: decay, y: y, adjusted: adjusted)
    decompose()
    if !broken, var margin {
      margin.correct(mean: &mean, sigma: sigma, diagonal: separable ? covariance : (0..<n).map { covariance[$0 * n + $0] })
      self.margin = margin
    }
  }

  private mutating func updateCovariance(decay: Double, y: [[Double]], adjusted: [Double]) {
    let n = dimension
    if separable {
      for j in 0..<n {
        var rankMu = 0.0
        for i in 0..<populationSize { rankMu += adjusted[i] * y[i][j] * y[i][j] }
        covariance[j] = Swift.max(decay * covariance[j] + c1 * pathC[j] * pathC[j] + cMu * rankMu, 1e-300)
      }
      return
    }
    for a in 0..<n {
      for b in 0...a {
        var rankMu = 0.0
        for i in 0..<populationSize { rankMu += adjusted[i] * y[i][a] * y[i][b] }
        let value = decay * covariance[a * n + b] + c1 * pathC[a] * pathC[b] + cMu * rankMu
        covariance[a * n + b] = value
        covariance[b * n + a] = value
      }
    }
  }

  /// Refreshes the eigen-decomposition (negative eigenvalues replaced by 1e-8, and C rebuilt from
  /// the repaired decomposition, as the `cmaes` package does). A decomposition that fails (a
  /// non-finite covariance) marks the run as stopped.
  private mutating func decompose() {
    let n = dimension
    if separable {
      scales = covariance.map { Swift.max($0, 1e-16).squareRoot() }
      return
    }
    guard let eigen = try? SymmetricEigen(Matrix(rowCount: n, columnCount: n, elements: covariance)) else {
      broken = true
      return
    }
    basis = eigen.vectors.elements
    let values = eigen.values.map { $0 < 0 ? 1e-8 : $0 }
    scales = values.map { $0.squareRoot() }
    for a in 0..<n {
      for b in 0..<n { covariance[a * n + b] = (0..<n).reduce(0) { $0 + basis[a * n + $1] * values[$1] * basis[b * n + $1] } }
    }
  }

  /// Whether the run has converged or stalled (the `cmaes` package's tests): flat values over
  /// recent generations, a step below 1e-12 of the first, divergence, a mean that no step along
  /// a coordinate or a principal axis moves, or axis lengths (square roots of C's eigenvalues)
  /// more than 1e14 apart.
  var shouldStop: Bool {
    let n = dimension
    if broken { return true }
    let window = 10 + Int(ceil(30 * Double(n) / Double(populationSize)))
    let recent = history.suffix(2 * window)
    if generation > window, let low = recent.min(), let high = recent.max(), high - low < 1e-12 { return true }
    let diagonal = separable ? covariance : (0..<n).map { covariance[$0 * n + $0] }
    let tolerance = 1e-12 * initialSigma
    if diagonal.allSatisfy({ sigma * $0 < tolerance }) && pathC.allSatisfy({ sigma * $0 < tolerance }) { return true }
    if sigma * (scales.max() ?? 0) > 1e4 { return true }
    if (0..<n).contains(where: { mean[$0] == mean[$0] + 0.2 * sigma * diagonal[$0].squareRoot() }) { return true }
    // No effect along a principal axis (one axis per generation, in turn).
    let axis = generation % n
    let along = (0..<n).map { separable ? ($0 == axis ? scales[axis] : 0) : basis[$0 * n + axis] * scales[axis] }
    if (0..<n).allSatisfy({ mean[$0] == mean[$0] + 0.1 * sigma * along[$0] }) { return true }
    if let high = scales.max(), let low = scales.min(), low > 0, high / low > 1e14 { return true }
    return false
  }
}
