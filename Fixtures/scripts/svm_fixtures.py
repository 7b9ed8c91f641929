"""Writes Fixtures/scikit-learn/svm.json: scikit-learn 1.9.1's SVC and SVR (libsvm) on small,
standardised problems, for Learn's SupportVectorMachines parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/svm_fixtures.py

Inputs are not written: each case names a built-in dataset (Fixtures/datasets/, the same values
as scikit-learn's loaders) and the rows of its training and test splits; the Swift tests rebuild
the split and standardise it with StandardScaler fitted on the training rows, as done here.
Each case names its hyperparameters with Learn's names ("params"; `sklearn_kwargs` translates).

Recorded per case: the fitted attributes (support_, n_support_, dual_coef_ row-major,
intercept_, n_iter_, _gamma), the dual objective of each binary problem recomputed in double
precision from dual_coef_ (libsvm minimises ½ cᵀKc − Σ|c| for C-SVC and
½ cᵀKc + ε Σ|c| − Σ y c for ε-SVR over the coefficients c), and predictions and decision values
on the test rows.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel, sigmoid_kernel
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def sklearn_kwargs(params):
    names = {"c": "C", "kernel": "kernel", "gamma": "gamma", "degree": "degree", "coef0": "coef0",
             "epsilon": "epsilon", "maxIterations": "max_iter", "decisionFunctionShape": "decision_function_shape",
             "breakTies": "break_ties", "tolerance": "tol"}
    kwargs = {}
    for name, value in params.items():
        if name == "classWeight":
            if value == "balanced":
                kwargs["class_weight"] = "balanced"
            else:  # "label:weight,label:weight"
                kwargs["class_weight"] = {int(k): float(v) for k, v in (e.split(":") for e in value.split(","))}
        else:
            kwargs[names[name]] = value
    return kwargs


def kernel_matrix(model, a, b):
    kind = model.kernel
    if kind == "linear":
        return linear_kernel(a, b)
    if kind == "rbf":
        return rbf_kernel(a, b, gamma=model._gamma)
    if kind == "poly":
        return polynomial_kernel(a, b, degree=model.degree, gamma=model._gamma, coef0=model.coef0)
    return sigmoid_kernel(a, b, gamma=model._gamma, coef0=model.coef0)


def svc_objectives(model):
    """The dual objective ½ cᵀKc − Σ|c| of each one-vs-one problem, from dual_coef_."""
    sv = model.support_vectors_
    starts = np.concatenate([[0], np.cumsum(model.n_support_)])
    k = len(model.classes_)
    dual = model.dual_coef_
    result = []
    for a in range(k):
        for b in range(a + 1, k):
            rows_a = np.arange(starts[a], starts[a + 1])
            rows_b = np.arange(starts[b], starts[b + 1])
            if k == 2:
                coef = dual[0]
                rows = np.arange(sv.shape[0])
            else:
                coef = np.concatenate([dual[b - 1, rows_a], dual[a, rows_b]])
                rows = np.concatenate([rows_a, rows_b])
            kernel = kernel_matrix(model, sv[rows], sv[rows])
            result.append(float(0.5 * coef @ kernel @ coef - np.abs(coef).sum()))
    return result


def split(dataset, x, y, train_size, test_size, stratify):
    train, test = train_test_split(np.arange(len(y)), train_size=train_size, test_size=test_size,
                                   stratify=y if stratify else None, random_state=0)
    train, test = np.sort(train), np.sort(test)
    scaler = StandardScaler().fit(x[train])
    return {"dataset": dataset, "train": train.tolist(), "test": test.tolist()}, \
        scaler.transform(x[train]), scaler.transform(x[test]), y[train], y[test]


def svc_case(name, data, params, ovo=False):
    split_info, x_train, x_test, y_train, y_test = data
    model = SVC(**sklearn_kwargs(params)).fit(x_train, y_train)
    case = dict(split_info)
    case.update({
        "name": name, "params": params,
        "classes": model.classes_.tolist(),
        "support": model.support_.tolist(),
        "nSupport": model.n_support_.tolist(),
        "dualCoef": model.dual_coef_.ravel().tolist(),
        "intercept": model.intercept_.tolist(),
        "nIter": np.atleast_1d(model.n_iter_).astype(int).tolist(),
        "gamma": float(model._gamma),
        "objectives": svc_objectives(model),
        "predictions": model.predict(x_test).tolist(),
        "decision": model.decision_function(x_test).ravel().tolist(),
        "trainAccuracy": float(model.score(x_train, y_train)),
    })
    if ovo:
        model.decision_function_shape = "ovo"
        case["decisionOvo"] = model.decision_function(x_test).ravel().tolist()
        model.decision_function_shape = "ovr"
        model.break_ties = True
        case["predictionsBreakTies"] = model.predict(x_test).tolist()
    return case


def svr_case(name, data, params):
    split_info, x_train, x_test, y_train, y_test = data
    model = SVR(**sklearn_kwargs(params)).fit(x_train, y_train)
    coef = model.dual_coef_[0]
    kernel = kernel_matrix(model, model.support_vectors_, model.support_vectors_)
    objective = 0.5 * coef @ kernel @ coef + model.epsilon * np.abs(coef).sum() - y_train[model.support_] @ coef
    case = dict(split_info)
    case.update({
        "name": name, "params": params,
        "support": model.support_.tolist(),
        "dualCoef": coef.tolist(),
        "intercept": float(model.intercept_[0]),
        "nIter": int(model.n_iter_),
        "gamma": float(model._gamma),
        "objective": float(objective),
        "predictions": model.predict(x_test).tolist(),
        "testR2": float(model.score(x_test, y_test)),
    })
    return case


def main():
    os.makedirs(OUT, exist_ok=True)
    warnings.simplefilter("ignore")  # ConvergenceWarning for the max_iter cases
    iris, digits, diabetes = load_iris(), load_digits(), load_diabetes()
    iris_data = split("iris", iris.data, iris.target, 0.7, 0.3, True)
    # A digits subset that keeps debug tests fast: 360 training rows, 120 test rows, all 10 classes.
    digits_data = split("digits", digits.data, digits.target, 360, 120, True)
    # Iris' last two classes (versicolor 1, virginica 2): a binary problem that is not separable.
    binary = np.arange(50, 150)
    binary_data = split("iris", iris.data[binary], iris.target[binary], 0.7, 0.3, True)
    binary_data[0]["train"] = (binary[binary_data[0]["train"]]).tolist()
    binary_data[0]["test"] = (binary[binary_data[0]["test"]]).tolist()
    diabetes_data = split("diabetes", diabetes.data, diabetes.target, 300, 142, False)

    classification = []
    for kernel in ("linear", "poly", "rbf", "sigmoid"):
        classification.append(svc_case(f"iris-{kernel}", iris_data, {"kernel": kernel}, ovo=True))
    for kernel in ("linear", "poly", "rbf", "sigmoid"):
        classification.append(svc_case(f"digits-{kernel}", digits_data, {"kernel": kernel}))
    classification += [
        svc_case("iris-rbf-c10-gamma0.5", iris_data, {"kernel": "rbf", "c": 10.0, "gamma": 0.5}, ovo=True),
        svc_case("iris-poly-degree2-coef1", iris_data, {"kernel": "poly", "degree": 2, "coef0": 1.0, "gamma": "auto"}),
        svc_case("iris-rbf-classweight", iris_data, {"kernel": "rbf", "classWeight": "0:1.0,1:5.0,2:0.5"}, ovo=True),
        svc_case("iris-linear-balanced-c0.1", iris_data, {"kernel": "linear", "c": 0.1, "classWeight": "balanced"}),
        svc_case("iris-rbf-maxiter7", iris_data, {"kernel": "rbf", "maxIterations": 7}),
        svc_case("binary-rbf", binary_data, {"kernel": "rbf"}),
        svc_case("binary-linear-c100", binary_data, {"kernel": "linear", "c": 100.0}),
        svc_case("binary-rbf-classweight", binary_data, {"kernel": "rbf", "classWeight": "1:3.0"}),
    ]
    regression = [
        svr_case("diabetes-rbf-c100-eps5", diabetes_data, {"kernel": "rbf", "c": 100.0, "epsilon": 5.0}),
        svr_case("diabetes-linear-c10", diabetes_data, {"kernel": "linear", "c": 10.0, "epsilon": 1.0}),
        svr_case("diabetes-poly-c10", diabetes_data, {"kernel": "poly", "c": 10.0, "degree": 2, "coef0": 1.0}),
        svr_case("diabetes-sigmoid-c10", diabetes_data, {"kernel": "sigmoid", "c": 10.0, "gamma": 0.01}),
        svr_case("diabetes-rbf-default", diabetes_data, {}),
    ]
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/svm_fixtures.py",
               "classification": classification, "regression": regression}
    with open(os.path.join(OUT, "svm.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
