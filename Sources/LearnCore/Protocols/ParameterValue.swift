import Foundation

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

/// A Swift value that is a hyperparameter value: `Int`, `Double`, `String`, `Bool`, `[Int]` (layer
/// sizes), `ParameterValue` itself, and optionals of these (`nil` is `.none`). Lets a grid take a
/// plain `[Double]` or `[String]` array as it is.
public protocol ParameterValueConvertible: Sendable {
  /// The value as a ``ParameterValue``.
  var parameterValue: ParameterValue { get }
}

extension Int: ParameterValueConvertible {
  /// `.int(self)`.
  public var parameterValue: ParameterValue { .int(self) }
}

extension Double: ParameterValueConvertible {
  /// `.double(self)`.
  public var parameterValue: ParameterValue { .double(self) }
}

extension String: ParameterValueConvertible {
  /// `.string(self)`.
  public var parameterValue: ParameterValue { .string(self) }
}

extension Bool: ParameterValueConvertible {
  /// `.bool(self)`.
  public var parameterValue: ParameterValue { .bool(self) }
}

extension ParameterValue: ParameterValueConvertible {
  /// Itself.
  public var parameterValue: ParameterValue { self }
}

extension Optional: ParameterValueConvertible where Wrapped: ParameterValueConvertible {
  /// The wrapped value's, or `.none` for `nil`.
  public var parameterValue: ParameterValue { self?.parameterValue ?? .none }
}

extension Array: ParameterValueConvertible where Element == Int {
  /// `.ints(self)`: a list of integers such as hidden-layer sizes.
  public var parameterValue: ParameterValue { .ints(self) }
}

/// The values of one grid dimension: any array of ``ParameterValueConvertible`` values, so
/// `["alpha": alphas]` works for `alphas: [Double]`, and literals such as `[0.1, 1, 10]`,
/// `["rbf", "linear"]`, `[5, 10, nil]` or `[[32], [64, 64]]` keep their natural types.
public protocol ParameterValueList: Sendable {
  /// The values, in order.
  var parameterValues: [ParameterValue] { get }
}

extension Array: ParameterValueList where Element: ParameterValueConvertible {
  /// Each element's ``ParameterValueConvertible/parameterValue``.
  public var parameterValues: [ParameterValue] { map(\.parameterValue) }
}

/// `count` evenly spaced numbers from `start` to `stop`, both included (numpy's `linspace`).
public func linspace(_ start: Double, _ stop: Double, count: Int = 50) -> [Double] {
  guard count > 1 else { return count == 1 ? [start] : [] }
  let step = (stop - start) / Double(count - 1)
  return (0..<count).map { $0 == count - 1 ? stop : start + Double($0) * step }
}

/// `count` numbers spaced evenly on a log scale, `base^start` to `base^stop` (numpy's
/// `logspace`): `logspace(-4, 4, count: 9)` is 1e-4, 1e-3, …, 1e4.
public func logspace(_ start: Double, _ stop: Double, count: Int = 50, base: Double = 10) -> [Double] {
  linspace(start, stop, count: count).map { Foundation.pow(base, $0) }
}
