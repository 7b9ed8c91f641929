import Learn

/// Benchmarks of linear models fitted by least squares and coordinate descent (filled in with the estimators).
let leastSquaresBenchmarks: [EstimatorBenchmark] = []
