#!/usr/bin/env python3
"""The `cmaes` package (what Optuna's CmaEsSampler runs) on the functions of issue 18, for the
`Benchmarks cmaes` comparison: per seed, the evaluations needed to reach f < 1e-8 on a sphere
and f < 1e-6 on Rosenbrock (d = 10, box [-5, 5]^10), and the regret on Hartmann-6 ([0, 1]^6)
after 200 evaluations. Every run starts at the box's centre with sigma = width / 6 and the
package's default population, the box as bounds (resampling then clipping), as Learn's
CMAESSearch does in its unit cube.

    python3 Fixtures/scripts/bench_cmaes.py [--seeds 0-9]

Prints one JSON object per (function, seed).
"""
import argparse
import json
import math

import numpy as np
from cmaes import CMA

HARTMANN_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                       [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HARTMANN_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                              [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HARTMANN_MIN = -3.32237


def sphere(x):
    return float(np.sum((x - 1.5) ** 2))


def rosenbrock(x):
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def hartmann6(x):
    return float(-np.sum(HARTMANN_ALPHA * np.exp(-np.sum(HARTMANN_A * (x - HARTMANN_P) ** 2, axis=1))))


def run(function, low, high, dimension, seed, target=None, budget=200, cap=30_000):
    bounds = np.array([[low, high]] * dimension)
    optimizer = CMA(mean=np.full(dimension, (low + high) / 2), sigma=(high - low) / 6, bounds=bounds, seed=seed)
    evaluations, best = 0, math.inf
    while evaluations < cap:
        solutions = []
        for _ in range(optimizer.population_size):
            x = optimizer.ask()
            value = function(x)
            evaluations += 1
            best = min(best, value)
            if target is not None and best < target:
                return evaluations, best
            if target is None and evaluations == budget:
                return evaluations, best
            solutions.append((x, value))
        optimizer.tell(solutions)
    return None, best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0-9")
    args = parser.parse_args()
    first, last = (int(v) for v in args.seeds.split("-"))
    for seed in range(first, last + 1):
        n, best = run(sphere, -5, 5, 10, seed, target=1e-8)
        print(json.dumps({"benchmark": "cmaes", "library": "cmaes", "function": "sphere10", "seed": seed,
                          "evaluations": n, "best": best}))
        n, best = run(rosenbrock, -5, 5, 10, seed, target=1e-6)
        print(json.dumps({"benchmark": "cmaes", "library": "cmaes", "function": "rosenbrock10", "seed": seed,
                          "evaluations": n, "best": best}))
        _, best = run(hartmann6, 0, 1, 6, seed, budget=200)
        print(json.dumps({"benchmark": "cmaes", "library": "cmaes", "function": "hartmann6", "seed": seed,
                          "evaluations": 200, "regret": best - HARTMANN_MIN}))


if __name__ == "__main__":
    main()
