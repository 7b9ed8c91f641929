import LinearAlgebra

extension Predictor {
  /// The warnings of this model's fit: none unless the model type says otherwise.
  public var warnings: [LearnWarning] { [] }
}

extension Predictor where Self: IterativeModel {
  /// A ``LinearAlgebra/LearnWarning/Category/convergence`` warning when the solver stopped at its
  /// iteration limit (scikit-learn's `ConvergenceWarning`), else none.
  public var warnings: [LearnWarning] { convergenceWarnings }
}

extension IterativeModel {
  /// The convergence warning of a model that did not converge: the one place its words live.
  public var convergenceWarnings: [LearnWarning] {
    converged ? [] : [LearnWarning(.convergence, "the solver stopped after \(iterations) iterations without meeting its "
      + "tolerance; raise maxIterations or scale the features")]
  }
}

/// Which warnings are errors (scikit-learn's `warnings.simplefilter("error", category)`): a
/// search under a policy fails the trials whose folds warned in one of ``errors``, and
/// ``collectingWarnings(_:_:)`` throws. The default, ``record``, keeps every warning as a warning.
public struct WarningPolicy: Sendable, Hashable {
  /// The categories that become errors.
  public var errors: Set<LearnWarning.Category>

  /// A policy that turns the warnings of `errors` into errors.
  public init(errors: Set<LearnWarning.Category>) { self.errors = errors }

  /// Every warning stays a warning.
  public static let record = WarningPolicy(errors: [])
  /// Every warning is an error.
  public static let error = WarningPolicy(errors: Set(LearnWarning.Category.allCases))

  /// Throws ``LearnError/warning(_:)`` for the first of `warnings` in ``errors``.
  public func check(_ warnings: [LearnWarning]) throws(LearnError) {
    if let first = warnings.first(where: { errors.contains($0.category) }) { throw .warning(first) }
  }
}

/// A value and the warnings raised while computing it.
public struct Warned<Value> {
  /// What the body returned.
  public var value: Value
  /// The distinct warnings, in the order first seen: those emitted while the body ran, then
  /// those the value carries as a ``Predictor`` that were not emitted.
  public var warnings: [LearnWarning]
}

extension Warned: Sendable where Value: Sendable {}

/// Runs `body` with a ``LinearAlgebra/WarningSink`` bound to the calling thread (and carried by
/// ``LinearAlgebra/Parallel`` to its workers), and returns its value with the warnings it raised.
/// When the value is a fitted model, its own ``Predictor/warnings`` join them. Warnings also reach
/// any sink bound around this call. Under `policy`, a warning of one of its error categories is
/// thrown as ``LearnError/warning(_:)`` once the body has finished.
///
/// ```swift
/// let fitted = try collectingWarnings { try LogisticRegression(maxIterations: 5).fit(x, y) }
/// for warning in fitted.warnings { print("warning:", warning) }
/// ```
public func collectingWarnings<T>(_ policy: WarningPolicy = .record, _ body: () throws -> T) throws -> Warned<T> {
  var context = JobContext.current ?? JobContext()
  let sink = WarningSink(parent: context.warnings)
  context.warnings = sink
  let value = try JobContext.with(context, body)
  var warnings = sink.warnings
  if let model = value as? any Predictor {
    for warning in model.warnings where !warnings.contains(warning) {
      warnings.append(warning)
      sink.parent?.record(warning)
    }
  }
  try policy.check(warnings)
  return Warned(value: value, warnings: warnings)
}
