"""Writes Fixtures/linear-algebra/*.json: expected outputs of numpy for Learn's kernel tests.

Inputs are not stored: both sides build them from seeds with Learn's xoshiro256** stream
(learn_random.py here, Xoshiro256StarStar in Swift), which also pins that stream across languages.

    python3 Fixtures/scripts/linear_algebra_fixtures.py
"""

import json
import os

import numpy as np

from learn_random import SplitMix64, Xoshiro256StarStar, derive, next_int_below, permutation, sample, uniform_matrix

OUT = os.path.join(os.path.dirname(__file__), "..", "linear-algebra")


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def write(name, payload):
    payload = {"numpy": np.__version__, "script": "Fixtures/scripts/linear_algebra_fixtures.py", **payload}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


def streams():
    cases = []
    for seed in (0, 1, 42, 2**64 - 1):
        s = SplitMix64(seed)
        x = Xoshiro256StarStar(seed)
        cases.append({
            "seed": str(seed),
            "splitmix64": [str(s.next()) for _ in range(8)],
            "xoshiro256starstar": [str(x.next()) for _ in range(8)],
        })
    u = Xoshiro256StarStar(7)
    g = Xoshiro256StarStar(2024)
    routines = {"nextIntBelow10": next_int_below(g, 10), "permutation6": permutation(g, 6),
                "sample3of10": sample(g, 3, 10), "nextIntBelow3e18": next_int_below(g, 3 * 10**18),
                "derive_1_2": str(derive(1, 2)), "derive_0_0": str(derive(0, 0))}
    write("random-streams.json", {"cases": cases, "uniformSeed7": [u.uniform() for _ in range(8)],
                                  "routinesSeed2024": routines})


def gemm():
    cases = []
    shapes = [(1, 1, 1), (7, 7, 7), (1, 7, 65), (65, 7, 1), (7, 65, 33), (65, 65, 65), (13, 257, 9), (257, 9, 13)]
    for index, (m, k, n) in enumerate(shapes):
        for ta in (False, True):
            for tb in (False, True):
                seed_a, seed_b = 1000 + 10 * index, 1001 + 10 * index
                a = uniform_matrix(*((k, m) if ta else (m, k)), seed_a)
                b = uniform_matrix(*((n, k) if tb else (k, n)), seed_b)
                c = (a.T if ta else a) @ (b.T if tb else b)
                cases.append({"m": m, "k": k, "n": n, "transposeA": ta, "transposeB": tb,
                              "seedA": seed_a, "seedB": seed_b, "c": flat(c)})
    # A large square product: store every 97th element of C to keep the file small.
    n = 257
    a, b = uniform_matrix(n, n, 5), uniform_matrix(n, n, 6)
    c = (a @ b).ravel()
    write("gemm.json", {"cases": cases, "large": {"n": n, "seedA": 5, "seedB": 6, "stride": 97,
                                                  "sampled": flat(c[::97])}})


def spd(n, seed):
    a = uniform_matrix(n, n, seed)
    return a @ a.T + n * np.eye(n)


def decompositions():
    chol = []
    for n, seed in ((1, 11), (7, 12), (65, 13)):
        m = spd(n, seed)
        b = uniform_matrix(n, 1, seed + 100).ravel()
        chol.append({"n": n, "seed": seed, "rhsSeed": seed + 100, "lower": flat(np.linalg.cholesky(m)),
                     "solution": flat(np.linalg.solve(m, b)), "logDeterminant": float(np.linalg.slogdet(m)[1])})
    lstsq = []
    for m, n, seed in ((7, 1, 21), (65, 7, 22), (257, 13, 23), (7, 7, 24)):
        a = uniform_matrix(m, n, seed)
        b = uniform_matrix(m, 1, seed + 100).ravel()
        x = np.linalg.lstsq(a, b, rcond=None)[0]
        lstsq.append({"rows": m, "columns": n, "seed": seed, "rhsSeed": seed + 100,
                      "duplicateColumn": None, "solution": flat(x), "rank": int(np.linalg.matrix_rank(a))})
    # Rank-deficient: column 5 repeated as column 2 (the Swift test makes the same copy).
    a = uniform_matrix(20, 6, 31)
    a[:, 2] = a[:, 5]
    b = uniform_matrix(20, 1, 131).ravel()
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    lstsq.append({"rows": 20, "columns": 6, "seed": 31, "rhsSeed": 131, "duplicateColumn": [5, 2],
                  "solution": flat(x), "rank": int(np.linalg.matrix_rank(a))})
    eig = []
    for n, seed in ((1, 41), (7, 42), (65, 43)):
        a = uniform_matrix(n, n, seed)
        s = (a + a.T) / 2
        eig.append({"n": n, "seed": seed, "values": flat(np.linalg.eigh(s)[0])})
    write("decompositions.json", {"cholesky": chol, "leastSquares": lstsq, "symmetricEigen": eig})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    streams()
    gemm()
    decompositions()
