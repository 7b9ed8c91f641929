"""Writes Fixtures/scikit-learn/metrics.json: scikit-learn 1.9.1's classification, ranking and
regression metrics and its scorers on small hand-made and seeded cases, for Learn's parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/metrics_fixtures.py

Every input is stored in the JSON (the cases are small), so the Swift tests need no generator.
NaN and infinities are written as the strings "nan", "inf", "-inf"; a call scikit-learn rejects is written as {"error": "<its message>"}.
"""

import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import (accuracy_score, auc, balanced_accuracy_score, confusion_matrix,
                             explained_variance_score, f1_score, fbeta_score, get_scorer,
                             get_scorer_names, log_loss, mean_absolute_error, mean_squared_error,
                             median_absolute_error, precision_recall_fscore_support, precision_score,
                             r2_score, recall_score, roc_auc_score, roc_curve,
                             root_mean_squared_error)

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")
warnings.simplefilter("ignore")  # UndefinedMetricWarning and friends: the values are what we test


def num(value):
    """A float for JSON; "nan", "inf" or "-inf" for the values JSON cannot hold."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def attempt(body, errors=(ValueError,)):
    """{"value": …} or {"error": message}."""
    try:
        return {"value": num(body())}
    except errors as error:
        return {"error": f"{type(error).__name__}: {error}"}


def ints(values):
    return [int(v) for v in values]


def floats(values):
    return [float(v) for v in values]


# MARK: Classification


def classification_cases():
    rng = np.random.RandomState(0)
    cases = []

    def add(name, y_true, y_pred, positive_label=1):
        cases.append((name, ints(y_true), ints(y_pred), positive_label))

    # Binary, roughly balanced, some mistakes.
    y = rng.randint(0, 2, 40)
    p = np.where(rng.rand(40) < 0.25, 1 - y, y)
    add("binary", y, p)
    # Binary, imbalanced (about 10% positives).
    y = (rng.rand(50) < 0.1).astype(int)
    p = np.where(rng.rand(50) < 0.1, 1 - y, y)
    add("binaryImbalanced", y, p)
    # Three classes; class 2 is never predicted.
    y = rng.randint(0, 3, 30)
    p = np.where(y == 2, rng.randint(0, 2, 30), np.where(rng.rand(30) < 0.3, 1 - y, y))
    add("neverPredicted", y, p)
    # Labels that are not 0..k-1.
    y = rng.choice([3, 7, 9], 35)
    p = np.where(rng.rand(35) < 0.35, rng.choice([3, 7, 9], 35), y)
    add("labels379", y, p)
    # Binary with labels 3 and 7: pos_label=1 is invalid, pos_label=7 is fine.
    y = rng.choice([3, 7], 20)
    p = np.where(rng.rand(20) < 0.3, 10 - y, y)
    add("binary37PositiveDefault", y, p)
    add("binary37Positive7", y, p, positive_label=7)
    # Negative labels.
    y = rng.choice([-1, 1], 25)
    p = np.where(rng.rand(25) < 0.2, -y, y)
    add("binaryMinusOnePlusOne", y, p)
    # A perfect prediction.
    y = rng.randint(0, 4, 24)
    add("perfect", y, y)
    # A predicted class that never occurs in y_true (binary y_true, three labels overall).
    add("extraPredictedClass", [0, 0, 1, 1, 1, 0, 1, 0], [0, 2, 1, 1, 0, 2, 1, 0])
    # Every sample the same label, which is not the positive label: binary, all counts zero.
    add("singleLabelNotPositive", [0, 0, 0, 0], [0, 0, 0, 0])
    # One label on each side: y_true all 1, y_pred all 0.
    add("allWrongBinary", [1, 1, 1], [0, 0, 0])
    # y_true has a single class; y_pred has two.
    add("singleTrueClass", [1, 1, 1, 1, 1], [1, 0, 1, 1, 0])
    # Five imbalanced classes, 200 samples.
    y = rng.choice(5, 200, p=[0.5, 0.2, 0.15, 0.1, 0.05])
    p = np.where(rng.rand(200) < 0.4, rng.choice(5, 200), y)
    add("fiveClasses", y, p)
    return cases


def classification():
    out = []
    for name, y_true, y_pred, positive_label in classification_cases():
        labels, matrix = np.unique(y_true + y_pred), confusion_matrix(y_true, y_pred)
        per_class = {}
        for beta in (1.0, 0.5, 2.0):
            pr, rc, fs, support = precision_recall_fscore_support(y_true, y_pred, beta=beta, average=None)
            per_class[str(beta)] = {"precision": floats(pr), "recall": floats(rc), "fScore": floats(fs),
                                    "support": ints(support)}
        averaged = []
        for average in ("binary", "micro", "macro", "weighted"):
            for zero_division in (0.0, 1.0, np.nan):
                kwargs = {"average": average, "zero_division": zero_division, "pos_label": positive_label}
                row = {"average": average, "zeroDivision": num(zero_division)}
                for key, body in (("precision", lambda: precision_score(y_true, y_pred, **kwargs)),
                                  ("recall", lambda: recall_score(y_true, y_pred, **kwargs)),
                                  ("f1", lambda: f1_score(y_true, y_pred, **kwargs)),
                                  ("fBeta0.5", lambda: fbeta_score(y_true, y_pred, beta=0.5, **kwargs)),
                                  ("fBeta2", lambda: fbeta_score(y_true, y_pred, beta=2.0, **kwargs))):
                    result = attempt(body)
                    if "error" in result:
                        row["error"] = result["error"]
                    else:
                        row[key] = result["value"]
                averaged.append(row)
        out.append({"name": name, "yTrue": y_true, "yPred": y_pred, "positiveLabel": positive_label,
                    "accuracy": accuracy_score(y_true, y_pred),
                    "balancedAccuracy": num(balanced_accuracy_score(y_true, y_pred)),
                    "balancedAccuracyAdjusted": num(balanced_accuracy_score(y_true, y_pred, adjusted=True)),
                    "labels": ints(labels), "confusion": matrix.tolist(), "perClass": per_class,
                    "averaged": averaged})
    return out


def labelled():
    """confusion_matrix and precision_recall_fscore_support with explicit labels."""
    y_true = [3, 7, 9, 9, 7, 3, 3, 9, 7, 7, 9, 3]
    y_pred = [3, 9, 9, 7, 7, 3, 7, 9, 7, 3, 3, 3]
    out = []
    for labels in ([9, 3, 5], [7, 3], [3, 7, 9, 11], [11, 9]):
        entry = {"yTrue": y_true, "yPred": y_pred, "labels": labels}
        try:
            entry["confusion"] = confusion_matrix(y_true, y_pred, labels=labels).tolist()
        except ValueError as error:
            entry["confusionError"] = str(error)
        pr, rc, fs, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None)
        entry.update({"precision": floats(pr), "recall": floats(rc), "fScore": floats(fs), "support": ints(support)})
        out.append(entry)
    return out


# MARK: Log loss


def log_loss_cases():
    rng = np.random.RandomState(1)
    cases = []

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def add(name, y_true, proba, labels=None):
        proba = np.asarray(proba, dtype=float)
        if proba.ndim == 1:
            proba = proba[:, None]
        entry = {"name": name, "yTrue": ints(y_true), "rows": proba.shape[0], "columns": proba.shape[1],
                 "probabilities": floats(proba.ravel()), "labels": labels}
        entry.update(attempt(lambda: log_loss(y_true, proba if proba.shape[1] > 1 else proba[:, 0], labels=labels)))
        cases.append(entry)

    y = rng.randint(0, 2, 30)
    p = softmax(rng.randn(30, 2))
    add("binary", y, p)
    add("binaryOneColumn", y, p[:, 1])
    clip = p.copy()
    clip[:4] = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    add("binaryClipped", y, clip)  # some rows certain and right, some certain and wrong
    y = rng.randint(0, 3, 40)
    add("multiclass", y, softmax(rng.randn(40, 3) * 2))
    y = rng.choice([3, 7, 9], 25)
    add("labels379", y, softmax(rng.randn(25, 3)))
    y = rng.randint(0, 2, 12)
    add("labelsWithAbsentClass", y, softmax(rng.randn(12, 3)), labels=[0, 1, 2])
    add("unsortedLabels", [5, 1, 5, 1, 3], softmax(rng.randn(5, 3)), labels=[5, 3, 1])
    add("rowsNotSummingToOne", [0, 1, 2, 1], [[0.2, 0.3, 0.1], [0.1, 0.1, 0.1], [0.5, 0.5, 0.5], [0.0, 0.9, 0.0]])
    add("perfect", [0, 1, 2], np.eye(3))
    # Errors.
    add("wrongColumnCount", [0, 1, 2, 1], softmax(rng.randn(4, 2)))
    add("wrongColumnCountWithLabels", [0, 1, 1], softmax(rng.randn(3, 2)), labels=[0, 1, 2])
    add("singleClass", [1, 1, 1], softmax(rng.randn(3, 2)))
    add("singleLabelGiven", [1, 1, 1], softmax(rng.randn(3, 2)), labels=[1])
    add("labelNotInLabels", [0, 1, 4], softmax(rng.randn(3, 2)), labels=[0, 1])
    add("probabilityAboveOne", [0, 1], [[0.5, 0.5], [-0.1, 1.1]])
    return cases


# MARK: ROC AUC


def roc_cases():
    rng = np.random.RandomState(2)
    binary, ovr = [], []

    def add_binary(name, y_true, scores, positive_label=None):
        y_true, scores = ints(y_true), floats(scores)
        entry = {"name": name, "yTrue": y_true, "scores": scores, "positiveLabel": positive_label}
        if positive_label is None:  # a single class gives NaN with an UndefinedMetricWarning
            entry.update(attempt(lambda: roc_auc_score(y_true, scores)))
        else:
            fpr, tpr, _ = roc_curve(y_true, scores, pos_label=positive_label)
            entry["value"] = num(auc(fpr, tpr))
        binary.append(entry)

    y = rng.randint(0, 2, 30)
    add_binary("noTies", y, rng.randn(30) + y)
    y = rng.randint(0, 2, 60)
    add_binary("ties", y, np.round(rng.rand(60) + 0.3 * y, 1))
    add_binary("allTied", [0, 1, 1, 0, 1], [0.5] * 5)
    add_binary("perfect", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    add_binary("inverted", [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])
    y = rng.choice([3, 7], 40)
    s = rng.rand(40) + 0.2 * (y == 7)
    add_binary("labels37", y, s)
    add_binary("labels37Positive3", y, s, positive_label=3)
    add_binary("labels37Positive7", y, s, positive_label=7)
    y = (rng.rand(500) < 0.3).astype(int)
    add_binary("large", y, np.round(rng.randn(500) + y, 2))
    add_binary("singleClass", [1, 1, 1], [0.2, 0.5, 0.9])

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def add_ovr(name, y_true, proba, labels=None):
        y_true, proba = ints(y_true), np.asarray(proba, dtype=float)
        entry = {"name": name, "yTrue": y_true, "rows": proba.shape[0], "columns": proba.shape[1],
                 "probabilities": floats(proba.ravel()), "labels": labels}
        for average in ("macro", "weighted", "micro"):
            if proba.shape[1] == 2:  # the binary case: scikit-learn's scorer passes the classes[1] column
                result = attempt(lambda: roc_auc_score(y_true, proba[:, 1]))
            else:
                result = attempt(lambda: roc_auc_score(y_true, proba, multi_class="ovr", average=average,
                                                       labels=labels))
            entry[average] = result
        ovr.append(entry)

    y = rng.randint(0, 3, 45)
    add_ovr("threeClasses", y, softmax(rng.randn(45, 3) + np.eye(3)[y]))
    y = rng.choice([3, 7, 9], 30)
    add_ovr("labels379", y, softmax(np.round(rng.randn(30, 3), 1) + np.eye(3)[np.searchsorted([3, 7, 9], y)]))
    y = rng.choice(4, 80, p=[0.55, 0.25, 0.15, 0.05])
    add_ovr("imbalancedFour", y, softmax(rng.randn(80, 4) + 0.8 * np.eye(4)[y]))
    y = rng.randint(0, 2, 15)
    add_ovr("absentClassWithLabels", y, softmax(rng.randn(15, 3)), labels=[0, 1, 2])
    y = rng.randint(0, 2, 20)
    add_ovr("twoClasses", y, softmax(rng.randn(20, 2)))
    add_ovr("wrongColumnCount", [0, 1, 2, 1], softmax(rng.randn(4, 4)))
    add_ovr("rowsNotSummingToOne", [0, 1, 2, 1], [[0.2, 0.3, 0.1], [0.1, 0.1, 0.1], [0.5, 0.5, 0.5], [0.0, 0.9, 0.0]])
    return binary, ovr


# MARK: Regression


def regression():
    rng = np.random.RandomState(3)
    cases = []

    def add(name, y_true, y_pred):
        y_true, y_pred = floats(y_true), floats(y_pred)
        cases.append({"name": name, "yTrue": y_true, "yPred": y_pred,
                      "r2": num(r2_score(y_true, y_pred)),
                      "meanSquaredError": mean_squared_error(y_true, y_pred),
                      "rootMeanSquaredError": root_mean_squared_error(y_true, y_pred),
                      "meanAbsoluteError": mean_absolute_error(y_true, y_pred),
                      "explainedVariance": num(explained_variance_score(y_true, y_pred)),
                      "medianAbsoluteError": median_absolute_error(y_true, y_pred)})

    y = rng.randn(100) * 3 + 1
    add("random", y, y + rng.randn(100))
    y = rng.randn(301) * 1e6
    add("largeScaleOddCount", y, y + rng.randn(301) * 1e5)
    add("constantTrueImperfect", [2.5] * 6, [2.5, 2.0, 3.0, 2.5, 2.5, 1.0])
    add("constantTrueExact", [2.5] * 6, [2.5] * 6)
    add("perfect", [1.0, -2.0, 3.5, 4.25], [1.0, -2.0, 3.5, 4.25])
    add("constantOffset", [1.0, 2.0, 4.0, 8.0, 16.0], [3.0, 4.0, 6.0, 10.0, 18.0])
    add("evenCount", [1.0, 5.0, 2.0, 8.0, 3.0, 9.0], [1.5, 4.0, 2.0, 10.0, 2.0, 7.5])
    add("single", [3.0], [5.0])
    add("worseThanMean", [1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    return cases


# MARK: Scorers

class _Fixed(BaseEstimator):
    """Returns stored outputs for the row indices held in x[:, 0]."""

    def __init__(self, classes=None, labels=None, proba=None, decision=None):
        self.classes, self.labels, self.proba, self.decision = classes, labels, proba, decision

    def fit(self, x, y):
        self.classes_ = np.asarray(self.classes)
        return self

    def _rows(self, x):
        return np.asarray(x)[:, 0].astype(int)

    def predict(self, x):
        return np.asarray(self.labels)[self._rows(x)]


class ProbabilisticClassifier(ClassifierMixin, _Fixed):
    def predict_proba(self, x):
        return np.asarray(self.proba)[self._rows(x)]


class DecisionAndProbabilisticClassifier(ProbabilisticClassifier):
    def decision_function(self, x):
        return np.asarray(self.decision)[self._rows(x)]


class DecisionClassifier(ClassifierMixin, _Fixed):
    def decision_function(self, x):
        return np.asarray(self.decision)[self._rows(x)]


class PlainClassifier(ClassifierMixin, _Fixed):
    pass


class FixedRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, values=None):
        self.values = values

    def fit(self, x, y):
        self.fitted_ = True
        return self

    def predict(self, x):
        return np.asarray(self.values)[np.asarray(x)[:, 0].astype(int)]


CLASSIFICATION_SCORERS = ["accuracy", "balanced_accuracy", "neg_log_loss", "roc_auc", "roc_auc_ovr",
                          "roc_auc_ovr_weighted"] + [
    f"{metric}{suffix}" for metric in ("precision", "recall", "f1")
    for suffix in ("", "_micro", "_macro", "_weighted")]
REGRESSION_SCORERS = ["r2", "neg_mean_squared_error", "neg_root_mean_squared_error", "neg_mean_absolute_error",
                      "neg_median_absolute_error", "explained_variance"]


def scorers():
    rng = np.random.RandomState(4)
    models = []

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def add(name, kind, model, y, names):
        n = len(y)
        x = np.arange(n, dtype=float)[:, None]
        model.fit(x, y)
        scores = {}
        for scorer in names:
            scores[scorer] = attempt(lambda: get_scorer(scorer)(model, x, y), errors=(Exception,))
        entry = {"name": name, "kind": kind, "y": [int(v) for v in y] if kind != "regressor" else floats(y),
                 "scores": scores}
        if kind == "regressor":
            entry["predictions"] = floats(model.values)
        else:
            entry["classes"], entry["predictions"] = ints(model.classes), ints(model.labels)
        for key in ("proba", "decision"):
            value = getattr(model, key, None)
            if value is not None:
                value = np.asarray(value, dtype=float)
                entry[key] = floats(value.ravel())
                entry[key + "Columns"] = 1 if value.ndim == 1 else value.shape[1]
        models.append(entry)

    # Binary, probabilities only, labels 0/1.
    y = rng.randint(0, 2, 24)
    proba = softmax(rng.randn(24, 2) + 1.5 * np.eye(2)[y])
    add("binaryProbabilistic", "probabilistic", ProbabilisticClassifier([0, 1], proba.argmax(1), proba), y,
        CLASSIFICATION_SCORERS)
    # Binary with decision function and probabilities (roc_auc must use the decision function).
    decision = rng.randn(24) + y
    add("binaryDecisionAndProbabilistic", "decisionAndProbabilistic",
        DecisionAndProbabilisticClassifier([0, 1], (decision > 0.5).astype(int), proba, decision), y,
        CLASSIFICATION_SCORERS)
    # Binary, decision function only, labels 3 and 7 (precision/recall/f1 binary need pos_label=1: errors).
    y37 = np.where(y == 1, 7, 3)
    add("binaryDecision37", "decision",
        DecisionClassifier([3, 7], np.where(decision > 0.5, 7, 3), decision=decision), y37,
        CLASSIFICATION_SCORERS)
    # Multiclass, probabilities, labels 3/7/9, one class missing from a clipped row.
    y = rng.choice([3, 7, 9], 30)
    proba = softmax(rng.randn(30, 3) + np.eye(3)[np.searchsorted([3, 7, 9], y)])
    proba[0] = [1.0, 0.0, 0.0]
    add("multiclassProbabilistic", "probabilistic",
        ProbabilisticClassifier([3, 7, 9], np.array([3, 7, 9])[proba.argmax(1)], proba), y,
        CLASSIFICATION_SCORERS)
    # Plain classifier: no probabilities, no decision function.
    y = rng.randint(0, 2, 10)
    add("plainClassifier", "plain", PlainClassifier([0, 1], np.where(rng.rand(10) < 0.3, 1 - y, y)), y,
        CLASSIFICATION_SCORERS)
    # Regressor.
    y = rng.randn(40) * 2
    add("regressor", "regressor", FixedRegressor(y + rng.randn(40) * 0.5), y,
        REGRESSION_SCORERS + ["accuracy", "neg_log_loss"])
    return models


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sorted(CLASSIFICATION_SCORERS + REGRESSION_SCORERS)
    assert set(names) <= set(get_scorer_names())
    binary, ovr = roc_cases()
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/metrics_fixtures.py",
               "classification": classification(), "labelled": labelled(), "logLoss": log_loss_cases(),
               "rocAUC": binary, "rocAUCOneVsRest": ovr, "regression": regression(),
               "scorerNames": names, "scorers": scorers()}
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
