import LearnCore
import LinearAlgebra

/// The transformer counterpart of `checkEstimator`: returns the checks that failed (empty when all
/// pass). `x` must be valid, finite input with at least two rows.
///
/// - the hyperparameter table round-trips, rejects an unknown name (listing the valid ones) and a
///   wrong-kind value for every row;
/// - two fits transform identically, and the fitted transform gives the same result from many
///   threads;
/// - bad input throws the documented errors: NaN (unless `nanIsMissing`) and infinity at fit and
///   at transform, no rows or no columns at fit, the wrong feature count at transform.
public func transformerConformanceFailures<T: Transformer>(
  _ transformer: T, x: Matrix, nanIsMissing: Bool = false
) -> [String] {
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

/// Runs ``transformerConformanceFailures(_:x:nanIsMissing:)`` and throws ``ConformanceFailure``
/// listing every failed check: the transformer counterpart of ``checkEstimator(_:x:y:allowsMissingValues:)``.
public func checkTransformer<T: Transformer>(_ transformer: T, x: Matrix, nanIsMissing: Bool = false) throws {
  let failures = transformerConformanceFailures(transformer, x: x, nanIsMissing: nanIsMissing)
  if !failures.isEmpty { throw ConformanceFailure(estimator: T.estimatorName, failures: failures) }
}
