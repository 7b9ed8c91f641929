#!/usr/bin/env python3
"""Fixture for RidgeCV's gradient search of alpha (issue 18): the closed-form leave-one-out
error of ridge regression with an intercept, minimised over log(alpha) by scipy's
minimize_scalar (bounded) on diabetes and on a generated set, with scikit-learn's RidgeCV
leave-one-out errors on a grid to check the criterion itself.

    python3 Fixtures/scripts/ridge_loo_alpha.py   # writes Fixtures/evolution/ridge_loo.json
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize_scalar
from sklearn.datasets import load_diabetes, make_regression
from sklearn.linear_model import RidgeCV

LOWER, UPPER = 1e-6, 1e6
GRID = [1e-4, 1e-2, 1.0, 10.0, 100.0]


def loo_error(x, y, alpha):
    """Mean squared leave-one-out residual of ridge with an unpenalised intercept."""
    n = len(y)
    xc, yc = x - x.mean(axis=0), y - y.mean()
    h = xc @ np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T) + 1.0 / n
    residual = yc - (h - 1.0 / n) @ yc
    return float(np.mean((residual / (1 - np.diag(h))) ** 2))


def case(name, x, y):
    evaluations = []

    def objective(t):
        evaluations.append(t)
        return loo_error(x, y, np.exp(t))

    result = minimize_scalar(objective, bounds=(np.log(LOWER), np.log(UPPER)), method="bounded",
                             options={"xatol": 1e-10})
    model = RidgeCV(alphas=GRID, store_cv_results=True).fit(x, y)
    return {
        "name": name, "x": x.tolist(), "y": y.tolist(), "lower": LOWER, "upper": UPPER,
        "scipy_alpha": float(np.exp(result.x)), "scipy_criterion": float(result.fun),
        "scipy_evaluations": len(evaluations),
        "grid": GRID, "sklearn_grid_criteria": model.cv_results_.mean(axis=0).tolist(),
        "sklearn_alpha": float(model.alpha_),
    }


def main():
    diabetes = load_diabetes()
    x, y = make_regression(n_samples=120, n_features=30, n_informative=10, noise=20.0, random_state=0)
    cases = [case("diabetes", diabetes.data, diabetes.target.astype(float)), case("generated", x, y)]
    out = {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(__file__), "..", "evolution", "ridge_loo.json")
    with open(path, "w") as handle:
        json.dump(out, handle)
    for c in cases:
        print(c["name"], c["scipy_alpha"], c["scipy_criterion"], c["scipy_evaluations"], c["sklearn_alpha"])


if __name__ == "__main__":
    main()
