import Learn

/// Benchmarks of LinearSVC (filled in with the estimators).
let linearSVCBenchmarks: [EstimatorBenchmark] = []
