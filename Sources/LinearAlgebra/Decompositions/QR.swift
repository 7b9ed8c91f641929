import Foundation

/// Householder QR factorisation with column pivoting, `A·P = Q·R`, for `m × n` matrices.
///
/// Stored compactly (LAPACK `dgeqp3` style): `R` in the upper triangle of ``factors``, the
/// Householder vectors below it (with an implicit leading 1) and their scalars in ``tau``.
public struct PivotedQR: Sendable {
  /// R above the diagonal, Householder vectors below.
  public let factors: Matrix
  /// Householder scalars, one per reflection.
  public let tau: [Double]
  /// Column permutation: column `j` of `A·P` is column `permutation[j]` of `A`.
  public let permutation: [Int]

  /// Factors `a`, choosing at each step the remaining column of largest norm (when `pivoting`).
  public init(_ a: Matrix, pivoting: Bool = true) {
    let m = a.rowCount, n = a.columnCount
    // Work on the transpose so each column of A is a contiguous row.
    var work = a.transposed()
    var perm = Array(0..<n)
    let steps = Swift.min(m, n)
    var tau = [Double](repeating: 0, count: steps)
    work.withUnsafeMutableBufferPointer { w in
      let base = w.baseAddress!
      var norms = (0..<n).map { j in dot(base + j &* m, base + j &* m, count: m) }
      for k in 0..<steps {
        if pivoting {
          var best = k
          for j in (k + 1)..<Swift.max(k + 1, n) where norms[j] > norms[best] { best = j }
          if best != k {
            swapRows(base, k, best, length: m)
            norms.swapAt(k, best)
            perm.swapAt(k, best)
          }
        }
        // Householder vector for column k, rows k..<m.
        let column = base + k &* m
        let tail = m - k
        // dlarfg: H·x = beta·e1 with H = I − t·v·vᵀ, v = (1, x[1...] / (alpha − beta)).
        let alpha = column[k]
        let sigma = dot(column + (k &+ 1), column + (k &+ 1), count: tail - 1)
        var t = 0.0
        if sigma != 0 {
          let norm = (alpha * alpha + sigma).squareRoot()
          let beta = alpha >= 0 ? -norm : norm
          t = (beta - alpha) / beta
          let scale = 1 / (alpha - beta)
          for i in (k + 1)..<m { column[i] *= scale }
          column[k] = beta
        }
        tau[k] = t
        // Apply H = I − t·v·vᵀ (v[k] = 1) to the remaining columns.
        if t != 0 {
          for j in (k + 1)..<Swift.max(k + 1, n) {
            let other = base + j &* m
            let s = other[k] + dot(UnsafePointer(column + (k &+ 1)), UnsafePointer(other + (k &+ 1)), count: tail - 1)
            let scale = t * s
            other[k] -= scale
            axpy(-scale, UnsafePointer(column + (k &+ 1)), other + (k &+ 1), count: tail - 1)
          }
        }
        if pivoting {
          for j in (k + 1)..<Swift.max(k + 1, n) {
            // Downdate the partial norms; recompute when cancellation makes them unreliable.
            let r = (base + j &* m)[k]
            norms[j] -= r * r
            if norms[j] < 1e-10 * abs(norms[j] + r * r) || norms[j] < 0 {
              norms[j] = dot(base + (j &* m &+ k &+ 1), base + (j &* m &+ k &+ 1), count: m - k - 1)
            }
          }
        }
      }
    }
    factors = work.transposed()
    self.tau = tau
    permutation = perm
  }

  /// The diagonal of R.
  public var diagonal: [Double] {
    (0..<tau.count).map { factors[$0, $0] }
  }

  /// Numerical rank: the number of diagonal entries of R above `tolerance · |R[0][0]|`. The default
  /// tolerance is `max(m, n) · ε`, numpy's `matrix_rank` rule.
  public func rank(tolerance: Double? = nil) -> Int {
    let d = diagonal
    guard let first = d.first, first != 0 else { return 0 }
    let eps = tolerance ?? Double(Swift.max(factors.rowCount, factors.columnCount)) * Double.ulpOfOne
    return d.prefix { abs($0) > eps * abs(first) }.count
  }

  /// `Qᵀ·b` for a vector of length m.
  public func applyQTranspose(_ b: [Double]) -> [Double] {
    var y = b
    for k in 0..<tau.count { reflect(k, &y) }
    return y
  }

  /// `Q·z` for a vector of length m (the reflections applied in reverse order).
  public func applyQ(_ z: [Double]) -> [Double] {
    var y = z
    for k in stride(from: tau.count - 1, through: 0, by: -1) { reflect(k, &y) }
    return y
  }

  /// Applies reflection `k`, `H_k = I − tau[k]·v·vᵀ` with `v = (0…0, 1, factors[k+1..<m][k])`.
  private func reflect(_ k: Int, _ y: inout [Double]) {
    guard tau[k] != 0 else { return }
    let m = factors.rowCount
    var s = y[k]
    for i in (k + 1)..<m { s += factors[i, k] * y[i] }
    s *= tau[k]
    y[k] -= s
    for i in (k + 1)..<m { y[i] -= s * factors[i, k] }
  }
}

private func swapRows(_ base: UnsafeMutablePointer<Double>, _ i: Int, _ j: Int, length: Int) {
  let a = base + i &* length, b = base + j &* length
  for t in 0..<length { swap(&a[t], &b[t]) }
}
