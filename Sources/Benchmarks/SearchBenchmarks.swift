import Learn

/// The random-forest space of the search benchmark (scikit-learn: `n_estimators` randint(10, 201),
/// `max_depth` [5, 10, 15, 20, None], `max_features` ["sqrt", "log2"]).
let forestSpace: [String: Distribution] = [
  "nEstimators": .int(10, 200), "maxDepth": .choice([5, 10, 15, 20, nil]), "maxFeatures": .choice(["sqrt", "log2"]),
]

/// Searches as estimators: the fit time is the whole search plus the refit. Inner forests run
/// serially; the search fans out over 1 or 2 workers (scikit-learn's `n_jobs`). The two sides
/// draw different random candidates from the same space, so compare these as expected costs.
let searchBenchmarks: [EstimatorBenchmark] = [1, 2].map { workers in
  classifierBenchmark(
    "search", "RandomizedSearchCV(RF,20x5,n_jobs=\(workers))", on: "digits",
    try! RandomizedSearchCV(
      RandomForestClassifier(parallelism: .serial), space: forestSpace, iterations: 20, cv: StratifiedKFold(splits: 5),
      parallelism: .threads(workers), seed: 0))
}
