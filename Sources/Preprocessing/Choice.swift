import LearnCore
import LinearAlgebra

/// One of several named estimators, chosen by a hyperparameter: how a search compares whole
/// models in one pipeline step (scikit-learn's `{"clf": [SVC(), LogisticRegression()]}`).
///
/// The hyperparameter `estimator` names the chosen alternative; each alternative's own
/// hyperparameters are reachable under its name. In a pipeline whose final step is a choice
/// (named `model` by default):
///
/// ```swift
/// let pipeline = Pipeline(StandardScaler(), try EstimatorChoice([
///   "svc": AnyEstimator(SVC()), "logistic": AnyEstimator(LogisticRegression()),
/// ]))
/// let grid: [[String: [ParameterValue]]] = [
///   ["model.estimator": ["svc"], "model.svc.c": [1, 10]],
///   ["model.estimator": ["logistic"], "model.logistic.c": [0.1, 1]],
/// ]
/// ```
///
/// Values are names, not estimators, so a candidate stays a plain, hashable, journal-ready
/// parameter set. A list of grids (or spaces) keeps each alternative's hyperparameters with it; in
/// one flat grid, the hyperparameters of the alternatives not chosen have no effect.
public struct EstimatorChoice<Target: Sendable>: Estimator {
  /// The alternatives' names, in the order given.
  public let names: [String]
  /// The alternatives, in the order of ``names``; set their hyperparameters through ``setting(_:)``
  /// (`"svc.c"`).
  public private(set) var alternatives: [AnyEstimator<Target>]
  /// The name of the chosen alternative (the `estimator` hyperparameter).
  public var chosen: String
  /// Training units per budget unit, by alternative (1 when absent): with `["forest": 4]` a
  /// budget of 10 units trains the forest's 40 trees while an MLP alternative trains 10 epochs,
  /// so one multi-fidelity search spans both (see ``trainingUnits``).
  public let unitScales: [String: Int]

  /// A choice among named alternatives, the first chosen unless `chosen` names another, with
  /// `unitScales` training units per budget unit for the alternatives named there. Throws when
  /// there are none, a name is repeated, empty or has a `.`, `chosen` or a key of `unitScales` is
  /// not a name, or a scale is below 1.
  public init(
    _ alternatives: KeyValuePairs<String, AnyEstimator<Target>>, chosen: String? = nil, unitScales: [String: Int] = [:]
  ) throws(LearnError) {
    try self.init(names: alternatives.map(\.key), alternatives: alternatives.map(\.value),
                  chosen: chosen ?? alternatives.first?.key ?? "", unitScales: unitScales)
  }

  /// A choice from its parts, checked as ``init(_:chosen:unitScales:)`` checks them (a loaded file
  /// builds its choices this way).
  init(names: [String], alternatives: [AnyEstimator<Target>], chosen: String, unitScales: [String: Int]) throws(LearnError) {
    self.names = names
    self.alternatives = alternatives
    self.chosen = chosen
    self.unitScales = unitScales
    try Alternatives.validate(names: names, chosen: self.chosen, selector: "estimator")
    for (name, scale) in unitScales.sorted(by: { $0.key < $1.key }) {
      guard names.contains(name) else {
        throw .invalidArgument(name: "unitScales", reason: "\"\(name)\" is not an alternative; the alternatives are \(names)")
      }
      guard scale >= 1 else {
        throw .invalidArgument(name: "unitScales", reason: "\"\(name)\": a scale must be at least 1, got \(scale)")
      }
    }
  }

  /// A choice among alternatives named by their step names as `make_pipeline` names steps
  /// (`"svc"`, `"logisticregression"`; repeats get `-1`, `-2` …), the first chosen.
  public init(_ first: AnyEstimator<Target>, _ rest: AnyEstimator<Target>...) {
    alternatives = [first] + rest
    names = uniqueStepNames(alternatives.map(\.stepName))
    chosen = names[0]
    unitScales = [:]
  }

  /// `"model"`: the name a pipeline gives a choice of final estimators.
  public static var stepName: String { "model" }

  /// No rows of its own: see ``hyperparameterTable``.
  public static var hyperparameters: [Hyperparameter<EstimatorChoice>] { [] }

  /// `estimator` (one of ``names``), then each alternative's hyperparameters prefixed by its name.
  public var hyperparameterTable: [Hyperparameter<EstimatorChoice>] {
    Alternatives.table("estimator", names: names, chosen: \.chosen, alternatives) { \.alternatives[$0] }
  }

  /// `estimator` over every alternative's name, then each alternative's default space prefixed by
  /// its name: a search compares the models, each over its own ranges.
  public var defaultSearchSpace: [String: Distribution] {
    Alternatives.searchSpace("estimator", names: names, alternatives)
  }

  /// The chosen alternative (the first when ``chosen`` names none, which `fit` refuses).
  public var chosenEstimator: AnyEstimator<Target> { alternatives[names.firstIndex(of: chosen) ?? 0] }

