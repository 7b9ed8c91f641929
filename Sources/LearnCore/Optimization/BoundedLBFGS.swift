// Projected limited-memory BFGS for box constraints `lower ≤ x ≤ upper`: the minimiser of a
// Gaussian process's kernel hyperparameters and of acquisition functions over [0, 1]^d.
//
// Each iteration fixes the variables held at a bound by a gradient pushing outwards (the active
// set), computes the quasi-Newton direction on the others (the two-loop recursion with dot products
// restricted to the free variables), and backtracks along the projected path `P(x + t·d)` until the
// Armijo condition `f(P(x + t·d)) ≤ f(x) + 10⁻⁴·gᵀ(P(x + t·d) − x)` holds. It is the projected
// variant of L-BFGS-B (Bertsekas' projected Newton with a limited-memory metric), simpler than
// L-BFGS-B's generalized Cauchy point and, for the few tens of variables these problems have, as
// fast: the objective dominates.

import LinearAlgebra

extension LBFGS {
  /// Minimises `objective` over the box `lower ≤ x ≤ upper` from `x0` (clamped into the box).
  ///
  /// Stops, in this order, after `maxIterations` steps (not converged), when the largest component
  /// of the projected gradient is at most `gradientTolerance`, or when a step lowers the objective
  /// by at most `relativeReductionTolerance · max(|f_old|, |f|, 1)`. A trial point where the
  /// objective is not finite counts as too long a step. When no step is accepted along the
  /// quasi-Newton direction the memory is cleared and the projected steepest descent is tried; when
  /// that fails too, the run ends with ``Termination/lineSearchFailure`` at the best point found.
  ///
  /// - Parameters:
  ///   - x0: the start point (clamped into the box).
  ///   - lower, upper: the bounds, one per coordinate, `lower[i] ≤ upper[i]` (equal bounds fix a
  ///     coordinate).
  ///   - objective: returns `f(x)` and writes `∇f(x)` into `gradient`.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for mismatched or unordered bounds, a
  ///   non-finite start point or an objective not finite there; errors thrown by `objective`.
  public static func minimize(
    from x0: [Double], lower: [Double], upper: [Double], memory: Int = 10, maxIterations: Int = 200,
    gradientTolerance: Double = 1e-5, relativeReductionTolerance: Double = 2.220446049250313e-09,
    _ objective: (_ x: [Double], _ gradient: inout [Double]) throws(LearnError) -> Double
  ) throws(LearnError) -> Result {
    let n = x0.count
    guard n > 0, lower.count == n, upper.count == n else {
      throw .invalidArgument(name: "bounds", reason: "need one lower and one upper bound per coordinate (\(n)), got \(lower.count) and \(upper.count)")
    }
    for i in 0..<n where !(lower[i] <= upper[i]) || !x0[i].isFinite {
      throw .invalidArgument(name: "bounds", reason: "coordinate \(i): need a finite start and lower ≤ upper, got \(x0[i]) in [\(lower[i]), \(upper[i])]")
    }
    guard memory > 0, maxIterations >= 0 else {
      throw .invalidArgument(name: "memory", reason: "memory must be positive and maxIterations non-negative")
    }
    var x = (0..<n).map { Swift.min(upper[$0], Swift.max(lower[$0], x0[$0])) }
    var g = [Double](repeating: 0, count: n)
    var f = try objective(x, &g)
    var evaluations = 1
    guard f.isFinite, g.allSatisfy(\.isFinite) else {
      throw .invalidArgument(name: "objective", reason: "the objective or its gradient is not finite at the start point (f = \(f))")
    }
    var pairs = CorrectionPairs(memory: memory)
    var trial = x, gTrial = g
    var iteration = 0
    func result(_ termination: Termination) -> Result {
      Result(x: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, termination: termination)
    }
    while true {
      let free = (0..<n).map { i in
        lower[i] < upper[i] && !(x[i] <= lower[i] && g[i] > 0) && !(x[i] >= upper[i] && g[i] < 0)
      }
      var projectedNorm = 0.0
      for i in 0..<n where free[i] { projectedNorm = Swift.max(projectedNorm, abs(g[i])) }
      if projectedNorm <= gradientTolerance { return result(.gradientTolerance) }
      if iteration >= maxIterations { return result(.iterationLimit) }
      var accepted = false
      for attempt in 0..<2 {
        if attempt == 1 {
          guard pairs.count > 0 else { break }
          pairs.reset()
        }
        var direction = pairs.direction(gradient: g, free: free)
        var slope = 0.0
        for i in 0..<n { slope += g[i] * direction[i] }
        if !(slope < 0) {
          direction = (0..<n).map { free[$0] ? -g[$0] : 0 }
          pairs.reset()
        }
        // The first step of a memoryless direction is scaled to move at most about one unit.
        var step = pairs.count == 0 ? Swift.min(1, 1 / projectedNorm) : 1
        for _ in 0..<40 {
          var decrease = 0.0
          for i in 0..<n {
            trial[i] = Swift.min(upper[i], Swift.max(lower[i], x[i] + step * direction[i]))
            decrease += g[i] * (trial[i] - x[i])
          }
          if decrease >= 0 { break }  // the projected path went nowhere
          let fTrial = try objective(trial, &gTrial)
          evaluations += 1
          if fTrial.isFinite, gTrial.allSatisfy(\.isFinite), fTrial <= f + 1e-4 * decrease {
            pairs.add(s: zip(trial, x).map { $0 - $1 }, y: zip(gTrial, g).map { $0 - $1 })
            let reduction = f - fTrial
            let scale = Swift.max(abs(f), abs(fTrial), 1)
            swap(&x, &trial)
            swap(&g, &gTrial)
            f = fTrial
            iteration += 1
            accepted = true
            if reduction <= relativeReductionTolerance * scale { return result(.relativeReduction) }
            break
          }
          step *= 0.5
        }
        if accepted { break }
      }
      if !accepted { return result(.lineSearchFailure) }
    }
  }

