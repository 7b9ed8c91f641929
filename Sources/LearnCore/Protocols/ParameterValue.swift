/// A hyperparameter value, as read or written by name (scikit-learn's `get_params`/`set_params`
/// values, Optuna's parameter values).
///
/// Literals work directly: `["alpha": 0.1, "strategy": "prior", "maxDepth": 3, "layers": [64, 64]]`.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
  /// An integer.
  case int(Int)
  /// A real number.
  case double(Double)
  /// A string, such as a choice's raw value.
  case string(String)
  /// A Boolean.
  case bool(Bool)
  /// A list of integers, such as hidden-layer sizes.
  case ints([Int])
  /// No value (scikit-learn's `None`), e.g. an unlimited `maxDepth`.
  case none

  /// An `.int` from an integer literal.
  public init(integerLiteral value: Int) { self = .int(value) }
  /// A `.double` from a float literal.
  public init(floatLiteral value: Double) { self = .double(value) }
  /// A `.string` from a string literal.
  public init(stringLiteral value: String) { self = .string(value) }
  /// A `.bool` from a Boolean literal.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// An `.ints` list from an array literal of integers.
  public init(arrayLiteral elements: Int...) { self = .ints(elements) }
  /// `.none` from `nil`.
  public init(nilLiteral: ()) { self = .none }

  /// The value as a real number, when it is one (integers convert).
  public var doubleValue: Double? {
    switch self {
    case .double(let d): return d
    case .int(let i): return Double(i)
    default: return nil
    }
  }

  /// The value as an integer, when it is one (a double with an integral value converts).
  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
    default: return nil
    }
  }

  /// A readable description, used in error messages and logs.
  public var description: String {
    switch self {
    case .int(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return "\"\(s)\""
    case .bool(let b): return String(b)
    case .ints(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
    case .none: return "none"
    }
  }
}

/// Hyperparameters by name, as `parameters` returns them and `setting(_:)` takes them.
public typealias ParameterSet = [String: ParameterValue]
