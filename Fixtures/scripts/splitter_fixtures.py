"""Writes Fixtures/scikit-learn/splitters.json: scikit-learn 1.9.1's cross-validation splitters and
train_test_split, for Learn's parity tests (Tests/ModelSelectionTests/SplitterTests.swift).

- "folds": the exact (train, test) index lists of every deterministic splitter on small inputs
  (uneven sizes, rare classes, uneven groups, gaps and caps), which Learn must reproduce exactly.
- "shuffledSizes", "stratifiedShuffleCounts", "shuffledStratifiedKFoldCounts",
  "shuffledGroupKFoldGroupCounts": what shuffled splitters must agree on although their rows differ
  (Learn draws from its own generator): set sizes, per-class counts, groups per fold.
- "unshuffledTrainTestSplit": train_test_split(shuffle=False), which must match exactly.
- "errors": inputs on which scikit-learn raises (Learn must throw) or only warns (Learn must work).

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/splitter_fixtures.py
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.model_selection import (GroupKFold, GroupShuffleSplit, KFold, LeaveOneGroupOut, LeaveOneOut,
                                     LeavePGroupsOut, LeavePOut, PredefinedSplit, RepeatedKFold,
                                     RepeatedStratifiedKFold, ShuffleSplit, StratifiedGroupKFold, StratifiedKFold,
                                     StratifiedShuffleSplit, TimeSeriesSplit, train_test_split)
from sklearn.utils.extmath import _approximate_mode

OUT = os.path.join(os.path.dirname(__file__), "..", "scikit-learn")

# Learn's parameter names -> scikit-learn's.
SKLEARN_NAMES = {"splits": "n_splits", "shuffle": "shuffle", "maxTrainSize": "max_train_size", "testSize": "test_size",
                 "trainSize": "train_size", "gap": "gap", "p": "p", "groups": "n_groups", "testFold": "test_fold",
                 "repeats": "n_repeats", "seed": "random_state"}
CLASSES = {"KFold": KFold, "StratifiedKFold": StratifiedKFold, "GroupKFold": GroupKFold,
           "StratifiedGroupKFold": StratifiedGroupKFold, "TimeSeriesSplit": TimeSeriesSplit,
           "LeaveOneOut": LeaveOneOut, "LeavePOut": LeavePOut, "LeaveOneGroupOut": LeaveOneGroupOut,
           "LeavePGroupsOut": LeavePGroupsOut, "PredefinedSplit": PredefinedSplit, "ShuffleSplit": ShuffleSplit,
           "StratifiedShuffleSplit": StratifiedShuffleSplit, "GroupShuffleSplit": GroupShuffleSplit,
           "RepeatedKFold": RepeatedKFold, "RepeatedStratifiedKFold": RepeatedStratifiedKFold}


def size_json(size):
    """A Learn SplitSize: {"count": n} for an int, {"fraction": f} for a float, None for None."""
    if size is None:
        return None
    return {"count": size} if isinstance(size, int) else {"fraction": size}


SHUFFLE_SPLITTERS = ("ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit")


def params_json(splitter, params):
    """Parameters as Learn spells them: shuffle-split sizes as SplitSize objects."""
    if splitter not in SHUFFLE_SPLITTERS:
        return params
    return {k: size_json(v) if k in ("testSize", "trainSize") else v for k, v in params.items()}


def make(splitter, params):
    kwargs = {SKLEARN_NAMES[k]: v for k, v in params.items()}
    return CLASSES[splitter](**kwargs)


def run(splitter, params, count, labels=None, groups=None):
    cv = make(splitter, params)
    x = np.zeros((count, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(cv.split(x, None if labels is None else np.array(labels),
                             None if groups is None else np.array(groups)))


def fold_case(splitter, params, count, labels=None, groups=None):
    folds = run(splitter, params, count, labels, groups)
    return {"splitter": splitter, "params": params_json(splitter, params), "count": count, "labels": labels,
            "groups": groups, "folds": [{"train": train.tolist(), "test": test.tolist()} for train, test in folds]}


def deterministic_cases():
    rng = np.random.RandomState(0)
    cases = []
    # KFold, with the train lists too.
    for n, k in ((10, 3), (7, 7), (13, 4)):
        cases.append(fold_case("KFold", {"splits": k}, n))
    # StratifiedKFold: rare classes (2 members with 2 and 3 folds: scikit-learn only warns), labels out
    # of order and negative, one class, random multiclass.
    rare = [0] * 6 + [1] * 4 + [2] * 2
    for k in (2, 3, 4):
        cases.append(fold_case("StratifiedKFold", {"splits": k}, len(rare), labels=rare))
    shuffled_rare = rng.permutation(rare).tolist()
    cases.append(fold_case("StratifiedKFold", {"splits": 3}, len(shuffled_rare), labels=shuffled_rare))
    odd = [3, 1, 3, 2, 1, 3, 3, 1, 2, 3, 1, -4, -4]
    cases.append(fold_case("StratifiedKFold", {"splits": 3}, len(odd), labels=odd))
    cases.append(fold_case("StratifiedKFold", {"splits": 4}, 9, labels=[5] * 9))
    for n, k, c in ((37, 5, 4), (50, 7, 3), (23, 2, 5)):
        labels = rng.randint(0, c, size=n).tolist()
        cases.append(fold_case("StratifiedKFold", {"splits": k}, n, labels=labels))
    # GroupKFold: uneven sizes, ties in group sizes, ids out of order and negative, splits == groups.
    uneven = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 5, 5]
    for k in (2, 3, 6):
        cases.append(fold_case("GroupKFold", {"splits": k}, len(uneven), groups=uneven))
    mixed = [7, -1, 7, 3, 3, -1, 9, 9, 9, 2, 7, 3, 2, 2, 11]
    for k in (3, 4):
        cases.append(fold_case("GroupKFold", {"splits": k}, len(mixed), groups=mixed))
    ties = [g for g in range(8) for _ in range(2)]
    cases.append(fold_case("GroupKFold", {"splits": 3}, len(ties), groups=ties))
    for n, k, g in ((40, 4, 11), (31, 5, 9)):
        groups = rng.randint(0, g, size=n).tolist()
        cases.append(fold_case("GroupKFold", {"splits": k}, n, groups=groups))
    # StratifiedGroupKFold: scikit-learn's docstring example, then random inputs of several shapes.
    y = [0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    g = [1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 5, 5, 6, 6, 7, 8, 8]
    cases.append(fold_case("StratifiedGroupKFold", {"splits": 3}, len(y), labels=y, groups=g))
    cases.append(fold_case("StratifiedGroupKFold", {"splits": 3}, 12, labels=rare, groups=list(range(12))))
    for n, k, c, gs in ((30, 3, 2, 8), (40, 4, 3, 12), (25, 5, 2, 10), (60, 3, 4, 15), (45, 2, 3, 6),
                        (50, 5, 1, 9), (36, 4, 2, 36), (80, 8, 3, 20), (70, 3, 9, 14), (24, 3, 2, 24)):
        labels = rng.randint(0, c, size=n).tolist()
        groups = rng.randint(0, gs, size=n).tolist()
        cases.append(fold_case("StratifiedGroupKFold", {"splits": k}, n, labels=labels, groups=groups))
    # Ties in the criterion: groups of one sample each with balanced classes.
    cases.append(fold_case("StratifiedGroupKFold", {"splits": 4}, 16, labels=[0, 1] * 8, groups=list(range(16))))
    # Near-ties: inputs where numpy's isclose, not an exact comparison, decides where a group goes.
    for labels, groups, k in near_tie_inputs(4):
        cases.append(fold_case("StratifiedGroupKFold", {"splits": k}, len(labels), labels=labels, groups=groups))
    # TimeSeriesSplit with gap, maxTrainSize and testSize combinations.
    for n, params in ((6, {"splits": 5}), (12, {"splits": 3, "testSize": 2}),
                      (12, {"splits": 3, "testSize": 2, "gap": 2}),
                      (10, {"splits": 3}), (11, {"splits": 4, "maxTrainSize": 3}),
                      (20, {"splits": 4, "maxTrainSize": 5, "testSize": 3, "gap": 1}),
                      (17, {"splits": 2, "gap": 4}), (9, {"splits": 2, "testSize": 1, "maxTrainSize": 100}),
                      (15, {"splits": 3, "testSize": 4, "gap": 2})):
        cases.append(fold_case("TimeSeriesSplit", params, n))
    # Leave-out splitters.
    for n in (2, 5):
        cases.append(fold_case("LeaveOneOut", {}, n))
    for n, p in ((4, 2), (5, 3), (6, 1), (6, 4)):
        cases.append(fold_case("LeavePOut", {"p": p}, n))
    cases.append(fold_case("LeaveOneGroupOut", {}, len(mixed), groups=mixed))
    for p in (1, 2, 3):
        cases.append(fold_case("LeavePGroupsOut", {"groups": p}, len(uneven), groups=uneven))
    # PredefinedSplit, including an unusual negative fold id (-2 is a fold; only -1 is "never tested").
    for fold_ids in ([0, 1, -1, 1], [2, 2, 0, -1, 0, 1, -2, 2, -1]):
        cases.append(fold_case("PredefinedSplit", {"testFold": fold_ids}, len(fold_ids)))
    return cases


def near_tie_inputs(wanted):
    """Random StratifiedGroupKFold inputs whose folds change when _find_best_fold compares the
    criterion exactly instead of with np.isclose (so the tolerance is exercised)."""
    from sklearn.model_selection import _split

    original = _split.StratifiedGroupKFold._find_best_fold

    def exact(self, y_counts_per_fold, y_cnt, group_y_counts):
        best_fold, min_eval, min_samples = None, np.inf, np.inf
        for i in range(self.n_splits):
            y_counts_per_fold[i] += group_y_counts
            std_per_class = np.std(y_counts_per_fold / y_cnt.reshape(1, -1), axis=0)
            y_counts_per_fold[i] -= group_y_counts
            fold_eval = np.mean(std_per_class)
            samples = np.sum(y_counts_per_fold[i])
            if fold_eval < min_eval or (fold_eval == min_eval and samples < min_samples):
                best_fold, min_eval, min_samples = i, fold_eval, samples
        return best_fold

    rng = np.random.RandomState(5)
    found = []
    while len(found) < wanted:
        n, k, c = rng.randint(10, 60), rng.randint(2, 6), rng.randint(2, 5)
        g = rng.randint(k, 20)
        y, groups = rng.randint(0, c, n), rng.randint(0, g, n)
        if len(np.unique(groups)) < k or np.bincount(y).max() < k:
            continue
        folds = []
        for finder in (original, exact):
            _split.StratifiedGroupKFold._find_best_fold = finder
            folds.append([test.tolist() for _, test in run("StratifiedGroupKFold", {"splits": int(k)}, n, y.tolist(),
                                                          groups.tolist())])
        _split.StratifiedGroupKFold._find_best_fold = original
        if folds[0] != folds[1]:
            found.append((y.tolist(), groups.tolist(), int(k)))
    return found


def no_tie(class_counts, n_draws):
    """Whether _approximate_mode(class_counts, n_draws) needs no random tie-break."""
    class_counts = np.asarray(class_counts)
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    remainder = continuous - floored
    for value in np.sort(np.unique(remainder))[::-1]:
        if need == 0:
            break
        tied = int(np.sum(remainder == value))
        if tied > need:
            return False
        need -= tied
    return True


def class_counts(labels, classes, rows):
    values = np.asarray(labels)[rows]
    return [int(np.sum(values == c)) for c in classes]


def shuffled_cases():
    sizes = []
    for n, test, train in ((10, None, None), (30, 0.1, None), (30, None, 0.5), (7, 3, None), (7, None, 2),
                           (50, 0.2, 0.3),
                           (9, 0.25, 5), (101, 0.33, 0.66), (4, None, 0.3), (50, 0.14, None)):
        for splitter in ("ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit", "trainTestSplit"):
            labels = [i % 2 for i in range(n)]
            groups = [i // 2 for i in range(n)]
            try:
                if splitter == "trainTestSplit":
                    train_rows, test_rows = train_test_split(np.arange(n), test_size=test, train_size=train,
                                                             random_state=0)
                    numbers = (len(train_rows), len(test_rows))
                else:
                    params = {"splits": 3, "seed": 0}
                    if test is not None:
                        params["testSize"] = test
                    if train is not None:
                        params["trainSize"] = train
                    folds = run(splitter, params, n, labels=labels, groups=groups)
                    if splitter == "GroupShuffleSplit":  # sizes count groups
                        g = np.asarray(groups)
                        numbers = {(len(set(g[tr])), len(set(g[te]))) for tr, te in folds}
                    else:
                        numbers = {(len(tr), len(te)) for tr, te in folds}
                    assert len(numbers) == 1
                    numbers = numbers.pop()
            except ValueError:
                continue
            sizes.append({"splitter": splitter, "count": n, "testSize": size_json(test), "trainSize": size_json(train),
                          "labels": labels if splitter == "StratifiedShuffleSplit" else None,
                          "groups": groups if splitter == "GroupShuffleSplit" else None,
                          "train": numbers[0], "test": numbers[1]})

    stratified = []
    rng = np.random.RandomState(1)
    inputs = [([0] * 6 + [1] * 4 + [2] * 2, 0.25, None), ([0] * 50 + [1] * 30 + [2] * 20, 0.3, None),
              ([0] * 10 + [1] * 10 + [2] * 10, 0.2, None), ([0] * 13 + [1] * 7 + [2] * 5 + [3] * 3, None, 0.6),
              (rng.randint(0, 4, size=61).tolist(), 0.2, 0.7), ([0] * 5 + [1] * 5 + [2] * 5, 4, None),
              ([0] * 3 + [1] * 3 + [2] * 3 + [3] * 2, 5, 5)]
    for labels, test, train in inputs:
        classes = sorted(set(labels))
        params = {"splits": 5, "seed": 0}
        if test is not None:
            params["testSize"] = test
        if train is not None:
            params["trainSize"] = train
        folds = run("StratifiedShuffleSplit", params, len(labels), labels=labels)
        counts = np.bincount(np.searchsorted(classes, labels))
        n_train, n_test = len(folds[0][0]), len(folds[0][1])
        deterministic = no_tie(counts, n_train)
        if deterministic:
            deterministic = no_tie(counts - _approximate_mode(counts, n_train, 0), n_test)
        train_counts = [class_counts(labels, classes, tr) for tr, _ in folds]
        test_counts = [class_counts(labels, classes, te) for _, te in folds]
        if deterministic:
            assert all(c == train_counts[0] for c in train_counts) and all(c == test_counts[0] for c in test_counts)
        stratified.append({"labels": labels, "testSize": size_json(test), "trainSize": size_json(train),
                           "deterministic": deterministic, "train": n_train, "test": n_test,
                           "trainCounts": train_counts[0] if deterministic else None,
                           "testCounts": test_counts[0] if deterministic else None})

    kfold_counts = []
    for labels, k in (([0] * 6 + [1] * 4 + [2] * 2, 3), (np.random.RandomState(2).randint(0, 3, size=40).tolist(), 5),
                      ([4, 4, 9, 9, 9, 1, 4, 9, 1, 1, 9], 2)):
        classes = sorted(set(labels))
        folds = run("StratifiedKFold", {"splits": k, "shuffle": True, "seed": 0}, len(labels), labels=labels)
        kfold_counts.append({"labels": labels, "splits": k,
                             "testCounts": [class_counts(labels, classes, te) for _, te in folds]})

    group_counts = []
    for groups, k in (([0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 5, 5], 4), ([i % 7 for i in range(30)], 3)):
        folds = run("GroupKFold", {"splits": k, "shuffle": True, "seed": 0}, len(groups), groups=groups)
        group_counts.append({"groups": groups, "splits": k,
                             "groupsPerFold": [len(set(np.asarray(groups)[te])) for _, te in folds]})
    return sizes, stratified, kfold_counts, group_counts


def unshuffled_train_test_split():
    cases = []
    for n, test, train in ((10, None, None), (10, 0.3, None), (10, None, 0.3), (7, 2, 3), (30, 0.1, None),
                           (9, 0.5, 0.4),
                           (5, None, 4), (101, 0.33, None)):
        train_rows, test_rows = train_test_split(np.arange(n), test_size=test, train_size=train, shuffle=False)
        cases.append({"count": n, "testSize": size_json(test), "trainSize": size_json(train),
                      "train": train_rows.tolist(), "test": test_rows.tolist()})
    return cases


def error_cases():
    cases = []

    def add(splitter, params, count, labels=None, groups=None):
        try:
            run(splitter, params, count, labels, groups)
            raises = False
        except ValueError:
            raises = True
        cases.append({"splitter": splitter, "params": params_json(splitter, params), "count": count, "labels": labels,
                      "groups": groups, "raises": raises})

    for splitter in ("KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "TimeSeriesSplit"):
        add(splitter, {"splits": 1}, 6, labels=[0, 1] * 3, groups=[0, 1, 2, 3, 4, 5])
        add(splitter, {"splits": 7}, 6, labels=[0, 1] * 3, groups=[0, 1, 2, 3, 4, 5])
    # Stratification: only raising when every class is smaller than splits.
    rare = [0] * 6 + [1] * 4 + [2] * 2
    for k in (3, 5, 6, 7):
        add("StratifiedKFold", {"splits": k}, 12, labels=rare)
        add("StratifiedGroupKFold", {"splits": k}, 12, labels=rare, groups=list(range(12)))
    add("StratifiedKFold", {"splits": 3}, 6, labels=[0, 0, 1, 1, 2, 2])
    # Fewer groups than splits.
    add("GroupKFold", {"splits": 4}, 6, groups=[0, 0, 1, 1, 2, 2])
    add("GroupKFold", {"splits": 3}, 6, groups=[0, 0, 1, 1, 2, 2])
    add("StratifiedGroupKFold", {"splits": 4}, 8, labels=[0, 1] * 4, groups=[0, 0, 1, 1, 2, 2, 0, 1])
    add("LeaveOneGroupOut", {}, 4, groups=[3, 3, 3, 3])
    add("LeavePGroupsOut", {"groups": 3}, 6, groups=[0, 0, 1, 1, 2, 2])
    add("LeavePGroupsOut", {"groups": 2}, 6, groups=[0, 0, 1, 1, 2, 2])
    # TimeSeriesSplit: too many splits for the sample count, with and without gap and testSize.
    for n, params in ((5, {"splits": 5}), (6, {"splits": 5}), (10, {"splits": 3, "testSize": 3, "gap": 1}),
                      (10, {"splits": 3, "testSize": 3}), (10, {"splits": 2, "gap": 7}), (10, {"splits": 2, "gap": 6})):
        add("TimeSeriesSplit", params, n)
    # Leave-out.
    for n in (0, 1, 2):
        add("LeaveOneOut", {}, n)
    for n, p in ((3, 3), (3, 4), (4, 3)):
        add("LeavePOut", {"p": p}, n)
    # Shuffle-split sizes.
    for test, train in ((0, None), (10, None), (1.0, None), (0.0, None), (None, 10), (None, 1.0), (0.6, 0.5), (6, 5),
                        (5, 5), (0.95, None), (0.9, None), (None, 0.05), (None, 0.1), (-1, None), (None, -0.5)):
        params = {"splits": 2}
        if test is not None:
            params["testSize"] = test
        if train is not None:
            params["trainSize"] = train
        add("ShuffleSplit", params, 10)
    # StratifiedShuffleSplit: classes of one member, sets smaller than the number of classes.
    add("StratifiedShuffleSplit", {"splits": 2, "testSize": 0.3}, 9, labels=[0, 0, 0, 0, 1, 1, 1, 1, 2])
    add("StratifiedShuffleSplit", {"splits": 2, "testSize": 2}, 9, labels=[0, 0, 0, 1, 1, 1, 2, 2, 2])
    add("StratifiedShuffleSplit", {"splits": 2, "trainSize": 2}, 9, labels=[0, 0, 0, 1, 1, 1, 2, 2, 2])
    add("StratifiedShuffleSplit", {"splits": 2, "testSize": 3}, 9, labels=[0, 0, 0, 1, 1, 1, 2, 2, 2])
    # GroupShuffleSplit sizes count groups.
    add("GroupShuffleSplit", {"splits": 2, "testSize": 3}, 6, groups=[0, 0, 1, 1, 2, 2])
    add("GroupShuffleSplit", {"splits": 2, "testSize": 2}, 6, groups=[0, 0, 1, 1, 2, 2])
    add("GroupShuffleSplit", {"splits": 2}, 6, groups=[0, 0, 0, 0, 0, 0])
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    sizes, stratified, kfold_counts, group_counts = shuffled_cases()
    payload = {"scikit-learn": sklearn.__version__, "script": "Fixtures/scripts/splitter_fixtures.py",
               "folds": deterministic_cases(), "shuffledSizes": sizes, "stratifiedShuffleCounts": stratified,
               "shuffledStratifiedKFoldCounts": kfold_counts, "shuffledGroupKFoldGroupCounts": group_counts,
               "unshuffledTrainTestSplit": unshuffled_train_test_split(), "errors": error_cases()}
    with open(os.path.join(OUT, "splitters.json"), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
