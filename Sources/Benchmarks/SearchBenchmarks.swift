import Foundation
import Learn

/// The random-forest space of the search benchmark (scikit-learn: `n_estimators` randint(10, 201),
/// `max_depth` [5, 10, 15, 20, None], `max_features` ["sqrt", "log2"]).
let forestSpace: [String: Distribution] = [
  "nEstimators": .int(10, 200), "maxDepth": .choice([5, 10, 15, 20, nil]), "maxFeatures": .choice(["sqrt", "log2"]),
]

/// The SVC grid of the search benchmark: C [0.1, 1, 10, 100] × gamma [1e-4, 1e-3, 1e-2, 1e-1], 16
/// candidates, on the raw (unscaled) digits pixels as in shared/reference/anchors.md. Each SVC
/// trains its class pairs serially, as libsvm does, so the workers are the only parallelism.
let svcGrid: [String: [ParameterValue]] = [
  "c": [0.1, 1, 10, 100], "gamma": [1e-4, 1e-3, 1e-2, 1e-1],
]

/// scikit-learn's 20 draws from the forest space (`ParameterSampler(space, 20, random_state=0)`), as
/// a list of one-point grids: with them both sides fit exactly the same forests, so the times
/// compare the engines and the forests, not the luck of the draw.
let sklearnForestDraws: [[String: [ParameterValue]]] = [
  (nil, "log2", 127), (5, "log2", 113), (10, "log2", 31), (15, "sqrt", 97), (5, "sqrt", 150), (15, "log2", 49),
  (5, "log2", 175), (10, "log2", 82), (10, "sqrt", 125), (5, "log2", 89), (5, "sqrt", 109), (5, "log2", 39),
  (20, "log2", 152), (5, "log2", 19), (10, "log2", 42), (15, "sqrt", 161), (20, "sqrt", 124), (nil, "sqrt", 138),
  (5, "sqrt", 63), (5, "sqrt", 27),
].map { (depth: Int?, features: String, trees: Int) in
  ["maxDepth": [depth.map(ParameterValue.int) ?? .none], "maxFeatures": [.string(features)], "nEstimators": [.int(trees)]]
}

/// Searches as estimators: the fit time is the whole search plus the refit. Inner forests run
/// serially; the search fans out over 1 or 2 workers (scikit-learn's `n_jobs`). In the plain
/// random searches the two sides draw different candidates from the same space (compare them as
/// expected costs); the "same draws" entries evaluate scikit-learn's own 20 candidates.
let searchBenchmarks: [EstimatorBenchmark] = [1, 2].map { workers in
  classifierBenchmark(
    "search", "GridSearchCV(SVC,16x5,n_jobs=\(workers))", on: "digits",
    try! GridSearchCV(SVC(parallelism: .serial), grid: svcGrid, cv: StratifiedKFold(splits: 5), parallelism: .threads(workers)))
} + [1, 2].map { workers in
  classifierBenchmark(
    "search", "RandomizedSearchCV(RF,20x5,n_jobs=\(workers))", on: "digits",
    try! RandomizedSearchCV(
      RandomForestClassifier(parallelism: .serial), space: forestSpace, iterations: 20, cv: StratifiedKFold(splits: 5),
      parallelism: .threads(workers), seed: 0))
} + [1, 2].map { workers in
  classifierBenchmark(
    "search", "RandomizedSearchCV(RF,20x5,n_jobs=\(workers),same draws)", on: "digits",
    try! GridSearchCV(
      RandomForestClassifier(parallelism: .serial), grids: sklearnForestDraws, cv: StratifiedKFold(splits: 5),
      parallelism: .threads(workers)))
} + [1, 2].map { workers in
  // Engine overhead: 200 cheap candidates (Ridge's alpha on a log grid) × 5 folds, where the cost
  // of running a search (configuring, fanning out, scoring, ranking) dominates the fits.
  regressorBenchmark(
    "search", "GridSearchCV(Ridge,200x5,n_jobs=\(workers))", on: "diabetes",
    try! GridSearchCV(Ridge(), grid: ["alpha": ridgeAlphas], cv: KFold(splits: 5), parallelism: .threads(workers)))
}

/// 200 values of Ridge's alpha, log-spaced from 1e-4 to 1e4 (numpy's `logspace(-4, 4, 200)`).
let ridgeAlphas: [ParameterValue] = (0..<200).map { .double(pow(10, -4 + 8 * Double($0) / 199)) }
