// The Gaussian-process surrogate of `BayesSearch`: a Matérn-5/2 kernel with one length scale per
// feature (automatic relevance), a signal variance and a noise variance, on standardised targets;
// its posterior with gradients, and the kernel fitted by maximising the log marginal likelihood
// plus a weak prior (Optuna's GPSampler priors), with bounded L-BFGS from several starts.

import Foundation
import LearnCore
import LinearAlgebra

/// The kernel's hyperparameters: `k(x, x') = signalVariance · m(r) + noiseVariance·[x = x']` with
/// `r² = Σᵢ λᵢ (xᵢ − x'ᵢ)²` (λᵢ = 1/ℓᵢ², the inverse squared length scales) and Matérn-5/2
/// `m(r) = (1 + √5 r + 5r²/3)·e^{−√5 r}`.
struct KernelParameters: Sendable, Hashable {
  var inverseSquaredLengthScales: [Double]
  var signalVariance: Double
  var noiseVariance: Double

  init(inverseSquaredLengthScales: [Double], signalVariance: Double, noiseVariance: Double) {
    self.inverseSquaredLengthScales = inverseSquaredLengthScales
    self.signalVariance = signalVariance
    self.noiseVariance = noiseVariance
  }

  /// From `[log λ₁ … log λ_p, log signal, log noise]`.
  init(logParameters p: [Double]) {
    inverseSquaredLengthScales = p.dropLast(2).map { exp($0) }
    signalVariance = exp(p[p.count - 2])
    noiseVariance = exp(p[p.count - 1])
  }

  /// The default start of a kernel fit: unit length scales, signal and noise (Optuna's; starting
  /// from a noisy model lets the first fits smooth over the few initial points).
  static func initial(features: Int) -> KernelParameters {
    KernelParameters(inverseSquaredLengthScales: Array(repeating: 1, count: features), signalVariance: 1, noiseVariance: 1)
  }

  /// `[log λ₁ … log λ_p, log signal, log noise]`, the coordinates the fit works in.
  var logParameters: [Double] { inverseSquaredLengthScales.map { log($0) } + [log(signalVariance), log(noiseVariance)] }

  /// The parameters as text, for a trial's tags (every digit kept, so a resumed search warm-starts
  /// from exactly the same values).
  var encoded: String { logParameters.map { "\($0)" }.joined(separator: ",") }

  /// Parameters read back from ``encoded``, when they have `features + 2` finite values.
  init?(encoded: String, features: Int) {
    let values = encoded.split(separator: ",").compactMap { Double($0) }
    guard values.count == features + 2, values.allSatisfy(\.isFinite) else { return nil }
    self.init(logParameters: values)
  }
}

/// Matérn-5/2 as a function of the squared distance.
enum Matern52 {
  /// √5 as a literal (a stored static would be a lazily initialised global, checked in hot loops).
  @inline(__always) static var root5: Double { 2.23606797749979 }

  /// `m(r)` at `r² = r2`.
  @inline(__always) static func value(_ r2: Double) -> Double {
    let t = root5 * Swift.max(r2, 0).squareRoot()
    return (1 + t + t * t / 3) * expNegative(t)
  }

  /// `m(r)` and `dm/d(r²) = −(5/6)(1 + √5 r)·e^{−√5 r}` together (one exponential; finite at r = 0).
  @inline(__always) static func valueAndDerivative(_ r2: Double) -> (value: Double, derivative: Double) {
    let t = root5 * Swift.max(r2, 0).squareRoot()
    let e = expNegative(t)
    return ((1 + t + t * t / 3) * e, -5.0 / 6.0 * (1 + t) * e)
  }

  /// `Σ_f λ_f (a_f − b_f)²`, the squared distance under inverse squared length scales `lambda`.
  @inline(__always) static func squaredDistance(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ lambda: UnsafePointer<Double>, count: Int
  ) -> Double {
    var r2 = 0.0
    for f in 0..<count {
      let d = a[f] - b[f]
      r2 += lambda[f] * d * d
    }
    return r2
  }

