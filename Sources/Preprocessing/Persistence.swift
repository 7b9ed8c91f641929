import LearnCore
import LinearAlgebra

// Saving and loading the composite and type-erasing values of this module. Erasing wrappers are
// written as the value they wrap (its tag and payload), so a file does not record how the saving
// code held a model, and they load through ``ModelRegistry``.

/// Writes `base` as a tagged value, or throws naming its type when it cannot be saved.
func encodeErased(_ base: Any, to encoder: any Encoder) throws {
  var container = encoder.container(keyedBy: TaggedValueKey.self)
  try encodeErased(base, to: &container)
}

/// Writes `base`'s tag and payload into `container`, or throws naming its type when it is not
/// ``Persistable``.
func encodeErased(_ base: Any, to container: inout KeyedEncodingContainer<TaggedValueKey>) throws {
  guard let value = base as? any Persistable else {
    throw EncodingError.invalidValue(base, .init(
      codingPath: container.codingPath, debugDescription: "\(type(of: base)) is not Persistable, so it cannot be saved"))
  }
  try value.encodeTagged(to: &container)
}

/// The tagged container of a decoder.
private func tagged(_ decoder: any Decoder) throws -> KeyedDecodingContainer<TaggedValueKey> {
  try decoder.container(keyedBy: TaggedValueKey.self)
}

/// Runs `build` (a throwing initialiser) for the value at `container`'s path, reporting its
/// error as an unreadable field there.
private func building<T, K>(_ container: KeyedDecodingContainer<K>, _ build: () throws(LearnError) -> T) throws -> T {
  var result: T? = nil
  try PersistenceCheck.run(at: container.codingPath) { () throws(LearnError) in result = try build() }
  return result!
}

// MARK: Type-erasing wrappers

/// A type-erasing wrapper that saves as the value it wraps: its tag and payload are the wrapped
/// value's, and loading builds whatever type the file names that is registered for this wrapper
/// in ``ModelRegistry`` (checked as it loads). Its own ``Persistable/typeTag`` never appears in
/// a file and is refused there.
public protocol TypeErasingWrapper: Persistable {
  /// The wrapped value, which must be ``Persistable`` to be saved.
  var wrappedValue: Any { get }
}

extension TypeErasingWrapper {
  /// Writes the wrapped value with its tag.
  public func encode(to encoder: any Encoder) throws { try encodeErased(wrappedValue, to: encoder) }
  /// Reads any value registered for this wrapper.
  public init(from decoder: any Decoder) throws { self = try Self.decodeTagged(from: tagged(decoder)) }
  /// Writes the wrapped value's tag and payload.
  public func encodeTagged(to container: inout KeyedEncodingContainer<TaggedValueKey>) throws {
    try encodeErased(wrappedValue, to: &container)
  }
  /// The registered value the tag names, checked, wrapped.
  public static func decodeTagged(from container: KeyedDecodingContainer<TaggedValueKey>) throws -> Self {
    try ModelRegistry.shared.decode(Self.self, from: container)
  }
  /// Nothing more: the wrapped value was checked as it loaded.
  public func checkLoaded() throws(LearnError) {}
}

extension AnyTransformer: TypeErasingWrapper {
  /// `"AnyTransformer"`; never written: a file names the wrapped transformer's type.
  public static let typeTag = "AnyTransformer"
  /// ``base``.
  public var wrappedValue: Any { base }
}

extension AnyFittedTransformer: TypeErasingWrapper {
  /// `"AnyFittedTransformer"`; never written: a file names the wrapped transform's type.
  public static let typeTag = "AnyFittedTransformer"
  /// ``base``.
  public var wrappedValue: Any { base }
}

extension AnyEstimator: TypeErasingWrapper {
  /// `"AnyEstimator<Int>"` or `"AnyEstimator<Double>"`; never written: a file names the wrapped
  /// estimator's type.
  public static var typeTag: String { "AnyEstimator<\(Target.self)>" }
  /// ``base``.
  public var wrappedValue: Any { base }
}

extension AnyModel: TypeErasingWrapper {
  /// `"AnyModel<Int>"` or `"AnyModel<Double>"`; never written: a file names the wrapped model's type.
  public static var typeTag: String { "AnyModel<\(Target.self)>" }
  /// ``base``.
  public var wrappedValue: Any { base }
}

// MARK: Pipelines

extension PipelineStep: Codable {
  private enum CodingKeys: String, CodingKey { case name, transformer }

  /// Writes the name and the transformer (with its tag).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(transformer, forKey: .transformer)
  }

  /// Reads a step written by ``encode(to:)``.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(try container.decode(String.self, forKey: .name), try container.decode(AnyTransformer.self, forKey: .transformer))
  }
}

