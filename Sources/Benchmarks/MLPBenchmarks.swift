import Learn

/// Benchmarks of multilayer perceptrons (family "mlp"): scikit-learn's defaults (one hidden layer
/// of 100 relu units, Adam, up to 200 epochs) on standardised features, seed 0 on both sides.
/// `Fixtures/scripts/bench_sklearn_mlp.py` times the same pipeline in scikit-learn.
let mlpBenchmarks: [EstimatorBenchmark] = ["digits", "synth20k"].map { dataset in
  classifierBenchmark("mlp", "MLPClassifier((100,),max_iter=200)+scaler", on: dataset,
                      Pipeline(StandardScaler(), MLPClassifier(hiddenLayerSizes: [100], maxIterations: 200)))
}