  /// `e^{−t}` for t ≥ 0, within a few ulps, inline and branch-free so kernel loops vectorise (the
  /// C library's `exp` is a call per element, a third of a proposal's time). `2^k·e^r` with
  /// `k = round(−t/ln 2)` found by the 1.5·2⁵² rounding trick (whose bit pattern also gives `2^k`),
  /// `r = −t − k·ln 2` in two parts (|r| ≤ ln 2 / 2), and e^r by its Taylor series to degree 13
  /// (truncation below 4·10⁻¹⁸). Beyond t = 708 it returns 0 (the true value is below 10⁻³⁰⁷).
  @inline(__always) static func expNegative(_ t: Double) -> Double {
    let x = Swift.max(-708.0, -t)
    let magic = 6755399441055744.0
    let shifted = x * 1.4426950408889634 + magic
    let k = shifted - magic
    let r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10
    var p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    let scale = Double(bitPattern: (shifted.bitPattern &+ 1023) << 52)
    return t >= 708 ? 0 : p * scale
  }
}

/// A Gaussian process conditioned on `points` (rows, the surrogate's features) and standardised
/// `targets`, under fixed kernel parameters.
struct GaussianProcess: Sendable {
  let points: Matrix
  let targets: [Double]
  let kernel: KernelParameters
  let factor: Cholesky
  /// `K⁻¹·y`.
  let weights: [Double]

  /// Conditions on the data. The covariance gets jitter (10⁻¹⁰ to 10⁻⁴ of the signal variance,
  /// tenfold each time) when rounding makes it not positive definite: duplicate points under tiny
  /// noise. Throws ``LearnError/linearAlgebra(_:)`` when even the largest jitter fails.
  init(points: Matrix, targets: [Double], kernel: KernelParameters) throws(LearnError) {
    self.points = points
    self.targets = targets
    self.kernel = kernel
    let covariance = Self.covariance(points, kernel)
    factor = try Self.factor(covariance, scale: kernel.signalVariance)
    weights = try! factor.solve(targets)
  }

  private init(points: Matrix, targets: [Double], kernel: KernelParameters, factor: Cholesky) {
    self.points = points
    self.targets = targets
    self.kernel = kernel
    self.factor = factor
    weights = try! factor.solve(targets)
  }

  /// The Cholesky factor of `covariance`, with growing jitter on the diagonal when needed.
  static func factor(_ covariance: Matrix, scale: Double) throws(LearnError) -> Cholesky {
    var jitter = 0.0
    while true {
      var matrix = covariance
      if jitter > 0 { for i in 0..<matrix.rowCount { matrix[i, i] += jitter } }
      do {
        return try Cholesky(matrix)
      } catch {
        jitter = jitter == 0 ? 1e-10 * scale : jitter * 10
        if jitter > 1e-4 * scale { throw .linearAlgebra(error) }
      }
    }
  }

  /// The process with one more observation (a constant liar's pending point), extending the
  /// factor in O(n²) instead of refactoring.
  func adding(point: [Double], target: Double) throws(LearnError) -> GaussianProcess {
    let row = crossCovariance(point)
    var grown = Matrix(rowCount: points.rowCount + 1, columnCount: points.columnCount)
    for i in 0..<points.rowCount { for j in 0..<points.columnCount { grown[i, j] = points[i, j] } }
    for j in 0..<points.columnCount { grown[points.rowCount, j] = point[j] }
    let extended: Cholesky
    do {
      extended = try factor.appending(row: row, diagonal: kernel.signalVariance + kernel.noiseVariance + 1e-10 * kernel.signalVariance)
    } catch {
      return try GaussianProcess(points: grown, targets: targets + [target], kernel: kernel)
    }
    return GaussianProcess(points: grown, targets: targets + [target], kernel: kernel, factor: extended)
  }

  /// `K(X, X) + noise·I` under `kernel`.
  static func covariance(_ points: Matrix, _ kernel: KernelParameters) -> Matrix {
    let n = points.rowCount, p = points.columnCount
    var result = Matrix(rowCount: n, columnCount: n)
    points.withUnsafeBufferPointer { px in
      kernel.inverseSquaredLengthScales.withUnsafeBufferPointer { lambda in
        for i in 0..<n {
          result[i, i] = kernel.signalVariance + kernel.noiseVariance
          for j in 0..<i {
            let r2 = Matern52.squaredDistance(px.baseAddress! + i &* p, px.baseAddress! + j &* p, lambda.baseAddress!, count: p)
            let value = kernel.signalVariance * Matern52.value(r2)
            result[i, j] = value
            result[j, i] = value
          }
        }
      }
    }
    return result
  }

