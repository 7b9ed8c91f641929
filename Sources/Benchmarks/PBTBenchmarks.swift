// Population-based training against random search and Hyperband at equal budgets (issue 16), on a
// held-out test split no method sees while tuning.
//
//   Benchmarks pbt [--estimator mlp|sgd] [--data digits|synth20k] [--seeds 0-4]
//       [--methods pbt,pb2,pbt-async,random,hyperband] [--population 16] [--generations 8] [--interval 5]
//
// Data: Fixtures/scripts/benchmark_data.py's train/test splits (`<data>_train.csv`, `_test.csv`
// under .build/benchmark-data). Each method tunes on the training part with stratified 3-fold
// cross-validation, refits (PBT replays its best member's schedule) and is scored on the test
// part. Budgets in epochs: PBT trains `population × generations × interval` epochs per fold;
// random search trains `population` candidates for `generations × interval` epochs each (the
// same total); Hyperband runs brackets up to R = `generations × interval` (η = 3) for as many
// rounds as fit in the same total. Prints one JSON object per (method, seed): test and CV
// scores, the epochs given, wall seconds and, for PBT, the best member's learning-rate schedule.

import Foundation
import Learn

/// The estimator, space and mutable hyperparameters of one benchmark task.
struct PBTTask {
  var estimator: AnyEstimator<Int>
  var space: [String: Distribution]
  var mutable: [String]
  var rate: String
}

func pbtTask(_ name: String) throws -> PBTTask {
  switch name {
  case "mlp":
    return PBTTask(
      estimator: AnyEstimator(MLPClassifier(hiddenLayerSizes: [64], seed: 0)),
      space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-4, 1e-1)],
      mutable: ["alpha", "learningRateInit"], rate: "learningRateInit")
  case "sgd":
    return PBTTask(
      estimator: AnyEstimator(SGDClassifier(loss: .logLoss, seed: 0, learningRate: .constant)),
      space: ["alpha": .logUniform(1e-6, 1e-1), "eta0": .logUniform(1e-4, 1e-1)], mutable: ["alpha", "eta0"], rate: "eta0")
  default:
    throw LearnError.invalidArgument(name: "--estimator", reason: "mlp or sgd, got \(name)")
  }
}

func runPBTBenchmarks(arguments: [String]) throws {
  let task = try pbtTask(option("--estimator", in: arguments) ?? "mlp")
  let dataName = option("--data", in: arguments) ?? "digits"
  let (train, test) = try benchmarkData(dataName, as: Int.self)
  let population = Int(option("--population", in: arguments) ?? "16") ?? 16
  let generations = Int(option("--generations", in: arguments) ?? "8") ?? 8
  let interval = Int(option("--interval", in: arguments) ?? "5") ?? 5
  let methods = (option("--methods", in: arguments) ?? "pbt,random,hyperband").split(separator: ",").map(String.init)
  let full = generations * interval, total = population * full
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-4") {
    for method in methods {
      let cv = StratifiedKFold(splits: 3)
      let start = DispatchTime.now().uptimeNanoseconds
      let model: SearchModel<AnyEstimator<Int>>
      var extra: [(String, String)] = []
      switch method {
      case "pbt", "pb2", "pbt-async":
        let search = try PBTSearchCV(
          task.estimator, space: task.space, mutable: task.mutable, populationSize: population, generations: generations,
          readyInterval: interval, explore: method == "pb2" ? .pb2() : .perturb(),
          mode: method == "pbt-async" ? .asynchronous : .synchronous, cv: cv, seed: seed)
        model = try search.fit(train.x, train.y)
        if let best = model.bestIndex, let schedule = model.results.schedule(of: best) {
          let rates = schedule.values(of: task.rate).map { "[\($0.units), \($0.value?.doubleValue.map { String($0) } ?? "null")]" }
          extra.append(("schedule", "[" + rates.joined(separator: ", ") + "]"))
          extra.append(("copies", "\(model.results.trials.filter { $0.tags["donor"] != nil }.count)"))
        }
        // The other final model PBT offers: the best member's fold models as trained, voting.
        if let ensemble = model.foldEnsemble {
          extra.append(("ensemble_test_accuracy", "\(try accuracy(test.y, ensemble.predict(test.x)))"))
        }
      case "random":
        let fixed = try trainingFor(full, task.estimator)
        let search = SearchCV(fixed, strategy: try RandomSearch(task.space, iterations: population, seed: seed, batchSize: 2),
                              cv: cv, seed: seed)
        model = try search.fit(train.x, train.y)
      case "hyperband":
        let schedule = try HyperbandSchedule(maxBudget: full, eta: 3)
        let perRound = schedule.brackets.reduce(0) { $0 + $1.continuedBudget }
        let rounds = Swift.max(1, total / perRound)
        extra.append(("rounds", "\(rounds)"))
        let strategy = try HyperbandSearch(task.space, maxBudget: full, eta: 3, iterations: rounds)
        model = try SearchCV(task.estimator, strategy: strategy, cv: cv, seed: seed).fit(train.x, train.y)
      default:
        throw LearnError.invalidArgument(name: "--methods", reason: "pbt, pb2, pbt-async, random or hyperband, got \(method)")
      }
      let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let testScore = try model.score(test.x, test.y)
      emit([("benchmark", "\"pbt\""), ("estimator", "\"\(option("--estimator", in: arguments) ?? "mlp")\""),
            ("data", "\"\(dataName)\""), ("method", "\"\(method)\""), ("seed", "\(seed)"),
            ("test_accuracy", "\(testScore)"), ("cv_accuracy", jsonNumber(model.bestScore)),
            ("epochs", "\(method == "random" ? total : epochsGiven(model.results))"), ("budget", "\(total)"), ("wall_seconds", "\(wall)")] + extra)
    }
  }
}

/// The epochs the trials were given, per configuration (a continued trial counts what it added).
func epochsGiven(_ results: SearchResults) -> Int {
  results.trials.reduce(0) { sum, trial in
    let before = trial.parent.flatMap { results.trials[$0].budget } ?? 0
    return sum + Swift.max(0, (trial.budget ?? 0) - before)
  }
}

/// `estimator` trained `units` budget units (``trainingFor`` is internal to the engine): its
/// declared training parameter set to `units × scale`.
func trainingFor(_ units: Int, _ estimator: AnyEstimator<Int>) throws -> AnyEstimator<Int> {
  guard let declared = estimator.trainingUnits else { throw LearnError.invalidArgument(name: "estimator", reason: "no units") }
  return try estimator.setting(declared.parameter, to: .int(units * declared.scale))
}
