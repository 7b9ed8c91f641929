import Foundation
import LearnCore
import ModelSelection

/// A self-contained HTML report of one or several searches: for each, the optimisation history,
/// parallel coordinates, parameter importance, slice plots, the rung view (Hyperband, successive
/// halving, ASHA), the lineage and schedule view (population-based training), values reported
/// while training (pruned searches) and the table of the best trials. Plots are inline SVG with a
/// tooltip per mark; the file loads nothing (no script, font or image from elsewhere), so it
/// opens offline and can be mailed or archived as it is.
///
/// ```swift
/// let report = SearchReport(title: "MLP on digits", results: search.results)
/// try report.write(to: "report.html")
/// ```
public struct SearchReport: Sendable {
  /// One labelled fact shown at the top of a section (such as a held-out score).
  public struct Fact: Sendable, Hashable {
    /// What the value is.
    public var label: String
    /// The value, as shown.
    public var value: String

    /// A fact.
    public init(_ label: String, _ value: String) {
      self.label = label
      self.value = value
    }
  }

  /// One search in the report.
  public struct Section: Sendable {
    /// The heading (such as the strategy's name).
    public var name: String
    /// The search's trials.
    public var results: SearchResults
    /// The score plotted (by default the table's first metric).
    public var metric: String
    /// Facts shown under the heading, after the trial counts and the best score.
    public var facts: [Fact]

    /// A section for `results`, plotting `metric` (the first metric when `nil`).
    public init(name: String, results: SearchResults, metric: String? = nil, facts: [Fact] = []) {
      self.name = name
      self.results = results
      self.metric = metric ?? results.metrics.first ?? "value"
      self.facts = facts
    }
  }

  /// The page's title.
  public var title: String
  /// The searches, in order.
  public var sections: [Section]
  /// An optional table above the sections (such as the demo's comparison of strategies).
  public var summary: Table?
  /// The most rows of each section's table of trials (best first).
  public var tableRows: Int

  /// A table of text cells.
  public struct Table: Sendable, Hashable {
    /// Column headings.
    public var header: [String]
    /// Rows of cells, each as long as `header`.
    public var rows: [[String]]

    /// A table.
    public init(header: [String], rows: [[String]]) {
      self.header = header
      self.rows = rows
    }
  }

  /// A report of several searches (compared in a plot of best score against time when there are
  /// two or more).
  public init(title: String, sections: [Section], summary: Table? = nil, tableRows: Int = 50) {
    self.title = title
    self.sections = sections
    self.summary = summary
    self.tableRows = tableRows
  }

  /// A report of one search.
  public init(title: String, results: SearchResults, metric: String? = nil, facts: [Fact] = []) {
    self.init(title: title, sections: [Section(name: "Search", results: results, metric: metric, facts: facts)])
  }

