import LinearAlgebra

/// The one error vocabulary of Learn. Every case names what is wrong and where, so a message can
/// be acted on without a debugger: which row and column, which hyperparameter and its valid range,
/// which line of the CSV.
///
/// Convergence is not an error: models report `converged` and `iterations` and carry a
/// ``LinearAlgebra/LearnWarning`` instead, which a ``WarningPolicy`` can turn into ``warning(_:)``.
public enum LearnError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Inputs whose shapes do not agree (x and y of different lengths, wrong feature count, …).
  case shapeMismatch(String)
  /// An input that must not be empty is (no rows, no features, no classes…).
  case emptyInput(String)
  /// A NaN or infinite value where finite numbers are required.
  case nonFiniteValue(row: Int, column: Int)
  /// A classifier was given a target with a single class.
  case singleClass(label: Int)
  /// A hyperparameter name the estimator does not have; `valid` lists the names it has.
  case unknownHyperparameter(name: String, estimator: String, valid: [String])
  /// A hyperparameter value outside its valid range or of the wrong kind.
  case invalidHyperparameter(name: String, estimator: String, expected: String, got: String)
  /// An argument of a function (not a hyperparameter) that is out of range.
  case invalidArgument(name: String, reason: String)
  /// Malformed CSV input at a 1-based `line`; `column` names the column when one is at fault.
  case malformedCSV(line: Int, column: String?, reason: String)
  /// A named column that the data does not have; `available` lists the columns it does have.
  case missingColumn(name: String, available: [String])
  /// A file that could not be read or written.
  case io(path: String, reason: String)
  /// A failure in the numeric layer (shape mismatch, not positive definite, no convergence).
  case linearAlgebra(LinearAlgebraError)
  /// The job was cancelled through its ``JobContext``'s ``CancellationFlag``; the message says
  /// where the work stopped ("after tree 37 of 100", "before epoch 12"). No model is returned.
  case cancelled(String)
  /// A saved model or configuration that cannot be loaded: `field` is the path to the faulty
  /// value inside the file (`"value.trees[3].left"`, or `"file"` for the file as a whole) and
  /// `reason` says what is wrong with it.
  case unreadableModel(field: String, reason: String)
  /// A warning that a ``WarningPolicy`` turned into an error (scikit-learn's
  /// `warnings.simplefilter("error")`).
  case warning(LearnWarning)
  /// A finite value beyond what a model's arithmetic can hold: `value` at `row`, `column` is
  /// larger in magnitude than `limit` (a tree's 32-bit thresholds stop at about 3.4e38).
  case valueTooLarge(row: Int, column: Int, value: Double, limit: Double, model: String)

  /// A readable description, used in error messages and logs.
  public var description: String {
    switch self {
    case .shapeMismatch(let message): return "shape mismatch: \(message)"
    case .emptyInput(let message): return "empty input: \(message)"
    case .nonFiniteValue(let row, let column):
      return "non-finite value (NaN or infinity) at row \(row), column \(column)"
    case .singleClass(let label):
      return "the target has a single class (\(label)); a classifier needs at least two"
    case .unknownHyperparameter(let name, let estimator, let valid):
      let suggestion = nearestName(to: name, in: valid).map { " (did you mean '\($0)'?)" } ?? ""
      return "\(estimator) has no hyperparameter '\(name)'\(suggestion); valid names are \(valid.joined(separator: ", "))"
    case .invalidHyperparameter(let name, let estimator, let expected, let got):
      return "the '\(name)' hyperparameter of \(estimator) must be \(expected); got \(got) instead"
    case .invalidArgument(let name, let reason): return "invalid argument '\(name)': \(reason)"
    case .malformedCSV(let line, let column, let reason):
      if let column { return "CSV line \(line), column '\(column)': \(reason)" }
      return "CSV line \(line): \(reason)"
    case .missingColumn(let name, let available):
      return "no column named '\(name)'; the columns are \(available.joined(separator: ", "))"
    case .io(let path, let reason): return "\(path): \(reason)"
    case .linearAlgebra(let error): return error.description
    case .cancelled(let position): return "cancelled \(position)"
    case .unreadableModel(let field, let reason): return "saved model, field '\(field)': \(reason)"
    case .warning(let warning): return "warning treated as an error: \(warning)"
    case .valueTooLarge(let row, let column, let value, let limit, let model):
      return "value \(value) at row \(row), column \(column) is too large for \(model) (its limit is ±\(limit)); "
        + "scale the feature, for example with StandardScaler"
    }
  }
}

