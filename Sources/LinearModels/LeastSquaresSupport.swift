// Numerics shared by the least-squares models (LinearRegression, Ridge, RidgeClassifier, Lasso,
// ElasticNet): centring, the linear predictor, the ridge solvers (Cholesky of the Gram or kernel
// matrix by LinearAlgebra's `Cholesky` with a singularity tolerance, and a QR + one-sided Jacobi
// SVD). Internal: the public surface is the estimators.

import LearnCore
import LinearAlgebra

/// Internal helpers of the least-squares family, under one name so they cannot clash with other
/// files of the module.
enum LeastSquaresSupport {
  /// Column means of `x`, weighted by `weights` when given (`np.average(x, axis=0, weights=w)`).
  static func columnMeans(_ x: Matrix, weights: [Double]?) -> [Double] {
    guard let weights else { return x.columnMeans() }
    let p = x.columnCount
    var sums = [Double](repeating: 0, count: p)
    var total = 0.0
    x.withUnsafeBufferPointer { px in
      sums.withUnsafeMutableBufferPointer { ps in
        let s = ps.baseAddress!
        for i in 0..<x.rowCount {
          let w = weights[i]
          total += w
          if w != 0 { axpy(w, px.baseAddress! + i &* p, s, count: p) }
        }
      }
    }
    return sums.map { $0 / total }
  }

  /// `(x − means)` with row `i` multiplied by `rowScales[i]` when given: the centred (and
  /// square-root-weighted) design matrix, row-major like `x`.
  static func centeredRows(_ x: Matrix, means: [Double], rowScales: [Double]?) -> Matrix {
    let n = x.rowCount, p = x.columnCount
    let elements = [Double](unsafeUninitializedCapacity: n * p) { buffer, count in
      x.withUnsafeBufferPointer { px in
        means.withUnsafeBufferPointer { pm in
          guard let source = px.baseAddress, let target = buffer.baseAddress else { return }
          centerRows(source, from: 0, to: n, columns: p, means: pm.baseAddress!, rowScales: rowScales, into: target)
        }
      }
      count = n * p
    }
    return try! Matrix(rowCount: n, columnCount: p, elements: elements)
  }

  /// Writes rows `start ..< end` of `(x − means)·diag(rowScales)` to `target` (row-major, from its start).
  @inline(__always)
  private static func centerRows(
    _ source: UnsafePointer<Double>, from start: Int, to end: Int, columns p: Int, means: UnsafePointer<Double>,
    rowScales: [Double]?, into target: UnsafeMutablePointer<Double>
  ) {
    for i in start..<end {
      let row = source + i &* p, out = target + (i &- start) &* p
      if let rowScales {
        let scale = rowScales[i]
        for j in 0..<p { out[j] = (row[j] - means[j]) * scale }
      } else {
        for j in 0..<p { out[j] = row[j] - means[j] }
      }
    }
  }

