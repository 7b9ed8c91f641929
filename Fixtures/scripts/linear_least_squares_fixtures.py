"""Writes Fixtures/scikit-learn/linear-least-squares.json: scikit-learn 1.9.1's LinearRegression,
Ridge, RidgeClassifier, Lasso and ElasticNet on the built-in datasets and on small generated data,
for Learn's parity tests (Tests/LinearModelsTests/{LeastSquaresTests,CoordinateDescentTests}.swift).

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/linear_least_squares_fixtures.py

Generated inputs are stored in the file (rows of x and y), so Swift fits the same numbers. Splits
of the built-in datasets are stored as row indices.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge, RidgeClassifier
from sklearn.model_selection import train_test_split

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def floats(a):
    return [float(v) for v in np.ravel(a)]


def generated():
    """Small regression problems: rank-deficient, wide (n < p), and sparse wide for the lasso."""
    rng = np.random.RandomState(0)
    x = rng.randn(40, 6)
    x[:, 4] = x[:, 0] + 2 * x[:, 1]  # dependent column
    x[:, 5] = x[:, 2]  # duplicated column
    y = x[:, :4] @ np.array([1.5, -2.0, 0.5, 3.0]) + 0.1 * rng.randn(40) + 4.0
    rank_deficient = {"x": x.tolist(), "y": y.tolist()}
    x = rng.randn(12, 25)
    y = x[:, :3] @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.randn(12) - 1.0
    wide = {"x": x.tolist(), "y": y.tolist()}
    x = rng.randn(30, 60)
    y = x[:, :5] @ np.array([3.0, -2.0, 1.5, 0.0, 1.0]) + 0.2 * rng.randn(30) + 2.0
    sparse_wide = {"x": x.tolist(), "y": y.tolist()}
    return {"rankDeficient": rank_deficient, "wide": wide, "sparseWide": sparse_wide}


def regression_data(name, inputs):
    if name == "diabetes":
        d = load_diabetes()
        return d.data, d.target
    if name == "irisPetalWidth":
        d = load_iris()
        return d.data[:, :3], d.data[:, 3]
    return np.array(inputs[name]["x"]), np.array(inputs[name]["y"])


def main():
    os.makedirs(OUT, exist_ok=True)
    warnings.simplefilter("ignore")
    inputs = generated()
    diabetes = load_diabetes()
    train, test = train_test_split(np.arange(len(diabetes.target)), test_size=0.25, random_state=0)
    train, test = np.sort(train), np.sort(test)

    linear = []
    for data, fit_intercept in (("diabetes", True), ("irisPetalWidth", True), ("rankDeficient", True),
                                ("rankDeficient", False), ("wide", True), ("wide", False)):
        x, y = regression_data(data, inputs)
        m = LinearRegression(fit_intercept=fit_intercept).fit(x, y)
        linear.append({"data": data, "fitIntercept": fit_intercept, "coefficients": floats(m.coef_),
                       "intercept": float(m.intercept_), "rank": int(m.rank_),
                       "predictions": floats(m.predict(x[:5]))})

    ridge = []
    for data, alpha, solver, fit_intercept in (
            ("diabetes", 1.0, "auto", True), ("diabetes", 0.01, "cholesky", True), ("diabetes", 0.01, "svd", True),
            ("diabetes", 0.0, "svd", True), ("diabetes", 0.5, "auto", False), ("irisPetalWidth", 1.0, "auto", True),
            ("rankDeficient", 0.5, "auto", True), ("rankDeficient", 0.5, "svd", True),
            ("wide", 1.0, "auto", True), ("wide", 1.0, "svd", True), ("wide", 0.1, "cholesky", False)):
        x, y = regression_data(data, inputs)
        m = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept).fit(x, y)
        ridge.append({"data": data, "alpha": alpha, "solver": solver, "fitIntercept": fit_intercept,
                      "coefficients": floats(m.coef_), "intercept": float(m.intercept_),
                      "solverUsed": m.solver_, "predictions": floats(m.predict(x[:5]))})

    digits = load_digits()
    d_train, d_test = train_test_split(np.arange(len(digits.target)), test_size=0.25, stratify=digits.target,
                                       random_state=0)
    d_train, d_test = np.sort(d_train), np.sort(d_test)
    classifiers = []
    for name, alpha, solver, class_weight in (("uniform", 1.0, "auto", None), ("svd", 1.0, "svd", None),
                                              ("balanced", 10.0, "auto", "balanced")):
        m = RidgeClassifier(alpha=alpha, solver=solver, class_weight=class_weight).fit(
            digits.data[d_train], digits.target[d_train])
        classifiers.append({"name": name, "data": "digits", "alpha": alpha, "solver": solver,
                            "classWeight": class_weight or "uniform",
                            "coefficients": floats(m.coef_), "intercepts": floats(m.intercept_),
                            "testPredictions": m.predict(digits.data[d_test]).tolist(),
                            "decisionHead": floats(m.decision_function(digits.data[d_test][:5]))})
    # Binary, imbalanced: iris rows 50..119 (50 versicolor, 20 virginica), labels 1 and 2.
    iris = load_iris()
    xb, yb = iris.data[50:120], iris.target[50:120]
    for name, class_weight in (("binaryUniform", None), ("binaryBalanced", "balanced"),
                               ("binaryCustom", {1: 1.0, 2: 3.0})):
        m = RidgeClassifier(alpha=1.0, class_weight=class_weight).fit(xb, yb)
        cw = "uniform" if class_weight is None else (
            class_weight if isinstance(class_weight, str) else ",".join(f"{k}:{v}" for k, v in class_weight.items()))
        classifiers.append({"name": name, "data": "iris50to120", "alpha": 1.0, "solver": "auto", "classWeight": cw,
                            "coefficients": floats(m.coef_), "intercepts": floats(m.intercept_),
                            "testPredictions": m.predict(xb).tolist(),
                            "decisionHead": floats(m.decision_function(xb[:5]))})

    descent = []
    cases = [
        ("lasso", "diabetesSplit", {"alpha": 1.0}),
        ("lasso", "diabetesSplit", {"alpha": 0.1}),
        ("lasso", "diabetesSplit", {"alpha": 0.01}),
        ("lasso", "diabetesSplit", {"alpha": 0.1, "positive": True}),
        ("lasso", "diabetesSplit", {"alpha": 0.1, "fit_intercept": False}),
        ("lasso", "diabetesSplit", {"alpha": 0.01, "max_iter": 3, "tol": 1e-12}),
        ("lasso", "diabetesSplit", {"alpha": 0.01, "tol": 1e-10, "selection": "random", "random_state": 0}),
        ("elasticnet", "diabetesSplit", {"alpha": 0.01, "l1_ratio": 0.7}),
        ("elasticnet", "diabetesSplit", {"alpha": 0.001, "l1_ratio": 0.0}),
        ("elasticnet", "diabetesSplit", {"alpha": 0.05, "l1_ratio": 0.3, "positive": True}),
        ("lasso", "sparseWide", {"alpha": 0.1}),
        ("elasticnet", "sparseWide", {"alpha": 0.1, "l1_ratio": 0.5}),
        ("lasso", "irisPetalWidth", {"alpha": 0.05}),
    ]
    for kind, data, params in cases:
        if data == "diabetesSplit":
            x_train, y_train = diabetes.data[train], diabetes.target[train]
            x_test = diabetes.data[test]
        else:
            x_train, y_train = regression_data(data, inputs)
            x_test = x_train[:5]
        m = (Lasso if kind == "lasso" else ElasticNet)(**params).fit(x_train, y_train)
        descent.append({"estimator": kind, "data": data, "alpha": params["alpha"],
                        "l1Ratio": params.get("l1_ratio", 1.0 if kind == "lasso" else 0.5),
                        "fitIntercept": params.get("fit_intercept", True), "positive": params.get("positive", False),
                        "maxIterations": params.get("max_iter", 1000), "tolerance": params.get("tol", 1e-4),
                        "selection": params.get("selection", "cyclic"),
                        "coefficients": floats(m.coef_), "intercept": float(m.intercept_),
                        "dualGap": float(m.dual_gap_), "iterations": int(m.n_iter_),
                        "testPredictions": floats(m.predict(x_test))})

    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/linear_least_squares_fixtures.py",
               "inputs": inputs, "diabetesTrain": train.tolist(), "diabetesTest": test.tolist(),
               "digitsTrain": d_train.tolist(), "digitsTest": d_test.tolist(),
               "linearRegression": linear, "ridge": ridge, "ridgeClassifier": classifiers,
               "coordinateDescent": descent}
    with open(os.path.join(OUT, "linear-least-squares.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
