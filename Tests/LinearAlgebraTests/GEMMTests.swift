import LearnTestSupport
@testable import LinearAlgebra
import Testing

/// The naive triple loop every kernel is checked against.
func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
  Matrix(rowCount: a.rowCount, columnCount: b.columnCount) { i, j in
    var s = 0.0
    for p in 0..<a.columnCount { s += a[i, p] * b[p, j] }
    return s
  }
}

@Suite struct GEMMTests {
  struct Case: Decodable {
    let m, k, n: Int
    let transposeA, transposeB: Bool
    let seedA, seedB: UInt64
    let c: [Double]
  }
  struct Large: Decodable {
    let n: Int
    let seedA, seedB: UInt64
    let stride: Int
    let sampled: [Double]
  }
  struct File: Decodable {
    let cases: [Case]
    let large: Large
  }

  @Test func matchesNumpyForAwkwardShapesAndTransposes() throws {
    let fixture = try Fixtures.decode(File.self, from: "linear-algebra/gemm.json")
    #expect(fixture.cases.count == 32)
    for c in fixture.cases {
      let a = c.transposeA ? uniformMatrix(c.k, c.m, seed: c.seedA) : uniformMatrix(c.m, c.k, seed: c.seedA)
      let b = c.transposeB ? uniformMatrix(c.n, c.k, seed: c.seedB) : uniformMatrix(c.k, c.n, seed: c.seedB)
      var product = Matrix(rowCount: c.m, columnCount: c.n, repeating: .nan)  // beta 0 must not read C
      try gemm(transposeA: c.transposeA, transposeB: c.transposeB, a, b, into: &product)
      let error = maxRelativeError(product.elements, reference: c.c, floor: 1)
      #expect(error < 1e-13, "\(c.m)×\(c.k)×\(c.n) tA=\(c.transposeA) tB=\(c.transposeB): error \(error)")
    }
  }

  @Test func largeProductMatchesNumpyOnEveryThreadCount() throws {
    let large = try Fixtures.decode(File.self, from: "linear-algebra/gemm.json").large
    let a = uniformMatrix(large.n, large.n, seed: large.seedA)
    let b = uniformMatrix(large.n, large.n, seed: large.seedB)
    var serial = Matrix(rowCount: large.n, columnCount: large.n)
    try gemm(a, b, into: &serial, parallelism: .serial)
    for threads in [2, 3, 8] {
      var parallel = Matrix(rowCount: large.n, columnCount: large.n)
      try gemm(a, b, into: &parallel, parallelism: .threads(threads))
      #expect(serial == parallel, "results must not depend on the thread count (\(threads) threads)")
    }
    let sampled = stride(from: 0, to: large.n * large.n, by: large.stride).map { serial.elements[$0] }
    #expect(maxRelativeError(sampled, reference: large.sampled, floor: 1) < 1e-13)
  }

  @Test(arguments: [(1, 1, 1), (7, 7, 7), (65, 65, 65), (257, 7, 65), (6, 300, 8), (73, 257, 9)])
  func matchesNaiveProduct(m: Int, k: Int, n: Int) throws {
    let a = uniformMatrix(m, k, seed: 1), b = uniformMatrix(k, n, seed: 2)
    let expected = naiveProduct(a, b)
    #expect((a * b).maxAbsoluteDifference(from: expected) < 1e-12 * Double(k))
  }

  @Test func alphaAndBetaScaleAndAccumulate() throws {
    let a = uniformMatrix(9, 300, seed: 3), b = uniformMatrix(300, 11, seed: 4)
    let start = uniformMatrix(9, 11, seed: 5)
    var c = start
    try gemm(alpha: 2, a, b, beta: -0.5, into: &c)
    let expected = 2 * naiveProduct(a, b) - 0.5 * start
    #expect(c.maxAbsoluteDifference(from: expected) < 1e-11)
  }