extension Pipeline: Codable where Final: Persistable {
  private enum CodingKeys: String, CodingKey { case steps, finalName, final }

  /// Writes the steps, the final step's name and the final estimator (with its tag).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(steps, forKey: .steps)
    try container.encode(finalName, forKey: .finalName)
    try container.encode(Tagged(final), forKey: .final)
  }

  /// Reads a pipeline written by ``encode(to:)``, checking the step names as
  /// ``init(steps:final:finalName:)`` does.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let steps = try container.decode([PipelineStep].self, forKey: .steps)
    let finalName = try container.decode(String.self, forKey: .finalName)
    let final = try container.decode(Tagged<Final>.self, forKey: .final).value
    self = try building(container) { () throws(LearnError) in try Pipeline(steps: steps, final: final, finalName: finalName) }
  }
}

extension Pipeline: Persistable where Final: Persistable {
  /// `"Pipeline<Int>"` for classifiers, `"Pipeline<Double>"` for regressors: the final
  /// estimator's type is written with it.
  public static var typeTag: String { "Pipeline<\(Target.self)>" }
}

extension PipelineModel: Codable where FinalModel: Persistable {
  private enum CodingKeys: String, CodingKey { case transforms, final }

  /// Writes the fitted transforms and the final model, each with its tag.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(transforms, forKey: .transforms)
    try container.encode(Tagged(final), forKey: .final)
  }

  /// Reads a fitted pipeline written by ``encode(to:)``.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(transforms: try container.decode([AnyFittedTransformer].self, forKey: .transforms),
              final: try container.decode(Tagged<FinalModel>.self, forKey: .final).value)
  }
}

extension PipelineModel: Persistable where FinalModel: Persistable {
  /// `"PipelineModel<Int>"` or `"PipelineModel<Double>"`, after the prediction type.
  public static var typeTag: String { "PipelineModel<\(FinalModel.Prediction.self)>" }

  /// Nothing more: every part was checked as it loaded, and each transform checks the width of
  /// what it is given.
  public func checkLoaded() throws(LearnError) {}
}

// MARK: Column transformers and choices

extension ColumnTransformer.Remainder: Codable {}

extension ColumnTransformer: Persistable {
  /// `"ColumnTransformer"`.
  public static let typeTag = "ColumnTransformer"

  private enum CodingKeys: String, CodingKey { case names, transformers, columns, remainder }

  /// Writes each part's name, transformer (with its tag) and columns, and the remainder rule.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(parts.map(\.name), forKey: .names)
    try container.encode(parts.map(\.transformer), forKey: .transformers)
    try container.encode(parts.map(\.columns), forKey: .columns)
    try container.encode(remainder, forKey: .remainder)
  }

  /// Reads a column transformer written by ``encode(to:)``, checking the part names as
  /// ``init(_:remainder:)`` does.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let names = try container.decode([String].self, forKey: .names)
    let transformers = try container.decode([AnyTransformer].self, forKey: .transformers)
    let columns = try container.decode([[Int]].self, forKey: .columns)
    let remainder = try container.decode(Remainder.self, forKey: .remainder)
    self = try building(container) { () throws(LearnError) in
      try PersistenceCheck.count(transformers, names.count, "transformers")
      try PersistenceCheck.count(columns, names.count, "columns")
      let parts = (0..<names.count).map { Part(names[$0], transformers[$0], columns: columns[$0]) }
      return try ColumnTransformer(parts, remainder: remainder)
    }
  }
}

extension EstimatorChoice: Persistable {
  /// `"EstimatorChoice<Int>"` or `"EstimatorChoice<Double>"`.
  public static var typeTag: String { "EstimatorChoice<\(Target.self)>" }

  private enum CodingKeys: String, CodingKey { case names, alternatives, chosen, unitScales }

  /// Writes the names, the alternatives (each with its tag), the choice and the unit scales.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(names, forKey: .names)
    try container.encode(alternatives, forKey: .alternatives)
    try container.encode(chosen, forKey: .chosen)
    try container.encode(unitScales, forKey: .unitScales)
  }

  /// Reads a choice written by ``encode(to:)``, checked as ``init(_:chosen:unitScales:)`` checks.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let names = try container.decode([String].self, forKey: .names)
    let alternatives = try container.decode([AnyEstimator<Target>].self, forKey: .alternatives)
    let chosen = try container.decode(String.self, forKey: .chosen)
    let unitScales = try container.decode([String: Int].self, forKey: .unitScales)
    self = try building(container) { () throws(LearnError) in
      try PersistenceCheck.count(alternatives, names.count, "alternatives")
      return try EstimatorChoice(names: names, alternatives: alternatives, chosen: chosen, unitScales: unitScales)
    }
  }
}

