import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

/// The decoded `Fixtures/scikit-learn/preprocessing.json` (see
/// `Fixtures/scripts/preprocessing_fixtures.py`).
struct PreprocessingFixture: Decodable, Sendable {
  /// A row-major matrix; `null` stands for NaN.
  struct FixtureMatrix: Decodable, Sendable {
    let rows: Int
    let columns: Int
    let values: [Double?]
    var matrix: Matrix {
      // The fixture's shapes are consistent; a broken file fails the comparison instead.
      (try? Matrix(rowCount: rows, columnCount: columns, elements: values.map { $0 ?? .nan }))
        ?? Matrix(rowCount: 0, columnCount: 0)
    }
  }

  /// A hyperparameter value as JSON writes it.
  struct Value: Decodable, Sendable {
    let value: ParameterValue
    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if container.decodeNil() { value = .none }
      else if let b = try? container.decode(Bool.self) { value = .bool(b) }
      else if let i = try? container.decode(Int.self) { value = .int(i) }
      else if let d = try? container.decode(Double.self) { value = .double(d) }
      else { value = .string(try container.decode(String.self)) }
    }
  }

  struct Outputs: Decodable, Sendable {
    let input: String
    let params: [String: Value]
    let transformed: FixtureMatrix
    let test: FixtureMatrix
    let testTransformed: FixtureMatrix
    let inverse: FixtureMatrix
    var parameters: ParameterSet { params.mapValues(\.value) }
  }

  struct StandardCase: Decodable, Sendable {
    let mean: [Double]?
    let variance: [Double]?
    let scale: [Double]?
    let sampleCount: Int
  }

  struct MinMaxCase: Decodable, Sendable {
    let dataMin: [Double]
    let dataMax: [Double]
    let dataRange: [Double]
    let scale: [Double]
    let offset: [Double]
  }

  struct RobustCase: Decodable, Sendable {
    let center: [Double]?
    let scale: [Double]?
  }

  /// A scaler case: the shared outputs plus its fitted statistics.
  struct Scaler<Statistics: Decodable & Sendable>: Decodable, Sendable {
    let outputs: Outputs
    let statistics: Statistics
    init(from decoder: Decoder) throws {
      outputs = try Outputs(from: decoder)
      statistics = try Statistics(from: decoder)
    }
  }

  struct OneHotCase: Decodable, Sendable {
    let params: [String: Value]
    let categories: [[Double]]
    let droppedIndices: [Int?]?
    let transformed: FixtureMatrix
    let inverse: FixtureMatrix
    let featureNames: [String]
    let namedFeatureNames: [String]
    let unseenTransformed: FixtureMatrix?
    let unseenInverse: FixtureMatrix?
    var parameters: ParameterSet { params.mapValues(\.value) }
  }

  struct OrdinalCase: Decodable, Sendable {
    let params: [String: Value]
    let categories: [[Double]]
    let transformed: FixtureMatrix
    let inverse: FixtureMatrix
    let unseenTransformed: FixtureMatrix?
    let unseenInverse: FixtureMatrix?
    var parameters: ParameterSet { params.mapValues(\.value) }
  }

  struct LabelCase<Label: Decodable & Sendable>: Decodable, Sendable {
    let labels: [Label]
    let classes: [Label]
    let codes: [Int]
  }

  struct LabelCases: Decodable, Sendable {
    let strings: LabelCase<String>
    let ints: LabelCase<Int>
  }

  struct ImputerCase: Decodable, Sendable {
    let params: [String: Value]
    let statistics: [Double?]
    let transformed: FixtureMatrix
    let testTransformed: FixtureMatrix
    let featureNames: [String]
    let indicatorFeatures: [Int]?
    let inverse: FixtureMatrix?
    var parameters: ParameterSet { params.mapValues(\.value) }
  }

  struct PolynomialCase: Decodable, Sendable {
    let params: [String: Value]
    let transformed: FixtureMatrix
    let powers: [[Int]]
    let outputFeatureCount: Int
    let featureNames: [String]
    let namedFeatureNames: [String]
    var parameters: ParameterSet { params.mapValues(\.value) }
  }

  let inputs: [String: FixtureMatrix]
  let standardScaler: [Scaler<StandardCase>]
  let minMaxScaler: [Scaler<MinMaxCase>]
  let robustScaler: [Scaler<RobustCase>]
  let oneHotEncoder: [OneHotCase]
  let ordinalEncoder: [OrdinalCase]
  let labelEncoder: LabelCases
  let simpleImputer: [ImputerCase]
  let polynomialFeatures: [PolynomialCase]

  static let shared = Result { try Fixtures.decode(PreprocessingFixture.self, from: "scikit-learn/preprocessing.json") }

  static func load() throws -> PreprocessingFixture { try shared.get() }

  /// The input matrix called `name`.
  func input(_ name: String) throws -> Matrix {
    try #require(inputs[name], "no input '\(name)' in the fixture").matrix
  }
}

/// The parity tolerance: 1e-12 relative, or 1e-12 absolute near zero; NaN matches NaN.
let parityRelative = 1e-12
let parityAbsolute = 1e-12

/// Whether two matrices agree to the parity tolerance (shapes equal, NaN where NaN).
func parity(_ a: Matrix, _ b: Matrix) -> Bool {
  allClose(a, b, relative: parityRelative, absolute: parityAbsolute)
}

/// Whether two optional vectors agree to the parity tolerance (both `nil`, or close).
func parity(_ a: [Double]?, _ b: [Double]?) -> Bool {
  switch (a, b) {
  case (nil, nil): return true
  case let (a?, b?): return allClose(a, b, relative: parityRelative, absolute: parityAbsolute)
  default: return false
  }
}

/// The largest elementwise difference between two equally shaped matrices, NaNs matching; ∞ when
/// shapes or NaN positions differ. For failure messages.
func largestDifference(_ a: Matrix, _ b: Matrix) -> Double {
  guard a.shape == b.shape else { return .infinity }
  var worst = 0.0
  for (x, y) in zip(a.elements, b.elements) {
    if x.isNaN || y.isNaN {
      if x.isNaN != y.isNaN { return .infinity }
      continue
    }
    worst = max(worst, abs(x - y))
  }
  return worst
}
