"""Runs the Bayesian-optimisation peers of BayesSearchCV (Optuna's GP and TPE samplers,
scikit-optimize's gp_minimize, SMAC3's BlackBoxFacade, and uniform random search) on Branin and
Hartmann-6, and prints one JSON object per line, the schema compare_bayes.py reads.

    pip install optuna torch scikit-optimize cmaes scipy smac   # torch: the CPU-only build
    python3 Fixtures/scripts/bayes_peers.py [--problems branin,hartmann6] [--optimizers optuna_gp,...]
        [--seeds 0-9] [--evals 50] [--out FILE]
    python3 Fixtures/scripts/bayes_peers.py --timing --observations 50,200 [--optimizers ...]
    python3 Fixtures/scripts/bayes_peers.py --check      # the test functions at their minimisers

Quality mode prints, per (problem, optimizer, seed):
    {"kind": "quality", "optimizer", "problem", "seed", "evaluations", "best": [best-so-far f after
     1..evals evaluations], "regret_at_20", "regret_at_50", "seconds_per_suggestion", "wall_seconds"}
Timing mode prints, per (problem, optimizer, N): {"kind": "timing", "optimizer", "problem",
    "observations": N, "seconds_per_suggestion"}; one run (the first seed) up to the largest N.

Timing: each objective call records when it starts and ends, and only the time inside the test
function counts as the objective's. A suggestion's cost is the time from the end of the previous
evaluation (or the start of the run) to the start of the next one: the optimiser's tell, fit and ask.
seconds_per_suggestion at N observations is the mean over the 10 suggestions made while holding
N-10 .. N-1 observations (evaluations N-9 .. N); in quality mode N = 50 (or evals, if smaller).
Everything runs on one thread (BLAS, OpenMP, torch). --out appends, so a run can be resumed.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Test functions


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4.0 * math.pi ** 2), 5.0 / math.pi, 1.0 / (8.0 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6.0) ** 2 + 10.0 * (1.0 - t) * math.cos(x1) + 10.0


HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HARTMANN_A = np.array([[10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
                       [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
                       [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
                       [17.0, 8.0, 0.05, 10.0, 0.1, 14.0]])
HARTMANN_P = 1e-4 * np.array([[1312.0, 1696.0, 5569.0, 124.0, 8283.0, 5886.0],
                              [2329.0, 4135.0, 8307.0, 3736.0, 1004.0, 9991.0],
                              [2348.0, 1451.0, 3522.0, 2883.0, 3047.0, 6650.0],
                              [4047.0, 8828.0, 8732.0, 5743.0, 1091.0, 381.0]])


def hartmann6(x):
    x = np.asarray(x, dtype=np.float64)
    inner = (HARTMANN_A * (x - HARTMANN_P) ** 2).sum(axis=1)
    return float(-(HARTMANN_ALPHA * np.exp(-inner)).sum())


# Held out from every choice of Learn's defaults: they check that a change helps in general.
HARTMANN3_A = np.array([[3.0, 10.0, 30.0], [0.1, 10.0, 35.0], [3.0, 10.0, 30.0], [0.1, 10.0, 35.0]])
HARTMANN3_P = 1e-4 * np.array([[3689.0, 1170.0, 2673.0], [4699.0, 4387.0, 7470.0],
                               [1091.0, 8732.0, 5547.0], [381.0, 5743.0, 8828.0]])


def hartmann3(x):
    x = np.asarray(x, dtype=np.float64)
    inner = (HARTMANN3_A * (x - HARTMANN3_P) ** 2).sum(axis=1)
    return float(-(HARTMANN_ALPHA * np.exp(-inner)).sum())


def camel(x):
    x1, x2 = x
    return (4 - 2.1 * x1 * x1 + x1 ** 4 / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2


def styblinski_tang(x):
    return float(sum(0.5 * (v ** 4 - 16 * v * v + 5 * v) for v in x))


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    return total + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def rosenbrock(x):
    return float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1)))


def ackley(x):
    n = len(x)
    squares = sum(v * v for v in x) / n
    cosines = sum(math.cos(2 * math.pi * v) for v in x) / n
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


PROBLEMS = {
    "branin": {"f": branin, "bounds": [(-5.0, 10.0), (0.0, 15.0)], "f_min": 0.39788735772973816},
    "hartmann6": {"f": hartmann6, "bounds": [(0.0, 1.0)] * 6, "f_min": -3.32236801141551},
    "hartmann3": {"f": hartmann3, "bounds": [(0.0, 1.0)] * 3, "f_min": -3.86278214782076},
    "camel": {"f": camel, "bounds": [(-3.0, 3.0), (-2.0, 2.0)], "f_min": -1.0316284534898774},
    "styblinski4": {"f": styblinski_tang, "bounds": [(-5.0, 5.0)] * 4, "f_min": -39.16616570377142 * 4},
    "levy4": {"f": levy, "bounds": [(-10.0, 10.0)] * 4, "f_min": 0.0},
    "rosenbrock4": {"f": rosenbrock, "bounds": [(-5.0, 10.0)] * 4, "f_min": 0.0},
    "ackley5": {"f": ackley, "bounds": [(-32.768, 32.768)] * 5, "f_min": 0.0},
}


def check():
    """Evaluates the test functions at their known minimisers."""
    fmin = PROBLEMS["branin"]["f_min"]
    for x in ((-math.pi, 12.275), (math.pi, 2.275), (9.42478, 2.475)):
        print(json.dumps({"problem": "branin", "x": list(x), "f": branin(x), "f - f_min": branin(x) - fmin}))
    x = (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)
    fmin = PROBLEMS["hartmann6"]["f_min"]
    print(json.dumps({"problem": "hartmann6", "x": list(x), "f": hartmann6(x), "f - f_min": hartmann6(x) - fmin}))


class Objective:
    """Wraps a test function, recording each call's start, end and value."""

    def __init__(self, f):
        self.f, self.starts, self.ends, self.values = f, [], [], []

    def __call__(self, x):
        start = time.perf_counter()
        value = self.f([float(v) for v in x])
        end = time.perf_counter()
        self.starts.append(start)
        self.ends.append(end)
        self.values.append(value)
        return value