extension TransformerChoice: Persistable {
  /// `"TransformerChoice"`.
  public static let typeTag = "TransformerChoice"

  private enum CodingKeys: String, CodingKey { case names, alternatives, chosen }

  /// Writes the names, the alternatives (each with its tag) and the choice.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(names, forKey: .names)
    try container.encode(alternatives, forKey: .alternatives)
    try container.encode(chosen, forKey: .chosen)
  }

  /// Reads a choice written by ``encode(to:)``, checked as ``init(_:chosen:)`` checks.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let names = try container.decode([String].self, forKey: .names)
    let alternatives = try container.decode([AnyTransformer].self, forKey: .alternatives)
    let chosen = try container.decode(String.self, forKey: .chosen)
    self = try building(container) { () throws(LearnError) in
      try PersistenceCheck.count(alternatives, names.count, "alternatives")
      return try TransformerChoice(names: names, alternatives: alternatives, chosen: chosen)
    }
  }
}

// MARK: Registration

extension ModelRegistry {
  /// Registers a transformer and its fitted transform for every way they load: as themselves
  /// (``ModelFile/decodeAny(from:maximumBytes:)``), inside an ``AnyTransformer`` or
  /// ``AnyFittedTransformer`` (pipeline steps).
  public func registerTransformer<T: Transformer & Persistable>(_ type: T.Type) where T.FittedTransform: Persistable {
    register(T.self)
    register(T.self, as: AnyTransformer.self) { AnyTransformer($0) }
    register(T.FittedTransform.self)
    register(T.FittedTransform.self, as: AnyFittedTransformer.self) { AnyFittedTransformer($0) }
  }

  /// Registers a classifier and its model for every way they load: as themselves, inside an
  /// ``AnyEstimator`` or ``AnyModel`` (choices, pipelines held by erased types).
  public func registerClassifier<E: Estimator & Persistable>(_ type: E.Type)
  where E.Target == Int, E.Fitted: ClassifierModel & Persistable {
    register(E.self)
    register(E.self, as: AnyEstimator<Int>.self) { AnyEstimator($0) }
    register(E.Fitted.self)
    register(E.Fitted.self, as: AnyModel<Int>.self) { AnyModel($0) }
  }

  /// Registers a regressor and its model for every way they load, as
  /// ``registerClassifier(_:)`` does for classifiers.
  public func registerRegressor<E: Estimator & Persistable>(_ type: E.Type)
  where E.Target == Double, E.Fitted: RegressorModel & Persistable {
    register(E.self)
    register(E.self, as: AnyEstimator<Double>.self) { AnyEstimator($0) }
    register(E.Fitted.self)
    register(E.Fitted.self, as: AnyModel<Double>.self) { AnyModel($0) }
  }

  /// Registers this module's types: its transformers, and pipelines, choices and column
  /// transformers over type-erased parts, so a file naming them loads whatever registered parts
  /// it holds.
  public func registerPreprocessingTypes() {
    registerTransformer(ColumnTransformer.self)
    registerTransformer(Passthrough.self)
    register(TransformerChoice.self)
    register(TransformerChoice.self, as: AnyTransformer.self) { AnyTransformer($0) }
    registerClassifier(Pipeline<AnyEstimator<Int>>.self)
    registerRegressor(Pipeline<AnyEstimator<Double>>.self)
    // A choice fits to an AnyModel, which is never registered: it loads as the model it wraps.
    register(EstimatorChoice<Int>.self)
    register(EstimatorChoice<Int>.self, as: AnyEstimator<Int>.self) { AnyEstimator($0) }
    register(EstimatorChoice<Double>.self)
    register(EstimatorChoice<Double>.self, as: AnyEstimator<Double>.self) { AnyEstimator($0) }
    register(CSVModel<AnyModel<Int>>.self)
    register(CSVModel<AnyModel<Int>>.self, as: AnyModel<Int>.self) { AnyModel($0) }
    register(CSVModel<AnyModel<Double>>.self)
    register(CSVModel<AnyModel<Double>>.self, as: AnyModel<Double>.self) { AnyModel($0) }
    registerTransformer(StandardScaler.self)
    registerTransformer(MinMaxScaler.self)
    registerTransformer(RobustScaler.self)
    registerTransformer(SimpleImputer.self)
    registerTransformer(OneHotEncoder.self)
    registerTransformer(OrdinalEncoder.self)
    registerTransformer(PolynomialFeatures.self)
    register(LabelEncoder<Int>.self)
    register(LabelEncoder<Int>.Fitted.self)
    register(LabelEncoder<String>.self)
    register(LabelEncoder<String>.Fitted.self)
  }
}
