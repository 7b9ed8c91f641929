import Learn

/// Benchmarks of kernel SVMs (family "svm"): standardised features, then scikit-learn's defaults
/// (C = 1, gamma "scale", tolerance 1e-3, a 200 MB kernel cache), as in
/// `Fixtures/scripts/bench_sklearn_svm_kernel.py`.
let svcBenchmarks: [EstimatorBenchmark] = [
  classifierBenchmark("svm", "SVC(rbf)+scaler", on: "digits", Pipeline(StandardScaler(), SVC(kernel: .rbf))),
  classifierBenchmark("svm", "SVC(linear)+scaler", on: "digits", Pipeline(StandardScaler(), SVC(kernel: .linear))),
  classifierBenchmark("svm", "SVC(rbf)+scaler", on: "synth20k", Pipeline(StandardScaler(), SVC(kernel: .rbf))),
  classifierBenchmark("svm", "SVC(linear)+scaler", on: "synth20k", Pipeline(StandardScaler(), SVC(kernel: .linear))),
  regressorBenchmark("svm", "SVR(rbf)+scaler", on: "diabetes", Pipeline(StandardScaler(), SVR(kernel: .rbf))),
]

