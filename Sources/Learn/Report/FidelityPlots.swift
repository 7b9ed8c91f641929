import Foundation
import LearnCore
import ModelSelection

/// Hyperband, successive halving and ASHA: every scored trial at its budget (log scale), one
/// line per configuration through the rungs it reached, coloured by bracket.
func rungPlot(_ data: PlotData) -> String {
  var canvas = Canvas(width: 760, height: 320)
  let budgets = data.scored.compactMap(\.budget).map(Double.init)
  let x = Scale(values: budgets, start: canvas.plotLeft, end: canvas.plotRight, logarithmic: true, padding: 0.06)
  let y = Scale(values: data.scored.map(data.score), start: canvas.plotBottom, end: canvas.plotTop)
  let distinct = Array(Set(budgets)).sorted()
  canvas.axes(x: x, y: y, xTitle: "budget (log scale)", yTitle: data.metric, xTicks: distinct.count <= 12 ? distinct.map { ($0, formatNumber($0)) } : nil)
  func bracket(_ trial: TrialRecord) -> Int { trial.tags["bracket"]?.intValue ?? 0 }
  // A configuration is its parameters within its bracket; its rungs joined in budget order.
  var paths: [String: [TrialRecord]] = [:]
  for trial in data.scored {
    paths["\(bracket(trial))|\(canonicalText(trial.parameters))", default: []].append(trial)
  }
  for key in paths.keys.sorted() {
    let chain = paths[key]!.sorted { ($0.budget ?? 0) < ($1.budget ?? 0) }
    let color = categoryColors[bracket(chain[0]) % categoryColors.count]
    canvas.polyline(chain.map { (x(Double($0.budget ?? 1)), y(data.score($0))) }, stroke: color, width: 1, opacity: 0.5, role: "promotion")
  }
  for trial in data.scored {
    canvas.circle(x(Double(trial.budget ?? 1)), y(data.score(trial)), radius: 3, fill: categoryColors[bracket(trial) % categoryColors.count],
                  tooltip: data.tooltip(trial) + (trial.tags["bracket"] != nil ? "\nbracket \(bracket(trial))" : ""))
  }
  return canvas.render(role: "rungs", label: "Rungs: \(data.metric) by budget, lines join a configuration's rungs, colour is the bracket",
                       points: data.scored.count)
}

/// Parameters as one stable line of text (sorted keys; full precision, so equal text means equal
/// values), to join a configuration's trials.
func canonicalText(_ parameters: ParameterSet) -> String {
  parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
}

/// Population-based training: each trial's score at the units trained so far, a line from the
/// trial it continued when that one has a score too (solid: the member's own model; dashed
/// orange: a copy of a better member's model, then explored), coloured by member.
func lineagePlot(_ data: PlotData) -> String {
  var canvas = Canvas(width: 760, height: 340)
  let x = Scale(values: [0] + data.scored.compactMap(\.budget).map(Double.init), start: canvas.plotLeft, end: canvas.plotRight)
  let y = Scale(values: data.scored.map(data.score), start: canvas.plotBottom, end: canvas.plotTop)
  canvas.axes(x: x, y: y, xTitle: "units trained (epochs, trees…)", yTitle: data.metric)
  let trials = data.results.trials
  func member(_ trial: TrialRecord) -> Int { trial.tags["member"]?.intValue ?? 0 }
  var links = 0
  for trial in data.scored {
    guard let parent = trial.parent, trials.indices.contains(parent), trials[parent].index == parent, data.isScored(trials[parent]) else { continue }
    let from = (x(Double(trials[parent].budget ?? 0)), y(data.score(trials[parent])))
    let to = (x(Double(trial.budget ?? 0)), y(data.score(trial)))
    let copied = trial.tags["donor"] != nil
    canvas.line(from.0, from.1, to.0, to.1, stroke: copied ? "#ff7f0e" : categoryColors[member(trial) % categoryColors.count],
                width: copied ? 1.2 : 1.6, dashed: copied, opacity: 0.8)
    links += 1
  }
  for trial in data.scored {
    let donor = trial.tags["donor"].map { "\ncopied member \($0)" } ?? ""
    canvas.circle(x(Double(trial.budget ?? 0)), y(data.score(trial)), radius: 3, fill: categoryColors[member(trial) % categoryColors.count],
                  tooltip: data.tooltip(trial) + "\nmember \(member(trial))" + donor)
  }
  canvas.add("<g class=\"links\" data-count=\"\(links)\"/>")
  return canvas.render(role: "lineage", label: "Lineage: each member's score as it trains; dashed orange lines are copies of a better member",
                       points: data.scored.count)
}

/// The schedule of the best trial: each hyperparameter that changed along its lineage, as a
/// step line over the units trained.
func schedulePlots(_ data: PlotData, best: Int) -> [String] {
  guard let schedule = data.results.schedule(of: best), schedule.steps.count >= 2 else { return [] }
  let names = data.results.parameterNames.filter { name in Set(schedule.steps.map { ($0.parameters[name] ?? .none).description }).count >= 2 }
  let chain = data.results.lineage(of: best).map { data.results.trials[$0] }
  return names.map { name in
    var canvas = Canvas(width: 360, height: 220)
    let axis = ParameterAxis(name: name, trials: chain)
    let x = Scale(values: [0] + schedule.steps.map { Double($0.units) }, start: canvas.plotLeft, end: canvas.plotRight)
    let y = axis.scale(chain, start: canvas.plotBottom, end: canvas.plotTop)
    canvas.axes(x: x, y: y, xTitle: "units trained", yTitle: shorten(name, 20), yTicks: axis.ticks(y))
    var points: [(Double, Double)] = []
    var start = 0.0
    for step in schedule.steps {
      let level = y(axis.position(step.parameters[name]))
      points += [(x(start), level), (x(Double(step.units)), level)]
      start = Double(step.units)
    }
    canvas.polyline(points, stroke: categoryColors[0], width: 2, role: "schedule")
    return canvas.render(role: "schedule", label: "Schedule of trial \(best): \(name) over training", points: schedule.steps.count)
  }
}

/// Values reported while training (a pruned search): one line per trial over its steps, pruned
/// trials in grey.
func intermediatePlot(_ data: PlotData) -> String {
  let trials = data.results.trials.filter { !$0.intermediateValues.isEmpty }
  var canvas = Canvas(width: 760, height: 300)
  let steps = trials.flatMap { $0.intermediateValues.keys }.map(Double.init)
  let values = trials.flatMap { $0.intermediateValues.values }
  let x = Scale(values: steps, start: canvas.plotLeft, end: canvas.plotRight)
  let y = Scale(values: values, start: canvas.plotBottom, end: canvas.plotTop)
  canvas.axes(x: x, y: y, xTitle: "step", yTitle: "reported value")
  for trial in trials {
    let points = trial.intermediateValues.sorted { $0.key < $1.key }.filter { $0.value.isFinite }.map { (x(Double($0.key)), y($0.value)) }
    let pruned = trial.status == .pruned
    canvas.polyline(points, stroke: pruned ? "#aaaaaa" : categoryColors[0], width: pruned ? 1 : 1.5, opacity: pruned ? 0.6 : 0.9,
                    role: pruned ? "pruned" : "trial", tooltip: "trial \(trial.index) (\(trial.status))")
  }
  return canvas.render(role: "intermediate", label: "Values reported while training; pruned trials in grey", points: trials.count)
}
