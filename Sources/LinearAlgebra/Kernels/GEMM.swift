// Packed, cache-blocked matrix multiplication (the Goto/BLIS scheme), row-major.
//
// Loops, outermost first: jc over column blocks of NC, pc over depth blocks of KC (pack a KC × NC
// panel of op(B) into NR-wide strips), ic over row blocks of MC (pack an MC × KC panel of op(A)
// into MR-tall strips), then jr/ir over strips, each pair handled by the MR × NR register-blocked
// micro-kernel. With MR × NR = 6 × 8 the micro-kernel keeps 12 `SIMD4<Double>` accumulators, two
// B vectors and one broadcast A value in AVX2's 16 registers. The A panel (MC × KC, 384 KiB)
// fits L2; the strips stream from it and from the B panel. KC = 512 rather than 256 halves the
// passes over C, each of which reads and writes every tile of C (n = 1024 on one core of this
// machine: 1.08× faster with AVX-512, 1.16× with AVX2).
//
// When the build targets a CPU with FMA (`LEARN_FMA`, set by Package.swift), the micro-kernel uses
// fused multiply-add; otherwise separate multiply and add, which is portable and never calls libm.
// With AVX-512 (`LEARN_AVX512`) the micro-kernel is 8 × 24 on `SIMD8<Double>` (24 accumulators of
// AVX-512's 32 registers, three B vectors and eight A broadcasts per step). Every element of C is
// the same chain of fused multiply-adds over the same KC-deep panels in both kernels, so their
// results are identical; only the tile shape differs.
//
// Packing walks op(A) step by step (one value from each of the strip's rows, MR consecutive values
// written) and op(B) row by row: written the other way round, the compiler turns the strided
// writes into scatter instructions (packing fell from 7.7% to 5.9% of the benchmark's time).

#if LEARN_AVX512
@usableFromInline let gemmMR = 8
@usableFromInline let gemmNR = 24
#else
@usableFromInline let gemmMR = 6
@usableFromInline let gemmNR = 8
#endif
/// The GEMM micro-kernel this build uses: `"avx512"` (8 × 24, fused), `"avx2-fma"` (6 × 8,
/// fused) or `"portable"` (6 × 8, separate multiply and add). The fused kernels give identical
/// results.
#if LEARN_AVX512
public let gemmKernel = "avx512"
#elseif LEARN_FMA
public let gemmKernel = "avx2-fma"
#else
public let gemmKernel = "portable"
#endif

let gemmKC = 512
let gemmMC = 96
let gemmNC = 4080

