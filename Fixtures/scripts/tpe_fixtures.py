"""Writes Fixtures/bayes/tpe_parzen.json for the TPE surrogate's tests: log densities of the
Parzen estimators that BayesSearch(surrogate: .tpe) builds, on fixed observations.

    pip install optuna==5.1.0 scipy && python3 Fixtures/scripts/tpe_fixtures.py

Two kinds of case, on a space whose encoding Learn and Optuna share (floats on [0, 1]; an
integer on 0...4 or 0...39, whose encoded value is (k + 0.5) / 5 or / 40; a choice of three, encoded (i + 0.5) / 3):

- "optuna": Optuna 5's own `_ParzenEstimator` (TPESampler's defaults: prior weight 1, magic clip,
  no endpoints, uniform weights) on a float, an integer and a choice.
- "clipped": the estimator Learn builds by default, which Optuna cannot: the magic clip's floor
  max(0.03, (1 + kernels)^-2) of the range (Watanabe 2023's recommended exponent 2 and floor
  0.03) and "expected improvement" weights max(1e-12, threshold - y) for the observations, the
  prior weighted by their mean. Computed by `log_density` below, which the script first checks
  against Optuna's estimator on the "optuna" cases (to 1e-12), so both cases rest on Optuna's
  formulas.

Each case: {"name", "kind", "dimensions": ["float" | "int5" | "int40" | "choice3", ...], "points": encoded
observations, "values": their objective values ("clipped" cases; the threshold is "threshold"),
"queries": encoded query points, "log_density": one per query}.
"""

import json
import math
import os

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
from scipy.special import log_ndtr, ndtr

OUT = os.path.join(os.path.dirname(__file__), "..", "bayes")
DISTRIBUTIONS = {
    "float": FloatDistribution(0.0, 1.0),
    "int5": IntDistribution(0, 4),
    "int40": IntDistribution(0, 39),
    "choice3": CategoricalDistribution(["a", "b", "c"]),
}


def encode(kind, raw):
    return {"float": raw, "int5": (raw + 0.5) / 5, "int40": (raw + 0.5) / 40, "choice3": (raw + 0.5) / 3}[kind]


def optuna_log_density(dimensions, raw_points, raw_queries):
    space = {f"p{j}": DISTRIBUTIONS[k] for j, k in enumerate(dimensions)}
    observations = {f"p{j}": np.array([p[j] for p in raw_points], dtype=float) for j in range(len(dimensions))}
    parameters = _ParzenEstimatorParameters(
        prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights,
        multivariate=True)
    estimator = _ParzenEstimator(observations, space, parameters)
    queries = {f"p{j}": np.array([q[j] for q in raw_queries], dtype=float) for j in range(len(dimensions))}
    return estimator.log_pdf(queries)


def log_mass(a, b):
    """log(Phi(b) - Phi(a)) for a < b."""
    if b <= 0:
        lb, la = log_ndtr(b), log_ndtr(a)
        return lb + math.log1p(-math.exp(la - lb))
    if a >= 0:
        la, lb = log_ndtr(-a), log_ndtr(-b)
        return la + math.log1p(-math.exp(lb - la))
    return math.log(1 - ndtr(a) - ndtr(-b))


def neighbour_gaps(values):
    order = np.argsort(values, kind="stable")
    padded = np.concatenate([[0.0], np.asarray(values)[order], [1.0]])
    gaps = np.maximum(padded[1:-1] - padded[:-2], padded[2:] - padded[1:-1])
    if len(values) >= 2:
        gaps[0] = padded[2] - padded[1]
        gaps[-1] = padded[-2] - padded[-3]
    result = np.empty(len(values))
    result[order] = gaps
    return result


