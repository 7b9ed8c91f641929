import Learn

/// Benchmarks of SGD classifiers and regressors (filled in with the estimators).
let sgdBenchmarks: [EstimatorBenchmark] = []
