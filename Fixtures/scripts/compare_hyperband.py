"""Summarises `Benchmarks hyperband-mlp` output (and `hyperband_peers.py` output) as the tables of
Docs/Benchmarks.md: per method, the mean best score at the epochs of one Hyperband iteration, the
seeds on which it is at least random search's there, the epochs random search needs to reach it
(the speedup), total epochs, wall time and cores busy.

    python3 Fixtures/scripts/compare_hyperband.py [--actual] LEARN.jsonl [PEERS.jsonl ...]

--actual reads the curves in epochs actually trained (an MLP stops early when its loss stops
improving) instead of the epochs each trial was given.
"""

import json
import statistics
import sys
from collections import defaultdict


def best_at(curve, epochs):
    """The best score once `epochs` epochs have been spent (-inf before any)."""
    best = float("-inf")
    for spent, value in curve:
        if spent > epochs:
            break
        if value is not None:
            best = value
    return best


def epochs_to_reach(curve, score):
    """The epochs after which the curve first reaches `score`, or None."""
    for spent, value in curve:
        if value is not None and value >= score:
            return spent
    return None


def main(paths, actual=False):
    runs = defaultdict(dict)
    budget = None
    for path in paths:
        for line in open(path):
            record = json.loads(line)
            if record.get("kind") != "hyperband_mlp":
                continue
            if actual and "actual_curve" in record:
                record["curve"] = record["actual_curve"]
                record["total_epochs"] = record["actual_epochs"]
            runs[record["method"]][record["seed"]] = record
            budget = budget or record.get("iteration_epochs")
    random = runs.get("random", {})
    print(f"one Hyperband iteration: {budget} epochs\n")
    print("| method | seeds | mean best @ one iteration | ≥ random there (seeds) | random's epochs to reach it (mean) | speedup (mean) | total epochs (mean) | mean best at the end | wall s (median) | cores busy (median) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for method, seeds in runs.items():
        at, wins, needs, speedups = [], 0, [], []
        for seed, record in sorted(seeds.items()):
            score = best_at(record["curve"], budget)
            at.append(score)
            if seed in random and method != "random":
                mine = random[seed]["curve"]
                if score >= best_at(mine, budget):
                    wins += 1
                need = epochs_to_reach(mine, score)
                total = mine[-1][0]
                needs.append(need if need is not None else total)
                speedups.append((need if need is not None else total) / budget)
        label = lambda values, lower: ("≥ " if lower else "") + f"{statistics.mean(values):.0f}"
        unreached = any(epochs_to_reach(random[s]["curve"], best_at(r["curve"], budget)) is None
                        for s, r in seeds.items() if s in random and method != "random")
        print(f"| {method} | {len(seeds)} | {statistics.mean(at):.4f} | "
              f"{wins if method != 'random' else '—'} | {label(needs, unreached) if needs else '—'} | "
              f"{(('≥ ' if unreached else '') + f'{statistics.mean(speedups):.1f}×') if speedups else '—'} | "
              f"{statistics.mean(r['total_epochs'] for r in seeds.values()):.0f} | "
              f"{statistics.mean(r['best'] for r in seeds.values()):.4f} | "
              f"{statistics.median(r['wall_seconds'] for r in seeds.values()):.1f} | "
              f"{statistics.median(r.get('cores_busy', float('nan')) for r in seeds.values()):.2f} |")
    print()
    for method, seeds in runs.items():
        print(method, "per seed @ iteration:", [round(best_at(r["curve"], budget), 4) for _, r in sorted(seeds.items())])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main([a for a in arguments if a != "--actual"], actual="--actual" in arguments)
