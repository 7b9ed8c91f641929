import Foundation
import LinearAlgebra
import Synchronization

/// The two keys of a tagged value in a saved file: `{"type": "<tag>", "value": {…}}`.
public enum TaggedValueKey: String, CodingKey, Sendable {
  /// The value's type tag (``Persistable/typeTag``).
  case type
  /// The value itself.
  case value
}

/// A value that saves to and loads from Learn's model files (``ModelFile``): an estimator
/// configuration, a fitted model, a transformer, a pipeline. The file is data, never code:
/// loading builds values of registered types only, and checks them before handing them out.
///
/// Conforming types are `Codable` (usually synthesised) and name themselves with a stable
/// ``typeTag``. ``checkLoaded()`` states what a decoded value must satisfy before it may predict:
/// shapes that agree, indices in range, finite numbers where the model needs them. A value whose
/// check passes never traps or loops when used.
public protocol Persistable: Codable, Sendable {
  /// The type's name in files, such as `"RandomForestClassifier"` or `"SVC.Model"`; stable across
  /// versions. Generic types use their unspecialised name (`"Pipeline"`): their generic parts are
  /// written as tagged values of their own.
  static var typeTag: String { get }

  /// Throws ``LearnError/unreadableModel(field:reason:)`` naming the first field of this decoded
  /// value that breaks the type's invariants. Estimator configurations check their
  /// hyperparameters; fitted models check shapes, indices and values against each other.
  func checkLoaded() throws(LearnError)

  /// Writes the tag and the value under ``TaggedValueKey``. Type-erasing wrappers write the
  /// wrapped value's tag, so a file does not depend on how the saving code held the value.
  func encodeTagged(to container: inout KeyedEncodingContainer<TaggedValueKey>) throws

  /// Reads a value written by ``encodeTagged(to:)``, checked (``checkLoaded()``). Throws when the
  /// tag is not this type's; type-erasing wrappers accept any tag registered for them in
  /// ``ModelRegistry``.
  static func decodeTagged(from container: KeyedDecodingContainer<TaggedValueKey>) throws -> Self
}

extension Persistable {
  /// `{"type": typeTag, "value": self}`.
  public func encodeTagged(to container: inout KeyedEncodingContainer<TaggedValueKey>) throws {
    try container.encode(Self.typeTag, forKey: .type)
    try container.encode(self, forKey: .value)
  }

  /// Checks the tag, decodes `Self` and runs ``checkLoaded()``, naming the field on failure.
  public static func decodeTagged(from container: KeyedDecodingContainer<TaggedValueKey>) throws -> Self {
    let tag = try container.decode(String.self, forKey: .type)
    guard tag == typeTag else {
      throw DecodingError.dataCorruptedError(
        forKey: .type, in: container, debugDescription: "expected a \(typeTag), found a \(tag)")
    }
    let value = try container.decode(Self.self, forKey: .value)
    try PersistenceCheck.run(at: container.codingPath + [TaggedValueKey.value]) { () throws(LearnError) in
      try value.checkLoaded()
    }
    return value
  }
}

extension Persistable where Self: Tunable {
  /// Every hyperparameter within its valid range (``Tunable/validateHyperparameters()``).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.hyperparameters { () throws(LearnError) in try validateHyperparameters() }
  }
}

/// A ``Persistable`` value written with its tag, for generic parts of composite types (a
/// pipeline's final step, a search model's best model): the tag says which type to build, and
/// type-erased parts (`AnyModel`) load whatever registered type the file names.
public struct Tagged<Value: Persistable>: Codable, Sendable {
  /// The value.
  public var value: Value

  /// `value`, to be written with its tag.
  public init(_ value: Value) { self.value = value }

  /// Reads a tagged value (``Persistable/decodeTagged(from:)``).
  public init(from decoder: any Decoder) throws {
    value = try Value.decodeTagged(from: decoder.container(keyedBy: TaggedValueKey.self))
  }

  /// Writes the value with its tag (``Persistable/encodeTagged(to:)``).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: TaggedValueKey.self)
    try value.encodeTagged(to: &container)
  }
}

