// A small L-BFGS for the `lbfgs` solver, written to follow scipy's L-BFGS-B on an unconstrained
// problem (what scikit-learn's MLP calls): the same first step, memory rule, Moré–Thuente line
// search constants and stopping tests, so runs from the same start reach the same loss.
//
// Without bounds, L-BFGS-B's Cauchy point with an empty memory is the steepest-descent step −g
// (θ = 1), and with a memory its subspace minimisation is the quasi-Newton step −H·g of the
// compact L-BFGS matrix with H₀ = I/θ, θ = yᵀy / sᵀy of the newest pair; the two-loop recursion
// computes the same direction.

import Foundation

/// Why an L-BFGS run ended.
enum LBFGSTermination: Sendable, Hashable {
  /// `max |gᵢ| ≤ gtol`.
  case gradient
  /// `f_old − f ≤ ftol · max(|f_old|, |f|, 1)`.
  case relativeReduction
  /// `maxIterations` iterations were taken.
  case iterationLimit
  /// More than `maxEvaluations` evaluations.
  case evaluationLimit
  /// The line search failed along steepest descent.
  case lineSearchFailure
}

/// The outcome of ``minimizeLBFGS(from:maxIterations:maxEvaluations:gradientTolerance:relativeTolerance:memory:maxLineSearchSteps:_:)``.
struct LBFGSOutcome {
  /// The last accepted point.
  var x: [Double]
  /// The objective there.
  var value: Double
  /// Iterations (accepted steps; scipy's `nit`).
  var iterations: Int
  /// Objective evaluations (scipy's `nfev`).
  var evaluations: Int
  /// Why it stopped.
  var termination: LBFGSTermination
  /// Whether a tolerance was met (scipy's `status == 0`).
  var converged: Bool { termination == .gradient || termination == .relativeReduction }
}

/// Minimises `objective` (which returns f(x) and writes ∇f(x) into its second argument) from `x0`.
///
/// Stopping tests, in scipy's order after each accepted step: the iteration limit, the evaluation
/// limit, the projected-gradient test `max |gᵢ| ≤ gradientTolerance`, then the relative reduction
/// `(f_old − f) ≤ relativeTolerance · max(|f_old|, |f|, 1)` (scipy's default `ftol` is
/// 2.220446049250313e-09). A pair with `sᵀy ≤ ε · (−gᵀs)` is not stored. When the line search
/// fails, the iterate is kept and the memory cleared; with an empty memory the run ends.
func minimizeLBFGS(
  from x0: [Double], maxIterations: Int, maxEvaluations: Int, gradientTolerance: Double,
  relativeTolerance: Double = 2.220446049250313e-09, memory: Int = 10, maxLineSearchSteps: Int = 20,
  _ objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double
) -> LBFGSOutcome {
  let n = x0.count
  var x = x0
  var g = [Double](repeating: 0, count: n)
  var evaluations = 0
  func evaluate(_ point: [Double], _ gradient: inout [Double]) -> Double {
    evaluations += 1
    return point.withUnsafeBufferPointer { p in
      gradient.withUnsafeMutableBufferPointer { q in objective(p.baseAddress!, q.baseAddress!) }
    }
  }
  var f = evaluate(x, &g)
  if maxAbs(g) <= gradientTolerance {
    return LBFGSOutcome(x: x, value: f, iterations: 0, evaluations: evaluations, termination: .gradient)
  }
  var pairs = PairMemory(capacity: memory, dimension: n)
  var iterations = 0
  var direction = [Double](repeating: 0, count: n)
  var trial = [Double](repeating: 0, count: n)
  var trialGradient = [Double](repeating: 0, count: n)
  while true {
    // Direction: −g with an empty memory, else −H·g.
    pairs.direction(gradient: g, into: &direction)
    let slope0 = dot(g, direction)
    var step = 1.0
    var accepted = false
    var fNew = f
    if slope0 < 0 {
      let norm = dot(direction, direction).squareRoot()
      step = iterations == 0 ? Swift.min(1 / norm, 1e10) : 1
      var search = MoreThuente(value: f, slope: slope0, step: step, stepMax: 1e10)
      var stepsTaken = 0
      while true {
        if stepsTaken >= maxLineSearchSteps { break }
        for i in 0..<n { trial[i] = step == 1 ? x[i] + direction[i] : step * direction[i] + x[i] }
        fNew = evaluate(trial, &trialGradient)
        stepsTaken += 1
        let slope = dot(trialGradient, direction)
        switch search.next(value: fNew, slope: slope, step: &step) {
        case .evaluate: continue
        case .done: accepted = true
        case .failed: break
        }
        break
      }
    }
    if !accepted {
      if pairs.isEmpty {
        return LBFGSOutcome(x: x, value: f, iterations: iterations, evaluations: evaluations,
                            termination: .lineSearchFailure)
      }
      pairs.clear()
      continue
    }
    // Accept the step: s = step · d, x ← x + s (computed as L-BFGS-B does).
    let fOld = f
    let s = step == 1 ? direction : direction.map { step * $0 }
    let gOld = g
    swap(&x, &trial)
    g = trialGradient
    f = fNew
    iterations += 1
    if iterations >= maxIterations {
      return LBFGSOutcome(x: x, value: f, iterations: iterations, evaluations: evaluations, termination: .iterationLimit)
    }
    if evaluations > maxEvaluations {
      return LBFGSOutcome(x: x, value: f, iterations: iterations, evaluations: evaluations, termination: .evaluationLimit)
    }
    if maxAbs(g) <= gradientTolerance {
      return LBFGSOutcome(x: x, value: f, iterations: iterations, evaluations: evaluations, termination: .gradient)
    }
    if fOld - f <= relativeTolerance * Swift.max(abs(fOld), abs(f), 1) {
      return LBFGSOutcome(x: x, value: f, iterations: iterations, evaluations: evaluations,
                          termination: .relativeReduction)
    }
    // Curvature pair.
    var y = g
    for i in 0..<n { y[i] -= gOld[i] }
    let sy = dot(s, y)
    if sy > Double.ulpOfOne * (-slope0 * step) { pairs.append(s: s, y: y, sy: sy) }
  }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
  var total = 0.0
  for i in a.indices { total += a[i] * b[i] }
  return total
}