/// `C ← alpha · op(A) · op(B) + beta · C` on row-major storage (BLAS `dgemm` with row-major layout).
///
/// `op(A)` is `m × k`: `A` itself (`m` rows of stride `lda`) or, with `transposeA`, the transpose of
/// a `k × m` array of stride `lda`. Likewise `op(B)` is `k × n`. `C` is `m × n` with stride `ldc`.
/// When `beta` is 0, `C` is not read, so it may hold anything (even NaN).
///
/// Rows of `C` are split between threads in multiples of the micro-kernel height; every element
/// is computed by the same sequence of operations whatever the thread count, so results do not
/// depend on `parallelism`.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
  a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
  beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int, parallelism: Parallelism = .serial
) {
  guard m > 0, n > 0 else { return }
  if k == 0 || alpha == 0 {
    scaleRows(m: m, n: n, beta: beta, c: c, ldc: ldc)
    return
  }
  let operands = GEMMOperands(
    transposeA: transposeA, transposeB: transposeB, k: k, n: n, alpha: alpha,
    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
  // Enough rows per thread to amortise packing B, in whole micro-kernel strips.
  let strips = (m + gemmMR - 1) / gemmMR
  let threads = Swift.min(parallelism.threadCount, Swift.max(1, (m * n * k) / (64 * 64 * 64)), strips)
  if threads <= 1 {
    operands.multiplyRows(0, m)
    return
  }
  let stripsPerThread = (strips + threads - 1) / threads
  let shared = UncheckedSendable(operands)
  Parallel.forEach(threads, parallelism: .threads(threads)) { t in
    let start = t * stripsPerThread * gemmMR
    let end = Swift.min(m, start + stripsPerThread * gemmMR)
    if start < end { shared.value.multiplyRows(start, end) }
  }
}

/// `C ← alpha · op(A) · op(B) + beta · C` for matrices; throws when the shapes do not agree.
public func gemm(
  transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1,
  _ a: Matrix, _ b: Matrix, beta: Double = 0, into c: inout Matrix,
  parallelism: Parallelism = .serial
) throws(LinearAlgebraError) {
  let (m, ka) = transposeA ? (a.columnCount, a.rowCount) : (a.rowCount, a.columnCount)
  let (kb, n) = transposeB ? (b.columnCount, b.rowCount) : (b.rowCount, b.columnCount)
  guard ka == kb, c.rowCount == m, c.columnCount == n else {
    throw .dimensionMismatch(
      "op(A) is \(m) × \(ka), op(B) is \(kb) × \(n), C is \(c.rowCount) × \(c.columnCount)")
  }
  a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        // Zero-sized operands have no base address; the kernel then only scales C.
        let dummy = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        defer { dummy.deallocate() }
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka, alpha: alpha,
             a: UnsafePointer(pa.baseAddress ?? UnsafePointer(dummy)), lda: a.columnCount,
             b: UnsafePointer(pb.baseAddress ?? UnsafePointer(dummy)), ldb: b.columnCount,
             beta: beta, c: pc.baseAddress ?? dummy, ldc: n, parallelism: parallelism)
      }
    }
  }
}

private func scaleRows(m: Int, n: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
  for i in 0..<m {
    let row = c + i &* ldc
    if beta == 0 {
      row.update(repeating: 0, count: n)
    } else if beta != 1 {
      for j in 0..<n { row[j] *= beta }
    }
  }
}

/// One GEMM call's operands; `multiplyRows` computes a horizontal slab of C.
private struct GEMMOperands {
  let transposeA: Bool, transposeB: Bool
  let k: Int, n: Int
  let alpha: Double
  let a: UnsafePointer<Double>, lda: Int
  let b: UnsafePointer<Double>, ldb: Int
  let beta: Double
  let c: UnsafeMutablePointer<Double>, ldc: Int

  /// Rows `rowStart ..< rowEnd` of C, with this thread's own packing buffers.
  func multiplyRows(_ rowStart: Int, _ rowEnd: Int) {
    let kcMax = Swift.min(gemmKC, k)
    let ncMax = Swift.min(gemmNC, roundUp(n, gemmNR))
    let mcMax = Swift.min(gemmMC, roundUp(rowEnd - rowStart, gemmMR))
    let packedB = UnsafeMutableRawPointer.allocate(
      byteCount: kcMax * ncMax * 8, alignment: 64).bindMemory(to: Double.self, capacity: kcMax * ncMax)
    let packedA = UnsafeMutableRawPointer.allocate(
      byteCount: kcMax * mcMax * 8, alignment: 64).bindMemory(to: Double.self, capacity: kcMax * mcMax)
    defer {
      packedB.deallocate()
      packedA.deallocate()
    }
    var jc = 0
    while jc < n {
      let nc = Swift.min(gemmNC, n - jc)
      var pc = 0
      while pc < k {
        let kc = Swift.min(gemmKC, k - pc)
        packB(rows: pc, kc, columns: jc, nc, into: packedB)
        // The first depth block applies the caller's beta; later ones accumulate.
        let betaHere = pc == 0 ? beta : 1
        var ic = rowStart
        while ic < rowEnd {
          let mc = Swift.min(gemmMC, rowEnd - ic)
          packA(rows: ic, mc, columns: pc, kc, into: packedA)
          var jr = 0
          while jr < nc {
            let nr = Swift.min(gemmNR, nc - jr)
            var ir = 0
            while ir < mc {
              let mr = Swift.min(gemmMR, mc - ir)
              microKernel(
                kc: kc, a: packedA + ir &* kc, b: packedB + jr &* kc,
                c: c + ((ic &+ ir) &* ldc &+ jc &+ jr), ldc: ldc,
                rows: mr, columns: nr, alpha: alpha, beta: betaHere)
              ir &+= gemmMR
            }
            jr &+= gemmNR
          }
          ic &+= mc
        }
        pc &+= kc
      }
      jc &+= nc
    }
  }

