// Multi-fidelity search on the reference task: MLPClassifier on raw digits pixels, unshuffled
// stratified 3-fold, the four hyperparameters of the Bayesian-search task, budgets in epochs up to
// R = 81 (η = 3).
//
//   Benchmarks hyperband-mlp [--seeds 0-4] [--methods hyperband,asha,bohb,random]
//       [--random-configs 200] [--asha-candidates 405] [--min-budget 1]
//
// Prints one JSON object per (method, seed): the anytime curve as [epochs, best score] pairs
// (epochs: the units each trial was given, counted once per configuration, not per fold; a
// promoted trial counts only the epochs it added), the same curve in epochs actually trained (an
// MLP stops early when its loss stops improving: the mean over folds of the epochs its models
// ran), the epochs of one Hyperband iteration, the best score reached within them, the total
// epochs, the wall time and the fraction of core time busy.

import Foundation
import Learn

/// The multi-fidelity benchmark on the reference MLP task.
func runHyperbandBenchmarks(arguments: [String]) throws {
  let digits = try Datasets.digits()
  let space: [String: Distribution] = [
    "hiddenLayerSizes": .choice([[50], [100], [50, 50], [100, 50]]), "activation": .choice(["relu", "tanh"]),
    "alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-4, 1e-1),
  ]
  let minBudget = Int(option("--min-budget", in: arguments) ?? "1") ?? 1
  let schedule = try HyperbandSchedule(maxBudget: 81, minBudget: minBudget, eta: 3)
  let iterationEpochs = schedule.brackets.reduce(0) { $0 + $1.continuedBudget }
  let methods = (option("--methods", in: arguments) ?? "hyperband,asha,bohb,random").split(separator: ",").map(String.init)
  let randomConfigs = Int(option("--random-configs", in: arguments) ?? "200") ?? 200
  let ashaCandidates = Int(option("--asha-candidates", in: arguments) ?? "405") ?? 405
  let estimator = MLPClassifier(seed: 0)
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-4") {
    for method in methods {
      let cv = StratifiedKFold(splits: 3)
      let start = DispatchTime.now().uptimeNanoseconds
      let results: SearchResults
      let report: ExecutionReport
      let trained: [Int: Double]
      switch method {
      case "hyperband", "bohb":
        var search = try HyperbandSearchCV(
          estimator, space: space, maxBudget: 81, minBudget: minBudget, eta: 3, sampler: method == "bohb" ? .bohb : .random,
          cv: cv, refit: .off, seed: seed)
        search.retainFoldModels = true
        let model = try search.fit(digits.x, digits.y)
        (results, report, trained) = (model.results, model.execution, epochsRun(model.foldModels))
      case "asha":
        var search = try ASHASearchCV(
          estimator, space: space, candidates: ashaCandidates, maxBudget: 81, minBudget: minBudget, eta: 3, cv: cv, refit: .off,
          seed: seed)
        search.retainFoldModels = true
        let model = try search.fit(digits.x, digits.y)
        (results, report, trained) = (model.results, model.execution, epochsRun(model.foldModels))
      case "random":
        var full = estimator
        full.maxIterations = 81
        var search = SearchCV(
          full, strategy: try RandomSearch(space, iterations: randomConfigs, seed: seed, batchSize: 2), cv: cv, refit: .off,
          seed: seed)
        search.retainFoldModels = true
        let model = try search.fit(digits.x, digits.y)
        (results, report, trained) = (model.results, model.execution, epochsRun(model.foldModels))
      default:
        throw LearnError.invalidArgument(name: "--methods", reason: "unknown method \(method); known: hyperband, asha, bohb, random")
      }
      let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let curve = anytimeCurve(results.trials, fullBudget: 81)
      let atIteration = curve.last { $0.epochs <= iterationEpochs }?.best ?? .nan
      let actual = actualCurve(results.trials, epochs: trained)
      let actualAtIteration = actual.last { $0.epochs <= Double(iterationEpochs) }?.best ?? .nan
      emit([("kind", "\"hyperband_mlp\""), ("method", "\"\(method)\""), ("seed", "\(seed)"),
            ("iteration_epochs", "\(iterationEpochs)"), ("best_at_iteration", jsonNumber(atIteration)),
            ("total_epochs", "\(curve.last?.epochs ?? 0)"), ("best", jsonNumber(curve.last?.best ?? .nan)),
            ("trials", "\(results.trials.count)"), ("wall_seconds", "\(wall)"), ("cores_busy", "\(report.coresBusy)"),
            ("actual_epochs", "\(actual.last?.epochs ?? 0)"), ("best_at_iteration_actual", jsonNumber(actualAtIteration)),
            ("curve", "[" + curve.map { "[\($0.epochs),\(jsonNumber($0.best))]" }.joined(separator: ",") + "]"),
            ("actual_curve", "[" + actual.map { "[\($0.epochs),\(jsonNumber($0.best))]" }.joined(separator: ",") + "]")])
    }
  }
}

/// One point of an anytime curve: epochs trained so far and the best mean CV accuracy so far.
struct AnytimePoint {
  var epochs: Int
  var best: Double
}

/// The curve over trials in order of creation: each trial adds the epochs it trained (its budget
/// minus its parent's, or `fullBudget` without a budget), and its score counts once it is at the
/// largest budget it could reach — any budget, as the anchors' curves do, since a search's
/// incumbent is whatever scored best so far.
func anytimeCurve(_ trials: [TrialRecord], fullBudget: Int) -> [AnytimePoint] {
  var epochs = 0, best = -Double.infinity
  var points: [AnytimePoint] = []
  for trial in trials {
    let budget = trial.budget ?? fullBudget
    let before = trial.parent.flatMap { trials[$0].budget } ?? 0
    epochs += budget - before
    let score = trial.meanTestScore("accuracy")
    if score.isFinite { best = Swift.max(best, score) }
    points.append(AnytimePoint(epochs: epochs, best: best))
  }
  return points
}

/// The epochs each trial's fold models ran, as the mean over folds of the MLP's epoch count
/// (continued models count from the start, so a promoted trial's own share is the difference to
/// its parent's).
func epochsRun(_ models: [Int: [MLPClassifier.Model]]) -> [Int: Double] {
  models.mapValues { folds in Double(folds.reduce(0) { $0 + $1.iterations }) / Double(Swift.max(1, folds.count)) }
}

/// One point of a curve in epochs actually trained.
struct ActualPoint {
  var epochs: Double
  var best: Double
}

/// ``anytimeCurve(_:fullBudget:)`` with each trial's epochs as its models actually ran (`epochs`,
/// cumulative per trial) minus its parent's.
func actualCurve(_ trials: [TrialRecord], epochs: [Int: Double]) -> [ActualPoint] {
  var total = 0.0, best = -Double.infinity
  return trials.map { trial in
    let own = epochs[trial.index] ?? 0
    total += own - (trial.parent.flatMap { epochs[$0] } ?? 0)
    let score = trial.meanTestScore("accuracy")
    if score.isFinite { best = Swift.max(best, score) }
    return ActualPoint(epochs: total, best: best)
  }
}
