"""Writes Fixtures/scikit-learn/cross-validation.json: scikit-learn 1.9.1's cross_validate,
cross_val_predict, learning_curve and validation_curve with deterministic baseline estimators on
the built-in datasets, so Learn's versions can be compared exactly.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/cross_validation_fixtures.py
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_digits
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import (KFold, StratifiedKFold, cross_val_predict, cross_validate, learning_curve,
                                     validation_curve)

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    digits, diabetes = load_digits(), load_diabetes()
    out = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/cross_validation_fixtures.py"}

    # cross_validate: the default cv for a classifier is StratifiedKFold(5).
    r = cross_validate(DummyClassifier(strategy="most_frequent"), digits.data, digits.target,
                       scoring=["accuracy", "balanced_accuracy", "f1_macro"], return_train_score=True)
    out["crossValidateDigitsMostFrequent"] = {k: floats(v) for k, v in r.items() if "time" not in k}
    r = cross_validate(DummyRegressor(strategy="median"), diabetes.data, diabetes.target, cv=KFold(4),
                       scoring=["r2", "neg_mean_squared_error", "neg_mean_absolute_error"], return_train_score=True)
    out["crossValidateDiabetesMedianKFold4"] = {k: floats(v) for k, v in r.items() if "time" not in k}

    # cross_val_predict: predictions and probabilities, assembled in the original order.
    p = cross_val_predict(DummyClassifier(strategy="most_frequent"), digits.data, digits.target, cv=KFold(5))
    out["crossValPredictDigitsMostFrequentKFold5"] = [int(v) for v in p]
    p = cross_val_predict(DummyClassifier(strategy="prior"), digits.data, digits.target, cv=StratifiedKFold(3),
                          method="predict_proba")
    out["crossValPredictProbaDigitsPriorStratified3"] = {"rows": 20, "values": floats(p[:20])}
    p = cross_val_predict(DummyRegressor(), diabetes.data, diabetes.target, cv=KFold(3))
    out["crossValPredictDiabetesMeanKFold3"] = floats(p)

    # learning_curve: default train sizes, unshuffled.
    sizes, train, test = learning_curve(DummyClassifier(strategy="most_frequent"), digits.data, digits.target,
                                        cv=KFold(5), scoring="accuracy")
    out["learningCurveDigitsMostFrequentKFold5"] = {"trainSizes": [int(s) for s in sizes],
                                                    "trainScores": floats(train), "testScores": floats(test)}
    sizes, train, test = learning_curve(DummyRegressor(), diabetes.data, diabetes.target, cv=KFold(3),
                                        train_sizes=[10, 50, 100, 294], scoring="r2")
    out["learningCurveDiabetesMeanKFold3"] = {"trainSizes": [int(s) for s in sizes],
                                              "trainScores": floats(train), "testScores": floats(test)}

    # validation_curve over a categorical hyperparameter.
    train, test = validation_curve(DummyRegressor(strategy="quantile"), diabetes.data, diabetes.target,
                                   param_name="quantile", param_range=[0.1, 0.5, 0.9], cv=KFold(3), scoring="r2")
    out["validationCurveDiabetesQuantileKFold3"] = {"values": [0.1, 0.5, 0.9], "trainScores": floats(train),
                                                    "testScores": floats(test)}

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cross-validation.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
