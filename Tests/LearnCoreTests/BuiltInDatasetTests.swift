import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

@Suite struct BuiltInDatasetTests {
  struct Summary: Decodable {
    let rows, columns: Int
    let featureNames: [String]
    let targetName: String
    let columnSums: [Double]
    let targetSum: Double
    let classNames: [String]?
    let classCounts: [Int]?
  }
  struct File: Decodable {
    let iris, digits, diabetes: Summary
  }

  static let summary = Result { try Fixtures.decode(File.self, from: "datasets/summary.json") }

  func check<T>(_ data: Dataset<T>, against s: Summary, targetSum: Double) {
    #expect(data.x.shape == (s.rows, s.columns))
    #expect(data.featureNames == s.featureNames)
    #expect(data.targetName == s.targetName)
    #expect(allClose(data.x.columnSums(), s.columnSums, relative: 1e-12, absolute: 1e-12))
    #expect(isClose(targetSum, s.targetSum, relative: 1e-12))
  }

  @Test func irisMatchesScikitLearn() throws {
    let iris = try Datasets.iris()
    let s = try Self.summary.get().iris
    check(iris, against: s, targetSum: Double(iris.y.reduce(0, +)))
    #expect(iris.classes == [0, 1, 2])
    #expect((0..<3).map { iris.className(of: $0) } == s.classNames)
  }

  @Test func digitsMatchesScikitLearn() throws {
    let digits = try Datasets.digits()
    let s = try Self.summary.get().digits
    check(digits, against: s, targetSum: Double(digits.y.reduce(0, +)))
    #expect((0..<10).map { label in digits.y.filter { $0 == label }.count } == s.classCounts)
    #expect(digits.classNames.isEmpty, "integer labels are kept as they are")
  }

  @Test func diabetesMatchesScikitLearn() throws {
    let diabetes = try Datasets.diabetes()
    check(diabetes, against: try Self.summary.get().diabetes, targetSum: diabetes.y.reduce(0, +))
  }

  @Test func datasetRejectsMismatchedParts() throws {
    let x = Matrix(rowCount: 3, columnCount: 2)
    #expect(throws: LearnError.self) { try Dataset(x: x, y: [1, 2]) }
    #expect(throws: LearnError.self) { try Dataset(x: x, y: [1, 2, 3], featureNames: ["a"]) }
    #expect(try Dataset(x: x, y: [1, 2, 3]).featureNames == ["x0", "x1"])
  }
}

@Suite struct EmbeddedDatasetTests {
  @Test func theCompiledInDatasetsAreTheCommittedFilesAndNeedNoCheckout() throws {
    for (file, loaded) in [("iris.csv", try Datasets.iris().csvText()), ("digits.csv", try Datasets.digits().csvText())] {
      let committed = try Dataset<Int>.readCSV(Fixtures.url("datasets/" + file).path, target: file == "iris.csv" ? "species" : "digit")
      #expect(loaded == committed.csvText(), "\(file): regenerate with Fixtures/scripts/embed_datasets.py")
    }
    let diabetes = try Dataset<Double>.readCSV(Fixtures.url("datasets/diabetes.csv").path, target: "progression")
    #expect(try Datasets.diabetes().csvText() == diabetes.csvText())
    #expect(Datasets.directory == nil, "read from the library itself unless LEARN_DATA_DIR is set")
  }
}
