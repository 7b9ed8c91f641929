"""The integer margin of the `cmaes` package's CMAwM (CMA-ES with margin), the reference for
Learn's IntegerMargin: for random means, step sizes and covariances, the mean and the scale A
after the margin's correction. Only the correction runs (the CMA update is replaced by a no-op),
so the figures test the margin itself. Coordinates are Learn's unit cube: an integer with n
values has them at (k + 0.5)/n, a step of 1/n.

    /work/venv/bin/python Fixtures/scripts/cma_margin_fixture.py > Fixtures/evolution/cma_margin.json
"""
import json

import numpy as np
from cmaes import CMAwM

def case(rng, counts, population):
    dim = len(counts)
    bounds, steps = [], []
    for n in counts:
        if n:
            bounds.append([0.5 / n, (n - 0.5) / n])
            steps.append(1.0 / n)
        else:
            bounds.append([0.0, 1.0])
            steps.append(0.0)
    mean = rng.uniform(0.02, 0.98, dim)
    if rng.uniform() < 0.5:  # some means in an end cell, near its inner edge
        k = rng.integers(dim)
        if counts[k]:
            mean[k] = rng.uniform(0.0, 1.0 / counts[k])
    inside = np.clip(mean, np.array(bounds)[:, 0], np.array(bounds)[:, 1])
    optimizer = CMAwM(mean=inside, sigma=0.3, bounds=np.array(bounds), steps=np.array(steps),
                      population_size=population, seed=1)
    sigma = float(10 ** rng.uniform(-3, -0.5))
    factor = rng.normal(size=(dim, dim))
    cov = factor @ factor.T / dim + 0.1 * np.eye(dim)
    optimizer._cma._mean = mean.copy()
    optimizer._cma._sigma = sigma
    optimizer._cma._C = cov
    optimizer._cma.tell = lambda solutions: None
    optimizer.tell([])
    first = {"corrected_mean": optimizer._cma._mean.tolist(), "scale": optimizer._A.tolist()}
    # A second correction carries the first's scale A: a smaller step, another covariance.
    sigma2 = sigma * float(rng.uniform(0.05, 0.8))
    factor = rng.normal(size=(dim, dim))
    cov2 = factor @ factor.T / dim + 0.1 * np.eye(dim)
    optimizer._cma._sigma = sigma2
    optimizer._cma._C = cov2
    optimizer.tell([])
    return {"counts": counts, "population": population, "mean": mean.tolist(), "sigma": sigma,
            "diagonal": np.diag(cov).tolist(), "margin": optimizer.margin, **first,
            "sigma2": sigma2, "diagonal2": np.diag(cov2).tolist(),
            "corrected_mean2": optimizer._cma._mean.tolist(), "scale2": optimizer._A.tolist()}

def main():
    rng = np.random.default_rng(2026)
    layouts = [[5, 21, 0], [2, 2, 2, 0, 0], [3, 0], [11, 4, 0, 7]]
    cases = [case(rng, layouts[i % len(layouts)], 6 + i % 5) for i in range(40)]
    print(json.dumps({"source": "cmaes 0.13.1 CMAwM.tell (margin correction only)", "cases": cases}, indent=1))

if __name__ == "__main__":
    main()
