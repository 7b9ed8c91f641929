import Learn

/// Benchmarks of multilayer perceptrons (filled in with the estimators).
let mlpBenchmarks: [EstimatorBenchmark] = []
