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
}
