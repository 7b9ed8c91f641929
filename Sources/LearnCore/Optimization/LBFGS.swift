// Limited-memory BFGS without bounds, following scipy's L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995;
// Morales & Nocedal 2011) on an unconstrained problem closely enough that scikit-learn's solutions
// are reproduced: same first step, same memory handling, same Moré–Thuente line search constants,
// same stopping tests in the same order. It is the one L-BFGS of the package: `LogisticRegression`
// (LinearModels) and the MLP's `lbfgs` solver (NeuralNetworks) both run it.
//
// Without bounds, L-BFGS-B's generalized Cauchy point is skipped once the memory holds a pair, and
// its subspace minimisation over all (free) variables is the quasi-Newton step −H·g of the compact
// L-BFGS matrix. We compute that step with the two-loop recursion, which gives the same direction
// (up to rounding) for the same pairs and the same scaling θ = yᵀy / sᵀy.
//
// Nothing is allocated per iteration: the pairs live in two preallocated `memory × n` rings, and the
// trial point and gradient are swapped with the iterate on acceptance. Large problems (an MLP's
// tens of thousands of weights) pay only the O(m·n) vector work and the objective.

import LinearAlgebra

/// A limited-memory BFGS minimiser for smooth unconstrained problems (scipy's
/// `minimize(method="L-BFGS-B", jac=True)` without bounds).
///
/// Each iteration computes the quasi-Newton direction `d = −H·g` from the last `memory` pairs
/// `(s, y)` (two-loop recursion, `H₀ = I / θ` with `θ = yᵀy / sᵀy` of the newest pair), then runs
/// the Moré–Thuente line search (MINPACK-2 `dcsrch`) for a step satisfying the strong Wolfe
/// conditions `f(x + t·d) ≤ f(x) + 10⁻³·t·gᵀd` and `|g(x + t·d)ᵀd| ≤ 0.9·|gᵀd|`. The first
/// iteration (and any restart) steps along `−g`; the very first trial step is `1 / ‖g‖₂`, later
/// ones start at 1.
///
/// **Stopping rules**, tested after every accepted step in scipy's order (its Python wrapper checks
/// the limits on each new iterate before L-BFGS-B's own convergence tests run):
/// 1. `iterations ≥ maxIterations` (scipy `maxiter`): not converged;
/// 2. more than `maxEvaluations` objective evaluations (scipy `maxfun`): not converged;
/// 3. `max |gᵢ| ≤ gradientTolerance` (scipy `gtol`; also tested at the start point): converged;
/// 4. `(f_old − f) ≤ relativeReductionTolerance · max(|f_old|, |f|, 1)` (scipy `ftol`): converged.
///
/// So a run whose last allowed step also meets a tolerance is reported as not converged, as scipy
/// (and scikit-learn's `ConvergenceWarning`) reports it; the iterate is the same either way.
/// scikit-learn's `LogisticRegression(solver="lbfgs")` passes `gtol = tol`, `ftol = 64·ε`,
/// `maxiter = max_iter` and `maxls = 50`; its `MLPClassifier`/`MLPRegressor(solver="lbfgs")` pass
/// `gtol = tol`, `maxiter = max_iter`, `maxfun = max_fun` and scipy's other defaults.
///
/// A pair whose curvature `sᵀy ≤ ε·(−gᵀs)` is not stored. When the line search fails (no step
/// within `maxLineSearchSteps` evaluations, or `d` is not a descent direction), the iterate is kept,
/// the memory is cleared and the iteration restarts along `−g`; if the memory was already empty,
/// the run ends with ``Termination/lineSearchFailure``. A trial point where the objective or its
/// gradient is not finite is treated as too long a step: the step is halved towards the best one.
public enum LBFGS {
  /// Why a run ended.
  public enum Termination: String, Sendable, Hashable {
    /// The largest gradient component is within `gradientTolerance`.
    case gradientTolerance
    /// The relative decrease of the objective in the last step is within `relativeReductionTolerance`.
    case relativeReduction
    /// `maxIterations` steps were taken.
    case iterationLimit
    /// More than `maxEvaluations` evaluations of the objective were made.
    case evaluationLimit
    /// The line search found no acceptable step, even along the steepest-descent direction.
    case lineSearchFailure
  }

