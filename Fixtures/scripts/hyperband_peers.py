"""Runs the multi-fidelity peers on the reference task of `Benchmarks hyperband-mlp`: scikit-learn's
MLPClassifier on raw digits pixels, unshuffled stratified 3-fold, the four hyperparameters of the
Bayesian-search task, budgets in epochs up to 81.

    pip install scikit-learn==1.9.1 optuna threadpoolctl
    python3 Fixtures/scripts/hyperband_peers.py [--methods optuna_hyperband,sklearn_halving]
        [--seeds 0-4] [--trials 100] [--out FILE]

Methods:
  optuna_hyperband  Optuna's TPESampler(seed) with HyperbandPruner(min_resource=1, max_resource=81,
                    reduction_factor=3); one epoch is one `partial_fit` of each fold's model (Adam's
                    state carried), the fold-mean accuracy reported after every epoch; `--trials`
                    trials.
  sklearn_halving   HalvingRandomSearchCV(resource="max_iter", max_resources=81, factor=3,
                    random_state=seed), n_candidates="exhaust", min_resources="smallest" (1 epoch):
                    every iteration refits from scratch.

Prints one JSON object per (method, seed): {"kind": "hyperband_mlp", "method", "seed",
"total_epochs", "best", "wall_seconds", "curve": [[epochs, best], ...]}, epochs counted once per
configuration (not per fold), the best so far over trials that reached 81 epochs (Optuna) or over
every candidate of every iteration (scikit-learn, whose best_score_ comes from its last iteration).
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bayes_peers import make_emitter, parse_seeds  # noqa: E402

LAYERS = {"50": (50,), "100": (100,), "50,50": (50, 50), "100,50": (100, 50)}
MAX_EPOCHS = 81


def load():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return np.asarray(digits.data, dtype=np.float64), np.asarray(digits.target, dtype=int)


def folds(x, y):
    from sklearn.model_selection import StratifiedKFold

    return list(StratifiedKFold(n_splits=3, shuffle=False).split(x, y))


def optuna_hyperband(x, y, seed, trials):
    import optuna
    from sklearn.neural_network import MLPClassifier

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    splits = folds(x, y)
    classes = np.unique(y)
    state = {"epochs": 0, "best": -np.inf, "curve": []}

    def objective(trial):
        params = {"hidden_layer_sizes": LAYERS[trial.suggest_categorical("hidden_layer_sizes", list(LAYERS))],
                  "activation": trial.suggest_categorical("activation", ["relu", "tanh"]),
                  "alpha": trial.suggest_float("alpha", 1e-5, 1e-1, log=True),
                  "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True)}
        models = [MLPClassifier(random_state=0, **params) for _ in splits]
        accuracy = 0.0
        for epoch in range(1, MAX_EPOCHS + 1):
            scores = []
            for model, (train, test) in zip(models, splits):
                model.partial_fit(x[train], y[train], classes=classes)
                scores.append(model.score(x[test], y[test]))
            accuracy = float(np.mean(scores))
            state["epochs"] += 1
            trial.report(accuracy, epoch)
            if trial.should_prune():
                state["curve"].append([state["epochs"], state["best"]])
                raise optuna.TrialPruned()
        state["best"] = max(state["best"], accuracy)
        state["curve"].append([state["epochs"], state["best"]])
        return accuracy

    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=trials)
    return state["epochs"], state["best"], state["curve"]


def sklearn_halving(x, y, seed):
    from scipy.stats import loguniform
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV, StratifiedKFold
    from sklearn.neural_network import MLPClassifier

    space = {"hidden_layer_sizes": list(LAYERS.values()), "activation": ["relu", "tanh"],
             "alpha": loguniform(1e-5, 1e-1), "learning_rate_init": loguniform(1e-4, 1e-1)}
    search = HalvingRandomSearchCV(MLPClassifier(random_state=0), space, resource="max_iter", max_resources=MAX_EPOCHS,
                                   factor=3, cv=StratifiedKFold(3), random_state=seed, refit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(x, y)
    results = search.cv_results_
    epochs, best, curve = 0, -np.inf, []
    for budget, score in zip(results["n_resources"], results["mean_test_score"]):
        epochs += int(budget)
        if np.isfinite(score):
            best = max(best, float(score))
        curve.append([epochs, best])
    return epochs, best, curve


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", default="optuna_hyperband,sklearn_halving")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--out")
    args = parser.parse_args()
    x, y = load()
    emit = make_emitter(args.out)
    for seed in parse_seeds(args.seeds):
        for method in args.methods.split(","):
            start = time.perf_counter()
            if method == "optuna_hyperband":
                epochs, best, curve = optuna_hyperband(x, y, seed, args.trials)
            elif method == "sklearn_halving":
                epochs, best, curve = sklearn_halving(x, y, seed)
            else:
                raise SystemExit(f"unknown method {method}")
            record = {"kind": "hyperband_mlp", "method": method, "seed": seed, "total_epochs": epochs,
                      "best": best, "wall_seconds": time.perf_counter() - start, "curve": curve}
            emit(record)


if __name__ == "__main__":
    main()
