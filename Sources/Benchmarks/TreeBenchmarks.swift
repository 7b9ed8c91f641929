import Learn

/// Benchmarks of decision trees and forests (filled in with the estimators).
let treeBenchmarks: [EstimatorBenchmark] = []
