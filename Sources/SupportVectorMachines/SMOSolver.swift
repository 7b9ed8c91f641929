// Sequential minimal optimisation for the SVM duals, the method of libsvm (Chang & Lin), written
// from its published description (Fan, Chen & Lin 2005, "Working set selection using second order
// information for training SVM"; Chang & Lin 2011, "LIBSVM: a library for support vector
// machines", §4 and §5):
//
//     minimise  f(α) = ½ αᵀQα + pᵀα   subject to  yᵀα = 0,  0 ≤ α_t ≤ C_t,
//
// with y_t = ±1. C-SVC uses p = −e; ε-SVR uses 2n variables with p = ε ∓ z and y = (+1…, −1…).
//
// - Working set (WSS2): i maximises −y_t ∇f_t over I_up = {t : y_t = +1, α_t < C_t or y_t = −1,
//   α_t > 0}; j, among t ∈ I_low with −y_t ∇f_t < −y_i ∇f_i, maximises the second-order decrease
//   b²/a with b = −y_i ∇f_i + y_t ∇f_t and a = Q_ii + Q_tt − 2 y_i y_t Q_it (a ≤ 0 replaced by
//   τ = 1e−12). Ties go to the last index, as libsvm's `>=` and `<=`.
// - Stopping: the maximal violation m(α) − M(α) < tolerance (`eps`).
// - Two-variable update solved in closed form and clipped to the box, then ∇f updated with the two
//   rows; Ḡ_t = Σ_{α_s = C_s} C_s Q_ts is kept for gradient reconstruction.
// - Shrinking: every min(n, 1000) iterations, bounded variables that cannot enter a violating
//   pair are moved past the active set; when the violation first falls below 10·tolerance the
//   whole gradient is reconstructed and everything is unshrunk once; before declaring
//   convergence the gradient is always reconstructed and the check repeated on all variables.
// - ρ: the mean of y_t ∇f_t over free variables, else the midpoint of the bounds.
//
// Variables are visited in the same order and ties are broken the same way as libsvm's, and Q is
// stored in single precision as libsvm's cache does, so the iterates follow scikit-learn's.

import LearnCore
import LinearAlgebra

/// The solution of one dual problem.
struct SMOSolution: Sendable {
  /// α in the caller's variable order.
  var alpha: [Double]
  /// The offset ρ: the decision function is Σ α_t y_t K(x_t, x) − ρ.
  var rho: Double
  /// The dual objective ½ αᵀQα + pᵀα at the solution.
  var objective: Double
  /// Iterations (two-variable updates) run.
  var iterations: Int
  /// Whether the violation fell below the tolerance before the iteration limit.
  var converged: Bool
}

/// One run of the SMO solver on a ``KernelMatrix``. The solver owns its state (and, through Q, its
/// kernel cache) for the duration of ``solve()``, and runs on one thread; nothing is locked. With
/// Q's team, the passes over the variables are split into pieces that other threads run while the
/// solver waits, each piece writing only its own slice or result slot.
final class SMOSolver<Q: KernelMatrix> {
  private let l: Int
  private let q: Q
  private let qd: UnsafeMutablePointer<Double>
  private let y: UnsafeMutablePointer<Double>
  private let alpha: UnsafeMutablePointer<Double>
  private let gradient: UnsafeMutablePointer<Double>
  private let gradientBar: UnsafeMutablePointer<Double>
  private let p: UnsafeMutablePointer<Double>
  private let c: UnsafeMutablePointer<Double>
  /// 0: α at its lower bound, 1: at its upper bound, 2: free.
  private let status: UnsafeMutablePointer<UInt8>
  /// 1 when the variable is in I_up (may move up along y), else 0; and likewise for I_low. Kept
  /// as doubles so the working-set search compares them four at a time with the gradient.
  private let inUp: UnsafeMutablePointer<Double>
  private let inLow: UnsafeMutablePointer<Double>
  /// The caller's index of the variable now at each position.
  private let activeSet: UnsafeMutablePointer<Int>
  private var activeSize: Int
  private var unshrink = false
  private let tolerance: Double
  private let shrinking: Bool
  private let iterationLimit: Int
  /// The threads the passes over the variables are split between (Q's team), and one result
  /// slot per piece of a split pass.
  private let team: SpinTeam?
  private let sliceBests: UnsafeMutablePointer<SliceBest>
  /// The next working-set search's first pass (i = argmax over I_up of −y_t ∇f_t), found by the
  /// last update along with the gradient, so one split pass less per iteration; `nil` when it must
  /// be computed (first iteration, after shrinking or a reconstructed gradient).
  private var nextFirst: SliceBest?