# ---------------------------------------------------------------------------------------------
# Optimisers: each runs `evals` evaluations of objective over bounds, seeded.


def run_optuna(sampler_name, objective, bounds, evals, seed):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if sampler_name == "gp":
        import torch

        torch.set_num_threads(1)
        sampler = optuna.samplers.GPSampler(seed=seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    for _ in range(evals):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        study.tell(trial, objective(x))


def run_skopt(objective, bounds, evals, seed):
    from skopt import gp_minimize

    gp_minimize(objective, [(lo, hi) for lo, hi in bounds], n_calls=evals, random_state=seed)


def run_smac(objective, bounds, evals, seed):
    from ConfigSpace import ConfigurationSpace, Float
    from smac import BlackBoxFacade, Scenario

    space = ConfigurationSpace(seed=seed)
    space.add([Float(f"x{i}", (lo, hi)) for i, (lo, hi) in enumerate(bounds)])

    def train(config, seed=0):
        return objective([config[f"x{i}"] for i in range(len(bounds))])

    with tempfile.TemporaryDirectory() as folder:
        scenario = Scenario(space, deterministic=True, n_trials=evals, seed=seed, output_directory=folder)
        BlackBoxFacade(scenario, train, logging_level=40, overwrite=True).optimize()


def run_random(objective, bounds, evals, seed):
    rng = np.random.default_rng(seed)
    lo, hi = np.array(bounds).T
    for _ in range(evals):
        objective(rng.uniform(lo, hi))


OPTIMIZERS = {
    "optuna_gp": lambda *a: run_optuna("gp", *a),
    "optuna_tpe": lambda *a: run_optuna("tpe", *a),
    "skopt_gp": run_skopt,
    "smac_gp": run_smac,
    "random": run_random,
}


MODULES = {"optuna_gp": ["optuna", "torch"], "optuna_tpe": ["optuna"], "skopt_gp": ["skopt"],
           "smac_gp": ["smac", "ConfigSpace"], "random": []}


def preload(optimizers):
    """Imports the optimisers' packages up front, so import time is not counted in any run."""
    import importlib

    for name in optimizers:
        for module in MODULES[name]:
            importlib.import_module(module)
    if "optuna_gp" in optimizers:
        import torch

        torch.set_num_threads(1)


def run(optimizer, problem, evals, seed):
    spec = PROBLEMS[problem]
    objective = Objective(spec["f"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        OPTIMIZERS[optimizer](objective, spec["bounds"], evals, seed)
        wall = time.perf_counter() - start
    # Gap before evaluation i: from the end of evaluation i-1 (the run's start for i = 0).
    previous = [start] + objective.ends[:-1]
    gaps = [s - p for s, p in zip(objective.starts, previous)]
    return objective.values, gaps, wall


def per_suggestion(gaps, n):
    window = gaps[max(0, n - 10):n]
    return float(np.mean(window)) if window else None


def quality(optimizer, problem, evals, seed):
    values, gaps, wall = run(optimizer, problem, evals, seed)
    best = np.minimum.accumulate(values).tolist()
    if len(best) < evals:  # an optimiser that stops early keeps its best
        best += [best[-1]] * (evals - len(best))
    f_min = PROBLEMS[problem]["f_min"]
    return {"kind": "quality", "optimizer": optimizer, "problem": problem, "seed": seed,
            "evaluations": len(values), "best": best,
            "regret_at_20": best[19] - f_min if evals >= 20 else None,
            "regret_at_50": best[49] - f_min if evals >= 50 else None,
            "seconds_per_suggestion": per_suggestion(gaps, min(50, len(gaps))), "wall_seconds": wall}


def timing(optimizer, problem, observations, seed):
    _, gaps, _ = run(optimizer, problem, max(observations), seed)
    return [{"kind": "timing", "optimizer": optimizer, "problem": problem, "observations": n,
             "seconds_per_suggestion": per_suggestion(gaps, n) if len(gaps) >= n else None, "seed": seed}
            for n in observations]


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds += range(int(lo), int(hi) + 1)
        else:
            seeds.append(int(part))
    return seeds


def make_emitter(path):
    """A function printing one JSON object per line, and appending it to `path` when given."""
    out = open(path, "a") if path else None

    def emit(line):
        text = json.dumps(line)
        print(text, flush=True)
        if out:
            out.write(text + "\n")
            out.flush()

    return emit


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", default="branin,hartmann6")
    parser.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    parser.add_argument("--seeds", default="0-9", help="a range 0-9 or a list 0,3,5")
    parser.add_argument("--evals", type=int, default=50)
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--observations", default="50,200")
    parser.add_argument("--out", help="also append the lines to this file")
    parser.add_argument("--check", action="store_true", help="evaluate the test functions at their minimisers")
    args = parser.parse_args()
    if args.check:
        check()
        return
    problems, optimizers = args.problems.split(","), args.optimizers.split(",")
    for name in optimizers:
        if name not in OPTIMIZERS:
            sys.exit(f"unknown optimizer {name}; choose from {', '.join(OPTIMIZERS)}")
    seeds = parse_seeds(args.seeds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preload(optimizers)
    emit = make_emitter(args.out)

    if args.timing:
        observations = [int(n) for n in args.observations.split(",")]
        for problem in problems:
            for optimizer in optimizers:
                for line in timing(optimizer, problem, observations, seeds[0]):
                    emit(line)
    else:
        # Seeds outermost, so a run stopped early has covered every optimiser and problem evenly.
        for seed in seeds:
            for problem in problems:
                for optimizer in optimizers:
                    emit(quality(optimizer, problem, args.evals, seed))


if __name__ == "__main__":
    main()
