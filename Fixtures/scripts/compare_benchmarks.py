"""Runs Learn's Benchmarks target and the matching Python reference in the same session, and prints
the ratios that Docs/Benchmarks.md reports.

    python3 Fixtures/scripts/compare_benchmarks.py gemm [--rounds 2] [--repeats 7]

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
SCRIPTS = os.path.dirname(os.path.abspath(__file__))


def run_json_lines(command):
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["gemm"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "Benchmarks"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    best = collections.defaultdict(float)
    kernels = {}
    for _ in range(args.rounds):
        runs = run_json_lines([os.path.join(ROOT, ".build/release/Benchmarks"), "gemm", "--repeats", str(args.repeats)])
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


if __name__ == "__main__":
    main()
