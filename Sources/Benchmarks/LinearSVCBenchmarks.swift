import Learn

/// Benchmarks of LinearSVC (family "svm"): standardised features, then scikit-learn's defaults
/// (`dual: .auto`, which picks the primal solver on both datasets since samples outnumber features).
let linearSVCBenchmarks: [EstimatorBenchmark] = ["digits", "synth20k"].map { dataset in
  classifierBenchmark("svm", "LinearSVC+scaler", on: dataset, Pipeline(StandardScaler(), LinearSVC()))
}