  /// The outcome of ``minimize(from:memory:maxIterations:gradientTolerance:relativeReductionTolerance:maxLineSearchSteps:maxEvaluations:_:)``.
  public struct Result: Sendable {
    /// The last accepted point.
    public let x: [Double]
    /// The objective at ``x``.
    public let value: Double
    /// The gradient at ``x``.
    public let gradient: [Double]
    /// Accepted steps (scipy's `nit`).
    public let iterations: Int
    /// Objective evaluations, the start point included (scipy's `nfev`).
    public let evaluations: Int
    /// Why the run ended.
    public let termination: Termination
    /// Whether a convergence test (gradient or relative reduction) ended the run.
    public var converged: Bool { termination == .gradientTolerance || termination == .relativeReduction }
  }

  /// Minimises `objective` from `x0`.
  ///
  /// - Parameters:
  ///   - x0: the start point (not empty).
  ///   - memory: correction pairs kept (scipy `maxcor`, default 10).
  ///   - maxIterations: the most steps taken (scipy `maxiter`, default 15000); 0 returns `x0`.
  ///   - gradientTolerance: stop when `max |gᵢ|` is at most this (scipy `gtol`, default 1e-5).
  ///   - relativeReductionTolerance: stop when a step lowers the objective by at most this times
  ///     `max(|f_old|, |f|, 1)` (scipy `ftol`, default `1e7·ε`).
  ///   - maxLineSearchSteps: evaluations allowed per line search (scipy `maxls`, default 20).
  ///   - maxEvaluations: stop once more evaluations than this were made (scipy `maxfun`, default 15000).
  ///   - objective: returns `f(x)` and writes `∇f(x)` into `gradient` (which has `x.count` elements).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for an empty `x0`, a non-finite start
  ///   point, bad settings, or an objective or gradient that is not finite at `x0`;
  ///   ``LearnError/cancelled(_:)`` when the calling thread's ``JobContext`` is cancelled (checked
  ///   before every iteration); errors thrown by `objective` are passed on.
  public static func minimize(
    from x0: [Double], memory: Int = 10, maxIterations: Int = 15000, gradientTolerance: Double = 1e-5,
    relativeReductionTolerance: Double = 2.220446049250313e-09, maxLineSearchSteps: Int = 20,
    maxEvaluations: Int = 15000,
    _ objective: (_ x: [Double], _ gradient: inout [Double]) throws(LearnError) -> Double
  ) throws(LearnError) -> Result {
    let n = x0.count
    guard n > 0 else { throw .invalidArgument(name: "x0", reason: "the start point has no coordinates") }
    guard memory > 0 else { throw .invalidArgument(name: "memory", reason: "must be positive, got \(memory)") }
    guard maxIterations >= 0 else {
      throw .invalidArgument(name: "maxIterations", reason: "must be non-negative, got \(maxIterations)")
    }
    guard maxLineSearchSteps > 0 else {
      throw .invalidArgument(name: "maxLineSearchSteps", reason: "must be positive, got \(maxLineSearchSteps)")
    }
    guard gradientTolerance >= 0, relativeReductionTolerance >= 0 else {
      throw .invalidArgument(name: "tolerance", reason: "tolerances must be non-negative")
    }
    if let bad = x0.firstIndex(where: { !$0.isFinite }) {
      throw .invalidArgument(name: "x0", reason: "coordinate \(bad) of the start point is not finite")
    }

    var x = x0
    var g = [Double](repeating: 0, count: n)
    var f = try objective(x, &g)
    var evaluations = 1
    guard f.isFinite else {
      throw .invalidArgument(name: "objective", reason: "the objective is not finite at the start point (f = \(f))")
    }
    if let bad = g.firstIndex(where: { !$0.isFinite }) {
      throw .invalidArgument(name: "objective", reason: "gradient component \(bad) is not finite at the start point")
    }
    var state = State(n: n, memory: memory)
    func finish(_ termination: Termination, _ iterations: Int) -> Result {
      Result(x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: termination)
    }
    if maxAbs(g) <= gradientTolerance { return finish(.gradientTolerance, 0) }
    if maxIterations == 0 { return finish(.iterationLimit, 0) }

    var xTrial = x, gTrial = g
    var iterations = 0
    while true {
      try Validation.checkCancellation("at L-BFGS iteration \(iterations + 1) of at most \(maxIterations)")
      state.computeDirection(x: x, g: g)
      let directionNorm = state.directionNorm()
      var step = iterations == 0 ? Swift.min(1 / directionNorm, maximumStep) : 1
      let slope0 = dot(g, state.direction)
      var accepted = false
      var trialValue = f, trialSlope = slope0
      if slope0 < 0 {
        var search = LineSearch(value: f, slope: slope0, step: step, maximumStep: maximumStep)
        var trials = 0
        while trials < maxLineSearchSteps {
          state.trialPoint(x: x, step: step, into: &xTrial)
          trialValue = try objective(xTrial, &gTrial)
          evaluations += 1
          trials += 1
          trialSlope = dot(gTrial, state.direction)
          if !trialValue.isFinite || !trialSlope.isFinite || gTrial.contains(where: { !$0.isFinite }) {
            step = search.retreat(from: step)
            continue
          }
          if search.next(value: trialValue, slope: trialSlope, step: &step) {
            accepted = true
            break
          }
        }
      }
      guard accepted else {
        // Keep the current iterate; clear the memory and retry along −g, unless it was already empty.
        if state.count == 0 { return finish(.lineSearchFailure, iterations) }
        state.reset()
        continue
      }

      iterations += 1
      let previousValue = f
      swap(&x, &xTrial)
      swap(&g, &gTrial)  // gTrial now holds the previous gradient
      f = trialValue
      if iterations >= maxIterations { return finish(.iterationLimit, iterations) }
      if evaluations > maxEvaluations { return finish(.evaluationLimit, iterations) }
      if maxAbs(g) <= gradientTolerance { return finish(.gradientTolerance, iterations) }
      if previousValue - f <= relativeReductionTolerance * Swift.max(abs(previousValue), abs(f), 1) {
        return finish(.relativeReduction, iterations)
      }
      state.update(newGradient: g, oldGradient: gTrial, step: step, slope: trialSlope, slope0: slope0)
    }
  }

