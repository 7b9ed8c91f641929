"""Optuna's NSGAIISampler on ZDT1 (30 variables in [0, 1], both objectives minimised), the peer of
`Benchmarks nsga2`. Prints, per seed, the hypervolume of the non-dominated front of all trials
after the budget, for the reference point (1.1, 1.1) and (11, 11), as JSON lines.

    /work/venv/bin/python Fixtures/scripts/bench_nsga2.py --seeds 0-4 --trials 2000
"""
import argparse, json, math, time

import optuna

def zdt1(x):
    n = len(x)
    f1 = x[0]
    g = 1 + 9 * sum(x[1:]) / (n - 1)
    return f1, g * (1 - math.sqrt(f1 / g))

def front(points):
    """Non-dominated points (both minimised), sorted by the first objective."""
    pts = sorted(set(points))
    out, best2 = [], math.inf
    for f1, f2 in pts:
        if f2 < best2:
            out.append((f1, f2))
            best2 = f2
    return out

def hypervolume(points, ref):
    hv, prev2 = 0.0, ref[1]
    for f1, f2 in front(points):
        if f1 >= ref[0] or f2 >= prev2:
            continue
        hv += (ref[0] - f1) * (prev2 - f2)
        prev2 = f2
    return hv

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="0-4")
    p.add_argument("--trials", type=int, default=2000)
    p.add_argument("--dims", type=int, default=30)
    a = p.parse_args()
    lo, _, hi = a.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for seed in seeds:
        sampler = optuna.samplers.NSGAIISampler(seed=seed)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        def objective(trial):
            return zdt1([trial.suggest_float(f"x{i}", 0, 1) for i in range(a.dims)])
        start = time.perf_counter()
        study.optimize(objective, n_trials=a.trials)
        seconds = time.perf_counter() - start
        points = [tuple(t.values) for t in study.trials if t.values is not None]
        print(json.dumps({"peer": "optuna_nsga2", "seed": seed, "trials": a.trials,
                          "hv_1.1": hypervolume(points, (1.1, 1.1)), "hv_11": hypervolume(points, (11, 11)),
                          "front": len(front(points)), "seconds": seconds}), flush=True)

if __name__ == "__main__":
    main()
