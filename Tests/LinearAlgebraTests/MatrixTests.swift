import LearnTestSupport
import LinearAlgebra
import Testing

@Suite struct MatrixTests {
  @Test func constructionAndAccess() throws {
    let m = try Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(m.shape == (2, 3))
    #expect(m[1, 2] == 6)
    #expect(m.row(1) == [4, 5, 6])
    #expect(m.column(1) == [2, 5])
    #expect(m.elements == [1, 2, 3, 4, 5, 6])
    #expect(throws: LinearAlgebraError.raggedRows(row: 1, expected: 2, got: 1)) { try Matrix([[1, 2], [3]]) }
    #expect(throws: LinearAlgebraError.self) { try Matrix(rowCount: 2, columnCount: 2, elements: [1, 2, 3]) }
  }

  @Test func valueSemantics() throws {
    let original = try Matrix([[1, 2], [3, 4]])
    var copy = original
    copy[0, 0] = 99
    #expect(original[0, 0] == 1)
    #expect(copy[0, 0] == 99)
  }

  @Test func rowAndColumnGathers() throws {
    let m = uniformMatrix(10, 4, seed: 1)
    let picked = m.rows(at: [9, 0, 0, 3])
    #expect(picked.rowCount == 4)
    #expect(picked.row(0) == m.row(9) && picked.row(1) == m.row(0) && picked.row(3) == m.row(3))
    let columns = m.columns(at: [3, 1])
    #expect(columns.column(0) == m.column(3) && columns.column(1) == m.column(1))
    #expect(m.rows(at: [Int]()).rowCount == 0)
  }

  @Test(arguments: [(1, 1), (7, 3), (33, 65), (65, 33)])
  func transposeTwiceIsIdentity(rows: Int, columns: Int) {
    let m = uniformMatrix(rows, columns, seed: 2)
    let t = m.transposed()
    #expect(t.shape == (columns, rows))
    #expect(t[columns - 1, 0] == m[0, columns - 1])
    #expect(t.transposed() == m)
  }

  @Test func columnStatistics() throws {
    let m = try Matrix([[1, 10], [2, 20], [3, 60]])
    #expect(m.columnSums() == [6, 90])
    #expect(m.columnMeans() == [2, 30])
    #expect(allClose(m.columnVariances(), [2.0 / 3.0, 1400.0 / 3.0]))
    #expect(allClose(m.columnVariances(ddof: 1), [1, 700]))
    #expect(allClose(m.columnStandardDeviations(ddof: 1), [1, 700.0.squareRoot()]))
    #expect(m.columnMinima() == [1, 10])
    #expect(m.columnMaxima() == [3, 60])
    #expect(Matrix(rowCount: 0, columnCount: 2).columnMinima() == nil)
  }

  @Test func nonFiniteDetection() throws {
    var m = Matrix(rowCount: 3, columnCount: 4, repeating: 1)
    #expect(m.firstNonFinite() == nil)
    m[2, 1] = .nan
    m[2, 3] = .infinity
    let found = try #require(m.firstNonFinite())
    #expect(found.row == 2 && found.column == 1)
  }

  @Test func parallelMapKeepsIndexOrderAndCollectsFailures() throws {
    struct Odd: Error {}
    let squares = try Parallel.map(100, parallelism: .threads(4)) { $0 * $0 }
    #expect(squares == (0..<100).map { $0 * $0 })
    let results = Parallel.mapResults(10, parallelism: .automatic) { i -> Int in
      if i % 2 == 1 { throw Odd() }
      return i
    }
    #expect(results.compactMap { try? $0.get() } == [0, 2, 4, 6, 8])
    #expect(throws: Odd.self) { try Parallel.map(5) { i -> Int in if i == 3 { throw Odd() }; return i } }
  }
}
