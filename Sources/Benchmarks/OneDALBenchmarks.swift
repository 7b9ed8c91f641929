import Foundation
import Learn

// The "onedal" family (issue 20): the forests, SVC and logistic regression that Intel's
// scikit-learn-intelex (oneDAL) accelerates, on digits and synth20k, and 5-fold grid searches over
// each on digits, every row on 1 and on 2 threads
// (every parallel loop of the fit and the prediction capped by the job context). The names match
// Fixtures/scripts/bench_sklearnex.py; `compare_benchmarks.py onedal` interleaves the two sides
// round by round:
//
//   swift run -c release Benchmarks estimators --family onedal --runs 1

/// One benchmark of the family on `threads` threads.
private func onThreads(_ threads: Int, _ benchmark: EstimatorBenchmark) -> EstimatorBenchmark {
  EstimatorBenchmark(
    family: "onedal", estimator: benchmark.estimator + " [\(threads) thread\(threads == 1 ? "" : "s")]", dataset: benchmark.dataset,
    run: { try JobContext.with(JobContext(maxThreads: threads)) { try benchmark.run() } }, metric: benchmark.metric)
}

/// Forests (exact and histogram splits), SVC (RBF) and logistic regression on digits and synth20k,
/// on 1 and 2 threads.
let oneDALBenchmarks: [EstimatorBenchmark] = [1, 2].flatMap { threads in
  ["digits", "synth20k"].flatMap { dataset in
    [
      classifierBenchmark("onedal", "RandomForestClassifier(100)", on: dataset,
                          RandomForestClassifier(nEstimators: 100, parallelism: .threads(threads))),
      // The histogram splitter, against oneDAL's (which bins to 256 as well): compared with the
      // sklearnex row of the same name without " maxBins 256".
      classifierBenchmark("onedal", "RandomForestClassifier(100) maxBins 256", on: dataset,
                          RandomForestClassifier(nEstimators: 100, maxBins: 256, parallelism: .threads(threads))),
      classifierBenchmark("onedal", "SVC(rbf)+scaler", on: dataset, Pipeline(StandardScaler(), SVC(kernel: .rbf))),
      classifierBenchmark("onedal", "LogisticRegression+scaler", on: dataset,
                          Pipeline(StandardScaler(), LogisticRegression(maxIterations: 1000))),
    ].map { onThreads(threads, $0) }
  } + oneDALSearches.map { onThreads(threads, $0) }
}

/// 5-fold grid searches (stratified, unshuffled; refit included) on digits, over each estimator of
/// the family: the SVC grid of the search family on the raw pixels, the forest's `maxFeatures`, and
/// the logistic regression's C behind the scaler. Candidates run on the job's threads, each fit
/// serially.
let oneDALSearches: [EstimatorBenchmark] = [
  classifierBenchmark("onedal", "GridSearchCV(SVC,16x5)", on: "digits",
                      try! GridSearchCV(SVC(parallelism: .serial), grid: svcGrid, cv: StratifiedKFold(splits: 5))),
  classifierBenchmark("onedal", "GridSearchCV(RF100,maxFeatures,2x5)", on: "digits",
                      try! GridSearchCV(RandomForestClassifier(nEstimators: 100, parallelism: .serial),
                                        grid: ["maxFeatures": ["sqrt", "log2"]], cv: StratifiedKFold(splits: 5))),
  classifierBenchmark("onedal", "GridSearchCV(LogisticRegression+scaler,C,3x5)", on: "digits",
                      try! GridSearchCV(Pipeline(StandardScaler(), LogisticRegression(maxIterations: 1000)),
                                        grid: ["logisticregression.c": [0.1, 1, 10]], cv: StratifiedKFold(splits: 5))),
]

/// `Benchmarks forest-bins [--seeds 0-4] [--datasets synth20k,digits]`: test accuracy of
/// 100-tree random forests with exact splits and with the histogram splitter (`maxBins: 256`),
/// seed by seed, and the fit time of each (both cores).
func runForestBinBenchmarks(arguments: [String]) throws {
  let datasets = (option("--datasets", in: arguments) ?? "synth20k").split(separator: ",").map(String.init)
  for dataset in datasets {
    let (train, test) = try benchmarkData(dataset, as: Int.self)
    for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-4") {
      for maxBins in [nil, 256] as [Int?] {
        let forest = RandomForestClassifier(nEstimators: 100, maxBins: maxBins, seed: seed)
        let (model, fit) = try seconds { try forest.fit(train.x, train.y) }
        emit([("benchmark", "\"forest-bins\""), ("dataset", "\"\(dataset)\""), ("seed", "\(seed)"),
              ("max_bins", maxBins.map(String.init) ?? "null"), ("fit_ms", String(format: "%.1f", fit * 1000)),
              ("accuracy", "\(try accuracy(test.y, model.predict(test.x)))")])
      }
    }
  }
}
