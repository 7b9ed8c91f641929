"""Runs Learn's Benchmarks target and the matching Python reference in the same session, and prints
the ratios that Docs/Benchmarks.md reports.

    python3 Fixtures/scripts/compare_benchmarks.py gemm [--rounds 2] [--repeats 7]
    python3 Fixtures/scripts/compare_benchmarks.py estimators --family linear [--rounds 1]
    /work/venv/bin/python Fixtures/scripts/compare_benchmarks.py onedal [--rounds 7]

For estimators, time ratios are Learn / scikit-learn (below 1 means Learn is faster); the datasets
are written first by benchmark_data.py.

Each round runs Learn then numpy, alternating, so both see the same machine conditions; the best
GFLOP/s over rounds is kept for each side (the machine is shared, so best-of is the stable figure).
"""

import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# A separate build folder (for example one per person working in the checkout): LEARN_SCRATCH=.build-me
SCRATCH = os.path.join(ROOT, os.environ.get("LEARN_SCRATCH", ".build"))
BENCHMARKS = os.path.join(SCRATCH, "release", "Benchmarks")
SCRIPTS = os.path.dirname(os.path.abspath(__file__))


def run_json_lines(command):
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["gemm", "estimators", "onedal"])
    parser.add_argument("--family")
    parser.add_argument("--estimator")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "Benchmarks", "--scratch-path", SCRATCH],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if args.benchmark == "estimators":
        compare_estimators(args)
        return
    if args.benchmark == "onedal":
        compare_onedal(args)
        return
    best = collections.defaultdict(float)
    kernels = {}
    for _ in range(args.rounds):
        runs = run_json_lines([BENCHMARKS, "gemm", "--repeats", str(args.repeats)])
        runs += run_json_lines([sys.executable, os.path.join(SCRIPTS, "bench_numpy_gemm.py"), "--repeats", str(args.repeats)])
        for r in runs:
            side = "numpy" if r["kernel"].startswith("numpy") else "learn"
            kernels[side] = r["kernel"]
            key = (side, r["n"], r["threads"])
            best[key] = max(best[key], r["gflops"])
    print(f"| n | threads | Learn GFLOP/s ({kernels['learn']}) | {kernels['numpy']} GFLOP/s | Learn / numpy |")
    print("| --- | --- | --- | --- | --- |")
    for n in (256, 512, 1024):
        for threads in ("1", "all"):
            learn, numpy = best[("learn", n, threads)], best[("numpy", n, threads)]
            print(f"| {n} | {threads} | {learn:.1f} | {numpy:.1f} | {learn / numpy:.2f} |")


def compare_estimators(args):
    subprocess.run([sys.executable, os.path.join(SCRIPTS, "benchmark_data.py")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    selection = (["--family", args.family] if args.family else []) + (["--estimator", args.estimator] if args.estimator else [])
    best = {}
    for _ in range(args.rounds):
        learn = run_json_lines([BENCHMARKS, "estimators"] + selection)
        reference = run_json_lines([sys.executable, os.path.join(SCRIPTS, "bench_sklearn.py")] + selection)
        for side, rows in (("learn", learn), ("sklearn", reference)):
            for r in rows:
                key = (side, r["estimator"], r["dataset"])
                if key not in best or r["fit_ms"] < best[key]["fit_ms"]:
                    best[key] = r
    print("| estimator | dataset | Learn fit ms | sklearn fit ms | fit ratio | Learn predict ms | sklearn predict ms "
          "| predict ratio | Learn score | sklearn score |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (side, name, dataset), l in sorted(best.items(), key=lambda item: (item[0][2], item[0][1])):
        if side != "learn":
            continue
        r = best.get(("sklearn", name, dataset))
        if r is None:
            print(f"| {name} | {dataset} | {l['fit_ms']:.1f} | – | – | {l['predict_ms']:.2f} | – | – | {l['score']:.4f} | – |")
            continue
        fit_ratio = l["fit_ms"] / r["fit_ms"] if r["fit_ms"] > 0 else float("inf")
        predict_ratio = l["predict_ms"] / r["predict_ms"] if r["predict_ms"] > 0 else float("inf")
        print(f"| {name} | {dataset} | {l['fit_ms']:.1f} | {r['fit_ms']:.1f} | {fit_ratio:.2f} | "
              f"{l['predict_ms']:.2f} | {r['predict_ms']:.2f} | {predict_ratio:.2f} | {l['score']:.4f} | {r['score']:.4f} |")


def compare_onedal(args):
    """Learn against scikit-learn-intelex (issue 20): each round runs every row once on each side,
    Learn first, then sklearnex on 1 and on 2 threads; the table has each side's median over the
    rounds, the ratios Learn / sklearnex (below 1 means Learn is faster) and the accuracies."""
    subprocess.run([sys.executable, os.path.join(SCRIPTS, "benchmark_data.py")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    samples = collections.defaultdict(list)
    scores = {}
    for _ in range(args.rounds):
        rows = run_json_lines([BENCHMARKS, "estimators", "--family", "onedal", "--runs", "1"])
        for threads in (1, 2):
            rows += [dict(r, side="sklearnex") for r in run_json_lines(
                [sys.executable, os.path.join(SCRIPTS, "bench_sklearnex.py"), "--threads", str(threads), "--runs", "1"])]
        for r in rows:
            key = (r.get("side", "learn"), r["estimator"], r["dataset"])
            samples[key].append((r["fit_ms"], r["predict_ms"]))
            scores[key] = r["score"]

    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    print(f"Medians of {args.rounds} interleaved rounds.")
    print("| estimator | dataset | Learn fit ms | sklearnex fit ms | fit ratio | Learn predict ms | sklearnex predict ms "
          "| predict ratio | Learn accuracy | sklearnex accuracy |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (side, name, dataset) in sorted(samples, key=lambda k: (k[2], k[1])):
        # Learn's histogram rows ("... maxBins 256 [...]") compare with sklearnex's only forest.
        peer_name = name.replace(" maxBins 256", "")
        if side != "learn" or ("sklearnex", peer_name, dataset) not in samples:
            continue
        learn, peer = samples[(side, name, dataset)], samples[("sklearnex", peer_name, dataset)]
        lf, lp = median([s[0] for s in learn]), median([s[1] for s in learn])
        pf, pp = median([s[0] for s in peer]), median([s[1] for s in peer])
        print(f"| {name} | {dataset} | {lf:.1f} | {pf:.1f} | {lf / pf:.2f} | {lp:.2f} | {pp:.2f} | {lp / pp:.2f} | "
              f"{scores[(side, name, dataset)]:.4f} | {scores[('sklearnex', peer_name, dataset)]:.4f} |")


if __name__ == "__main__":
    main()
