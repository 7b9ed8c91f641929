"""The "onedal" family of issue 20 with Intel's scikit-learn-intelex (oneDAL) patched in: random
forests (100 trees), SVC (RBF) and logistic regression, standardised where Learn's rows are, on
digits and synth20k, and 5-fold grid searches over each on digits, on a given number of threads. The names match Learn's Benchmarks target
(Sources/Benchmarks/OneDALBenchmarks.swift); `compare_benchmarks.py onedal` interleaves the sides.

    /work/venv/bin/pip install scikit-learn-intelex     # once, in the venv
    /work/venv/bin/python Fixtures/scripts/bench_sklearnex.py --threads 1 [--runs 1]

oneDAL's thread count is pinned with daal4py.daalinit(threads) (and OMP/MKL/OpenBLAS to the same);
the forests also get n_jobs=threads. The searches evaluate their candidates one after another
(n_jobs=1, oneDAL's threads inside each fit; joblib's worker processes would not inherit the
thread pinning), where Learn's run candidates on its search workers. oneDAL's forests bin each feature (at most 256 bins) where
scikit-learn's and Learn's split on exact values, so their accuracies may differ a little.
"""
import argparse
import os
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, required=True)
parser.add_argument("--runs", type=int)
parser.add_argument("--estimator")
args = parser.parse_args()
for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[name] = str(args.threads)

import daal4py  # noqa: E402
from sklearnex import patch_sklearn  # noqa: E402

daal4py.daalinit(args.threads)
patch_sklearn(verbose=False)

import json  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_sklearn import load, run_once  # noqa: E402

suffix = f" [{args.threads} thread{'' if args.threads == 1 else 's'}]"
FACTORIES = [
    ("RandomForestClassifier(100)", lambda: RandomForestClassifier(100, n_jobs=args.threads, random_state=0)),
    ("SVC(rbf)+scaler", lambda: make_pipeline(StandardScaler(), SVC(kernel="rbf"))),
    ("LogisticRegression+scaler", lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))),
]
# 5-fold (stratified, unshuffled) grid searches on digits, refit included: Learn's
# GridSearchCV(SVC,16x5) grid on the raw pixels (as the search family's), the forest's max_features,
# and the logistic regression's C behind the scaler.
SEARCHES = [
    ("GridSearchCV(SVC,16x5)", lambda: GridSearchCV(SVC(), {"C": [0.1, 1, 10, 100], "gamma": [1e-4, 1e-3, 1e-2, 1e-1]}, cv=5)),
    ("GridSearchCV(RF100,maxFeatures,2x5)", lambda: GridSearchCV(
        RandomForestClassifier(100, n_jobs=args.threads, random_state=0), {"max_features": ["sqrt", "log2"]}, cv=5)),
    ("GridSearchCV(LogisticRegression+scaler,C,3x5)", lambda: GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), {"logisticregression__C": [0.1, 1, 10]}, cv=5)),
]

for dataset in ("digits", "synth20k"):
    data = load(dataset)
    for name, factory in FACTORIES + (SEARCHES if dataset == "digits" else []):
        if args.estimator and args.estimator != name + suffix:
            continue
        runs = [run_once(factory, data, True)]
        count = args.runs or (7 if runs[0][0] < 0.5 else 3)
        runs += [run_once(factory, data, True) for _ in range(count - 1)]
        print(json.dumps({"benchmark": "estimator", "family": "onedal", "estimator": name + suffix, "dataset": dataset,
                          "fit_ms": round(float(np.median([r[0] for r in runs])) * 1000, 3),
                          "predict_ms": round(float(np.median([r[1] for r in runs])) * 1000, 3),
                          "metric": "accuracy", "score": round(runs[0][2], 6), "runs": len(runs),
                          "library": "sklearnex"}), flush=True)
