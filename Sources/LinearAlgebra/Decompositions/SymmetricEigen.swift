import Foundation

/// The eigen-decomposition `A = V·diag(λ)·Vᵀ` of a real symmetric matrix.
///
/// Cyclic Jacobi rotations: each sweep zeroes every off-diagonal element once; convergence is
/// quadratic and the eigenvalues are accurate to high relative precision. O(n³) per sweep, with
/// typically 6–10 sweeps: meant for the small and medium matrices of Gaussian processes, PCA on
/// modest feature counts and tests, not for n in the thousands.
public struct SymmetricEigen: Sendable {
  /// Eigenvalues in ascending order (numpy's `eigh` order).
  public let values: [Double]
  /// Eigenvectors as columns, in the order of ``values``. Each is normalised to unit length and
  /// signed so that its largest-magnitude component is positive, so results are deterministic.
  public let vectors: Matrix

  /// Decomposes `a`, reading only its lower triangle (it is symmetrised from it).
  public init(_ a: Matrix, maxSweeps: Int = 100) throws(LinearAlgebraError) {
    guard a.rowCount == a.columnCount else {
      throw .dimensionMismatch("eigen-decomposition needs a square matrix, got \(a.rowCount) × \(a.columnCount)")
    }
    if let bad = a.firstNonFinite() {
      throw .nonFiniteValue(row: bad.row, column: bad.column)
    }
    let n = a.rowCount
    // Work on A / max|A| so the sums of squares in the convergence test cannot overflow; the
    // eigenvalues are scaled back at the end (eigenvectors are unaffected).
    let largest = a.elements.reduce(0) { Swift.max($0, abs($1)) }
    let scale = largest > 0 ? largest : 1
    var m = Matrix(rowCount: n, columnCount: n) { i, j in (i >= j ? a[i, j] : a[j, i]) / scale }
    var v = Matrix.identity(n)
    var converged = n < 2
    var sweep = 0
    while !converged && sweep < maxSweeps {
      sweep += 1
      var off = 0.0, total = 0.0
      for i in 0..<n {
        for j in 0..<n {
          let x = m[i, j] * m[i, j]
          total += x
          if i != j { off += x }
        }
      }
      if off <= total * 1e-32 || off == 0 { converged = true; break }
      m.withUnsafeMutableBufferPointer { pm in
        v.withUnsafeMutableBufferPointer { pv in
          for p in 0..<(n - 1) {
            for q in (p + 1)..<n {
              let apq = pm[p &* n &+ q]
              if apq == 0 { continue }
              let app = pm[p &* n &+ p], aqq = pm[q &* n &+ q]
              // Rotation angle that zeroes (p, q): tan 2θ = 2·apq / (aqq − app).
              let theta = (aqq - app) / (2 * apq)
              let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
              let c = 1 / (t * t + 1).squareRoot(), s = t * c
              // Rows and columns p and q of the symmetric matrix.
              for k in 0..<n {
                let akp = pm[k &* n &+ p], akq = pm[k &* n &+ q]
                pm[k &* n &+ p] = c * akp - s * akq
                pm[k &* n &+ q] = s * akp + c * akq
              }
              for k in 0..<n {
                let apk = pm[p &* n &+ k], aqk = pm[q &* n &+ k]
                pm[p &* n &+ k] = c * apk - s * aqk
                pm[q &* n &+ k] = s * apk + c * aqk
              }
              pm[p &* n &+ q] = 0
              pm[q &* n &+ p] = 0
              for k in 0..<n {
                let vkp = pv[k &* n &+ p], vkq = pv[k &* n &+ q]
                pv[k &* n &+ p] = c * vkp - s * vkq
                pv[k &* n &+ q] = s * vkp + c * vkq
              }
            }
          }
        }
      }
    }
    guard converged else { throw .noConvergence("Jacobi eigen-solver did not converge in \(maxSweeps) sweeps") }
    let diagonal = (0..<n).map { m[$0, $0] }
    let order = (0..<n).sorted { diagonal[$0] < diagonal[$1] || (diagonal[$0] == diagonal[$1] && $0 < $1) }
    values = order.map { diagonal[$0] * scale }
    var sorted = Matrix(rowCount: n, columnCount: n)
    for (newColumn, oldColumn) in order.enumerated() {
      var column = v.column(oldColumn)
      let largest = column.indices.max { abs(column[$0]) < abs(column[$1]) } ?? 0
      if column.indices.contains(largest), column[largest] < 0 { column = column.map { -$0 } }
      for i in 0..<n { sorted[i, newColumn] = column[i] }
    }
    vectors = sorted
  }
}