  /// `k(x, Xᵢ)` for every observation (noise-free).
  func crossCovariance(_ x: [Double]) -> [Double] {
    squaredDistances(x).map { kernel.signalVariance * Matern52.value($0) }
  }

  /// `r²(x, Xᵢ)` for every observation.
  private func squaredDistances(_ x: [Double]) -> [Double] {
    let n = points.rowCount, p = points.columnCount
    var result = [Double](repeating: 0, count: n)
    x.withUnsafeBufferPointer { px0 in
      points.withUnsafeBufferPointer { px in
        kernel.inverseSquaredLengthScales.withUnsafeBufferPointer { lambda in
          for i in 0..<n {
            result[i] = Matern52.squaredDistance(px0.baseAddress!, px.baseAddress! + i &* p, lambda.baseAddress!, count: p)
          }
        }
      }
    }
    return result
  }

  /// The posterior mean and variance of the latent function at `x` (standardised units).
  func posterior(_ x: [Double]) -> (mean: Double, variance: Double) {
    let k = crossCovariance(x)
    let v = factor.forwardSubstitution(k)
    return (LinearAlgebra.dot(k, weights), Swift.max(kernel.signalVariance - LinearAlgebra.dot(v, v), 0))
  }

  /// The posterior at `x` with the gradients of its mean and variance with respect to `x`, through
  /// `inverse` (`K⁻¹`, from ``factor``).
  func posteriorWithGradient(_ x: [Double], inverse: Matrix) -> PosteriorPoint {
    posteriorWithGradient(batch: [x], inverse: inverse)[0]
  }

  /// The posterior with its mean and variance gradients at each point of `batch`, through
  /// `inverse` (`K⁻¹`, from ``factor``): the variance takes one matrix product `K*·K⁻¹` for the
  /// whole batch instead of two triangular solves per point (the acquisition's local searches,
  /// stepped together, call this hundreds of times).
  func posteriorWithGradient(batch: [[Double]], inverse: Matrix) -> [PosteriorPoint] {
    let m = batch.count, n = points.rowCount, p = points.columnCount
    let lambda = kernel.inverseSquaredLengthScales, s = kernel.signalVariance
    // Loops run over observations innermost, on the points stored by feature, so they vectorise.
    let byFeature = points.transposed()
    var cross = Matrix(rowCount: m, columnCount: n)  // k(x_j, X_i)
    var slopes = Matrix(rowCount: m, columnCount: n)  // s·m'(r²) per point and observation
    byFeature.withUnsafeBufferPointer { pt in
      cross.withUnsafeMutableBufferPointer { pc in
        slopes.withUnsafeMutableBufferPointer { ps in
          for (j, x) in batch.enumerated() {
            let out = pc.baseAddress! + j &* n, slope = ps.baseAddress! + j &* n
            for f in 0..<p {
              let column = pt.baseAddress! + f &* n, xf = x[f], lf = lambda[f]
              for i in 0..<n {
                let d = xf - column[i]
                out[i] += lf * d * d
              }
            }
            for i in 0..<n {
              let (value, derivative) = Matern52.valueAndDerivative(out[i])
              out[i] = s * value
              slope[i] = s * derivative
            }
          }
        }
      }
    }
    // Row j: K⁻¹k_j, a row of K⁻¹ at a time against every point (the row stays in cache; for
    // the few points of a round this beats a packed matrix product).
    var product = Matrix(rowCount: m, columnCount: n)
    inverse.withUnsafeBufferPointer { pi in
      cross.withUnsafeBufferPointer { pc in
        product.withUnsafeMutableBufferPointer { pw in
          for i in 0..<n {
            let row = pi.baseAddress! + i &* n
            for j in 0..<m { pw[j &* n &+ i] = LinearAlgebra.dot(row, pc.baseAddress! + j &* n, count: n) }
          }
        }
      }
    }
    return (0..<m).map { j in gradientTerms(j, x: batch[j], cross: cross, slopes: slopes, product: product, byFeature: byFeature) }
  }

