"""Writes the benchmark datasets, split once, as CSV under .build/benchmark-data/ (not committed):
both Learn's Benchmarks target and the scikit-learn reference scripts read these files, so both
sides fit the same rows and score the same rows.

    python3 Fixtures/scripts/benchmark_data.py

Datasets (each as <name>_train.csv and <name>_test.csv, last column "target"):
- digits: load_digits, stratified 75/25 split (random_state=0): 1347 / 450.
- synth20k: make_classification(20000, 40, n_informative=10, n_redundant=10, random_state=0),
  first 15000 rows train, last 5000 test.
- cancer_like: make_classification(569, 30, n_informative=10, n_redundant=10, class_sep=1.5,
  weights=[0.63], random_state=0) (breast-cancer-sized), stratified 75/25 split.
- diabetes: load_diabetes, 75/25 split (random_state=0): 331 / 111.
- regression20k: make_regression(20000, 40, n_informative=20, noise=10, random_state=0),
  first 15000 rows train, last 5000 test.
"""

import os

import numpy as np
from sklearn.datasets import load_diabetes, load_digits, make_classification, make_regression
from sklearn.model_selection import train_test_split

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, ".build", "benchmark-data")


def save(name, x_train, x_test, y_train, y_test, integer_target):
    header = ",".join([f"x{j}" for j in range(x_train.shape[1])] + ["target"])
    for part, xs, ys in (("train", x_train, y_train), ("test", x_test, y_test)):
        target = ys.astype(np.int64) if integer_target else ys
        data = np.column_stack([xs, target])
        fmt = ["%.17g"] * xs.shape[1] + (["%d"] if integer_target else ["%.17g"])
        np.savetxt(os.path.join(OUT, f"{name}_{part}.csv"), data, delimiter=",", header=header, comments="", fmt=fmt)


def main():
    os.makedirs(OUT, exist_ok=True)
    digits = load_digits()
    save("digits", *train_test_split(digits.data, digits.target, test_size=0.25, stratify=digits.target,
                                      random_state=0), integer_target=True)
    x, y = make_classification(20000, 40, n_informative=10, n_redundant=10, random_state=0)
    save("synth20k", x[:15000], x[15000:], y[:15000], y[15000:], integer_target=True)
    x, y = make_classification(569, 30, n_informative=10, n_redundant=10, class_sep=1.5, weights=[0.63],
                               random_state=0)
    save("cancer_like", *train_test_split(x, y, test_size=0.25, stratify=y, random_state=0), integer_target=True)
    diabetes = load_diabetes()
    save("diabetes", *train_test_split(diabetes.data, diabetes.target, test_size=0.25, random_state=0),
         integer_target=False)
    x, y = make_regression(20000, 40, n_informative=20, noise=10, random_state=0)
    save("regression20k", x[:15000], x[15000:], y[:15000], y[15000:], integer_target=False)
    print(OUT)


if __name__ == "__main__":
    main()
