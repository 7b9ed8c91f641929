import Foundation
import Learn
import LearnTestSupport
import Testing

/// What one run of the `learn` executable printed and returned.
struct ToolRun {
  var status: Int32
  var output: String
  var errors: String
}

/// Runs the `learn` executable built beside the tests (`swift test` builds it: the test target
/// depends on it) with `arguments`.
func runLearn(_ arguments: [String]) throws -> ToolRun {
  let root = Fixtures.directory.deletingLastPathComponent()
  // Beside the test bundle first, so a build in another folder (`.ci/sanitize`) runs its own.
  let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("learn").path
  let candidates = [beside] + [".build/debug/learn", ".build/release/learn"].map { root.appendingPathComponent($0).path }
  let path = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "the learn executable is built")
  let process = Process()
  process.executableURL = URL(fileURLWithPath: path)
  process.arguments = arguments
  let output = Pipe(), errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ToolRun(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                 errors: String(decoding: err, as: UTF8.self))
}

@Suite(.serialized) struct CommandLineTests {
  /// The fruit file of the `CSVModel` tests: text labels and a categorical column.
  static let training = CSVModelTests.training

  /// A folder with a saved CSVModel (`model.json`), new rows (`new.csv`) and a journal-free run.
  static func workspace() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let train = try Dataset<Int>(csv: training, target: "kind", categoricalFeatures: .encode)
    let pipeline = try Pipeline(ColumnTransformer([.init("size", Passthrough(), columns: [0]),
                                                   .init("colour", OneHotEncoder(), columns: [1])]),
                                DecisionTreeClassifier())
    try CSVModel(try pipeline.fit(train.x, train.y), encoding: train.csvEncoding).save(to: folder.appendingPathComponent("model.json"))
    try "colour,size\ngreen,3.2\nyellow,2.1\nred,1.1\n".write(to: folder.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
    try "colour,size\nblue,3.2\n".write(to: folder.appendingPathComponent("unseen.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test func predictGivesTheTrainingFilesLabelsAndInspectDescribesTheModel() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("model.json").path
    let predicted = try runLearn(["predict", "--model", model, "--data", folder.appendingPathComponent("new.csv").path])
    #expect(predicted.status == 0 && predicted.errors.isEmpty)
    #expect(predicted.output == "prediction\nmelon\npear\napple\n")
    let out = folder.appendingPathComponent("out.csv").path
    #expect(try runLearn(["predict", "--model", model, "--data", folder.appendingPathComponent("new.csv").path, "--out", out]).status == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == predicted.output)
    let inspected = try runLearn(["inspect", model])
    #expect(inspected.status == 0)
    #expect(inspected.output.contains("type: CSVModel<Int>"))
    #expect(inspected.output.contains("features (2): size, colour"))
    #expect(inspected.output.contains("colour: categories green, red, yellow"))
    #expect(inspected.output.contains("labels: 0=apple, 1=melon, 2=pear"))
  }

  @Test func inspectSummarisesASearchJournal() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("search.jsonl").path
    let study = try minimize({ $0["x"]!.doubleValue! * $0["x"]!.doubleValue! }, space: ["x": .uniform(-1, 1)], trials: 12,
                             seed: 1, journal: journal, studyName: "cli")
    let run = try runLearn(["inspect", journal])
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.contains("search journal: 12 trials, 12 complete, 0 failed, 0 pruned, 0 running or lost"))
    #expect(run.output.contains("strategy: random"))
    #expect(study.count == 12)
  }