  private static var lowerBound: UInt8 { 0 }
  private static var upperBound: UInt8 { 1 }
  private static var free: UInt8 { 2 }
  private static var tau: Double { 1e-12 }

  /// A solver for the problem with matrix `q`, linear term `p`, labels `y` (±1), per-variable upper
  /// bounds `c` and starting point `alpha` (feasible). `maxIterations` nil means no limit but a
  /// safety cap of max(10⁷, 100·n) iterations.
  init(q: Q, p: [Double], y: [Double], c: [Double], alpha: [Double], tolerance: Double, shrinking: Bool,
       maxIterations: Int?) {
    let l = q.count
    precondition(p.count == l && y.count == l && c.count == l && alpha.count == l, "SMO problem sizes differ")
    self.l = l
    self.q = q
    qd = q.diagonal
    let n = Swift.max(1, l)
    self.y = .allocate(capacity: n)
    self.alpha = .allocate(capacity: n)
    gradient = .allocate(capacity: n)
    gradientBar = .allocate(capacity: n)
    self.p = .allocate(capacity: n)
    self.c = .allocate(capacity: n)
    status = .allocate(capacity: n)
    inUp = .allocate(capacity: n)
    inLow = .allocate(capacity: n)
    activeSet = .allocate(capacity: n)
    for t in 0..<l {
      self.y[t] = y[t]
      self.alpha[t] = alpha[t]
      self.p[t] = p[t]
      self.c[t] = c[t]
      activeSet[t] = t
    }
    activeSize = l
    self.tolerance = tolerance
    self.shrinking = shrinking
    iterationLimit = maxIterations ?? Self.safetyCap(l)
    team = q.team
    sliceBests = .allocate(capacity: team?.piecesPerRun ?? 1)
  }

  deinit {
    y.deallocate()
    alpha.deallocate()
    gradient.deallocate()
    gradientBar.deallocate()
    p.deallocate()
    c.deallocate()
    status.deallocate()
    inUp.deallocate()
    inLow.deallocate()
    activeSet.deallocate()
    sliceBests.deallocate()
  }

  /// The iteration limit when the caller sets none: libsvm's own cap, max(10⁷, 100·n).
  static func safetyCap(_ l: Int) -> Int {
    Swift.max(10_000_000, l > Int(Int32.max) / 100 ? Int(Int32.max) : 100 * l)
  }

  @inline(__always) private func updateStatus(_ t: Int) {
    let s = alpha[t] >= c[t] ? Self.upperBound : (alpha[t] <= 0 ? Self.lowerBound : Self.free)
    status[t] = s
    let positive = y[t] > 0
    inUp[t] = (positive ? s != Self.upperBound : s != Self.lowerBound) ? 1 : 0
    inLow[t] = (positive ? s != Self.lowerBound : s != Self.upperBound) ? 1 : 0
  }

  @inline(__always) private func isUpper(_ t: Int) -> Bool { status[t] == Self.upperBound }
  @inline(__always) private func isLower(_ t: Int) -> Bool { status[t] == Self.lowerBound }
  @inline(__always) private func isFree(_ t: Int) -> Bool { status[t] == Self.free }

