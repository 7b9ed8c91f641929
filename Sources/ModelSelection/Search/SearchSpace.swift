import Foundation
import LearnCore
import LinearAlgebra

/// The values one hyperparameter may take in a search (Optuna's distributions, scikit-optimize's
/// dimensions). Validated when a ``SearchSpace`` is built.
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
  func validate(name: String) throws(LearnError) {
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

  /// The values, when there are finitely many (choices and integer ranges up to `limit` values).
  public func finiteValues(limit: Int = 10_000) -> [ParameterValue]? {
    switch self {
    case .choice(let values): return values
    case .int(let low, let high), .logInt(let low, let high):
      guard high - low < limit else { return nil }
      return (low...high).map { .int($0) }
    case .uniform(let low, let high), .logUniform(let low, let high):
      return low == high ? [.double(low)] : nil
    }
  }

  /// A value drawn with `generator` (Learn's own routines, so a seed fixes the draw everywhere).
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> ParameterValue {
    decode(generator.nextUniform())
  }

  /// The position of `value` in [0, 1] (Optuna's `_SearchSpaceTransform`): linear, logarithmic,
  /// or the choice index spread over [0, 1]. `nil` when the value is not in the distribution.
  public func encode(_ value: ParameterValue) -> Double? {
    switch self {
    case .uniform(let low, let high):
      guard let v = value.doubleValue else { return nil }
      return high == low ? 0.5 : (v - low) / (high - low)
    case .logUniform(let low, let high):
      guard let v = value.doubleValue, v > 0 else { return nil }
      return high == low ? 0.5 : (log(v) - log(low)) / (log(high) - log(low))
    case .int(let low, let high):
      guard let v = value.intValue else { return nil }
      return (Double(v - low) + 0.5) / Double(high - low + 1)
    case .logInt(let low, let high):
      guard let v = value.intValue, v > 0 else { return nil }
      let span = log(Double(high) + 0.5) - log(Double(low) - 0.5)
      return (log(Double(v)) - log(Double(low) - 0.5)) / span
    case .choice(let values):
      guard let index = values.firstIndex(of: value) else { return nil }
      return (Double(index) + 0.5) / Double(values.count)
    }
  }

  /// The value at position `u` in [0, 1] (clamped): the inverse of ``encode(_:)``.
  public func decode(_ u: Double) -> ParameterValue {
    let t = Swift.min(Swift.max(u.isFinite ? u : 0.5, 0), 1)
    switch self {
    case .uniform(let low, let high):
      return .double(Swift.min(high, low + t * (high - low)))
    case .logUniform(let low, let high):
      return .double(Swift.min(high, Swift.max(low, exp(log(low) + t * (log(high) - log(low))))))
    case .int(let low, let high):
      let count = high - low + 1
      return .int(low + Swift.min(count - 1, Int(t * Double(count))))
    case .logInt(let low, let high):
      let value = exp(log(Double(low) - 0.5) + t * (log(Double(high) + 0.5) - log(Double(low) - 0.5)))
      return .int(Swift.min(high, Swift.max(low, Int(value.rounded()))))
    case .choice(let values):
      return values[Swift.min(values.count - 1, Int(t * Double(values.count)))]
    }
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

/// Named distributions, one per hyperparameter, kept in name order (scikit-learn's
/// `ParameterGrid` and Optuna both iterate parameters by sorted name).
public struct SearchSpace: Sendable, Hashable, CustomStringConvertible {
  /// `(name, distribution)` pairs sorted by name.
  public let dimensions: [(name: String, distribution: Distribution)]

  /// A space from a dictionary literal: `["c": .logUniform(1e-2, 1e2), "kernel": .choice(["rbf", "linear"])]`.
  /// Throws when a distribution is invalid or the space is empty.
  public init(_ dimensions: [String: Distribution]) throws(LearnError) {
    guard !dimensions.isEmpty else { throw .emptyInput("a search space needs at least one hyperparameter") }
    for (name, distribution) in dimensions { try distribution.validate(name: name) }
    self.dimensions = dimensions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  /// A grid (scikit-learn's `param_grid`): every parameter's listed values.
  public init(grid: [String: [ParameterValue]]) throws(LearnError) {
    var dimensions: [String: Distribution] = [:]
    for (name, values) in grid { dimensions[name] = .choice(values) }
    try self.init(dimensions)
  }

  /// The hyperparameter names, sorted.
  public var names: [String] { dimensions.map(\.name) }

  /// Whether every dimension has finitely many values (a grid can enumerate it).
  public var isFinite: Bool { dimensions.allSatisfy { $0.distribution.finiteValues() != nil } }

  /// Every combination, in scikit-learn's `ParameterGrid` order (names sorted, the last name
  /// varying fastest); `nil` when a dimension is continuous or there are more than `limit`.
  public func allCandidates(limit: Int = 1_000_000) -> [ParameterSet]? {
    var candidates: [ParameterSet] = [[:]]
    for (name, distribution) in dimensions {
      guard let values = distribution.finiteValues(), candidates.count * values.count <= limit else { return nil }
      candidates = candidates.flatMap { partial in values.map { partial.merging([name: $0]) { $1 } } }
    }
    return candidates
  }

  /// One candidate drawn with `generator`, dimensions in name order.
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> ParameterSet {
    var result: ParameterSet = [:]
    for (name, distribution) in dimensions { result[name] = distribution.sample(using: &generator) }
    return result
  }

  /// The candidate as a point in [0, 1]^d (dimension order), `nil` when a value is missing or
  /// outside its distribution: the one encoding every model-based strategy works in.
  public func encode(_ parameters: ParameterSet) -> [Double]? {
    var point: [Double] = []
    for (name, distribution) in dimensions {
      guard let value = parameters[name], let u = distribution.encode(value) else { return nil }
      point.append(u)
    }
    return point
  }

  /// The candidate at a point of [0, 1]^d.
  public func decode(_ point: [Double]) -> ParameterSet {
    var result: ParameterSet = [:]
    for (index, (name, distribution)) in dimensions.enumerated() {
      result[name] = distribution.decode(index < point.count ? point[index] : 0.5)
    }
    return result
  }

  /// The dimensions, one per line.
  public var description: String {
    dimensions.map { "\($0.name): \($0.distribution)" }.joined(separator: "\n")
  }

  /// Whether two spaces have the same names and distributions.
  public static func == (a: SearchSpace, b: SearchSpace) -> Bool {
    a.dimensions.count == b.dimensions.count
      && zip(a.dimensions, b.dimensions).allSatisfy { $0.name == $1.name && $0.distribution == $1.distribution }
  }

  /// Hashes the names and distributions.
  public func hash(into hasher: inout Hasher) {
    for (name, distribution) in dimensions {
      hasher.combine(name)
      hasher.combine(distribution)
    }
  }
}
