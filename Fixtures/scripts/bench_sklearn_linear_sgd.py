"""The SGD part of the linear family of bench_sklearn.py: scikit-learn's defaults (random_state=0)
behind a StandardScaler, the same pipelines as Sources/Benchmarks/SGDBenchmarks.swift."""

from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("SGDClassifier+scaler", "digits", lambda: make_pipeline(StandardScaler(), SGDClassifier(random_state=0)), True),
    ("SGDClassifier+scaler", "synth20k", lambda: make_pipeline(StandardScaler(), SGDClassifier(random_state=0)), True),
    ("SGDRegressor+scaler", "regression20k", lambda: make_pipeline(StandardScaler(), SGDRegressor(random_state=0)),
     False),
]