private func maxAbs(_ v: [Double]) -> Double {
  v.reduce(0) { Swift.max($0, abs($1)) }
}

/// The last `capacity` curvature pairs and the two-loop recursion.
private struct PairMemory {
  let capacity: Int
  var s: [[Double]] = []
  var y: [[Double]] = []
  var rho: [Double] = []

  init(capacity: Int, dimension: Int) { self.capacity = capacity }

  var isEmpty: Bool { s.isEmpty }

  mutating func clear() {
    s.removeAll()
    y.removeAll()
    rho.removeAll()
  }

  mutating func append(s newS: [Double], y newY: [Double], sy: Double) {
    if s.count == capacity {
      s.removeFirst()
      y.removeFirst()
      rho.removeFirst()
    }
    s.append(newS)
    y.append(newY)
    rho.append(1 / sy)
  }

  /// `d = −H·g` (two-loop recursion with `H₀ = (sᵀy / yᵀy) I` from the newest pair), or `−g`.
  func direction(gradient g: [Double], into d: inout [Double]) {
    for i in g.indices { d[i] = -g[i] }
    guard !s.isEmpty else { return }
    var alphas = [Double](repeating: 0, count: s.count)
    for k in stride(from: s.count - 1, through: 0, by: -1) {
      let a = rho[k] * dot(s[k], d)
      alphas[k] = a
      let yk = y[k]
      for i in d.indices { d[i] -= a * yk[i] }
    }
    let newest = s.count - 1
    let gamma = 1 / (rho[newest] * dot(y[newest], y[newest]))
    for i in d.indices { d[i] *= gamma }
    for k in 0..<s.count {
      let b = rho[k] * dot(y[k], d)
      let sk = s[k]
      let coefficient = alphas[k] - b
      for i in d.indices { d[i] += coefficient * sk[i] }
    }
  }
}

/// The Moré–Thuente line search (MINPACK-2 `dcsrch`/`dcstep`) with L-BFGS-B's constants:
/// sufficient decrease 1e-3, curvature 0.9, interval tolerance 0.1, steps in `[0, stepMax]`.
private struct MoreThuente {
  enum Action { case evaluate, done, failed }

  let ftol = 1e-3, gtol = 0.9, xtol = 0.1
  let stepMin = 0.0, stepMax: Double
  let initialValue: Double, initialSlope: Double, gtest: Double
  var bracketed = false
  var stage = 1
  var width: Double, width1: Double
  var stx = 0.0, fx: Double, gx: Double
  var sty = 0.0, fy: Double, gy: Double
  var stmin = 0.0, stmax: Double

  init(value: Double, slope: Double, step: Double, stepMax: Double) {
    self.stepMax = stepMax
    initialValue = value
    initialSlope = slope
    gtest = ftol * slope
    width = stepMax - stepMin
    width1 = width / 0.5
    fx = value
    gx = slope
    fy = value
    gy = slope
    stmax = step + 4 * step
  }

