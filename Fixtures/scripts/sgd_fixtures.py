"""Writes Fixtures/scikit-learn/sgd.json: scikit-learn 1.9.1's SGDClassifier and SGDRegressor on small
standardized datasets with shuffle=False (deterministic, so Learn must match to rounding), and the
test accuracy of the default, shuffled SGDClassifier on scaled digits for a few seeds.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/sgd_fixtures.py

Each case names its dataset and its hyperparameters with Learn's names (lowerCamelCase, "tolerance":
"none" for tol=None); the script translates them for scikit-learn.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")

NAMES = {"loss": "loss", "penalty": "penalty", "alpha": "alpha", "l1Ratio": "l1_ratio",
         "fitIntercept": "fit_intercept", "maxIterations": "max_iter", "tolerance": "tol",
         "learningRate": "learning_rate", "eta0": "eta0", "powerT": "power_t", "epsilon": "epsilon",
         "average": "average", "classWeight": "class_weight", "nIterNoChange": "n_iter_no_change"}


def sklearn_params(params):
    result = {"shuffle": False}
    for name, value in params.items():
        if name == "tolerance" and value == "none":
            value = None
        if name == "penalty" and value == "none":
            value = None
        if name == "classWeight":
            value = "balanced" if value == "balanced" else {int(k): float(v) for k, v in value.items()}
        result[NAMES[name]] = value
    return result


def datasets():
    iris = load_iris()
    x_binary, y_binary = make_classification(120, 6, n_informative=4, n_redundant=1, random_state=1)
    x_regression, y_regression = make_regression(100, 5, n_informative=3, noise=5.0, random_state=2)
    x_wide, y_wide = make_classification(150, 24, n_informative=8, n_classes=3, random_state=3)
    return {
        "iris": (StandardScaler().fit_transform(iris.data), iris.target),
        # The first 120 rows of iris: 50 / 50 / 20, for class weights.
        "iris120": (StandardScaler().fit_transform(iris.data[:120]), iris.target[:120]),
        "binary": (StandardScaler().fit_transform(x_binary), y_binary * 3 + 2),  # labels 2 and 5
        "regression": (StandardScaler().fit_transform(x_regression), y_regression / 10),
        # More features than the 16 lanes of the dot product's accumulators.
        "wide": (StandardScaler().fit_transform(x_wide), y_wide),
    }


CLASSIFIER_CASES = [
    ("hinge_l2_optimal_iris", "iris", {}),
    ("hinge_binary", "binary", {}),
    ("log_loss_binary", "binary", {"loss": "log_loss"}),
    ("log_loss_iris", "iris", {"loss": "log_loss", "alpha": 0.001}),
    ("modified_huber_iris", "iris", {"loss": "modified_huber"}),
    ("modified_huber_binary", "binary", {"loss": "modified_huber", "alpha": 0.01}),
    ("squared_hinge_binary", "binary", {"loss": "squared_hinge", "alpha": 0.01}),
    ("perceptron_iris", "iris", {"loss": "perceptron", "penalty": "none"}),
    ("elasticnet_iris", "iris", {"penalty": "elasticnet", "alpha": 0.01, "l1Ratio": 0.5}),
    ("l1_log_loss_binary", "binary", {"loss": "log_loss", "penalty": "l1", "alpha": 0.01}),
    ("constant_binary", "binary", {"learningRate": "constant", "eta0": 0.01}),
    ("invscaling_log_loss_iris", "iris", {"loss": "log_loss", "learningRate": "invscaling", "eta0": 0.5}),
    ("adaptive_binary", "binary", {"learningRate": "adaptive", "eta0": 0.1}),
    ("average_iris", "iris", {"average": 1}),
    ("average50_log_loss_binary", "binary", {"loss": "log_loss", "average": 50, "alpha": 0.001}),
    ("balanced_iris120", "iris120", {"classWeight": "balanced"}),
    ("custom_weights_iris120", "iris120", {"classWeight": {"0": 1.0, "1": 2.0, "2": 0.5}}),
    ("no_tolerance_iris", "iris", {"tolerance": "none", "maxIterations": 15}),
    ("no_intercept_binary", "binary", {"fitIntercept": False, "alpha": 0.001}),
    ("huber_binary", "binary", {"loss": "huber", "epsilon": 0.5}),
    # eta0 · alpha = 0.05: the weight scale falls below 1e-9 every ~400 samples (reset_wscale), with
    # the lazy average flushed each time.
    ("rescaled_average_binary", "binary", {"learningRate": "constant", "eta0": 0.5, "alpha": 0.1, "average": 1}),
    ("hinge_wide", "wide", {}),
    ("log_loss_elasticnet_wide", "wide", {"loss": "log_loss", "penalty": "elasticnet", "alpha": 0.001}),
    ("rescaled_elasticnet_iris", "iris", {"learningRate": "constant", "eta0": 0.5, "alpha": 0.1,
                                          "penalty": "elasticnet", "l1Ratio": 0.3}),
]

REGRESSOR_CASES = [
    ("squared_error_invscaling", "regression", {}),
    ("huber", "regression", {"loss": "huber", "epsilon": 1.0}),
    ("epsilon_insensitive", "regression", {"loss": "epsilon_insensitive", "epsilon": 0.5, "eta0": 0.05}),
    ("squared_epsilon_insensitive", "regression", {"loss": "squared_epsilon_insensitive", "epsilon": 0.5}),
    ("elasticnet", "regression", {"penalty": "elasticnet", "alpha": 0.1, "l1Ratio": 0.7}),
    ("l1", "regression", {"penalty": "l1", "alpha": 0.5}),
    ("constant", "regression", {"learningRate": "constant", "eta0": 0.001}),
    ("adaptive", "regression", {"learningRate": "adaptive", "eta0": 0.01}),
    ("optimal", "regression", {"learningRate": "optimal", "alpha": 0.01}),
    ("average", "regression", {"average": 1}),
    ("average30", "regression", {"average": 30, "eta0": 0.02}),
    ("no_tolerance", "regression", {"tolerance": "none", "maxIterations": 10}),
    ("no_penalty_no_intercept", "regression", {"penalty": "none", "fitIntercept": False}),
    ("rescaled_average", "regression", {"learningRate": "constant", "eta0": 0.1, "alpha": 0.5, "average": 10}),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    data = datasets()
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/sgd_fixtures.py",
               "datasets": {name: {"x": x.ravel().tolist(), "rows": x.shape[0], "columns": x.shape[1],
                                   "y": y.tolist()} for name, (x, y) in data.items()},
               "classifier": [], "regressor": []}
    for name, dataset, params in CLASSIFIER_CASES:
        x, y = data[dataset]
        model = SGDClassifier(**sklearn_params(params)).fit(x, y)
        case = {"name": name, "dataset": dataset, "params": params, "coefficients": model.coef_.ravel().tolist(),
                "intercepts": model.intercept_.tolist(), "iterations": int(model.n_iter_), "t": float(model.t_),
                "decision": model.decision_function(x[:10]).ravel().tolist(),
                "predictions": model.predict(x).tolist()}
        if params.get("loss") in ("log_loss", "modified_huber"):
            case["probabilities"] = model.predict_proba(x[:10]).ravel().tolist()
        payload["classifier"].append(case)
    for name, dataset, params in REGRESSOR_CASES:
        x, y = data[dataset]
        model = SGDRegressor(**sklearn_params(params)).fit(x, y)
        payload["regressor"].append({"name": name, "dataset": dataset, "params": params,
                                     "coefficients": model.coef_.tolist(), "intercept": float(model.intercept_[0]),
                                     "iterations": int(model.n_iter_), "t": float(model.t_),
                                     "predictions": model.predict(x[:10]).tolist()})
    # Shuffled SGD on digits: the streams differ from scikit-learn's, so compare accuracy, not weights.
    digits = load_digits()
    train, test = train_test_split(np.arange(len(digits.target)), test_size=0.25, stratify=digits.target,
                                   random_state=0)
    scaler = StandardScaler().fit(digits.data[train])
    accuracies = []
    for seed in range(5):
        model = SGDClassifier(random_state=seed).fit(scaler.transform(digits.data[train]), digits.target[train])
        accuracies.append(model.score(scaler.transform(digits.data[test]), digits.target[test]))
    payload["digits"] = {"testIndices": sorted(test.tolist()), "seeds": list(range(5)), "accuracies": accuracies,
                         "meanAccuracy": float(np.mean(accuracies))}
    with open(os.path.join(OUT, "sgd.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")
    for kind in ("classifier", "regressor"):
        for case in payload[kind]:
            print(kind, case["name"], "n_iter", case["iterations"])
    print("digits", accuracies)


if __name__ == "__main__":
    main()
