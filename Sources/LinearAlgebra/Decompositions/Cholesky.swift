/// The Cholesky factorisation `A = L·Lᵀ` of a symmetric positive-definite matrix.
///
/// Row-oriented (Cholesky–Crout): `L[i][j] = (A[i][j] − L[i][0..<j] · L[j][0..<j]) / L[j][j]`, so
/// every inner step is a contiguous dot product of two row prefixes. About n³/3 flops.
public struct Cholesky: Sendable {
  /// The lower-triangular factor (zeros above the diagonal).
  public let lower: Matrix

  /// Factors `a`, reading only its lower triangle. Throws
  /// ``LinearAlgebraError/notPositiveDefinite(pivot:)`` at the first non-positive (or non-finite)
  /// pivot, and ``LinearAlgebraError/dimensionMismatch(_:)`` when `a` is not square.
  public init(_ a: Matrix) throws(LinearAlgebraError) {
    guard a.rowCount == a.columnCount else {
      throw .dimensionMismatch("Cholesky needs a square matrix, got \(a.rowCount) × \(a.columnCount)")
    }
    let n = a.rowCount
    var l = Matrix(rowCount: n, columnCount: n)
    let failedPivot: Int? = a.withUnsafeBufferPointer { pa in
      l.withUnsafeMutableBufferPointer { pl in
        let base = pl.baseAddress!
        for i in 0..<n {
          let rowI = base + i &* n
          for j in 0...i {
            let rowJ = base + j &* n
            let s = pa[i &* n &+ j] - dot(UnsafePointer(rowI), UnsafePointer(rowJ), count: j)
            if i == j {
              guard s > 0, s.isFinite else { return i }
              rowI[i] = s.squareRoot()
            } else {
              rowI[j] = s / rowJ[j]
            }
          }
        }
        return nil
      }
    }
    if let pivot = failedPivot { throw .notPositiveDefinite(pivot: pivot) }
    lower = l
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
