"""Writes Fixtures/scikit-learn/logistic.json: scikit-learn 1.9.1's LogisticRegression (lbfgs) and
scipy's L-BFGS-B, for Learn's LogisticRegressionTests and LBFGSTests.

    pip install scikit-learn==1.9.1 scipy && python3 Fixtures/scripts/logistic_fixtures.py

Each logistic case names its data (a built-in dataset and row indices, or a small generated set
stored inline), a stratified train/test split, the hyperparameters, and what scikit-learn fitted on
the training rows: coef_ (row-major, 1 row for two classes), intercept_, n_iter_, the objective
value at the solution (LinearModelLoss with l2_reg_strength = 1 / (C * sum of sample weights)),
and predictions, probabilities and decision values on the test rows.

"lbfgs" holds scipy.optimize.minimize(method="L-BFGS-B", jac=True) runs without bounds on test
functions, with the iteration and evaluation counts, for the minimiser's own tests.
"""

import json
import os
import warnings

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def generated():
    """A small, noisy, imbalanced binary set (stored inline) and a 3-class one."""
    x, y = make_classification(n_samples=200, n_features=6, n_informative=4, n_redundant=1, flip_y=0.1,
                               weights=[0.7], random_state=3)
    x3, y3 = make_classification(n_samples=180, n_features=5, n_informative=4, n_redundant=0, n_classes=3,
                                 n_clusters_per_class=1, flip_y=0.05, random_state=7)
    # Labels other than 0, 1, 2 exercise the class encoding.
    return (np.round(x, 6), y), (np.round(x3, 6), np.array([-1, 4, 9])[y3])


def objective(model, x, y, sample_weight):
    """The objective L-BFGS minimises in scikit-learn 1.9 at the fitted coefficients."""
    from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss

    classes = model.classes_
    binary = len(classes) == 2
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    c = np.inf if model.C == np.inf else model.C
    l2 = 0.0 if c == np.inf else 1.0 / (c * sw.sum())
    if binary:
        loss = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=model.fit_intercept)
        coef = model.coef_.ravel()
        if model.fit_intercept:
            coef = np.concatenate([coef, model.intercept_])
        target = (y == classes[1]).astype(float)
    else:
        loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=len(classes)),
                               fit_intercept=model.fit_intercept)
        coef = model.coef_
        if model.fit_intercept:
            coef = np.column_stack([coef, model.intercept_])
        target = np.searchsorted(classes, y).astype(float)
    return float(loss.loss(coef, np.ascontiguousarray(x), target, sw, l2))


def class_weights(spec, classes, y):
    if spec == "uniform":
        return None
    from sklearn.utils.class_weight import compute_class_weight
    weights = compute_class_weight("balanced" if spec == "balanced" else {int(k): v for k, v in spec.items()},
                                   classes=classes, y=y)
    return weights[np.searchsorted(classes, y)]


def logistic_case(name, x, y, data, params, scale=False, test_size=0.3):
    indices = np.arange(len(y))
    train, test = train_test_split(indices, test_size=test_size, stratify=y, random_state=0)
    train, test = np.sort(train), np.sort(test)
    x_train, x_test = x[train], x[test]
    if scale:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    kwargs = {"C": params.get("C", 1.0), "fit_intercept": params.get("fitIntercept", True),
              "max_iter": params.get("maxIter", 100), "tol": params.get("tol", 1e-4)}
    weight = params.get("classWeight", "uniform")
    if weight != "uniform":
        kwargs["class_weight"] = "balanced" if weight == "balanced" else {int(k): v for k, v in weight.items()}
    if params.get("penalty", "l2") == "none":
        kwargs["C"] = np.inf  # scikit-learn 1.9's spelling of penalty=None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(**kwargs).fit(x_train, y[train])
    sw = class_weights(weight, model.classes_, y[train])
    decision = model.decision_function(x_test)
    return {
        "name": name, "data": data, "scale": scale,
        "train": train.tolist(), "test": test.tolist(),
        "penalty": params.get("penalty", "l2"), "c": params.get("C", 1.0),
        "fitIntercept": kwargs["fit_intercept"], "maxIterations": kwargs["max_iter"], "tolerance": kwargs["tol"],
        "classWeight": weight if isinstance(weight, str) else None,
        "customClassWeight": None if isinstance(weight, str) else [[int(k), float(v)] for k, v in weight.items()],
        "classes": model.classes_.tolist(),
        "coefficients": model.coef_.ravel().tolist(), "intercepts": np.atleast_1d(model.intercept_).tolist(),
        "iterations": int(model.n_iter_[0]), "converged": bool(model.n_iter_[0] < kwargs["max_iter"]),
        "objective": objective(model, x_train, y[train], sw),
        "testPredictions": model.predict(x_test).tolist(),
        "testProbabilities": model.predict_proba(x_test).ravel().tolist(),
        "testDecision": np.asarray(decision).ravel().tolist(),
    }


def rosenbrock(x):
    x = np.asarray(x)
    f = np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return f, g


