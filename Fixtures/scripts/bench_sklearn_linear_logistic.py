"""The logistic-regression part of the linear family of bench_sklearn.py: the reference setting
make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)) (lbfgs, scikit-learn's defaults)."""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def scaled_logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("LogisticRegression+scaler", "digits", scaled_logistic, True),
    ("LogisticRegression+scaler", "cancer_like", scaled_logistic, True),
    ("LogisticRegression+scaler", "synth20k", scaled_logistic, True),
]
