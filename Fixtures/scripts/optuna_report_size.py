#!/usr/bin/env python3
"""What the peer's equivalent of a Learn report costs: Optuna's plots of one study, written as
HTML with plotly.js inlined (so they open offline, as Learn's report does), timed and measured.

    python3 Fixtures/scripts/optuna_report_size.py [--trials 40]

Prints one line per plot (bytes, seconds) and the total. The study minimises the same quadratic
over a real, a log-scaled and a categorical parameter as SearchReportTests.quadraticStudy.
Needs optuna, plotly (pip) and scikit-learn (for fANOVA importance).
"""
import argparse
import math
import os
import tempfile
import time

import optuna
from optuna import visualization as vis


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    rate = trial.suggest_float("rate", 1e-4, 1, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b", "<c&d>"])
    shift = 0.2 if kind == "b" else 0
    return (x - 0.3) ** 2 + 0.1 * abs(math.log10(rate) + 2) + shift


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=5))
    study.optimize(objective, n_trials=args.trials)
    folder = tempfile.mkdtemp(prefix="optuna-report-")
    plots = {
        "history": vis.plot_optimization_history,
        "parallel-coordinates": vis.plot_parallel_coordinate,
        "importance": vis.plot_param_importances,
        "slice": vis.plot_slice,
    }
    total_bytes, total_seconds = 0, 0.0
    for name, plot in plots.items():
        start = time.perf_counter()
        figure = plot(study)
        path = os.path.join(folder, name + ".html")
        figure.write_html(path, include_plotlyjs=True)
        seconds = time.perf_counter() - start
        size = os.path.getsize(path)
        total_bytes += size
        total_seconds += seconds
        print(f"{name}: {size} bytes, {seconds:.3f} s")
    print(f"total: {total_bytes} bytes in {len(plots)} files, {total_seconds:.3f} s "
          f"(optuna {optuna.__version__}; plotly.js inlined in each file)")


if __name__ == "__main__":
    main()
