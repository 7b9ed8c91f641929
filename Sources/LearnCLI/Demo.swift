import Foundation
import Learn

/// `learn demo`: the main job on the built-in data. It grows with the library; today it
/// cross-validates baseline pipelines (a scaler, then scikit-learn's dummy strategies) on digits
/// with stratified folds and several scikit-learn scorers at once.
func runDemo(arguments: [String]) throws {
  let folds = try positiveInteger("--folds", in: arguments, default: 5)
  let threads = try positiveInteger("--threads", in: arguments, default: Parallel.coreCount)
  let digits = try Datasets.digits()
  print("digits: \(digits.count) samples × \(digits.x.columnCount) features, \(digits.classes.count) classes")
  let scorers = try ["accuracy", "balanced_accuracy", "f1_macro", "neg_log_loss"].map { try Scorer.named($0) }
  print("\(folds)-fold stratified cross-validation, \(threads) thread(s), mean ± std over folds:")
  let header = "  " + "model".padding(toLength: 48, withPad: " ", startingAt: 0)
    + scorers.map { $0.name.padding(toLength: 18, withPad: " ", startingAt: 0) }.joined() + "time"
  print(header)
  let strategies: [DummyClassifier.Strategy] = [.mostFrequent, .prior, .stratified, .uniform]
  for strategy in strategies {
    let pipeline = Pipeline(StandardScaler(), DummyClassifier(strategy: strategy, seed: 0))
    let start = Date()
    let result = try crossValidate(
      pipeline, digits.x, digits.y, cv: StratifiedKFold(splits: folds, shuffle: true, seed: 0),
      scoring: scorers, parallelism: .threads(threads))
    let cells = scorers.map { scorer -> String in
      let scores = result.testScores[scorer.name] ?? []
      let mean = scores.reduce(0, +) / Double(scores.count)
      let spread = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scores.count)).squareRoot()
      return String(format: "%.4f ± %.4f", mean, spread).padding(toLength: 18, withPad: " ", startingAt: 0)
    }
    let name = "StandardScaler → DummyClassifier(\(strategy.rawValue))".padding(toLength: 48, withPad: " ", startingAt: 0)
    print("  " + name + cells.joined() + String(format: "%.1f ms", Date().timeIntervalSince(start) * 1000))
  }
}
