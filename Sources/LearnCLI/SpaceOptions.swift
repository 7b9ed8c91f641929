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
    let text = try readText(file)
    let specs = try usage { () throws(LearnError) in try SearchSpaceText.specifications(json: Data(text.utf8), source: file) }
    for (name, spec) in specs {
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

/// One SPEC (``SearchSpaceText/distribution(_:name:source:real:)``), its error as a usage error.
func distribution(_ spec: String, name: String, source: String, real: Bool) throws -> Distribution {
  try usage { () throws(LearnError) in try SearchSpaceText.distribution(spec, name: name, source: source, real: real) }
}

/// `body`'s value; an invalid argument becomes a usage error with its reason (a one-line message
/// and exit status 2).
func usage<T>(_ body: () throws(LearnError) -> T) throws -> T {
  do { return try body() } catch .invalidArgument(_, let reason) { throw UsageError(description: reason) }
}