def lbfgs_case(name, x0, function, options):
    result = minimize(function, np.asarray(x0, dtype=float), jac=True, method="L-BFGS-B", options=options)
    return {"name": name, "x0": list(map(float, x0)), "maxIterations": options.get("maxiter", 15000),
            "gradientTolerance": options.get("gtol", 1e-5),
            "relativeReductionTolerance": options.get("ftol", 2.220446049250313e-09),
            "x": result.x.tolist(), "value": float(result.fun), "iterations": int(result.nit),
            "evaluations": int(result.nfev), "status": int(result.status)}


def main():
    os.makedirs(OUT, exist_ok=True)
    iris, digits = load_iris(), load_digits()
    (gx, gy), (g3x, g3y) = generated()
    cases = []
    # Iris, all three classes: multinomial, scaled (StandardScaler fitted on the training rows).
    cases.append(logistic_case("irisMultinomialScaled", iris.data, iris.target, {"dataset": "iris"}, {}, scale=True))
    # Unscaled iris is ill-conditioned: scikit-learn stops at max_iter=100 without converging, and
    # the L-BFGS path there amplifies 1-ulp differences (see the tests for the tolerances used).
    cases.append(logistic_case("irisMultinomial", iris.data, iris.target, {"dataset": "iris"}, {}))
    cases.append(logistic_case("irisMultinomialC0.1NoIntercept", iris.data, iris.target, {"dataset": "iris"},
                               {"C": 0.1, "fitIntercept": False}))
    cases.append(logistic_case("irisMultinomialTight", iris.data, iris.target, {"dataset": "iris"},
                               {"tol": 1e-10, "maxIter": 10000}))
    # Iris versicolor vs virginica: binary.
    rows = list(range(50, 150))
    cases.append(logistic_case("irisBinary", iris.data[50:], iris.target[50:], {"dataset": "iris", "rows": rows}, {}))
    cases.append(logistic_case("irisBinaryNone", iris.data[50:], iris.target[50:], {"dataset": "iris", "rows": rows},
                               {"penalty": "none"}))
    # An imbalanced slice of iris (50 / 50 / 20) with balanced class weights.
    rows = list(range(120))
    cases.append(logistic_case("iris120BalancedScaled", iris.data[:120], iris.target[:120],
                               {"dataset": "iris", "rows": rows}, {"classWeight": "balanced"}, scale=True))
    cases.append(logistic_case("iris120Balanced", iris.data[:120], iris.target[:120],
                               {"dataset": "iris", "rows": rows}, {"classWeight": "balanced"}))
    # Generated binary data, stored inline.
    inline = {"x": gx.ravel().tolist(), "columns": gx.shape[1], "y": gy.tolist()}
    cases.append(logistic_case("generatedBinary", gx, gy, inline, {}))
    cases.append(logistic_case("generatedBinaryBalanced", gx, gy, inline, {"classWeight": "balanced"}))
    cases.append(logistic_case("generatedBinaryNone", gx, gy, inline, {"penalty": "none"}))
    cases.append(logistic_case("generatedBinaryCustomWeight", gx, gy, inline,
                               {"classWeight": {"1": 2.5}, "C": 0.05}))
    cases.append(logistic_case("generatedBinaryNoIntercept", gx, gy, inline, {"fitIntercept": False, "C": 10.0}))
    inline3 = {"x": g3x.ravel().tolist(), "columns": g3x.shape[1], "y": g3y.tolist()}
    cases.append(logistic_case("generatedThreeClass", g3x, g3y, inline3, {}))
    cases.append(logistic_case("generatedThreeClassNone", g3x, g3y, inline3, {"penalty": "none", "maxIter": 200}))
    cases.append(logistic_case("generatedThreeClassBalanced", g3x, g3y, inline3, {"classWeight": "balanced", "C": 0.3}))
    # Digits, scaled (StandardScaler fitted on the training rows): the first 500 rows, 10 classes.
    rows = list(range(500))
    cases.append(logistic_case("digits500Scaled", digits.data[:500], digits.target[:500],
                               {"dataset": "digits", "rows": rows}, {"maxIter": 1000}, scale=True))

    lbfgs = [
        lbfgs_case("rosenbrock2", [-1.2, 1.0], rosenbrock, {}),
        lbfgs_case("rosenbrock10", [-1.2 if i % 2 == 0 else 1.0 for i in range(10)], rosenbrock, {}),
        lbfgs_case("rosenbrock10Limited", [-1.2 if i % 2 == 0 else 1.0 for i in range(10)], rosenbrock,
                   {"maxiter": 5}),
    ]
    payload = {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__,
               "script": "Fixtures/scripts/logistic_fixtures.py", "logistic": cases, "lbfgs": lbfgs}
    with open(os.path.join(OUT, "logistic.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")
    for c in cases:
        print(f"{c['name']}: n_iter={c['iterations']} objective={c['objective']:.12g}")
    for c in lbfgs:
        print(f"{c['name']}: nit={c['iterations']} nfev={c['evaluations']} f={c['value']:.3g}")


if __name__ == "__main__":
    main()