  /// The posterior at `x`, row `j` of a batch: `μ = kᵀα`, `σ² = s − kᵀK⁻¹k`, and, from
  /// `∂k_i/∂x_f = s·m'(r²)·2λ_f(x_f − X_if)`, `∂μ/∂x = αᵀ∂k/∂x` and `∂σ²/∂x = −2(K⁻¹k)ᵀ∂k/∂x`.
  private func gradientTerms(
    _ j: Int, x: [Double], cross: Matrix, slopes: Matrix, product: Matrix, byFeature: Matrix
  ) -> PosteriorPoint {
    let n = points.rowCount, p = points.columnCount
    var a = [Double](repeating: 0, count: n), b = a  // the two gradients' weights per observation
    var meanGradient = [Double](repeating: 0, count: p), varianceGradient = meanGradient
    let (mean, variance) = cross.withUnsafeBufferPointer { pc in
      slopes.withUnsafeBufferPointer { ps in
        product.withUnsafeBufferPointer { pw in
          let k = pc.baseAddress! + j &* n, slope = ps.baseAddress! + j &* n, w = pw.baseAddress! + j &* n
          for i in 0..<n {
            a[i] = 2 * slope[i] * weights[i]
            b[i] = -4 * slope[i] * w[i]
          }
          return (LinearAlgebra.dot(k, weights, count: n), Swift.max(kernel.signalVariance - LinearAlgebra.dot(k, w, count: n), 0))
        }
      }
    }
    let sumA = a.reduce(0, +), sumB = b.reduce(0, +)
    byFeature.withUnsafeBufferPointer { pt in
      for f in 0..<p {
        let column = pt.baseAddress! + f &* n, lf = kernel.inverseSquaredLengthScales[f]
        meanGradient[f] = lf * (x[f] * sumA - LinearAlgebra.dot(a, column, count: n))
        varianceGradient[f] = lf * (x[f] * sumB - LinearAlgebra.dot(b, column, count: n))
      }
    }
    return PosteriorPoint(mean: mean, variance: variance, meanGradient: meanGradient, varianceGradient: varianceGradient)
  }

  /// The posterior mean and variance at every row of `batch`, through matrix products with
  /// `inverse` (`K⁻¹`, from ``factor``): `σ² = s − rowsum((K*·K⁻¹) ∘ K*)`, 64 rows at a time so
  /// the blocks stay in cache (and in the heap rather than freshly mapped pages).
  func posterior(batch: Matrix, inverse: Matrix) -> (means: [Double], variances: [Double]) {
    let m = batch.rowCount, n = points.rowCount, p = points.columnCount
    let lambda = kernel.inverseSquaredLengthScales, s = kernel.signalVariance
    let block = 64
    // Coordinates scaled by √λ, so the squared distance is a plain sum of squares.
    let roots = lambda.map { $0.squareRoot() }
    var scaledPoints = points
    scaledPoints.withUnsafeMutableBufferPointer { b in for i in 0..<n { for f in 0..<p { b[i &* p &+ f] *= roots[f] } } }
    var cross = Matrix(rowCount: Swift.min(block, m), columnCount: n)
    var product = cross
    var means = [Double](repeating: 0, count: m), variances = [Double](repeating: 0, count: m)
    var start = 0
    while start < m {
      let rows = Swift.min(block, m - start)
      if rows < cross.rowCount {
        cross = Matrix(rowCount: rows, columnCount: n)
        product = cross
      }
      batch.withUnsafeBufferPointer { pb in
        scaledPoints.withUnsafeBufferPointer { px in
          cross.withUnsafeMutableBufferPointer { pc in
            var x = [Double](repeating: 0, count: p)
            for row in 0..<rows {
              for f in 0..<p { x[f] = pb[(start + row) &* p &+ f] * roots[f] }
              let out = pc.baseAddress! + row &* n
              x.withUnsafeBufferPointer { xb in
                // Three passes (distances, √5·r, the kernel), so the first two vectorise and the
                // exponentials run back to back.
                for i in 0..<n {
                  let xi = px.baseAddress! + i &* p
                  var r2 = 0.0
                  for f in 0..<p {
                    let d = xb[f] - xi[f]
                    r2 += d * d
                  }
                  out[i] = r2
                }
                for i in 0..<n { out[i] = Matern52.root5 * out[i].squareRoot() }
                for i in 0..<n {
                  let t = out[i]
                  out[i] = s * (1 + t + t * t / 3) * Matern52.expNegative(t)
                }
              }
            }
          }
        }
      }
      try! gemm(cross, inverse, into: &product)
      cross.withUnsafeBufferPointer { pc in
        product.withUnsafeBufferPointer { pp in
          for row in 0..<rows {
            let k = pc.baseAddress! + row &* n, q = pp.baseAddress! + row &* n
            means[start + row] = LinearAlgebra.dot(k, weights, count: n)
            variances[start + row] = Swift.max(s - LinearAlgebra.dot(q, k, count: n), 0)
          }
        }
      }
      start += rows
    }
    return (means, variances)
  }
}