  /// The report as one HTML document.
  public func html() -> String {
    var body = "<h1>\(escapeHTML(title))</h1>\n"
    if let summary { body += tableHTML(summary, role: "summary") }
    if sections.count >= 2 { body += "<h2 id=\"comparison\">Best score over time</h2>\n" + comparisonPlot(sections) + "\n" }
    body += zip(sections, sectionIDs).map { sectionHTML($0, id: $1) }.joined(separator: "\n")
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8"/>
      <meta name="generator" content="Learn \(escapeHTML(ModelFile.learnVersion))"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title>\(escapeHTML(title))</title>
      <style>\(reportStyle)</style>
      </head>
      <body>
      \(body)
      <footer>Written by Learn \(escapeHTML(ModelFile.learnVersion)). Hover over a mark for its trial.</footer>
      </body>
      </html>

      """
  }

  /// Writes the report to `path` (crash-safe: a temporary file renamed into place).
  public func write(to path: String) throws(LearnError) {
    try DurableFile.write(Data(html().utf8), to: path)
  }
}

private let reportStyle = """
  body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}\
  h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1.05em;margin:1.2em 0 .4em}\
  section.study{margin-top:2.4em}dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#666}dd{margin:0}\
  table{border-collapse:collapse;font-size:.85em;margin:.6em 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}\
  th{background:#f3f3f3}td.text{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:10px}svg.plot{max-width:100%;height:auto}\
  p.note{color:#666;font-size:.9em}footer{margin-top:3em;color:#888;font-size:.8em}
  """

extension SearchReport {
  /// One search, as the section with id `id`: facts, then every plot that applies, then the
  /// table of trials.
  func sectionHTML(_ section: Section, id: String) -> String {
    let data = PlotData(results: section.results, metric: section.metric)
    let counts = section.results.statusCounts
    let best = data.best
    var html = "<section class=\"study\" id=\"\(id)\" data-name=\"\(escapeHTML(section.name))\" data-trials=\"\(section.results.count)\" "
      + "data-complete=\"\(counts.complete)\"" + (best.map { " data-best=\"\(formatNumber(data.score($0)))\"" } ?? "") + ">\n"
    html += "<h2>\(escapeHTML(section.name))</h2>\n<dl class=\"facts\">\n"
    var facts = [Fact("trials", "\(section.results.count): \(counts.complete) complete, \(counts.failed) failed, \(counts.pruned) pruned, \(counts.running) running")]
    if let best {
      facts.append(Fact("best \(section.metric)", "\(formatNumber(data.score(best))) (trial \(best.index))"))
      facts.append(Fact("best parameters", best.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(parameterText($0.value))" }
        .joined(separator: ", ")))
    }
    if section.results.objectives.count >= 2 {
      facts.append(Fact("objectives", section.results.objectives.map(\.description).joined(separator: ", ")))
      facts.append(Fact("Pareto front", "\(section.results.paretoFront().count) trials"))
    }
    for fact in facts + section.facts { html += "<dt>\(escapeHTML(fact.label))</dt><dd>\(escapeHTML(fact.value))</dd>\n" }
    html += "</dl>\n"
    if !section.results.trials.isEmpty, !section.results.metrics.contains(section.metric) {
      return html + "<p class=\"note\">\(escapeHTML(section.metric)) is not one of this search's metrics ("
        + escapeHTML(section.results.metrics.joined(separator: ", ")) + ").</p>\n</section>"
    }
    guard !data.scored.isEmpty else { return html + "<p class=\"note\">No trial has finished with a finite score yet.</p>\n</section>" }
    let pareto = paretoPlots(section.results)
    if !pareto.isEmpty {
      html += "<h3 id=\"\(id)-pareto\">Pareto front</h3>\n<div class=\"plots\">\n" + pareto.joined(separator: "\n") + "\n</div>\n"
        + tableHTML(paretoTable(section.results, limit: tableRows), role: "pareto-front")
    }
    html += plotsHTML(data, best: best?.index, id: id)
    html += "<h3 id=\"\(id)-trials\">Trials</h3>\n" + tableHTML(trialTable(data), role: "trials")
    if section.results.count > tableRows { html += "<p class=\"note\">The best \(tableRows) of \(section.results.count) trials.</p>\n" }
    return html + "</section>"
  }

  /// Each section's id: its name as a slug, made unique with `-2`, `-3`… (`comparison` is taken).
  var sectionIDs: [String] {
    var taken: Set<String> = ["comparison"]
    return sections.map { section in
      let base = slug(section.name)
      var id = base, k = 1
      while taken.contains(id) {
        k += 1
        id = "\(base)-\(k)"
      }
      taken.insert(id)
      return id
    }
  }

  /// The plots that apply to `data`, each under a heading whose id is `id` and the plot's role.
  func plotsHTML(_ data: PlotData, best: Int?, id: String) -> String {
    func heading(_ text: String, _ role: String) -> String { "<h3 id=\"\(id)-\(role)\">\(escapeHTML(text))</h3>\n" }
    var html = heading("Optimisation history", "history") + historyPlot(data) + "\n"
    let trials = data.results.trials
    if trials.contains(where: { !$0.intermediateValues.isEmpty }) {
      html += heading("Reported while training", "intermediate") + intermediatePlot(data) + "\n"
    }
    if trials.contains(where: { $0.tags["rung"] != nil || $0.tags["iter"] != nil }) {
      html += heading("Rungs and brackets", "rungs") + rungPlot(data) + "\n"
    }
    if trials.contains(where: { $0.tags["member"] != nil }) {
      html += heading("Lineage", "lineage") + lineagePlot(data) + "\n"
      let schedules = best.map { schedulePlots(data, best: $0) } ?? []
      if let best, !schedules.isEmpty {
        html += heading("Schedule of the best trial (\(best))", "schedule") + "<div class=\"plots\">\n" + schedules.joined(separator: "\n") + "\n</div>\n"
      }
    }
    guard !data.parameters.isEmpty else { return html + "<p class=\"note\">No parameter varied among the scored trials.</p>\n" }
    html += heading("Parallel coordinates", "parallel-coordinates") + parallelCoordinatesPlot(data) + "\n"
    switch parameterImportances(data) {
    case .measured(let importances):
      html += heading("Parameter importance", "importance") + importancePlot(importances, trials: data.scored.count) + "\n"
    case .unavailable(let reason):
      html += "<p class=\"note\">No parameter importance: \(escapeHTML(reason)).</p>\n"
    }
    return html + heading("Slices", "slices") + "<div class=\"plots\">\n" + slicePlots(data).joined(separator: "\n") + "\n</div>\n"
  }

  /// The best `tableRows` trials by rank: number, status, score (mean ± std), budget, parameters.
  func trialTable(_ data: PlotData) -> Table {
    let results = data.results
    let ranks = results.ranks(data.metric)
    let names = results.parameterNames
    let order = results.trials.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }.prefix(tableRows)
    let hasBudget = results.trials.contains { $0.budget != nil }
    var header = ["rank", "trial", "status", "mean \(data.metric)", "std"]
    if hasBudget { header.append("budget") }
    header += names
    let rows = order.map { row -> [String] in
      let trial = results.trials[row]
      let (mean, std) = (results.value("mean_test_\(data.metric)", row: row), results.value("std_test_\(data.metric)", row: row))
      var cells = ["\(ranks[row])", "\(row)", trial.status.description, formatNumber(mean.doubleValue ?? .nan), formatNumber(std.doubleValue ?? .nan)]
      if hasBudget { cells.append(trial.budget.map(String.init) ?? "") }
      return cells + names.map { trial.parameters[$0].map(parameterText) ?? "" }
    }
    return Table(header: header, rows: rows)
  }

  /// A table; cells that are not numbers are left-aligned.
  func tableHTML(_ table: Table, role: String) -> String {
    var html = "<table class=\"\(role)\">\n<thead><tr>" + table.header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      html += "<tr>" + row.map { cell in
        Double(cell) == nil ? "<td class=\"text\">\(escapeHTML(cell))</td>" : "<td>\(escapeHTML(cell))</td>"
      }.joined() + "</tr>\n"
    }
    return html + "</tbody>\n</table>\n"
  }
}

/// `name` as an HTML id: lower-case letters and digits, other runs of characters as one `-`.
func slug(_ name: String) -> String {
  var out = ""
  for character in name.lowercased() {
    if character.isASCII, character.isLetter || character.isNumber { out.append(character) } else if !out.hasSuffix("-") { out.append("-") }
  }
  let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
  return trimmed.isEmpty ? "search" : trimmed
}

/// Best score so far against seconds since each search began, one line per section (from the
/// trials' finishing times).
func comparisonPlot(_ sections: [SearchReport.Section]) -> String {
  var canvas = Canvas(width: 760, height: 320)
  canvas.right = 150
  var lines: [(name: String, points: [(Double, Double)])] = []
  for section in sections {
    let finished = section.results.trials.filter { $0.status == .complete && $0.meanTestScore(section.metric).isFinite && $0.finishedAt != nil }
    guard let start = section.results.trials.compactMap(\.startedAt).min() else { continue }
    var best: Double?
    var points: [(Double, Double)] = []
    for trial in finished.sorted(by: { $0.finishedAt! < $1.finishedAt! }) {
      let value = trial.meanTestScore(section.metric)
      if best == nil || section.results.direction.isBetter(value, than: best!) { best = value }
      points.append((Swift.max(trial.finishedAt! - start, 1e-3), best!))
    }
    if !points.isEmpty { lines.append((section.name, points)) }
  }
  let x = Scale(values: lines.flatMap { $0.points.map(\.0) }, start: canvas.plotLeft, end: canvas.plotRight, logarithmic: true)
  let y = Scale(values: lines.flatMap { $0.points.map(\.1) }, start: canvas.plotBottom, end: canvas.plotTop)
  canvas.axes(x: x, y: y, xTitle: "seconds since the search began (log scale)", yTitle: "best score so far")
  for (k, line) in lines.enumerated() {
    var steps: [(Double, Double)] = []
    for (i, point) in line.points.enumerated() {
      if i > 0 { steps.append((x(point.0), y(line.points[i - 1].1))) }
      steps.append((x(point.0), y(point.1)))
    }
    if steps.count == 1 { steps.append((steps[0].0 + 4, steps[0].1)) }
    let color = categoryColors[k % categoryColors.count]
    canvas.polyline(steps, stroke: color, width: 2, role: "strategy", tooltip: line.name)
    canvas.rect(canvas.plotRight + 10, canvas.plotTop + 18 * Double(k), 12, 12, fill: color, role: "legend")
    canvas.text(canvas.plotRight + 28, canvas.plotTop + 18 * Double(k) + 10, shorten(line.name, 18), anchor: "start", size: 11)
  }
  return canvas.render(role: "comparison", label: "Best score so far against time, per search", points: lines.count)
}
