import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra

/// A JSON scalar of the fixture's parameter tables, as a Learn hyperparameter value.
struct FixtureValue: Decodable {
  let value: ParameterValue

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let b = try? container.decode(Bool.self) {
      value = .bool(b)
    } else if let i = try? container.decode(Int.self) {
      value = .int(i)
    } else if let d = try? container.decode(Double.self) {
      value = .double(d)
    } else {
      value = .string(try container.decode(String.self))
    }
  }
}

/// Fixtures/scikit-learn/trees.json (written by Fixtures/scripts/tree_fixtures.py).
struct TreeFixture: Decodable {
  struct Table: Decodable {
    let x: [Double]
    let y: [Int]
    let columns: Int

    var dataset: Dataset<Int> {
      try! Dataset(x: try! Matrix(rowCount: y.count, columnCount: columns, elements: x), y: y)
    }
  }

  struct TreeCase: Decodable {
    let name: String
    let dataset: String
    let parameters: [String: FixtureValue]
    let feature: [Int]
    let threshold: [Double]
    let left: [Int]
    let right: [Int]
    let value: [Double]
    let impurity: [Double]
    let sampleCount: [Int]
    let weightedSampleCount: [Double]
    let apply: [Int]
    let featureImportances: [Double]
    let depth: Int
    let leafCount: Int
    let predictions: [Double]
    let probabilities: [Double]?
    let pruningAlphas: [Double]?
    let pruningImpurities: [Double]?

    var parameterSet: ParameterSet { parameters.mapValues(\.value) }
  }

  struct Split: Decodable {
    let train: [Int]
    let test: [Int]
  }

  struct ForestCase: Decodable {
    let estimator: String
    let dataset: String
    let parameters: [String: FixtureValue]
    let metric: String
    let scores: [Double]
    let meanOfFirst5: Double
    let meanOf20: Double

    var parameterSet: ParameterSet { parameters.mapValues(\.value) }
  }

  let iris: Table
  let trees: [TreeCase]
  let cancerLike: Table
  let splits: [String: Split]
  let forests: [ForestCase]

  static let shared = Result { try Fixtures.decode(TreeFixture.self, from: "scikit-learn/trees.json") }

  static func treeCase(_ name: String) throws -> TreeCase {
    guard let found = try shared.get().trees.first(where: { $0.name == name }) else {
      throw LearnError.invalidArgument(name: "case", reason: "trees.json has no tree case \(name)")
    }
    return found
  }

  /// Train and test parts of a classification dataset of the forest cases.
  static func classification(_ name: String) throws -> (train: Dataset<Int>, test: Dataset<Int>) {
    let fixture = try shared.get()
    let data = name == "digits" ? try Datasets.digits() : fixture.cancerLike.dataset
    let split = fixture.splits[name]!
    return (data.subset(split.train), data.subset(split.test))
  }

  /// Train and test parts of diabetes.
  static func diabetes() throws -> (train: Dataset<Double>, test: Dataset<Double>) {
    let split = try shared.get().splits["diabetes"]!
    let data = try Datasets.diabetes()
    return (data.subset(split.train), data.subset(split.test))
  }
}
