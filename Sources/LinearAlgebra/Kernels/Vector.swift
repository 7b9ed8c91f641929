// Level-1 and level-2 kernels. Reductions use four independent SIMD4 accumulators combined in a
// fixed order, so they vectorise (Swift never reassociates floating-point addition) and give the
// same answer on every run.

/// The dot product `Σ x[i]·y[i]` of `count` elements.
@inlinable
public func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int) -> Double {
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
  var i = 0
  while i &+ 16 <= count {
    s0 += vector4(x + i) * vector4(y + i)
    s1 += vector4(x + (i &+ 4)) * vector4(y + (i &+ 4))
    s2 += vector4(x + (i &+ 8)) * vector4(y + (i &+ 8))
    s3 += vector4(x + (i &+ 12)) * vector4(y + (i &+ 12))
    i &+= 16
  }
  while i &+ 4 <= count {
    s0 += vector4(x + i) * vector4(y + i)
    i &+= 4
  }
  var total = ((s0 + s1) + (s2 + s3)).sum()
  while i < count {
    total += x[i] * y[i]
    i &+= 1
  }
  return total
}

/// The dot product of two arrays of equal length.
@inlinable
public func dot(_ x: [Double], _ y: [Double]) -> Double {
  precondition(x.count == y.count, "dot of vectors of lengths \(x.count) and \(y.count)")
  return x.withUnsafeBufferPointer { px in
    y.withUnsafeBufferPointer { py in
      guard let bx = px.baseAddress, let by = py.baseAddress else { return 0 }
      return dot(bx, by, count: x.count)
    }
  }
}

/// `y ← alpha·x + y` over `count` elements.
@inlinable
public func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
  let a = SIMD4<Double>(repeating: alpha)
  var i = 0
  while i &+ 4 <= count {
    let updated = vector4(UnsafePointer(y + i)) + a * vector4(x + i)
    UnsafeMutableRawPointer(y + i).storeBytes(of: updated, as: SIMD4<Double>.self)
    i &+= 4
  }
  while i < count {
    y[i] += alpha * x[i]
    i &+= 1
  }
}

/// `y ← alpha·x + y` for arrays of equal length.
@inlinable
public func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
  precondition(x.count == y.count, "axpy of vectors of lengths \(x.count) and \(y.count)")
  x.withUnsafeBufferPointer { px in
    y.withUnsafeMutableBufferPointer { py in
      guard let bx = px.baseAddress, let by = py.baseAddress else { return }
      axpy(alpha, bx, by, count: px.count)
    }
  }
}

/// The Euclidean norm, scaled to avoid overflow and underflow (NaN if any element is NaN).
public func norm2(_ x: [Double]) -> Double {
  if x.contains(where: \.isNaN) { return .nan }
  let largest = x.reduce(0) { Swift.max($0, abs($1)) }
  guard largest > 0, largest.isFinite else { return largest }
  var sum = 0.0
  for v in x {
    let s = v / largest
    sum += s * s
  }
  return largest * sum.squareRoot()
}

/// `y ← alpha · op(A) · x + beta · y` (BLAS `dgemv`), where `op(A)` is `A` or its transpose.
/// When `beta` is 0, `y` is not read.
public func gemv(
  transpose: Bool = false, alpha: Double = 1, _ a: Matrix, _ x: [Double],
  beta: Double = 0, into y: inout [Double]
) throws(LinearAlgebraError) {
  let (rows, columns) = transpose ? (a.columnCount, a.rowCount) : (a.rowCount, a.columnCount)
  guard x.count == columns, y.count == rows else {
    throw .dimensionMismatch("op(A) is \(rows) × \(columns), x has \(x.count), y has \(y.count)")
  }
  let n = a.columnCount
  a.withUnsafeBufferPointer { pa in
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        if beta == 0 {
          for i in 0..<rows { py[i] = 0 }
        } else if beta != 1 {
          for i in 0..<rows { py[i] *= beta }
        }
        guard let base = pa.baseAddress, let xs = px.baseAddress, let ys = py.baseAddress else { return }
        if transpose {
          // y += alpha · Σ_i x[i] · row_i(A)
          for i in 0..<a.rowCount where xs[i] != 0 {
            axpy(alpha * xs[i], base + i &* n, ys, count: n)
          }
        } else {
          for i in 0..<rows { ys[i] += alpha * dot(base + i &* n, xs, count: n) }
        }
      }
    }
  }
}

@inlinable @inline(__always)
func vector4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}
