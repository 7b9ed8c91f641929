"""Writes Fixtures/scikit-learn/trees.json: scikit-learn 1.9.1's decision trees and forests, for
Learn's Trees parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/tree_fixtures.py

Single trees ("trees"): every case is fitted with random_state 0..59 and must give the same tree each
time (same split features, thresholds and children), so the expected structure does not depend on
how ties between equally good splits are broken. Plain iris has such ties (petal length and petal
width both isolate setosa at the root), so the iris cases use a deterministically perturbed copy:
iris + N(0, 0.25) noise from numpy's RandomState(4), rounded to 2 decimals, stored in the fixture.
Diabetes is used as it is (Fixtures/datasets/diabetes.csv, checked equal to load_diabetes here).

Forests ("forests"): test accuracy or R² of scikit-learn's forests on the benchmark splits of
digits, cancer_like and diabetes (the splits of benchmark_data.py, stored here as row indices; the
cancer_like features are rounded to 4 decimals and stored), for random_state 0..4 and 0..19.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_digits, load_iris, make_classification
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "scikit-learn")
DATASETS = os.path.join(HERE, "..", "datasets")

# Learn's hyperparameter names for scikit-learn's.
LEARN_NAMES = {"criterion": "criterion", "max_depth": "maxDepth", "min_samples_split": "minSamplesSplit",
               "min_samples_leaf": "minSamplesLeaf", "max_leaf_nodes": "maxLeafNodes", "ccp_alpha": "ccpAlpha",
               "min_impurity_decrease": "minImpurityDecrease", "class_weight": "classWeight",
               "n_estimators": "nEstimators", "splitter": "splitter", "max_features": "maxFeatures"}


def learn_parameters(params):
    out = {}
    for key, value in params.items():
        if key == "class_weight" and isinstance(value, dict):
            value = ",".join(f"{k}:{float(v)}" for k, v in sorted(value.items()))
        out[LEARN_NAMES[key]] = value
    return out


def perturbed_iris():
    iris = load_iris()
    rng = np.random.RandomState(4)
    return np.round(iris.data + rng.normal(0, 0.25, iris.data.shape), 2), iris.target


def signature(model):
    t = model.tree_
    return (t.feature.tobytes(), t.threshold.tobytes(), t.children_left.tobytes(), t.children_right.tobytes())


def tree_case(name, dataset, cls, x, y, params):
    signatures = {signature(cls(random_state=rs, **params).fit(x, y)) for rs in range(60)}
    assert len(signatures) == 1, f"{name}: scikit-learn's tree depends on random_state ({len(signatures)} trees)"
    model = cls(random_state=0, **params).fit(x, y)
    t = model.tree_
    case = {"name": name, "dataset": dataset, "parameters": learn_parameters(params),
            "feature": t.feature.tolist(), "threshold": t.threshold.tolist(),
            "left": t.children_left.tolist(), "right": t.children_right.tolist(),
            "value": t.value[:, 0, :].ravel().tolist(), "impurity": t.impurity.tolist(),
            "sampleCount": t.n_node_samples.tolist(), "weightedSampleCount": t.weighted_n_node_samples.tolist(),
            "apply": model.apply(x).tolist(), "featureImportances": model.feature_importances_.tolist(),
            "depth": int(model.get_depth()), "leafCount": int(model.get_n_leaves())}
    if cls is DecisionTreeClassifier:
        case["predictions"] = model.predict(x).astype(float).tolist()
        case["probabilities"] = model.predict_proba(x).ravel().tolist()
    else:
        case["predictions"] = model.predict(x).tolist()
    if params.get("ccp_alpha", 0) == 0 and cls is DecisionTreeRegressor:
        path = model.cost_complexity_pruning_path(x, y)
        case["pruningAlphas"] = path.ccp_alphas.tolist()
        case["pruningImpurities"] = path.impurities.tolist()
    return case


def check_builtin(name, data, target, columns):
    table = np.loadtxt(os.path.join(DATASETS, f"{name}.csv"), delimiter=",", skiprows=1)
    assert table.shape == (data.shape[0], columns + 1)
    assert np.array_equal(table[:, :-1], data) and np.array_equal(table[:, -1], target), name


def main():
    os.makedirs(OUT, exist_ok=True)
    iris_x, iris_y = perturbed_iris()
    diabetes, digits = load_diabetes(), load_digits()
    check_builtin("diabetes", diabetes.data, diabetes.target, 10)
    check_builtin("digits", digits.data, digits.target, 64)

    trees = [
        tree_case("iris-gini-depth4", "iris", DecisionTreeClassifier, iris_x, iris_y, {"max_depth": 4}),
        tree_case("iris-entropy-depth4", "iris", DecisionTreeClassifier, iris_x, iris_y,
                  {"criterion": "entropy", "max_depth": 4}),
        tree_case("iris-leaf3", "iris", DecisionTreeClassifier, iris_x, iris_y, {"min_samples_leaf": 3}),
        tree_case("iris-bestfirst8", "iris", DecisionTreeClassifier, iris_x, iris_y, {"max_leaf_nodes": 8}),
        tree_case("iris-ccp", "iris", DecisionTreeClassifier, iris_x, iris_y,
                  {"ccp_alpha": 0.01, "min_samples_leaf": 2}),
        tree_case("iris-classweight", "iris", DecisionTreeClassifier, iris_x, iris_y,
                  {"class_weight": {0: 1, 1: 2, 2: 0.5}, "max_depth": 4}),
        tree_case("iris-balanced-split0.1", "iris", DecisionTreeClassifier, iris_x, iris_y,
                  {"class_weight": "balanced", "min_samples_split": 0.1}),
        tree_case("diabetes-squared-depth5", "diabetes", DecisionTreeRegressor, diabetes.data, diabetes.target,
                  {"max_depth": 5, "min_samples_leaf": 5}),
        tree_case("diabetes-absolute-depth3", "diabetes", DecisionTreeRegressor, diabetes.data, diabetes.target,
                  {"criterion": "absolute_error", "max_depth": 3, "min_samples_leaf": 10}),
        tree_case("diabetes-bestfirst12", "diabetes", DecisionTreeRegressor, diabetes.data, diabetes.target,
                  {"max_leaf_nodes": 12}),
        tree_case("diabetes-ccp", "diabetes", DecisionTreeRegressor, diabetes.data, diabetes.target,
                  {"ccp_alpha": 20.0, "min_samples_leaf": 8}),
        tree_case("diabetes-impurity-decrease", "diabetes", DecisionTreeRegressor, diabetes.data, diabetes.target,
                  {"min_impurity_decrease": 30.0, "min_samples_leaf": 4}),
    ]

    # Forests on the benchmark splits (benchmark_data.py).
    n_digits, n_diabetes = digits.data.shape[0], diabetes.data.shape[0]
    digits_train, digits_test = train_test_split(np.arange(n_digits), test_size=0.25, stratify=digits.target,
                                                 random_state=0)
    diabetes_train, diabetes_test = train_test_split(np.arange(n_diabetes), test_size=0.25, random_state=0)
    cancer_x, cancer_y = make_classification(569, 30, n_informative=10, n_redundant=10, class_sep=1.5,
                                             weights=[0.63], random_state=0)
    cancer_x = np.round(cancer_x, 4)
    cancer_train, cancer_test = train_test_split(np.arange(569), test_size=0.25, stratify=cancer_y, random_state=0)
    data = {"digits": (digits.data, digits.target, digits_train, digits_test),
            "diabetes": (diabetes.data, diabetes.target, diabetes_train, diabetes_test),
            "cancer_like": (cancer_x, cancer_y, cancer_train, cancer_test)}
    forests = []
    for cls, dataset, params in [
        (RandomForestClassifier, "digits", {"n_estimators": 30}),
        (RandomForestClassifier, "cancer_like", {"n_estimators": 30}),
        (ExtraTreesClassifier, "digits", {"n_estimators": 30}),
        (ExtraTreesClassifier, "cancer_like", {"n_estimators": 30}),
        (RandomForestRegressor, "diabetes", {"n_estimators": 30}),
        (ExtraTreesRegressor, "diabetes", {"n_estimators": 30}),
    ]:
        x, y, train, test = data[dataset]
        classification = cls in (RandomForestClassifier, ExtraTreesClassifier)
        scores = []
        for seed in range(20):
            model = cls(random_state=seed, n_jobs=2, **params).fit(x[train], y[train])
            predicted = model.predict(x[test])
            scores.append(accuracy_score(y[test], predicted) if classification else r2_score(y[test], predicted))
        forests.append({"estimator": cls.__name__, "dataset": dataset, "parameters": learn_parameters(params),
                        "metric": "accuracy" if classification else "r2", "scores": scores,
                        "meanOfFirst5": float(np.mean(scores[:5])), "meanOf20": float(np.mean(scores))})
        print(f"{cls.__name__:24s} {dataset:12s} mean5 {np.mean(scores[:5]):.4f} mean20 {np.mean(scores):.4f} "
              f"std {np.std(scores):.4f}")

    payload = {
        "scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/tree_fixtures.py",
        "iris": {"x": iris_x.ravel().tolist(), "y": iris_y.tolist(), "columns": 4},
        "trees": trees,
        "cancerLike": {"x": cancer_x.ravel().tolist(), "y": cancer_y.tolist(), "columns": 30},
        "splits": {name: {"train": d[2].tolist(), "test": d[3].tolist()} for name, d in data.items()},
        "forests": forests,
    }
    with open(os.path.join(OUT, "trees.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