/// The posterior at one point, with gradients (standardised units).
struct PosteriorPoint {
  let mean: Double
  let variance: Double
  let meanGradient: [Double]
  let varianceGradient: [Double]
}

// MARK: - Fitting the kernel

/// The log marginal likelihood of standardised targets, with its gradient with respect to the
/// log parameters, and the kernel fit that maximises it plus a prior.
struct KernelFit {
  let points: Matrix
  let targets: [Double]
  /// Squared differences of every pair `i > j`, feature by feature (`pairs × p`).
  private let differences: [Double]
  /// Fix the noise at its floor (a deterministic objective).
  let fixedNoise: Bool

  /// The smallest noise variance (standardised units). Optuna's floor is 10⁻⁶; SMAC3's GP goes
  /// down to e⁻²⁵. The floor bounds how closely the model resolves a deterministic objective near
  /// its minimum: at 10⁻⁸ the median Branin regret after 50 evaluations fell from 5.8e-5 to
  /// 3.8e-6 over 40 seeds, Hartmann-6 unchanged. Jitter keeps the factorisation safe.
  static let minimumNoise = 1e-8

  init(points: Matrix, targets: [Double], fixedNoise: Bool = false) {
    self.points = points
    self.targets = targets
    self.fixedNoise = fixedNoise
    let n = points.rowCount, p = points.columnCount
    var differences = [Double]()
    differences.reserveCapacity(n * (n - 1) / 2 * p)
    for i in 0..<n {
      for j in 0..<i {
        for f in 0..<p {
          let d = points[i, f] - points[j, f]
          differences.append(d * d)
        }
      }
    }
    self.differences = differences
  }

  /// Bounds of the log parameters: length scales between about 0.01 and 30 (λ in [10⁻³, 10⁴]),
  /// signal variance in [10⁻³, 10³], noise in [``minimumNoise``, 10].
  func bounds() -> (lower: [Double], upper: [Double]) {
    let p = points.columnCount
    let noiseLow = log(Self.minimumNoise), noiseHigh = fixedNoise ? noiseLow : log(10.0)
    return (Array(repeating: log(1e-3), count: p) + [log(1e-3), noiseLow],
            Array(repeating: log(1e4), count: p) + [log(1e3), noiseHigh])
  }

  /// The log prior (up to a constant) and its gradient in log coordinates: on each λ,
  /// `−(0.1/λ + 0.1λ)`; Gamma(2, 1) on the signal variance; Gamma(1.1, 30) on the noise.
  static func logPrior(_ kernel: KernelParameters, gradient: inout [Double]) -> Double {
    var total = 0.0
    for (f, lambda) in kernel.inverseSquaredLengthScales.enumerated() {
      total -= 0.1 / lambda + 0.1 * lambda
      gradient[f] += 0.1 / lambda - 0.1 * lambda
    }
    let p = kernel.inverseSquaredLengthScales.count
    let s = kernel.signalVariance, v = kernel.noiseVariance
    total += log(s) - s
    gradient[p] += 1 - s
    total += 0.1 * log(v) - 30 * v
    gradient[p + 1] += 0.1 - 30 * v
    return total
  }

