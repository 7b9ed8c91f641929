import LearnCore
import LinearAlgebra

/// Any transformer, type-erased, so transformers of different types can sit in one pipeline or
/// column transformer. Its hyperparameters are the wrapped transformer's, under the same names.
public struct AnyTransformer: Transformer {
  /// The wrapped transformer.
  public private(set) var base: any Transformer

  /// Wraps `transformer` (an `AnyTransformer` is not wrapped twice).
  public init<T: Transformer>(_ transformer: T) {
    if let already = transformer as? AnyTransformer {
      self = already
    } else {
      base = transformer
      Self.registerForLoading(T.self)
    }
  }

  /// Registers `T` and its fitted transform for loading inside this wrapper and
  /// ``AnyFittedTransformer`` when they are ``Persistable`` (see `AnyEstimator`).
  private static func registerForLoading<T: Transformer>(_: T.Type) {
    func transformer<P: Persistable>(_: P.Type) {
      ModelRegistry.shared.registerIfAbsent(P.self, as: AnyTransformer.self) { AnyTransformer($0 as! T) }
    }
    func fitted<P: Persistable>(_: P.Type) {
      ModelRegistry.shared.registerIfAbsent(P.self, as: AnyFittedTransformer.self) { AnyFittedTransformer($0 as! T.FittedTransform) }
    }
    if let type = T.self as? any Persistable.Type { transformer(type) }
    if let type = T.FittedTransform.self as? any Persistable.Type { fitted(type) }
  }

  /// No rows of its own: see ``hyperparameterTable``.
  public static let hyperparameters: [Hyperparameter<AnyTransformer>] = []

  /// The wrapped transformer's rows, reading and writing through the wrapper.
  public var hyperparameterTable: [Hyperparameter<AnyTransformer>] { Self.rows(of: base) }

  /// The wrapped transformer's default search space, under the same names.
  public var defaultSearchSpace: [String: Distribution] { base.defaultSearchSpace }

  /// The wrapped type's ``LearnCore/Tunable/stepName``.
  public var stepName: String { Self.stepName(of: base) }

  /// The wrapped type's name, for messages.
  public var typeName: String { Self.typeName(of: base) }

  /// The wrapped transformer's structure.
  public var structureDescription: String { base.structureDescription }

  /// Fits the wrapped transformer.
  public func fit(_ x: Matrix) throws -> AnyFittedTransformer {
    AnyFittedTransformer(try base.fit(x))
  }

  private static func rows<T: Transformer>(of base: T) -> [Hyperparameter<AnyTransformer>] {
    base.hyperparameterTable.map { $0.reached(get: { $0.base as! T }, set: { $0.base = $1 }) }
  }

  private static func stepName<T: Transformer>(of base: T) -> String { T.stepName }
  private static func typeName<T: Transformer>(of base: T) -> String { T.estimatorName }
}

/// Any fitted transformation, type-erased (what ``AnyTransformer`` fits to).
public struct AnyFittedTransformer: FittedTransformer {
  /// The wrapped fitted transformation.
  public let base: any FittedTransformer

  /// Wraps `fitted`.
  public init(_ fitted: any FittedTransformer) {
    base = (fitted as? AnyFittedTransformer)?.base ?? fitted
  }

  /// Applies the wrapped transformation.
  public func transform(_ x: Matrix) throws -> Matrix { try base.transform(x) }
}
