import LearnCore
import LinearAlgebra

/// One named transformer of a ``Pipeline``.
public struct PipelineStep: Sendable {
  /// The step's name: the prefix of its hyperparameters (`"scaler"` in `"scaler.withMean"`).
  public var name: String
  /// The transformer.
  public var transformer: AnyTransformer

  /// A named step.
  public init<T: Transformer>(_ name: String, _ transformer: T) {
    self.name = name
    self.transformer = AnyTransformer(transformer)
  }
}

/// Transformers applied in order, then a final estimator (scikit-learn's `Pipeline`). A pipeline is
/// itself an estimator: fitting it fits each transformer on the output of the previous one and the
/// final estimator on the last output, so cross-validation and searches never leak test rows into
/// the transformers' statistics.
///
/// Hyperparameters of every step are reachable by prefixed names, so a search can tune any of
/// them: `try pipeline.setting(["standardscaler.withMean": false, "dummyclassifier.strategy": "prior"])`.
public struct Pipeline<Final: Estimator>: Estimator {
  /// The predictions of the final estimator.
  public typealias Target = Final.Target

  /// The transformers, in order.
  public var steps: [PipelineStep]
  /// The name of the final step.
  public var finalName: String
  /// The final estimator.
  public var final: Final

  /// A pipeline from named steps; throws when two steps share a name or a name is empty or has a
  /// dot (the prefix separator).
  public init(steps: [PipelineStep], final: Final, finalName: String = Final.stepName) throws(LearnError) {
    try validatePrefixNames(steps.map(\.name) + [finalName], argument: "steps", noun: "step")
    self.steps = steps
    self.final = final
    self.finalName = finalName
  }

  /// A pipeline of one transformer and a final estimator, named as scikit-learn's `make_pipeline`
  /// names them (lower-cased type names, with `-1`, `-2` … appended to repeats).
  public init<T1: Transformer>(_ t1: T1, _ final: Final) {
    self.init(unnamed: [AnyTransformer(t1)], final: final)
  }

  /// A pipeline of two transformers and a final estimator, named as by `make_pipeline`.
  public init<T1: Transformer, T2: Transformer>(_ t1: T1, _ t2: T2, _ final: Final) {
    self.init(unnamed: [AnyTransformer(t1), AnyTransformer(t2)], final: final)
  }

  /// A pipeline of three transformers and a final estimator, named as by `make_pipeline`.
  public init<T1: Transformer, T2: Transformer, T3: Transformer>(_ t1: T1, _ t2: T2, _ t3: T3, _ final: Final) {
    self.init(unnamed: [AnyTransformer(t1), AnyTransformer(t2), AnyTransformer(t3)], final: final)
  }

  private init(unnamed transformers: [AnyTransformer], final: Final) {
    let finalStepName = (final as? any InstanceStepNaming)?.stepName ?? Final.stepName
    let names = uniqueStepNames(transformers.map(\.stepName) + [finalStepName])
    steps = zip(names, transformers).map { PipelineStep($0, $1) }
    finalName = names[names.count - 1]
    self.final = final
  }

  /// No rows of its own: see ``hyperparameterTable``.
  public static var hyperparameters: [Hyperparameter<Pipeline>] { [] }

  /// Every step's hyperparameters, prefixed with the step's name, then the final estimator's.
  public var hyperparameterTable: [Hyperparameter<Pipeline>] {
    var rows: [Hyperparameter<Pipeline>] = []
    for index in steps.indices {
      let path: WritableKeyPath<Pipeline, AnyTransformer> & Sendable = \Pipeline.steps[index].transformer
      rows += steps[index].transformer.hyperparameterTable.map { $0.lifted(prefix: steps[index].name, through: path) }
    }
    let finalPath: WritableKeyPath<Pipeline, Final> & Sendable = \Pipeline.final
    rows += final.hyperparameterTable.map { $0.lifted(prefix: finalName, through: finalPath) }
    return rows
  }

  /// Every step's default search space, prefixed with the step's name, then the final estimator's
  /// (`"mlpclassifier.alpha"`): the same names as ``hyperparameterTable``.
  public var defaultSearchSpace: [String: Distribution] {
    var space = final.defaultSearchSpace(prefixedWith: finalName)
    for step in steps { space.merge(step.transformer.defaultSearchSpace(prefixedWith: step.name)) { $1 } }
    return space
  }

  /// `Pipeline[<step>: <structure>, …, <final>: <structure>]`.
  public var structureDescription: String {
    let parts = steps.map { "\($0.name): \($0.transformer.structureDescription)" }
      + ["\(finalName): \(final.structureDescription)"]
    return "Pipeline[" + parts.joined(separator: ", ") + "]"
  }

  /// Fits every transformer in turn, then the final estimator on the transformed data.
  public func fit(_ x: Matrix, _ y: [Target]) throws -> PipelineModel<Final.Fitted> {
    try validateHyperparameters()
    try Validation.checkShapes(x, y)
    var current = x
    var fitted: [AnyFittedTransformer] = []
    for step in steps {
      let transform = try step.transformer.fit(current)
      current = try transform.transform(current)
      fitted.append(transform)
    }
    return PipelineModel(transforms: fitted, final: try final.fit(current, y))
  }
}

