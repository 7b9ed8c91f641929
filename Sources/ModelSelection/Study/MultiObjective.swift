import Foundation
import LearnCore

/// One objective of a multi-objective study: what is measured on each trial and which way is
/// better (Optuna's `directions`, one per value). A cross-validated search can trade a score
/// against fit time, or against a size hyperparameter (hidden units, trees, depth); a plain
/// objective's values are its metrics `value0`, `value1`, ….
public struct Objective: Sendable, Hashable, Codable, CustomStringConvertible {
  /// What an objective measures on a trial.
  public enum Measure: Sendable, Hashable, Codable {
    /// The mean test score of a metric (a scorer's name, or a plain objective's `value0`, …).
    case metric(String)
    /// The mean fit time per fold, in seconds. It differs between runs, so a search that
    /// optimises it is not reproducible.
    case fitTime
    /// The value of a numeric hyperparameter (a model size: hidden units, trees, depth).
    case parameter(String)
  }

  /// What is measured.
  public var measure: Measure
  /// Which way is better.
  public var direction: StudyDirection

  /// An objective.
  public init(_ measure: Measure, _ direction: StudyDirection) {
    self.measure = measure
    self.direction = direction
  }

  /// Maximise `measure`.
  public static func maximize(_ measure: Measure) -> Objective { Objective(measure, .maximize) }

  /// Minimise `measure`.
  public static func minimize(_ measure: Measure) -> Objective { Objective(measure, .minimize) }

  /// Maximise the mean test score of `metric`.
  public static func maximize(_ metric: String) -> Objective { Objective(.metric(metric), .maximize) }

  /// Minimise the mean test score of `metric`.
  public static func minimize(_ metric: String) -> Objective { Objective(.metric(metric), .minimize) }

  /// The measure's name: the metric, `fit_time`, or the hyperparameter.
  public var name: String {
    switch measure {
    case .metric(let name), .parameter(let name): return name
    case .fitTime: return "fit_time"
    }
  }

  /// `maximize accuracy`, `minimize fit_time`.
  public var description: String { "\(direction.rawValue) \(name)" }

  /// The objective's value on `trial`: finite, from a complete trial; `nil` otherwise (running,
  /// failed, pruned, a metric the trial lacks, a hyperparameter that is not a number).
  public func value(of trial: TrialRecord) -> Double? {
    guard trial.status == .complete else { return nil }
    let value: Double
    switch measure {
    case .metric(let metric):
      value = trial.meanTestScore(metric)
    case .fitTime:
      value = trial.fitTimes.isEmpty ? .nan : mean(trial.fitTimes)
    case .parameter(let name):
      switch trial.parameters[name] {
      case .int(let n)?: value = Double(n)
      case .double(let x)?: value = x
      case .bool(let b)?: value = b ? 1 : 0
      case .ints(let sizes)?: value = Double(sizes.reduce(0, +))
      default: return nil
      }
    }
    return value.isFinite ? value : nil
  }

  /// `value` turned so that lower is better.
  func minimized(_ value: Double) -> Double { direction == .minimize ? value : -value }

  /// The objectives as the journal header records them (JSON with sorted keys, the same text in
  /// every process), and back.
  static func headerText(_ objectives: [Objective]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return (try? encoder.encode(objectives)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
  }

  /// The objectives a journal header's text names (empty when it names none or cannot be read).
  static func fromHeader(_ text: String?) -> [Objective] {
    guard let text, let objectives = try? JSONDecoder().decode([Objective].self, from: Data(text.utf8)) else { return [] }
    return objectives
  }
}

/// Pareto ranking of points whose coordinates are all minimised.
enum Pareto {
  /// Whether `a` dominates `b`: no worse in every coordinate and better in one.
  static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
    var better = false
    for (x, y) in zip(a, b) {
      if x > y { return false }
      if x < y { better = true }
    }
    return better
  }

  /// The non-dominated fronts (Deb's fast non-dominated sort): the first holds the points no
  /// other dominates, the next those only the first dominates, and so on; each in input order.
  static func fronts(_ points: [[Double]]) -> [[Int]] {
    let n = points.count
    var dominatedBy = [Int](repeating: 0, count: n)
    var dominating = [[Int]](repeating: [], count: n)
    for i in 0..<n {
      for j in (i + 1)..<Swift.max(i + 1, n) {
        if dominates(points[i], points[j]) {
          dominating[i].append(j)
          dominatedBy[j] += 1
        } else if dominates(points[j], points[i]) {
          dominating[j].append(i)
          dominatedBy[i] += 1
        }
      }
    }
    var fronts: [[Int]] = []
    var current = (0..<n).filter { dominatedBy[$0] == 0 }
    while !current.isEmpty {
      fronts.append(current)
      var next: [Int] = []
      for i in current {
        for j in dominating[i] {
          dominatedBy[j] -= 1
          if dominatedBy[j] == 0 { next.append(j) }
        }
      }
      current = next.sorted()
    }
    return fronts
  }

