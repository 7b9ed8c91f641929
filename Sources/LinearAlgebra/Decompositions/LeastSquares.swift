/// The solution of a linear least-squares problem `min ‖A·x − b‖₂`.
public struct LeastSquaresSolution: Sendable {
  /// The coefficients: the minimum-norm solution when `A` is rank-deficient (as numpy's `lstsq`).
  public let coefficients: [Double]
  /// The numerical rank of `A` that was used.
  public let rank: Int
}

/// Solves `min ‖A·x − b‖₂` by Householder QR with column pivoting, guarding against rank
/// deficiency.
///
/// Columns whose pivot falls below `rcond · |R₀₀|` (default `max(m, n)·ε`) are treated as
/// dependent. For a full-rank `A` the answer is the unique solution; for a rank-deficient one it is
/// the minimum-norm solution, found through a complete orthogonal decomposition (a second QR of
/// the leading rows of R), so the result agrees with SVD-based solvers such as numpy's `lstsq`.
public func leastSquares(_ a: Matrix, _ b: [Double], rcond: Double? = nil) throws(LinearAlgebraError)
  -> LeastSquaresSolution
{
  guard b.count == a.rowCount else {
    throw .dimensionMismatch("A has \(a.rowCount) rows but b has \(b.count) elements")
  }
  let n = a.columnCount
  guard n > 0, a.rowCount > 0 else {
    return LeastSquaresSolution(coefficients: [Double](repeating: 0, count: n), rank: 0)
  }
  if let bad = a.firstNonFinite() {
    throw .nonFiniteValue(row: bad.row, column: bad.column)
  }
  let qr = PivotedQR(a)
  let r = qr.rank(tolerance: rcond)
  guard r > 0 else { return LeastSquaresSolution(coefficients: [Double](repeating: 0, count: n), rank: 0) }
  let c = Array(qr.applyQTranspose(b).prefix(r))
  var permuted = [Double](repeating: 0, count: n)
  if r == n {
    // Back substitution with the upper triangle R[0..<n][0..<n].
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = c[i]
      for j in (i + 1)..<n { s -= qr.factors[i, j] * permuted[j] }
      permuted[i] = s / qr.factors[i, i]
    }
  } else {
    // A·P = Q·[R₁₁ R₁₂] on the first r rows. With Tᵀ = [R₁₁ R₁₂]ᵀ = Z·S (QR of the n × r
    // transpose), the minimum-norm solution is P·Z·S⁻ᵀ·c.
    let top = Matrix(rowCount: r, columnCount: n) { i, j in j >= i ? qr.factors[i, j] : 0 }
    let second = PivotedQR(top.transposed(), pivoting: false)
    var w = [Double](repeating: 0, count: r)
    // Sᵀ·w = c: S is upper-triangular, so Sᵀ is lower-triangular.
    for i in 0..<r {
      var s = c[i]
      for j in 0..<i { s -= second.factors[j, i] * w[j] }
      w[i] = s / second.factors[i, i]
    }
    permuted = second.applyQ(w + [Double](repeating: 0, count: n - r))
  }
  var x = [Double](repeating: 0, count: n)
  for (j, original) in qr.permutation.enumerated() { x[original] = permuted[j] }
  return LeastSquaresSolution(coefficients: x, rank: r)
}