/// Checks shared by every estimator's `fit` and every model's `predict`.
public enum Validation {
  /// Throws when `x` has no rows or no columns, or holds a NaN or infinity; warns
  /// (``LinearAlgebra/LearnWarning/Category/numericalRange``) when a value is beyond
  /// ``squareRange``.
  public static func checkFeatures(_ x: Matrix) throws(LearnError) {
    guard x.rowCount > 0 else { throw .emptyInput("x has no rows") }
    guard x.columnCount > 0 else { throw .emptyInput("x has no columns") }
    if let bad = x.firstNonFinite() { throw .nonFiniteValue(row: bad.row, column: bad.column) }
    warnBeyondSquareRange(x)
  }

  /// The largest magnitude whose square is a finite `Double` (about 1.34e154). Beyond it, sums of
  /// squares, variances, kernels and gradients overflow, so a solver or a scaler fits nonsense.
  public static let squareRange = Double.greatestFiniteMagnitude.squareRoot()

  /// Emits a ``LinearAlgebra/LearnWarning/Category/numericalRange`` warning when a value of `x` is
  /// beyond ``squareRange`` (only when someone gathers warnings). The message names no row or
  /// value, so the folds of one data set raise one warning, not one each.
  static func warnBeyondSquareRange(_ x: Matrix) {
    guard JobContext.current?.warnings != nil else { return }
    let beyond = x.withUnsafeBufferPointer { a in a.contains { $0.magnitude > squareRange } }
    guard beyond else { return }
    LearnWarning.emit(.numericalRange, "x holds values beyond ±1.3e154, where squares overflow, so solvers, kernels and "
      + "scalers cannot fit them: divide the features by a power of ten first")
  }

  /// Throws unless `x` is valid and `y` has one entry per row of `x`.
  public static func checkSamples<T>(_ x: Matrix, _ y: [T]) throws(LearnError) {
    try checkFeatures(x)
    guard y.count == x.rowCount else {
      throw .shapeMismatch("x has \(x.rowCount) rows but y has \(y.count) entries")
    }
  }

  /// Throws unless `x` has rows and columns and `y` has one entry per row. Values are not checked:
  /// composites (pipelines, cross-validation) leave that to their steps, so an imputer can see NaN.
  public static func checkShapes<T>(_ x: Matrix, _ y: [T]) throws(LearnError) {
    guard x.rowCount > 0 else { throw .emptyInput("x has no rows") }
    guard x.columnCount > 0 else { throw .emptyInput("x has no columns") }
    guard y.count == x.rowCount else {
      throw .shapeMismatch("x has \(x.rowCount) rows but y has \(y.count) entries")
    }
  }

  /// Throws unless every target value is finite (column 0 names the target in the message).
  public static func checkFiniteTargets(_ y: [Double]) throws(LearnError) {
    if let row = y.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: row, column: 0) }
  }

  /// Throws ``LearnError/cancelled(_:)`` with the message `position` (say, "after tree 37 of 100")
  /// when the calling thread's job is cancelled (``JobContext/isCancelled``). A thread-local read
  /// and an atomic load, a few nanoseconds: call it between trees, epochs or solver iterations,
  /// never in an inner numeric loop (``CancellationCheckpoint`` spaces checks by work done).
  public static func checkCancellation(_ position: @autoclosure () -> String) throws(LearnError) {
    if JobContext.isCancelled { throw .cancelled(position()) }
  }

  /// Throws unless `x` has the `expected` number of features a model was fitted with.
  public static func checkFeatureCount(_ x: Matrix, expected: Int) throws(LearnError) {
    guard x.columnCount == expected else {
      throw .shapeMismatch("x has \(x.columnCount) features but the model was fitted with \(expected)")
    }
    if let bad = x.firstNonFinite() { throw .nonFiniteValue(row: bad.row, column: bad.column) }
  }
}

/// The valid name nearest to `name`, when one is close: the same name in scikit-learn's spelling
/// (`svc__C` for `svc.c`, `n_estimators` for `nEstimators`: `__` for `.`, snake case, any case),
/// else the closest by edit distance, if within a third of the name's length (at least 2).
public func nearestName(to name: String, in valid: [String]) -> String? {
  func normalized(_ s: String) -> [Character] {
    Array(s.replacingOccurrences(of: "__", with: ".").lowercased().filter { $0 != "_" })
  }
  let target = normalized(name)
  if let same = valid.first(where: { normalized($0) == target }) { return same }
  var best: (name: String, distance: Int)?
  for candidate in valid {
    let distance = editDistance(target, normalized(candidate))
    if best == nil || distance < best!.distance { best = (candidate, distance) }
  }
  guard let best, best.distance <= Swift.max(2, target.count / 3) else { return nil }
  return best.name
}

/// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  var previous = Array(0...b.count)
  for i in 1...Swift.max(1, a.count) where !a.isEmpty {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in stride(from: 1, through: b.count, by: 1) {
      current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return a.isEmpty ? b.count : previous[b.count]
}
