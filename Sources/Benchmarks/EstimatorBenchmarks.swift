// Estimator benchmarks: fit on a dataset's training rows, predict its test rows, score, and print
// one JSON line per (estimator, dataset). The data are the CSVs Fixtures/scripts/benchmark_data.py
// writes to .build/benchmark-data/, which the scikit-learn scripts read too, so both sides fit the
// same rows. Timing protocol, as in shared/reference/anchors.md: one timed run; if the fit took
// under 0.5 s, seven runs, otherwise three; the median is reported.

import Foundation
import Learn

/// One timed fit/predict/score of an estimator on a benchmark dataset.
struct EstimatorBenchmark: Sendable {
  /// The model family, used to select benchmarks: "dummy", "linear", "svm", "trees", "mlp".
  let family: String
  /// The estimator as reported (the same string as the scikit-learn script's).
  let estimator: String
  /// The dataset name (a pair of CSVs in the benchmark data folder).
  let dataset: String
  /// Runs one fit, predict and score; returns (fit seconds, predict seconds, score).
  let run: @Sendable () throws -> (fit: Double, predict: Double, score: Double)
  /// "accuracy" or "r2".
  let metric: String
}

/// The folder of benchmark CSVs: `$LEARN_BENCHMARK_DATA` or `.build/benchmark-data` of the checkout.
let benchmarkDataDirectory: String = {
  if let path = ProcessInfo.processInfo.environment["LEARN_BENCHMARK_DATA"] { return path }
  return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".build/benchmark-data").path
}()

/// Reads `<name>_train.csv` and `<name>_test.csv`.
func benchmarkData<T: CSVTarget>(_ name: String, as _: T.Type) throws -> (train: Dataset<T>, test: Dataset<T>) {
  let train = try Dataset<T>.readCSV("\(benchmarkDataDirectory)/\(name)_train.csv", target: "target")
  let test = try Dataset<T>.readCSV("\(benchmarkDataDirectory)/\(name)_test.csv", target: "target")
  return (train, test)
}

/// Seconds taken by `body`.
func seconds<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = DispatchTime.now().uptimeNanoseconds
  let value = try body()
  return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// A classifier benchmark scored by accuracy.
func classifierBenchmark<E: Estimator>(_ family: String, _ name: String, on dataset: String, _ estimator: E)
  -> EstimatorBenchmark where E.Target == Int, E.Fitted: ClassifierModel
{
  EstimatorBenchmark(family: family, estimator: name, dataset: dataset, run: {
    let (train, test) = try benchmarkData(dataset, as: Int.self)
    let (model, fit) = try seconds { try estimator.fit(train.x, train.y) }
    let (predicted, predict) = try seconds { try model.predict(test.x) }
    return (fit, predict, try accuracy(test.y, predicted))
  }, metric: "accuracy")
}

/// A regressor benchmark scored by R².
func regressorBenchmark<E: Estimator>(_ family: String, _ name: String, on dataset: String, _ estimator: E)
  -> EstimatorBenchmark where E.Target == Double, E.Fitted: RegressorModel
{
  EstimatorBenchmark(family: family, estimator: name, dataset: dataset, run: {
    let (train, test) = try benchmarkData(dataset, as: Double.self)
    let (model, fit) = try seconds { try estimator.fit(train.x, train.y) }
    let (predicted, predict) = try seconds { try model.predict(test.x) }
    return (fit, predict, try r2Score(test.y, predicted))
  }, metric: "r2")
}

/// The dummy family: checks the machinery end to end.
let dummyBenchmarks: [EstimatorBenchmark] = [
  classifierBenchmark("dummy", "DummyClassifier(prior)", on: "digits", DummyClassifier()),
  regressorBenchmark("dummy", "DummyRegressor(mean)", on: "diabetes", DummyRegressor()),
]

/// Every registered benchmark; each family adds its list here.
let allEstimatorBenchmarks: [EstimatorBenchmark] =
  dummyBenchmarks + leastSquaresBenchmarks + logisticBenchmarks + sgdBenchmarks + svcBenchmarks + linearSVCBenchmarks
  + treeBenchmarks + mlpBenchmarks + searchBenchmarks + oneDALBenchmarks

/// Runs the benchmarks of `family` (or all), printing a JSON line each: the median of `runs` runs
/// when given, else of 7 (a fit under 0.5 s) or 3.
func runEstimatorBenchmarks(family: String?, only estimator: String?, runs fixedRuns: Int? = nil) throws {
  // The onedal family repeats other families' rows on fixed thread counts: only when asked for.
  let selected = allEstimatorBenchmarks.filter {
    (family == nil ? $0.family != "onedal" : $0.family == family) && (estimator == nil || $0.estimator == estimator)
  }
  guard !selected.isEmpty else {
    let families = Set(allEstimatorBenchmarks.map(\.family)).sorted().joined(separator: ", ")
    throw LearnError.invalidArgument(name: "--family", reason: "no benchmarks selected; families are \(families)")
  }
  for benchmark in selected {
    var first = try benchmark.run()
    var runs = [first]
    let count = fixedRuns ?? (first.fit < 0.5 ? 7 : 3)
    for _ in 1..<Swift.max(1, count) { runs.append(try benchmark.run()) }
    first = runs[0]
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    emit([("benchmark", "\"estimator\""), ("family", "\"\(benchmark.family)\""),
          ("estimator", "\"\(benchmark.estimator)\""), ("dataset", "\"\(benchmark.dataset)\""),
          ("fit_ms", String(format: "%.3f", median(runs.map(\.fit)) * 1000)),
          ("predict_ms", String(format: "%.3f", median(runs.map(\.predict)) * 1000)),
          ("metric", "\"\(benchmark.metric)\""), ("score", String(format: "%.6f", first.score)),
          ("runs", "\(runs.count)")])
  }
}
