"""The search family of bench_sklearn.py: searches timed as estimators (search + refit)."""

from scipy.stats import randint
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import RandomizedSearchCV

SPACE = {"n_estimators": randint(10, 201), "max_depth": [5, 10, 15, 20, None], "max_features": ["sqrt", "log2"]}

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    (f"RandomizedSearchCV(RF,20x5,n_jobs={workers})", "digits",
     (lambda workers=workers: RandomizedSearchCV(RandomForestClassifier(n_jobs=1), SPACE, n_iter=20, cv=5,
                                                 n_jobs=workers, random_state=0)), True)
    for workers in (1, 2)
]
