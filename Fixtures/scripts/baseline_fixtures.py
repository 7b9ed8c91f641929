"""Writes Fixtures/scikit-learn/baselines.json: scikit-learn 1.9.1's DummyClassifier,
DummyRegressor and unshuffled KFold on the built-in datasets, for Learn's parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/baseline_fixtures.py
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import KFold, cross_val_score

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def main():
    os.makedirs(OUT, exist_ok=True)
    iris, digits, diabetes = load_iris(), load_digits(), load_diabetes()
    # An imbalanced slice of iris: the first 120 rows (50 setosa, 50 versicolor, 20 virginica).
    x, y = iris.data[:120], iris.target[:120]
    classifier = {}
    for strategy in ("most_frequent", "prior", "uniform"):
        model = DummyClassifier(strategy=strategy).fit(x, y)
        classifier[strategy] = {"predictions": model.predict(x[:5]).tolist(),
                                "probabilities": model.predict_proba(x[:5]).ravel().tolist(),
                                "classPriors": model.class_prior_.tolist(),
                                "score": model.score(x, y)}
    regressor = {}
    for name, kwargs in (("mean", {}), ("median", {}), ("quantile0.3", {"strategy": "quantile", "quantile": 0.3}),
                         ("quantile1", {"strategy": "quantile", "quantile": 1.0})):
        if name in ("mean", "median"):
            kwargs = {"strategy": name}
        model = DummyRegressor(**kwargs).fit(diabetes.data, diabetes.target)
        regressor[name] = {"constant": float(model.constant_.ravel()[0]),
                           "score": model.score(diabetes.data[:100], diabetes.target[:100])}
    folds = {}
    for n, k in ((10, 3), (11, 5), (1797, 5), (442, 7)):
        folds[f"{n}_{k}"] = [test.tolist() for _, test in KFold(n_splits=k).split(np.zeros((n, 1)))]
    cv = cross_val_score(DummyClassifier(strategy="most_frequent"), digits.data, digits.target, cv=KFold(5))
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/baseline_fixtures.py",
               "dummyClassifierIris120": classifier, "dummyRegressorDiabetes": regressor,
               "kfoldTestIndices": folds, "crossValScoreDigitsMostFrequentKFold5": cv.tolist()}
    with open(os.path.join(OUT, "baselines.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
