"""Writes Fixtures/scikit-learn/preprocessing.json: scikit-learn 1.9.1's scalers, encoders,
imputer and polynomial features on small matrices, for Learn's Preprocessing parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/preprocessing_fixtures.py

Every input matrix is written into the JSON, so the Swift tests read inputs and outputs from one
file. Matrices are {"rows", "columns", "values"} with the values row-major; NaN (a missing value,
or scikit-learn's None in an inverse transform) is written as null, since JSON has no NaN.
Each case names its hyperparameters with Learn's names ("params") so the tests can build the
transformer with `setting(_:)`; `sklearn_kwargs` below translates them.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (LabelEncoder, MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                   PolynomialFeatures, RobustScaler, StandardScaler)

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")


def matrix(a):
    a = np.asarray(a)
    if a.dtype == object:  # inverse transforms that hold None
        a = np.array([[np.nan if v is None else float(v) for v in row] for row in a])
    a = np.asarray(a, dtype=float)
    values = [None if np.isnan(v) else float(v) for v in a.ravel()]
    return {"rows": int(a.shape[0]), "columns": int(a.shape[1]), "values": values}


def vector(a):
    if a is None:
        return None
    return [None if np.isnan(v) else float(v) for v in np.asarray(a, dtype=float).ravel()]


def inputs():
    iris = np.ascontiguousarray(load_iris().data, dtype=float)
    # Awkward columns: constant; negative and repeated; 1e8 and the next double (a variance of
    # about 1e-16 that scikit-learn's _is_constant_feature treats as zero); a large offset; an
    # outlier.
    up = np.nextafter(1e8, 2e8)
    awkward = np.array([
        [3.0, -2.0, 1e8, 1e8 + 0.1, 1.0],
        [3.0, -2.0, up, 1e8 + 0.2, 2.0],
        [3.0, 5.0, 1e8, 1e8 + 0.3, 3.0],
        [3.0, -7.5, up, 1e8 + 0.3, 4.0],
        [3.0, 0.0, up, 1e8 + 0.5, 100.0],
        [3.0, 5.0, 1e8, 1e8 + 0.6, -50.0],
        [3.0, 5.0, 1e8, 1e8 + 0.7, 2.0],
        [3.0, 1.25, up, 1e8 + 0.7, 3.0],
    ])
    awkward_test = np.array([
        [2.0, -10.0, 1e8 - 1.0, 1e8, 150.0],
        [3.0, 6.0, 1e8, 1e8 + 1.0, -60.0],
        [4.5, 0.5, 1e8 + 0.5, 1e8 + 0.4, 2.5],
    ])
    # Category codes: three categories; a binary column; negative and fractional codes; a
    # single-category column.
    codes = np.array([
        [0, 5, -1, 4], [1, 7, 0, 4], [2, 5, 3, 4], [0, 5, 2.5, 4], [1, 7, -1, 4],
        [2, 7, 3, 4], [0, 5, 0, 4], [2, 5, 2.5, 4], [1, 7, 3, 4], [0, 5, -1, 4],
    ], dtype=float)
    codes_unseen = np.array([
        [0, 5, -1, 4], [3, 7, 0, 4], [2, 6, 99, 4], [1, 5, 2.5, 8], [2, 7, 3, 4],
    ], dtype=float)
    nan = np.nan
    # Missing values: scattered; an all-missing column; ties for the most frequent value; a
    # complete column; an even number of observed values (median of two middles).
    missing = np.array([
        [1.0, nan, 2.0, 10.0, 4.0],
        [nan, nan, 2.0, 11.0, nan],
        [3.0, nan, 7.0, 12.5, 1.0],
        [7.5, nan, 7.0, 13.0, nan],
        [nan, nan, 9.0, 10.0, 6.0],
        [-2.0, nan, nan, 11.0, 3.0],
        [3.0, nan, -4.0, 14.0, nan],
    ])
    missing_test = np.array([
        [nan, 1.0, nan, nan, nan],
        [5.0, nan, 3.0, 2.0, 8.0],
        [nan, nan, 2.0, nan, 1.0],
    ])
    poly = np.array([
        [1.5, -2.0, 0.25],
        [0.0, 3.0, -1.0],
        [-0.5, 0.1, 2.0],
        [2.0, 2.0, 2.0],
    ])
    return {"iris": iris, "awkward": awkward, "awkwardTest": awkward_test, "codes": codes,
            "codesUnseen": codes_unseen, "missing": missing, "missingTest": missing_test, "poly": poly}


def sklearn_kwargs(params):
    """Learn's hyperparameter names and values → scikit-learn's keyword arguments."""
    kwargs = {}
    renames = {"withMean": "with_mean", "withStd": "with_std", "clip": "clip",
               "withCentering": "with_centering", "withScaling": "with_scaling",
               "unitVariance": "unit_variance", "handleUnknown": "handle_unknown",
               "unknownValue": "unknown_value", "strategy": "strategy", "fillValue": "fill_value",
               "keepEmptyFeatures": "keep_empty_features", "addIndicator": "add_indicator",
               "interactionOnly": "interaction_only", "includeBias": "include_bias"}
    for name, value in params.items():
        if name in renames:
            kwargs[renames[name]] = value
    if "featureRangeLower" in params:
        kwargs["feature_range"] = (params["featureRangeLower"], params["featureRangeUpper"])
    if "quantileRangeLower" in params:
        kwargs["quantile_range"] = (params["quantileRangeLower"], params["quantileRangeUpper"])
    if "drop" in params:
        kwargs["drop"] = None if params["drop"] == "none" else params["drop"]
    if "degree" in params:
        minimum = params.get("minDegree", 0)
        kwargs["degree"] = params["degree"] if minimum == 0 else (minimum, params["degree"])
    return kwargs


def scaler_cases(data):
    cases = {"standardScaler": [], "minMaxScaler": [], "robustScaler": []}
    standard = [{}, {"withMean": False}, {"withStd": False}, {"withMean": False, "withStd": False}]
    minmax = [{}, {"featureRangeLower": -1.0, "featureRangeUpper": 1.0, "clip": True},
              {"featureRangeLower": -3.5, "featureRangeUpper": 2.0}]
    robust = [{}, {"quantileRangeLower": 10.0, "quantileRangeUpper": 90.0}, {"unitVariance": True},
              {"quantileRangeLower": 10.0, "quantileRangeUpper": 90.0, "unitVariance": True},
              {"withCentering": False}, {"withScaling": False},
              {"quantileRangeLower": 0.0, "quantileRangeUpper": 100.0}]
    for name in ("iris", "awkward"):
        x, test = data[name], data["awkwardTest"] if name == "awkward" else data["iris"][::7]
        for params in standard:
            model = StandardScaler(**sklearn_kwargs(params)).fit(x)
            cases["standardScaler"].append({
                "input": name, "params": params, "mean": vector(model.mean_), "variance": vector(model.var_),
                "scale": vector(model.scale_), "sampleCount": int(model.n_samples_seen_),
                **outputs(model, x, test)})
        for params in minmax:
            model = MinMaxScaler(**sklearn_kwargs(params)).fit(x)
            cases["minMaxScaler"].append({
                "input": name, "params": params, "dataMin": vector(model.data_min_),
                "dataMax": vector(model.data_max_), "dataRange": vector(model.data_range_),
                "scale": vector(model.scale_), "offset": vector(model.min_), **outputs(model, x, test)})
        for params in robust:
            model = RobustScaler(**sklearn_kwargs(params)).fit(x)
            cases["robustScaler"].append({
                "input": name, "params": params, "center": vector(model.center_), "scale": vector(model.scale_),
                **outputs(model, x, test)})
    return cases


def outputs(model, x, test):
    transformed = model.transform(x)
    return {"transformed": matrix(transformed), "test": matrix(test), "testTransformed": matrix(model.transform(test)),
            "inverse": matrix(model.inverse_transform(transformed))}


def encoder_cases(data):
    codes, unseen = data["codes"], data["codesUnseen"]
    names = ["colour", "size", "grade", "const"]
    one_hot = []
    for handle in ("error", "ignore"):
        for drop in ("none", "first", "if_binary"):
            params = {"handleUnknown": handle, "drop": drop}
            model = OneHotEncoder(sparse_output=False, **sklearn_kwargs(params)).fit(codes)
            case = {"params": params, "categories": [c.tolist() for c in model.categories_],
                    "droppedIndices": None if model.drop_idx_ is None else
                    [None if d is None else int(d) for d in model.drop_idx_],
                    "transformed": matrix(model.transform(codes)),
                    "inverse": matrix(model.inverse_transform(model.transform(codes))),
                    "featureNames": model.get_feature_names_out().tolist(),
                    "namedFeatureNames": model.get_feature_names_out(names).tolist()}
            if handle == "ignore":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    encoded = model.transform(unseen)
                case["unseenTransformed"] = matrix(encoded)
                case["unseenInverse"] = matrix(model.inverse_transform(encoded))
            one_hot.append(case)
    ordinal = []
    for params in ({"handleUnknown": "error"}, {"handleUnknown": "use_encoded_value", "unknownValue": -1},
                   {"handleUnknown": "use_encoded_value", "unknownValue": 10}):
        model = OrdinalEncoder(**sklearn_kwargs(params)).fit(codes)
        case = {"params": params, "categories": [c.tolist() for c in model.categories_],
                "transformed": matrix(model.transform(codes)),
                "inverse": matrix(model.inverse_transform(model.transform(codes)))}
        if params["handleUnknown"] != "error":
            encoded = model.transform(unseen)
            case["unseenTransformed"] = matrix(encoded)
            case["unseenInverse"] = matrix(model.inverse_transform(encoded))
        ordinal.append(case)
    strings = ["paris", "tokyo", "paris", "amsterdam", "tokyo", "oslo"]
    ints = [3, -1, 3, 7, 0, -1]
    label = {}
    for key, labels in (("strings", strings), ("ints", ints)):
        model = LabelEncoder().fit(labels)
        label[key] = {"labels": labels, "classes": model.classes_.tolist(),
                      "codes": model.transform(labels).tolist()}
    return {"oneHotEncoder": one_hot, "ordinalEncoder": ordinal, "labelEncoder": label}


def imputer_cases(data):
    x, test = data["missing"], data["missingTest"]
    cases = []
    grid = [{"strategy": s} for s in ("mean", "median", "most_frequent", "constant")]
    grid += [{"strategy": s, "keepEmptyFeatures": True} for s in ("mean", "median", "most_frequent", "constant")]
    grid += [{"strategy": "constant", "fillValue": -1.5}, {"strategy": "constant", "fillValue": -1.5,
                                                            "keepEmptyFeatures": True}]
    grid += [{"strategy": "mean", "addIndicator": True},
             {"strategy": "median", "addIndicator": True, "keepEmptyFeatures": True}]
    for params in grid:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SimpleImputer(**sklearn_kwargs(params)).fit(x)
            transformed = model.transform(x)
            case = {"params": params, "statistics": vector(np.asarray(model.statistics_, dtype=float)),
                    "transformed": matrix(transformed), "testTransformed": matrix(model.transform(test)),
                    "featureNames": model.get_feature_names_out().tolist()}
            if params.get("addIndicator"):
                case["indicatorFeatures"] = model.indicator_.features_.tolist()
                if not params.get("keepEmptyFeatures"):
                    # scikit-learn's inverse_transform fails (IndexError) when a kept feature was
                    # entirely missing: it takes an all-ones indicator to mean "not in the output".
                    case["inverse"] = matrix(model.inverse_transform(transformed))
        cases.append(case)
    return cases


def polynomial_cases(data):
    x = data["poly"]
    grid = [{}, {"degree": 3}, {"degree": 2, "interactionOnly": True}, {"degree": 3, "includeBias": False},
            {"degree": 3, "minDegree": 2}, {"degree": 3, "minDegree": 2, "includeBias": False},
            {"degree": 0}, {"degree": 1}, {"degree": 4, "interactionOnly": True},
            {"degree": 4, "minDegree": 3, "interactionOnly": True, "includeBias": False}]
    cases = []
    for params in grid:
        model = PolynomialFeatures(**sklearn_kwargs(params)).fit(x)
        cases.append({"params": params, "transformed": matrix(model.transform(x)),
                      "powers": model.powers_.tolist(), "outputFeatureCount": int(model.n_output_features_),
                      "featureNames": model.get_feature_names_out().tolist(),
                      "namedFeatureNames": model.get_feature_names_out(["a", "b", "c"]).tolist()})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    data = inputs()
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/preprocessing_fixtures.py",
               "inputs": {name: matrix(a) for name, a in data.items()},
               **scaler_cases(data), **encoder_cases(data),
               "simpleImputer": imputer_cases(data), "polynomialFeatures": polynomial_cases(data)}
    with open(os.path.join(OUT, "preprocessing.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