/// The checks shared by ``Persistable/checkLoaded()`` implementations: each throws
/// ``LearnError/unreadableModel(field:reason:)`` naming the field.
public enum PersistenceCheck {
  /// Throws unless `condition`, naming `field` and `reason`.
  public static func require(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws(LearnError) {
    guard condition else { throw .unreadableModel(field: field, reason: reason()) }
  }

  /// Throws unless `values` has `count` entries.
  public static func count<T>(_ values: [T], _ count: Int, _ field: String) throws(LearnError) {
    try require(values.count == count, field, "has \(values.count) entries where \(count) are needed")
  }

  /// Throws unless every entry of `values` is finite, naming the first that is not.
  public static func finite(_ values: [Double], _ field: String) throws(LearnError) {
    if let i = values.firstIndex(where: { !$0.isFinite }) {
      throw .unreadableModel(field: "\(field)[\(i)]", reason: "\(values[i]) is not a finite number")
    }
  }

  /// Throws unless `classes` is a strictly increasing list of at least `minimum` labels.
  public static func classes(_ classes: [Int], _ field: String, minimum: Int = 2) throws(LearnError) {
    try require(classes.count >= minimum, field, "has \(classes.count) classes; at least \(minimum) are needed")
    for i in classes.indices.dropFirst() where classes[i] <= classes[i - 1] {
      throw .unreadableModel(field: "\(field)[\(i)]", reason: "the classes must be strictly increasing")
    }
  }

  /// Throws unless `featureCount` is a feature count (1 through 2²⁴: some models hold no array of
  /// that length, and naming the features or expanding them allocates per feature).
  public static func featureCount(_ featureCount: Int, _ field: String = "featureCount") throws(LearnError) {
    try within(featureCount, 1...(1 << 24), field)
  }

  /// Throws unless a training counter is in 0 through 2⁵³ (so it can still be incremented, and
  /// converts to a double exactly).
  public static func counter(_ value: Int, _ field: String) throws(LearnError) {
    try within(value, 0...(1 << 53), field)
  }

  /// Throws unless a linear model's `coefficients` hold one finite value per feature and its
  /// `intercept` is finite.
  public static func linear(_ coefficients: [Double], _ intercept: Double, featureCount: Int) throws(LearnError) {
    try self.featureCount(featureCount)
    try count(coefficients, featureCount, "coefficients")
    try finite(coefficients, "coefficients")
    try finite([intercept], "intercept")
  }

  /// Throws unless a linear classifier's `coefficients` hold one finite row per class (one row
  /// for two classes) over `featureCount` columns, with one finite intercept per row.
  public static func linear(
    _ coefficients: Matrix, _ intercepts: [Double], classCount: Int, featureCount: Int
  ) throws(LearnError) {
    try self.featureCount(featureCount)
    let rows = classCount == 2 ? 1 : classCount
    try shape(coefficients, rows, featureCount, "coefficients")
    try finite(coefficients.elements, "coefficients")
    try count(intercepts, rows, "intercepts")
    try finite(intercepts, "intercepts")
  }

  /// Throws unless `matrix` is `rows` × `columns`.
  public static func shape(_ matrix: Matrix, _ rows: Int, _ columns: Int, _ field: String) throws(LearnError) {
    try require(matrix.rowCount == rows && matrix.columnCount == columns, field,
                "is \(matrix.rowCount) × \(matrix.columnCount) where \(rows) × \(columns) is needed")
  }

  /// Throws unless `values` (when present, and always when `required`) holds one finite number
  /// per feature: a scaler's statistics.
  public static func statistics(_ values: [Double]?, _ featureCount: Int, _ field: String, required: Bool) throws(LearnError) {
    guard let values else {
      try require(!required, field, "is missing")
      return
    }
    try count(values, featureCount, field)
    try finite(values, field)
  }

  /// Throws unless every entry of `indices` is in `0 ..< bound` and, when `increasing`, each is
  /// larger than the one before.
  public static func indices(_ indices: [Int], below bound: Int, _ field: String, increasing: Bool = true) throws(LearnError) {
    for (i, index) in indices.enumerated() {
      guard index >= 0, index < bound else {
        throw .unreadableModel(field: "\(field)[\(i)]", reason: "\(index) is outside 0..<\(bound)")
      }
      if increasing, i > 0, index <= indices[i - 1] {
        throw .unreadableModel(field: "\(field)[\(i)]", reason: "the entries must be increasing")
      }
    }
  }

  /// Throws unless an encoder has at least one column and every column at least one category.
  public static func categories(_ categories: [[Double]]) throws(LearnError) {
    try featureCount(categories.count, "categories")
    for (j, list) in categories.enumerated() where list.isEmpty {
      throw .unreadableModel(field: "categories[\(j)]", reason: "a column needs at least one category")
    }
  }

  /// Throws unless `value` is in `range`.
  public static func within(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(LearnError) {
    try require(range.contains(value), field, "\(value) is outside \(range.lowerBound)…\(range.upperBound)")
  }

  /// Runs `check` (a ``Tunable/validateHyperparameters()`` call), reporting a rejected
  /// hyperparameter as an unreadable field named after it.
  public static func hyperparameters(_ check: () throws(LearnError) -> Void) throws(LearnError) {
    do { try check() } catch {
      if case .invalidHyperparameter(let name, let estimator, let expected, let got) = error {
        throw .unreadableModel(field: name, reason: "\(estimator) needs \(expected); the file has \(got)")
      }
      throw error
    }
  }

  /// Runs `check` for the value at `path` in the file (a decoding container's `codingPath`),
  /// prefixing the fields it names with the path: how a custom `init(from:)` reports a check.
  public static func run(at path: [any CodingKey], _ check: () throws(LearnError) -> Void) throws {
    do { try check() } catch {
      let prefix = describe(path)
      if case .unreadableModel(let field, let reason) = error {
        throw LearnError.unreadableModel(field: prefix.isEmpty ? field : prefix + "." + field, reason: reason)
      }
      throw LearnError.unreadableModel(field: prefix, reason: error.description)
    }
  }

  /// A coding path as `model.value.trees[3].left`.
  static func describe(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
      if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
    }
    return text
  }
}

/// The types a file may name, by tag, for each type-erased form they can be loaded as
/// (`any Persistable`, `AnyModel<Int>`, `AnyEstimator<Double>`, …). Loading builds only
/// registered types, so a file cannot make Learn construct anything else. Learn's own types are
/// registered by the `Learn` module before its first load; register your own estimators and
/// models once, before loading files that name them. Safe to use from several threads.
public final class ModelRegistry: Sendable {
  /// The registry that loading uses.
  public static let shared = ModelRegistry()

