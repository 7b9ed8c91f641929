import Learn

/// Benchmarks of kernel SVMs (SVC, SVR) (filled in with the estimators).
let svcBenchmarks: [EstimatorBenchmark] = []