  @Test func tuneOnACSVWithTextLabelsAndACategoricalColumnThenPredict() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = Fixtures.url("cli/fruit.csv").path, out = folder.appendingPathComponent("tuned").path
    let run = try runLearn(["tune", "--data", data, "--target", "kind", "--trials", "4", "--cv", "3", "--seed", "1", "--out", out])
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.contains("4 trials, 4 complete") && run.output.contains("held-out score"))
    for file in ["results.csv", "results.json", "model.json", "report.html"] {
      #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
    }
    let rows = folder.appendingPathComponent("rows.csv").path
    try "weight,colour,size\n95,red,1.1\n310,yellow,3.0\n".write(toFile: rows, atomically: true, encoding: .utf8)
    let predicted = try runLearn(["predict", "--model", out + "/model.json", "--data", rows])
    #expect(predicted.status == 0, "\(predicted.errors)")
    #expect(predicted.output == "prediction\napple\nmelon\n")
    let bayes = try runLearn(["tune", "--data", data, "--target", "kind", "--search", "tpe", "--estimator", "logistic", "--trials", "3",
                              "--out", folder.appendingPathComponent("tpe").path])
    #expect(bayes.status == 0 && bayes.output.contains("3 trials, 3 complete"), "\(bayes.errors)")
    let cmaes = try runLearn(["tune", "--data", data, "--target", "kind", "--search", "cmaes", "--estimator", "svc", "--trials", "8",
                              "--out", folder.appendingPathComponent("cmaes").path])
    #expect(cmaes.status == 0 && cmaes.output.contains("8 trials, 8 complete"), "\(cmaes.errors)")
    let evolution = try runLearn(["tune", "--data", data, "--target", "kind", "--search", "evolution", "--estimator", "tree", "--trials", "12",
                                  "--out", folder.appendingPathComponent("evolution").path])
    #expect(evolution.status == 0 && evolution.output.contains("12 trials, 12 complete"), "\(evolution.errors)")
    // NSGA-II trades accuracy against the tree's depth; the report draws the front.
    let nsga = folder.appendingPathComponent("nsga2").path
    let tradeOff = try runLearn(["tune", "--data", data, "--target", "kind", "--search", "nsga2", "--estimator", "tree", "--trials", "12",
                                 "--objectives", "accuracy,model.maxDepth", "--out", nsga])
    #expect(tradeOff.status == 0 && tradeOff.output.contains("Pareto front of maximize accuracy, minimize model.maxDepth"), "\(tradeOff.errors)")
    #expect(try String(contentsOfFile: nsga + "/report.html", encoding: .utf8).contains("class=\"plot pareto\""))
    let badObjective = try runLearn(["tune", "--data", data, "--target", "kind", "--search", "nsga2", "--objectives", "accuracy,depth",
                                     "--out", nsga])
    #expect(badObjective.status != 0 && badObjective.errors.contains("objective 'depth'"), "\(badObjective.errors)")
    let notNSGA = try runLearn(["tune", "--data", data, "--target", "kind", "--objectives", "accuracy,fit_time", "--out", nsga])
    #expect(notNSGA.status != 0 && notNSGA.errors.contains("--objectives is for --search nsga2"), "\(notNSGA.errors)")
    // --drop leaves a column out of the model; a lock file serialises the journal's appends.
    let dropped = folder.appendingPathComponent("dropped").path
    let withoutWeight = try runLearn(["tune", "--data", data, "--target", "kind", "--estimator", "tree", "--trials", "2", "--drop", "weight",
                                      "--journal-lock", "file", "--journal", dropped + ".jsonl", "--out", dropped])
    #expect(withoutWeight.status == 0, "\(withoutWeight.errors)")
    #expect(try runLearn(["inspect", dropped + "/model.json"]).output.contains("features (2): size, colour"))
    // A space from a JSON file, changed by --param: only those values are tried.
    let spaceFile = folder.appendingPathComponent("space.json").path
    try #"{"model.maxDepth": "2..4", "model.nEstimators": 20, "model.criterion": "gini|entropy"}"#
      .write(toFile: spaceFile, atomically: true, encoding: .utf8)
    let spaced = folder.appendingPathComponent("spaced").path
    let custom = try runLearn(["tune", "--data", data, "--target", "kind", "--trials", "5", "--space", spaceFile,
                               "--param", "model.criterion=entropy", "--out", spaced])
    #expect(custom.status == 0, "\(custom.errors)")
    let table = try String(contentsOfFile: spaced + "/results.csv", encoding: .utf8)
    let header = table.split(separator: "\n")[0].split(separator: ",").map(String.init)
    #expect(header.filter { $0.hasPrefix("param_") } == ["param_model.criterion", "param_model.maxDepth", "param_model.nEstimators"])
    let parsed = try CSVTable(parsing: table)
    let column = { (name: String) in parsed.rows.map { $0[parsed.header.firstIndex(of: name)!] } }
    #expect(Set(column("param_model.criterion")) == ["entropy"] && Set(column("param_model.nEstimators")) == ["20"])
    #expect(column("param_model.maxDepth").allSatisfy { ["2", "3", "4"].contains($0) })
    // Machine-readable output, and a time budget that stops a long search early.
    let json = try runLearn(["tune", "--data", data, "--target", "kind", "--estimator", "logistic", "--trials", "3", "--json",
                             "--time-budget", "60", "--out", folder.appendingPathComponent("json").path])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
    #expect(object["trials"] as? Int == 3 && object["metric"] as? String == "accuracy" && object["held_out"] is Double)
    #expect((object["best_parameters"] as? [String: Any])?["model.c"] is Double)
    let budgeted = try runLearn(["tune", "--data", data, "--target", "kind", "--estimator", "forest", "--trials", "100000",
                                 "--time-budget", "0.5", "--json", "--out", folder.appendingPathComponent("budget").path])
    let stopped = try #require(try JSONSerialization.jsonObject(with: Data(budgeted.output.utf8)) as? [String: Any])
    #expect((stopped["trials"] as? Int ?? 0) < 100000)
  }

  @Test func twoTuneProcessesShareOneJournalAndEvaluateEveryTrialOnce() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("shared.jsonl").path, data = Fixtures.url("cli/fruit.csv").path
    let arguments = { (out: String) in
      ["tune", "--data", data, "--target", "kind", "--estimator", "logistic", "--search", "random", "--trials", "40",
       "--workers", "1", "--seed", "4", "--journal", journal, "--out", folder.appendingPathComponent(out).path]
    }
    // Both start together; each takes trials from the journal until the 40 are done.
    let runs = try [arguments("first"), arguments("second")].map { arguments -> (Process, Pipe) in
      let root = Fixtures.directory.deletingLastPathComponent()
      let process = Process()
      process.executableURL = root.appendingPathComponent(".build/debug/learn")
      process.arguments = arguments
      let errors = Pipe()
      process.standardOutput = FileHandle.nullDevice
      process.standardError = errors
      try process.run()
      return (process, errors)
    }
    for (process, errors) in runs {
      let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(text)")
    }
    let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").dropFirst()
    var finished: [Int] = []
    var workers = Set<String>()
    for line in lines where line.contains("\"op\":\"finished\"") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let record = try #require(object?["record"] as? [String: Any])
      finished.append(try #require(record["index"] as? Int))
      if let worker = record["worker"] as? String { workers.insert(String(worker.split(separator: "/").dropLast().joined(separator: "/"))) }
    }
    #expect(finished.sorted() == Array(0..<40), "each of the 40 trials finished once")
    #expect(workers.count == 2, "both processes evaluated trials: \(workers)")
    let inspected = try runLearn(["inspect", journal])
    #expect(inspected.output.contains("search journal: 40 trials, 40 complete"))
    // The report of the shared journal: every trial in the history, inspectable.
    let html = folder.appendingPathComponent("shared.html").path
    let reported = try runLearn(["report", "--journal", journal, "--out", html])
    #expect(reported.status == 0 && reported.output.contains("40 trials (40 complete, 0 running)"), "\(reported.errors)")
    let text = try String(contentsOfFile: html, encoding: .utf8)
    #expect(SearchReportTests.points(text, "history") == 40 && SearchReportTests.isWellFormed(text))
    let described = try runLearn(["inspect", html])
    #expect(described.output.contains("Search: random: 40 trials, 40 complete, best "), "\(described.output)")
  }

  @Test func theDemoComparesEverySearchOnDigits() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("demo.html").path
    let run = try runLearn(["demo", "--smoke", "--report", path])
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.contains("report: \(path)"))
    let html = try String(contentsOfFile: path, encoding: .utf8)
    #expect(SearchReportTests.isWellFormed(html) && SearchReportTests.points(html, "comparison") == 6)
    #expect(SearchReportTests.plots(html, "history").count == 6 && SearchReportTests.plots(html, "rungs").count == 2)
    #expect(SearchReportTests.plots(html, "lineage").count == 1)
    for search in ["random search", "Bayesian (GP)", "Bayesian (TPE)", "Hyperband", "ASHA", "PBT"] {
      let row = run.output.split(separator: "\n").first { $0.hasPrefix("  " + search + " ") }
      let cells = row.map { $0.split(separator: " ", omittingEmptySubsequences: true).suffix(4).compactMap { Double($0) } }
      #expect(cells?.count == 4 && cells!.allSatisfy { $0 >= 0 }, "\(search): \(row ?? "missing")")
    }
  }

  @Test func cvCrossValidatesOneConfigurationFoldByFold() throws {
    let data = Fixtures.url("cli/fruit.csv").path
    let run = try runLearn(["cv", "--data", data, "--target", "kind", "--estimator", "logistic", "--set", "model.c=0.5",
                            "--cv", "4", "--scoring", "accuracy,f1_macro"])
    #expect(run.status == 0, "\(run.errors)")
    let lines = run.output.split(separator: "\n")
    #expect(lines.count == 2 && lines[0].hasPrefix("accuracy: ") && lines[1].hasPrefix("f1_macro: "))
    #expect(lines[0].split(separator: ",").count == 4, "four folds: \(lines[0])")
    let bad = try runLearn(["cv", "--data", data, "--target", "kind", "--estimator", "logistic", "--set", "model.gamma=1"])
    #expect(bad.status == 1 && bad.errors.contains("gamma"), "\(bad.errors)")
  }

  @Test func warningsArePrintedOrFailTheCommand() throws {
    let data = Fixtures.url("cli/fruit.csv").path
    let arguments = ["cv", "--data", data, "--target", "kind", "--estimator", "logistic", "--set", "model.maxIterations=1",
                     "--cv", "3"]
    let warned = try runLearn(arguments)
    #expect(warned.status == 0, "\(warned.errors)")
    #expect(warned.errors.contains("warning: convergence: the solver stopped after 1 iterations"), "\(warned.errors)")
    let strict = try runLearn(arguments + ["--warnings", "error"])
    #expect(strict.status == 1 && strict.errors.contains("warning treated as an error: convergence"), "\(strict.errors)")
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try runLearn(["tune", "--data", data, "--target", "kind", "--estimator", "logistic", "--param", "model.maxIterations=1|200",
                             "--search", "grid", "--cv", "2", "--verbose", "0", "--out", folder.path])
    #expect(tune.status == 0, "\(tune.errors)")
    #expect(tune.errors.contains("warning (") && tune.errors.contains("trials): convergence"), "\(tune.errors)")
    let table = try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
    #expect(table.split(separator: "\n")[0].contains("warnings"))
    let bad = try runLearn(arguments + ["--warnings", "loud"])
    #expect(bad.status != 0 && bad.errors.contains("--warnings expects record or error"), "\(bad.errors)")
  }

  @Test func ctrlCStopsTuneCleanlyAfterRecordingWhatFinished() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("interrupted.jsonl").path
    let root = Fixtures.directory.deletingLastPathComponent()
    let process = Process()
    process.executableURL = root.appendingPathComponent(".build/debug/learn")
    process.arguments = ["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--estimator", "forest",
                         "--trials", "100000", "--workers", "1", "--journal", journal, "--out", folder.appendingPathComponent("out").path]
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    func finished() -> Int {
      ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").components(separatedBy: "\"op\":\"finished\"").count - 1
    }
    let deadline = Date().addingTimeInterval(60)
    while finished() < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    // A report of the journal while the search is still writing it.
    let live = try runLearn(["report", "--journal", journal, "--out", folder.appendingPathComponent("live.html").path])
    #expect(live.status == 0 && live.output.contains(" complete, "), "\(live.errors)")
    process.interrupt()  // SIGINT, as Ctrl-C
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains("interrupted: the ") && text.contains("the same command resumes from"), "\(text)")
    let count = finished()
    #expect(count >= 3 && count < 100000)
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/model.json").path))
  }

  @Test func mistakesGiveOneLineAndANonZeroStatus() throws {
    let folder = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("model.json").path, data = folder.appendingPathComponent("new.csv").path
    let cases: [(arguments: [String], status: Int32, message: String)] = [
      (["frobnicate"], 2, "learn: unknown command 'frobnicate'"),
      (["predict", "--data", data], 2, "learn predict: --model is required"),
      (["predict", "--model", model, "--data", data, "--colour", "x"], 2, "learn predict: unknown option '--colour'"),
      (["predict", "--model", model, "--data"], 2, "learn predict: --data needs a value"),
      (["predict", "--model", folder.appendingPathComponent("missing.json").path, "--data", data], 2, "missing.json: no such file"),
      (["predict", "--model", model, "--data", folder.appendingPathComponent("unseen.csv").path], 1,
       "CSV line 2, column 'colour': category 'blue' was not seen in training"),
      (["predict", "--model", data, "--data", data], 1, "saved model, field 'file'"),
      (["inspect", data], 2, "not a Learn model file, search journal or report"),
      (["report", "--journal", data], 2, "line 1 is not a Learn study journal header"),
      (["report"], 2, "learn report: --journal is required"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--drop", "colour,taste"], 2, "no column 'taste'"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--drop", "kind"], 2, "--drop names the target 'kind'"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--journal-lock", "nfs"], 2,
       "--journal-lock expects flock or file"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--estimator", "svc", "--param", "model.gama=1..2"], 2,
       "learn tune: the estimator has no hyperparameter 'model.gama'; it has"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--estimator", "svc", "--param", "model.c=-1..2"], 2,
       "learn tune: model.c cannot be -1.0 (the 'model.c' hyperparameter of Pipeline must be a float in (0.0, inf)"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--estimator", "svc", "--param", "model.kernel=rbf|magic"], 2,
       "learn tune: model.kernel cannot be \"magic\""),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--param", "model.maxDepth=log:5"], 2,
       "--param: 'model.maxDepth': log: needs a range low..high"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--param", "model.alpha"], 2,
       "--param expects NAME=RANGE"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--space", data], 2,
       "expected a JSON object of hyperparameter names to ranges"),
      (["inspect"], 2, "learn inspect: expects one file, got 0"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "species"], 2, "no column 'species'"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--estimator", "gpt"], 2,
       "learn tune: unknown classifier 'gpt'"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--search", "magic"], 2,
       "learn tune: unknown search 'magic'"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--search", "hyperband", "--estimator", "svc"], 2,
       "learn tune: hyperband needs an estimator that trains by units"),
      (["tune", "--target", "kind"], 2, "learn tune: --data is required"),
      (["tune", "--data", Fixtures.url("cli/fruit.csv").path, "--target", "kind", "--time-budget", "soon"], 2,
       "learn tune: --time-budget expects a positive number of seconds"),
    ]
    for (arguments, status, message) in cases {
      let run = try runLearn(arguments)
      #expect(run.status == status, "\(arguments)")
      #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
      #expect(run.errors.split(separator: "\n").count == (arguments == ["frobnicate"] ? run.errors.split(separator: "\n").count : 1),
              "one line: \(run.errors)")
    }
  }

  @Test func everyCommandsHelpDocumentsEveryOptionItAccepts() throws {
    // The options each command parses, read from its `Options(arguments, command: …)` call.
    let sources = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("Sources/LearnCLI")
    var accepted: [String: Set<String>] = [:]
    for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      for piece in text.components(separatedBy: "Options(arguments, command: \"").dropFirst() {
        let command = String(piece.prefix { $0 != "\"" })
        let call = piece.components(separatedBy: ")\n").first ?? ""
        accepted[command] = Set(call.components(separatedBy: "\"").filter { $0.hasPrefix("--") })
      }
    }
    #expect(Set(accepted.keys) == ["demo", "tune", "cv", "predict", "inspect", "report"])
    for (command, options) in accepted {
      let help = try runLearn([command, "--help"])
      #expect(help.status == 0 && help.errors.isEmpty, "\(command)")
      #expect(help.output.hasPrefix("learn \(command)"), "\(command): \(help.output.prefix(40))")
      for option in options { #expect(help.output.contains(option), "learn \(command) --help lacks \(option)") }
    }
    #expect(try runLearn(["help"]).output.contains("learn <command> --help"))
  }
}