  /// Buffers one likelihood evaluation works in, reused across the evaluations of a fit (a fit at
  /// 200 observations would otherwise map and unmap four 320 KB matrices per evaluation).
  struct Workspace {
    var covariance: [Double], factor: [Double], scratch: [Double], inverse: [Double]
    var slopes: [Double], alpha: [Double]

    init(n: Int) {
      covariance = [Double](repeating: 0, count: n * n)
      factor = covariance
      scratch = covariance
      inverse = covariance
      slopes = [Double](repeating: 0, count: n * (n - 1) / 2)
      alpha = [Double](repeating: 0, count: n)
    }
  }

  /// The log marginal likelihood `−½yᵀK⁻¹y − ½log|K| − (n/2)log 2π` and, in `gradient`, its
  /// derivatives with respect to the log parameters (`½ tr((ααᵀ − K⁻¹) ∂K/∂θ)`). `nil` when the
  /// covariance cannot be factored.
  func logMarginalLikelihood(_ kernel: KernelParameters, gradient: inout [Double]) -> Double? {
    var workspace = Workspace(n: points.rowCount)
    return logMarginalLikelihood(kernel, gradient: &gradient, workspace: &workspace)
  }

  /// ``logMarginalLikelihood(_:gradient:)`` in the buffers of `workspace`.
  func logMarginalLikelihood(_ kernel: KernelParameters, gradient: inout [Double], workspace w: inout Workspace) -> Double? {
    let n = points.rowCount, p = points.columnCount
    let lambda = kernel.inverseSquaredLengthScales, s = kernel.signalVariance
    fillCovariance(kernel, &w)
    let logDeterminant: Double? = w.factor.withUnsafeMutableBufferPointer { pf in
      let f = pf.baseAddress!
      w.covariance.withUnsafeBufferPointer { pc in f.update(from: pc.baseAddress!, count: n * n) }
      guard Cholesky.factorInPlace(f, n: n) == nil else { return nil }
      // α = K⁻¹y by forward then backward substitution.
      w.alpha.withUnsafeMutableBufferPointer { pa in
        let a = pa.baseAddress!
        for i in 0..<n { a[i] = (targets[i] - LinearAlgebra.dot(UnsafePointer(f + i &* n), UnsafePointer(a), count: i)) / f[i &* n &+ i] }
        var i = n - 1
        while i >= 0 {
          a[i] /= f[i &* n &+ i]
          let row = f + i &* n
          for j in 0..<i { a[j] -= row[j] * a[i] }
          i -= 1
        }
      }
      w.scratch.withUnsafeMutableBufferPointer { ps in
        w.inverse.withUnsafeMutableBufferPointer { pi in
          Cholesky.invert(factor: UnsafePointer(f), n: n, scratch: ps.baseAddress!, into: pi.baseAddress!)
        }
      }
      var total = 0.0
      for i in 0..<n { total += log(f[i &* n &+ i]) }
      return 2 * total
    }
    guard let logDeterminant else { return nil }
    let alpha = w.alpha
    let value = -0.5 * LinearAlgebra.dot(targets, alpha) - 0.5 * logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)
    for index in gradient.indices { gradient[index] = 0 }
    var pair = 0
    var diagonal = 0.0
    w.inverse.withUnsafeBufferPointer { pi in
      w.covariance.withUnsafeBufferPointer { pc in
        for i in 0..<n {
          diagonal += alpha[i] * alpha[i] - pi[i &* n &+ i]
          for j in 0..<i {
            let weight = alpha[i] * alpha[j] - pi[i &* n &+ j]
            let slope = weight * w.slopes[pair]
            for f in 0..<p { gradient[f] += slope * lambda[f] * differences[pair &* p &+ f] }
            gradient[p] += weight * pc[i &* n &+ j]  // off-diagonal ∂K/∂log s = K there
            pair += 1
          }
        }
      }
    }
    gradient[p] += 0.5 * diagonal * s
    gradient[p + 1] = fixedNoise ? 0 : 0.5 * diagonal * kernel.noiseVariance
    return value.isFinite ? value : nil
  }

  /// `K + noise·I` (lower triangle) and `s·m'(r²)` of every pair, into the workspace.
  private func fillCovariance(_ kernel: KernelParameters, _ w: inout Workspace) {
    let n = points.rowCount, p = points.columnCount
    let lambda = kernel.inverseSquaredLengthScales, s = kernel.signalVariance
    var pair = 0
    w.covariance.withUnsafeMutableBufferPointer { pc in
      w.slopes.withUnsafeMutableBufferPointer { ps in
        differences.withUnsafeBufferPointer { pd in
          for i in 0..<n {
            pc[i &* n &+ i] = s + kernel.noiseVariance
            for j in 0..<i {
              var r2 = 0.0
              for f in 0..<p { r2 += lambda[f] * pd[pair &* p &+ f] }
              let (m, slope) = Matern52.valueAndDerivative(r2)
              pc[i &* n &+ j] = s * m
              ps[pair] = s * slope
              pair += 1
            }
          }
        }
      }
    }
  }

  /// The kernel maximising log marginal likelihood + log prior, by bounded L-BFGS in log
  /// coordinates from each of `starts`, to a gradient of `2·10⁻⁴·max(n, 50)` (Optuna's GPSampler
  /// stops at 10⁻², which is this at 50 observations; the log posterior is a sum over the
  /// observations, so its gradient, and the tolerance, grow with n); the best result (the first start on ties). A start whose
  /// fit fails keeps its (clamped) value as a candidate.
  func fit(from starts: [KernelParameters], maxIterations: Int = 100) -> KernelParameters {
    let (lower, upper) = bounds()
    var best: (kernel: KernelParameters, value: Double)?
    var workspace = Workspace(n: points.rowCount)
    for start in starts {
      let x0 = zip(start.logParameters, zip(lower, upper)).map { Swift.min($1.1, Swift.max($1.0, $0)) }
      let objective = { (x: [Double], gradient: inout [Double]) throws(LearnError) -> Double in
        let kernel = KernelParameters(logParameters: x)
        guard let likelihood = self.logMarginalLikelihood(kernel, gradient: &gradient, workspace: &workspace) else {
          return .infinity
        }
        let prior = Self.logPrior(kernel, gradient: &gradient)
        for index in gradient.indices { gradient[index] = -gradient[index] }
        if self.fixedNoise { gradient[gradient.count - 1] = 0 }
        return -(likelihood + prior)
      }
      let result = try? LBFGS.minimize(
        from: x0, lower: lower, upper: upper, maxIterations: maxIterations,
        gradientTolerance: 2e-4 * Double(Swift.max(points.rowCount, 50)), relativeReductionTolerance: 1e-9, objective)
      let x = result?.x ?? x0
      var scratch = x
      let value = result?.value ?? ((try? objective(x0, &scratch)) ?? .infinity)
      if best == nil || value < best!.value { best = (KernelParameters(logParameters: x), value) }
    }
    return best?.kernel ?? KernelParameters.initial(features: points.columnCount)
  }
}