  @Test func emptyInnerDimensionOnlyScalesC() throws {
    let a = Matrix(rowCount: 3, columnCount: 0), b = Matrix(rowCount: 0, columnCount: 2)
    var c = Matrix(rowCount: 3, columnCount: 2, repeating: 4)
    try gemm(a, b, beta: 0.5, into: &c)
    #expect(c == Matrix(rowCount: 3, columnCount: 2, repeating: 2))
  }

  @Test func mismatchedShapesThrow() {
    var c = Matrix(rowCount: 2, columnCount: 2)
    #expect(throws: LinearAlgebraError.self) {
      try gemm(Matrix(rowCount: 2, columnCount: 3), Matrix(rowCount: 2, columnCount: 2), into: &c)
    }
  }

  @Test func gemvAndDotMatchNaive() throws {
    let a = uniformMatrix(37, 23, seed: 8)
    let x = uniformMatrix(1, 23, seed: 9).elements
    let z = uniformMatrix(1, 37, seed: 10).elements
    var y = [Double](repeating: .nan, count: 37)
    try gemv(a, x, into: &y)
    let expected = (0..<37).map { i in (0..<23).reduce(0.0) { $0 + a[i, $1] * x[$1] } }
    #expect(maxRelativeError(y, reference: expected, floor: 1) < 1e-14)
    var yt = [Double](repeating: 1, count: 23)
    try gemv(transpose: true, alpha: 2, a, z, beta: 3, into: &yt)
    let expectedT = (0..<23).map { j in 3 + 2 * (0..<37).reduce(0.0) { $0 + a[$1, j] * z[$1] } }
    #expect(maxRelativeError(yt, reference: expectedT, floor: 1) < 1e-14)
    #expect(isClose(dot(x, x), x.reduce(0) { $0 + $1 * $1 }, relative: 1e-14))
    var w = x
    axpy(2, x, &w)
    #expect(w == x.map { 3 * $0 })
    #expect(isClose(norm2([3, 4]), 5))
  }
}

/// Every kernel computes each element of C as one chain over the KC-deep panels: within a panel,
/// products added in order (fused in the AVX2 and AVX-512 builds), then `alpha · sum + beta · C`
/// for the first panel and `alpha · sum + C` for the others. Checked bit for bit, so the AVX2 and
/// AVX-512 kernels, each tested in its own build (`.ci/run`), give the same results.
@Suite struct GEMMKernelTests {
  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func everyElementIsTheSameChain(_ transposes: (Bool, Bool)) throws {
    let (m, n, k) = (37, 45, 600)
    let a = randomMatrix(transposes.0 ? k : m, transposes.0 ? m : k, seed: 1)
    let b = randomMatrix(transposes.1 ? n : k, transposes.1 ? k : n, seed: 2)
    let start = randomMatrix(m, n, seed: 3)
    var c = start
    try gemm(transposeA: transposes.0, transposeB: transposes.1, alpha: 1.5, a, b, beta: -0.5, into: &c)
    let fused = gemmKernel != "portable"
    for i in 0..<m {
      for j in 0..<n {
        var value = start[i, j]
        for (panel, p0) in stride(from: 0, to: k, by: gemmKC).enumerated() {
          var sum = 0.0
          for p in p0..<Swift.min(p0 + gemmKC, k) {
            let x = transposes.0 ? a[p, i] : a[i, p], y = transposes.1 ? b[j, p] : b[p, j]
            sum = fused ? sum.addingProduct(x, y) : sum + x * y
          }
          value = panel == 0 ? 1.5 * sum + -0.5 * value : 1.5 * sum + value
        }
        #expect(c[i, j] == value, "C[\(i), \(j)] is \(c[i, j]) against \(value) (\(gemmKernel) kernel)")
        if c[i, j] != value { return }
      }
    }
  }

  func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    return Matrix(rowCount: rows, columnCount: columns) { _, _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) - 0.5
    }
  }
}
