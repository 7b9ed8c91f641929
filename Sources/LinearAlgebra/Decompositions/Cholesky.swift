/// The Cholesky factorisation `A = L·Lᵀ` of a symmetric positive-definite matrix.
///
/// Row-oriented (Cholesky–Crout): `L[i][j] = (A[i][j] − L[i][0..<j] · L[j][0..<j]) / L[j][j]`, so
/// every inner step is a contiguous dot product of two row prefixes. About n³/3 flops.
public struct Cholesky: Sendable {
  /// The lower-triangular factor (zeros above the diagonal).
  public let lower: Matrix

  /// Factors `a`, reading only its lower triangle. Throws
  /// ``LinearAlgebraError/notPositiveDefinite(pivot:)`` at the first pivot `Lᵢᵢ²` that is not finite
  /// or not above `singularityTolerance · max(diag a)` (0 by default: any positive pivot passes;
  /// least squares pass `n·ε` to report a matrix singular to working precision at its first
  /// dependent column), and ``LinearAlgebraError/dimensionMismatch(_:)`` when `a` is not square.
  public init(_ a: Matrix, singularityTolerance: Double = 0) throws(LinearAlgebraError) {
    guard a.rowCount == a.columnCount else {
      throw .dimensionMismatch("Cholesky needs a square matrix, got \(a.rowCount) × \(a.columnCount)")
    }
    let n = a.rowCount
    var largest = 0.0
    for i in 0..<n { largest = Swift.max(largest, a[i, i]) }
    let floor = singularityTolerance > 0 ? singularityTolerance * largest : 0
    var l = a
    let failedPivot = l.withUnsafeMutableBufferPointer { Self.factorInPlace($0.baseAddress!, n: n, floor: floor) }
    if let pivot = failedPivot { throw .notPositiveDefinite(pivot: pivot) }
    lower = l
  }

  /// Factors the row-major `n × n` matrix at `a` in place: its lower triangle becomes `L` and its
  /// upper triangle zero. Returns the first pivot `Lᵢᵢ²` that is not finite or not above `floor`
  /// (the matrix is then partly overwritten), `nil` on success. The routine under ``init(_:singularityTolerance:)``,
  /// for callers that factor many matrices of one size into the same memory.
  public static func factorInPlace(_ a: UnsafeMutablePointer<Double>, n: Int, floor: Double = 0) -> Int? {
    for i in 0..<n {
      let rowI = a + i &* n
      for j in 0...i {
        let rowJ = a + j &* n
        let s = rowI[j] - dot(UnsafePointer(rowI), UnsafePointer(rowJ), count: j)
        if i == j {
          guard s > floor, s.isFinite else { return i }
          rowI[i] = s.squareRoot()
        } else {
          rowI[j] = s / rowJ[j]
        }
      }
      for j in (i + 1)..<Swift.max(i + 1, n) { rowI[j] = 0 }
    }
    return nil
  }

  /// `A⁻¹` into `result` from the factor `L` at `factor` (both row-major `n × n`), using `scratch`
  /// (`n × n`) for `L⁻ᵀ`; about n³/3 flops, nothing allocated.
  public static func invert(
    factor l: UnsafePointer<Double>, n: Int, scratch u: UnsafeMutablePointer<Double>, into r: UnsafeMutablePointer<Double>
  ) {
    // Row j of `u` holds column j of L⁻¹ (zero before j), so `u` is L⁻ᵀ.
    for j in 0..<n {
      let row = u + j &* n
      for i in 0..<j { row[i] = 0 }
      row[j] = 1 / l[j &* n &+ j]
      var i = j + 1
      while i < n {
        // (L⁻¹)[i][j] = −(Σ_{k=j}^{i−1} L[i][k]·(L⁻¹)[k][j]) / L[i][i]
        let s = dot(l + (i &* n &+ j), UnsafePointer(row + j), count: i - j)
        row[i] = -s / l[i &* n &+ i]
        i += 1
      }
    }
    // A⁻¹[i][k] = Σ_{j ≥ max(i,k)} (L⁻¹)[j][i]·(L⁻¹)[j][k]: rows i and k of L⁻ᵀ from column max(i,k).
    for i in 0..<n {
      for k in 0...i {
        let value = dot(UnsafePointer(u + (i &* n &+ i)), UnsafePointer(u + (k &* n &+ i)), count: n - i)
        r[i &* n &+ k] = value
        r[k &* n &+ i] = value
      }
    }
  }

