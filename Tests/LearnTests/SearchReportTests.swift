import Foundation
import Learn
import LearnTestSupport
import Testing

/// The HTML reports: every plot that applies is present and carries the trials' data, the file is
/// well formed and self-contained, text is escaped, and a journal still being written can be read.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct SearchReportTests {
  /// A small quadratic over a real, a log-scaled and a categorical parameter; some trials fail.
  static func quadraticStudy(journal: String? = nil) throws -> Study {
    try minimize({ p in
      let x = p["x"]!.doubleValue!, rate = p["rate"]!.doubleValue!
      if x > 0.95 { throw LearnError.invalidArgument(name: "x", reason: "too large") }
      let shift = p["kind"] == "b" ? 0.2 : 0
      return (x - 0.3) * (x - 0.3) + 0.1 * abs(log10(rate) + 2) + shift
    }, space: ["x": .uniform(0, 1), "rate": .logUniform(1e-4, 1), "kind": .choice(["a", "b", "<c&d>"])], trials: 40, seed: 5,
       journal: journal, studyName: journal == nil ? nil : "report")
  }

  /// The `<svg>` elements of `html` with class `role`, each as its text.
  static func plots(_ html: String, _ role: String) -> [String] {
    html.components(separatedBy: "<svg class=\"plot \(role)\"").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
  }

  /// The `data-points` attribute of the first plot with class `role`.
  static func points(_ html: String, _ role: String) -> Int? {
    guard let plot = plots(html, role).first, let range = plot.range(of: "data-points=\"") else { return nil }
    return Int(plot[range.upperBound...].prefix { $0.isNumber })
  }

  /// Every element closed in order (void `meta` and self-closing tags aside): a tag-balance check.
  static func isWellFormed(_ html: String) -> Bool {
    var stack: [String] = []
    var rest = Substring(html)
    while let open = rest.firstIndex(of: "<") {
      guard let close = rest[open...].firstIndex(of: ">") else { return false }
      let tag = rest[rest.index(after: open)..<close]
      rest = rest[rest.index(after: close)...]
      if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
      let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
      if name == "meta" { continue }
      if tag.hasPrefix("/") {
        guard stack.popLast() == name else { return false }
      } else {
        stack.append(name)
      }
    }
    return stack.isEmpty
  }

  @Test func aSearchReportHasEveryPlotWithTheTrialsData() throws {
    let study = try Self.quadraticStudy()
    let results = study.results
    let scored = results.trials.filter { $0.status == .complete }.count
    let failed = results.trials.filter(\.status.isFailed).count
    #expect(failed > 0 && scored > 20)
    let html = SearchReport(title: "Quadratic", results: results).html()
    #expect(Self.isWellFormed(html))
    #expect(Self.points(html, "history") == scored)
    #expect(Self.plots(html, "history")[0].components(separatedBy: "<circle").count - 1 == scored)
    #expect(Self.plots(html, "history")[0].components(separatedBy: "class=\"failed\"").count - 1 == failed)
    #expect(Self.plots(html, "history")[0].contains("class=\"best-so-far\""))
    #expect(Self.points(html, "parallel-coordinates") == scored)
    #expect(Self.plots(html, "parallel-coordinates")[0].components(separatedBy: "<polyline class=\"trial\"").count - 1 == scored)
    #expect(Self.plots(html, "slice").count == 3, "one slice per varying parameter")
    #expect(Self.points(html, "importance") == 3)
    #expect(Self.plots(html, "rungs").isEmpty && Self.plots(html, "lineage").isEmpty && Self.plots(html, "comparison").isEmpty)
    // The table: a row per trial (up to 50) and the categorical value escaped everywhere.
    #expect(html.contains("<table class=\"trials\">"))
    #expect(html.components(separatedBy: "<tr>").count - 1 == results.count + 1)
    #expect(!html.contains("<c&d>") && html.contains("&lt;c&amp;d&gt;"))
    // Self-contained: nothing loaded from elsewhere, no script.
    for forbidden in ["<script", "src=", "href=", "@import", "url("] { #expect(!html.contains(forbidden), "\(forbidden)") }
    #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
  }

  @Test func theMostImportantParameterOfAQuadraticIsItsCentre() throws {
    // x moves the score by up to 1; the second parameter by at most 0.01.
    let study = try minimize({ p in
      let x = p["x"]!.doubleValue!
      return 4 * (x - 0.5) * (x - 0.5) + 0.01 * p["noise"]!.doubleValue!
    }, space: ["x": .uniform(0, 1), "noise": .uniform(0, 1)], trials: 40, seed: 2)
    let html = SearchReport(title: "Importance", results: study.results).html()
    let plot = try #require(Self.plots(html, "importance").first)
    let bars = plot.components(separatedBy: "<title>").dropFirst(2).map { $0.prefix { $0 != "<" } }
    #expect(bars.first?.hasPrefix("x: ") == true, "\(bars)")
  }

  @Test func hyperbandReportsShowRungsAndPrunedSearchesTheirReports() throws {
    let strategy = try HyperbandSearch(["x": .uniform(0, 1)], maxBudget: 9, eta: 3)
    let study = try minimize({ trial in
      guard case .units(let epochs)? = trial.budget else { throw LearnError.invalidArgument(name: "budget", reason: "none") }
      let x = trial.parameters["x"]!.doubleValue!
      var value = 0.0
      for step in 1...epochs {
        value = (x - 0.3) * (x - 0.3) + 1 / Double(step)
        try trial.report(value, step: step)
      }
      return value
    }, space: ["x": .uniform(0, 1)], trials: 100, strategy: strategy, seed: 2)
    let html = SearchReport(title: "Hyperband", results: study.results).html()
    #expect(Self.isWellFormed(html))
    #expect(Self.points(html, "rungs") == study.count)
    #expect(Self.plots(html, "rungs")[0].contains("class=\"promotion\""))
    #expect(Self.points(html, "intermediate") == study.count)
  }

  @Test func populationSearchesShowLineageAndTheBestSchedule() throws {
    let iris = try Datasets.iris()
    let model = try PBTSearchCV(
      SGDClassifier(seed: 1), space: ["alpha": .logUniform(1e-6, 1e-1), "eta0": .logUniform(1e-3, 1)], mutable: ["alpha", "eta0"],
      populationSize: 4, generations: 4, readyInterval: 2, cv: StratifiedKFold(splits: 3), seed: 3
    ).fit(iris.x, iris.y)
    let html = SearchReport(title: "PBT", results: model.results).html()
    #expect(Self.isWellFormed(html))
    let lineage = try #require(Self.plots(html, "lineage").first)
    let links = model.results.trials.filter { $0.parent != nil }.count
    #expect(lineage.contains("data-count=\"\(links)\"") && links > 0)
    #expect(lineage.contains("stroke-dasharray"), "copies of a better member are dashed")
    let best = try #require(model.results.bestIndex("accuracy"))
    let schedule = try #require(model.results.schedule(of: best))
    let changed = ["alpha", "eta0"].filter { name in Set(schedule.steps.map { $0.parameters[name]!.description }).count > 1 }.count
    #expect(schedule.steps.count >= 2 && Self.plots(html, "schedule").count == changed)
  }

  @Test func aMultiObjectiveSearchShowsItsParetoFront() throws {
    let study = try optimize({ p in
      let x = p["x"]!.doubleValue!, y = p["y"]!.doubleValue!, z = p["z"]!.doubleValue!
      return [x * x + y, (x - 1) * (x - 1) + y, z + y]
    }, directions: [.minimize, .minimize, .maximize], space: ["x": .uniform(0, 1), "y": .uniform(0, 1), "z": .uniform(0, 1)],
       trials: 30, strategy: try NSGAIISearch(iterations: 30, populationSize: 10), seed: 2)
    let html = SearchReport(title: "Trade-offs", sections: [.init(name: "nsga2", results: study.results)]).html()
    #expect(Self.isWellFormed(html))
    // Three objectives: one scatter per pair, each with every trial.
    let plots = Self.plots(html, "pareto")
    #expect(plots.count == 3 && plots.allSatisfy { $0.contains("data-points=\"30\"") })
    let front = study.results.paretoFront()
    #expect(!front.isEmpty && front.count < 30)
    for plot in plots {
      #expect(plot.components(separatedBy: "class=\"pareto\"").count - 1 == front.count)
      #expect(plot.components(separatedBy: "class=\"dominated\"").count - 1 == 30 - front.count)
    }
    #expect(html.contains("<dt>Pareto front</dt><dd>\(front.count) trials</dd>"))
    #expect(html.contains("<dt>objectives</dt><dd>minimize value0, minimize value1, maximize value2</dd>"))
    #expect(html.contains("<table class=\"pareto-front\">"))
    // A one-objective search draws none.
    #expect(Self.plots(SearchReport(title: "One", sections: [.init(name: "q", results: try Self.quadraticStudy().results)]).html(), "pareto").isEmpty)
  }

  @Test func severalSearchesAreComparedAndEmptyOnesSaySo() throws {
    let study = try Self.quadraticStudy()
    let empty = SearchResults(trials: [], metrics: ["value"], splits: 1, direction: .minimize)
    let report = SearchReport(title: "Two", sections: [.init(name: "first", results: study.results), .init(name: "none yet", results: empty)],
                              summary: .init(header: ["search", "best"], rows: [["first", "0.1"], ["none yet", ""]]))
    let html = report.html()
    #expect(Self.isWellFormed(html))
    #expect(Self.points(html, "comparison") == 1)
    #expect(html.contains("data-name=\"none yet\" data-trials=\"0\"") && html.contains("No trial has finished"))
    #expect(html.contains("<table class=\"summary\">"))
  }

  @Test func aJournalIsReadWhileAnotherProcessIsWritingIt() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("study.jsonl").path
    let study = try Self.quadraticStudy(journal: path)
    // A line being written (no newline yet) is left for the next read.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"op\":\"created\",\"rec".utf8))
    try handle.close()
    let snapshot = try JournalSnapshot(reading: path)
    #expect(snapshot.results.trials.map(\.untimed) == study.trials.map(\.untimed))
    #expect(snapshot.results.direction == .minimize && snapshot.results.metrics == ["value"])
    #expect(snapshot.strategyName == "random" && snapshot.statusCounts.complete + snapshot.statusCounts.failed == 40)
    // A complete line that is not a record names its line; so does a file that is not a journal.
    let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
    try Data((header + "\n\r\n\ngarbage\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    let garbled = try #require(throws: LearnError.self) { try JournalSnapshot(reading: path) }
    #expect("\(garbled)".contains("line 4 is not a readable journal record"), "\(garbled)")
    try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    let notJournal = try #require(throws: LearnError.self) { try JournalSnapshot(reading: path) }
    #expect("\(notJournal)".contains("line 1 is not a Learn study journal header"))
    try Data().write(to: URL(fileURLWithPath: path))
    let empty = try #require(throws: LearnError.self) { try JournalSnapshot(reading: path) }
    #expect("\(empty)".contains("the journal is empty"))
    let missing = folder.appendingPathComponent("missing.jsonl").path
    let error = try #require(throws: LearnError.self) { try JournalSnapshot(reading: missing) }
    #expect("\(error)".contains("missing.jsonl"))
  }

  @Test func userTextIsEscapedEverywhereAndOddResultsStillMakeAPage() throws {
    let odd = "<b>&\"'"
    let trials = (0..<6).map { k in
      TrialRecord(index: k, parameters: [odd: .double(Double(k)), "kind": .string(k % 2 == 0 ? odd : "plain")], status: .complete,
                  testScores: [odd: [Double(k * k)]], fitTimes: [0], scoreTimes: [0])
    }
    let results = SearchResults(trials: trials, metrics: [odd], splits: 1, direction: .minimize)
    let html = SearchReport(title: odd, sections: [.init(name: odd, results: results)]).html()
    #expect(Self.isWellFormed(html))
    #expect(!html.contains(odd) && html.contains("&lt;b&gt;&amp;&quot;&#39;"))
    // Minimising: the lowest score is the best (trial 0), drawn darkest and on top (last).
    #expect(html.contains("data-best=\"0\""))
    let lines = Self.plots(html, "parallel-coordinates")[0].components(separatedBy: "<polyline class=\"trial\"").dropFirst()
    #expect(lines.count == 6 && lines.last!.contains("stroke=\"#440154\"") && lines.last!.contains("trial 0"))
    // Every trial failed; no parameters; an unknown metric: a page that says so.
    let failed = SearchResults(trials: (0..<3).map { TrialRecord(index: $0, parameters: [:], status: .failed("boom"), testScores: [:],
                                                                 fitTimes: [], scoreTimes: []) }, metrics: ["accuracy"], splits: 1)
    let bare = SearchResults(trials: [TrialRecord(index: 0, parameters: [:], status: .complete, testScores: ["accuracy": [0.5]],
                                                  fitTimes: [0], scoreTimes: [0])], metrics: ["accuracy"], splits: 1)
    let page = SearchReport(title: "odd", sections: [.init(name: "failed", results: failed), .init(name: "bare", results: bare),
                                                     .init(name: "bare", results: bare, metric: "f1")]).html()
    #expect(Self.isWellFormed(page))
    #expect(page.contains("No trial has finished with a finite score yet") && page.contains("No parameter varied"))
    #expect(page.contains("f1 is not one of this search's metrics (accuracy)"))
    #expect(page.contains("id=\"bare\"") && page.contains("id=\"bare-2\""), "repeated names get distinct ids")
  }
}
