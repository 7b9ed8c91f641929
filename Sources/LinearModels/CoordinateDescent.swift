// Coordinate descent for the elastic net, following scikit-learn 1.9.1's
// `_cd_fast.enet_coordinate_descent` (on the data) and `enet_coordinate_descent_gram` (on the Gram
// matrix): the same coordinate updates, the same duality-gap stopping rule (tolerance scaled by
// ‖y‖², the gap checked when a pass's largest update is small relative to the largest weight, and
// on the last pass), and the same gap-safe screening of features. Internal: Lasso and ElasticNet
// are the public surface.
//
// The problem, on centred data, is
//     min_w ½‖y − X·w‖² + l1·‖w‖₁ + ½·l2·‖w‖²
// with l1 = n·alpha·l1Ratio and l2 = n·alpha·(1 − l1Ratio).

import LearnCore
import LinearAlgebra

/// What coordinate descent returns.
struct CoordinateDescentResult {
  /// The weights.
  var coefficients: [Double]
  /// The last duality gap computed (of the unscaled problem above).
  var gap: Double
  /// Passes over the coordinates (scikit-learn's `n_iter_`): 0 when the start already met the tolerance.
  var iterations: Int
  /// Whether the gap met the tolerance.
  var converged: Bool
}

/// How coordinate descent sees the least-squares term: through the residual `R = y − X·w` (data
/// form) or through `Q·w` with `Q = XᵀX` (Gram form). Implementations hold raw pointers that live
/// for one solve.
protocol ElasticNetSystem {
  /// Number of features.
  var featureCount: Int { get }
  /// `‖y‖²`.
  var targetNormSquared: Double { get }
  /// Multiply-adds of one coordinate update (paces the cancellation checks).
  var coordinateCost: Int { get }
  /// `‖X_j‖²` (the Gram diagonal).
  func squaredNorm(_ j: Int) -> Double
  /// `X_jᵀ·R`: the correlation of feature `j` with the current residual.
  func residualCorrelation(_ j: Int) -> Double
  /// Records that `w_j` grew by `delta` (`R −= delta·X_j`, or `Qw += delta·Q_j`).
  func move(_ j: Int, by delta: Double)
  /// `‖R‖²` and `Rᵀy` at weights `w`, and `XᵀR` written to `correlations`.
  func residualSummary(_ w: UnsafePointer<Double>, correlations: UnsafeMutablePointer<Double>) -> (rr: Double, ry: Double)
}

/// The data form: features stored by column (row `j` of a `p × n` buffer is feature `j`).
struct ElasticNetDataSystem: ElasticNetSystem {
  let columns: UnsafePointer<Double>
  let y: UnsafePointer<Double>
  let residual: UnsafeMutablePointer<Double>
  let norms: UnsafePointer<Double>
  let sampleCount: Int
  let featureCount: Int
  let targetNormSquared: Double

  var coordinateCost: Int { 2 * sampleCount }

  @inline(__always) func squaredNorm(_ j: Int) -> Double { norms[j] }

  @inline(__always) func residualCorrelation(_ j: Int) -> Double {
    dot(columns + j &* sampleCount, UnsafePointer(residual), count: sampleCount)
  }

  @inline(__always) func move(_ j: Int, by delta: Double) {
    axpy(-delta, columns + j &* sampleCount, residual, count: sampleCount)
  }

  func residualSummary(_ w: UnsafePointer<Double>, correlations: UnsafeMutablePointer<Double>) -> (rr: Double, ry: Double) {
    let r = UnsafePointer(residual)
    for j in 0..<featureCount { correlations[j] = dot(columns + j &* sampleCount, r, count: sampleCount) }
    return (dot(r, r, count: sampleCount), dot(r, y, count: sampleCount))
  }
}

/// The Gram form: `Q = XᵀX` (`p × p`, row-major), `q = Xᵀy`, and `Qw` kept up to date.
struct ElasticNetGramSystem: ElasticNetSystem {
  let gram: UnsafePointer<Double>
  let xty: UnsafePointer<Double>
  let gramTimesW: UnsafeMutablePointer<Double>
  let featureCount: Int
  let targetNormSquared: Double

  var coordinateCost: Int { featureCount }

  @inline(__always) func squaredNorm(_ j: Int) -> Double { gram[j &* featureCount &+ j] }

  @inline(__always) func residualCorrelation(_ j: Int) -> Double { xty[j] - gramTimesW[j] }

  @inline(__always) func move(_ j: Int, by delta: Double) {
    axpy(delta, gram + j &* featureCount, gramTimesW, count: featureCount)
  }

  func residualSummary(_ w: UnsafePointer<Double>, correlations: UnsafeMutablePointer<Double>) -> (rr: Double, ry: Double) {
    let p = featureCount
    let qw = dot(w, xty, count: p)
    let wQw = dot(w, UnsafePointer(gramTimesW), count: p)
    for j in 0..<p { correlations[j] = xty[j] - gramTimesW[j] }
    return (targetNormSquared + wQw - 2 * qw, targetNormSquared - qw)
  }
}

