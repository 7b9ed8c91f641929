import Foundation
import LearnCore
import LinearAlgebra

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

  /// The distribution of the dimension `name`, if the space has one.
  public subscript(name: String) -> Distribution? { dimensions.first { $0.name == name }?.distribution }

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

  /// The candidate as a point in [0, 1]^d (dimension order), `nil` when a value is missing, of the
  /// wrong kind or outside its distribution's bounds: the one encoding every model-based strategy
  /// works in.
  public func encode(_ parameters: ParameterSet) -> [Double]? {
    var point: [Double] = []
    for (name, distribution) in dimensions {
      guard let value = parameters[name], let u = distribution.encode(value) else { return nil }
      point.append(u)
    }
    return point
  }

  /// The candidate at a point of [0, 1]^d (coordinates in dimension order, each clamped to
  /// [0, 1]). Throws when the point does not have one coordinate per dimension.
  public func decode(_ point: [Double]) throws(LearnError) -> ParameterSet {
    guard point.count == dimensions.count else {
      throw .shapeMismatch("a point of this space has \(dimensions.count) coordinates (\(names.joined(separator: ", "))), got \(point.count)")
    }
    var result: ParameterSet = [:]
    for (index, (name, distribution)) in dimensions.enumerated() { result[name] = distribution.decode(point[index]) }
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
