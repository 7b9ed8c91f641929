import Foundation
import LearnCore
import ModelSelection

/// Whether `trial` is complete with a finite score of `metric` (and not so large that a scale
/// over it would overflow).
func isPlottable(_ trial: TrialRecord, _ metric: String) -> Bool {
  let value = trial.meanTestScore(metric)
  return trial.status == .complete && value.isFinite && abs(value) < 1e300
}

/// One study's trials as the plots use them: the complete ones with a finite score of `metric`.
struct PlotData {
  var results: SearchResults
  var metric: String
  /// Complete trials with a finite mean score, by number.
  var scored: [TrialRecord]
  /// The parameters that vary among the scored trials.
  var parameters: [String]
  /// The lowest and highest scores of the scored trials.
  private var lowest = 0.0, highest = 0.0

  init(results: SearchResults, metric: String) {
    self.results = results
    self.metric = metric
    scored = results.trials.filter { isPlottable($0, metric) }
    parameters = varyingParameters(results, among: scored)
    let values = scored.map { $0.meanTestScore(metric) }
    lowest = values.min() ?? 0
    highest = values.max() ?? 0
  }

  func score(_ trial: TrialRecord) -> Double { trial.meanTestScore(metric) }

  /// Whether `trial` is complete with a finite score (one of ``scored``).
  func isScored(_ trial: TrialRecord) -> Bool { isPlottable(trial, metric) }

  /// The best scored trial (the first on ties), by position in ``scored``.
  var best: TrialRecord? {
    scored.reduce(nil) { best, trial in
      guard let best else { return trial }
      return results.direction.isBetter(score(trial), than: score(best)) ? trial : best
    }
  }

  /// Where a score lies between the worst (0) and the best (1) scored trial.
  func quality(_ trial: TrialRecord) -> Double {
    guard highest > lowest else { return 1 }
    let t = (score(trial) - lowest) / (highest - lowest)
    return results.direction == .maximize ? t : 1 - t
  }

  /// A trial's hover text: number, score, budget and parameters.
  func tooltip(_ trial: TrialRecord) -> String {
    var parts = ["trial \(trial.index)", "\(metric) \(formatNumber(score(trial)))"]
    if let budget = trial.budget { parts.append("budget \(budget)") }
    parts += trial.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(parameterText($0.value))" }
    return parts.joined(separator: "\n")
  }
}

/// A parameter value as shown: real numbers to four significant digits.
func parameterText(_ value: ParameterValue) -> String {
  if case .double(let v) = value { return formatNumber(v) }
  return value.description
}

/// Score of every scored trial (complete, finite) by its position in the table, with the best so
/// far as a step line; failed trials are crosses along the bottom (pruned and running ones are
/// left out). Points are coloured by budget when trials ran at several.
func historyPlot(_ data: PlotData) -> String {
  var canvas = Canvas(width: 760, height: 300)
  let x = Scale(values: [0, Double(Swift.max(data.results.count - 1, 1))], start: canvas.plotLeft, end: canvas.plotRight)
  let y = Scale(values: data.scored.map(data.score), start: canvas.plotBottom, end: canvas.plotTop)
  canvas.axes(x: x, y: y, xTitle: "trial", yTitle: data.metric)
  let budgets = Set(data.scored.compactMap(\.budget))
  let budgetScale = Scale(values: budgets.map(Double.init), start: 0, end: 1, logarithmic: true, padding: 0)
  var best: Double?
  var steps: [(Double, Double)] = []
  for (position, trial) in data.results.trials.enumerated() {
    let at = x(Double(position))
    if trial.status.isFailed {
      canvas.cross(at, canvas.plotBottom - 6, tooltip: "trial \(trial.index): \(trial.status)")
      continue
    }
    guard data.isScored(trial) else { continue }
    let value = data.score(trial)
    let color = budgets.count > 1 ? gradientColor(budgetScale(Double(trial.budget ?? 1))) : categoryColors[0]
    canvas.circle(at, y(value), fill: color, tooltip: data.tooltip(trial))
    if best == nil || data.results.direction.isBetter(value, than: best!) {
      if let previous = best { steps.append((at, y(previous))) }
      best = value
    }
    steps.append((at, y(best!)))
  }
  if let best { steps.append((canvas.plotRight, y(best))) }
  canvas.polyline(steps, stroke: "#d62728", width: 2, role: "best-so-far", tooltip: "best so far")
  return canvas.render(role: "history", label: "Optimisation history: \(data.metric) by trial, best so far in red",
                       points: data.scored.count)
}