/// The elastic-net coordinate descent loop.
enum CoordinateDescent {
  /// Runs coordinate descent from `w = 0` on `system`.
  ///
  /// - Parameters:
  ///   - l1: the L1 weight (scikit-learn's `alpha` inside `_cd_fast`, already multiplied by n).
  ///   - l2: the L2 weight (`beta` there).
  ///   - random: draw each coordinate uniformly from the active set (`selection="random"`) with
  ///     `seed`, instead of sweeping them in order.
  /// - Throws: ``LearnError/cancelled(_:)`` between sweeps when the job is cancelled.
  static func solve<System: ElasticNetSystem>(
    _ system: System, l1: Double, l2: Double, maxIterations: Int, tolerance: Double,
    positive: Bool, random: Bool, seed: UInt64
  ) throws(LearnError) -> CoordinateDescentResult {
    let p = system.featureCount
    let w = UnsafeMutablePointer<Double>.allocate(capacity: p)
    let correlations = UnsafeMutablePointer<Double>.allocate(capacity: p)
    let active = UnsafeMutablePointer<Int>.allocate(capacity: p)
    let excluded = UnsafeMutablePointer<Bool>.allocate(capacity: p)
    defer {
      w.deallocate()
      correlations.deallocate()
      active.deallocate()
      excluded.deallocate()
    }
    w.initialize(repeating: 0, count: p)
    correlations.initialize(repeating: 0, count: p)
    excluded.initialize(repeating: false, count: p)
    for j in 0..<p { active[j] = j }

    let screening = l1 != 0
    let scaledTolerance = tolerance * system.targetNormSquared
    var generator = Xoshiro256StarStar(seed: seed)

    // The duality gap (scikit-learn's gap_enet / gap_enet_gram) and the dual norm of XᵀR − l2·w.
    func dualityGap() -> (gap: Double, dualNorm: Double) {
      let wl2 = l2 > 0 ? dot(UnsafePointer(w), UnsafePointer(w), count: p) : 0
      let (rr, ry) = system.residualSummary(UnsafePointer(w), correlations: correlations)
      if l1 == 0 {
        let norm = dot(UnsafePointer(correlations), UnsafePointer(correlations), count: p)
        // Without an L2 term this is least squares: the first-order condition ‖XᵀR‖² stands in.
        if l2 == 0 { return (norm, norm) }
        // Ridge: the dual of formulation B.
        return (rr + 0.5 * l2 * wl2 - ry + norm / (2 * l2), norm)
      }
      var dualNorm = 0.0
      var l1Norm = 0.0
      for j in 0..<p {
        correlations[j] -= l2 * w[j]
        l1Norm += abs(w[j])
      }
      if positive {
        dualNorm = correlations[0]
        for j in 1..<Swift.max(1, p) where correlations[j] > dualNorm { dualNorm = correlations[j] }
      } else {
        dualNorm = abs(correlations[0])
        for j in 1..<Swift.max(1, p) where abs(correlations[j]) > dualNorm { dualNorm = abs(correlations[j]) }
      }
      // Formulation A: a dual-feasible point is the residual scaled into ‖Xᵀv‖∞ ≤ l1.
      let primal = 0.5 * (rr + l2 * wl2) + l1 * l1Norm
      let scale = dualNorm > l1 ? l1 / dualNorm : 1
      let dual = -0.5 * scale * scale * (rr + l2 * wl2) + scale * ry
      return (primal - dual, dualNorm)
    }

    // Gap-safe screening (Ndiaye et al. 2017, eq. 11): drop features that cannot be active at the
    // optimum; their weights go to zero.
    var activeCount = p
    func screen(gap: Double, dualNorm: Double, first: Bool) {
      let radius = (2 * abs(gap)).squareRoot() / l1
      activeCount = 0
      for j in 0..<p {
        if first {
          if system.squaredNorm(j) == 0 {
            w[j] = 0
            excluded[j] = true
            continue
          }
        } else if excluded[j] {
          continue
        }
        let theta = correlations[j] / Swift.max(l1, dualNorm)
        let distance = (1 - abs(theta)) / (system.squaredNorm(j) + l2).squareRoot()
        if distance <= radius {
          active[activeCount] = j
          excluded[j] = false
          activeCount += 1
        } else {
          if w[j] != 0 {
            system.move(j, by: -w[j])
            w[j] = 0
          }
          excluded[j] = true
        }
      }
    }

    func result(_ gap: Double, _ iterations: Int, _ converged: Bool) -> CoordinateDescentResult {
      CoordinateDescentResult(coefficients: Array(UnsafeBufferPointer(start: w, count: p)), gap: gap,
                              iterations: iterations, converged: converged)
    }

    var (gap, dualNorm) = dualityGap()
    if gap >= 0 && gap <= scaledTolerance { return result(gap, 0, true) }
    if screening { screen(gap: gap, dualNorm: dualNorm, first: true) }

    var checkpoint = CancellationCheckpoint()
    for iteration in 0..<maxIterations {
      try checkpoint.check(after: activeCount &* system.coordinateCost, "before coordinate descent sweep \(iteration + 1)")
      var largestWeight = 0.0
      var largestUpdate = 0.0
      for step in 0..<activeCount {
        let j = active[random ? generator.nextInt(below: activeCount) : step]
        let norm = system.squaredNorm(j)
        if norm == 0 { continue }
        let old = w[j]
        let rho = system.residualCorrelation(j) + old * norm
        var new = 0.0
        if !(positive && rho < 0) {
          let shrunk = Swift.max(abs(rho) - l1, 0)
          new = rho > 0 ? shrunk / (norm + l2) : (rho < 0 ? -shrunk / (norm + l2) : 0)
        }
        w[j] = new
        if new != old { system.move(j, by: new - old) }
        largestUpdate = Swift.max(largestUpdate, abs(new - old))
        largestWeight = Swift.max(largestWeight, abs(new))
      }
      if largestWeight == 0 || largestUpdate / largestWeight <= tolerance || iteration == maxIterations - 1 {
        (gap, dualNorm) = dualityGap()
        if gap <= scaledTolerance { return result(gap, iteration + 1, true) }
        if screening { screen(gap: gap, dualNorm: dualNorm, first: false) }
      }
    }
    return result(gap, maxIterations, false)
  }
}