  /// scipy's `stpmx` without bounds.
  static let maximumStep = 1e10

  /// The largest absolute component (NaN propagates as "not small").
  static func maxAbs(_ v: [Double]) -> Double {
    var m = 0.0
    for e in v {
      if e.isNaN { return .nan }
      m = Swift.max(m, abs(e))
    }
    return m
  }

  /// The correction pairs, the search direction and its point `z = x + d`.
  struct State {
    let n: Int
    let memory: Int
    /// `memory` s-vectors then `memory` y-vectors, each `n` long, in a ring.
    var s: [Double]
    var y: [Double]
    /// `sᵀy` of each stored pair (the L-BFGS-B `dr`).
    var sy: [Double]
    var alpha: [Double]
    /// Ring position of the oldest pair, and how many pairs are stored.
    var head = 0
    var count = 0
    /// B₀ = θ·I.
    var theta = 1.0
    var direction: [Double]
    /// `x + direction`, the point the unit step lands on.
    var unitPoint: [Double]

    init(n: Int, memory: Int) {
      self.n = n
      self.memory = memory
      s = [Double](repeating: 0, count: n * memory)
      y = [Double](repeating: 0, count: n * memory)
      sy = [Double](repeating: 0, count: memory)
      alpha = [Double](repeating: 0, count: memory)
      direction = [Double](repeating: 0, count: n)
      unitPoint = [Double](repeating: 0, count: n)
    }

    mutating func reset() {
      head = 0
      count = 0
      theta = 1
    }

