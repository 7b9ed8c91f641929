"""Runs the Bayesian-search reference task (tuning an MLPClassifier on raw digits) with Optuna's
TPE sampler, uniform random sampling and, optionally, Optuna's GP sampler, and prints one JSON
object per line. Learn's Swift benchmark runs the identical task with BayesSearchCV.

    pip install scikit-learn==1.9.1 optuna threadpoolctl   # optuna_gp also needs torch (CPU build)
    python3 Fixtures/scripts/bayes_mlp_reference.py [--optimizers optuna_tpe,random,optuna_gp]
        [--seeds 0-2] [--evals 40] [--out FILE]

The task: load_digits() raw pixels (no scaling). One evaluation is the mean accuracy of
MLPClassifier(hidden_layer_sizes, activation, alpha, learning_rate_init, max_iter=50,
random_state=0) under cross_val_score with StratifiedKFold(n_splits=3, shuffle=False), maximised
(ConvergenceWarning silenced). The space has four hyperparameters:
    hidden_layer_sizes  categorical "50", "100", "50,50", "100,50" (decoded to tuples)
    activation          categorical "relu", "tanh"
    alpha               log-uniform [1e-5, 1e-1]
    learning_rate_init  log-uniform [1e-4, 1e-1]
Optimisers: "optuna_tpe" TPESampler(seed=seed), "random" RandomSampler(seed=seed), "optuna_gp"
GPSampler(seed=seed), all with Optuna's defaults otherwise.

Prints, per (optimizer, seed):
    {"kind": "mlp_digits", "optimizer", "seed", "best": [best-so-far mean CV accuracy after
     1..evals evaluations], "best_at_5", "best_at_10", "best_at_20", "best_at_40" (null when evals
     is smaller), "wall_seconds", "best_params": {the best trial's parameters, hidden_layer_sizes
     as its string}}
Everything runs on one thread (BLAS, OpenMP, torch). --out appends, so a run can be resumed.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bayes_peers import make_emitter, parse_seeds  # noqa: E402  (same folder; it sets the same thread limits)

LAYERS = ("50", "100", "50,50", "100,50")
ACTIVATIONS = ("relu", "tanh")
ALPHA = (1e-5, 1e-1)
LEARNING_RATE = (1e-4, 1e-1)
MAX_ITER = 50
FOLDS = 3
CHECKPOINTS = (5, 10, 20, 40)
OPTIMIZERS = ("optuna_tpe", "random", "optuna_gp")


def single_thread():
    """Limits native thread pools to one thread, if threadpoolctl is installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def load_task():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return np.asarray(digits.data, dtype=np.float64), np.asarray(digits.target, dtype=int)


def decode_layers(text):
    return tuple(int(width) for width in text.split(","))


def cv_accuracy(x, y, params):
    """Mean 3-fold stratified (unshuffled) CV accuracy of one MLP configuration."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=decode_layers(params["hidden_layer_sizes"]),
                          activation=params["activation"], alpha=params["alpha"],
                          learning_rate_init=params["learning_rate_init"], max_iter=MAX_ITER,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        scores = cross_val_score(model, x, y, cv=StratifiedKFold(n_splits=FOLDS, shuffle=False),
                                 scoring="accuracy")
    return float(np.mean(scores))


def make_sampler(optimizer, seed):
    import optuna

    if optimizer == "optuna_tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if optimizer == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if optimizer == "optuna_gp":
        import torch

        torch.set_num_threads(1)
        return optuna.samplers.GPSampler(seed=seed)
    raise ValueError(optimizer)


def suggest(trial):
    return {"hidden_layer_sizes": trial.suggest_categorical("hidden_layer_sizes", list(LAYERS)),
            "activation": trial.suggest_categorical("activation", list(ACTIVATIONS)),
            "alpha": trial.suggest_float("alpha", *ALPHA, log=True),
            "learning_rate_init": trial.suggest_float("learning_rate_init", *LEARNING_RATE, log=True)}


def run(optimizer, x, y, evals, seed):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=make_sampler(optimizer, seed))
    values, best_value, best_params = [], -np.inf, None
    start = time.perf_counter()
    for _ in range(evals):
        trial = study.ask()
        params = suggest(trial)
        value = cv_accuracy(x, y, params)
        study.tell(trial, value)
        values.append(value)
        if value > best_value:
            best_value, best_params = value, params
    wall = time.perf_counter() - start
    best = np.maximum.accumulate(values).tolist()
    line = {"kind": "mlp_digits", "optimizer": optimizer, "seed": seed, "best": best}
    for n in CHECKPOINTS:
        line[f"best_at_{n}"] = best[n - 1] if evals >= n else None
    line["wall_seconds"] = wall
    line["best_params"] = best_params
    return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--optimizers", default="optuna_tpe,random",
                        help=f"comma-separated, from {', '.join(OPTIMIZERS)}")
    parser.add_argument("--seeds", default="0-2", help="a range 0-2 or a list 0,3,5")
    parser.add_argument("--evals", type=int, default=40)
    parser.add_argument("--out", help="also append the lines to this file")
    args = parser.parse_args()
    optimizers = args.optimizers.split(",")
    for name in optimizers:
        if name not in OPTIMIZERS:
            sys.exit(f"unknown optimizer {name}; choose from {', '.join(OPTIMIZERS)}")
    if args.evals < 1:
        sys.exit("--evals must be at least 1")
    seeds = parse_seeds(args.seeds)
    # Import the packages up front, so import time is not counted in any run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import optuna  # noqa: F401
        import sklearn.neural_network  # noqa: F401
        if "optuna_gp" in optimizers:
            import torch

            torch.set_num_threads(1)
    x, y = load_task()
    emit = make_emitter(args.out)

    with single_thread():
        # Seeds outermost, so a run stopped early has covered every optimiser evenly.
        for seed in seeds:
            for optimizer in optimizers:
                emit(run(optimizer, x, y, args.evals, seed))
    if out:
        out.close()


if __name__ == "__main__":
    main()
