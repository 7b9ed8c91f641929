import Learn

/// Benchmarks of linear models fitted by least squares and coordinate descent, with scikit-learn's
/// defaults on both sides (no scaler: the reference script uses none).
let leastSquaresBenchmarks: [EstimatorBenchmark] = [
  regressorBenchmark("linear", "Ridge", on: "diabetes", Ridge()),
  regressorBenchmark("linear", "Ridge", on: "regression20k", Ridge()),
  regressorBenchmark("linear", "Lasso", on: "diabetes", Lasso()),
  regressorBenchmark("linear", "Lasso", on: "regression20k", Lasso()),
  classifierBenchmark("linear", "RidgeClassifier", on: "digits", RidgeClassifier()),
  classifierBenchmark("linear", "RidgeClassifier", on: "synth20k", RidgeClassifier()),
]