  private typealias Decode = @Sendable (KeyedDecodingContainer<TaggedValueKey>) throws -> any Sendable
  private struct Key: Hashable {
    let tag: String
    let erased: ObjectIdentifier
  }
  private let entries = Mutex<[Key: Decode]>([:])

  /// An empty registry.
  public init() {}

  /// Registers `type` for loading as `Erased`: a file naming ``Persistable/typeTag`` loads a
  /// `type` and gives it back through `wrap`. Registering a tag again replaces the entry.
  public func register<T: Persistable, Erased: Sendable>(
    _ type: T.Type, as erased: Erased.Type, wrapping wrap: @escaping @Sendable (T) -> Erased
  ) {
    let key = Key(tag: T.typeTag, erased: ObjectIdentifier(erased))
    entries.withLock { $0[key] = { container in wrap(try T.decodeTagged(from: container)) } }
  }

  /// Registers `type` for loading as `Erased` unless a type is registered under its tag already:
  /// what type-erasing wrappers do as they are built, so a process that builds a search over
  /// erased estimators can load their checkpoints.
  public func registerIfAbsent<T: Persistable, Erased: Sendable>(
    _ type: T.Type, as erased: Erased.Type, wrapping wrap: @escaping @Sendable (T) -> Erased
  ) {
    let key = Key(tag: T.typeTag, erased: ObjectIdentifier(erased))
    entries.withLock { entries in
      if entries[key] == nil { entries[key] = { container in wrap(try T.decodeTagged(from: container)) } }
    }
  }

  /// Registers `type` for the type-erased loader (``ModelFile/decodeAny(from:maximumBytes:)``).
  public func register<T: Persistable>(_ type: T.Type) {
    register(type, as: (any Persistable).self) { $0 }
  }

  /// Whether a file naming `tag` can be loaded as `erased`.
  public func contains<Erased>(_ tag: String, as erased: Erased.Type) -> Bool {
    entries.withLock { $0[Key(tag: tag, erased: ObjectIdentifier(erased))] != nil }
  }

  /// The tagged value in `container`, built by the entry registered for its tag and `erased`;
  /// throws naming the tag when there is none.
  public func decode<Erased>(_ erased: Erased.Type, from container: KeyedDecodingContainer<TaggedValueKey>) throws -> Erased {
    let tag = try container.decode(String.self, forKey: .type)
    // A wrapper's own tag is never a file's: loading it would ask the registry for itself.
    if let wrapper = erased as? any Persistable.Type, wrapper.typeTag == tag {
      throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "'\(tag)' is not a concrete type")
    }
    let key = Key(tag: tag, erased: ObjectIdentifier(erased))
    guard let decode = entries.withLock({ $0[key] }) else {
      throw DecodingError.dataCorruptedError(
        forKey: .type, in: container,
        debugDescription: "'\(tag)' is not a type registered for loading as \(erased) (ModelRegistry.register)")
    }
    guard let value = try decode(container) as? Erased else {
      throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "'\(tag)' is not a \(erased)")
    }
    return value
  }
}
