"""The LinearSVC part of the svm family of bench_sklearn.py: standardised features, then
scikit-learn's defaults (dual="auto", which picks liblinear's primal trust-region Newton solver on
both datasets since samples outnumber features)."""

from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("LinearSVC+scaler", dataset, lambda: make_pipeline(StandardScaler(), LinearSVC(random_state=0)), True)
    for dataset in ("digits", "synth20k")
]