/// One line per scored trial across an axis per varying parameter and a last axis for the score,
/// coloured from the worst (light) to the best (dark), the best drawn on top.
func parallelCoordinatesPlot(_ data: PlotData) -> String {
  let names = Array(data.parameters.prefix(12))
  let columns = names.count + 1
  var canvas = Canvas(width: Double(Swift.max(460, 130 * columns)), height: 340)
  canvas.top = 34
  canvas.left = 40
  canvas.right = 70
  canvas.bottom = 26
  let xs = (0..<columns).map { canvas.plotLeft + (canvas.plotRight - canvas.plotLeft) * Double($0) / Double(Swift.max(columns - 1, 1)) }
  let axes = names.map { ParameterAxis(name: $0, trials: data.scored) }
  let scales = axes.map { $0.scale(data.scored, start: canvas.plotBottom, end: canvas.plotTop) }
  let scoreScale = Scale(values: data.scored.map(data.score), start: canvas.plotBottom, end: canvas.plotTop)
  let qualities = data.scored.map(data.quality)
  for k in data.scored.indices.sorted(by: { qualities[$0] < qualities[$1] }) {
    let trial = data.scored[k]
    var points = zip(axes, scales).enumerated().map { column, pair in (xs[column], pair.1(pair.0.position(trial.parameters[pair.0.name]))) }
    points.append((xs[columns - 1], scoreScale(data.score(trial))))
    canvas.polyline(points, stroke: gradientColor(qualities[k]), width: 1.3, opacity: 0.75, role: "trial",
                    tooltip: data.tooltip(trial))
  }
  for (column, x) in xs.enumerated() {
    canvas.line(x, canvas.plotTop, x, canvas.plotBottom, stroke: "#555")
    let isScore = column == columns - 1
    canvas.text(x, canvas.plotTop - 18, isScore ? data.metric : shorten(names[column], 18), size: 11)
    let ticks = isScore ? scoreScale.ticks(4).map { ($0, formatNumber($0)) } : axes[column].ticks(scales[column])
    let scale = isScore ? scoreScale : scales[column]
    for (value, label) in ticks {
      canvas.line(x - 3, scale(value), x + 3, scale(value), stroke: "#555")
      canvas.text(x + 5, scale(value) + 3.5, label, anchor: "start", size: 9, fill: "#555")
    }
  }
  return canvas.render(role: "parallel-coordinates", label: "Parallel coordinates: every scored trial across its parameters and \(data.metric)",
                       points: data.scored.count)
}

/// Horizontal bars of each parameter's importance, largest first.
func importancePlot(_ importances: [(name: String, value: Double)], trials: Int) -> String {
  var canvas = Canvas(width: 640, height: Double(44 + 24 * importances.count))
  canvas.left = 170
  canvas.top = 8
  canvas.bottom = 34
  let x = Scale(values: [0, Swift.max(importances.map(\.value).max() ?? 1, 1e-9)], start: canvas.plotLeft, end: canvas.plotRight, padding: 0)
  for tick in x.ticks(4) {
    canvas.line(x(tick), canvas.plotTop, x(tick), canvas.plotBottom, stroke: "#e4e4e4")
    canvas.text(x(tick), canvas.plotBottom + 14, formatNumber(tick), size: 10)
  }
  for (row, item) in importances.enumerated() {
    let y = canvas.plotTop + 6 + 24 * Double(row)
    canvas.rect(x(0), y, x(item.value) - x(0), 16, fill: categoryColors[0], tooltip: "\(item.name): \(formatNumber(item.value))")
    canvas.text(canvas.plotLeft - 6, y + 12, shorten(item.name, 26), anchor: "end", size: 11)
  }
  canvas.text((canvas.plotLeft + canvas.plotRight) / 2, canvas.height - 6, "importance (share of the forest's impurity decrease, \(trials) trials)", size: 11)
  return canvas.render(role: "importance", label: "Parameter importance", points: importances.count)
}

/// One small scatter per varying parameter: the score against its value, coloured by order of
/// the trials (early light, late dark), categories spread a little sideways so ties stay visible.
func slicePlots(_ data: PlotData) -> [String] {
  let count = Double(Swift.max(data.scored.count - 1, 1))
  return data.parameters.map { name in
    var canvas = Canvas(width: 360, height: 240)
    canvas.left = 52
    let axis = ParameterAxis(name: name, trials: data.scored)
    let x = axis.scale(data.scored, start: canvas.plotLeft, end: canvas.plotRight)
    let y = Scale(values: data.scored.map(data.score), start: canvas.plotBottom, end: canvas.plotTop)
    canvas.axes(x: x, y: y, xTitle: name + (axis.logarithmic ? " (log)" : ""), yTitle: data.metric, xTicks: axis.ticks(x))
    for (order, trial) in data.scored.enumerated() {
      var position = x(axis.position(trial.parameters[name]))
      if axis.isCategorical { position += Double((order &* 2_654_435_761) % 13 - 6) }
      canvas.circle(position, y(data.score(trial)), radius: 3, fill: gradientColor(Double(order) / count), tooltip: data.tooltip(trial))
    }
    return canvas.render(role: "slice", label: "Slice: \(data.metric) against \(name)", points: data.scored.count)
  }
}