  /// `EstimatorChoice[<name>: <structure>, …]`.
  public var structureDescription: String { Alternatives.describe("EstimatorChoice", names, alternatives) }

  /// Fits the chosen alternative.
  public func fit(_ x: Matrix, _ y: [Target]) throws -> AnyModel<Target> {
    try validateHyperparameters()
    return try chosenEstimator.fit(x, y)
  }
}

extension EstimatorChoice: IncrementallyTrainable {
  /// Whether the chosen alternative can continue training.
  public var canContinueTraining: Bool { chosenEstimator.canContinueTraining }

  /// Whether the chosen alternative can continue `model` (a model it fitted).
  public func canContinue(from model: AnyModel<Target>) -> Bool { chosenEstimator.canContinue(from: model) }

  /// The chosen alternative's units under its name (`"mlp.maxIterations"`), times its
  /// ``unitScales`` entry; `nil` when it cannot train by units.
  public var trainingUnits: TrainingUnits? {
    let name = names.contains(chosen) ? chosen : names[0]
    return chosenEstimator.trainingUnits?.lifted(prefix: name, factor: unitScales[name] ?? 1)
  }

  /// The `estimator` selector (a model continues only with the alternative that fitted it) and
  /// every alternative's fixed hyperparameters under its name (a search may choose any of them).
  public var fixedWhileContinuing: Set<String> {
    var fixed: Set<String> = ["estimator"]
    for (name, alternative) in zip(names, alternatives) {
      fixed.formUnion(alternative.fixedWhileContinuing.map { name + "." + $0 })
    }
    return fixed
  }

  /// Continues `model` with the chosen alternative (Hyperband rungs and PBT steps over a choice of
  /// incremental models, such as `MLPClassifier` and `SGDClassifier`); throws when the chosen
  /// alternative cannot continue or `model` is not one of its models.
  public func continued(_ model: AnyModel<Target>, on x: Matrix, _ y: [Target], budget: Int) throws -> AnyModel<Target> {
    try validateHyperparameters()
    return try chosenEstimator.continued(model, on: x, y, budget: budget)
  }
}

/// One of several named transformers, chosen by a hyperparameter (scikit-learn's
/// `{"scaler": [StandardScaler(), MinMaxScaler(), "passthrough"]}`); ``Passthrough`` stands for
/// "no transformation". The hyperparameter `transformer` names the chosen alternative; each
/// alternative's hyperparameters are reachable under its name (`"transform.minmaxscaler.clip"`).
public struct TransformerChoice: Transformer {
  /// The alternatives' names, in the order given.
  public let names: [String]
  /// The alternatives, in the order of ``names``; set their hyperparameters through ``setting(_:)``.
  public private(set) var alternatives: [AnyTransformer]
  /// The name of the chosen alternative (the `transformer` hyperparameter).
  public var chosen: String

  /// A choice among named alternatives, the first chosen unless `chosen` names another. Throws
  /// when there are none, a name is repeated, empty or has a `.`, or `chosen` is not a name.
  public init(_ alternatives: KeyValuePairs<String, AnyTransformer>, chosen: String? = nil) throws(LearnError) {
    try self.init(names: alternatives.map(\.key), alternatives: alternatives.map(\.value),
                  chosen: chosen ?? alternatives.first?.key ?? "")
  }

  /// A choice from its parts, checked as ``init(_:chosen:)`` checks them (a loaded file builds
  /// its choices this way).
  init(names: [String], alternatives: [AnyTransformer], chosen: String) throws(LearnError) {
    self.names = names
    self.alternatives = alternatives
    self.chosen = chosen
    try Alternatives.validate(names: names, chosen: chosen, selector: "transformer")
  }

  /// A choice among alternatives named by their step names (`"standardscaler"`, `"passthrough"`),
  /// the first chosen.
  public init(_ first: AnyTransformer, _ rest: AnyTransformer...) {
    alternatives = [first] + rest
    names = uniqueStepNames(alternatives.map(\.stepName))
    chosen = names[0]
  }

  /// `"transform"`: the name a pipeline gives a choice of transformers.
  public static var stepName: String { "transform" }

  /// No rows of its own: see ``hyperparameterTable``.
  public static var hyperparameters: [Hyperparameter<TransformerChoice>] { [] }

  /// `transformer` (one of ``names``), then each alternative's hyperparameters prefixed by its name.
  public var hyperparameterTable: [Hyperparameter<TransformerChoice>] {
    Alternatives.table("transformer", names: names, chosen: \.chosen, alternatives) { \.alternatives[$0] }
  }

  /// `transformer` over every alternative's name, then each alternative's default space prefixed
  /// by its name.
  public var defaultSearchSpace: [String: Distribution] {
    Alternatives.searchSpace("transformer", names: names, alternatives)
  }

  /// The chosen alternative (the first when ``chosen`` names none, which `fit` refuses).
  public var chosenTransformer: AnyTransformer { alternatives[names.firstIndex(of: chosen) ?? 0] }

