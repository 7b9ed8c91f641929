import Foundation
import LearnCore

/// The results of a search, one row per trial: scikit-learn's `cv_results_` under Swift names,
/// plus `status`, `budget` and the strategy's columns. Written as CSV or JSON.
public struct SearchResults: Sendable, Hashable, Codable {
  /// The trials, in the order they were evaluated.
  public var trials: [TrialRecord]
  /// Scorer names, in the order given (the first is the default refit metric).
  public var metrics: [String]
  /// Number of folds per trial.
  public var splits: Int
  /// Whether lower or higher values of the metrics are better (scorers are higher-is-better; a
  /// ``minimize`` study's values are lower-is-better).
  public var direction: StudyDirection
  /// The objectives of a multi-objective study (empty for one objective, the first metric):
  /// what ``paretoFront(_:)`` and the report's Pareto plot use.
  public var objectives: [Objective]

  /// A table of `trials`.
  public init(
    trials: [TrialRecord], metrics: [String], splits: Int, direction: StudyDirection = .maximize, objectives: [Objective] = []
  ) {
    self.trials = trials
    self.metrics = metrics
    self.splits = splits
    self.direction = direction
    self.objectives = objectives
  }

  private enum CodingKeys: String, CodingKey { case trials, metrics, splits, direction, objectives }

