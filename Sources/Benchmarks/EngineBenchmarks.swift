import Foundation
import Learn

/// The study engine's own figures (`Benchmarks engine`), which have no scikit-learn row:
///
/// - `cores_busy`: a random search over MLP hidden sizes on digits, whose fits take uneven times
///   (16 units to 128×128), with 2 workers. Busy = summed job time ÷ (workers × wall time): how
///   well workers pulling (trial × fold) jobs keep the cores fed between trials.
/// - `journal`: the Ridge-200 grid with and without a journal, per trial.
func runEngineBenchmarks(repeats: Int) throws {
  try benchmarkCoresBusy(repeats: repeats)
  try benchmarkJournal(repeats: repeats)
}

/// The MLP random search of `cores_busy`.
func mlpHiddenSizeSearch(workers: Int, iterations: Int = 16) throws -> RandomizedSearchCV<Pipeline<MLPClassifier>> {
  try RandomizedSearchCV(
    Pipeline(StandardScaler(), MLPClassifier(maxIterations: 30, parallelism: .serial)),
    space: [
      "mlpclassifier.hiddenLayerSizes": .choice([[16], [32], [64], [128], [256], [32, 32], [64, 64], [128, 128]]),
      "mlpclassifier.learningRateInit": .logUniform(1e-3, 1e-1),
    ], iterations: iterations, cv: StratifiedKFold(splits: 3), parallelism: .threads(workers), seed: 0)
}

func benchmarkCoresBusy(repeats: Int) throws {
  let digits = try Datasets.digits()
  for workers in [1, 2] {
    var reports: [ExecutionReport] = []
    for _ in 0..<max(1, repeats) { reports.append(try mlpHiddenSizeSearch(workers: workers).fit(digits.x, digits.y).execution) }
    let median = reports.sorted { $0.coresBusy < $1.coresBusy }[reports.count / 2]
    emit([("benchmark", "\"cores_busy\""), ("search", "\"RandomizedSearchCV(MLP hidden sizes,16x3)\""),
          ("workers", "\(workers)"), ("wall_s", String(format: "%.3f", median.wallSeconds)),
          ("busy_s", String(format: "%.3f", median.busySeconds)), ("cores_busy", String(format: "%.4f", median.coresBusy)),
          ("runs", "\(reports.count)")])
  }
}

func benchmarkJournal(repeats: Int) throws {
  let diabetes = try Datasets.diabetes()
  let directory = FileManager.default.temporaryDirectory.path
  // The journal's own cost: ask (a created line) and tell (a finished line), each appended under
  // the lock with fsync after an incremental read, 500 trials on a plain study.
  for run in 0..<max(1, repeats) {
    let path = "\(directory)/learn-bench-ask-tell-\(getpid())-\(run).jsonl"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var numbers = 0
    let (_, took) = try seconds {
      _ = try minimize({ _ in 0 }, space: ["x": .uniform(0, 1)], trials: 500, journal: path, studyName: "ask-tell")
      numbers = 500
    }
    emit([("benchmark", "\"journal_per_trial\""), ("trials", "\(numbers)"), ("wall_s", String(format: "%.4f", took)),
          ("per_trial_ms", String(format: "%.4f", took / Double(numbers) * 1000))])
  }
  for workers in [1, 2] {
    for journaled in [false, true] {
      var times: [Double] = []
      for run in 0..<max(3, repeats) {
        let path = journaled ? "\(directory)/learn-bench-journal-\(getpid())-\(run).jsonl" : nil
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        let search = try GridSearchCV(Ridge(), grid: ["alpha": ridgeAlphas], cv: KFold(splits: 5),
                                      parallelism: .threads(workers), journal: path)
        let (_, took) = try seconds { try search.fit(diabetes.x, diabetes.y) }
        times.append(took)
      }
      let median = times.sorted()[times.count / 2]
      emit([("benchmark", "\"journal\""), ("search", "\"GridSearchCV(Ridge,200x5)\""), ("workers", "\(workers)"),
            ("journal", journaled ? "true" : "false"), ("wall_s", String(format: "%.4f", median)),
            ("per_trial_ms", String(format: "%.4f", median / 200 * 1000))])
    }
  }
  try benchmarkJournalProcesses(repeats: repeats)
}

/// The Ridge-200 grid shared by 1 and 2 processes of one worker each, on one journal: wall time
/// from the first start to the last exit.
func benchmarkJournalProcesses(repeats: Int) throws {
  let directory = FileManager.default.temporaryDirectory.path
  for processes in [1, 2] {
    var times: [Double] = []
    for run in 0..<max(3, repeats) {
      let path = "\(directory)/learn-bench-processes-\(getpid())-\(processes)-\(run).jsonl"
      defer { try? FileManager.default.removeItem(atPath: path) }
      let (_, took) = try seconds {
        let children = try (0..<processes).map { _ -> Process in
          let child = Process()
          child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
          child.arguments = ["journal-worker", path]
          try child.run()
          return child
        }
        for child in children { child.waitUntilExit() }
      }
      times.append(took)
    }
    let median = times.sorted()[times.count / 2]
    emit([("benchmark", "\"journal_processes\""), ("search", "\"GridSearchCV(Ridge,200x5)\""), ("processes", "\(processes)"),
          ("wall_s", String(format: "%.4f", median)), ("per_trial_ms", String(format: "%.4f", median / 200 * 1000))])
  }
}

/// One worker process of `benchmarkJournalProcesses`.
func runJournalWorker(path: String) throws {
  let diabetes = try Datasets.diabetes()
  _ = try GridSearchCV(Ridge(), grid: ["alpha": ridgeAlphas], cv: KFold(splits: 5), parallelism: .serial, journal: path)
    .fit(diabetes.x, diabetes.y)
}