    /// `d = −H·g` (two-loop recursion), `z = x + d`, then `d = z − x` as L-BFGS-B forms it.
    mutating func computeDirection(x: [Double], g: [Double]) {
      let n = self.n, memory = self.memory, count = self.count, head = self.head, theta = self.theta
      s.withUnsafeBufferPointer { sb in
        y.withUnsafeBufferPointer { yb in
          sy.withUnsafeBufferPointer { syb in
            alpha.withUnsafeMutableBufferPointer { ab in
              direction.withUnsafeMutableBufferPointer { db in
                unitPoint.withUnsafeMutableBufferPointer { zb in
                  x.withUnsafeBufferPointer { xb in
                    g.withUnsafeBufferPointer { gb in
                      let d = db.baseAddress!, z = zb.baseAddress!, xs = xb.baseAddress!, gs = gb.baseAddress!
                      if count == 0 {
                        // The Cauchy point of B = θI along −g is x − g/θ (θ = 1 after a reset).
                        let scale = 1 / theta
                        for i in 0..<n { z[i] = xs[i] - scale * gs[i] }
                      } else {
                        for i in 0..<n { d[i] = -gs[i] }
                        var j = count - 1
                        while j >= 0 {
                          let k = (head &+ j) % memory
                          let sk = sb.baseAddress! + k &* n, yk = yb.baseAddress! + k &* n
                          let a = LinearAlgebra.dot(sk, UnsafePointer(d), count: n) / syb[k]
                          ab[j] = a
                          axpy(-a, yk, d, count: n)
                          j -= 1
                        }
                        let scale = 1 / theta
                        for i in 0..<n { d[i] *= scale }
                        for j in 0..<count {
                          let k = (head &+ j) % memory
                          let sk = sb.baseAddress! + k &* n, yk = yb.baseAddress! + k &* n
                          let b = LinearAlgebra.dot(yk, UnsafePointer(d), count: n) / syb[k]
                          axpy(ab[j] - b, sk, d, count: n)
                        }
                        for i in 0..<n { z[i] = xs[i] + d[i] }
                      }
                      for i in 0..<n { d[i] = z[i] - xs[i] }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    func directionNorm() -> Double { LinearAlgebra.dot(direction, direction).squareRoot() }

    /// `x + step·d` (exactly `z` for the unit step, as L-BFGS-B does).
    func trialPoint(x: [Double], step: Double, into trial: inout [Double]) {
      let n = self.n
      trial.withUnsafeMutableBufferPointer { tb in
        if step == 1 {
          unitPoint.withUnsafeBufferPointer { zb in
            for i in 0..<n { tb[i] = zb[i] }
          }
          return
        }
        x.withUnsafeBufferPointer { xb in
          direction.withUnsafeBufferPointer { db in
            for i in 0..<n { tb[i] = step * db[i] + xb[i] }
          }
        }
      }
    }

    /// Stores the pair `s = step·d`, `y = g_new − g_old` unless its curvature is too small.
    mutating func update(newGradient g: [Double], oldGradient gOld: [Double], step: Double, slope: Double,
                         slope0: Double) {
      let curvature = step == 1 ? slope - slope0 : (slope - slope0) * step
      let scale = step == 1 ? -slope0 : -slope0 * step
      guard curvature > Double.ulpOfOne * scale else { return }
      let slot = count < memory ? (head + count) % memory : head
      if count < memory { count += 1 } else { head = (head + 1) % memory }
      let n = self.n
      var yy = 0.0
      s.withUnsafeMutableBufferPointer { sb in
        y.withUnsafeMutableBufferPointer { yb in
          direction.withUnsafeBufferPointer { db in
            g.withUnsafeBufferPointer { gb in
              gOld.withUnsafeBufferPointer { ob in
                let sk = sb.baseAddress! + slot &* n, yk = yb.baseAddress! + slot &* n
                for i in 0..<n {
                  sk[i] = step == 1 ? db[i] : step * db[i]
                  yk[i] = gb[i] - ob[i]
                }
                yy = LinearAlgebra.dot(UnsafePointer(yk), UnsafePointer(yk), count: n)
              }
            }
          }
        }
      }
      sy[slot] = curvature
      theta = yy / curvature
    }
  }

  /// The Moré–Thuente line search (MINPACK-2 `dcsrch`/`dcstep`) with L-BFGS-B's constants:
  /// sufficient decrease 10⁻³, curvature 0.9, interval tolerance 0.1, steps in `[0, maximumStep]`.
  struct LineSearch {
    static let decrease = 1e-3, curvature = 0.9, intervalTolerance = 0.1
    static let extrapolateLow = 1.1, extrapolateHigh = 4.0

    let value0: Double, slope0: Double, slopeTest: Double
    var maximumStep: Double
    let minimumStep = 0.0
    var bracketed = false
    var stage = 1
    /// The best step so far (`stx`) and the other end of the interval (`sty`), with their values
    /// and slopes.
    var bestStep = 0.0, bestValue: Double, bestSlope: Double
    var otherStep = 0.0, otherValue: Double, otherSlope: Double
    var lowerLimit = 0.0, upperLimit: Double
    var width: Double, previousWidth: Double

    init(value: Double, slope: Double, step: Double, maximumStep: Double) {
      value0 = value
      slope0 = slope
      slopeTest = Self.decrease * slope
      self.maximumStep = maximumStep
      bestValue = value
      bestSlope = slope
      otherValue = value
      otherSlope = slope
      upperLimit = step + Self.extrapolateHigh * step
      width = maximumStep - minimumStep
      previousWidth = width / 0.5
    }

    /// A trial point was not finite: try halfway back towards the best step, and never go beyond
    /// that point again (it becomes the largest step allowed).
    mutating func retreat(from step: Double) -> Double {
      let shorter = bestStep + 0.5 * (step - bestStep)
      maximumStep = shorter
      if !bracketed { upperLimit = Swift.min(upperLimit, shorter) }
      return shorter
    }

    /// Takes `f` and `f′` at `step`; returns `true` when `step` is accepted (converged, or a
    /// warning that no better step can be found), otherwise sets the next trial `step`.
    mutating func next(value f: Double, slope g: Double, step: inout Double) -> Bool {
      let valueTest = value0 + step * slopeTest
      if stage == 1 && f <= valueTest && g >= 0 { stage = 2 }
      // Warnings: rounding prevents progress, the interval is too small, or a limit was reached.
      if bracketed && (step <= lowerLimit || step >= upperLimit) { return true }
      if bracketed && upperLimit - lowerLimit <= Self.intervalTolerance * upperLimit { return true }
      if step == maximumStep && f <= valueTest && g <= slopeTest { return true }
      if step == minimumStep && (f > valueTest || g >= slopeTest) { return true }
      // Strong Wolfe conditions.
      if f <= valueTest && abs(g) <= Self.curvature * (-slope0) { return true }

      if stage == 1 && f <= bestValue && f > valueTest {
        // The modified function ψ(t) = f(t) − f(0) − μ·t·f′(0) predicts the step.
        var fx = bestValue - bestStep * slopeTest, gx = bestSlope - slopeTest
        var fy = otherValue - otherStep * slopeTest, gy = otherSlope - slopeTest
        Self.safeguardedStep(
          best: &bestStep, bestValue: &fx, bestSlope: &gx, other: &otherStep, otherValue: &fy, otherSlope: &gy,
          step: &step, value: f - step * slopeTest, slope: g - slopeTest, bracketed: &bracketed,
          lower: lowerLimit, upper: upperLimit)
        bestValue = fx + bestStep * slopeTest
        otherValue = fy + otherStep * slopeTest
        bestSlope = gx + slopeTest
        otherSlope = gy + slopeTest
      } else {
        Self.safeguardedStep(
          best: &bestStep, bestValue: &bestValue, bestSlope: &bestSlope, other: &otherStep,
          otherValue: &otherValue, otherSlope: &otherSlope, step: &step, value: f, slope: g,
          bracketed: &bracketed, lower: lowerLimit, upper: upperLimit)
      }
      if bracketed {
        // Bisect when the interval did not shrink enough over two steps.
        if abs(otherStep - bestStep) >= 0.66 * previousWidth { step = bestStep + 0.5 * (otherStep - bestStep) }
        previousWidth = width
        width = abs(otherStep - bestStep)
        lowerLimit = Swift.min(bestStep, otherStep)
        upperLimit = Swift.max(bestStep, otherStep)
      } else {
        lowerLimit = step + Self.extrapolateLow * (step - bestStep)
        upperLimit = step + Self.extrapolateHigh * (step - bestStep)
      }
      step = Swift.min(Swift.max(step, minimumStep), maximumStep)
      if bracketed && (step <= lowerLimit || step >= upperLimit || upperLimit - lowerLimit <= Self.intervalTolerance * upperLimit) {
        step = bestStep
      }
      return false
    }

    /// MINPACK-2 `dcstep`: a safeguarded cubic or quadratic step, and the updated interval.
    static func safeguardedStep(
      best stx: inout Double, bestValue fx: inout Double, bestSlope dx: inout Double,
      other sty: inout Double, otherValue fy: inout Double, otherSlope dy: inout Double,
      step stp: inout Double, value fp: Double, slope dp: Double, bracketed: inout Bool,
      lower stpmin: Double, upper stpmax: Double
    ) {
      let sameSign = dp * (dx / abs(dx))
      let next: Double
      if fp > fx {
        // Higher value: the minimum is bracketed. Cubic if closer to stx, else cubic/quadratic mean.
        let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        let s = Swift.max(abs(theta), abs(dx), abs(dp))
        var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
        if stp < stx { gamma = -gamma }
        let p = (gamma - dx) + theta
        let q = ((gamma - dx) + gamma) + dp
        let cubic = stx + (p / q) * (stp - stx)
        let quadratic = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx)
        next = abs(cubic - stx) < abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2
        bracketed = true
      } else if sameSign < 0 {
        // Lower value, slopes of opposite sign: bracketed. Cubic if farther from stp, else secant.
        let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        let s = Swift.max(abs(theta), abs(dx), abs(dp))
        var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
        if stp > stx { gamma = -gamma }
        let p = (gamma - dp) + theta
        let q = ((gamma - dp) + gamma) + dx
        let cubic = stp + (p / q) * (stx - stp)
        let secant = stp + (dp / (dp - dx)) * (stx - stp)
        next = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
        bracketed = true
      } else if abs(dp) < abs(dx) {
        // Lower value, same sign, slope shrinking in magnitude.
        let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        let s = Swift.max(abs(theta), abs(dx), abs(dp))
        var gamma = s * Swift.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
        if stp > stx { gamma = -gamma }
        let p = (gamma - dp) + theta
        let q = (gamma + (dx - dp)) + gamma
        let r = p / q
        let cubic: Double
        if r < 0 && gamma != 0 {
          cubic = stp + r * (stx - stp)
        } else {
          cubic = stp > stx ? stpmax : stpmin
        }
        let secant = stp + (dp / (dp - dx)) * (stx - stp)
        if bracketed {
          var chosen = abs(cubic - stp) < abs(secant - stp) ? cubic : secant
          if stp > stx {
            chosen = Swift.min(stp + 0.66 * (sty - stp), chosen)
          } else {
            chosen = Swift.max(stp + 0.66 * (sty - stp), chosen)
          }
          next = chosen
        } else {
          let chosen = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
          next = Swift.max(stpmin, Swift.min(stpmax, chosen))
        }
      } else {
        // Lower value, same sign, slope not shrinking: cubic towards sty if bracketed, else a limit.
        if bracketed {
          let theta = 3 * (fp - fy) / (sty - stp) + dy + dp
          let s = Swift.max(abs(theta), abs(dy), abs(dp))
          var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
          if stp > sty { gamma = -gamma }
          let p = (gamma - dp) + theta
          let q = ((gamma - dp) + gamma) + dy
          next = stp + (p / q) * (sty - stp)
        } else {
          next = stp > stx ? stpmax : stpmin
        }
      }
      // Update the interval that contains a minimiser.
      if fp > fx {
        sty = stp
        fy = fp
        dy = dp
      } else {
        if sameSign < 0 {
          sty = stx
          fy = fx
          dy = dx
        }
        stx = stp
        fx = fp
        dx = dp
      }
      stp = next
    }
  }
}
