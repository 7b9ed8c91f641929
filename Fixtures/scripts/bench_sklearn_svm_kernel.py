"""The kernel-SVM part of the svm family of bench_sklearn.py: standardised features, then
scikit-learn's SVC (RBF and linear kernels) and SVR (RBF) with their defaults (C=1,
gamma="scale", tol=1e-3, cache_size=200)."""

from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("SVC(rbf)+scaler", "digits", lambda: make_pipeline(StandardScaler(), SVC(kernel="rbf")), True),
    ("SVC(linear)+scaler", "digits", lambda: make_pipeline(StandardScaler(), SVC(kernel="linear")), True),
    ("SVC(rbf)+scaler", "synth20k", lambda: make_pipeline(StandardScaler(), SVC(kernel="rbf")), True),
    ("SVC(linear)+scaler", "synth20k", lambda: make_pipeline(StandardScaler(), SVC(kernel="linear")), True),
    ("SVR(rbf)+scaler", "diabetes", lambda: make_pipeline(StandardScaler(), SVR(kernel="rbf")), False),
]