  /// Packs op(A)[rows i0 ..< i0+mc, columns p0 ..< p0+kc] into MR-tall strips, zero-padded:
  /// strip s holds element (s·MR + r, p) at `s·MR·kc + p·MR + r`.
  func packA(rows i0: Int, _ mc: Int, columns p0: Int, _ kc: Int, into packed: UnsafeMutablePointer<Double>) {
    var strip = 0
    while strip < mc {
      let height = Swift.min(gemmMR, mc - strip)
      let out = packed + strip &* kc
      if transposeA {
        // op(A)(i, p) = a[p·lda + i]: each p reads `height` consecutive values.
        for p in 0..<kc {
          let source = a + ((p0 &+ p) &* lda &+ i0 &+ strip)
          let target = out + p &* gemmMR
          for r in 0..<height { target[r] = source[r] }
          for r in height..<gemmMR { target[r] = 0 }
        }
      } else {
        // Step by step, each step reading one value from each row (`height` streams) and
        // writing MR consecutive values: the other order compiles to scatters, which are slow.
        let source = a + ((i0 &+ strip) &* lda &+ p0)
        for p in 0..<kc {
          let target = out + p &* gemmMR
          for r in 0..<height { target[r] = source[r &* lda &+ p] }
          for r in height..<gemmMR { target[r] = 0 }
        }
      }
      strip &+= gemmMR
    }
  }

  /// Packs op(B)[rows p0 ..< p0+kc, columns j0 ..< j0+nc] into NR-wide strips, zero-padded:
  /// strip s holds element (p, s·NR + c) at `s·NR·kc + p·NR + c`.
  func packB(rows p0: Int, _ kc: Int, columns j0: Int, _ nc: Int, into packed: UnsafeMutablePointer<Double>) {
    if !transposeB {
      // Row by row, each row read front to back and dealt out to the strips.
      for p in 0..<kc {
        let source = b + ((p0 &+ p) &* ldb &+ j0)
        var strip = 0
        while strip < nc {
          let width = Swift.min(gemmNR, nc - strip)
          let target = packed + (strip &* kc &+ p &* gemmNR)
          if width == gemmNR {
            for col in stride(from: 0, to: gemmNR, by: 4) { store4(load4(source + (strip &+ col)), target + col) }
          } else {
            for col in 0..<width { target[col] = source[strip &+ col] }
            for col in width..<gemmNR { target[col] = 0 }
          }
          strip &+= gemmNR
        }
      }
      return
    }
    var strip = 0
    while strip < nc {
      let width = Swift.min(gemmNR, nc - strip)
      // op(B)(p, j) = b[j·ldb + p]; step by step, as op(A) is packed.
      let source = b + ((j0 &+ strip) &* ldb &+ p0)
      let out = packed + strip &* kc
      for p in 0..<kc {
        let target = out + p &* gemmNR
        for col in 0..<width { target[col] = source[col &* ldb &+ p] }
        for col in width..<gemmNR { target[col] = 0 }
      }
      strip &+= gemmNR
    }
  }
}

@inline(__always)
private func roundUp(_ value: Int, _ multiple: Int) -> Int {
  (value + multiple - 1) / multiple * multiple
}

@inline(__always)
private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
private func multiplyAdd(_ acc: inout SIMD4<Double>, _ x: SIMD4<Double>, _ y: SIMD4<Double>) {
  #if LEARN_FMA
  acc.addProduct(x, y)
  #else
  acc += x * y
  #endif
}

