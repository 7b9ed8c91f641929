import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// `BayesSearch` through the engine: it improves on random search, resumes from its record,
/// spreads parallel proposals, survives failures, and refuses bad settings. (Regret figures
/// against the peers are in the Benchmarks target, not here.)
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct BayesSearchTests {
  static let surrogates: [(String, Surrogate)] = [("gp", .gaussianProcess), ("tpe", .tpe)]

  @Test(arguments: [0, 1]) func bothSurrogatesBeatRandomSearchOnBranin(_ which: Int) throws {
    let (name, surrogate) = Self.surrogates[which]
    // The same 25 evaluations, three seeds: the model-based search ends lower on each.
    var wins = 0
    for seed: UInt64 in [1, 2, 3] {
      let bayes = try minimize(
        branin, space: braninSpace, trials: 25, strategy: BayesSearch(iterations: 25, surrogate: surrogate, seed: seed))
      let random = try minimize(branin, space: braninSpace, trials: 25, seed: seed)
      #expect(bayes.count == 25 && bayes.trials.allSatisfy { $0.status == .complete })
      if bayes.bestValue < random.bestValue { wins += 1 }
    }
    #expect(wins >= 2, "\(name) beat random search on \(wins) of 3 seeds")
  }

  @Test func theGaussianProcessHomesInOnBraninsMinimum() throws {
    let study = try minimize(branin, space: braninSpace, trials: 30, strategy: BayesSearch(iterations: 30, seed: 4))
    #expect(study.bestValue - 0.397887 < 0.05, "30 evaluations reach regret \(study.bestValue - 0.397887)")
    // The proposals carry the kernel fit that the next one warm-starts from.
    #expect(study.trials.suffix(20).allSatisfy { $0.tags[GaussianProcessProposer.kernelTag] != nil })
    // Reproducible.
    let again = try minimize(branin, space: braninSpace, trials: 30, strategy: BayesSearch(iterations: 30, seed: 4))
    #expect(again.trials.map(\.untimed) == study.trials.map(\.untimed))
  }

  @Test(arguments: [0, 1]) func aStoppedSearchResumesToTheSameTable(_ which: Int) throws {
    let (name, surrogate) = Self.surrogates[which]
    let journal = temporaryJournal("bayes-\(name)")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let strategy = try BayesSearch(iterations: 24, surrogate: surrogate, seed: 9)
    let first = try minimize(branin, space: braninSpace, trials: 24, strategy: strategy, seed: 9,
                             stop: StopConditions(maxTrials: 15), journal: journal, studyName: "resume")
    #expect(first.count == 15)
    let resumed = try minimize(branin, space: braninSpace, trials: 24, strategy: strategy, seed: 9, journal: journal, studyName: "resume")
    let uninterrupted = try minimize(branin, space: braninSpace, trials: 24, strategy: strategy, seed: 9)
    #expect(resumed.count == 24)
    #expect(resumed.trials.map(\.untimed) == uninterrupted.trials.map(\.untimed), "\(name) resumes from its record alone")
  }

  @Test func theHedgeKeepsItsGainsInTheRecord() throws {
    let journal = temporaryJournal("bayes-hedge")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let strategy = try BayesSearch(
      iterations: 18, surrogate: .gaussianProcess(GaussianProcessSettings(acquisition: .hedge(), sweepPoints: 256)), seed: 2)
    _ = try minimize(branin, space: braninSpace, trials: 18, strategy: strategy, seed: 2, stop: StopConditions(maxTrials: 13),
                     journal: journal, studyName: "hedge")
    let resumed = try minimize(branin, space: braninSpace, trials: 18, strategy: strategy, seed: 2, journal: journal, studyName: "hedge")
    let plain = try minimize(branin, space: braninSpace, trials: 18, strategy: strategy, seed: 2)
    #expect(resumed.trials.map(\.untimed) == plain.trials.map(\.untimed))
    let gains = plain.trials.compactMap { trial -> [Double]? in
      guard case .string(let text)? = trial.tags[GaussianProcessProposer.gainsTag] else { return nil }
      return text.split(separator: ",").compactMap { Double($0) }
    }
    #expect(gains.count == 18 - 6 && gains.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isFinite) })
    #expect(gains.last != gains.first, "the gains move with each refit")
  }

  @Test func batchesGiveTheSameTableForAnyNumberOfWorkers() throws {
    for surrogate in [Surrogate.gaussianProcess, .tpe] {
      let strategy = try BayesSearch(iterations: 16, surrogate: surrogate, batchSize: 3, seed: 5)
      let serial = try minimize(branin, space: braninSpace, trials: 16, strategy: strategy, seed: 5)
      let parallel = try minimize(branin, space: braninSpace, trials: 16, strategy: strategy, seed: 5, parallelism: .threads(2))
      #expect(parallel.trials.map(\.untimed) == serial.trials.map(\.untimed))
      // Within a batch the pending points push the next ones away: no point twice.
      #expect(Set(serial.trials.map(\.parameters)).count == 16)
    }
    // Asynchronous proposals keep both workers busy and never repeat a point either.
    let async = try minimize(branin, space: braninSpace, trials: 16,
                             strategy: BayesSearch(iterations: 16, batchSize: nil, seed: 5), parallelism: .threads(2))
    #expect(async.count == 16 && Set(async.trials.map(\.parameters)).count == 16)
  }

  @Test func failuresAreRecordedAndTheSearchGoesOn() throws {
    struct Refused: Error {}
    func run(_ policy: FailedTrialPolicy, _ surrogate: Surrogate) throws -> Study {
      try minimize({ p in
        let x = p["x"]!.doubleValue!
        if x > 6 { throw Refused() }
        if x < -3 { return .nan }
        return branin(p)
      }, space: braninSpace, trials: 22, strategy: BayesSearch(iterations: 22, surrogate: surrogate, failedTrials: policy, seed: 3))
    }
    for surrogate in [Surrogate.gaussianProcess, .tpe] {
      let penalized = try run(.penalize, surrogate), excluded = try run(.exclude, surrogate)
      for study in [penalized, excluded] {
        #expect(study.count == 22 && study.bestValue.isFinite)
        #expect(study.trials.contains { $0.status.isFailed }, "some points land in the failing region")
      }
      #expect(penalized.bestValue < 5)
      // Penalised failures steer the model away; excluded ones leave the region looking promising.
      let failures = { (study: Study) in study.trials.filter { $0.status.isFailed }.count }
      #expect(failures(penalized) <= failures(excluded), "\(surrogate): \(failures(penalized)) vs \(failures(excluded))")
    }
    // Every trial failing: the search still ends, with every trial recorded as failed.
    let hopeless = try minimize({ _ in throw Refused() }, space: braninSpace, trials: 14, strategy: BayesSearch(iterations: 14, seed: 1))
    #expect(hopeless.count == 14 && hopeless.trials.allSatisfy { $0.status.isFailed })
  }

  @Test func aFiniteSpaceEndsWhenExhaustedAndNoPointRepeats() throws {
    let space: [String: Distribution] = ["a": .int(1, 3), "kind": .choice(["x", "y"])]
    for surrogate in [Surrogate.gaussianProcess, .tpe] {
      let study = try minimize({ p in Double(p["a"]!.intValue!) + (p["kind"] == "x" ? 0.5 : 0) }, space: space, trials: 20,
                               strategy: BayesSearch(iterations: 20, surrogate: surrogate, initialPoints: 3, seed: 1))
      #expect(study.count == 6, "\(surrogate): six combinations, each once")
      #expect(Set(study.trials.map(\.parameters)).count == 6)
      #expect(study.bestParameters == ["a": 1, "kind": "y"])
    }
  }

  @Test func mixedSpacesAndStartingPoints() throws {
    let space: [String: Distribution] = [
      "c": .logUniform(1e-3, 1e3), "depth": .int(1, 12), "kernel": .choice(["rbf", "linear", "poly"]), "width": .logInt(2, 512),
    ]
    let objective: @Sendable (ParameterSet) -> Double = { p in
      let c = log10(p["c"]!.doubleValue!), depth = Double(p["depth"]!.intValue!), width = log2(Double(p["width"]!.intValue!))
      return (c - 1) * (c - 1) + (depth - 7) * (depth - 7) / 4 + (p["kernel"] == "poly" ? 0 : 1) + (width - 6) * (width - 6) / 9
    }
    let start: ParameterSet = ["c": 10.0, "depth": 7, "kernel": "poly", "width": 64]
    for surrogate in [Surrogate.gaussianProcess, .tpe] {
      let study = try minimize(objective, space: space, trials: 20,
                               strategy: BayesSearch(iterations: 20, surrogate: surrogate, startingPoints: [start], seed: 6))
      #expect(study.trials[0].parameters == start && study.bestValue == 0, "the starting point is evaluated first")
      for trial in study.trials {
        let values = trial.parameters
        #expect(space.allSatisfy { $0.value.contains(values[$0.key]!) }, "every proposal lies in the space")
      }
    }
    #expect(throws: LearnError.self) { try BayesSearch(space, startingPoints: [["c": 5000.0, "depth": 1, "kernel": "rbf", "width": 2]]) }
    #expect(throws: LearnError.self) { try BayesSearch(space, startingPoints: [["c": 1.0]]) }
  }

  @Test func conditionalSpacesWithTPE() throws {
    let spaces: [[String: Distribution]] = [["model": .choice(["a"]), "x": .uniform(-5, 5)], ["model": .choice(["b"]), "y": .uniform(0, 1)]]
    let strategy = try BayesSearch(spaces: spaces, iterations: 30, surrogate: .tpe, seed: 2)
    // Every point of sub-space "a" beats every point of "b".
    let study = try minimize({ p in p["model"] == "a" ? abs(p["x"]!.doubleValue! - 1) / 5 : 2 + p["y"]!.doubleValue! },
                             space: ["x": .uniform(-5, 5)], trials: 30, strategy: strategy)
    let late = study.trials.suffix(15).filter { $0.parameters["model"] == "a" }.count
    #expect(late >= 10, "the better sub-space is chosen more often once the model knows it (\(late) of 15)")
    #expect(study.bestValue < 0.05)
    #expect(throws: LearnError.self) { try BayesSearch(spaces: spaces, surrogate: .gaussianProcess) }
  }

  /// Conditional sub-spaces through every TPE path: multivariate and per-dimension estimators,
  /// good kernels weighted by improvement (the default) or uniformly. The better sub-space's good
  /// trials carry the weights, and the other sub-space, with no good trial of its own, must still
  /// give valid proposals: every point decodes inside the sub-space it names, no point repeats,
  /// and the better sub-space dominates the late trials.
  @Test(arguments: [(true, TPESettings.GoodWeights.expectedImprovement), (false, .expectedImprovement),
                    (true, .uniform), (false, .uniform)])
  func conditionalSpacesThroughEveryTPEPath(multivariate: Bool, weights: TPESettings.GoodWeights) throws {
    let spaces: [[String: Distribution]] = [
      ["model": .choice(["a"]), "x": .uniform(-5, 5), "n": .int(1, 9)],
      ["model": .choice(["b"]), "y": .logUniform(1e-3, 1), "kind": .choice(["p", "q", "r"])],
    ]
    let settings = TPESettings(multivariate: multivariate, goodWeights: weights)
    let strategy = try BayesSearch(spaces: spaces, iterations: 40, surrogate: .tpe(settings), seed: 7)
    // Sub-space "b" is always better; within it, small y and kind "q".
    let study = try minimize({ p in
      if p["model"] == "a" { return 3 + abs(p["x"]!.doubleValue!) / 5 }
      return log10(p["y"]!.doubleValue!) / 3 + (p["kind"] == "q" ? 0 : 0.5) + 1
    }, space: ["x": .uniform(-5, 5)], trials: 40, strategy: strategy)
    #expect(study.trials.count == 40)
    var seen = Set<[String: ParameterValue]>()
    for trial in study.trials {
      let p = trial.parameters
      #expect(seen.insert(p).inserted, "\(p) proposed twice")
      if p["model"] == "a" {
        #expect(Set(p.keys) == ["model", "x", "n"])
        #expect((-5...5).contains(p["x"]!.doubleValue!) && (1...9).contains(p["n"]!.intValue!))
      } else {
        #expect(p["model"] == "b" && Set(p.keys) == ["model", "y", "kind"])
        #expect((1e-3...1).contains(p["y"]!.doubleValue!) && (["p", "q", "r"] as [ParameterValue]).contains(p["kind"]!))
      }
    }
    let late = study.trials.suffix(20).filter { $0.parameters["model"] == "b" }.count
    #expect(late >= 14, "the better sub-space dominates late (\(late) of 20)")
  }

  @Test func badSettingsAreRefusedWithTheirNames() throws {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return String(describing: error) }
      return "no error"
    }
    #expect(reason { _ = try BayesSearch([:]) }.contains("at least one hyperparameter"))
    #expect(reason { _ = try BayesSearch(["x": .uniform(1, 0)]) }.contains("low ≤ high"))
    #expect(reason { _ = try BayesSearch(["x": .logUniform(0, 1)]) }.contains("0 < low"))
    #expect(reason { _ = try BayesSearch(["x": .int(3, 1)]) }.contains("x"))
    #expect(reason { _ = try BayesSearch(["x": .uniform(0, 1)], iterations: 0) }.contains("iterations"))
    #expect(reason { _ = try BayesSearch(["x": .uniform(0, 1)], initialPoints: 0) }.contains("initialPoints"))
    #expect(reason { _ = try BayesSearch(["x": .uniform(0, 1)], batchSize: 0) }.contains("batchSize"))
    #expect(reason {
      _ = try BayesSearch(["x": .uniform(0, 1)], surrogate: .gaussianProcess(GaussianProcessSettings(acquisition: .lowerConfidenceBound(kappa: -1))))
    }.contains("kappa"))
    #expect(reason { _ = try BayesSearch(["x": .uniform(0, 1)], surrogate: .tpe(TPESettings(candidates: 0))) }.contains("candidates"))
    // A misspelt name is refused before anything runs, with a suggestion.
    let iris = try Datasets.iris()
    #expect(reason {
      _ = try BayesSearchCV(LogisticRegression(), space: ["cc": .logUniform(0.01, 10)], iterations: 4).fit(iris.x, iris.y)
    }.contains("cc"))
  }

  @Test func bayesSearchCVKeepsTheWholeSearchContract() throws {
    let iris = try Datasets.iris()
    let journal = temporaryJournal("bayes-cv")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    func search(_ journal: String?, workers: Int) throws -> BayesSearchCV<LogisticRegression> {
      try BayesSearchCV(
        LogisticRegression(), space: ["c": .logUniform(1e-3, 1e2)], iterations: 14, initialPoints: 5,
        cv: StratifiedKFold(splits: 3), scoring: [.accuracy, .negLogLoss], refit: .metric("neg_log_loss"),
        parallelism: .threads(workers), journal: journal, seed: 3)
    }
    let model = try search(nil, workers: 1).fit(iris.x, iris.y)
    #expect(model.results.count == 14)
    #expect(model.bestScore == model.results.trials.map { $0.meanTestScore("neg_log_loss") }.max())
    #expect(try accuracy(iris.y, model.predict(iris.x)) > 0.9)
    // Same table with two workers (batches of one wait for each other) and through a journal.
    let parallel = try search(journal, workers: 2).fit(iris.x, iris.y)
    #expect(parallel.results.trials.map(\.untimed) == model.results.trials.map(\.untimed))
    let reread = try search(journal, workers: 2).fit(iris.x, iris.y)
    #expect(reread.results == parallel.results)
  }
}

extension BayesSearchTests {
  @Test func askAndTellWithAStrategy() throws {
    let study = Study(direction: .minimize, seed: 4)
    let strategy = try BayesSearch(braninSpace, iterations: 20, surrogate: .tpe, seed: 4)
    // A known good point first, as scikit-optimize's x0.
    try study.enqueue(["x": 3.14, "y": 2.27])
    while let trial = try study.ask(using: strategy) {
      _ = try study.tell(trial.number, value: branin(trial.parameters))
    }
    #expect(study.count == 21, "the enqueued point plus the strategy's 20")
    #expect(study.trials[0].parameters == ["x": 3.14, "y": 2.27] && study.bestValue < 0.41)
    // The same proposals as the engine makes for the same record.
    let engine = try minimize(branin, space: braninSpace, trials: 20, strategy: strategy, seed: 4)
    // Two dimensions: min(10, 2·(2 + 1)) = 6 design points, which do not depend on the enqueued one.
    #expect(Array(study.trials.dropFirst().map(\.parameters).prefix(6)) == Array(engine.trials.map(\.parameters).prefix(6)))
    #expect(study.trials[7].parameters != engine.trials[6].parameters, "the model sees the enqueued point")
  }
}
