extension Matrix {
  /// Element-wise sum; the shapes must match.
  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.shape == rhs.shape, "shape mismatch \(lhs.shape) vs \(rhs.shape)")
    var result = lhs
    result.withUnsafeMutableBufferPointer { r in
      rhs.withUnsafeBufferPointer { b in for i in 0..<r.count { r[i] += b[i] } }
    }
    return result
  }

  /// Element-wise difference; the shapes must match.
  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.shape == rhs.shape, "shape mismatch \(lhs.shape) vs \(rhs.shape)")
    var result = lhs
    result.withUnsafeMutableBufferPointer { r in
      rhs.withUnsafeBufferPointer { b in for i in 0..<r.count { r[i] -= b[i] } }
    }
    return result
  }

  /// Every element scaled by `scalar`.
  public static func * (scalar: Double, matrix: Matrix) -> Matrix {
    var result = matrix
    result.withUnsafeMutableBufferPointer { r in for i in 0..<r.count { r[i] *= scalar } }
    return result
  }

  /// Matrix product `lhs · rhs` through the blocked ``gemm(transposeA:transposeB:alpha:_:_:beta:into:threads:)`` kernel.
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.columnCount == rhs.rowCount,
                 "cannot multiply \(lhs.rowCount) × \(lhs.columnCount) by \(rhs.rowCount) × \(rhs.columnCount)")
    var result = Matrix(rowCount: lhs.rowCount, columnCount: rhs.columnCount)
    try! gemm(lhs, rhs, into: &result)
    return result
  }

  /// Matrix–vector product `self · x`.
  public func multiplied(by x: [Double]) -> [Double] {
    precondition(x.count == columnCount, "vector of \(x.count) elements for \(columnCount) columns")
    var y = [Double](repeating: 0, count: rowCount)
    try! gemv(self, x, into: &y)
    return y
  }

  /// Largest absolute element-wise difference from `other` (infinity when shapes differ).
  public func maxAbsoluteDifference(from other: Matrix) -> Double {
    guard shape == other.shape else { return .infinity }
    var worst = 0.0
    for i in 0..<storage.count { worst = Swift.max(worst, abs(storage[i] - other.storage[i])) }
    return worst
  }
}