  /// `TransformerChoice[<name>: <structure>, …]`.
  public var structureDescription: String { Alternatives.describe("TransformerChoice", names, alternatives) }

  /// Fits the chosen alternative.
  public func fit(_ x: Matrix) throws -> AnyFittedTransformer {
    try validateHyperparameters()
    return try chosenTransformer.fit(x)
  }
}

/// The identity transformation: the "no preprocessing" alternative of a ``TransformerChoice``
/// (scikit-learn's `"passthrough"`). It has no hyperparameters. NaN (a missing value) passes
/// through for a later step to handle; infinity is refused.
public struct Passthrough: Transformer {
  /// The identity.
  public init() {}

  /// None.
  public static let hyperparameters: [Hyperparameter<Passthrough>] = []

  /// Checks that `x` has rows and columns and no infinity, and returns the identity.
  public func fit(_ x: Matrix) throws -> Fitted {
    guard x.rowCount > 0 else { throw LearnError.emptyInput("x has no rows") }
    guard x.columnCount > 0 else { throw LearnError.emptyInput("x has no columns") }
    try Self.checkNoInfinity(x)
    return Fitted(featureCount: x.columnCount)
  }

  static func checkNoInfinity(_ x: Matrix) throws(LearnError) {
    for i in 0..<x.rowCount {
      for j in 0..<x.columnCount where x[i, j].isInfinite { throw .nonFiniteValue(row: i, column: j) }
    }
  }

  /// The fitted identity: returns its input unchanged, after checking its width.
  public struct Fitted: FittedTransformer {
    /// The number of columns seen in fit.
    public let featureCount: Int

    /// `x` unchanged; throws when its column count differs from fit's or it holds an infinity.
    public func transform(_ x: Matrix) throws -> Matrix {
      guard x.columnCount == featureCount else {
        throw LearnError.shapeMismatch("x has \(x.columnCount) features but the model was fitted with \(featureCount)")
      }
      try Passthrough.checkNoInfinity(x)
      return x
    }
  }
}

/// The rules shared by ``EstimatorChoice`` and ``TransformerChoice``.
enum Alternatives {
  /// Throws unless there is at least one name, the names are unique, non-empty and free of `.`,
  /// and `chosen` is one of them.
  static func validate(names: [String], chosen: String, selector: String) throws(LearnError) {
    guard !names.isEmpty else { throw .invalidArgument(name: "alternatives", reason: "a choice needs at least one alternative") }
    try validatePrefixNames(names, argument: "alternatives", noun: "alternative")
    guard names.contains(chosen) else {
      throw .invalidArgument(name: selector, reason: "'\(chosen)' is not an alternative; expected \(describe(names))")
    }
  }

  /// A choice's table: the selector `selector` (a string that must be one of `names`, stored at
  /// `chosen`), then each alternative's rows prefixed by its name and reached through `path(index)`.
  static func table<Choice, Element: Tunable>(
    _ selector: String, names: [String], chosen: WritableKeyPath<Choice, String> & Sendable, _ alternatives: [Element],
    path: (Int) -> WritableKeyPath<Choice, Element> & Sendable
  ) -> [Hyperparameter<Choice>] {
    var rows = [
      Hyperparameter<Choice>(
        name: selector, expected: describe(names), domain: .choices(names.map(ParameterValue.string)),
        read: { .string($0[keyPath: chosen]) }
      ) {
        (choice, value) throws(HyperparameterRejection) in
        guard case .string(let name) = value, names.contains(name) else { throw HyperparameterRejection(value) }
        choice[keyPath: chosen] = name
      }
    ]
    for index in alternatives.indices {
      rows += alternatives[index].hyperparameterTable.map { $0.lifted(prefix: names[index], through: path(index)) }
    }
    return rows
  }

  /// A choice's default space: the selector over every name, then each alternative's space
  /// prefixed by its name.
  static func searchSpace<Element: Tunable>(
    _ selector: String, names: [String], _ alternatives: [Element]
  ) -> [String: Distribution] {
    var space: [String: Distribution] = [selector: .choice(names.map(ParameterValue.string))]
    for (name, alternative) in zip(names, alternatives) {
      space.merge(alternative.defaultSearchSpace(prefixedWith: name)) { $1 }
    }
    return space
  }

  /// `<kind>[<name>: <structure>, …]`.
  static func describe<Element: Tunable>(_ kind: String, _ names: [String], _ alternatives: [Element]) -> String {
    kind + "[" + zip(names, alternatives).map { "\($0): \($1.structureDescription)" }.joined(separator: ", ") + "]"
  }

  private static func describe(_ names: [String]) -> String {
    "one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
  }
}

extension Passthrough: Persistable {
  /// `"Passthrough"`.
  public static let typeTag = "Passthrough"
}

extension Passthrough.Fitted: Persistable {
  /// `"Passthrough.Fitted"`.
  public static let typeTag = "Passthrough.Fitted"

  /// A feature count.
  public func checkLoaded() throws(LearnError) { try PersistenceCheck.featureCount(featureCount) }
}
