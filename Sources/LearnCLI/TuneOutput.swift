import Foundation
import Learn

/// The strategy `--search` names, over `space`, with `--trials` (and the budget rules of the
/// multi-fidelity strategies: epochs or trees up to 81 for Hyperband and ASHA, 8 steps of 10
/// for PBT with a population of `--trials`; NSGA-II's population is a quarter of `--trials`,
/// from 4 to 50, trading off `objectives`).
func searchStrategy(_ request: TuneRequest, space: [String: Distribution], objectives: [Objective] = []) throws -> any SearchStrategy {
  let n = request.trials, seed = request.seed
  switch request.search {
  case "random": return try RandomSearch(space, iterations: n, seed: seed)
  case "grid": return try GridSearch(grid(space))
  case "bayes": return try BayesSearch(space, iterations: n, surrogate: .gaussianProcess, seed: seed)
  case "tpe": return try BayesSearch(space, iterations: n, surrogate: .tpe, seed: seed)
  case "hyperband": return try HyperbandSearch(space, maxBudget: 81, eta: 3)
  case "asha": return try ASHASearch(space, candidates: n, maxBudget: 81, eta: 3)
  case "halving": return try HalvingSearch(space: space, candidates: .count(n), seed: seed)
  case "cmaes": return try CMAESSearch(space, iterations: n)
  case "evolution": return try EvolutionarySearch(space, iterations: n)
  case "nsga2":
    return try NSGAIISearch(space, objectives: objectives, iterations: n, populationSize: Swift.min(50, Swift.max(4, n / 4)))
  case "pbt":
    let mutable = space.keys.sorted().filter { if case .choice = space[$0]! { return false } else { return true } }
    guard !mutable.isEmpty else { throw UsageError(description: "learn tune: pbt needs a numeric hyperparameter to explore") }
    return try PBTSearch(space, mutable: mutable, populationSize: Swift.max(2, n), generations: 8, readyInterval: 10)
  default:
    throw UsageError(description: "learn tune: unknown search '\(request.search)'; choose random, grid, bayes, tpe, "
      + "hyperband, asha, halving, pbt, cmaes, evolution or nsga2")
  }
}

/// The objectives `--objectives` names for NSGA-II (none for other searches): a scorer
/// (maximised; added to `scorers` when not among them, which start from `fallback` when empty),
/// `fit_time` (minimised) or a hyperparameter of `estimator` (minimised: a size), each
/// direction changed by a `max:` or `min:` prefix. By default the first scorer and `fit_time`.
func tuneObjectives<E: Estimator>(
  _ request: TuneRequest, scorers: inout [Scorer], default fallback: Scorer, estimator: E
) throws -> [Objective] {
  guard request.search == "nsga2" else { return [] }
  if scorers.isEmpty { scorers = [fallback] }
  let items = request.objectives.isEmpty ? [scorers[0].name, "fit_time"] : request.objectives
  guard items.count >= 2 else {
    throw UsageError(description: "learn tune: --objectives needs at least two, such as accuracy,fit_time; got \(items)")
  }
  return try items.map { item in
    var name = Substring(item.trimmingCharacters(in: .whitespaces))
    var direction: StudyDirection?
    for (prefix, way) in [("max:", StudyDirection.maximize), ("min:", .minimize)] where name.hasPrefix(prefix) {
      direction = way
      name = name.dropFirst(prefix.count)
    }
    let text = String(name)
    if text == "fit_time" { return Objective(.fitTime, direction ?? .minimize) }
    if estimator.hyperparameterNames.contains(text) { return Objective(.parameter(text), direction ?? .minimize) }
    guard let scorer = try? Scorer.named(text) else {
      throw UsageError(description: "learn tune: objective '\(text)' is not fit_time, a scorer or a hyperparameter of the "
        + "pipeline (\(estimator.hyperparameterNames.filter { $0.hasPrefix("model.") }.joined(separator: ", ")))")
    }
    if !scorers.contains(where: { $0.name == scorer.name }) { scorers.append(scorer) }
    return Objective(.metric(scorer.name), direction ?? .maximize)
  }
}

