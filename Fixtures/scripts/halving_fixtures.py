"""Writes Fixtures/scikit-learn/halving.json: scikit-learn 1.9.1's HalvingGridSearchCV over a
deterministic estimator (SGDRegressor with shuffle=False and tol=None, so a fit is a pure function
of its data and hyperparameters) with the resource in training units (`max_iter`), scored by R²
(continuous scores: no ties at the cut). Learn's HalvingSearchCV must keep the same candidates at
every iteration and pick the same best one.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/halving_fixtures.py

Each case records the data, the grid (Learn's names), the settings, and scikit-learn's
n_candidates_, n_resources_, the candidates of every iteration (as sorted lists of their
parameters), every (iteration, candidate) mean test score, best_params_ and best_score_.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import HalvingGridSearchCV, KFold
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")

CASES = [
    # 24 candidates, factor 3, min "exhaust": iterations 24×3, 8×9, 3×27.
    {"name": "exhaust", "grid": {"alpha": [1e-4, 1e-3, 1e-2, 1e-1], "eta0": [0.002, 0.005, 0.01, 0.02, 0.05, 0.1]},
     "factor": 3, "max_resources": 27, "min_resources": "exhaust", "aggressive_elimination": False},
    # 30 candidates, factor 2, a budget too small for them: aggressive elimination repeats the
    # first budget (1, 1, 1, 2, 4).
    {"name": "aggressive", "grid": {"alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "eta0": [0.002, 0.005, 0.01, 0.02, 0.05, 0.1]},
     "factor": 2, "max_resources": 6, "min_resources": 1, "aggressive_elimination": True},
    # The same without aggressive elimination: it stops when the budget runs out (3 iterations).
    {"name": "budget_bound", "grid": {"alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "eta0": [0.002, 0.005, 0.01, 0.02, 0.05, 0.1]},
     "factor": 2, "max_resources": 6, "min_resources": 1, "aggressive_elimination": False},
]


def data():
    x, y = make_regression(120, 6, n_informative=4, noise=10.0, random_state=4)
    return StandardScaler().fit_transform(x), y / 50


def params_key(params):
    return {name: float(params[name]) for name in sorted(params) if name != "max_iter"}


def run(case, x, y):
    search = HalvingGridSearchCV(
        SGDRegressor(shuffle=False, tol=None, random_state=0), case["grid"], factor=case["factor"], resource="max_iter",
        max_resources=case["max_resources"], min_resources=case["min_resources"],
        aggressive_elimination=case["aggressive_elimination"], cv=KFold(5), scoring="r2", refit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        search.fit(x, y)
    results = search.cv_results_
    iterations = []
    scores = []
    for itr in range(search.n_iterations_):
        rows = [i for i, it in enumerate(results["iter"]) if it == itr]
        iterations.append(sorted((params_key(results["params"][i]) for i in rows), key=lambda p: json.dumps(p, sort_keys=True)))
        for i in rows:
            scores.append({"iter": itr, "params": params_key(results["params"][i]),
                           "mean_test_score": float(results["mean_test_score"][i])})
    return {
        "name": case["name"], "grid": case["grid"], "factor": case["factor"], "max_resources": case["max_resources"],
        "min_resources": case["min_resources"], "aggressive_elimination": case["aggressive_elimination"],
        "n_candidates": [int(n) for n in search.n_candidates_], "n_resources": [int(n) for n in search.n_resources_],
        "n_required_iterations": int(search.n_required_iterations_),
        "n_possible_iterations": int(search.n_possible_iterations_),
        "min_resources_": int(search.min_resources_), "iterations": iterations, "scores": scores,
        "best_params": params_key(search.best_params_), "best_score": float(search.best_score_),
    }


def main():
    x, y = data()
    out = {"sklearn_version": sklearn.__version__, "x": x.tolist(), "y": y.tolist(),
           "estimator": {"shuffle": False, "tolerance": "none", "seed": 0}, "folds": 5,
           "cases": [run(case, x, y) for case in CASES]}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "halving.json"), "w") as f:
        json.dump(out, f)
    for case in out["cases"]:
        print(case["name"], case["n_candidates"], case["n_resources"], case["best_params"], case["best_score"])


if __name__ == "__main__":
    main()