#if LEARN_AVX512
@inline(__always)
private func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}

/// The 8 × 24 register-blocked kernel for AVX-512 (`LEARN_AVX512`): 24 `SIMD8<Double>`
/// accumulators, three B vectors and eight A broadcasts per step. Each element is the same chain
/// of fused multiply-adds over the packed steps as in the AVX2 kernel, so the results are bit for
/// bit the same.
@inline(__always)
private func microKernel(
  kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
  c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, columns: Int, alpha: Double, beta: Double
) {
  var c0_0 = SIMD8<Double>(), c0_1 = SIMD8<Double>(), c0_2 = SIMD8<Double>()
  var c1_0 = SIMD8<Double>(), c1_1 = SIMD8<Double>(), c1_2 = SIMD8<Double>()
  var c2_0 = SIMD8<Double>(), c2_1 = SIMD8<Double>(), c2_2 = SIMD8<Double>()
  var c3_0 = SIMD8<Double>(), c3_1 = SIMD8<Double>(), c3_2 = SIMD8<Double>()
  var c4_0 = SIMD8<Double>(), c4_1 = SIMD8<Double>(), c4_2 = SIMD8<Double>()
  var c5_0 = SIMD8<Double>(), c5_1 = SIMD8<Double>(), c5_2 = SIMD8<Double>()
  var c6_0 = SIMD8<Double>(), c6_1 = SIMD8<Double>(), c6_2 = SIMD8<Double>()
  var c7_0 = SIMD8<Double>(), c7_1 = SIMD8<Double>(), c7_2 = SIMD8<Double>()
  var pa = a, pb = b
  for _ in 0..<kc {
    let b0 = load8(pb), b1 = load8(pb + 8), b2 = load8(pb + 16)
    var x = SIMD8<Double>(repeating: pa[0])
    c0_0.addProduct(x, b0); c0_1.addProduct(x, b1); c0_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[1])
    c1_0.addProduct(x, b0); c1_1.addProduct(x, b1); c1_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[2])
    c2_0.addProduct(x, b0); c2_1.addProduct(x, b1); c2_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[3])
    c3_0.addProduct(x, b0); c3_1.addProduct(x, b1); c3_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[4])
    c4_0.addProduct(x, b0); c4_1.addProduct(x, b1); c4_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[5])
    c5_0.addProduct(x, b0); c5_1.addProduct(x, b1); c5_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[6])
    c6_0.addProduct(x, b0); c6_1.addProduct(x, b1); c6_2.addProduct(x, b2)
    x = SIMD8<Double>(repeating: pa[7])
    c7_0.addProduct(x, b0); c7_1.addProduct(x, b1); c7_2.addProduct(x, b2)
    pa += gemmMR
    pb += gemmNR
  }
  if rows == gemmMR && columns == gemmNR {
    // A whole tile goes from the registers to C, row by row: the same per-element operations as
    // `storeTile`, without the round trip through memory.
    let scale = SIMD8<Double>(repeating: alpha), weight = SIMD8<Double>(repeating: beta)
    @inline(__always) func store(_ r: Int, _ v0: SIMD8<Double>, _ v1: SIMD8<Double>, _ v2: SIMD8<Double>) {
      let target = c + r &* ldc
      if beta == 0 {
        store8(scale * v0, target)
        store8(scale * v1, target + 8)
        store8(scale * v2, target + 16)
      } else {
        store8(scale * v0 + weight * load8(target), target)
        store8(scale * v1 + weight * load8(target + 8), target + 8)
        store8(scale * v2 + weight * load8(target + 16), target + 16)
      }
    }
    store(0, c0_0, c0_1, c0_2); store(1, c1_0, c1_1, c1_2); store(2, c2_0, c2_1, c2_2); store(3, c3_0, c3_1, c3_2)
    store(4, c4_0, c4_1, c4_2); store(5, c5_0, c5_1, c5_2); store(6, c6_0, c6_1, c6_2); store(7, c7_0, c7_1, c7_2)
    return
  }
  let accumulators = (c0_0, c0_1, c0_2, c1_0, c1_1, c1_2, c2_0, c2_1, c2_2, c3_0, c3_1, c3_2,
                      c4_0, c4_1, c4_2, c5_0, c5_1, c5_2, c6_0, c6_1, c6_2, c7_0, c7_1, c7_2)
  storeTile(accumulators, c: c, ldc: ldc, rows: rows, columns: columns, alpha: alpha, beta: beta)
}

