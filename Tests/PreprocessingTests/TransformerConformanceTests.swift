import LearnCore
import LearnTestSupport
import LinearAlgebra
import Preprocessing
import Testing

/// The transformer counterpart of `checkEstimator`: returns the checks that failed (empty when all
/// pass). `x` must be valid, finite input with at least two rows.
///
/// - the hyperparameter table round-trips, rejects an unknown name (listing the valid ones) and a
///   wrong-kind value for every row;
/// - two fits transform identically, and the fitted transform gives the same result from many
///   threads;
/// - bad input throws the documented errors: NaN (unless `nanIsMissing`) and infinity at fit and
///   at transform, no rows or no columns at fit, the wrong feature count at transform.
func transformerFailures<T: Transformer>(_ transformer: T, x: Matrix, nanIsMissing: Bool = false) -> [String] {
  var failures: [String] = []
  func expectError(_ name: String, _ body: () throws -> Void, matching: (Error) -> Bool = { _ in true }) {
    do {
      try body()
      failures.append("\(name): expected an error, none was thrown")
    } catch {
      if !matching(error) { failures.append("\(name): unexpected error \(error)") }
    }
  }
  // Hyperparameters.
  let parameters = transformer.parameters
  if Set(parameters.keys) != Set(transformer.hyperparameterNames) { failures.append("parameters keys differ from the table") }
  do {
    if try transformer.setting(parameters).parameters != parameters { failures.append("setting(parameters) changed them") }
  } catch {
    failures.append("setting(parameters) threw \(error)")
  }
  expectError("unknown hyperparameter", { _ = try transformer.setting(["noSuchParameter": 1]) }) {
    if case LearnError.unknownHyperparameter(let name, _, let valid) = $0 {
      return name == "noSuchParameter" && valid == transformer.hyperparameterNames
    }
    return false
  }
  for name in transformer.hyperparameterNames {
    expectError("'\(name)' given a wrong-kind value", { _ = try transformer.setting([name: .string("\u{1}bad")]) }) {
      if case LearnError.invalidHyperparameter(let rejected, _, _, _) = $0 { return rejected == name }
      return false
    }
  }
  // Fitting and transforming.
  do {
    let first = try transformer.fit(x), second = try transformer.fit(x)
    let output = try first.transform(x)
    if output.rowCount != x.rowCount { failures.append("transform returned \(output.rowCount) rows for \(x.rowCount)") }
    if try second.transform(x) != output { failures.append("two fits transform differently") }
    let concurrent = try Parallel.map(8, parallelism: .threads(4)) { _ in try first.transform(x) }
    if !concurrent.allSatisfy({ $0 == output }) { failures.append("concurrent transforms differ") }
    let wide = Matrix(rowCount: 2, columnCount: x.columnCount + 1, repeating: 0)
    expectError("transform with the wrong feature count", { _ = try first.transform(wide) }) {
      if case LearnError.shapeMismatch = $0 { return true }
      return false
    }
    var withInfinity = x
    withInfinity[1, x.columnCount - 1] = .infinity
    expectError("transform with infinity", { _ = try first.transform(withInfinity) }) {
      $0 as? LearnError == .nonFiniteValue(row: 1, column: x.columnCount - 1)
    }
    if !nanIsMissing {
      var withNaN = x
      withNaN[0, 0] = .nan
      expectError("transform with NaN", { _ = try first.transform(withNaN) }) {
        $0 as? LearnError == .nonFiniteValue(row: 0, column: 0)
      }
    }
    let none = try first.transform(Matrix(rowCount: 0, columnCount: x.columnCount))
    if none.rowCount != 0 { failures.append("transform of no rows gave \(none.rowCount) rows") }
  } catch {
    failures.append("fit/transform on valid data threw \(error)")
  }
  // Bad input to fit.
  if !nanIsMissing {
    var withNaN = x
    withNaN[x.rowCount - 1, x.columnCount - 1] = .nan
    expectError("fit with NaN", { _ = try transformer.fit(withNaN) }) {
      $0 as? LearnError == .nonFiniteValue(row: x.rowCount - 1, column: x.columnCount - 1)
    }
  }
  var withInfinity = x
  withInfinity[0, 0] = -.infinity
  expectError("fit with infinity", { _ = try transformer.fit(withInfinity) }) {
    $0 as? LearnError == .nonFiniteValue(row: 0, column: 0)
  }
  expectError("fit with no rows", { _ = try transformer.fit(Matrix(rowCount: 0, columnCount: x.columnCount)) }) {
    $0 as? LearnError == .emptyInput("x has no rows")
  }
  expectError("fit with no columns", { _ = try transformer.fit(Matrix(rowCount: 3, columnCount: 0)) }) {
    $0 as? LearnError == .emptyInput("x has no columns")
  }
  return failures
}

@Suite struct TransformerConformanceTests {
  static let codes = try! Matrix([[0, 5, 1], [1, 5, 2], [2, 7, 1], [0, 7, 3]])
  static let data = try! Matrix([[1.5, -2, 0], [0, 3, 4], [2, 2.5, -1], [7, 0.5, 4]])

  @Test func scalersConform() throws {
    for transformer in [StandardScaler(), StandardScaler(withMean: false), StandardScaler(withMean: false, withStd: false)] {
      let failures = transformerFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [MinMaxScaler(), MinMaxScaler(featureRangeLower: -1, featureRangeUpper: 1, clip: true)] {
      let failures = transformerFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [RobustScaler(), RobustScaler(quantileRangeLower: 10, quantileRangeUpper: 90, unitVariance: true)] {
      let failures = transformerFailures(transformer, x: Self.data)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
  }

  @Test func encodersConform() throws {
    for transformer in [OneHotEncoder(), OneHotEncoder(handleUnknown: .ignore, drop: .ifBinary)] {
      let failures = transformerFailures(transformer, x: Self.codes)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [OrdinalEncoder(), OrdinalEncoder(handleUnknown: .useEncodedValue, unknownValue: -1)] {
      // With use_encoded_value, the wrong-width matrix of zeros still has the wrong width.
      let failures = transformerFailures(transformer, x: Self.codes)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
  }

  @Test func imputerAndPolynomialConform() throws {
    var missing = Self.data
    missing[2, 1] = .nan
    for transformer in [SimpleImputer(), SimpleImputer(strategy: .constant, fillValue: 2, addIndicator: true)] {
      let failures = transformerFailures(transformer, x: missing, nanIsMissing: true)
      #expect(failures.isEmpty, "\(transformer): \(failures)")
    }
    for transformer in [PolynomialFeatures(), PolynomialFeatures(degree: 3, interactionOnly: true, includeBias: false)] {
      let failures = transformerFailures(transformer, x: Self.data)
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
    let failures = transformerFailures(Lenient(), x: Self.data)
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
