import Learn

/// Benchmarks of logistic regression (filled in with the estimators).
let logisticBenchmarks: [EstimatorBenchmark] = []