  /// Runs SMO to the tolerance (or the iteration limit) and returns the solution. Throws
  /// ``LearnError/cancelled(_:)`` when the job is cancelled (checked at the start and with every
  /// shrinking round, i.e. every min(n, 1000) iterations).
  func solve() throws(LearnError) -> SMOSolution {
    try Validation.checkCancellation("before the first SMO iteration")
    for t in 0..<l { updateStatus(t) }
    // ∇f = p + Qα, and Ḡ from the variables at their upper bound.
    for t in 0..<l {
      gradient[t] = p[t]
      gradientBar[t] = 0
    }
    for s in 0..<l where !isLower(s) {
      let row = q.row(s, length: l)
      let a = alpha[s]
      for t in 0..<l { gradient[t] += a * Double(row[t]) }
      if isUpper(s) {
        let cs = c[s]
        for t in 0..<l { gradientBar[t] += cs * Double(row[t]) }
      }
    }

    var iterations = 0
    var converged = false
    var counter = Swift.min(l, 1000) + 1
    while true {
      if iterations >= iterationLimit { break }
      counter -= 1
      if counter == 0 {
        counter = Swift.min(l, 1000)
        try Validation.checkCancellation("after SMO iteration \(iterations)")
        if shrinking {
          shrink()
          nextFirst = nil
        }
      }
      var pair = selectWorkingSet()
      if pair == nil {
        reconstructGradient()
        activeSize = l
        nextFirst = nil
        pair = selectWorkingSet()
        if pair == nil {
          converged = true
          break
        }
        counter = 1  // shrink at the next iteration
      }
      iterations += 1
      let (i, j) = pair!
      update(i, j)
    }
    // Like scikit-learn's libsvm, a run stopped by the limit keeps its shrunk state (ρ from the
    // active variables); a converged run has just reconstructed the gradient.
    let rho = computeRho()
    var objective = 0.0
    for t in 0..<l { objective += alpha[t] * (gradient[t] + p[t]) }
    objective /= 2
    var result = [Double](repeating: 0, count: l)
    for t in 0..<l { result[activeSet[t]] = alpha[t] }
    return SMOSolution(alpha: result, rho: rho, objective: objective, iterations: iterations, converged: converged)
  }

  /// One two-variable step on (i, j).
  private func update(_ i: Int, _ j: Int) {
    let n = activeSize
    let rowI = q.row(i, length: n)
    let rowJ = q.row(j, length: n)
    let ci = c[i], cj = c[j]
    let oldI = alpha[i], oldJ = alpha[j]
    var ai = oldI, aj = oldJ
    if y[i] != y[j] {
      var quadratic = qd[i] + qd[j] + 2 * Double(rowI[j])
      if quadratic <= 0 { quadratic = Self.tau }
      let delta = (-gradient[i] - gradient[j]) / quadratic
      let difference = ai - aj
      ai += delta
      aj += delta
      if difference > 0 {
        if aj < 0 { aj = 0; ai = difference }
      } else {
        if ai < 0 { ai = 0; aj = -difference }
      }
      if difference > ci - cj {
        if ai > ci { ai = ci; aj = ci - difference }
      } else {
        if aj > cj { aj = cj; ai = cj + difference }
      }
    } else {
      var quadratic = qd[i] + qd[j] - 2 * Double(rowI[j])
      if quadratic <= 0 { quadratic = Self.tau }
      let delta = (gradient[i] - gradient[j]) / quadratic
      let sum = ai + aj
      ai -= delta
      aj += delta
      if sum > ci {
        if ai > ci { ai = ci; aj = sum - ci }
      } else {
        if aj < 0 { aj = 0; ai = sum }
      }
      if sum > cj {
        if aj > cj { aj = cj; ai = sum - cj }
      } else {
        if ai < 0 { ai = 0; aj = sum }
      }
    }
    alpha[i] = ai
    alpha[j] = aj
    let deltaI = ai - oldI, deltaJ = aj - oldJ
    // i and j leave I_up for the fused pass: their status changes just below, and they are
    // offered to the next search's first pass after it.
    inUp[i] = 0
    inUp[j] = 0
    let pieces = updateGradientFindingViolation(rowI, deltaI, rowJ, deltaJ, n)

    let wasUpperI = isUpper(i), wasUpperJ = isUpper(j)
    updateStatus(i)
    updateStatus(j)
    var first = SliceBest.none(-.infinity)
    for piece in 0..<pieces where sliceBests[piece].isBetter(than: first, larger: true) { first = sliceBests[piece] }
    func consider(_ t: Int) {
      guard inUp[t] != 0 else { return }
      let candidate = SliceBest(value: -(y[t] * gradient[t]), index: t, lowMaximum: -.infinity)
      if candidate.isBetter(than: first, larger: true) { first = candidate }
    }
    consider(i)
    consider(j)
    nextFirst = first
    if wasUpperI != isUpper(i) {
      let row = q.row(i, length: l)
      addToGradientBar(row, wasUpperI ? -ci : ci)
    }
    if wasUpperJ != isUpper(j) {
      let row = q.row(j, length: l)
      addToGradientBar(row, wasUpperJ ? -cj : cj)
    }
  }