@inline(__always)
private func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}
#else
/// The 6 × 8 register-blocked kernel: C[tile] ← alpha · Ã·B̃ + beta · C[tile] over `kc` packed steps.
/// `rows` × `columns` is the valid part of the tile at the matrix edge.
@inline(__always)
private func microKernel(
  kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
  c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, columns: Int, alpha: Double, beta: Double
) {
  var c00 = SIMD4<Double>(), c01 = SIMD4<Double>()
  var c10 = SIMD4<Double>(), c11 = SIMD4<Double>()
  var c20 = SIMD4<Double>(), c21 = SIMD4<Double>()
  var c30 = SIMD4<Double>(), c31 = SIMD4<Double>()
  var c40 = SIMD4<Double>(), c41 = SIMD4<Double>()
  var c50 = SIMD4<Double>(), c51 = SIMD4<Double>()
  var pa = a, pb = b
  for _ in 0..<kc {
    let b0 = load4(pb), b1 = load4(pb + 4)
    var x = SIMD4<Double>(repeating: pa[0])
    multiplyAdd(&c00, x, b0); multiplyAdd(&c01, x, b1)
    x = SIMD4<Double>(repeating: pa[1])
    multiplyAdd(&c10, x, b0); multiplyAdd(&c11, x, b1)
    x = SIMD4<Double>(repeating: pa[2])
    multiplyAdd(&c20, x, b0); multiplyAdd(&c21, x, b1)
    x = SIMD4<Double>(repeating: pa[3])
    multiplyAdd(&c30, x, b0); multiplyAdd(&c31, x, b1)
    x = SIMD4<Double>(repeating: pa[4])
    multiplyAdd(&c40, x, b0); multiplyAdd(&c41, x, b1)
    x = SIMD4<Double>(repeating: pa[5])
    multiplyAdd(&c50, x, b0); multiplyAdd(&c51, x, b1)
    pa += gemmMR
    pb += gemmNR
  }
  let accumulators = (c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51)
  storeTile(accumulators, c: c, ldc: ldc, rows: rows, columns: columns, alpha: alpha, beta: beta)
}
#endif

/// Writes a register tile (`accumulators`: MR rows of NR values, row-major) to C:
/// `C ← alpha · tile + beta · C` on the valid `rows` × `columns` (C is not read when `beta` is 0).
@inline(__always)
private func storeTile<Tile>(
  _ accumulators: Tile, c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, columns: Int, alpha: Double, beta: Double
) {
  withUnsafeBytes(of: accumulators) { raw in
    let tile = raw.baseAddress!.assumingMemoryBound(to: Double.self)
    let scale = SIMD4<Double>(repeating: alpha)
    if rows == gemmMR && columns == gemmNR {
      for r in 0..<gemmMR {
        let target = c + r &* ldc
        for col in stride(from: 0, to: gemmNR, by: 4) {
          let value = scale * load4(tile + (r &* gemmNR &+ col))
          if beta == 0 {
            store4(value, target + col)
          } else {
            store4(value + SIMD4<Double>(repeating: beta) * load4(target + col), target + col)
          }
        }
      }
    } else {
      for r in 0..<rows {
        let target = c + r &* ldc
        for col in 0..<columns {
          let value = alpha * tile[r &* gemmNR &+ col]
          target[col] = beta == 0 ? value : value + beta * target[col]
        }
      }
    }
  }
}

@inline(__always)
private func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
}
