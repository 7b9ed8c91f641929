"""Summarises Bayesian-optimisation benchmark lines (bayes_peers.py's output and Learn's, which share
its schema) as Markdown tables: regret and time per suggestion per problem and optimiser, and a
timing table (optimiser x problem x observations).

    python3 Fixtures/scripts/compare_bayes.py FILE [FILE ...]

Lines that are not JSON objects, or have no "kind", are skipped. Regret is best f - f_min; a None
regret (a run shorter than 20 or 50 evaluations) is left out of its column.
"""

import json
import statistics
import sys
from collections import defaultdict


def read(paths):
    lines = []
    for path in paths:
        with open(path) as f:
            for text in f:
                text = text.strip()
                if text.startswith("{"):
                    line = json.loads(text)
                    if "kind" in line:
                        lines.append(line)
    return lines


def fmt(values, how):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    return f"{(statistics.median if how == 'median' else statistics.fmean)(values):.4g}"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    lines = read(sys.argv[1:])
    quality = defaultdict(list)
    for line in lines:
        if line["kind"] == "quality":
            quality[line["problem"], line["optimizer"]].append(line)
    for problem in sorted({p for p, _ in quality}):
        print(f"\n### {problem}\n")
        print("| optimizer | seeds | regret@20 median | regret@20 mean | regret@50 median | regret@50 mean "
              "| s/suggestion (median) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        rows = [(o, runs) for (p, o), runs in quality.items() if p == problem]
        for optimizer, runs in sorted(rows, key=lambda r: r[0]):
            r20 = [r.get("regret_at_20") for r in runs]
            r50 = [r.get("regret_at_50") for r in runs]
            print(f"| {optimizer} | {len({r.get('seed') for r in runs})} | {fmt(r20, 'median')} | {fmt(r20, 'mean')} "
                  f"| {fmt(r50, 'median')} | {fmt(r50, 'mean')} "
                  f"| {fmt([r.get('seconds_per_suggestion') for r in runs], 'median')} |")
    timing = defaultdict(list)
    for line in lines:
        if line["kind"] == "timing":
            timing[line["optimizer"], line["problem"], line["observations"]].append(line["seconds_per_suggestion"])
    if timing:
        print("\n### Seconds per suggestion (optimiser only)\n")
        print("| optimizer | problem | observations | s/suggestion |")
        print("|---|---|---:|---:|")
        for (optimizer, problem, n), values in sorted(timing.items()):
            print(f"| {optimizer} | {problem} | {n} | {fmt(values, 'median')} |")


if __name__ == "__main__":
    main()