  /// The stored `(s, y)` pairs of the bounded minimiser and its masked two-loop recursion.
  private struct CorrectionPairs {
    let memory: Int
    var s: [[Double]] = []
    var ys: [[Double]] = []
    var count: Int { s.count }

    init(memory: Int) { self.memory = memory }

    mutating func reset() {
      s.removeAll()
      ys.removeAll()
    }

    /// Stores the pair when its curvature is positive, dropping the oldest past `memory`.
    mutating func add(s step: [Double], y change: [Double]) {
      let curvature = LinearAlgebra.dot(step, change)
      guard curvature > 1e-12 * LinearAlgebra.dot(change, change), curvature.isFinite else { return }
      s.append(step)
      ys.append(change)
      if s.count > memory {
        s.removeFirst()
        ys.removeFirst()
      }
    }

    /// `−H·g` over the free coordinates (zero on the others).
    func direction(gradient g: [Double], free: [Bool]) -> [Double] {
      let n = g.count
      func dotFree(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for i in 0..<n where free[i] { total += a[i] * b[i] }
        return total
      }
      var d = (0..<n).map { free[$0] ? -g[$0] : 0 }
      guard !s.isEmpty else { return d }
      var alphas = [Double](repeating: 0, count: s.count)
      var rhos = [Double](repeating: 0, count: s.count)
      for k in stride(from: s.count - 1, through: 0, by: -1) {
        let sy = dotFree(s[k], ys[k])
        guard sy > 0 else { continue }
        rhos[k] = 1 / sy
        alphas[k] = rhos[k] * dotFree(s[k], d)
        for i in 0..<n where free[i] { d[i] -= alphas[k] * ys[k][i] }
      }
      let last = s.count - 1
      let yy = dotFree(ys[last], ys[last]), sy = dotFree(s[last], ys[last])
      let gamma = sy > 0 && yy > 0 ? sy / yy : 1
      for i in 0..<n { d[i] *= gamma }
      for k in 0..<s.count where rhos[k] > 0 {
        let beta = rhos[k] * dotFree(ys[k], d)
        for i in 0..<n where free[i] { d[i] += (alphas[k] - beta) * s[k][i] }
      }
      return d
    }
  }
}
