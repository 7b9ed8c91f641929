import Foundation
import LearnCore
import ModelSelection

/// How one hyperparameter is laid out along a plot axis: numeric (linear, or logarithmic when its
/// values are positive and span two decades or more) or categorical (its distinct values, in
/// order, at evenly spaced positions). A parameter that is sometimes a number and sometimes
/// `none` (an unlimited depth) is categorical.
struct ParameterAxis {
  var name: String
  /// The categories' labels in position order; empty for a numeric axis.
  var categories: [String]
  /// Each category's position.
  private var positions: [String: Int] = [:]
  var logarithmic: Bool

  /// The axis for parameter `name` over `trials`.
  init(name: String, trials: [TrialRecord]) {
    self.name = name
    let values = trials.map { $0.parameters[name] ?? .none }
    let numbers = values.compactMap { value -> Double? in
      if case .bool = value { return nil }
      return value.doubleValue
    }
    if numbers.count == values.count, !numbers.isEmpty {
      categories = []
      let (lo, hi) = (numbers.min()!, numbers.max()!)
      logarithmic = lo > 0 && hi / lo >= 100
    } else {
      categories = Self.orderedLabels(values)
      logarithmic = false
      positions = Dictionary(categories.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
  }

  var isCategorical: Bool { !categories.isEmpty }

  /// The value's coordinate on the axis before scaling: the number (or its category's position).
  func position(_ value: ParameterValue?) -> Double {
    let value = value ?? .none
    if isCategorical { return Double(positions[value.description] ?? 0) }
    return value.doubleValue ?? .nan
  }

  /// Numbers first in numeric order, then the other labels sorted.
  private static func orderedLabels(_ values: [ParameterValue]) -> [String] {
    var seen: [String: Double?] = [:]
    for value in values { seen[value.description] = value.doubleValue }
    return seen.keys.sorted { a, b in
      switch (seen[a]!, seen[b]!) {
      case let (x?, y?): return x < y
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }
  }

  /// A scale over the trials' positions on this axis.
  func scale(_ trials: [TrialRecord], start: Double, end: Double) -> Scale {
    if isCategorical {
      return Scale(values: [0, Double(Swift.max(categories.count - 1, 0))], start: start, end: end, padding: categories.count > 1 ? 0.08 : 0.5)
    }
    return Scale(values: trials.map { position($0.parameters[name]) }, start: start, end: end, logarithmic: logarithmic)
  }

  /// Tick positions and labels: every category (thinned past twelve), or the scale's ticks.
  func ticks(_ scale: Scale) -> [(Double, String)] {
    guard isCategorical else { return scale.ticks().map { ($0, formatNumber($0)) } }
    let stride = Swift.max(1, (categories.count + 11) / 12)
    return categories.enumerated().filter { $0.offset % stride == 0 }.map { (Double($0.offset), shorten($0.element)) }
  }
}

/// A label cut to `limit` characters with an ellipsis.
func shorten(_ text: String, _ limit: Int = 14) -> String {
  text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
}

/// The parameters worth plotting: those taking at least two values among `trials`.
func varyingParameters(_ results: SearchResults, among trials: [TrialRecord]) -> [String] {
  results.parameterNames.filter { name in Set(trials.map { ($0.parameters[name] ?? .none).description }).count >= 2 }
}
