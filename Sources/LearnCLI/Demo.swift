import Foundation
import Learn

/// `learn demo`: the field's reference task, an MLP classifier on the built-in digits tuned over
/// its four usual hyperparameters with 3-fold cross-validation, by every kind of search Learn has
/// at comparable budgets in epochs, then a table of the best CV score, the held-out score, the
/// epochs and the wall time of each, and an HTML report of every search (`--report PATH`, by
/// default `learn-demo-report.html` in the current folder). `--quick` is a smaller version
/// (under a minute in a release build), `--smoke` a tiny one for the test suite.
func runDemo(arguments: [String]) throws {
  let options = try Options(arguments, command: "demo", valued: ["--threads", "--seed", "--folds", "--verbose", "--report"],
                            flags: ["--quick", "--smoke"])
  guard let verbose = Int(options.value("--verbose") ?? "1"), (0...3).contains(verbose) else {
    throw UsageError(description: "learn demo: --verbose expects 0, 1, 2 or 3")
  }
  let size: DemoSize = options.has("--smoke") ? .smoke : options.has("--quick") ? .quick : .full
  let threads = try options.positiveInteger("--threads", default: Parallel.coreCount)
  let folds = try options.positiveInteger("--folds", default: 3)
  guard let seed = UInt64(options.value("--seed") ?? "0") else { throw UsageError(description: "learn demo: --seed expects an integer") }
  var digits = try Datasets.digits()
  if size == .smoke { digits = digits.subset(0..<300) }
  let (train, test) = try trainTestSplit(digits, testFraction: 0.25, stratified: true, seed: 0)
  print("digits: \(train.count) images to tune on, \(test.count) held out; MLPClassifier over hidden layers, activation,"
    + " alpha and learning rate; \(folds)-fold stratified CV; \(size.configurations) configurations × \(size.epochs) epochs"
    + " per search (or the same epochs spread by the strategy)")
  let header = ["search", "best CV", "held-out", "epochs", "wall s"]
  print("\n  " + header.enumerated().map { $1.padding(toLength: $0 == 0 ? 26 : 10, withPad: " ", startingAt: 0) }.joined())
  var sections: [SearchReport.Section] = []
  var rows: [[String]] = []
  for search in DemoSearch.allCases {
    let start = DispatchTime.now().uptimeNanoseconds
    let model = try search.run(size: size, train: train, folds: folds, threads: threads, seed: seed,
                               progress: SearchProgress(verbose: verbose))
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let heldOut = try model.best.map { try accuracy(test.y, $0.predict(test.x)) } ?? .nan
    let cells = [search.rawValue, String(format: "%.4f", model.bestScore), String(format: "%.4f", heldOut),
                 "\(epochsGiven(model.results, unbudgeted: size.epochs))", String(format: "%.1f", wall)]
    print("  " + cells.enumerated().map { $1.padding(toLength: $0 == 0 ? 26 : 10, withPad: " ", startingAt: 0) }.joined())
    rows.append(cells)
    sections.append(SearchReport.Section(name: search.rawValue, results: model.results, facts: [
      SearchReport.Fact("held-out accuracy of the refitted best", cells[2]), SearchReport.Fact("epochs", cells[3]),
      SearchReport.Fact("wall time", cells[4] + " s"),
    ]))
  }
  print("\nepochs: the training each configuration was given, summed (a continued trial counts what it added;"
    + " an MLP may stop earlier when its loss stops improving)")
  let path = options.value("--report") ?? "learn-demo-report.html"
  let report = SearchReport(title: "learn demo: MLPClassifier on digits, \(folds)-fold CV, every kind of search",
                            sections: sections, summary: SearchReport.Table(header: header, rows: rows))
  try writeReport(report, to: path)
  print("report: \(URL(fileURLWithPath: path).standardizedFileURL.path)")
}

/// How big the demo is.
enum DemoSize {
  case full, quick, smoke

  /// Configurations for the searches that train each one fully.
  var configurations: Int { self == .full ? 40 : self == .quick ? 10 : 3 }
  /// Epochs of a fully trained configuration (81 is the reference task's R).
  var epochs: Int { self == .full ? 81 : self == .quick ? 18 : 3 }
  /// The search space: the reference task's four hyperparameters.
  var space: [String: Distribution] {
    ["hiddenLayerSizes": .choice(self == .smoke ? [[8]] : [[50], [100], [50, 50]]), "activation": .choice(["relu", "tanh"]),
     "alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-4, 1e-1)]
  }
}

/// The searches the demo compares.
enum DemoSearch: String, CaseIterable {
  case random = "random search"
  case gaussianProcess = "Bayesian (GP)"
  case tpe = "Bayesian (TPE)"
  case hyperband = "Hyperband"
  case asha = "ASHA"
  case pbt = "PBT"

  func run(
    size: DemoSize, train: Dataset<Int>, folds: Int, threads: Int, seed: UInt64, progress: SearchProgress
  ) throws -> SearchModel<MLPClassifier> {
    let cv = StratifiedKFold(splits: folds)
    let n = size.configurations, epochs = size.epochs, space = size.space
    var full = MLPClassifier(seed: seed)
    full.maxIterations = epochs
    func fit<S: SearchStrategy>(_ estimator: MLPClassifier, _ strategy: S) throws -> SearchModel<MLPClassifier> {
      try SearchCV(estimator, strategy: strategy, cv: cv, parallelism: .threads(threads), progress: progress, seed: seed)
        .fit(train.x, train.y)
    }
    switch self {
    case .random: return try fit(full, RandomSearch(space, iterations: n, seed: seed, batchSize: 2))
    case .gaussianProcess: return try fit(full, BayesSearch(space, iterations: n, surrogate: .gaussianProcess, batchSize: 2, seed: seed))
    case .tpe: return try fit(full, BayesSearch(space, iterations: n, surrogate: .tpe, batchSize: 2, seed: seed))
    case .hyperband:
      // As many rounds of all brackets as fit in the budget of the other searches.
      let perRound = try HyperbandSchedule(maxBudget: epochs, eta: 3).brackets.reduce(0) { $0 + $1.continuedBudget }
      let rounds = Swift.max(1, n * epochs / perRound)
      return try fit(MLPClassifier(seed: seed), HyperbandSearch(space, maxBudget: epochs, eta: 3, iterations: rounds))
    case .asha:
      // Most candidates stop at the bottom rung: about five epochs each spend the same budget.
      let candidates = Swift.max(3 * n, n * epochs / 5)
      return try fit(MLPClassifier(seed: seed), ASHASearch(space, candidates: candidates, maxBudget: epochs, eta: 3))
    case .pbt:
      // Half as many members as configurations, each trained twice as long, in steps.
      let mutable = ["alpha", "learningRateInit"]
      let population = Swift.max(2, n / 2), generations = Swift.max(1, epochs / 3)
      return try fit(MLPClassifier(seed: seed), PBTSearch(
        space, mutable: mutable, populationSize: population, generations: generations, readyInterval: Swift.max(1, epochs / generations) * 2))
    }
  }
}

/// The epochs the trials were given, per configuration (a continued trial counts what it added;
/// a trial without a budget counts `unbudgeted`).
func epochsGiven(_ results: SearchResults, unbudgeted: Int) -> Int {
  results.trials.reduce(0) { sum, trial in
    guard let budget = trial.budget else { return sum + unbudgeted }
    let before = trial.parent.flatMap { results.trials[$0].budget } ?? 0
    return sum + Swift.max(0, budget - before)
  }
}

/// The mean of `values`.
func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
