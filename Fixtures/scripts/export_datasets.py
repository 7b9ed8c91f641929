"""Exports scikit-learn 1.9.1's bundled datasets to Fixtures/datasets/ as CSV, once.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/export_datasets.py

Writes iris.csv (string labels), digits.csv (integer labels), diabetes.csv (regression; the scaled
features load_diabetes returns by default), and summary.json (shapes, column sums, class counts)
that the Swift tests check the loaded data against.
"""

import csv
import json
import os

import numpy as np
import sklearn
from sklearn import datasets

OUT = os.path.join(os.path.dirname(__file__), "..", "datasets")


def cell(v):
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def export(name, x, y, feature_names, target_name, target_cells):
    path = os.path.join(OUT, name + ".csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(feature_names) + [target_name])
        for row, t in zip(x, target_cells):
            w.writerow([cell(v) for v in row] + [t])
    summary = {"rows": int(x.shape[0]), "columns": int(x.shape[1]), "featureNames": list(feature_names),
               "targetName": target_name, "columnSums": [float(s) for s in x.sum(axis=0)],
               "targetSum": float(np.asarray(y, dtype=np.float64).sum())}
    return summary


def main():
    os.makedirs(OUT, exist_ok=True)
    summaries = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/export_datasets.py"}

    iris = datasets.load_iris()
    names = [n.replace(" (cm)", "").replace(" ", "_") for n in iris.feature_names]
    species = [str(iris.target_names[t]) for t in iris.target]
    summaries["iris"] = export("iris", iris.data, iris.target, names, "species", species)
    summaries["iris"]["classNames"] = [str(n) for n in iris.target_names]

    digits = datasets.load_digits()
    summaries["digits"] = export("digits", digits.data, digits.target, digits.feature_names, "digit",
                                 [str(int(t)) for t in digits.target])
    summaries["digits"]["classCounts"] = [int(c) for c in np.bincount(digits.target)]

    diabetes = datasets.load_diabetes()
    summaries["diabetes"] = export("diabetes", diabetes.data, diabetes.target, diabetes.feature_names,
                                   "progression", [cell(t) for t in diabetes.target])

    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summaries, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
