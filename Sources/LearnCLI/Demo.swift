import Foundation
import Learn

/// `learn demo`: the main job on the built-in data. It grows with the library; today it
/// cross-validates baseline pipelines on digits, then tunes a scaler → logistic-regression
/// pipeline by a cross-validated grid search, prints the leaderboard and the held-out accuracy.
func runDemo(arguments: [String]) throws {
  let folds = try positiveInteger("--folds", in: arguments, default: 5)
  let threads = try positiveInteger("--threads", in: arguments, default: Parallel.coreCount)
  let digits = try Datasets.digits()
  let (train, test) = try trainTestSplit(digits, testFraction: 0.25, stratified: true, seed: 0)
  print("digits: \(digits.count) samples × \(digits.x.columnCount) features, \(digits.classes.count) classes;"
    + " \(train.count) to tune on, \(test.count) held out")
  let scorers = try ["accuracy", "balanced_accuracy", "f1_macro", "neg_log_loss"].map { try Scorer.named($0) }
  let cv = StratifiedKFold(splits: folds, shuffle: true, seed: 0)

  print("\n1. Baselines, \(folds)-fold stratified cross-validation (mean over folds):")
  print("  " + "model".padding(toLength: 48, withPad: " ", startingAt: 0)
    + scorers.map { $0.name.padding(toLength: 19, withPad: " ", startingAt: 0) }.joined())
  for strategy in [DummyClassifier.Strategy.mostFrequent, .prior, .stratified] {
    let result = try crossValidate(
      Pipeline(StandardScaler(), DummyClassifier(strategy: strategy, seed: 0)), train.x, train.y, cv: cv,
      scoring: scorers, parallelism: .threads(threads))
    let cells = scorers.map { scorer in
      String(format: "%.4f", mean(result.testScores[scorer.name] ?? [])).padding(toLength: 19, withPad: " ", startingAt: 0)
    }
    print("  " + "StandardScaler → DummyClassifier(\(strategy.rawValue))".padding(toLength: 48, withPad: " ", startingAt: 0)
      + cells.joined())
  }

  print("\n2. Grid search: StandardScaler → LogisticRegression over c, \(folds)-fold stratified:")
  let search = try GridSearchCV(
    Pipeline(StandardScaler(), LogisticRegression(maxIterations: 500)),
    grid: ["logisticregression.c": [0.001, 0.01, 0.1, 1, 10, 100]], cv: cv, scoring: scorers,
    parallelism: .threads(threads), progress: SearchProgress(verbose: 1))
  let start = Date()
  let model = try search.fit(train.x, train.y)
  let results = model.results
  let ranks = results.ranks("accuracy")
  print("  rank  c        accuracy  f1_macro  neg_log_loss  fit s")
  for row in results.trials.indices.sorted(by: { ranks[$0] < ranks[$1] }) {
    let trial = results.trials[row]
    let c = trial.parameters["logisticregression.c"]?.doubleValue ?? .nan
    print(String(format: "  %4d  %-7g  %.4f    %.4f    %9.4f    %.3f", ranks[row], c, trial.meanTestScore("accuracy"),
                 trial.meanTestScore("f1_macro"), trial.meanTestScore("neg_log_loss"), mean(trial.fitTimes)))
  }
  print(String(format: "  best %@ (cross-validated accuracy %.4f); search and refit took %.2f s",
               "\(model.bestParameters)", model.bestScore, Date().timeIntervalSince(start)))
  print(String(format: "  held-out accuracy of the refitted best pipeline: %.4f", try model.score(test.x, test.y)))
}

/// The mean of `values`.
func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