extension Matrix {
  /// Rows of `columns` values each, as a matrix.
  init(rows: [[Double]], columns: Int) {
    self.init(rowCount: rows.count, columnCount: columns) { rows[$0][$1] }
  }
}

/// The kernel the surrogate fits to `points` (rows in [0, 1]^d) and `values` (standardised
/// first), as text: length scales, signal and noise variances, and the log posterior. For
/// checking the fit against other implementations; not part of a search.
public func gaussianProcessFitSummary(points: [[Double]], values: [Double]) throws -> String {
  let mean = values.reduce(0, +) / Double(values.count)
  let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
  let targets = values.map { ($0 - mean) / (deviation > 0 ? deviation : 1) }
  let fit = KernelFit(points: Matrix(rows: points, columns: points[0].count), targets: targets)
  let kernel = fit.fit(from: [.initial(features: points[0].count)])
  var gradient = [Double](repeating: 0, count: points[0].count + 2)
  let value = (fit.logMarginalLikelihood(kernel, gradient: &gradient) ?? .nan) + KernelFit.logPrior(kernel, gradient: &gradient)
  return "lengthscales \(kernel.inverseSquaredLengthScales.map { 1 / $0.squareRoot() }) scale \(kernel.signalVariance) "
    + "noise \(kernel.noiseVariance) log posterior \(value)"
}
