"""Writes Fixtures/bayes/gp_posterior.json and Fixtures/bayes/sobol.json for BayesSearchCV's
surrogate tests: scikit-learn 1.9.1's GaussianProcessRegressor posterior (fixed Matern-5/2 ARD
kernel, normalize_y=True) on three small problems, and scipy's unscrambled Sobol points.

    pip install scikit-learn==1.9.1 scipy && python3 Fixtures/scripts/bayes_fixtures.py

gp_posterior.json: {"versions": {...}, "cases": [{"name", "X", "y", "length_scales",
"signal_variance", "noise", "X_test", "mean", "std", "log_marginal_likelihood", "y_mean", "y_std"}]}.
"std" is the latent function's posterior standard deviation (return_std=True, no noise term), in
y's units; "log_marginal_likelihood" is of the standardised y (y - y_mean) / y_std, where y_std is
numpy's population standard deviation (ddof=0).

sobol.json: {"dimensions": 21, "points": 64 rows}, scipy.stats.qmc.Sobol(d=21, scramble=False).
"""

import json
import os

import numpy as np
import scipy
import sklearn
from scipy.stats import qmc
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

OUT = os.path.join(os.path.dirname(__file__), "..", "bayes")


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def rows(a):
    return [floats(row) for row in np.asarray(a, dtype=np.float64)]


def gp_case(name, x, y, x_test, length_scales, signal_variance, noise):
    kernel = ConstantKernel(signal_variance, "fixed") * Matern(
        length_scale=length_scales, length_scale_bounds="fixed", nu=2.5)
    gpr = GaussianProcessRegressor(kernel=kernel, alpha=noise, optimizer=None, normalize_y=True).fit(x, y)
    mean, std = gpr.predict(x_test, return_std=True)
    return {"name": name, "X": rows(x), "y": floats(y),
            "length_scales": floats(length_scales), "signal_variance": float(signal_variance),
            "noise": float(noise), "X_test": rows(x_test), "mean": floats(mean), "std": floats(std),
            "log_marginal_likelihood": float(gpr.log_marginal_likelihood_value_),
            "y_mean": float(np.ravel(gpr._y_train_mean)[0]), "y_std": float(np.ravel(gpr._y_train_std)[0])}


def gp_cases():
    cases = []
    # Case 1: d=2, n=12, a smooth surface, nearly noiseless (alpha 1e-4).
    rng = np.random.RandomState(0)
    x = rng.uniform(size=(12, 2))
    y = np.sin(3.0 * x[:, 0]) + np.cos(2.0 * x[:, 1]) + x[:, 0] * x[:, 1] + 0.01 * rng.normal(size=12)
    x_test = rng.uniform(size=(15, 2))
    cases.append(gp_case("d2_n12", x, y, x_test, [0.3, 0.5], 1.0, 1e-4))
    # Case 2: d=4, n=25, anisotropic length scales, a non-unit signal variance, alpha 1e-2.
    rng = np.random.RandomState(1)
    x = rng.uniform(size=(25, 4))
    y = (np.sin(2.0 * np.pi * x[:, 0]) + 0.5 * x[:, 1] ** 2 - x[:, 2] + 0.1 * np.cos(5.0 * x[:, 3])
         + 0.05 * rng.normal(size=25))
    x_test = rng.uniform(size=(15, 4))
    cases.append(gp_case("d4_n25", x, y, x_test, [0.25, 0.6, 1.0, 2.0], 2.5, 1e-2))
    # Case 3: d=3, n=8, rows 6 and 7 repeat rows 1 and 3 with different y (the kernel matrix is
    # singular without alpha, 1e-6 here); the first two test points are the duplicated rows.
    rng = np.random.RandomState(2)
    x = rng.uniform(size=(8, 3))
    x[6], x[7] = x[1], x[3]
    y = rng.normal(size=8)
    x_test = np.vstack([x[1], x[3], rng.uniform(size=(13, 3))])
    cases.append(gp_case("d3_n8_duplicates", x, y, x_test, [0.4, 0.7, 0.5], 0.7, 1e-6))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    out = {"versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                        "script": "Fixtures/scripts/bayes_fixtures.py"},
           "cases": gp_cases()}
    with open(os.path.join(OUT, "gp_posterior.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    points = qmc.Sobol(d=21, scramble=False).random(64)
    with open(os.path.join(OUT, "sobol.json"), "w") as f:
        json.dump({"dimensions": 21, "scipy": scipy.__version__, "points": rows(points)}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