  /// `XcᵀXc` (`p × p`) and `XcᵀY` (`p × k`) for the centred, row-scaled design
  /// `Xc = diag(rowScales)·(x − means)`, without forming `Xc`: blocks of rows are centred into a
  /// small buffer that stays in cache and accumulated by ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:parallelism:)``.
  /// `targets` (`n × k`) must already be centred and scaled.
  static func centeredGram(
    _ x: Matrix, means: [Double], rowScales: [Double]?, targets: Matrix
  ) -> (gram: Matrix, xty: Matrix) {
    let n = x.rowCount, p = x.columnCount, k = targets.columnCount
    let block = 256
    var gram = Matrix(rowCount: p, columnCount: p)
    var xty = Matrix(rowCount: p, columnCount: k)
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.min(block, n) * p)
    defer { buffer.deallocate() }
    x.withUnsafeBufferPointer { px in
      means.withUnsafeBufferPointer { pm in
        targets.withUnsafeBufferPointer { py in
          gram.withUnsafeMutableBufferPointer { pg in
            xty.withUnsafeMutableBufferPointer { pxy in
              var start = 0
              while start < n {
                let end = Swift.min(n, start + block), rows = end - start
                centerRows(px.baseAddress!, from: start, to: end, columns: p, means: pm.baseAddress!,
                           rowScales: rowScales, into: buffer)
                let beta = start == 0 ? 0.0 : 1.0
                gemm(transposeA: true, transposeB: false, m: p, n: p, k: rows, alpha: 1, a: buffer, lda: p,
                     b: buffer, ldb: p, beta: beta, c: pg.baseAddress!, ldc: p)
                gemm(transposeA: true, transposeB: false, m: p, n: k, k: rows, alpha: 1, a: buffer, lda: p,
                     b: py.baseAddress! + start &* k, ldb: k, beta: beta, c: pxy.baseAddress!, ldc: k)
                start = end
              }
            }
          }
        }
      }
    }
    return (gram, xty)
  }

  /// The centred design stored by feature: row `j` of the result is column `j` of `x` minus
  /// `means[j]` (the column-major layout coordinate descent walks).
  static func centeredColumns(_ x: Matrix, means: [Double]) -> Matrix {
    let n = x.rowCount, p = x.columnCount
    var result = Matrix(rowCount: p, columnCount: n)
    x.withUnsafeBufferPointer { px in
      means.withUnsafeBufferPointer { pm in
        result.withUnsafeMutableBufferPointer { pr in
          let source = px.baseAddress!, target = pr.baseAddress!, m = pm.baseAddress!
          // Blocks of 8 samples: each source row is read once per block, each target row is
          // written in short contiguous runs.
          var start = 0
          while start < n {
            let end = Swift.min(n, start &+ 8)
            for j in 0..<p {
              let out = target + j &* n
              let mean = m[j]
              var i = start
              while i < end {
                out[i] = source[i &* p &+ j] - mean
                i &+= 1
              }
            }
            start = end
          }
        }
      }
    }
    return result
  }

  /// `x · coefficients + intercept`, one value per row.
  static func linearPrediction(_ x: Matrix, coefficients: [Double], intercept: Double) -> [Double] {
    var result = [Double](repeating: intercept, count: x.rowCount)
    try! gemv(x, coefficients, beta: 1, into: &result)
    return result
  }

  /// Solves `A·X = B` for every column of `b` by Cholesky, reading `a`'s lower triangle. A pivot
  /// `Lᵢᵢ²` at most `n·ε·max(diag)` counts as not positive: the matrix is singular to working
  /// precision, and an exactly singular `XᵀX` is reported at its first dependent column whichever
  /// way rounding tips that pivot. Throws ``LearnError/linearAlgebra(_:)`` with
  /// `notPositiveDefinite(pivot:)`.
  static func choleskySolve(_ a: Matrix, _ b: Matrix) throws(LearnError) -> Matrix {
    do {
      return try Cholesky(a, singularityTolerance: Double(a.rowCount) * Double.ulpOfOne).solve(b)
    } catch {
      throw .linearAlgebra(error)
    }
  }

  // MARK: Ridge

  /// A fitted ridge problem: one row of coefficients per target.
  struct RidgeSolution {
    /// `targets × features`.
    var coefficients: Matrix
    /// One intercept per target.
    var intercepts: [Double]
    /// The solver that produced it (`cholesky` or `svd`, never `auto`).
    var solver: Ridge.Solver
  }

  /// Solves `min ‖W^{1/2}(Y − X·Bᵀ − 1·cᵀ)‖² + alpha·‖B‖²` for every column of `targets`, the way
  /// scikit-learn's `_BaseRidge.fit` does: centre `X` and `Y` by their (weighted) means when
  /// fitting an intercept, scale rows by `√wᵢ`, then solve the normal equations by Cholesky (of
  /// `XᵀX + αI`, or of the kernel `XXᵀ + αI` when there are more features than samples), or by
  /// SVD. `auto` is Cholesky with the SVD as fallback when the matrix is singular; `cholesky`
  /// throws ``LearnError/linearAlgebra(_:)`` with `notPositiveDefinite` instead.
  static func ridge(
    _ x: Matrix, targets: Matrix, weights: [Double]?, alpha: Double, fitIntercept: Bool, solver: Ridge.Solver
  ) throws(LearnError) -> RidgeSolution {
    let p = x.columnCount, k = targets.columnCount
    let xMeans = fitIntercept ? columnMeans(x, weights: weights) : [Double](repeating: 0, count: p)
    let yMeans = fitIntercept ? columnMeans(targets, weights: weights) : [Double](repeating: 0, count: k)
    let rowScales = weights?.map { $0.squareRoot() }
    let yc = centeredRows(targets, means: yMeans, rowScales: rowScales)
    let n = x.rowCount
    var xc: Matrix? = nil
    func centered() -> Matrix {
      if let xc { return xc }
      let made = centeredRows(x, means: xMeans, rowScales: rowScales)
      xc = made
      return made
    }

    var coefficients: Matrix? = nil
    var used = Ridge.Solver.svd
    if solver != .svd {
      do {
        if p <= n {
          var (gram, xty) = centeredGram(x, means: xMeans, rowScales: rowScales, targets: yc)
          for i in 0..<p { gram[i, i] += alpha }
          coefficients = try choleskySolve(gram, xty).transposed()
        } else {
          coefficients = try ridgeKernelCholesky(centered(), yc, alpha: alpha)
        }
        used = .cholesky
      } catch {
        if solver == .cholesky { throw error }
      }
    }
    let b = coefficients ?? ridgeSVD(centered(), yc, alpha: alpha)
    var intercepts = [Double](repeating: 0, count: k)
    if fitIntercept {
      for t in 0..<k {
        var s = yMeans[t]
        for j in 0..<p { s -= xMeans[j] * b[t, j] }
        intercepts[t] = s
      }
    }
    return RidgeSolution(coefficients: b, intercepts: intercepts, solver: used)
  }

  /// Ridge by Cholesky in the kernel form, for more features than samples:
  /// `B = Xᵀ·(XXᵀ + αI)⁻¹·Y` on centred data (scikit-learn's `_solve_cholesky_kernel`). Returns
  /// `targets × features`.
  static func ridgeKernelCholesky(_ xc: Matrix, _ yc: Matrix, alpha: Double) throws(LearnError) -> Matrix {
    let n = xc.rowCount, p = xc.columnCount, k = yc.columnCount
    var kernel = Matrix(rowCount: n, columnCount: n)
    try! gemm(transposeB: true, xc, xc, into: &kernel)
    for i in 0..<n { kernel[i, i] += alpha }
    let dual = try choleskySolve(kernel, yc)
    var coefficients = Matrix(rowCount: k, columnCount: p)
    try! gemm(transposeA: true, dual, xc, into: &coefficients)
    return coefficients
  }

  /// Ridge through the thin SVD `X = U·Σ·Vᵀ`: `B = V·diag(σ/(σ² + α))·Uᵀ·Y`, with singular values
  /// at most `max(n, p)·ε·σ_max` treated as zero (so `alpha = 0` gives the minimum-norm least-squares
  /// solution). The SVD is a pivoted QR of `X` (or of `Xᵀ` when `n < p`) followed by one-sided
  /// Jacobi on the small triangular factor. Returns `targets × features`.
  static func ridgeSVD(_ xc: Matrix, _ yc: Matrix, alpha: Double) -> Matrix {
    let n = xc.rowCount, p = xc.columnCount, k = yc.columnCount
    let r = Swift.min(n, p)
    var coefficients = Matrix(rowCount: k, columnCount: p)
    let cutoffFactor = Double(Swift.max(n, p)) * Double.ulpOfOne
    if n >= p {
      // X·P = Q·R, R = B·Wᵀ (B's columns u_i σ_i)  ⇒  coef = P·W·diag(1/(σ²+α))·Bᵀ·(Qᵀy)[0..<p].
      let qr = PivotedQR(xc)
      let svd = JacobiSVD(columnsOf: upperTriangle(qr.factors, size: r), transposed: false)
      let cutoff = svd.largest * cutoffFactor
      for t in 0..<k {
        let c = Array(qr.applyQTranspose(yc.column(t)).prefix(r))
        let z = svd.solve(c, alpha: alpha, cutoff: cutoff)
        for (j, original) in qr.permutation.enumerated() { coefficients[t, original] = z[j] }
      }
    } else {
      // Xᵀ·P = Q·R, so X = P·Rᵀ·Qᵀ; Rᵀ = B·Wᵀ  ⇒  coef = Q·[W·diag(1/(σ²+α))·Bᵀ·(Pᵀy); 0].
      let qr = PivotedQR(xc.transposed())
      let svd = JacobiSVD(columnsOf: upperTriangle(qr.factors, size: r), transposed: true)
      let cutoff = svd.largest * cutoffFactor
      for t in 0..<k {
        let y = yc.column(t)
        let permuted = qr.permutation.map { y[$0] }
        let z = svd.solve(permuted, alpha: alpha, cutoff: cutoff)
        let coefficient = qr.applyQ(z + [Double](repeating: 0, count: p - r))
        for j in 0..<p { coefficients[t, j] = coefficient[j] }
      }
    }
    return coefficients
  }

  /// The leading `size × size` upper triangle of a QR's compact factors.
  private static func upperTriangle(_ factors: Matrix, size: Int) -> Matrix {
    Matrix(rowCount: size, columnCount: size) { i, j in j >= i ? factors[i, j] : 0 }
  }
}

