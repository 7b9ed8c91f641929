import LearnCore
import LinearAlgebra

/// The conformance suite every estimator runs (scikit-learn's `check_estimator`).
///
/// Checks, on data the caller supplies (small, valid, at least two classes for a classifier):
/// - the hyperparameter table round-trips: `setting(parameters)` changes nothing, and the copy
///   returned by `setting` leaves the original untouched (value semantics);
/// - an unknown hyperparameter name throws `unknownHyperparameter` listing the valid names;
/// - every hyperparameter rejects a value of the wrong kind with `invalidHyperparameter`;
/// - fitting twice gives identical predictions (determinism for a fixed seed);
/// - the fitted model predicts the same from many threads at once (it is `Sendable` and immutable);
/// - bad input throws, never crashes: NaN and infinity in x, y of the wrong length, x with no rows,
///   and predicting on x with the wrong number of features.
///
/// With `allowsMissingValues` (an estimator that imputes, such as a pipeline starting with a
/// `SimpleImputer`), fitting with NaN in x must succeed instead of throwing; infinity must still
/// throw.
///
/// Throws ``ConformanceFailure`` listing every check that failed.
public func checkEstimator<E: Estimator>(_ estimator: E, x: Matrix, y: [E.Target], allowsMissingValues: Bool = false)
  throws where E.Target: Equatable
{
  var failures: [String] = []
  func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { failures.append(message()) }
  }
  func expectError(_ name: String, _ body: () throws -> Void, matching: (Error) -> Bool = { _ in true }) {
    do {
      try body()
      failures.append("\(name): expected an error, none was thrown")
    } catch {
      if !matching(error) { failures.append("\(name): unexpected error \(error)") }
    }
  }

  // Hyperparameters.
  let parameters = estimator.parameters
  check(Set(parameters.keys) == Set(estimator.hyperparameterNames), "parameters keys differ from the table's names")
  check(estimator.hyperparameterNames.count == Set(estimator.hyperparameterNames).count, "hyperparameter names are not unique")
  do {
    let copy = try estimator.setting(parameters)
    check(copy.parameters == parameters, "setting(parameters) changed the parameters")
  } catch {
    failures.append("setting(parameters) threw \(error)")
  }
  expectError("unknown hyperparameter", { _ = try estimator.setting(["no-such-parameter": 1]) }) {
    if case LearnError.unknownHyperparameter(let name, _, let valid) = $0 {
      return name == "no-such-parameter" && valid == estimator.hyperparameterNames
    }
    return false
  }
  for name in estimator.hyperparameterNames {
    expectError("hyperparameter '\(name)' given a wrong-kind value", {
      _ = try estimator.setting([name: .string("\u{1}not a valid value")])
    }) {
      if case LearnError.invalidHyperparameter(let rejected, _, _, _) = $0 { return rejected == name }
      return false
    }
  }

  // Fitting and predicting.
  do {
    let first = try estimator.fit(x, y)
    let second = try estimator.fit(x, y)
    let predictions = try first.predict(x)
    check(predictions.count == x.rowCount, "predict returned \(predictions.count) values for \(x.rowCount) rows")
    check(try second.predict(x) == predictions, "two fits on the same data predict differently")
    let concurrent = try Parallel.map(8, parallelism: .threads(4)) { _ in try first.predict(x) }
    check(concurrent.allSatisfy { $0 == predictions }, "concurrent predictions differ")
    let wrongWidth = Matrix(rowCount: 2, columnCount: x.columnCount + 1, repeating: 0.5)
    expectError("predict with the wrong feature count", { _ = try first.predict(wrongWidth) })
    if !allowsMissingValues {
      var withNaN = x
      withNaN[0, 0] = .nan
      expectError("predict with NaN in x", { _ = try first.predict(withNaN) })
    }
  } catch {
    failures.append("fit/predict on valid data threw \(error)")
  }

  // Bad input to fit.
  var withNaN = x
  withNaN[x.rowCount - 1, x.columnCount - 1] = .nan
  if allowsMissingValues {
    do {
      let model = try estimator.fit(withNaN, y)
      check(try model.predict(withNaN).count == x.rowCount, "predict with NaN in x returned the wrong count")
    } catch {
      failures.append("fit with NaN in x (missing values allowed) threw \(error)")
    }
  } else {
    expectError("fit with NaN in x", { _ = try estimator.fit(withNaN, y) }) {
      $0 as? LearnError == .nonFiniteValue(row: x.rowCount - 1, column: x.columnCount - 1)
    }
  }
  var withInfinity = x
  withInfinity[0, 0] = .infinity
  expectError("fit with infinity in x", { _ = try estimator.fit(withInfinity, y) }) {
    $0 as? LearnError == .nonFiniteValue(row: 0, column: 0)
  }
  expectError("fit with y of the wrong length", { _ = try estimator.fit(x, Array(y.dropLast())) }) {
    if case LearnError.shapeMismatch = $0 { return true }
    return false
  }
  expectError("fit with no rows", { _ = try estimator.fit(Matrix(rowCount: 0, columnCount: x.columnCount), []) })

  if !failures.isEmpty { throw ConformanceFailure(estimator: E.estimatorName, failures: failures) }
}

/// The checks of ``checkEstimator(_:x:y:)`` that failed.
public struct ConformanceFailure: Error, CustomStringConvertible {
  /// The estimator's type name.
  public let estimator: String
  /// One message per failed check.
  public let failures: [String]
  /// A readable description, used in error messages and logs.
  public var description: String {
    "\(estimator) failed \(failures.count) conformance check(s):\n- " + failures.joined(separator: "\n- ")
  }
}
