"""The dummy family of bench_sklearn.py (checks the machinery end to end)."""

from sklearn.dummy import DummyClassifier, DummyRegressor

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("DummyClassifier(prior)", "digits", lambda: DummyClassifier(), True),
    ("DummyRegressor(mean)", "diabetes", lambda: DummyRegressor(), False),
]
