import Foundation
import LearnCore

/// The text form of hyperparameter values and search spaces, as `learn tune --param` and
/// `--space` read them. A SPEC is
/// - `low..high`: a uniform range (integers when both bounds are written as integers, unless the
///   hyperparameter is real);
/// - `log:low..high`: log-uniform (log-spaced integers for integer bounds);
/// - `a|b|c`: a choice, each value read by ``value(_:)``;
/// - one value: that value, fixed (a choice of one).
public enum SearchSpaceText {
  /// A hyperparameter value from its text: an integer, a real number, `true` or `false`, `none`,
  /// else the text itself.
  public static func value(_ text: String) -> ParameterValue {
    if let int = Int(text) { return .int(int) }
    if let double = Double(text) { return .double(double) }
    if text == "true" || text == "false" { return .bool(text == "true") }
    if text == "none" { return .none }
    return .string(text)
  }

  /// One SPEC as a distribution; integer bounds give an integer range unless the hyperparameter
  /// is `real`.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` naming `source` and `name`
  ///   for a range whose ends are not two numbers with low below high (both positive for `log:`),
  ///   or a `log:` without a range.
  public static func distribution(_ spec: String, name: String, source: String, real: Bool) throws(LearnError) -> Distribution {
    var text = Substring(spec.trimmingCharacters(in: .whitespaces))
    let logarithmic = text.hasPrefix("log:")
    if logarithmic { text = text.dropFirst(4) }
    let bounds = text.components(separatedBy: "..")
    if bounds.count == 2 {
      let bad = LearnError.invalidArgument(
        name: name, reason: "\(source): '\(name)' range '\(spec)' needs two numbers, low below high" + (logarithmic ? ", both positive" : ""))
      if !real, let low = Int(bounds[0]), let high = Int(bounds[1]) {
        guard low < high, !logarithmic || low > 0 else { throw bad }
        return logarithmic ? .logInt(low, high) : .int(low, high)
      }
      guard let low = Double(bounds[0]), let high = Double(bounds[1]), low.isFinite, high.isFinite, low < high,
            !logarithmic || low > 0 else { throw bad }
      return logarithmic ? .logUniform(low, high) : .uniform(low, high)
    }
    guard !logarithmic else {
      throw .invalidArgument(name: name, reason: "\(source): '\(name)': log: needs a range low..high, got '\(spec)'")
    }
    return .choice(text.split(separator: "|", omittingEmptySubsequences: false).map { value(String($0)) })
  }

  /// The SPECs of a JSON object mapping hyperparameter names to SPEC strings (or to a fixed
  /// number or Boolean, taken as its text).
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` naming `source` when `data`
  ///   is not a JSON object, or a value is neither a string nor a number.
  public static func specifications(json data: Data, source: String) throws(LearnError) -> [String: String] {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw .invalidArgument(name: source, reason: "\(source): expected a JSON object of hyperparameter names to ranges")
    }
    var specs: [String: String] = [:]
    for (name, item) in object {
      switch item {
      case let text as String: specs[name] = text
      case let number as NSNumber: specs[name] = "\(number)"
      default:
        throw .invalidArgument(name: source, reason: "\(source): '\(name)' should be a range such as \"log:0.01..100\" or \"a|b\"")
      }
    }
    return specs
  }
}
