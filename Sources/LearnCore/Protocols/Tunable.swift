/// The valid values of a real hyperparameter: an interval whose ends may be open or closed.
public struct RealDomain: Sendable, Hashable, CustomStringConvertible {
  /// The interval's ends (infinite for an unbounded side).
  public var lower: Double, upper: Double
  /// Whether each end belongs to the interval.
  public var lowerClosed: Bool, upperClosed: Bool

  /// An interval from `lower` to `upper`, closed at each end as given.
  public init(lower: Double, upper: Double, lowerClosed: Bool = true, upperClosed: Bool = true) {
    self.lower = lower
    self.upper = upper
    self.lowerClosed = lowerClosed
    self.upperClosed = upperClosed
  }

  /// (−∞, ∞): any finite value.
  public static let any = RealDomain(lower: -.infinity, upper: .infinity, lowerClosed: false, upperClosed: false)
  /// (0, ∞).
  public static let positive = RealDomain(lower: 0, upper: .infinity, lowerClosed: false, upperClosed: false)
  /// [0, ∞).
  public static let nonNegative = RealDomain(lower: 0, upper: .infinity, lowerClosed: true, upperClosed: false)
  /// [0, 1].
  public static let unitInterval = RealDomain(lower: 0, upper: 1)
  /// The closed interval `range`.
  public static func closed(_ range: ClosedRange<Double>) -> RealDomain {
    RealDomain(lower: range.lowerBound, upper: range.upperBound)
  }

  /// Whether `value` is finite and inside the interval.
  public func contains(_ value: Double) -> Bool {
    guard value.isFinite else { return false }
    let aboveLower = lowerClosed ? value >= lower : value > lower
    let belowUpper = upperClosed ? value <= upper : value < upper
    return aboveLower && belowUpper
  }

  /// A readable description, used in error messages and logs.
  public var description: String {
    func show(_ v: Double) -> String { v.isInfinite ? (v < 0 ? "-inf" : "inf") : String(v) }
    return (lowerClosed ? "[" : "(") + show(lower) + ", " + show(upper) + (upperClosed ? "]" : ")")
  }
}

/// One named, typed, validated hyperparameter of `Model`: a row of the model's static table.
public struct Hyperparameter<Model>: Sendable {
  /// The name used by `parameters`, `setting(_:)`, search spaces and the command line.
  public let name: String
  /// What values are valid, in words, for error messages ("a float in (0, inf)").
  public let expected: String
  /// What values are valid, for code: searches clip and perturb inside it and build distributions
  /// from it. ``HyperparameterDomain/opaque`` for rows whose values cannot be described.
  public let domain: HyperparameterDomain
  /// Reads the value from a model.
  public let read: @Sendable (Model) -> ParameterValue
  /// Validates and writes a value; throws a message-ready `expected`/`got` pair on failure.
  public let write: @Sendable (inout Model, ParameterValue) throws(HyperparameterRejection) -> Void

  /// A row from its parts; prefer the typed factories (`.double`, `.int`, `.bool`, `.choice`).
  /// `domain` should describe the values `write` accepts whenever they can be described; it stays
  /// ``HyperparameterDomain/opaque`` otherwise.
  public init(
    name: String, expected: String, domain: HyperparameterDomain = .opaque,
    read: @escaping @Sendable (Model) -> ParameterValue,
    write: @escaping @Sendable (inout Model, ParameterValue) throws(HyperparameterRejection) -> Void
  ) {
    self.name = name
    self.expected = expected
    self.domain = domain
    self.read = read
    self.write = write
  }

  /// A real-valued hyperparameter stored at `path`, valid in `domain`. Integers are accepted.
  /// `log` says the natural scale is logarithmic (regularisation strengths, learning rates).
  public static func double(
    _ name: String, _ path: WritableKeyPath<Model, Double> & Sendable, _ domain: RealDomain = .any, log: Bool = false
  ) -> Self {
    let expected = "a float in \(domain)"
    return Self(name: name, expected: expected, domain: .real(domain, log: log), read: { .double($0[keyPath: path]) }) {
      (model, value) throws(HyperparameterRejection) in
      guard let v = value.doubleValue, domain.contains(v) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = v
    }
  }

  /// An integer hyperparameter stored at `path`, valid in `range`. `log` says the natural scale
  /// is logarithmic (numbers of trees or iterations).
  public static func int(
    _ name: String, _ path: WritableKeyPath<Model, Int> & Sendable, _ range: ClosedRange<Int> = Int.min...Int.max,
    log: Bool = false
  ) -> Self {
    let expected = "an int in \(describeRange(range))"
    return Self(name: name, expected: expected, domain: .integers(range, log: log), read: { .int($0[keyPath: path]) }) {
      (model, value) throws(HyperparameterRejection) in
      guard let v = value.intValue, range.contains(v) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = v
    }
  }