  /// Each point's crowding distance within its front (`front` indexes `points`): the sum over
  /// coordinates of the gap between its neighbours, normalised by the front's range; the ends of
  /// each coordinate are infinitely far.
  static func crowding(_ front: [Int], _ points: [[Double]]) -> [Int: Double] {
    var distance = Dictionary(uniqueKeysWithValues: front.map { ($0, 0.0) })
    guard front.count > 2, let m = points.first?.count else {
      for i in front { distance[i] = .infinity }
      return distance
    }
    for k in 0..<m {
      let sorted = front.sorted { (points[$0][k], $0) < (points[$1][k], $1) }
      let low = points[sorted.first!][k], high = points[sorted.last!][k]
      distance[sorted.first!] = .infinity
      distance[sorted.last!] = .infinity
      guard high > low else { continue }
      for r in 1..<(sorted.count - 1) {
        distance[sorted[r]]! += (points[sorted[r + 1]][k] - points[sorted[r - 1]][k]) / (high - low)
      }
    }
    return distance
  }

  /// The volume dominated by `points` and bounded by `reference` (all minimised); points not
  /// strictly better than the reference in every coordinate add nothing. Exact, by slicing along
  /// the last coordinate (fine for the fronts of a search; exponential in the dimension).
  static func hypervolume(_ points: [[Double]], reference: [Double]) -> Double {
    let inside = points.filter { zip($0, reference).allSatisfy { $0 < $1 } }
    let m = reference.count
    guard m > 0, !inside.isEmpty else { return 0 }
    if m == 1 { return reference[0] - inside.map { $0[0] }.min()! }
    let front = fronts(inside).first!.map { inside[$0] }
    let sorted = front.sorted { $0[m - 1] < $1[m - 1] }
    var volume = 0.0
    for (r, point) in sorted.enumerated() {
      let top = r + 1 < sorted.count ? sorted[r + 1][m - 1] : reference[m - 1]
      guard top > point[m - 1] else { continue }
      let slice = sorted[0...r].map { Array($0.prefix(m - 1)) }
      volume += hypervolume(slice, reference: Array(reference.prefix(m - 1))) * (top - point[m - 1])
    }
    return volume
  }
}

extension Objective {
  /// Each trial's values of `objectives`, lower is better (`nil` for a trial without a value for
  /// every objective: running, failed, pruned).
  static func minimizedValues(_ trials: [TrialRecord], _ objectives: [Objective]) -> [[Double]?] {
    trials.map { trial in
      let values = objectives.compactMap { objective in objective.value(of: trial).map(objective.minimized) }
      return values.count == objectives.count ? values : nil
    }
  }

  /// Throws unless every objective can be measured on the study's trials: a metric among
  /// `metrics` (the scorers, or a plain objective's `value0`, …), a hyperparameter among
  /// `searched` (when known; a fixed one has one value and trades nothing off).
  static func check(_ objectives: [Objective], metrics: [String], searched: [String]?) throws(LearnError) {
    for objective in objectives {
      switch objective.measure {
      case .metric(let name) where !metrics.contains(name):
        throw .invalidArgument(name: "objectives", reason: "'\(name)' is not a metric this search records; it records \(metrics)")
      case .parameter(let name) where searched.map({ !$0.contains(name) }) ?? false:
        throw .invalidArgument(
          name: "objectives", reason: "'\(name)' is not a searched hyperparameter (\(searched!.sorted().joined(separator: ", "))): a fixed one trades nothing off")
      default:
        continue
      }
    }
  }
}

extension SearchResults {
  /// Each trial's objective values, lower is better (``Objective/minimizedValues(_:_:)``).
  func minimizedValues(_ objectives: [Objective]) -> [[Double]?] { Objective.minimizedValues(trials, objectives) }

  /// The rows of the Pareto front of `objectives` (the table's own, ``objectives``, by default):
  /// the complete trials no other complete trial beats in one objective without losing in
  /// another (Optuna's `best_trials`), in row order. Trials with equal values are all kept.
  public func paretoFront(_ objectives: [Objective]? = nil) -> [Int] {
    let objectives = objectives ?? self.objectives
    guard !objectives.isEmpty else { return bestIndex(metrics[0]).map { [$0] } ?? [] }
    let values = minimizedValues(objectives)
    let rows = values.indices.filter { values[$0] != nil }
    guard let first = Pareto.fronts(rows.map { values[$0]! }).first else { return [] }
    return first.map { rows[$0] }
  }

  /// The hypervolume of the Pareto front of `objectives` (the table's own by default) against
  /// `reference`, one value per objective in its own direction: the volume of the region between
  /// the front and the reference point. Larger is better; trials not better than the reference
  /// in every objective add nothing.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` when `reference` does not
  ///   have one value per objective.
  public func hypervolume(reference: [Double], objectives: [Objective]? = nil) throws(LearnError) -> Double {
    let objectives = objectives ?? self.objectives
    guard reference.count == objectives.count, !objectives.isEmpty else {
      throw .invalidArgument(name: "reference", reason: "needs one value per objective (\(objectives.count)), got \(reference.count)")
    }
    let points = minimizedValues(objectives).compactMap { $0 }
    let bound = zip(objectives, reference).map { $0.minimized($1) }
    return Pareto.hypervolume(points, reference: bound)
  }
}