  /// ∇f_t += Q_it·Δα_i + Q_jt·Δα_j over the active variables, and in the same split, each
  /// slice's first-pass best (``largestViolation(_:)``) from the new gradient into ``sliceBests``;
  /// returns the number of pieces. Merged by value, then index, the pieces give the pass's answer
  /// over the variables in I_up except i and j, which the caller takes out first (their status
  /// changes after the update) and offers afterwards.
  @inline(__always)
  private func updateGradientFindingViolation(_ rowI: UnsafePointer<Float>, _ deltaI: Double,
                                              _ rowJ: UnsafePointer<Float>, _ deltaJ: Double, _ n: Int) -> Int {
    let g = gradient
    return split(0..<n) { piece, slice in
      for t in slice { g[t] += Double(rowI[t]) * deltaI + Double(rowJ[t]) * deltaJ }
      self.sliceBests[piece] = self.largestViolation(slice)
    }
  }

  /// Ḡ_t ± C·Q_st over all variables (`scaledC` carries the sign). libsvm computes `Ḡ -= C·Q`,
  /// which rounds the same as `Ḡ += (−C)·Q`.
  private func addToGradientBar(_ row: UnsafePointer<Float>, _ scaledC: Double) {
    let g = gradientBar
    split(0..<l) { _, slice in
      for t in slice { g[t] += scaledC * Double(row[t]) }
    }
  }

  /// The maximal violating pair by second-order gain, or nil when the violation is below the
  /// tolerance (or no pair can make progress).
  ///
  /// The first pass usually comes from the last update (``nextFirst``). Each pass that runs here
  /// is split into slices claimed by the team's threads (one slice without a team);
  /// each slice returns its best value and the last index reaching it, and the slices are merged by
  /// value, then by the larger index. That is libsvm's sequential rule (`>=` and `<=`: the last
  /// index among equal values) whatever the split, and every value is computed by the same
  /// operations as the sequential loop.
  private func selectWorkingSet() -> (Int, Int)? {
    let n = activeSize
    // Pass 1: i = argmax over I_up of −y_t ∇f_t (found by the last update when it could be).
    var first = SliceBest.none(-.infinity)
    if let found = nextFirst {
      first = found
      nextFirst = nil
    } else {
      let pieces = split(0..<n) { piece, slice in self.sliceBests[piece] = self.largestViolation(slice) }
      for piece in 0..<pieces where sliceBests[piece].isBetter(than: first, larger: true) { first = sliceBests[piece] }
    }
    let i = first.index, gMax = first.value
    if i == -1 { return nil }

    // Pass 2: j = argmin over I_low with b = gMax + y_t ∇f_t > 0 of −b²/a, and
    // gMax2 = max over I_low of y_t ∇f_t.
    let rowI = q.row(i, length: n)
    let pieces = split(0..<n) { piece, slice in
      self.sliceBests[piece] = self.largestDecrease(slice, i: i, gMax: gMax, rowI: rowI)
    }
    var second = SliceBest.none(.infinity)
    var gMax2 = -Double.infinity
    for piece in 0..<pieces {
      gMax2 = Swift.max(gMax2, sliceBests[piece].lowMaximum)
      if sliceBests[piece].isBetter(than: second, larger: false) { second = sliceBests[piece] }
    }
    let j = second.index
    if gMax + gMax2 < tolerance || j == -1 { return nil }
    return (i, j)
  }

  /// `body(piece, slice)` over `range`, split into pieces for the team's threads when it is long
  /// enough; returns the number of pieces.
  @inline(__always) @discardableResult
  private func split(_ range: Range<Int>, _ body: (Int, Range<Int>) -> Void) -> Int {
    team.slices(of: range, work: range.count, minimumWork: SpinTeam.minimumPassLength, body)
  }

