"""Peak memory of big fits, scikit-learn's side of `Benchmarks memory` (issue 19): each fit runs in
a fresh child process that generates make_classification(rows, 20, random_state=0), fits, and
prints its own peak resident memory (resource.getrusage(RUSAGE_SELF).ru_maxrss) as JSON.
`data` only generates the rows.

    /work/venv/bin/python Fixtures/scripts/bench_memory.py [--rows 1000000] [--fits data,forest,mlp]

The forest is RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0); the network
MLPClassifier(hidden_layer_sizes=(100,), max_iter=10, random_state=0) (it warns that 10 epochs do
not converge).
"""
import argparse, json, resource, subprocess, sys, time, warnings


def child(fit, rows):
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=rows, n_features=20, random_state=0)
    start = time.perf_counter()
    if fit == "forest":
        from sklearn.ensemble import RandomForestClassifier
        RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(x, y)
    elif fit == "mlp":
        from sklearn.neural_network import MLPClassifier
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MLPClassifier(hidden_layer_sizes=(100,), max_iter=10, random_state=0).fit(x, y)
    elif fit != "data":
        raise SystemExit(f"unknown fit {fit}")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"benchmark": "memory", "library": "scikit-learn", "fit": fit, "rows": rows,
                      "peak_mb": round(peak, 1), "seconds": round(seconds, 2)}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--fits", default="data,forest,mlp")
    p.add_argument("--child")
    a = p.parse_args()
    if a.child:
        child(a.child, a.rows)
        return
    for fit in a.fits.split(","):
        subprocess.run([sys.executable, __file__, "--child", fit, "--rows", str(a.rows)], check=True)


if __name__ == "__main__":
    main()
