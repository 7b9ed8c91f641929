"""Writes Fixtures/scikit-learn/search.json: scikit-learn 1.9.1's GridSearchCV results with
deterministic baseline estimators, and ParameterGrid's candidate order, for Learn's engine tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/search_fixtures.py
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_iris
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, ParameterGrid, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def floats(a):
    return [None if np.isnan(v) else float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    diabetes, iris = load_diabetes(), load_iris()
    out = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/search_fixtures.py"}
    grid = [{"strategy": ["quantile"], "quantile": [0.1, 0.3, 0.5, 0.7, 0.9]},
            {"strategy": ["constant"], "constant": [100.0, 150.0, 200.0]},
            {"strategy": ["mean", "median"]}]
    out["parameterGridOrder"] = [{k: v for k, v in sorted(p.items())} for p in ParameterGrid(grid)]
    search = GridSearchCV(DummyRegressor(), grid, cv=KFold(5), scoring=["r2", "neg_mean_squared_error"],
                          refit="neg_mean_squared_error", return_train_score=True).fit(diabetes.data, diabetes.target)
    r = search.cv_results_
    out["gridDiabetes"] = {
        "params": [{k: v for k, v in sorted(p.items())} for p in r["params"]],
        "mean_test_r2": floats(r["mean_test_r2"]), "std_test_r2": floats(r["std_test_r2"]),
        "rank_test_r2": [int(v) for v in r["rank_test_r2"]],
        "mean_test_neg_mean_squared_error": floats(r["mean_test_neg_mean_squared_error"]),
        "rank_test_neg_mean_squared_error": [int(v) for v in r["rank_test_neg_mean_squared_error"]],
        "mean_train_r2": floats(r["mean_train_r2"]),
        "split0_test_r2": floats(r["split0_test_r2"]),
        "best_index": int(search.best_index_), "best_score": float(search.best_score_),
        "best_params": {k: v for k, v in sorted(search.best_params_.items())},
    }
    # Ties: most_frequent and prior predict the same labels, so their accuracies tie.
    search = GridSearchCV(DummyClassifier(), {"strategy": ["most_frequent", "prior", "constant"], "constant": [1]},
                          cv=KFold(3)).fit(iris.data, iris.target)
    out["gridIrisTies"] = {"mean_test_score": floats(search.cv_results_["mean_test_score"]),
                           "rank_test_score": [int(v) for v in search.cv_results_["rank_test_score"]],
                           "best_index": int(search.best_index_)}
    # The parity cases: SVC over C x gamma (5-fold stratified, a digits subset) and Ridge.
    digits = load_digits()
    x, y = digits.data[:360], digits.target[:360]
    search = GridSearchCV(SVC(), {"C": [0.1, 1, 10, 100], "gamma": [1e-4, 1e-3, 1e-2, 1e-1]},
                          cv=StratifiedKFold(5)).fit(x, y)
    r = search.cv_results_
    out["gridSVCDigits360"] = {"params": [{"c": p["C"], "gamma": p["gamma"]} for p in r["params"]],
                               "mean_test_score": floats(r["mean_test_score"]),
                               "rank_test_score": [int(v) for v in r["rank_test_score"]],
                               "best_index": int(search.best_index_),
                               "best_params": {"c": search.best_params_["C"], "gamma": search.best_params_["gamma"]}}
    search = GridSearchCV(Ridge(), {"alpha": [0.01, 0.1, 1.0, 10.0, 100.0], "fit_intercept": [True, False]},
                          cv=KFold(5), scoring=["r2", "neg_mean_squared_error"], refit="r2").fit(diabetes.data, diabetes.target)
    r = search.cv_results_
    out["gridRidgeDiabetes"] = {"params": [{"alpha": p["alpha"], "fitIntercept": p["fit_intercept"]} for p in r["params"]],
                                "mean_test_r2": floats(r["mean_test_r2"]),
                                "mean_test_neg_mean_squared_error": floats(r["mean_test_neg_mean_squared_error"]),
                                "rank_test_r2": [int(v) for v in r["rank_test_r2"]],
                                "best_index": int(search.best_index_)}
    # Whole estimators as the values of a pipeline step, with a list of grids (conditional sub-spaces).
    pipeline = Pipeline([("scaler", StandardScaler()), ("model", SVC())])
    grids = [{"model": [SVC()], "model__C": [0.1, 1, 10]},
             {"model": [LogisticRegression(max_iter=1000)], "model__C": [0.01, 0.1, 1]}]
    search = GridSearchCV(pipeline, grids, cv=StratifiedKFold(5)).fit(x, y)
    r = search.cv_results_
    def learn_names(p):
        name = "svc" if isinstance(p["model"], SVC) else "logistic"
        return {"model.estimator": name, f"model.{name}.c": p["model__C"]}
    out["gridChoiceDigits360"] = {"params": [learn_names(p) for p in r["params"]],
                                  "mean_test_score": floats(r["mean_test_score"]),
                                  "rank_test_score": [int(v) for v in r["rank_test_score"]],
                                  "best_index": int(search.best_index_),
                                  "best_params": learn_names(search.best_params_)}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "search.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