  /// Pass 1 over one slice: the largest −y_t ∇f_t over I_up and the last index reaching it. Four
  /// variables at a time: each lane keeps its own best value and the last index reaching it, and
  /// the lanes are merged by value, then by the larger index.
  private func largestViolation(_ slice: Range<Int>) -> SliceBest {
    let step = SIMD4<Double>(repeating: 4)
    var laneBest = SIMD4<Double>(repeating: -.infinity)
    var laneIndex = SIMD4<Double>(repeating: -1)
    var t = slice.lowerBound
    let n = slice.upperBound
    var index = SIMD4<Double>(Double(t), Double(t + 1), Double(t + 2), Double(t + 3))
    while t &+ 4 <= n {
      let value = -(kernelLoad4(y + t) * kernelLoad4(gradient + t))
      let take = (kernelLoad4(inUp + t) .!= 0) .& (value .>= laneBest)
      laneBest.replace(with: value, where: take)
      laneIndex.replace(with: index, where: take)
      index += step
      t &+= 4
    }
    var best = SliceBest.none(-.infinity)
    for lane in 0..<4 where laneIndex[lane] >= 0 {
      let candidate = SliceBest(value: laneBest[lane], index: Int(laneIndex[lane]), lowMaximum: -.infinity)
      if candidate.isBetter(than: best, larger: true) { best = candidate }
    }
    while t < n {
      if inUp[t] != 0 {
        let value = -(y[t] * gradient[t])
        if value >= best.value { best = SliceBest(value: value, index: t, lowMaximum: -.infinity) }
      }
      t &+= 1
    }
    return best
  }

  /// Pass 2 over one slice, given i and gMax: the smallest −b²/a over I_low with b > 0 and the last
  /// index reaching it, and the largest y_t ∇f_t over I_low (`lowMaximum`).
  private func largestDecrease(_ slice: Range<Int>, i: Int, gMax: Double, rowI: UnsafePointer<Float>) -> SliceBest {
    let qdi = qd[i]
    let twiceYi = 2 * y[i]
    let step = SIMD4<Double>(repeating: 4)
    let tau = SIMD4<Double>(repeating: Self.tau)
    let gMaxVector = SIMD4<Double>(repeating: gMax)
    var laneMax2 = SIMD4<Double>(repeating: -.infinity)
    var laneDecrease = SIMD4<Double>(repeating: .infinity)
    var laneIndex = SIMD4<Double>(repeating: -1)
    var t = slice.lowerBound
    let n = slice.upperBound
    var index = SIMD4<Double>(Double(t), Double(t + 1), Double(t + 2), Double(t + 3))
    while t &+ 4 <= n {
      let yt = kernelLoad4(y + t)
      let yg = yt * kernelLoad4(gradient + t)
      let low = kernelLoad4(inLow + t) .!= 0
      laneMax2.replace(with: yg, where: low .& (yg .>= laneMax2))
      let difference = gMaxVector + yg
      let qi = SIMD4<Double>(SIMD4<Float>(UnsafeRawPointer(rowI + t).loadUnaligned(as: SIMD4<Float>.self)))
      let quadratic = (SIMD4<Double>(repeating: qdi) + kernelLoad4(qd + t)) - yt * (twiceYi * qi)
      var denominator = quadratic
      denominator.replace(with: tau, where: .!(quadratic .> 0))
      let decrease = -(difference * difference) / denominator
      let take = low .& (difference .> 0) .& (decrease .<= laneDecrease)
      laneDecrease.replace(with: decrease, where: take)
      laneIndex.replace(with: index, where: take)
      index += step
      t &+= 4
    }
    var best = SliceBest.none(.infinity)
    for lane in 0..<4 {
      best.lowMaximum = Swift.max(best.lowMaximum, laneMax2[lane])
      guard laneIndex[lane] >= 0 else { continue }
      let candidate = SliceBest(value: laneDecrease[lane], index: Int(laneIndex[lane]), lowMaximum: -.infinity)
      if candidate.isBetter(than: best, larger: false) { (best.value, best.index) = (candidate.value, candidate.index) }
    }
    while t < n {
      if inLow[t] != 0 {
        let yg = y[t] * gradient[t]
        if yg >= best.lowMaximum { best.lowMaximum = yg }
        let difference = gMax + yg
        if difference > 0 {
          let quadratic = (qdi + qd[t]) - y[t] * (twiceYi * Double(rowI[t]))
          let decrease = -(difference * difference) / (quadratic > 0 ? quadratic : Self.tau)
          if decrease <= best.value { (best.value, best.index) = (decrease, t) }
        }
      }
      t &+= 1
    }
    return best
  }

