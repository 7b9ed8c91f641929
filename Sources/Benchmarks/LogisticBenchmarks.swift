import Learn

/// Benchmarks of logistic regression: scikit-learn's reference setting
/// `make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))` on both sides.
let logisticBenchmarks: [EstimatorBenchmark] = [
  classifierBenchmark(
    "linear", "LogisticRegression+scaler", on: "digits", Pipeline(StandardScaler(), LogisticRegression(maxIterations: 1000))),
  classifierBenchmark(
    "linear", "LogisticRegression+scaler", on: "cancer_like",
    Pipeline(StandardScaler(), LogisticRegression(maxIterations: 1000))),
  classifierBenchmark(
    "linear", "LogisticRegression+scaler", on: "synth20k",
    Pipeline(StandardScaler(), LogisticRegression(maxIterations: 1000))),
]
