import LearnCore
import LinearAlgebra

/// Any classifier or regressor, type-erased, so estimators of different types can be alternatives
/// of one pipeline step (``EstimatorChoice``). Its hyperparameters are the wrapped estimator's,
/// under the same names, and it fits to an ``AnyModel``.
public struct AnyEstimator<Target: Sendable>: Estimator {
  /// The wrapped estimator.
  public private(set) var base: any Estimator<Target>
  private let fitBase: @Sendable (any Estimator<Target>, Matrix, [Target]) throws -> AnyModel<Target>
  private let rows: @Sendable (any Estimator<Target>) -> [Hyperparameter<AnyEstimator>]
  private let continueBase: (@Sendable (any Estimator<Target>, AnyModel<Target>, Matrix, [Target], Int) throws -> AnyModel<Target>)?
  private let continuesFrom: (@Sendable (any Estimator<Target>, AnyModel<Target>) -> Bool)?

  private init<E: Estimator>(wrapping estimator: E, wrap: @escaping @Sendable (E.Fitted) -> AnyModel<Target>)
  where E.Target == Target {
    if let already = estimator as? AnyEstimator {
      self = already
      return
    }
    base = estimator
    fitBase = { base, x, y in wrap(try (base as! E).fit(x, y)) }
    let incremental = estimator as? any IncrementallyTrainable
    continueBase = incremental.map { Self.continuation($0, wrap: wrap) }
    continuesFrom = incremental.map { Self.acceptance($0) }
    rows = { base in (base as! E).hyperparameterTable.map { $0.reached(get: { $0.base as! E }, set: { $0.base = $1 }) } }
    Self.registerForLoading(E.self, wrap: wrap)
  }

  /// Registers `E` and its model for loading inside this wrapper and ``AnyModel`` when they are
  /// ``Persistable``, so checkpoints and files of erased parts load in a process that built them.
  private static func registerForLoading<E: Estimator>(_: E.Type, wrap: @escaping @Sendable (E.Fitted) -> AnyModel<Target>)
  where E.Target == Target {
    func estimator<P: Persistable>(_: P.Type) {
      ModelRegistry.shared.registerIfAbsent(P.self, as: AnyEstimator.self) { AnyEstimator(wrapping: $0 as! E, wrap: wrap) }
    }
    func model<P: Persistable>(_: P.Type) {
      ModelRegistry.shared.registerIfAbsent(P.self, as: AnyModel<Target>.self) { wrap($0 as! E.Fitted) }
    }
    if let type = E.self as? any Persistable.Type { estimator(type) }
    if let type = E.Fitted.self as? any Persistable.Type { model(type) }
  }

  /// No rows of its own: see ``hyperparameterTable``.
  public static var hyperparameters: [Hyperparameter<AnyEstimator>] { [] }

  /// The wrapped estimator's rows, reading and writing through the wrapper.
  public var hyperparameterTable: [Hyperparameter<AnyEstimator>] { rows(base) }

  /// The wrapped estimator's default search space, under the same names.
  public var defaultSearchSpace: [String: Distribution] { base.defaultSearchSpace }

  /// The wrapped type's ``LearnCore/Tunable/stepName`` (`"svc"`).
  public var stepName: String { Self.stepName(of: base) }

  /// The wrapped type's name, for messages.
  public var typeName: String { Self.typeName(of: base) }

  /// The wrapped estimator's structure.
  public var structureDescription: String { base.structureDescription }

  /// Fits the wrapped estimator.
  public func fit(_ x: Matrix, _ y: [Target]) throws -> AnyModel<Target> {
    try fitBase(base, x, y)
  }

  /// Continued training for a wrapped `I` (the same type as `E`, known here to be incremental).
  private static func continuation<I: IncrementallyTrainable, Fitted>(
    _ incremental: I, wrap: @escaping @Sendable (Fitted) -> AnyModel<Target>
  ) -> @Sendable (any Estimator<Target>, AnyModel<Target>, Matrix, [Target], Int) throws -> AnyModel<Target> {
    { base, model, x, y, budget in
      guard let fitted: I.Fitted = unwrapped(model), let targets = y as? [I.Target] else {
        throw LearnError.invalidArgument(
          name: "model", reason: "the model to continue was fitted by \(model.typeName), not by \(I.estimatorName)")
      }
      return wrap(try (base as! I).continued(fitted, on: x, targets, budget: budget) as! Fitted)
    }
  }

  /// Whether the wrapped `I` can continue `model`.
  private static func acceptance<I: IncrementallyTrainable>(_ incremental: I) -> @Sendable (any Estimator<Target>, AnyModel<Target>) -> Bool {
    { base, model in
      guard let fitted: I.Fitted = unwrapped(model) else { return false }
      return (base as! I).canContinue(from: fitted)
    }
  }

  /// `model` as a `Fitted`: itself when the wrapped estimator is a wrapper too (a choice fits to an
  /// `AnyModel`), else the model it wraps.
  private static func unwrapped<Fitted>(_ model: AnyModel<Target>) -> Fitted? {
    (model as? Fitted) ?? (model.base as? Fitted)
  }

