"""Times numpy's matmul for the sizes `swift run -c release Benchmarks gemm` uses, on this machine.

    python3 Fixtures/scripts/bench_numpy_gemm.py [--repeats N]

Prints one JSON object per line, in the Benchmarks target's format, for 1 thread and all cores.
Thread count is set through threadpoolctl when installed (it comes with scikit-learn), otherwise
through OPENBLAS_NUM_THREADS in a child process.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def measure(n, repeats):
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    a @ b
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[0], samples[len(samples) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads is None:
        # Re-run once per thread setting: BLAS reads its thread count at import.
        for threads in ("1", "all"):
            env = dict(os.environ)
            count = "1" if threads == "1" else str(os.cpu_count())
            env.update(OPENBLAS_NUM_THREADS=count, OMP_NUM_THREADS=count, MKL_NUM_THREADS=count)
            subprocess.run([sys.executable, __file__, "--repeats", str(args.repeats), "--threads", threads],
                           env=env, check=True)
        return
    import numpy as np

    for n in (256, 512, 1024):
        best, median = measure(n, args.repeats)
        print(json.dumps({"benchmark": "gemm", "n": n, "threads": args.threads, "kernel": "numpy " + np.__version__,
                          "best_seconds": best, "median_seconds": median,
                          "gflops": round(2 * n**3 / best / 1e9, 2)}))


if __name__ == "__main__":
    main()