/// A fitted ``Pipeline``: the fitted transformations and the fitted final model. It forwards the
/// final model's capabilities (classes, probabilities, decision function, score).
public struct PipelineModel<FinalModel: Predictor>: Predictor {
  /// The fitted transformations, in order.
  public let transforms: [AnyFittedTransformer]
  /// The fitted final model.
  public let final: FinalModel

  /// A fitted pipeline from its parts.
  public init(transforms: [AnyFittedTransformer], final: FinalModel) {
    self.transforms = transforms
    self.final = final
  }

  /// `x` passed through every fitted transformation: what the final model sees.
  public func transform(_ x: Matrix) throws -> Matrix {
    var current = x
    for t in transforms { current = try t.transform(current) }
    return current
  }

  /// The final model's predictions on the transformed `x`.
  public func predict(_ x: Matrix) throws -> [FinalModel.Prediction] {
    try final.predict(transform(x))
  }

  /// The final model's warnings.
  public var warnings: [LearnWarning] { final.warnings }
}

extension PipelineModel: ClassifierModel where FinalModel: ClassifierModel {
  /// The final model's classes.
  public var classes: [Int] { final.classes }
}

extension PipelineModel: ProbabilisticClassifierModel where FinalModel: ProbabilisticClassifierModel {
  /// The final model's probabilities on the transformed `x`.
  public func predictProbabilities(_ x: Matrix) throws -> Matrix {
    try final.predictProbabilities(transform(x))
  }
}

extension PipelineModel: DecisionFunctionModel where FinalModel: DecisionFunctionModel {
  /// Whether the final model has a decision function.
  public var hasDecisionFunction: Bool { final.hasDecisionFunction }

  /// The final model's decision function on the transformed `x`.
  public func decisionFunction(_ x: Matrix) throws -> Matrix {
    try final.decisionFunction(transform(x))
  }
}

extension PipelineModel: RegressorModel where FinalModel: RegressorModel {}

extension Pipeline: IncrementallyTrainable where Final: IncrementallyTrainable {
  /// Whether the final estimator can continue training.
  public var canContinueTraining: Bool { final.canContinueTraining }

  /// Whether the final estimator can continue `model`'s final model.
  public func canContinue(from model: PipelineModel<Final.Fitted>) -> Bool { final.canContinue(from: model.final) }

  /// The final estimator's units under its step name (`"mlp.maxIterations"`).
  public var trainingUnits: TrainingUnits? { final.trainingUnits?.lifted(prefix: finalName) }

  /// Every transformer's hyperparameters (a continuation keeps the fitted transforms) and the
  /// final step's fixed ones, under their prefixed names.
  public var fixedWhileContinuing: Set<String> {
    var fixed = Set(final.fixedWhileContinuing.map { finalName + "." + $0 })
    for step in steps { fixed.formUnion(step.transformer.hyperparameterNames.map { step.name + "." + $0 }) }
    return fixed
  }

  /// Continues the final model on `x` transformed by the already-fitted transformations (they are
  /// not refitted, so Hyperband rungs and PBT steps see the same features throughout).
  public func continued(_ model: PipelineModel<Final.Fitted>, on x: Matrix, _ y: [Target], budget: Int) throws
    -> PipelineModel<Final.Fitted>
  {
    PipelineModel(transforms: model.transforms, final: try final.continued(model.final, on: model.transform(x), y, budget: budget))
  }
}

/// Throws unless every name is non-empty, free of `.` and unique: the rule for the names of
/// pipeline steps, column-transformer parts and choice alternatives, which prefix hyperparameters.
func validatePrefixNames(_ names: [String], argument: String, noun: String) throws(LearnError) {
  for (index, name) in names.enumerated() {
    guard !name.isEmpty, !name.contains(".") else {
      throw .invalidArgument(name: argument, reason: "\(noun) \(index) has the name '\(name)'; names must be non-empty and have no '.'")
    }
    guard names.firstIndex(of: name) == index else {
      throw .invalidArgument(name: argument, reason: "two \(noun)s are named '\(name)'; \(noun) names must be unique")
    }
  }
}

/// `make_pipeline`'s naming rule: a name used more than once becomes `name-1`, `name-2`, ….
func uniqueStepNames(_ names: [String]) -> [String] {
  var seen: [String: Int] = [:]
  for name in names { seen[name, default: 0] += 1 }
  var used: [String: Int] = [:]
  return names.map { name in
    guard seen[name]! > 1 else { return name }
    used[name, default: 0] += 1
    return "\(name)-\(used[name]!)"
  }
}

/// A type-erasing wrapper whose step name is its wrapped value's (``AnyEstimator``): the variadic
/// pipeline initialisers name a final step by it rather than by the wrapper's type.
protocol InstanceStepNaming {
  /// The wrapped value's step name.
  var stepName: String { get }
}
