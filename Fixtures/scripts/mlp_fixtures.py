"""Writes Fixtures/scikit-learn/mlp.json: scikit-learn 1.9.1's MLPClassifier and MLPRegressor,
for Learn's NeuralNetworks parity tests.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/mlp_fixtures.py

- "stochastic": small problems trained without shuffling by sgd and adam for a few epochs, with the
  initial weights scikit-learn drew (Learn starts from them through `fit(_:_:initialLayers:)`) and
  the weights, loss curve and optimiser state after training.
- "lbfgs": the same for the lbfgs solver, run to convergence; the final loss is what is compared.
- "digits": the reference tuning task (MLPClassifier on raw digits pixels, max_iter=50, 3-fold
  StratifiedKFold without shuffling, as shared/reference/anchors.md section 3) for a handful of
  configurations from its space and several seeds: the test-fold indices and scikit-learn's mean
  CV accuracy per (configuration, seed).

The initial weights are those of `_init_coef` with `np.random.RandomState(random_state)`; the
script checks them against scikit-learn itself (an sgd epoch with learning_rate_init=1e-300 and no
momentum leaves them unchanged).
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def initial_weights(layer_units, activation, seed):
    """scikit-learn's `_initialize` draws, layer by layer: coefficients then intercepts."""
    rs = np.random.RandomState(seed)
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
        factor = 2.0 if activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rs.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rs.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def layers(coefs, intercepts):
    return [{"coefficients": c.ravel().tolist(), "rows": c.shape[0], "columns": c.shape[1],
             "intercepts": b.tolist()} for c, b in zip(coefs, intercepts)]


def data(kind, n, d, seed):
    rs = np.random.RandomState(seed)
    x = rs.randn(n, d)
    w = rs.randn(d)
    score = x @ w + 0.5 * rs.randn(n)
    if kind == "regression":
        return x, score * 3 + 1
    if kind == "binary":
        return x, (score > 0).astype(int) * 5 - 2  # labels -2 and 3
    return x, np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))  # labels 0, 1, 2


def make(kind, params):
    return (MLPRegressor if kind == "regression" else MLPClassifier)(**params)


def check_initial(kind, params, x, y, coefs, intercepts):
    probe = dict(params, solver="sgd", learning_rate_init=1e-300, momentum=0.0, max_iter=1, shuffle=False,
                 early_stopping=False)
    model = make(kind, probe).fit(x, y)
    for a, b in zip(model.coefs_ + model.intercepts_, coefs + intercepts):
        assert np.array_equal(a, b), "the replicated initial weights differ from scikit-learn's"


STOCHASTIC = [
    # name, task, parameters (scikit-learn names)
    ("sgd_multiclass_tanh", "multiclass",
     dict(hidden_layer_sizes=(5, 4), activation="tanh", solver="sgd", learning_rate_init=0.1, momentum=0.9,
          nesterovs_momentum=True, alpha=1e-3, batch_size=16, max_iter=1)),
    ("sgd_multiclass_tanh_4epochs", "multiclass",
     dict(hidden_layer_sizes=(5, 4), activation="tanh", solver="sgd", learning_rate_init=0.1, momentum=0.9,
          nesterovs_momentum=True, alpha=1e-3, batch_size=16, max_iter=4)),
    ("adam_multiclass_relu", "multiclass",
     dict(hidden_layer_sizes=(6,), activation="relu", solver="adam", learning_rate_init=0.01, alpha=1e-4,
          batch_size=16, max_iter=1)),
    ("adam_multiclass_relu_4epochs", "multiclass",
     dict(hidden_layer_sizes=(6,), activation="relu", solver="adam", learning_rate_init=0.01, alpha=1e-4,
          batch_size=16, max_iter=4)),
    ("sgd_binary_logistic_invscaling", "binary",
     dict(hidden_layer_sizes=(4,), activation="logistic", solver="sgd", learning_rate="invscaling",
          learning_rate_init=0.5, power_t=0.5, momentum=0.5, nesterovs_momentum=False, alpha=1e-2, batch_size=20,
          max_iter=3)),
    ("adam_binary_identity", "binary",
     dict(hidden_layer_sizes=(3,), activation="identity", solver="adam", learning_rate_init=0.05, alpha=1e-3,
          batch_size=32, max_iter=1)),
    ("adam_regression_tanh", "regression",
     dict(hidden_layer_sizes=(5,), activation="tanh", solver="adam", learning_rate_init=0.02, alpha=1e-4,
          batch_size=16, max_iter=1)),
    ("sgd_regression_relu_fullbatch", "regression",
     dict(hidden_layer_sizes=(4, 3), activation="relu", solver="sgd", learning_rate_init=0.001, momentum=0.9,
          alpha=1e-3, batch_size=200, max_iter=2)),
    ("sgd_regression_adaptive_stops", "regression",
     dict(hidden_layer_sizes=(4,), activation="tanh", solver="sgd", learning_rate="adaptive",
          learning_rate_init=0.01, momentum=0.9, alpha=1e-3, batch_size=25, tol=0.5, n_iter_no_change=2,
          max_iter=60)),
    ("adam_multiclass_stops", "multiclass",
     dict(hidden_layer_sizes=(3,), activation="logistic", solver="adam", learning_rate_init=0.01, alpha=1e-4,
          batch_size=16, tol=0.05, n_iter_no_change=3, max_iter=100)),
]