  /// An optional integer (scikit-learn's `int or None`), such as an unlimited depth; `log` as for
  /// ``int(_:_:_:log:)``.
  public static func optionalInt(
    _ name: String, _ path: WritableKeyPath<Model, Int?> & Sendable, _ range: ClosedRange<Int> = Int.min...Int.max,
    log: Bool = false
  ) -> Self {
    let expected = "an int in \(describeRange(range)) or none"
    return Self(name: name, expected: expected, domain: .optional(.integers(range, log: log)),
                read: { $0[keyPath: path].map(ParameterValue.int) ?? .none }) {
      (model, value) throws(HyperparameterRejection) in
      if value == .none { model[keyPath: path] = nil; return }
      guard let v = value.intValue, range.contains(v) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = v
    }
  }

  /// An optional real value (scikit-learn's `float or None`), valid in `domain` when present;
  /// `log` as for ``double(_:_:_:log:)``.
  public static func optionalDouble(
    _ name: String, _ path: WritableKeyPath<Model, Double?> & Sendable, _ domain: RealDomain = .any, log: Bool = false
  ) -> Self {
    let expected = "a float in \(domain) or none"
    return Self(name: name, expected: expected, domain: .optional(.real(domain, log: log)),
                read: { $0[keyPath: path].map(ParameterValue.double) ?? .none }) {
      (model, value) throws(HyperparameterRejection) in
      if value == .none { model[keyPath: path] = nil; return }
      guard let v = value.doubleValue, domain.contains(v) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = v
    }
  }

  /// A random seed (scikit-learn's `random_state` as an int), stored as the 64-bit seed of Learn's
  /// generators. Read back as an `Int` with the same bits, so every `UInt64` seed round-trips
  /// (seeds from `SplitMix64.derive` often have the top bit set); writes accept any `Int`.
  public static func seed(_ name: String, _ path: WritableKeyPath<Model, UInt64> & Sendable) -> Self {
    Self(name: name, expected: "an int (a 64-bit seed)", domain: .seed,
         read: { .int(Int(bitPattern: UInt($0[keyPath: path]))) }) {
      (model, value) throws(HyperparameterRejection) in
      guard case .int(let v) = value else { throw HyperparameterRejection(value) }
      model[keyPath: path] = UInt64(UInt(bitPattern: v))
    }
  }

  /// A Boolean hyperparameter stored at `path`.
  public static func bool(_ name: String, _ path: WritableKeyPath<Model, Bool> & Sendable) -> Self {
    Self(name: name, expected: "a bool", domain: .bool, read: { .bool($0[keyPath: path]) }) {
      (model, value) throws(HyperparameterRejection) in
      guard case .bool(let b) = value else { throw HyperparameterRejection(value) }
      model[keyPath: path] = b
    }
  }

  /// A hyperparameter that is one of the cases of a string-backed enumeration (written by its raw value).
  public static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Model, Choice> & Sendable
  ) -> Self where Choice.RawValue == String {
    let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    let values = Choice.allCases.map { ParameterValue.string($0.rawValue) }
    return Self(name: name, expected: "one of \(names)", domain: .choices(values),
                read: { .string($0[keyPath: path].rawValue) }) {
      (model, value) throws(HyperparameterRejection) in
      guard case .string(let s) = value, let choice = Choice(rawValue: s) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = choice
    }
  }

  /// The same hyperparameter, reached through `path` of an enclosing type and renamed to
  /// `prefix.name`: how a pipeline exposes its steps' hyperparameters (`"svc.c"`).
  public func lifted<Outer>(
    prefix: String, through path: WritableKeyPath<Outer, Model> & Sendable
  ) -> Hyperparameter<Outer> {
    let read = self.read, write = self.write
    return Hyperparameter<Outer>(name: prefix + "." + name, expected: expected, domain: domain,
                                 read: { read($0[keyPath: path]) }) {
      (outer, value) throws(HyperparameterRejection) in
      try write(&outer[keyPath: path], value)
    }
  }

  /// The same hyperparameter under the same name, reached through an enclosing type that holds a
  /// `Model` it can only get and set as a whole: how type-erasing wrappers (`AnyTransformer`,
  /// `AnyEstimator`) expose the wrapped value's rows.
  public func reached<Outer>(
    get: @escaping @Sendable (Outer) -> Model, set: @escaping @Sendable (inout Outer, Model) -> Void
  ) -> Hyperparameter<Outer> {
    let read = self.read, write = self.write
    return Hyperparameter<Outer>(name: name, expected: expected, domain: domain, read: { read(get($0)) }) {
      (outer, value) throws(HyperparameterRejection) in
      var inner = get(outer)
      try write(&inner, value)
      set(&outer, inner)
    }
  }
}