  private static func stepName<E: Estimator>(of base: E) -> String { E.stepName }
  private static func typeName<E: Estimator>(of base: E) -> String { E.estimatorName }
}

extension AnyEstimator: InstanceStepNaming {}

extension AnyEstimator: IncrementallyTrainable {
  /// Whether the wrapped estimator is ``LearnCore/IncrementallyTrainable`` and, when it wraps a
  /// choice, can continue in its current configuration.
  public var canContinueTraining: Bool { (base as? any IncrementallyTrainable)?.canContinueTraining ?? false }

  /// Whether the wrapped estimator can continue `model` (one of its own models).
  public func canContinue(from model: AnyModel<Target>) -> Bool { continuesFrom?(base, model) ?? false }

  /// The wrapped estimator's units, under the same names; `nil` when it cannot train by units.
  public var trainingUnits: TrainingUnits? { (base as? any IncrementallyTrainable)?.trainingUnits }

  /// The wrapped estimator's fixed hyperparameters.
  public var fixedWhileContinuing: Set<String> { (base as? any IncrementallyTrainable)?.fixedWhileContinuing ?? [] }

  /// Continues `model` with the wrapped estimator; throws when the wrapped estimator cannot
  /// continue training or `model` is not one of its models.
  public func continued(_ model: AnyModel<Target>, on x: Matrix, _ y: [Target], budget: Int) throws -> AnyModel<Target> {
    guard let continueBase else {
      throw LearnError.invalidArgument(name: "estimator", reason: "\(typeName) cannot continue training")
    }
    return try continueBase(base, model, x, y, budget)
  }
}

extension AnyEstimator where Target == Int {
  /// Wraps a classifier (an `AnyEstimator` is not wrapped twice).
  public init<E: Estimator>(_ classifier: E) where E.Target == Int, E.Fitted: ClassifierModel {
    self.init(wrapping: classifier) { AnyModel($0) }
  }
}

extension AnyEstimator where Target == Double {
  /// Wraps a regressor (an `AnyEstimator` is not wrapped twice).
  public init<E: Estimator>(_ regressor: E) where E.Target == Double, E.Fitted: RegressorModel {
    self.init(wrapping: regressor) { AnyModel($0) }
  }
}

/// Any fitted classifier or regressor, type-erased (what ``AnyEstimator`` fits to). A classifier's
/// probabilities and decision function are forwarded when the wrapped model has them, and
/// otherwise throw an error naming the model.
public struct AnyModel<Target: Sendable>: Predictor {
  /// The wrapped fitted model.
  public let base: any Predictor
  private let predictBase: @Sendable (Matrix) throws -> [Target]
  private let storedClasses: [Int]

  private init<M: Predictor>(wrapping model: M, classes: [Int]) where M.Prediction == Target {
    if let already = model as? AnyModel {
      self = already
      return
    }
    base = model
    predictBase = { try model.predict($0) }
    storedClasses = classes
  }

  /// The wrapped model's predictions.
  public func predict(_ x: Matrix) throws -> [Target] { try predictBase(x) }

  /// The wrapped model's warnings.
  public var warnings: [LearnWarning] { base.warnings }

  /// The wrapped model's type name, for messages.
  var typeName: String { String(reflecting: type(of: base)) }
}

extension AnyModel where Target == Int {
  /// Wraps a fitted classifier.
  public init<M: ClassifierModel>(_ model: M) {
    self.init(wrapping: model, classes: model.classes)
  }
}

extension AnyModel where Target == Double {
  /// Wraps a fitted regressor.
  public init<M: RegressorModel>(_ model: M) {
    self.init(wrapping: model, classes: [])
  }
}

extension AnyModel: ClassifierModel where Target == Int {
  /// The wrapped classifier's classes.
  public var classes: [Int] { storedClasses }
}

extension AnyModel: ProbabilisticClassifierModel where Target == Int {
  /// The wrapped classifier's probabilities; throws when it gives none.
  public func predictProbabilities(_ x: Matrix) throws -> Matrix {
    guard let model = base as? any ProbabilisticClassifierModel else {
      throw LearnError.invalidArgument(
        name: "estimator", reason: "\(typeName) gives no class probabilities (it is not a ProbabilisticClassifierModel)")
    }
    return try model.predictProbabilities(x)
  }
}

extension AnyModel: DecisionFunctionModel where Target == Int {
  /// Whether the wrapped classifier has a decision function.
  public var hasDecisionFunction: Bool { (base as? any DecisionFunctionModel)?.hasDecisionFunction ?? false }

  /// The wrapped classifier's decision function; throws when it has none.
  public func decisionFunction(_ x: Matrix) throws -> Matrix {
    guard let model = base as? any DecisionFunctionModel else {
      throw LearnError.invalidArgument(
        name: "estimator", reason: "\(typeName) has no decision function (it is not a DecisionFunctionModel)")
    }
    return try model.decisionFunction(x)
  }
}

extension AnyModel: RegressorModel where Target == Double {}
