import LearnTestSupport
import LinearAlgebra
import Testing

@Suite struct DecompositionTests {
  struct CholeskyCase: Decodable {
    let n: Int
    let seed, rhsSeed: UInt64
    let lower, solution: [Double]
    let logDeterminant: Double
  }
  struct LeastSquaresCase: Decodable {
    let rows, columns: Int
    let seed, rhsSeed: UInt64
    let duplicateColumn: [Int]?
    let solution: [Double]
    let rank: Int
  }
  struct EigenCase: Decodable {
    let n: Int
    let seed: UInt64
    let values: [Double]
  }
  struct File: Decodable {
    let cholesky: [CholeskyCase]
    let leastSquares: [LeastSquaresCase]
    let symmetricEigen: [EigenCase]
  }

  static func fixture() throws -> File {
    try Fixtures.decode(File.self, from: "linear-algebra/decompositions.json")
  }

  /// A·Aᵀ + n·I, as the fixture script builds it.
  static func spd(_ n: Int, seed: UInt64) -> Matrix {
    let a = uniformMatrix(n, n, seed: seed)
    return a * a.transposed() + Double(n) * Matrix.identity(n)
  }

  @Test func choleskyMatchesNumpy() throws {
    for c in try Self.fixture().cholesky {
      let a = Self.spd(c.n, seed: c.seed)
      let factor = try Cholesky(a)
      #expect(maxRelativeError(factor.lower.elements, reference: c.lower, floor: 1) < 1e-12, "n=\(c.n)")
      let b = uniformMatrix(c.n, 1, seed: c.rhsSeed).elements
      #expect(maxRelativeError(try factor.solve(b), reference: c.solution, floor: 1e-3) < 1e-11, "n=\(c.n)")
      #expect(isClose(factor.logDeterminant, c.logDeterminant, relative: 1e-12))
      // L·Lᵀ reconstructs A.
      #expect((factor.lower * factor.lower.transposed()).maxAbsoluteDifference(from: a) < 1e-11)
    }
  }

  @Test func choleskySolvesSeveralRightHandSides() throws {
    let a = Self.spd(20, seed: 3)
    let b = uniformMatrix(20, 4, seed: 4)
    let x = try Cholesky(a).solve(b)
    #expect((a * x).maxAbsoluteDifference(from: b) < 1e-12)
  }

  @Test func choleskyRejectsIndefiniteAndNonSquare() {
    let indefinite = try! Matrix([[1, 2], [2, 1]])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(pivot: 1)) { try Cholesky(indefinite) }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(pivot: 0)) { try Cholesky(try! Matrix([[0]])) }
    #expect(throws: LinearAlgebraError.self) { try Cholesky(Matrix(rowCount: 2, columnCount: 3)) }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(pivot: 0)) { try Cholesky(try! Matrix([[.nan]])) }
  }

  @Test func leastSquaresMatchesNumpyIncludingRankDeficient() throws {
    for c in try Self.fixture().leastSquares {
      var a = uniformMatrix(c.rows, c.columns, seed: c.seed)
      if let copy = c.duplicateColumn {
        for i in 0..<c.rows { a[i, copy[1]] = a[i, copy[0]] }
      }
      let b = uniformMatrix(c.rows, 1, seed: c.rhsSeed).elements
      let solution = try leastSquares(a, b)
      #expect(solution.rank == c.rank, "\(c.rows)×\(c.columns)")
      let error = maxRelativeError(solution.coefficients, reference: c.solution, floor: 1e-3)
      #expect(error < 1e-9, "\(c.rows)×\(c.columns): error \(error)")
    }
  }

  @Test func leastSquaresRejectsMismatchAndNonFinite() {
    #expect(throws: LinearAlgebraError.self) { try leastSquares(Matrix(rowCount: 3, columnCount: 2), [1, 2]) }
    var a = Matrix(rowCount: 3, columnCount: 2, repeating: 1)
    a[1, 1] = .infinity
    #expect(throws: LinearAlgebraError.self) { try leastSquares(a, [1, 2, 3]) }
  }

  @Test func symmetricEigenMatchesNumpyAndReconstructs() throws {
    for c in try Self.fixture().symmetricEigen {
      let r = uniformMatrix(c.n, c.n, seed: c.seed)
      let s = 0.5 * (r + r.transposed())
      let eigen = try SymmetricEigen(s)
      #expect(maxRelativeError(eigen.values, reference: c.values, floor: 1) < 1e-12, "n=\(c.n)")
      // A·V = V·Λ and VᵀV = I.
      let v = eigen.vectors
      let lambda = Matrix(rowCount: c.n, columnCount: c.n) { i, j in i == j ? eigen.values[i] : 0 }
      #expect((s * v).maxAbsoluteDifference(from: v * lambda) < 1e-12)
      #expect((v.transposed() * v).maxAbsoluteDifference(from: .identity(c.n)) < 1e-12)
    }
  }

  @Test func eigenOfDiagonalAndRepeatedValues() throws {
    let eigen = try SymmetricEigen(try Matrix([[2, 0, 0], [0, -1, 0], [0, 0, 2]]))
    #expect(eigen.values == [-1, 2, 2])
    #expect(eigen.vectors.column(0) == [0, 1, 0])
  }
}