  /// Whether bounded variable `t` cannot be part of a violating pair given the current extremes.
  @inline(__always)
  private func canShrink(_ t: Int, _ gMax1: Double, _ gMax2: Double) -> Bool {
    if isUpper(t) {
      return y[t] > 0 ? -gradient[t] > gMax1 : -gradient[t] > gMax2
    } else if isLower(t) {
      return y[t] > 0 ? gradient[t] > gMax2 : gradient[t] > gMax1
    }
    return false
  }

  private func shrink() {
    var gMax1 = -Double.infinity  // max −y∇f over I_up
    var gMax2 = -Double.infinity  // max y∇f over I_low
    for t in 0..<activeSize {
      if y[t] > 0 {
        if !isUpper(t), -gradient[t] >= gMax1 { gMax1 = -gradient[t] }
        if !isLower(t), gradient[t] >= gMax2 { gMax2 = gradient[t] }
      } else {
        if !isUpper(t), -gradient[t] >= gMax2 { gMax2 = -gradient[t] }
        if !isLower(t), gradient[t] >= gMax1 { gMax1 = gradient[t] }
      }
    }
    if !unshrink, gMax1 + gMax2 <= tolerance * 10 {
      unshrink = true
      reconstructGradient()
      activeSize = l
    }
    var t = 0
    while t < activeSize {
      if canShrink(t, gMax1, gMax2) {
        activeSize -= 1
        while activeSize > t {
          if !canShrink(activeSize, gMax1, gMax2) {
            swapVariables(t, activeSize)
            break
          }
          activeSize -= 1
        }
      }
      t += 1
    }
  }

  private func swapVariables(_ i: Int, _ j: Int) {
    q.swapIndex(i, j)
    swap(&y[i], &y[j])
    swap(&gradient[i], &gradient[j])
    swap(&status[i], &status[j])
    swap(&inUp[i], &inUp[j])
    swap(&inLow[i], &inLow[j])
    swap(&alpha[i], &alpha[j])
    swap(&p[i], &p[j])
    swap(&activeSet[i], &activeSet[j])
    swap(&gradientBar[i], &gradientBar[j])
    swap(&c[i], &c[j])
  }

  /// Recomputes ∇f of the inactive variables from Ḡ and the free variables' rows.
  private func reconstructGradient() {
    let n = activeSize
    if n == l { return }
    for t in n..<l { gradient[t] = gradientBar[t] + p[t] }
    var freeCount = 0
    for t in 0..<n where isFree(t) { freeCount += 1 }
    if freeCount * l > 2 * n * (l - n) {
      for t in n..<l {
        let row = q.row(t, length: n)
        var g = gradient[t]
        for s in 0..<n where isFree(s) { g += alpha[s] * Double(row[s]) }
        gradient[t] = g
      }
    } else {
      let g = gradient
      for s in 0..<n where isFree(s) {
        let row = q.row(s, length: l)
        let a = alpha[s]
        split(n..<l) { _, slice in
          for t in slice { g[t] += a * Double(row[t]) }
        }
      }
    }
  }

  private func computeRho() -> Double {
    var freeCount = 0
    var upper = Double.infinity, lower = -Double.infinity, freeSum = 0.0
    for t in 0..<activeSize {
      let yg = y[t] * gradient[t]
      if isUpper(t) {
        if y[t] < 0 { upper = Swift.min(upper, yg) } else { lower = Swift.max(lower, yg) }
      } else if isLower(t) {
        if y[t] > 0 { upper = Swift.min(upper, yg) } else { lower = Swift.max(lower, yg) }
      } else {
        freeCount += 1
        freeSum += yg
      }
    }
    return freeCount > 0 ? freeSum / Double(freeCount) : (upper + lower) / 2
  }
}

/// One slice's result in a working-set pass: the best value and the last index reaching it (−1:
/// none), and, in pass 2, the slice's largest y_t ∇f_t over I_low.
private struct SliceBest {
  var value: Double
  var index: Int
  var lowMaximum: Double

  /// No candidate yet, with the worst value `value`.
  static func none(_ value: Double) -> SliceBest { SliceBest(value: value, index: -1, lowMaximum: -.infinity) }

  /// Whether this candidate wins over `other`: a larger value (a smaller one when `larger` is
  /// false), or an equal value at a larger index.
  @inline(__always)
  func isBetter(than other: SliceBest, larger: Bool) -> Bool {
    guard index >= 0 else { return false }
    if value == other.value { return index > other.index }
    return larger ? value > other.value : value < other.value
  }
}