LBFGS = [
    ("lbfgs_multiclass_tanh", "multiclass",
     dict(hidden_layer_sizes=(5,), activation="tanh", solver="lbfgs", alpha=1e-2, max_iter=500)),
    ("lbfgs_binary_logistic", "binary",
     dict(hidden_layer_sizes=(4,), activation="logistic", solver="lbfgs", alpha=1e-1, max_iter=500)),
    ("lbfgs_regression_tanh", "regression",
     dict(hidden_layer_sizes=(5,), activation="tanh", solver="lbfgs", alpha=1e-1, max_iter=500)),
    # Long and ill-conditioned: the iterates agree with Learn's for ~170 evaluations, then rounding
    # differences (OpenBLAS vs Learn's GEMM) grow and the runs end at different nearby points.
    ("lbfgs_regression_relu_chaotic", "regression",
     dict(hidden_layer_sizes=(6,), activation="relu", solver="lbfgs", alpha=1e-2, max_iter=500)),
    ("lbfgs_multiclass_short", "multiclass",
     dict(hidden_layer_sizes=(5,), activation="relu", solver="lbfgs", alpha=1e-3, max_iter=15)),
]

DIGITS_CONFIGS = [
    dict(hidden_layer_sizes=(64,), activation="relu", learning_rate_init=0.01, alpha=1e-3),
    dict(hidden_layer_sizes=(32, 32), activation="tanh", learning_rate_init=0.003, alpha=1e-4),
    dict(hidden_layer_sizes=(128,), activation="logistic", learning_rate_init=0.03, alpha=3e-3),
    dict(hidden_layer_sizes=(64, 64), activation="relu", learning_rate_init=0.001, alpha=1e-2),
    dict(hidden_layer_sizes=(32,), activation="identity", learning_rate_init=0.002, alpha=1e-4),
]
DIGITS_SEEDS = [0, 1, 2, 3, 4]


def case(name, kind, params, seed=0):
    x, y = data(kind, 50 if kind != "regression" else 60, 4, seed + 7)
    params = dict(params, random_state=seed, shuffle=False)
    n_outputs = 1 if kind != "multiclass" else 3
    units = [x.shape[1]] + list(params["hidden_layer_sizes"]) + [n_outputs]
    coefs, intercepts = initial_weights(units, params["activation"], seed)
    check_initial(kind, params, x, y, coefs, intercepts)
    model = make(kind, params).fit(x, y)
    result = {"name": name, "task": kind, "parameters": {k: v if not isinstance(v, tuple) else list(v)
                                                          for k, v in params.items()},
              "x": x.ravel().tolist(), "rows": x.shape[0], "columns": x.shape[1], "y": y.tolist(),
              "initial": layers(coefs, intercepts), "final": layers(model.coefs_, model.intercepts_),
              "loss": float(model.loss_), "iterations": int(model.n_iter_)}
    if params["solver"] != "lbfgs":
        opt = model._optimizer
        result.update({"lossCurve": [float(v) for v in model.loss_curve_], "samplesSeen": int(model.t_),
                       "bestLoss": float(model.best_loss_), "noImprovementCount": int(model._no_improvement_count),
                       "learningRate": float(opt.learning_rate), "adamStep": int(getattr(opt, "t", 0))})
    if kind != "regression":
        result["probabilities"] = model.predict_proba(x[:5]).ravel().tolist()
    else:
        result["predictions"] = model.predict(x[:5]).tolist()
    return result


def digits_cv():
    digits = load_digits()
    x, y = digits.data, digits.target
    folds = [test.tolist() for _, test in StratifiedKFold(n_splits=3).split(x, y)]
    results = []
    for config in DIGITS_CONFIGS:
        scores = []
        for seed in DIGITS_SEEDS:
            accuracies = []
            for test in folds:
                mask = np.zeros(len(y), dtype=bool)
                mask[test] = True
                model = MLPClassifier(max_iter=50, random_state=seed, **config).fit(x[~mask], y[~mask])
                accuracies.append(model.score(x[mask], y[mask]))
            scores.append(float(np.mean(accuracies)))
        results.append({"parameters": {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
                        "meanAccuracyBySeed": scores, "meanAccuracy": float(np.mean(scores))})
        print(config, np.mean(scores), scores, flush=True)
    return {"maxIterations": 50, "seeds": DIGITS_SEEDS, "testFolds": folds, "configurations": results}


def main():
    os.makedirs(OUT, exist_ok=True)
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/mlp_fixtures.py",
               "stochastic": [case(*c) for c in STOCHASTIC], "lbfgs": [case(*c) for c in LBFGS],
               "digits": digits_cv()}
    with open(os.path.join(OUT, "mlp.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
