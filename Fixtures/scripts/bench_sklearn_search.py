"""The search family of bench_sklearn.py: searches timed as estimators (search + refit)."""

from scipy.stats import randint
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC

GRID = {"C": [0.1, 1, 10, 100], "gamma": [1e-4, 1e-3, 1e-2, 1e-1]}
SPACE = {"n_estimators": randint(10, 201), "max_depth": [5, 10, 15, 20, None], "max_features": ["sqrt", "log2"]}

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    (f"GridSearchCV(SVC,16x5,n_jobs={workers})", "digits",
     (lambda workers=workers: GridSearchCV(SVC(), GRID, cv=5, n_jobs=workers)), True)
    for workers in (1, 2)
] + [
    (f"RandomizedSearchCV(RF,20x5,n_jobs={workers})", "digits",
     (lambda workers=workers: RandomizedSearchCV(RandomForestClassifier(n_jobs=1), SPACE, n_iter=20, cv=5,
                                                 n_jobs=workers, random_state=0)), True)
    for workers in (1, 2)
] + [
    # Learn evaluates these same 20 draws (random_state=0) as a list of one-point grids.
    (f"RandomizedSearchCV(RF,20x5,n_jobs={workers},same draws)", "digits",
     (lambda workers=workers: RandomizedSearchCV(RandomForestClassifier(n_jobs=1), SPACE, n_iter=20, cv=5,
                                                 n_jobs=workers, random_state=0)), True)
    for workers in (1, 2)
] + [
    # Engine overhead: 200 cheap candidates x 5 folds.
    (f"GridSearchCV(Ridge,200x5,n_jobs={workers})", "diabetes",
     (lambda workers=workers: GridSearchCV(Ridge(), {"alpha": np.logspace(-4, 4, 200)}, cv=5, n_jobs=workers)), False)
    for workers in (1, 2)
]
