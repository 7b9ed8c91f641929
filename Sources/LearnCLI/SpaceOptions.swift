import Foundation
import Learn

/// The search space `learn tune` uses: the pipeline's default space, replaced by a `--space`
/// JSON file when given, then changed by each `--param NAME=SPEC`. A SPEC is
/// - `low..high`: a uniform range (integers when both bounds are written as integers);
/// - `log:low..high`: log-uniform (log-spaced integers for integer bounds);
/// - `a|b|c`: a choice, each value read as `--set` reads values;
/// - one value: that value, fixed.
/// The JSON file maps names to the same SPEC strings (or to a fixed number or Boolean):
/// `{"model.c": "log:0.01..100", "model.kernel": "rbf|linear"}`. Every name must be one of the
/// `estimator`'s hyperparameters, and the ends of every range and every choice valid values of it
/// (a range of a real hyperparameter is real even when its bounds are written as integers).
func searchSpace<E: Tunable>(
  default defaults: [String: Distribution], file: String?, overrides: [String], estimator: E
) throws -> [String: Distribution] {
  let known = estimator.parameters
  var space = defaults
  if let file {
    space = [:]
    let data = Data(try readText(file).utf8)
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw UsageError(description: "\(file): expected a JSON object of hyperparameter names to ranges")
    }
    for (name, value) in object {
      let spec: String
      switch value {
      case let text as String: spec = text
      case let number as NSNumber: spec = "\(number)"
      default: throw UsageError(description: "\(file): '\(name)' should be a range such as \"log:0.01..100\" or \"a|b\"")
      }
      space[name] = try distribution(spec, name: name, source: file, real: known[name]?.isReal ?? false)
    }
  }
  for item in overrides {
    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty else {
      throw UsageError(description: "learn tune: --param expects NAME=RANGE (such as model.c=log:0.01..100), got '\(item)'")
    }
    space[parts[0]] = try distribution(parts[1], name: parts[0], source: "--param", real: known[parts[0]]?.isReal ?? false)
  }
  for name in space.keys.sorted() {
    guard known[name] != nil else {
      throw UsageError(description: "learn tune: the estimator has no hyperparameter '\(name)'; it has "
        + known.keys.sorted().joined(separator: ", "))
    }
    for value in space[name]!.extremes {
      do { _ = try estimator.setting([name: value]) } catch {
        throw UsageError(description: "learn tune: \(name) cannot be \(value) (\(error))")
      }
    }
  }
  return space
}

extension ParameterValue {
  /// Whether the value is a real number.
  var isReal: Bool { if case .double = self { return true } else { return false } }
}

extension Distribution {
  /// The values that decide whether a range fits a hyperparameter: its ends, or every choice.
  var extremes: [ParameterValue] {
    switch self {
    case .uniform(let low, let high), .logUniform(let low, let high): return [.double(low), .double(high)]
    case .int(let low, let high), .logInt(let low, let high): return [.int(low), .int(high)]
    case .choice(let values): return values
    }
  }
}

/// One SPEC (see ``searchSpace(default:file:overrides:estimator:)``) as a distribution; integer
/// bounds give an integer range unless the hyperparameter is `real`.
func distribution(_ spec: String, name: String, source: String, real: Bool) throws -> Distribution {
  var text = Substring(spec.trimmingCharacters(in: .whitespaces))
  let logarithmic = text.hasPrefix("log:")
  if logarithmic { text = text.dropFirst(4) }
  let bounds = text.components(separatedBy: "..")
  if bounds.count == 2 {
    let bad = UsageError(description: "\(source): '\(name)' range '\(spec)' needs two numbers, low below high"
      + (logarithmic ? ", both positive" : ""))
    if !real, let low = Int(bounds[0]), let high = Int(bounds[1]) {
      guard low < high, !logarithmic || low > 0 else { throw bad }
      return logarithmic ? .logInt(low, high) : .int(low, high)
    }
    guard let low = Double(bounds[0]), let high = Double(bounds[1]), low.isFinite, high.isFinite, low < high,
          !logarithmic || low > 0 else { throw bad }
    return logarithmic ? .logUniform(low, high) : .uniform(low, high)
  }
  guard !logarithmic else { throw UsageError(description: "\(source): '\(name)': log: needs a range low..high, got '\(spec)'") }
  return .choice(text.split(separator: "|", omittingEmptySubsequences: false).map { parameterValue(String($0)) })
}
