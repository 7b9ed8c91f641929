import Learn

/// Benchmarks of SGD classifiers and regressors: scikit-learn's defaults (seed 0) behind a
/// `StandardScaler`, as in Fixtures/scripts/bench_sklearn_linear_sgd.py.
let sgdBenchmarks: [EstimatorBenchmark] = [
  classifierBenchmark("linear", "SGDClassifier+scaler", on: "digits",
                      Pipeline(StandardScaler(), SGDClassifier(seed: 0))),
  classifierBenchmark("linear", "SGDClassifier+scaler", on: "synth20k",
                      Pipeline(StandardScaler(), SGDClassifier(seed: 0))),
  regressorBenchmark("linear", "SGDRegressor+scaler", on: "regression20k",
                     Pipeline(StandardScaler(), SGDRegressor(seed: 0))),
]