/// The SVD `M = U·Σ·Wᵀ` of a small square matrix by one-sided (Hestenes) Jacobi rotations: the
/// columns of `M·W` are made mutually orthogonal, so they are `u_i·σ_i`. Singular values come out
/// with high relative accuracy; sweeps stop when every pair is orthogonal to working precision.
struct JacobiSVD {
  /// Row `i` is column `i` of `M·W`, that is `u_i·σ_i`.
  let scaledLeft: Matrix
  /// Row `i` is column `i` of `W` (the right singular vector `w_i`).
  let right: Matrix
  /// `σ_i = ‖u_i·σ_i‖`, in column order (not sorted).
  let values: [Double]

  /// The largest singular value.
  var largest: Double { values.max() ?? 0 }

  /// Decomposes `m` (square), or `mᵀ` when `transposed`.
  init(columnsOf m: Matrix, transposed: Bool) {
    let size = m.rowCount
    // Columns of the matrix to decompose, stored as contiguous rows.
    var columns = transposed ? m : m.transposed()
    var w = Matrix.identity(size)
    columns.withUnsafeMutableBufferPointer { pc in
      w.withUnsafeMutableBufferPointer { pw in
        let a = pc.baseAddress!, v = pw.baseAddress!
        var sweep = 0
        var rotated = true
        while rotated && sweep < 80 {
          rotated = false
          sweep += 1
          for i in 0..<Swift.max(0, size - 1) {
            for j in (i + 1)..<size {
              let ci = a + i &* size, cj = a + j &* size
              let alpha = dot(ci, ci, count: size), beta = dot(cj, cj, count: size)
              let gamma = dot(ci, cj, count: size)
              if gamma == 0 || abs(gamma) <= Double.ulpOfOne * (alpha * beta).squareRoot() { continue }
              rotated = true
              let zeta = (beta - alpha) / (2 * gamma)
              let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
              let c = 1 / (1 + t * t).squareRoot(), s = c * t
              JacobiSVD.rotate(ci, cj, c, s, count: size)
              JacobiSVD.rotate(v + i &* size, v + j &* size, c, s, count: size)
            }
          }
        }
      }
    }
    scaledLeft = columns
    right = w
    values = (0..<size).map { i in columns.withUnsafeBufferPointer { p in
      dot(p.baseAddress! + i &* size, p.baseAddress! + i &* size, count: size).squareRoot()
    } }
  }

  /// `x ← c·x − s·y`, `y ← s·x + c·y`.
  private static func rotate(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>,
                             _ c: Double, _ s: Double, count: Int) {
    for i in 0..<count {
      let xi = x[i], yi = y[i]
      x[i] = c * xi - s * yi
      y[i] = s * xi + c * yi
    }
  }

  /// `W·diag(1/(σ² + α))·(MW)ᵀ·b` over the singular values above `cutoff`: the ridge solution of
  /// `M·z ≈ b` (the minimum-norm least-squares solution when `alpha` is 0).
  func solve(_ b: [Double], alpha: Double, cutoff: Double) -> [Double] {
    let size = values.count
    var z = [Double](repeating: 0, count: size)
    for i in 0..<size where values[i] > cutoff && values[i] > 0 {
      let projection = scaledLeft.withUnsafeBufferPointer { p in
        b.withUnsafeBufferPointer { pb in dot(p.baseAddress! + i &* size, pb.baseAddress!, count: size) }
      }
      let factor = projection / (values[i] * values[i] + alpha)
      for j in 0..<size { z[j] += factor * right[i, j] }
    }
    return z
  }
}
