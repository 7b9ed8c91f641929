"""The least-squares part of the linear family of bench_sklearn.py: Ridge, Lasso, RidgeClassifier
with scikit-learn's defaults (the same names as Sources/Benchmarks/LeastSquaresBenchmarks.swift)."""

from sklearn.linear_model import Lasso, Ridge, RidgeClassifier

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("Ridge", "diabetes", lambda: Ridge(), False),
    ("Ridge", "regression20k", lambda: Ridge(), False),
    ("Lasso", "diabetes", lambda: Lasso(), False),
    ("Lasso", "regression20k", lambda: Lasso(), False),
    ("RidgeClassifier", "digits", lambda: RidgeClassifier(), True),
    ("RidgeClassifier", "synth20k", lambda: RidgeClassifier(), True),
]
