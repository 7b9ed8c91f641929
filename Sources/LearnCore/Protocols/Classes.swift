import LinearAlgebra

/// Class labels mapped to dense indices `0 ..< classes.count`: how classifiers see any integer
/// labels (scikit-learn's `np.unique(y, return_inverse=True)`).
public struct ClassEncoding: Sendable, Hashable {
  /// The distinct labels, ascending (a model's `classes`).
  public let classes: [Int]
  /// For each sample, the index of its label in ``classes``.
  public let indices: [Int]

  /// Encodes `y`; throws ``LearnError/emptyInput(_:)`` for no labels and
  /// ``LearnError/singleClass(label:)`` unless `allowSingleClass` when every label is the same.
  public init(_ y: [Int], allowSingleClass: Bool = false) throws(LearnError) {
    guard let first = y.first else { throw .emptyInput("y has no labels") }
    let classes = Array(Set(y)).sorted()
    guard classes.count > 1 || allowSingleClass else { throw .singleClass(label: first) }
    let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    self.classes = classes
    self.indices = y.map { position[$0]! }
  }

  /// Encodes `y` against the `classes` a model was trained on (continued training, where a batch
  /// may miss some classes); throws ``LearnError/invalidArgument(name:reason:)`` naming the first
  /// label that is not among them.
  public init(_ y: [Int], classes: [Int]) throws(LearnError) {
    let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    var indices: [Int] = []
    indices.reserveCapacity(y.count)
    for label in y {
      guard let index = position[label] else {
        throw .invalidArgument(name: "y", reason: "label \(label) is not among the model's classes \(classes)")
      }
      indices.append(index)
    }
    self.classes = classes
    self.indices = indices
  }

  /// How many samples each class has, in ``classes`` order.
  public var counts: [Int] {
    var counts = [Int](repeating: 0, count: classes.count)
    for i in indices { counts[i] += 1 }
    return counts
  }
}

/// Per-class weights in a classifier's loss (scikit-learn's `class_weight`).
public enum ClassWeight: Sendable, Hashable, CustomStringConvertible {
  /// Every class weighs 1.
  case uniform
  /// Weights inversely proportional to class frequency: `n / (k · count(class))`.
  case balanced
  /// Explicit weights by label; labels not listed weigh 1.
  case custom([Int: Double])

  /// The weight of each class of `encoding`, in its `classes` order. Throws when a custom weight is
  /// negative or not finite, or names a label that is not among the training classes (scikit-learn
  /// raises for labels absent from `y`).
  public func weights(for encoding: ClassEncoding) throws(LearnError) -> [Double] {
    switch self {
    case .uniform:
      return [Double](repeating: 1, count: encoding.classes.count)
    case .balanced:
      let n = Double(encoding.indices.count), k = Double(encoding.classes.count)
      return encoding.counts.map { n / (k * Double($0)) }
    case .custom(let table):
      for (label, weight) in table.sorted(by: { $0.key < $1.key }) {
        guard encoding.classes.contains(label) else {
          throw .invalidArgument(name: "classWeight", reason: "class \(label) is not in the training labels \(encoding.classes)")
        }
        guard weight.isFinite, weight >= 0 else {
          throw .invalidArgument(name: "classWeight", reason: "the weight of class \(label) must be finite and non-negative, got \(weight)")
        }
      }
      return encoding.classes.map { table[$0] ?? 1 }
    }
  }

  /// `"uniform"`, `"balanced"` or the table.
  public var description: String {
    switch self {
    case .uniform: return "uniform"
    case .balanced: return "balanced"
    case .custom(let table): return "\(table.sorted { $0.key < $1.key })"
    }
  }
}

extension ClassWeight {
  /// The hyperparameter spelling: none for uniform (scikit-learn's `None`), `"balanced"`, or
  /// `"label:weight,label:weight"` in label order (`"0:1.0,3:2.5"`).
  public var parameterValue: ParameterValue {
    switch self {
    case .uniform: return .none
    case .balanced: return .string("balanced")
    case .custom(let table):
      return .string(table.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))
    }
  }

  /// The weights a hyperparameter value spells: none, `"uniform"` or `"none"`; `"balanced"`; or
  /// `"label:weight,…"` (spaces allowed) with distinct integer labels and finite weights ≥ 0.
  /// `nil` for anything else.
  public init?(parameterValue value: ParameterValue) {
    switch value {
    case .none, .string("uniform"), .string("none"): self = .uniform
    case .string("balanced"): self = .balanced
    case .string(let text):
      var table: [Int: Double] = [:]
      for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
        let parts = entry.filter { !$0.isWhitespace }.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let label = Int(parts[0]), let weight = Double(parts[1]), weight.isFinite, weight >= 0,
          table[label] == nil
        else { return nil }
        table[label] = weight
      }
      guard !table.isEmpty else { return nil }
      self = .custom(table)
    default: return nil
    }
  }
}

extension Hyperparameter {
  /// The `classWeight` row every classifier shares: reads and writes a ``ClassWeight`` at `path`
  /// as ``ClassWeight/parameterValue`` (one syntax for every estimator, saved and loaded like any
  /// value).
  public static func classWeight(_ name: String, _ path: WritableKeyPath<Model, ClassWeight> & Sendable) -> Self {
    Self(name: name, expected: "none, \"balanced\" or \"label:weight,…\" with finite weights ≥ 0",
         read: { $0[keyPath: path].parameterValue }) { (model, value) throws(HyperparameterRejection) in
      guard let weight = ClassWeight(parameterValue: value) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = weight
    }
  }
}

/// A model fitted by an iterative solver. Not converging is not an error: the model says so here
/// (scikit-learn warns with `ConvergenceWarning`).
public protocol IterativeModel: Sendable {
  /// Whether the solver met its tolerance before its iteration limit.
  var converged: Bool { get }
  /// Iterations (epochs, passes, solver steps) the solver ran (scikit-learn's `n_iter_`).
  var iterations: Int { get }
}

extension ClassWeight: Codable {
  /// Reads the hyperparameter syntax (``init(parameterValue:)``): `null`, `"balanced"` or
  /// `"label:weight,…"`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let value: ParameterValue = container.decodeNil() ? .none : .string(try container.decode(String.self))
    guard let weight = ClassWeight(parameterValue: value) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(value) is not a class weight")
    }
    self = weight
  }

  /// Writes the hyperparameter syntax (``parameterValue``): `null` for uniform weights, else a string.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if case .string(let text) = parameterValue { try container.encode(text) } else { try container.encodeNil() }
  }
}