  private init(lower: Matrix) { self.lower = lower }

  /// The factor of the matrix grown by one row and column: `row` holds the new off-diagonal
  /// entries `A[n][0..<n]` and `diagonal` the new `A[n][n]`. O(n²), where refactoring is O(n³)
  /// (a Gaussian process adding one observation). Throws
  /// ``LinearAlgebraError/notPositiveDefinite(pivot:)`` when the grown matrix is not positive
  /// definite, ``LinearAlgebraError/dimensionMismatch(_:)`` when `row` has the wrong length.
  public func appending(row: [Double], diagonal: Double) throws(LinearAlgebraError) -> Cholesky {
    let n = lower.rowCount
    guard row.count == n else { throw .dimensionMismatch("a new row of a \(n)-square factor needs \(n) entries, got \(row.count)") }
    let newRow = forwardSubstitution(row)
    let pivot = diagonal - LinearAlgebra.dot(newRow, newRow)
    guard pivot > 0, pivot.isFinite else { throw .notPositiveDefinite(pivot: n) }
    var grown = Matrix(rowCount: n + 1, columnCount: n + 1)
    for i in 0..<n {
      for j in 0...i { grown[i, j] = lower[i, j] }
    }
    for j in 0..<n { grown[n, j] = newRow[j] }
    grown[n, n] = pivot.squareRoot()
    return Cholesky(lower: grown)
  }

  /// `A⁻¹`, symmetric (from `L⁻¹`: `A⁻¹ = L⁻ᵀ·L⁻¹`), in about n³/3 flops.
  public var inverse: Matrix {
    let n = lower.rowCount
    var scratch = Matrix(rowCount: n, columnCount: n)
    var result = Matrix(rowCount: n, columnCount: n)
    lower.withUnsafeBufferPointer { pl in
      scratch.withUnsafeMutableBufferPointer { ps in
        result.withUnsafeMutableBufferPointer { pr in
          Self.invert(factor: pl.baseAddress!, n: n, scratch: ps.baseAddress!, into: pr.baseAddress!)
        }
      }
    }
    return result
  }

  /// Solves `A·x = b` by forward then backward substitution.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    guard b.count == lower.rowCount else {
      throw .dimensionMismatch("right-hand side has \(b.count) elements for a \(lower.rowCount)-square system")
    }
    return backwardSubstitution(forwardSubstitution(b))
  }

  /// Solves `A·X = B` for every column of `B`.
  public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard b.rowCount == lower.rowCount else {
      throw .dimensionMismatch("right-hand side has \(b.rowCount) rows for a \(lower.rowCount)-square system")
    }
    // Each row of Bᵀ is one right-hand side; solve them and transpose back once.
    let columns = b.transposed()
    var solutions = Matrix(rowCount: b.columnCount, columnCount: b.rowCount)
    for j in 0..<b.columnCount {
      let x = backwardSubstitution(forwardSubstitution(columns.row(j)))
      for i in 0..<b.rowCount { solutions[j, i] = x[i] }
    }
    return solutions.transposed()
  }

  /// `log det A = 2 Σ log L[i][i]` (Gaussian-process likelihoods need it).
  public var logDeterminant: Double {
    var total = 0.0
    for i in 0..<lower.rowCount { total += log(lower[i, i]) }
    return 2 * total
  }

  /// Solves `L·y = b`.
  public func forwardSubstitution(_ b: [Double]) -> [Double] {
    let n = lower.rowCount
    var y = b
    lower.withUnsafeBufferPointer { pl in
      y.withUnsafeMutableBufferPointer { py in
        for i in 0..<n {
          let s = py[i] - dot(pl.baseAddress! + i &* n, UnsafePointer(py.baseAddress!), count: i)
          py[i] = s / pl[i &* n &+ i]
        }
      }
    }
    return y
  }

  /// Solves `Lᵀ·x = y`.
  public func backwardSubstitution(_ y: [Double]) -> [Double] {
    let n = lower.rowCount
    var x = y
    lower.withUnsafeBufferPointer { pl in
      x.withUnsafeMutableBufferPointer { px in
        // Column-oriented: once x[i] is known, remove its contribution from x[0..<i].
        var i = n - 1
        while i >= 0 {
          px[i] /= pl[i &* n &+ i]
          let xi = px[i]
          let row = pl.baseAddress! + i &* n
          for j in 0..<i { px[j] -= row[j] * xi }
          i -= 1
        }
      }
    }
    return x
  }
}

import Foundation
