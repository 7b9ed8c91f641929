import LearnCore
import LearnTestSupport
import LinearAlgebra
import Preprocessing
import Testing

@Suite struct TransformerConformanceTests {
  static let codes = try! Matrix([[0, 5, 1], [1, 5, 2], [2, 7, 1], [0, 7, 3]])
  static let data = try! Matrix([[1.5, -2, 0], [0, 3, 4], [2, 2.5, -1], [7, 0.5, 4]])

  @Test func scalersConform() throws {
    for transformer in [StandardScaler(), StandardScaler(withMean: false), StandardScaler(withMean: false, withStd: false)] {
      let failures = transformerConformanceFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [MinMaxScaler(), MinMaxScaler(featureRangeLower: -1, featureRangeUpper: 1, clip: true)] {
      let failures = transformerConformanceFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [RobustScaler(), RobustScaler(quantileRangeLower: 10, quantileRangeUpper: 90, unitVariance: true)] {
      let failures = transformerConformanceFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
  }

  @Test func encodersConform() throws {
    for transformer in [OneHotEncoder(), OneHotEncoder(handleUnknown: .ignore, drop: .ifBinary)] {
      let failures = transformerConformanceFailures(transformer, x: Self.codes)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [OrdinalEncoder(), OrdinalEncoder(handleUnknown: .useEncodedValue, unknownValue: -1)] {
      // With use_encoded_value, the wrong-width matrix of zeros still has the wrong width.
      let failures = transformerConformanceFailures(transformer, x: Self.codes)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
  }

  @Test func imputerAndPolynomialConform() throws {
    var missing = Self.data
    missing[2, 1] = .nan
    for transformer in [SimpleImputer(), SimpleImputer(strategy: .constant, fillValue: 2, addIndicator: true)] {
      let failures = transformerConformanceFailures(transformer, x: missing, nanIsMissing: true)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [PolynomialFeatures(), PolynomialFeatures(degree: 3, interactionOnly: true, includeBias: false)] {
      let failures = transformerConformanceFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
  }

  /// The helper itself must be able to fail: a transformer that accepts NaN is caught.
  @Test func conformanceCheckCatchesNaNPassingThrough() {
    struct Lenient: Transformer {
      struct Fitted: FittedTransformer {
        func transform(_ x: Matrix) throws -> Matrix { x }
      }
      static let hyperparameters: [Hyperparameter<Lenient>] = []
      func fit(_ x: Matrix) throws -> Fitted { Fitted() }
    }
    let failures = transformerConformanceFailures(Lenient(), x: Self.data)
    #expect(failures.contains { $0.hasPrefix("fit with NaN") })
    #expect(failures.contains { $0.hasPrefix("transform with the wrong feature count") })
  }

  @Test func featureNamesFollowScikitLearn() throws {
    let scaler = try StandardScaler().fit(Self.data)
    #expect(try scaler.featureNamesOut() == ["x0", "x1", "x2"])
    #expect(try scaler.featureNamesOut(["a", "b", "c"]) == ["a", "b", "c"])
    #expect(throws: LearnError.shapeMismatch("2 input feature names for 3 features")) {
      try scaler.featureNamesOut(["a", "b"])
    }
    let oneHot = try OneHotEncoder().fit(try Matrix([[0.5, -1], [2, 1e16]]))
    #expect(try oneHot.featureNamesOut() == ["x0_0.5", "x0_2.0", "x1_-1.0", "x1_1e+16"])
    let names: [any FeatureNamingTransformer] = [
      try MinMaxScaler().fit(Self.data), try RobustScaler().fit(Self.data), try OrdinalEncoder().fit(Self.codes),
    ]
    for model in names { #expect(try model.featureNamesOut(["p", "q", "r"]) == ["p", "q", "r"]) }
  }
}