  /// Decodes a table; one written before multi-objective studies has no objectives.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    trials = try c.decode([TrialRecord].self, forKey: .trials)
    metrics = try c.decode([String].self, forKey: .metrics)
    splits = try c.decode(Int.self, forKey: .splits)
    direction = try c.decode(StudyDirection.self, forKey: .direction)
    objectives = try c.decodeIfPresent([Objective].self, forKey: .objectives) ?? []
  }

  /// Number of trials.
  public var count: Int { trials.count }

  /// Mean test score of `metric` for every trial.
  public func meanTestScores(_ metric: String) -> [Double] { trials.map { $0.meanTestScore(metric) } }

  /// Ranks by mean test score of `metric`, as scikit-learn computes them: 1 is best (the highest
  /// score, or the lowest value in a minimising study), ties share the smallest rank, NaN means
  /// (failed or unfinished trials) rank below every finite one, tied with each other; all NaN →
  /// all rank 1. O(n log n).
  public func ranks(_ metric: String) -> [Int] {
    let means = meanTestScores(metric)
    // Best first: NaN last; higher (or lower, when minimising) before.
    let sign = direction == .maximize ? 1.0 : -1.0
    let order = means.indices.sorted { a, b in
      let (x, y) = (means[a], means[b])
      if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
      return sign * x > sign * y
    }
    var ranks = [Int](repeating: 0, count: means.count)
    for (position, index) in order.enumerated() {
      if position > 0, case let previous = order[position - 1],
        means[previous] == means[index] || (means[previous].isNaN && means[index].isNaN)
      {
        ranks[index] = ranks[previous]
      } else {
        ranks[index] = position + 1
      }
    }
    return ranks
  }

  /// The best complete trial by `metric` (scikit-learn's `best_index_`: the first on ties), `nil`
  /// when no trial completed. Failed trials are never chosen, even when a numeric `errorScore`
  /// ranks them first.
  public func bestIndex(_ metric: String) -> Int? {
    bestIndex(metric, among: Array(trials.indices))
  }

  /// The best complete trial by `metric` among the rows `pool` (the first in row order on ties),
  /// `nil` when none of them completed.
  public func bestIndex(_ metric: String, among pool: [Int]) -> Int? {
    var best: Int?
    var bestValue = 0.0
    for row in pool where trials[row].status == .complete {
      let value = trials[row].meanTestScore(metric)
      guard !value.isNaN else { continue }
      let better = direction == .maximize ? value > bestValue : value < bestValue
      if best == nil || better || (value == bestValue && row < best!) {
        best = row
        bestValue = value
      }
    }
    return best
  }

  /// How many trials are in each state.
  public struct StatusCounts: Sendable, Hashable {
    /// Trials that finished with scores.
    public var complete = 0
    /// Trials whose fit or scoring failed.
    public var failed = 0
    /// Trials a pruner stopped early.
    public var pruned = 0
    /// Trials running in some process (or left by one that died, until a worker re-queues them).
    public var running = 0
  }

  /// The trials by status.
  public var statusCounts: StatusCounts {
    var counts = StatusCounts()
    for trial in trials {
      switch trial.status {
      case .complete: counts.complete += 1
      case .failed: counts.failed += 1
      case .pruned: counts.pruned += 1
      case .running: counts.running += 1
      }
    }
    return counts
  }

  /// The parameter names that appear in any trial, sorted.
  public var parameterNames: [String] { Array(Set(trials.flatMap { $0.parameters.keys })).sorted() }

  /// The strategy tag names that appear in any trial, sorted.
  public var tagNames: [String] { Array(Set(trials.flatMap { $0.tags.keys })).sorted() }

  /// Whether any trial has training scores.
  var hasTrainScores: Bool { trials.contains { !$0.trainScores.isEmpty } }

  /// The column names, in scikit-learn's order where it has them: `mean_fit_time`,
  /// `std_fit_time`, `mean_score_time`, `std_score_time`, `param_<name>`…, `params`, then per
  /// metric `split<k>_test_<m>`…, `mean_test_<m>`, `std_test_<m>`, `rank_test_<m>` (and the train
  /// columns when present), then `status`, `budget`, `parent` and `warnings` (when some trial
  /// has one) and the strategy's tag columns.
  public var columns: [String] {
    var names = ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"]
    names += parameterNames.map { "param_" + $0 }
    names.append("params")
    for metric in metrics {
      names += (0..<splits).map { "split\($0)_test_\(metric)" }
      names += ["mean_test_\(metric)", "std_test_\(metric)", "rank_test_\(metric)"]
      if hasTrainScores {
        names += (0..<splits).map { "split\($0)_train_\(metric)" }
        names += ["mean_train_\(metric)", "std_train_\(metric)"]
      }
    }
    names += ["status", "budget"]
    if trials.contains(where: { $0.parent != nil }) { names.append("parent") }
    if trials.contains(where: { !$0.warnings.isEmpty }) { names.append("warnings") }
    return names + tagNames
  }

  /// The value of `column` for trial `row`, as a ``ParameterValue`` (`.none` when absent).
  public func value(_ column: String, row: Int) -> ParameterValue {
    value(column, row: row, ranks: [:])
  }

  /// ``value(_:row:)`` with the ranks of some metrics computed already (the exports compute each
  /// metric's ranks once, not once per cell).
  func value(_ column: String, row: Int, ranks known: [String: [Int]]) -> ParameterValue {
    let trial = trials[row]
    func number(_ d: Double) -> ParameterValue { .double(d) }
    switch column {
    case "mean_fit_time": return number(mean(trial.fitTimes))
    case "std_fit_time": return number(standardDeviation(trial.fitTimes))
    case "mean_score_time": return number(mean(trial.scoreTimes))
    case "std_score_time": return number(standardDeviation(trial.scoreTimes))
    case "params": return .string(canonical(trial.parameters))
    case "status": return .string(trial.status.description)
    case "budget": return trial.budget.map(ParameterValue.int) ?? .none
    case "parent": return trial.parent.map(ParameterValue.int) ?? .none
    case "warnings": return trial.warnings.isEmpty ? .none : .string(trial.warnings.joined(separator: " | "))
    default: break
    }
    if column.hasPrefix("param_") { return trial.parameters[String(column.dropFirst(6))] ?? .none }
    if let tag = trial.tags[column] { return tag }
    for metric in metrics {
      for (kind, scores) in [("test", trial.testScores[metric]), ("train", trial.trainScores[metric])] {
        guard let scores else { continue }
        if column == "mean_\(kind)_\(metric)" { return number(mean(scores)) }
        if column == "std_\(kind)_\(metric)" { return number(standardDeviation(scores)) }
        if column.hasPrefix("split"), column.hasSuffix("_\(kind)_\(metric)"),
          let k = Int(column.dropFirst(5).prefix { $0.isNumber }), k < scores.count,
          column == "split\(k)_\(kind)_\(metric)"
        {
          return number(scores[k])
        }
      }
      if column == "rank_test_\(metric)" { return .int((known[metric] ?? ranks(metric))[row]) }
    }
    return .none
  }

  /// The table as CSV: a header of ``columns``, then one line per trial. Strings are quoted when
  /// needed; missing values are empty; numbers use Swift's shortest round-trip spelling.
  public func csvText() -> String {
    let header = columns, known = allRanks
    let rows = trials.indices.map { row in
      header.map { column -> String in
        switch value(column, row: row, ranks: known) {
        case .none: return ""
        case .string(let s): return s
        case .double(let d): return d.isNaN ? "nan" : String(d)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "True" : "False"
        case .ints(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
        }
      }
    }
    return CSVTable(header: header, rows: rows).csvText()
  }

  /// Writes ``csvText()`` to `path`.
  public func write(csv path: String) throws(LearnError) {
    try writeText(csvText(), to: path)
  }

  /// Every metric's ranks.
  private var allRanks: [String: [Int]] {
    Dictionary(uniqueKeysWithValues: metrics.map { ($0, ranks($0)) })
  }

  /// The table as JSON: an object of columns, each an array with one value per trial (the shape
  /// of scikit-learn's `cv_results_`); NaN becomes `null`.
  public func jsonText() -> String {
    var parts: [String] = []
    let known = allRanks
    for column in columns {
      let values = trials.indices.map { row -> String in
        switch value(column, row: row, ranks: known) {
        case .none: return "null"
        case .string(let s): return jsonString(s)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .ints(let list): return "[" + list.map(String.init).joined(separator: ",") + "]"
        }
      }
      parts.append("  \(jsonString(column)): [" + values.joined(separator: ", ") + "]")
    }
    return "{\n" + parts.joined(separator: ",\n") + "\n}\n"
  }

  /// Writes ``jsonText()`` to `path`.
  public func write(json path: String) throws(LearnError) {
    try writeText(jsonText(), to: path)
  }
}

func jsonString(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
    }
  }
  return out + "\""
}

func writeText(_ text: String, to path: String) throws(LearnError) {
  do {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  } catch {
    throw .io(path: path, reason: "could not be written: \(error.localizedDescription)")
  }
}
