"""Writes Fixtures/scikit-learn/linear-svc.json: scikit-learn 1.9.1's LinearSVC on iris, scaled
digits and a small generated binary set, for Learn's parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/linear_svc_fixtures.py

Each case records the estimator's settings (in Learn's hyperparameter names), the fitted coef_,
intercept_ and n_iter_, and the predictions and decision function on the test split. "Tight" cases
set tol to 1e-10 (primal) or 1e-8 (dual) so that both libraries reach the optimum itself, which is
unique for the L2 penalty; the dual coordinate descent's random order then cannot move the answer
by more than the tolerance. Default-tolerance cases check that predictions agree.

Splits: iris and digits use train_test_split(test_size=0.25, stratify=y, random_state=0), whose
train and test indices are stored (in scikit-learn's order, which the dual solver's random visits
make irrelevant). Digits are standardised with StandardScaler fitted on the training rows. The
binary set is make_classification(200, 6, n_informative=4, n_redundant=1, flip_y=0.05,
class_sep=0.8, random_state=3), stored in full: rows 0-149 train, 150-199 test.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def split(n, y):
    train, test = train_test_split(np.arange(n), test_size=0.25, stratify=y, random_state=0)
    return train, test


def learn_settings(params):
    """The case's settings under Learn's hyperparameter names and value spellings."""
    dual = params.get("dual", "auto")
    weight = params.get("class_weight")
    if isinstance(weight, dict):
        weight = ",".join(f"{k}:{float(v)}" for k, v in sorted(weight.items()))
    return {
        "penalty": params.get("penalty", "l2"),
        "loss": params.get("loss", "squared_hinge"),
        "dual": dual if isinstance(dual, str) else ("dual" if dual else "primal"),
        "tolerance": params.get("tol", 1e-4),
        "c": params.get("C", 1.0),
        "multiClass": params.get("multi_class", "ovr"),
        "fitIntercept": params.get("fit_intercept", True),
        "interceptScaling": float(params.get("intercept_scaling", 1.0)),
        "classWeight": weight,
        "maxIterations": params.get("max_iter", 1000),
    }


def case(name, dataset, x_train, y_train, x_test, y_test, params, tight):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LinearSVC(random_state=0, **params).fit(x_train, y_train)
    decision = model.decision_function(x_test)
    return {
        "name": name,
        "dataset": dataset,
        "tight": tight,
        "settings": learn_settings(params),
        "coefficients": model.coef_.tolist(),
        "intercepts": np.atleast_1d(model.intercept_).astype(float).tolist(),
        "iterations": int(model.n_iter_),
        "testPredictions": model.predict(x_test).tolist(),
        "testDecision": np.atleast_2d(decision.T).T[:20].ravel().tolist(),
        "testAccuracy": float(model.score(x_test, y_test)),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    iris, digits = load_iris(), load_digits()
    iris_train, iris_test = split(150, iris.target)
    digits_train, digits_test = split(1797, digits.target)
    scaler = StandardScaler().fit(digits.data[digits_train])
    dx_train, dx_test = scaler.transform(digits.data[digits_train]), scaler.transform(digits.data[digits_test])
    bx, by = make_classification(200, 6, n_informative=4, n_redundant=1, flip_y=0.05, class_sep=0.8,
                                 random_state=3)

    data = {
        "iris": (iris.data[iris_train], iris.target[iris_train], iris.data[iris_test], iris.target[iris_test]),
        "digits": (dx_train, digits.target[digits_train], dx_test, digits.target[digits_test]),
        "binary": (bx[:150], by[:150], bx[150:], by[150:]),
    }
    tight_primal = {"tol": 1e-10, "max_iter": 100000}
    tight_dual = {"tol": 1e-8, "max_iter": 100000}
    specs = [
        # (name, dataset, params, tight)
        ("iris-default", "iris", {}, False),
        ("iris-primal", "iris", {"dual": False, **tight_primal}, True),
        ("iris-dual", "iris", {"dual": True, **tight_dual}, True),
        ("iris-hinge", "iris", {"loss": "hinge", "dual": True, **tight_dual}, True),
        ("iris-weighted", "iris", {"dual": False, "class_weight": {0: 2.0, 2: 0.5}, **tight_primal}, True),
        ("iris-balanced-dual", "iris", {"dual": True, "class_weight": "balanced", "C": 0.5, **tight_dual}, True),
        ("iris-l1", "iris", {"penalty": "l1", "dual": False, "C": 0.5, **tight_primal}, True),
        ("iris-crammer-singer", "iris", {"multi_class": "crammer_singer", **tight_dual}, True),
        ("digits-default", "digits", {}, False),
        ("digits-primal", "digits", {"dual": False, **tight_primal}, True),
        ("binary-default", "binary", {}, False),
        ("binary-primal", "binary", {"dual": False, **tight_primal}, True),
        ("binary-dual", "binary", {"dual": True, **tight_dual}, True),
        ("binary-hinge", "binary", {"loss": "hinge", "dual": True, "C": 0.1, **tight_dual}, True),
        ("binary-scaling", "binary", {"dual": False, "intercept_scaling": 10.0, "C": 0.1, **tight_primal}, True),
        ("binary-no-intercept", "binary", {"dual": True, "fit_intercept": False, **tight_dual}, True),
        ("binary-balanced", "binary", {"dual": False, "class_weight": "balanced", **tight_primal}, True),
        ("binary-l1", "binary", {"penalty": "l1", "dual": False, "C": 0.1, **tight_primal}, True),
        ("binary-crammer-singer", "binary", {"multi_class": "crammer_singer", **tight_dual}, True),
    ]
    cases = [case(name, dataset, *data[dataset], params, tight) for name, dataset, params, tight in specs]
    payload = {
        "scikit-learn": sklearn.__version__,
        "script": "Fixtures/scripts/linear_svc_fixtures.py",
        "irisTrain": iris_train.tolist(), "irisTest": iris_test.tolist(),
        "digitsTrain": digits_train.tolist(), "digitsTest": digits_test.tolist(),
        "binaryX": bx.ravel().tolist(), "binaryY": by.tolist(), "binaryFeatures": 6, "binaryTrainCount": 150,
        "cases": cases,
    }
    with open(os.path.join(OUT, "linear-svc.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
