"""Times scikit-learn estimators on the benchmark datasets, in the Benchmarks target's format.

    python3 Fixtures/scripts/benchmark_data.py          # once: writes .build/benchmark-data/
    python3 Fixtures/scripts/bench_sklearn.py --family linear [--estimator NAME]

Each family's estimators are listed in bench_sklearn_<family>*.py files as BENCHMARKS, a list of
(estimator name, dataset, factory) with the same names as Learn's Benchmarks target. Protocol, as
in shared/reference/anchors.md: BLAS single-threaded, one timed run; if the fit took under 0.5 s,
seven runs, otherwise three; medians reported.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import glob  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, r2_score  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.environ.get("LEARN_BENCHMARK_DATA", os.path.join(ROOT, ".build", "benchmark-data"))
FAMILIES = ["dummy", "linear", "svm", "trees", "mlp", "search"]


def load(name):
    def read(part):
        table = np.loadtxt(os.path.join(DATA, f"{name}_{part}.csv"), delimiter=",", skiprows=1)
        return table[:, :-1], table[:, -1]

    return read("train"), read("test")


def run_once(factory, data, classification):
    (x_train, y_train), (x_test, y_test) = data
    if classification:
        y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    model = factory()
    start = time.perf_counter()
    model.fit(x_train, y_train)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(x_test)
    predict = time.perf_counter() - start
    score = accuracy_score(y_test, predicted) if classification else r2_score(y_test, predicted)
    return fit, predict, score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--family", choices=FAMILIES)
    parser.add_argument("--estimator")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(__file__))
    for family in [args.family] if args.family else FAMILIES:
        files = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), f"bench_sklearn_{family}*.py")))
        entries = [entry for f in files
                   for entry in importlib.import_module(os.path.basename(f)[:-3]).BENCHMARKS]
        for name, dataset, factory, classification in entries:
            if args.estimator and name != args.estimator:
                continue
            data = load(dataset)
            runs = [run_once(factory, data, classification)]
            count = 7 if runs[0][0] < 0.5 else 3
            runs += [run_once(factory, data, classification) for _ in range(count - 1)]
            print(json.dumps({"benchmark": "estimator", "family": family, "estimator": name, "dataset": dataset,
                              "fit_ms": round(float(np.median([r[0] for r in runs])) * 1000, 3),
                              "predict_ms": round(float(np.median([r[1] for r in runs])) * 1000, 3),
                              "metric": "accuracy" if classification else "r2",
                              "score": round(runs[0][2], 6), "runs": len(runs)}), flush=True)


if __name__ == "__main__":
    main()
