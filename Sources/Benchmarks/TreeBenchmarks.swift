import Learn

/// Benchmarks of decision trees and forests (family "trees"); the names match
/// Fixtures/scripts/bench_sklearn_trees.py. `n_jobs=1` is `.serial`, `n_jobs=2` is `.threads(2)`.
let treeBenchmarks: [EstimatorBenchmark] = [
  classifierBenchmark("trees", "DecisionTreeClassifier", on: "digits", DecisionTreeClassifier()),
  classifierBenchmark("trees", "DecisionTreeClassifier", on: "synth20k", DecisionTreeClassifier()),
  classifierBenchmark("trees", "RandomForestClassifier(100,n_jobs=1)", on: "digits",
                      RandomForestClassifier(nEstimators: 100, parallelism: .serial)),
  classifierBenchmark("trees", "RandomForestClassifier(100,n_jobs=2)", on: "digits",
                      RandomForestClassifier(nEstimators: 100, parallelism: .threads(2))),
  classifierBenchmark("trees", "RandomForestClassifier(100,n_jobs=1)", on: "synth20k",
                      RandomForestClassifier(nEstimators: 100, parallelism: .serial)),
  classifierBenchmark("trees", "RandomForestClassifier(100,n_jobs=2)", on: "synth20k",
                      RandomForestClassifier(nEstimators: 100, parallelism: .threads(2))),
  regressorBenchmark("trees", "RandomForestRegressor(100,n_jobs=2)", on: "diabetes",
                     RandomForestRegressor(nEstimators: 100, parallelism: .threads(2))),
]
