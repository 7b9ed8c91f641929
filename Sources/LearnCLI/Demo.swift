import Foundation
import Learn

/// `learn demo`: the main job on the embedded data. It grows with the library; today it
/// cross-validates scikit-learn's baseline strategies on digits.
func runDemo(arguments: [String]) throws {
  let folds = try positiveInteger("--folds", in: arguments, default: 5)
  let threads = try positiveInteger("--threads", in: arguments, default: Parallel.coreCount)
  let digits = try Datasets.digits()
  print("digits: \(digits.count) samples × \(digits.x.columnCount) features, \(digits.classes.count) classes")
  print("\(folds)-fold cross-validated accuracy, \(threads) thread(s):")
  let strategies: [DummyClassifier.Strategy] = [.mostFrequent, .prior, .stratified, .uniform]
  for strategy in strategies {
    let start = Date()
    let scores = try crossValScore(
      DummyClassifier(strategy: strategy, seed: 0), digits.x, digits.y,
      cv: KFold(splits: folds, shuffle: true, seed: 0), parallelism: .threads(threads))
    let mean = scores.reduce(0, +) / Double(scores.count)
    let spread = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scores.count)).squareRoot()
    let name = "DummyClassifier(\(strategy.rawValue))".padding(toLength: 34, withPad: " ", startingAt: 0)
    print("  \(name) \(String(format: "%.4f ± %.4f", mean, spread))   \(String(format: "%.1f ms", Date().timeIntervalSince(start) * 1000))")
  }
}
