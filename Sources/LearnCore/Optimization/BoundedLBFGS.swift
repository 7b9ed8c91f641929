// Projected limited-memory BFGS for box constraints `lower ≤ x ≤ upper`: the minimiser of a
// Gaussian process's kernel hyperparameters and of acquisition functions over [0, 1]^d.
//
// Each iteration fixes the variables held at a bound by a gradient pushing outwards (the active
// set), computes the quasi-Newton direction on the others (the two-loop recursion with dot products
// restricted to the free variables), and backtracks along the projected path `P(x + t·d)` until the
// Armijo condition `f(P(x + t·d)) ≤ f(x) + 10⁻⁴·gᵀ(P(x + t·d) − x)` holds, trying at most 20
// steps (scipy's `maxls`: on a numerically rough objective more halvings only spend evaluations).
// It is the projected variant of L-BFGS-B (Bertsekas' projected Newton with a limited-memory
// metric), simpler than L-BFGS-B's generalized Cauchy point and, for the few tens of variables
// these problems have, as fast: the objective dominates.

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
  /// (``BoundedRun`` is the same minimiser driven from outside, for running several in step.)
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
    var run = try BoundedRun(
      from: x0, lower: lower, upper: upper, memory: memory, maxIterations: maxIterations,
      gradientTolerance: gradientTolerance, relativeReductionTolerance: relativeReductionTolerance)
    var gradient = [Double](repeating: 0, count: x0.count)
    while true {
      switch run.request {
      case .evaluate(let point):
        let value = try objective(point, &gradient)
        try run.tell(value: value, gradient: gradient)
      case .finished(let result):
        return result
      }
    }
  }

  /// One bounded minimisation (the algorithm of
  /// ``minimize(from:lower:upper:memory:maxIterations:gradientTolerance:relativeReductionTolerance:_:)``)
  /// driven by its caller: read ``request``, evaluate the objective at the point it names and
  /// ``tell(value:gradient:)`` the result, until the request is ``Request/finished(_:)``. Several
  /// runs stepped together let one batched evaluation (a matrix product) serve them all.
  public struct BoundedRun: Sendable {
    /// What the run needs next.
    public enum Request: Sendable {
      /// The objective and its gradient at this point.
      case evaluate([Double])
      /// The run has ended with this result.
      case finished(Result)
    }

    /// Trial steps per line search before it gives up (scipy's `maxls`).
    static let lineSearchSteps = 20

    /// What the run needs next; starts as the evaluation of the (clamped) start point.
    public private(set) var request: Request
    private let lower: [Double], upper: [Double]
    private let maxIterations: Int, gradientTolerance: Double, relativeReductionTolerance: Double
    private var x: [Double], g: [Double] = [], f = Double.nan
    private var pairs: CorrectionPairs
    private var free: [Bool] = [], projectedNorm = 0.0
    private var direction: [Double] = [], trial: [Double] = [], step = 0.0, decrease = 0.0
    private var halvings = 0, attempt = 0, iteration = 0, evaluations = 0

    /// Validates the bounds and clamps `x0` into them; the parameters are those of `minimize`.
    /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for mismatched or unordered bounds,
    ///   a non-finite start point, a non-positive memory or a negative iteration limit.
    public init(
      from x0: [Double], lower: [Double], upper: [Double], memory: Int = 10, maxIterations: Int = 200,
      gradientTolerance: Double = 1e-5, relativeReductionTolerance: Double = 2.220446049250313e-09
    ) throws(LearnError) {
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
      self.lower = lower
      self.upper = upper
      self.maxIterations = maxIterations
      self.gradientTolerance = gradientTolerance
      self.relativeReductionTolerance = relativeReductionTolerance
      pairs = CorrectionPairs(memory: memory)
      x = (0..<n).map { Swift.min(upper[$0], Swift.max(lower[$0], x0[$0])) }
      request = .evaluate(x)
    }

    /// Takes the objective's value and gradient at the point of the current ``request`` and moves
    /// to the next request.
    /// - Throws: ``LearnError/invalidArgument(name:reason:)`` when the objective or its gradient
    ///   is not finite at the start point, or when the run has already finished.
    public mutating func tell(value: Double, gradient: [Double]) throws(LearnError) {
      guard case .evaluate = request else {
        throw .invalidArgument(name: "tell", reason: "the run has finished; nothing was asked")
      }
      evaluations += 1
      if g.isEmpty {
        guard value.isFinite, gradient.allSatisfy(\.isFinite) else {
          throw .invalidArgument(name: "objective", reason: "the objective or its gradient is not finite at the start point (f = \(value))")
        }
        f = value
        g = gradient
        request = beginIteration()
        return
      }
      // A line-search trial: accepted under the Armijo condition, else the step halves.
      if value.isFinite, gradient.allSatisfy(\.isFinite), value <= f + 1e-4 * decrease {
        pairs.add(s: zip(trial, x).map { $0 - $1 }, y: zip(gradient, g).map { $0 - $1 })
        let reduction = f - value
        let scale = Swift.max(abs(f), abs(value), 1)
        x = trial
        g = gradient
        f = value
        iteration += 1
        request = reduction <= relativeReductionTolerance * scale ? .finished(result(.relativeReduction)) : beginIteration()
        return
      }
      step *= 0.5
      halvings += 1
      request = halvings < Self.lineSearchSteps ? nextTrial() : endAttempt()
    }

    private func result(_ termination: Termination) -> Result {
      Result(x: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, termination: termination)
    }

    /// The active set and the stopping tests at the current point, then the first line search.
    private mutating func beginIteration() -> Request {
      let n = x.count
      free = (0..<n).map { i in
        lower[i] < upper[i] && !(x[i] <= lower[i] && g[i] > 0) && !(x[i] >= upper[i] && g[i] < 0)
      }
      projectedNorm = 0
      for i in 0..<n where free[i] { projectedNorm = Swift.max(projectedNorm, abs(g[i])) }
      if projectedNorm <= gradientTolerance { return .finished(result(.gradientTolerance)) }
      if iteration >= maxIterations { return .finished(result(.iterationLimit)) }
      attempt = 0
      return startLineSearch()
    }

    /// The quasi-Newton direction (steepest descent when it does not descend) and its first step.
    private mutating func startLineSearch() -> Request {
      let n = x.count
      direction = pairs.direction(gradient: g, free: free)
      var slope = 0.0
      for i in 0..<n { slope += g[i] * direction[i] }
      if !(slope < 0) {
        direction = (0..<n).map { free[$0] ? -g[$0] : 0 }
        pairs.reset()
      }
      // The first step of a memoryless direction is scaled to move at most about one unit.
      step = pairs.count == 0 ? Swift.min(1, 1 / projectedNorm) : 1
      halvings = 0
      return nextTrial()
    }

    /// The projected trial point at the current step, or the end of this line search when the
    /// projected path goes nowhere.
    private mutating func nextTrial() -> Request {
      let n = x.count
      if trial.count != n { trial = x }
      decrease = 0
      for i in 0..<n {
        trial[i] = Swift.min(upper[i], Swift.max(lower[i], x[i] + step * direction[i]))
        decrease += g[i] * (trial[i] - x[i])
      }
      return decrease >= 0 ? endAttempt() : .evaluate(trial)
    }

    /// A line search found no step: retry once along steepest descent with the memory cleared,
    /// else end at the best point found.
    private mutating func endAttempt() -> Request {
      if attempt == 0, pairs.count > 0 {
        attempt = 1
        pairs.reset()
        return startLineSearch()
      }
      return .finished(result(.lineSearchFailure))
    }
  }

  /// The stored `(s, y)` pairs of the bounded minimiser and its masked two-loop recursion.
  fileprivate struct CorrectionPairs: Sendable {
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