/// `space` as a grid: every choice; 5 values evenly spaced over a real range (log-spaced for a
/// log range); up to 5 distinct integers likewise.
func grid(_ space: [String: Distribution]) -> [String: [ParameterValue]] {
  space.mapValues { distribution in
    switch distribution {
    case .choice(let values): return values
    case .uniform(let low, let high): return (0..<5).map { .double(low + Double($0) / 4 * (high - low)) }
    case .logUniform(let low, let high): return (0..<5).map { .double(exp(log(low) + Double($0) / 4 * (log(high) - log(low)))) }
    case .int, .logInt:
      var values: [ParameterValue] = []
      for k in 0..<5 {
        let value = distribution.decode((Double(k) + 0.5) / 5)
        if !values.contains(value) { values.append(value) }
      }
      return values
    }
  }
}

/// The leaderboard (the ten best trials), the winner and its held-out score.
func report<B: Estimator>(_ model: SearchModel<B>, request: TuneRequest, heldOut: Double?) throws {
  let metric = model.results.metrics[0]
  if request.json {
    let best = model.bestParameters.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(jsonValue($0.value))" }
    print("{\"trials\": \(model.results.count), \"metric\": \"\(metric)\", \"best_cv\": \(jsonNumber(model.bestScore)), "
      + "\"held_out\": \(heldOut.map(jsonNumber) ?? "null"), \"best_parameters\": {\(best.joined(separator: ", "))}, "
      + "\"out\": \"\(request.out)\"}")
    return
  }
  let ranked = model.results.trials.filter { $0.status == .complete }
    .sorted { $0.meanTestScore(metric) > $1.meanTestScore(metric) }
  print("\n  rank  \(metric.padding(toLength: 10, withPad: " ", startingAt: 0))  parameters")
  for (rank, trial) in ranked.prefix(10).enumerated() {
    let parameters = trial.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    print("  \(String(rank + 1).padding(toLength: 4, withPad: " ", startingAt: 0))  "
      + String(format: "%.4f", trial.meanTestScore(metric)).padding(toLength: 10, withPad: " ", startingAt: 0) + "  \(parameters)")
  }
  print("\n\(model.results.count) trials, \(ranked.count) complete; best CV \(metric) \(formatScore(model.bestScore))")
  if model.results.objectives.count >= 2 {
    let front = model.results.paretoFront()
    print("Pareto front of \(model.results.objectives.map(\.description).joined(separator: ", ")): \(front.count) trials ("
      + front.map(String.init).joined(separator: ", ") + "); the plot is in report.html")
  }
  if let heldOut { print("held-out score: \(formatScore(heldOut))") }
}

/// `DIR/results.csv`, `DIR/results.json`, `DIR/model.json` (the refitted model with the
/// training file's encoding) and `DIR/report.html`.
func write<T>(
  _ model: SearchModel<Pipeline<AnyEstimator<T>>>, encoding: CSVEncoding, report: SearchReport, to folder: String, json: Bool
) throws {
  do {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try model.results.csvText().write(toFile: folder + "/results.csv", atomically: true, encoding: .utf8)
    try model.results.jsonText().write(toFile: folder + "/results.json", atomically: true, encoding: .utf8)
  } catch {
    throw UsageError(description: "\(folder): cannot be written (\(error.localizedDescription))")
  }
  if let best = model.best {
    try CSVModel(best, encoding: encoding).save(to: URL(fileURLWithPath: folder + "/model.json"))
  }
  try writeReport(report, to: folder + "/report.html")
  if !json { print("wrote \(folder)/results.csv, results.json, " + (model.best == nil ? "" : "model.json, ") + "report.html") }
}

/// A score with four decimals.
func formatScore(_ value: Double) -> String { String(format: "%.4f", value) }

/// A finite number as JSON, `null` otherwise.
func jsonNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

/// A hyperparameter value as JSON.
func jsonValue(_ value: ParameterValue) -> String {
  switch value {
  case .int(let v): return "\(v)"
  case .double(let v): return jsonNumber(v)
  case .bool(let v): return "\(v)"
  case .string(let v): return "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  case .ints(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
  case .none: return "null"
  }
}
