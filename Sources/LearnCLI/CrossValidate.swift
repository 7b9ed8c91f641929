import Foundation
import Learn

/// `learn cv --data CSV --target COLUMN [--estimator NAME] [--set NAME=VALUE,…] [--cv K]
/// [--scoring S1,S2] [--seed S] [--warnings record|error]`: one configuration cross-validated,
/// fold by fold, with the pipeline `learn tune` builds (text columns one-hot encoded, numbers
/// standardised). Warnings go to standard error, or fail the command with `--warnings error`.
func runCrossValidation(arguments: [String]) throws {
  let options = try Options(arguments, command: "cv", valued: [
    "--data", "--target", "--estimator", "--set", "--cv", "--scoring", "--seed", "--separator", "--warnings",
  ])
  let policy = try warningPolicyOption(options, command: "cv")
  let data = try options.required("--data"), target = try options.required("--target")
  let name = options.value("--estimator") ?? "forest"
  let folds = try options.positiveInteger("--cv", default: 5)
  guard let seed = UInt64(options.value("--seed") ?? "0") else { throw UsageError(description: "learn cv: --seed expects an integer") }
  let settings = try parameterSettings(options.value("--set") ?? "")
  let scorers = try (options.value("--scoring")?.split(separator: ",").map(String.init) ?? []).map { try Scorer.named($0) }
  let table = try CSVTable(parsing: try readText(data), separator: try separatorOption(options))
  guard table.header.contains(target) else {
    throw UsageError(description: "\(data): no column '\(target)'; the columns are \(table.header.joined(separator: ", "))")
  }
  if isRegression(estimator: name, target: target, table) {
    let rows = try Dataset<Double>(table: table, target: target, categoricalFeatures: .encode)
    let model = try pipeline(regressor(name, seed: seed, command: "cv"), for: rows).setting(settings)
    try printCrossValidation(crossValidate(model, rows.x, rows.y, cv: KFold(splits: folds, shuffle: true, seed: seed), scoring: scorers),
                             policy: policy)
  } else {
    let rows = try Dataset<Int>(table: table, target: target, categoricalFeatures: .encode)
    let model = try pipeline(classifier(name, seed: seed, command: "cv"), for: rows).setting(settings)
    try printCrossValidation(crossValidate(
      model, rows.x, rows.y, cv: StratifiedKFold(splits: folds, shuffle: true, seed: seed), scoring: scorers), policy: policy)
  }
}

/// `NAME=VALUE,…` as hyperparameter values (``parameterValue(_:)``). Names are the pipeline's
/// (`model.c`, `model.maxDepth`).
func parameterSettings(_ text: String) throws -> ParameterSet {
  var settings: ParameterSet = [:]
  for item in text.split(separator: ",") where !item.isEmpty {
    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty else {
      throw UsageError(description: "learn cv: --set expects NAME=VALUE pairs separated by commas, got '\(item)'")
    }
    settings[parts[0]] = parameterValue(parts[1])
  }
  return settings
}

/// A value as typed on the command line: an integer, a real, `true`/`false`, `none`, else text.
func parameterValue(_ text: String) -> ParameterValue { SearchSpaceText.value(text) }

/// `--warnings record` (the default) or `--warnings error`.
func warningPolicyOption(_ options: Options, command: String) throws -> WarningPolicy {
  switch options.value("--warnings") ?? "record" {
  case "record": return .record
  case "error": return .error
  case let other: throw UsageError(description: "learn \(command): --warnings expects record or error, got '\(other)'")
  }
}

/// Prints each distinct warning of a search's trials on standard error, with how many trials
/// raised it, then the refitted model's.
func printWarnings(trials: [[String]], refit: [LearnWarning]) {
  var counts: [String: Int] = [:], order: [String] = []
  for warnings in trials {
    // In the trial's order (a Set's would change from run to run), each once per trial.
    var counted = Set<String>()
    for warning in warnings where counted.insert(warning).inserted {
      if counts[warning] == nil { order.append(warning) }
      counts[warning, default: 0] += 1
    }
  }
  // Most frequent first; ties keep the order first seen.
  order = order.enumerated().sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }.map(\.element)
  var lines = order.prefix(10).map { "warning (\(counts[$0]!) of \(trials.count) trials): \($0)" }
  if order.count > 10 { lines.append("… and \(order.count - 10) more distinct warnings in results.csv") }
  lines += refit.map { "warning (the refitted model): \($0)" }
  guard !lines.isEmpty else { return }
  FileHandle.standardError.write((lines.joined(separator: "\n") + "\n").data(using: .utf8)!)
}

/// Each metric's fold scores, mean and standard deviation, then the warnings on standard error;
/// under `policy`, a warning of an error category is thrown instead.
func printCrossValidation<M>(_ result: CrossValidationResult<M>, policy: WarningPolicy = .record) throws {
  try policy.check(result.warnings)
  for (metric, scores) in result.testScores.sorted(by: { $0.key < $1.key }) {
    let average = mean(scores)
    let spread = mean(scores.map { ($0 - average) * ($0 - average) }).squareRoot()
    print("\(metric): " + String(format: "%.4f ± %.4f", average, spread) + "  (folds: "
      + scores.map { String(format: "%.4f", $0) }.joined(separator: ", ") + ")")
  }
  if !result.warnings.isEmpty {
    FileHandle.standardError.write((result.warnings.map { "warning: \($0)" }.joined(separator: "\n") + "\n").data(using: .utf8)!)
  }
}
