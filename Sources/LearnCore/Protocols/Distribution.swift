import Foundation
import LinearAlgebra

/// The values one hyperparameter may take in a search (Optuna's distributions, scikit-optimize's
/// dimensions). Validated when a search space is built.
///
/// Integer ranges may span the whole of `Int` (`.int(0, Int.max)` is a natural seed range): the
/// arithmetic that maps them to and from [0, 1] never overflows.
public enum Distribution: Sendable, Hashable, CustomStringConvertible {
  /// Reals uniform in `[low, high]`.
  case uniform(Double, Double)
  /// Reals whose logarithm is uniform in `[log low, log high]`; `low` must be positive.
  case logUniform(Double, Double)
  /// Integers uniform in `low ... high`.
  case int(Int, Int)
  /// Integers whose logarithm is uniform; `low` must be at least 1.
  case logInt(Int, Int)
  /// One of the listed values (numbers, strings, layer-size lists…), each equally likely.
  case choice([ParameterValue])

  /// Throws unless the bounds are finite and ordered and a choice is non-empty and distinct.
  public func validate(name: String) throws(LearnError) {
    func fail(_ reason: String) -> LearnError { .invalidArgument(name: name, reason: reason) }
    switch self {
    case .uniform(let low, let high):
      guard low.isFinite, high.isFinite, low <= high else { throw fail("uniform(\(low), \(high)) needs finite low ≤ high") }
    case .logUniform(let low, let high):
      guard low.isFinite, high.isFinite, low > 0, low <= high else {
        throw fail("logUniform(\(low), \(high)) needs 0 < low ≤ high, both finite")
      }
    case .int(let low, let high):
      guard low <= high else { throw fail("int(\(low), \(high)) needs low ≤ high") }
    case .logInt(let low, let high):
      guard low >= 1, low <= high else { throw fail("logInt(\(low), \(high)) needs 1 ≤ low ≤ high") }
    case .choice(let values):
      guard !values.isEmpty else { throw fail("choice needs at least one value") }
      guard Set(values).count == values.count else { throw fail("choice values must be distinct, got \(values)") }
    }
  }

  /// The number of integers in `low ... high`, when it fits in an `Int`.
  private static func count(_ low: Int, _ high: Int) -> Int? {
    let (span, overflow) = high.subtractingReportingOverflow(low)
    guard !overflow, span < Int.max else { return nil }
    return span + 1
  }

  /// The values, when there are finitely many (choices and integer ranges up to `limit` values).
  public func finiteValues(limit: Int = 10_000) -> [ParameterValue]? {
    switch self {
    case .choice(let values): return values
    case .int(let low, let high), .logInt(let low, let high):
      guard let count = Self.count(low, high), count <= limit else { return nil }
      return (low...high).map { .int($0) }
    case .uniform(let low, let high), .logUniform(let low, let high):
      return low == high ? [.double(low)] : nil
    }
  }

  /// Whether `value` belongs to the distribution: of the right kind and inside the bounds.
  public func contains(_ value: ParameterValue) -> Bool {
    switch self {
    case .uniform(let low, let high), .logUniform(let low, let high):
      guard let v = value.doubleValue, v.isFinite else { return false }
      return low <= v && v <= high
    case .int(let low, let high), .logInt(let low, let high):
      guard let v = value.intValue else { return false }
      return low <= v && v <= high
    case .choice(let values):
      return values.contains(value)
    }
  }

  /// A value drawn with `generator` (Learn's own routines, so a seed fixes the draw everywhere).
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> ParameterValue {
    decode(generator.nextUniform())
  }

  /// The position of `value` in [0, 1] (Optuna's `_SearchSpaceTransform`): linear, logarithmic,
  /// or the choice index spread over [0, 1]. `nil` when the value is not in the distribution (of
  /// another kind, or outside the bounds).
  public func encode(_ value: ParameterValue) -> Double? {
    guard contains(value) else { return nil }
    switch self {
    case .uniform(let low, let high):
      return high == low ? 0.5 : (value.doubleValue! - low) / (high - low)
    case .logUniform(let low, let high):
      return high == low ? 0.5 : (log(value.doubleValue!) - log(low)) / (log(high) - log(low))
    case .int(let low, let high):
      // In doubles: `v - low` and `high - low + 1` overflow for ranges as wide as Int.
      let span = Double(high) - Double(low) + 1
      return Swift.min(1, (Double(value.intValue!) - Double(low) + 0.5) / span)
    case .logInt(let low, let high):
      let span = log(Double(high) + 0.5) - log(Double(low) - 0.5)
      return (log(Double(value.intValue!)) - log(Double(low) - 0.5)) / span
    case .choice(let values):
      return (Double(values.firstIndex(of: value)!) + 0.5) / Double(values.count)
    }
  }

  /// The value at position `u` in [0, 1] (clamped; NaN means the middle): the inverse of
  /// ``encode(_:)``.
  public func decode(_ u: Double) -> ParameterValue {
    let t = Swift.min(Swift.max(u.isFinite ? u : 0.5, 0), 1)
    switch self {
    case .uniform(let low, let high):
      return .double(Swift.min(high, low + t * (high - low)))
    case .logUniform(let low, let high):
      return .double(Swift.min(high, Swift.max(low, exp(log(low) + t * (log(high) - log(low))))))
    case .int(let low, let high):
      if let count = Self.count(low, high), count <= 1 << 53 {
        return .int(low + Swift.min(count - 1, Int(t * Double(count))))
      }
      return .int(Self.clamped(Double(low) + t * (Double(high) - Double(low)), low, high))
    case .logInt(let low, let high):
      let value = exp(log(Double(low) - 0.5) + t * (log(Double(high) + 0.5) - log(Double(low) - 0.5)))
      return .int(Self.clamped(value.rounded(), low, high))
    case .choice(let values):
      return values[Swift.min(values.count - 1, Int(t * Double(values.count)))]
    }
  }

  /// `value` as an integer in `low ... high`, without trapping where a double exceeds `Int`.
  private static func clamped(_ value: Double, _ low: Int, _ high: Int) -> Int {
    if !(value > Double(low)) { return low }
    if value >= Double(high) { return high }  // Double(Int.max) is 2^63, above Int.max
    return Swift.min(high, Swift.max(low, Int(value)))
  }

  /// Readable form, as in result tables.
  public var description: String {
    switch self {
    case .uniform(let a, let b): return "uniform(\(a), \(b))"
    case .logUniform(let a, let b): return "logUniform(\(a), \(b))"
    case .int(let a, let b): return "int(\(a), \(b))"
    case .logInt(let a, let b): return "logInt(\(a), \(b))"
    case .choice(let values): return "choice(\(values.map(\.description).joined(separator: ", ")))"
    }
  }
}