/// A rejected hyperparameter value; ``Tunable/setting(_:)`` turns it into
/// ``LearnError/invalidHyperparameter(name:estimator:expected:got:)`` with the name and range.
public struct HyperparameterRejection: Error, Sendable {
  /// The value that was rejected.
  public let value: ParameterValue
  /// A rejection of `value`.
  public init(_ value: ParameterValue) { self.value = value }
}

/// A type whose hyperparameters can be read and written by name (scikit-learn's
/// `get_params`/`set_params`), declared once in a static, typed table.
public protocol Tunable: Sendable {
  /// Every hyperparameter of the type, in declaration order.
  static var hyperparameters: [Hyperparameter<Self>] { get }

  /// The hyperparameters of this value. For most types it is the static table; composites whose
  /// parameters depend on their parts (pipelines, column transformers) add their parts' rows,
  /// prefixed with the part's name.
  var hyperparameterTable: [Hyperparameter<Self>] { get }

  /// The name a pipeline gives this step unless told otherwise (scikit-learn's `make_pipeline`
  /// uses the lower-cased class name); it prefixes the step's hyperparameters (`"svc.c"`).
  static var stepName: String { get }

  /// The types of this value and of its parts, such as
  /// `Pipeline[standardscaler: StandardScaler, model: EstimatorChoice[svc: SVC, logistic: LogisticRegression]]`.
  /// With ``parameters`` it identifies a configuration: a search journal records both, so a
  /// journal written for other parts (a different estimator behind the same step name) is refused.
  /// Plain types use their name; composites and type-erasing wrappers describe their parts.
  var structureDescription: String { get }

  /// The ranges people tune in practice for this type, by hyperparameter name: what a search uses
  /// when given no space. Empty unless the type declares one; each estimator's documentation says
  /// where its ranges come from. Every value of every distribution is accepted by ``setting(_:)``.
  static var defaultSearchSpace: [String: Distribution] { get }

  /// The default search space of this value: the static one for most types; composites
  /// (pipelines, column transformers, choices, type-erasing wrappers) gather their parts' spaces
  /// under the same prefixed names as their ``hyperparameterTable``.
  var defaultSearchSpace: [String: Distribution] { get }
}

extension Tunable {
  /// The static table.
  public var hyperparameterTable: [Hyperparameter<Self>] { Self.hyperparameters }

  /// The type's name (``estimatorName``).
  public var structureDescription: String { Self.estimatorName }

  /// None: a type declares its own.
  public static var defaultSearchSpace: [String: Distribution] { [:] }

  /// The static ``defaultSearchSpace``.
  public var defaultSearchSpace: [String: Distribution] { Self.defaultSearchSpace }

  /// This value's ``defaultSearchSpace`` with every name prefixed by `prefix.`, as a pipeline
  /// names its steps' hyperparameters (`"svc.c"`).
  public func defaultSearchSpace(prefixedWith prefix: String) -> [String: Distribution] {
    Dictionary(uniqueKeysWithValues: defaultSearchSpace.map { (prefix + "." + $0.key, $0.value) })
  }

  /// The lower-cased type name, as scikit-learn's `make_pipeline` names steps.
  public static var stepName: String { estimatorName.lowercased() }

  /// A readable name for error messages: the type's name.
  public static var estimatorName: String {
    let full = String(describing: Self.self)
    return full.split(separator: "<").first.map(String.init) ?? full
  }

  /// The names of this value's hyperparameters, in table order.
  public var hyperparameterNames: [String] { hyperparameterTable.map(\.name) }

  /// The current value of every hyperparameter.
  public var parameters: ParameterSet {
    var result: ParameterSet = [:]
    for h in hyperparameterTable { result[h.name] = h.read(self) }
    return result
  }

  /// A copy with the given hyperparameters replaced; `self` is unchanged. Names are applied in
  /// sorted order. Throws on an unknown name (listing the valid ones) or an invalid value (naming
  /// the valid range).
  public func setting(_ values: ParameterSet) throws(LearnError) -> Self {
    var copy = self
    let table = hyperparameterTable
    for (name, value) in values.sorted(by: { $0.key < $1.key }) {
      guard let h = table.first(where: { $0.name == name }) else {
        throw .unknownHyperparameter(name: name, estimator: Self.estimatorName, valid: table.map(\.name))
      }
      do {
        try h.write(&copy, value)
      } catch {
        throw .invalidHyperparameter(name: name, estimator: Self.estimatorName, expected: h.expected,
                                     got: error.value.description)
      }
    }
    return copy
  }

  /// A copy with one hyperparameter replaced.
  public func setting(_ name: String, to value: ParameterValue) throws(LearnError) -> Self {
    try setting([name: value])
  }

  /// Throws when a hyperparameter holds a value outside its valid range (properties can be set
  /// directly, so every `fit` calls this first).
  public func validateHyperparameters() throws(LearnError) {
    _ = try setting(parameters)
  }
}
