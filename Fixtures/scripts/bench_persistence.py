"""Save and load times and file sizes of scikit-learn models with pickle, joblib and skops, the
peers of Learn's `Benchmarks persistence` (Sources/Benchmarks/PersistenceBenchmarks.swift): a
100-tree random forest and an MLP(100,) fitted on digits, random_state=0. Saving writes the file
and fsyncs it, as Learn's durable write does; loading reads it back. One JSON line per model and
library, medians of --repeats runs.

    /work/venv/bin/python Fixtures/scripts/bench_persistence.py --repeats 7
"""

import argparse
import json
import os
import pickle
import statistics
import tempfile
import time
import warnings

import joblib
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.neural_network import MLPClassifier

try:
    import skops.io as sio
except ImportError:  # skops is optional
    sio = None


def durable_write(path, data):
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def libraries():
    def pickle_save(model, path):
        durable_write(path, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))

    def pickle_load(path):
        with open(path, "rb") as f:
            return pickle.load(f)

    def joblib_save(model, path):
        joblib.dump(model, path)
        with open(path, "rb+") as f:
            os.fsync(f.fileno())

    result = [("pickle", pickle_save, pickle_load), ("joblib", joblib_save, joblib.load)]
    if sio is not None:
        def skops_save(model, path):
            durable_write(path, sio.dumps(model))

        def skops_load(path):
            with open(path, "rb") as f:
                data = f.read()
            return sio.loads(data, trusted=sio.get_untrusted_types(data=data))

        result.append(("skops", skops_save, skops_load))
    return result


def median_seconds(body, repeats):
    body()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    x, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = [
            ("RandomForestClassifier(100)", RandomForestClassifier(100, random_state=0).fit(x, y)),
            ("MLPClassifier(100,)", MLPClassifier((100,), random_state=0).fit(x, y)),
        ]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.bin")
        for name, model in models:
            for library, save, load in libraries():
                for _ in range(3):  # warm up, as the Swift side does
                    save(model, path)
                    load(path)
                save_seconds = median_seconds(lambda: save(model, path), args.repeats)
                load_seconds = median_seconds(lambda: load(path), args.repeats)
                same = bool((load(path).predict(x) == model.predict(x)).all())
                print(json.dumps({"benchmark": "persistence", "model": name, "library": library,
                                  "save_seconds": save_seconds, "load_seconds": load_seconds,
                                  "bytes": os.path.getsize(path), "same_predictions": same}))


if __name__ == "__main__":
    main()
