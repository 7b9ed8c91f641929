import Foundation
import LearnCore
import ModelSelection

/// The trade-off of a multi-objective search: one scatter per pair of its first three objectives,
/// every trial with a value for each (dominated ones light grey, the Pareto front coloured and
/// joined in order along the first axis), as Optuna's `plot_pareto_front`.
func paretoPlots(_ results: SearchResults) -> [String] {
  let objectives = Array(results.objectives.prefix(3))
  guard objectives.count >= 2 else { return [] }
  let front = Set(results.paretoFront())
  let rows = results.trials.indices.filter { row in objectives.allSatisfy { $0.value(of: results.trials[row]) != nil } }
  var pairs: [(Int, Int)] = []
  for a in objectives.indices { for b in objectives.indices where b > a { pairs.append((a, b)) } }
  return pairs.map { a, b in
    let (first, second) = (objectives[a], objectives[b])
    func value(_ objective: Objective, _ row: Int) -> Double { objective.value(of: results.trials[row])! }
    var canvas = Canvas(width: pairs.count == 1 ? 640 : 420, height: 320)
    let x = Scale(values: rows.map { value(first, $0) }, start: canvas.plotLeft, end: canvas.plotRight)
    let y = Scale(values: rows.map { value(second, $0) }, start: canvas.plotBottom, end: canvas.plotTop)
    canvas.axes(x: x, y: y, xTitle: first.description, yTitle: second.description)
    func tooltip(_ row: Int) -> String {
      let trial = results.trials[row]
      return (["trial \(trial.index)" + (front.contains(row) ? " (Pareto front)" : "")]
        + objectives.map { "\($0.name) \(formatNumber(value($0, row)))" }
        + trial.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(parameterText($0.value))" }).joined(separator: "\n")
    }
    for row in rows where !front.contains(row) {
      canvas.circle(x(value(first, row)), y(value(second, row)), radius: 3, fill: "#b0b0b0", role: "dominated", tooltip: tooltip(row))
    }
    let ordered = rows.filter(front.contains).sorted { (value(first, $0), value(second, $0)) < (value(first, $1), value(second, $1)) }
    canvas.polyline(ordered.map { (x(value(first, $0)), y(value(second, $0))) }, stroke: "#d62728", width: 1.5, role: "front")
    for row in ordered {
      canvas.circle(x(value(first, row)), y(value(second, row)), radius: 4, fill: "#d62728", role: "pareto", tooltip: tooltip(row))
    }
    return canvas.render(role: "pareto", label: "Pareto front: \(first.description) against \(second.description)",
                         points: rows.count)
  }
}

/// The trials on the Pareto front (at most `limit`), ordered along the first objective: number,
/// each objective's value, then the parameters.
func paretoTable(_ results: SearchResults, limit: Int) -> SearchReport.Table {
  let objectives = results.objectives
  let names = results.parameterNames
  let rows = results.paretoFront().sorted {
    (objectives[0].value(of: results.trials[$0]) ?? 0, $0) < (objectives[0].value(of: results.trials[$1]) ?? 0, $1)
  }
  return SearchReport.Table(
    header: ["trial"] + objectives.map(\.description) + names,
    rows: rows.prefix(limit).map { row in
      let trial = results.trials[row]
      return ["\(trial.index)"] + objectives.map { formatNumber($0.value(of: trial) ?? .nan) } + names.map { trial.parameters[$0].map(parameterText) ?? "" }
    })
}
