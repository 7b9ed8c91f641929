import Foundation
import Learn

// The "onedal" family (issue 20): the forests, SVC and logistic regression that Intel's
// scikit-learn-intelex (oneDAL) accelerates, on digits and synth20k, each on 1 and on 2 threads
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
  }
}