def log_density(dimensions, points, queries, weights, prior_weight, exponent, floor):
    """The mixture's log density on the [0, 1] encoding: a kernel per point and the prior."""
    n = len(points)
    kernels = n + 1
    w = np.append(np.asarray(weights, dtype=float), prior_weight)
    log_w = np.log(w / w.sum())
    minimum = max(floor, (1.0 + kernels) ** -exponent)
    columns = []
    for j, kind in enumerate(dimensions):
        if kind == "choice3":
            table = np.full((kernels, 3), 1.0 / kernels)
            for k, p in enumerate(points):
                table[k, min(2, int(p[j] * 3))] += 1
            columns.append(("choice", table / table.sum(axis=1, keepdims=True)))
        else:
            values = [p[j] for p in points]
            sigmas = np.clip(neighbour_gaps(values), minimum, 1.0)
            columns.append((kind, np.append(values, 0.5), np.append(sigmas, 1.0)))
    result = []
    for x in queries:
        terms = log_w.copy()
        for j, column in enumerate(columns):
            if column[0] == "choice":
                terms += np.log(column[1][:, min(2, int(x[j] * 3))])
                continue
            kind, mus, sigmas = column
            for k in range(kernels):
                mu, sigma = mus[k], sigmas[k]
                total = log_mass(-mu / sigma, (1 - mu) / sigma)
                if kind == "float":
                    z = (x[j] - mu) / sigma
                    terms[k] += -0.5 * z * z - 0.5 * math.log(2 * math.pi) - math.log(sigma) - total
                else:
                    bins = 5 if kind == "int5" else 40
                    b = min(bins - 1, int(x[j] * bins))
                    terms[k] += log_mass((b / bins - mu) / sigma, ((b + 1) / bins - mu) / sigma) - total
        top = terms.max()
        result.append(float(top + math.log(np.exp(terms - top).sum())))
    return result


def random_case(rng, dimensions, n, m):
    """Observations and queries; an int40 column of the observations has no ties."""
    raw_points, raw_queries = [], []
    for count, target in ((n, raw_points), (m, raw_queries)):
        distinct = {j: rng.permutation(40)[:count] for j, kind in enumerate(dimensions) if kind == "int40"}
        for i in range(count):
            row = []
            for j, kind in enumerate(dimensions):
                if kind == "float":
                    row.append(float(rng.uniform()))
                elif kind == "int40":
                    row.append(int(distinct[j][i]))
                else:
                    row.append(int(rng.integers(5 if kind == "int5" else 3)))
            target.append(row)
    encoded = [[encode(k, v) for k, v in zip(dimensions, row)] for row in raw_points]
    queries = [[encode(k, v) for k, v in zip(dimensions, row)] for row in raw_queries]
    return raw_points, raw_queries, encoded, queries


def main():
    rng = np.random.default_rng(20261207)
    cases = []
    # Optuna sorts with numpy's unstable argsort (on this machine, an AVX-512 sort), so which of
    # tied observations takes which bandwidth is its own; these cases have no ties in numeric
    # columns. Learn breaks ties by observation order (the "clipped" cases have ties).
    for name, dimensions, n in (("mixed-8", ["float", "int40", "choice3"], 8),
                                ("float2-3", ["float", "float"], 3),
                                ("mixed-30", ["float", "float", "int40", "choice3"], 30)):
        raw_points, raw_queries, points, queries = random_case(rng, dimensions, n, 20)
        expected = optuna_log_density(dimensions, raw_points, raw_queries)
        ours = log_density(dimensions, points, queries, default_weights(n), 1.0, exponent=1.0, floor=0.01)
        assert np.allclose(expected, ours, rtol=0, atol=1e-12), (name, np.max(np.abs(expected - np.array(ours))))
        cases.append({"name": name, "kind": "optuna", "dimensions": dimensions, "points": points,
                      "queries": queries, "log_density": [float(v) for v in expected]})
    for name, dimensions, n in (("clipped-6", ["float", "float", "int5"], 6), ("clipped-25", ["float", "int5", "choice3"], 25)):
        _, _, points, queries = random_case(rng, dimensions, n, 20)
        values = sorted(float(v) for v in rng.normal(size=n))
        threshold = values[-1] + float(rng.uniform(0.05, 0.5))
        weights = [max(1e-12, threshold - v) for v in values]
        expected = log_density(dimensions, points, queries, weights, float(np.mean(weights)), exponent=2.0, floor=0.03)
        cases.append({"name": name, "kind": "clipped", "dimensions": dimensions, "points": points, "values": values,
                      "threshold": threshold, "queries": queries, "log_density": expected})
    document = {"versions": {"optuna": optuna.__version__, "numpy": np.__version__}, "cases": cases}
    with open(os.path.join(OUT, "tpe_parzen.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