  /// Takes f and f′ at `step`; sets the next trial step and says whether to evaluate it.
  mutating func next(value f: Double, slope g: Double, step stp: inout Double) -> Action {
    // A non-finite trial counts as far too long a step (scipy would propagate it; the MLP loss
    // is finite wherever the weights are).
    if !f.isFinite || !g.isFinite {
      bracketed = true
      sty = stp
      fy = .infinity
      gy = .infinity
      stmin = Swift.min(stx, sty)
      stmax = Swift.max(stx, sty)
      stp = stx + 0.5 * (stp - stx)
      return stp > stepMin ? .evaluate : .failed
    }
    let ftest = initialValue + stp * gtest
    if stage == 1 && f <= ftest && g >= 0 { stage = 2 }
    // Warnings end the search with the current step (L-BFGS-B accepts them).
    if bracketed && (stp <= stmin || stp >= stmax) { return .done }
    if bracketed && stmax - stmin <= xtol * stmax { return .done }
    if stp == stepMax && f <= ftest && g <= gtest { return .done }
    if stp == stepMin && (f > ftest || g >= gtest) { return .done }
    if f <= ftest && abs(g) <= gtol * (-initialSlope) { return .done }

    if stage == 1 && f <= fx && f > ftest {
      // The modified function ψ(α) = f(α) − f(0) − gtest·α.
      var fxm = fx - stx * gtest, fym = fy - sty * gtest
      var gxm = gx - gtest, gym = gy - gtest
      let fm = f - stp * gtest, gm = g - gtest
      Self.takeStep(&stx, &fxm, &gxm, &sty, &fym, &gym, &stp, fm, gm, &bracketed, stmin, stmax)
      fx = fxm + stx * gtest
      fy = fym + sty * gtest
      gx = gxm + gtest
      gy = gym + gtest
    } else {
      Self.takeStep(&stx, &fx, &gx, &sty, &fy, &gy, &stp, f, g, &bracketed, stmin, stmax)
    }
    if bracketed {
      if abs(sty - stx) >= 0.66 * width1 { stp = stx + 0.5 * (sty - stx) }
      width1 = width
      width = abs(sty - stx)
      stmin = Swift.min(stx, sty)
      stmax = Swift.max(stx, sty)
    } else {
      stmin = stp + 1.1 * (stp - stx)
      stmax = stp + 4 * (stp - stx)
    }
    stp = Swift.min(Swift.max(stp, stepMin), stepMax)
    if (bracketed && (stp <= stmin || stp >= stmax)) || (bracketed && stmax - stmin <= xtol * stmax) {
      stp = stx
    }
    return .evaluate
  }

  /// MINPACK-2 `dcstep`: a safeguarded cubic/quadratic step and the update of the interval;
  /// `stepMin`/`stepMax` are the current interval's bounds (`stmin`, `stmax`), which limit extrapolation.
  private static func takeStep(
    _ stx: inout Double, _ fx: inout Double, _ dx: inout Double,
    _ sty: inout Double, _ fy: inout Double, _ dy: inout Double,
    _ stp: inout Double, _ fp: Double, _ dp: Double,
    _ bracketed: inout Bool, _ stepMin: Double, _ stepMax: Double
  ) {
    let sgnd = dp * (dx / abs(dx))
    var stpf: Double
    if fp > fx {
      let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
      let s = Swift.max(abs(theta), abs(dx), abs(dp))
      var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
      if stp < stx { gamma = -gamma }
      let p = (gamma - dx) + theta
      let q = ((gamma - dx) + gamma) + dp
      let r = p / q
      let stpc = stx + r * (stp - stx)
      let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx)
      stpf = abs(stpc - stx) < abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2
      bracketed = true
    } else if sgnd < 0 {
      let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
      let s = Swift.max(abs(theta), abs(dx), abs(dp))
      var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
      if stp > stx { gamma = -gamma }
      let p = (gamma - dp) + theta
      let q = ((gamma - dp) + gamma) + dx
      let r = p / q
      let stpc = stp + r * (stx - stp)
      let stpq = stp + (dp / (dp - dx)) * (stx - stp)
      stpf = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
      bracketed = true
    } else if abs(dp) < abs(dx) {
      let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
      let s = Swift.max(abs(theta), abs(dx), abs(dp))
      var gamma = s * Swift.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
      if stp > stx { gamma = -gamma }
      let p = (gamma - dp) + theta
      let q = (gamma + (dx - dp)) + gamma
      let r = p / q
      let stpc: Double
      if r < 0 && gamma != 0 {
        stpc = stp + r * (stx - stp)
      } else if stp > stx {
        stpc = stepMax
      } else {
        stpc = stepMin
      }
      let stpq = stp + (dp / (dp - dx)) * (stx - stp)
      if bracketed {
        stpf = abs(stpc - stp) < abs(stpq - stp) ? stpc : stpq
        stpf = stp > stx ? Swift.min(stp + 0.66 * (sty - stp), stpf) : Swift.max(stp + 0.66 * (sty - stp), stpf)
      } else {
        stpf = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
        stpf = Swift.max(stepMin, Swift.min(stepMax, stpf))
      }
    } else {
      if bracketed {
        let theta = 3 * (fp - fy) / (sty - stp) + dy + dp
        let s = Swift.max(abs(theta), abs(dy), abs(dp))
        var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
        if stp > sty { gamma = -gamma }
        let p = (gamma - dp) + theta
        let q = ((gamma - dp) + gamma) + dy
        let r = p / q
        stpf = stp + r * (sty - stp)
      } else {
        stpf = stp > stx ? stepMax : stepMin
      }
    }
    if fp > fx {
      sty = stp
      fy = fp
      dy = dp
    } else {
      if sgnd < 0 {
        sty = stx
        fy = fx
        dy = dx
      }
      stx = stp
      fx = fp
      dx = dp
    }
    stp = stpf
  }
}
