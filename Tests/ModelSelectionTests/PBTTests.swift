import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// Population-based training with cross-validation: generations, exploit and explore, lineage
/// and schedules from the record, replay, reproducibility and resume.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct PBTTests {
  static let space: [String: Distribution] = [
    "alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1), "batchSize": .choice([16, 32, 64, 128]),
  ]
  static let mutable = ["learningRateInit", "alpha", "batchSize"]

  static func search(
    workers: Int = 1, journal: String? = nil, estimator: CountingMLP = CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1))
  ) throws -> PBTSearchCV<CountingMLP> {
    try PBTSearchCV(
      estimator, space: space, mutable: mutable, populationSize: 6, generations: 4, readyInterval: 2,
      cv: StratifiedKFold(splits: 3), parallelism: .threads(workers), journal: journal, seed: 7)
  }

  @Test func generationsExploitTheTopAndExploreOnlyTheMutableHyperparametersInsideTheSpace() throws {
    let data = try HyperbandTests.digits.get()
    let model = try Self.search().fit(data.x, data.y)
    let trials = model.results.trials
    #expect(trials.count == 24)
    #expect(trials.map(\.budget) == (0..<4).flatMap { g in Array(repeating: 2 * (g + 1), count: 6) })
    let space = try SearchSpace(Self.space)
    var copies = 0
    for trial in trials {
      let g = trial.tags["generation"]!.intValue!, m = trial.tags["member"]!.intValue!
      #expect(trial.index == 6 * g + m)
      #expect(trial.parameters.allSatisfy { space[$0.key]!.contains($0.value) }, "explore stays inside the space")
      guard g > 0 else {
        #expect(trial.parent == nil)
        continue
      }
      let previous = Array(trials[(6 * (g - 1))..<(6 * g)])
      let ranked = previous.sorted { ($0.meanTestScore("accuracy"), -$0.index) > ($1.meanTestScore("accuracy"), -$1.index) }
      if let donor = trial.tags["donor"]?.intValue {
        copies += 1
        #expect(ranked.suffix(2).map { $0.tags["member"]!.intValue! }.contains(m), "the bottom quantile copies")
        #expect(ranked.prefix(2).map { $0.tags["member"]!.intValue! }.contains(donor), "from the top quantile")
        #expect(trial.parent == trials[6 * (g - 1) + donor].index)
        let changed = trial.parameters.keys.filter { trial.parameters[$0] != trials[trial.parent!].parameters[$0] }
        #expect(changed.allSatisfy(Self.mutable.contains))
      } else {
        #expect(trial.parent == 6 * (g - 1) + m)
        #expect(trial.parameters == trials[trial.parent!].parameters)
      }
    }
    #expect(copies == 3 * 2, "⌈6 × 0.25⌉ = 2 copies per generation")
    #expect(trials.allSatisfy { $0.tags["refitted"] == nil }, "every member continued its models")
  }

  @Test func aReplayedScheduleReproducesTheMembersScoresAndTheRefit() throws {
    let data = try HyperbandTests.digits.get()
    let model = try Self.search().fit(data.x, data.y)
    let best = try #require(model.bestIndex)
    let schedule = try #require(model.results.schedule(of: best))
    #expect(schedule.steps.count == 4 && schedule.steps.map(\.units) == [2, 4, 6, 8])
    #expect(model.results.lineage(of: best).count == 4)
    // Each fold model replayed from scratch scores what the member scored: the copies trained
    // independently of the models they were copied from.
    let estimator = CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1))
    let folds = try StratifiedKFold(splits: 3).folds(count: data.x.rowCount, labels: data.y, groups: nil)
    for (k, fold) in folds.enumerated() {
      let replayed = try schedule.replay(with: estimator, on: data.x.rows(at: fold.train), fold.train.map { data.y[$0] })
      let score = try accuracy(fold.test.map { data.y[$0] }, replayed.predict(data.x.rows(at: fold.test)))
      #expect(score == model.results.trials[best].testScores["accuracy"]![k])
    }
    // The refit is the schedule replayed on all the data, not the last hyperparameters at 8 units.
    let replayed = try schedule.replay(with: estimator, on: data.x, data.y)
    #expect(try model.predict(data.x) == replayed.predict(data.x))
    #expect(model.best?.iterations == 8)
    // Or the member as trained in the search: its fold models voting as one.
    let ensemble = try #require(model.foldEnsemble)
    #expect(ensemble.models.count == 3 && ensemble.models.allSatisfy { $0.iterations == 8 })
    let probabilities = try ensemble.models.map { try $0.predictProbabilities(data.x) }
    let predicted = try ensemble.predict(data.x)
    for i in [0, 17, 123] {
      let mean = (0..<10).map { j in probabilities.reduce(0) { $0 + $1[i, j] } / 3 }
      #expect(predicted[i] == mean.indices.max { (mean[$0], -$0) < (mean[$1], -$1) })
    }
  }

  @Test func oneAndTwoWorkersGiveTheSameTable() throws {
    let data = try HyperbandTests.digits.get()
    let one = try Self.search(workers: 1).fit(data.x, data.y)
    let two = try Self.search(workers: 2).fit(data.x, data.y)
    #expect(one.results.trials.map(\.untimed) == two.results.trials.map(\.untimed))
  }

  @Test func aKilledPopulationResumesToTheSameTableWithoutRetraining() async throws {
    let data = try HyperbandTests.digits.get()
    let journal = temporaryJournal("pbt")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: journal + ".models")
    }
    // 6 members × 3 folds per generation: the 40th fit is inside generation 2.
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      killAtCall.store(40, ordering: .relaxed)
      let data = try HyperbandTests.digits.get()
      _ = try PBTTests.search(journal: journal).fit(data.x, data.y)
    }
    let resumed = try Self.search(journal: journal).fit(data.x, data.y)
    let whole = try Self.search().fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.untimed) == whole.results.trials.map(\.untimed))
    #expect(resumed.results.trials.allSatisfy { $0.tags["refitted"] == nil }, "members continued from their checkpoints")
    #expect(try resumed.predict(data.x) == whole.predict(data.x))
  }

  @Test func asynchronousMembersStepOnWithoutWaitingAndCopyTheLatestScores() throws {
    let data = try HyperbandTests.digits.get()
    for workers in [1, 2] {
      let search = try PBTSearchCV(
        CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1)), space: Self.space, mutable: Self.mutable,
        populationSize: 6, generations: 4, readyInterval: 2, mode: .asynchronous, cv: StratifiedKFold(splits: 3),
        parallelism: .threads(workers), seed: 7)
      let trials = try search.fit(data.x, data.y).results.trials
      for m in 0..<6 {
        let steps = trials.filter { $0.tags["member"] == .int(m) }
        #expect(steps.map { $0.tags["generation"]!.intValue! } == Array(steps.indices))
        #expect(steps.last?.budget == 8 && steps.dropLast().allSatisfy { $0.budget! < 8 }, "each member ends at the full budget")
        for step in steps.dropFirst() {
          let parent = trials[step.parent!]
          #expect(step.budget == min(parent.budget! + 2, 8), "a step trains one interval beyond the trial it continues")
          #expect(parent.status == .complete && parent.finishedAt! <= step.startedAt!)
          if step.tags["donor"] == nil { #expect(parent.tags["member"] == .int(m) && parent.parameters == step.parameters) }
        }
      }
      #expect(trials.contains { $0.tags["donor"] != nil }, "members copied")
      #expect(trials.allSatisfy { $0.tags["refitted"] == nil })
    }
  }

  @Test func pb2ChoosesCopiesByItsBanditReproduciblyAndInsideTheSpace() throws {
    let data = try HyperbandTests.digits.get()
    let space: [String: Distribution] = ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)]
    func search(_ workers: Int) throws -> PBTSearchCV<CountingMLP> {
      try PBTSearchCV(
        CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1)), space: space, mutable: ["alpha", "learningRateInit"],
        populationSize: 6, generations: 4, readyInterval: 2, explore: .pb2(candidates: 200), cv: StratifiedKFold(splits: 3),
        parallelism: .threads(workers), seed: 7)
    }
    let trials = try search(1).fit(data.x, data.y).results.trials
    #expect(try search(2).fit(data.x, data.y).results.trials.map(\.untimed) == trials.map(\.untimed))
    let built = try SearchSpace(space)
    let late = trials.filter { $0.tags["donor"] != nil && $0.tags["generation"]!.intValue! >= 2 }
    #expect(late.count == 4)
    for trial in late {
      #expect(trial.parameters.allSatisfy { built[$0.key]!.contains($0.value) })
      let donor = trials[trial.parent!].parameters["learningRateInit"]!.doubleValue!
      let ratio = trial.parameters["learningRateInit"]!.doubleValue! / donor
      #expect(abs(ratio - 0.8) > 1e-9 && abs(ratio - 1.2) > 1e-9, "chosen by the bandit, not perturbed")
    }
    #expect(Set(late.map { $0.parameters }).count == late.count, "a batch spreads out")
    #expect(throws: LearnError.self) {
      try PBTSearch(Self.space, mutable: ["batchSize"], generations: 2, readyInterval: 1, explore: .pb2())
    }
  }

  /// The asynchronous population of ``twoProcessesShareAnAsynchronousPopulation``.
  static func asynchronous(journal: String) throws -> PBTSearchCV<CountingMLP> {
    try PBTSearchCV(
      CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1)), space: Self.space, mutable: Self.mutable,
      populationSize: 6, generations: 4, readyInterval: 2, mode: .asynchronous, cv: StratifiedKFold(splits: 3),
      parallelism: .serial, journal: journal, seed: 7)
  }

  @Test func twoProcessesShareAnAsynchronousPopulationAndContinueEachOthersModels() async throws {
    let journal = temporaryJournal("pbt2")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: journal + ".models")
      removeRendezvous(journal)
    }
    func worker() async {
      await #expect(processExitsWith: .success) { [journal = journal as String] in
        rendezvous(journal, count: 2)
        let data = try HyperbandTests.digits.get()
        _ = try PBTTests.asynchronous(journal: journal).fit(data.x, data.y)
      }
    }
    async let first: Void = worker()
    async let second: Void = worker()
    _ = await (first, second)
    let data = try HyperbandTests.digits.get()
    let trials = try Self.asynchronous(journal: journal).fit(data.x, data.y).results.trials
    let processes = Set(trials.compactMap { $0.worker?.split(separator: "/").dropLast().joined(separator: "/") })
    #expect(processes.count == 2, "both processes ran members: \(processes)")
    #expect(Set(trials.map(\.proposal)).count == trials.count, "no step twice")
    for m in 0..<6 { #expect(trials.filter { $0.tags["member"] == .int(m) }.last?.budget == 8) }
    let across = trials.filter { $0.parent != nil && trials[$0.parent!].worker?.split(separator: "/").dropLast() != $0.worker?.split(separator: "/").dropLast() }
    #expect(!across.isEmpty, "some steps continued a model trained by the other process")
    #expect(trials.allSatisfy { $0.tags["refitted"] == nil }, "through the shared checkpoints, never by retraining")
  }

  @Test func pb2SeesTheSameDataHoweverAGenerationIsCreated() throws {
    // 12 members × 5 folds: one worker creates a generation 4 trials at a time, two 7 at a time.
    let data = try HyperbandTests.digits.get()
    func search(_ workers: Int) throws -> PBTSearchCV<CountingMLP> {
      try PBTSearchCV(
        CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [8], seed: 1)),
        space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)], mutable: ["alpha", "learningRateInit"],
        populationSize: 12, generations: 3, readyInterval: 1, explore: .pb2(candidates: 100), cv: StratifiedKFold(splits: 5),
        refit: .off, parallelism: .threads(workers), seed: 3)
    }
    let one = try search(1).fit(data.x, data.y).results.trials
    #expect(try search(2).fit(data.x, data.y).results.trials.map(\.untimed) == one.map(\.untimed))
  }

  @Test func aFoldEnsembleVotesWhenItsModelsGiveNoProbabilities() throws {
    let data = try HyperbandTests.digits.get()
    let models = try (0..<3).map { try SGDClassifier(maxIterations: 5, seed: UInt64($0)).fit(data.x, data.y) }
    let ensemble = try FoldEnsemble(models)
    let votes = try models.map { try $0.predict(data.x) }
    let predicted = try ensemble.predict(data.x)
    // Wherever two of the three agree, the ensemble says what they say.
    let majorities = (0..<data.x.rowCount).compactMap { i -> (Int, Int)? in
      if votes[0][i] == votes[1][i] || votes[0][i] == votes[2][i] { return (i, votes[0][i]) }
      return votes[1][i] == votes[2][i] ? (i, votes[1][i]) : nil
    }
    #expect(majorities.count > 200)
    for (i, label) in majorities { #expect(predicted[i] == label) }
  }

  @Test func badSettingsAreRefusedByName() {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    let mlp = MLPClassifier(hiddenLayerSizes: [8])
    #expect(reason { _ = try PBTSearch(Self.space, mutable: ["alpha"], populationSize: 1, generations: 2, readyInterval: 1) }
      .contains("populationSize"))
    #expect(reason { _ = try PBTSearch(Self.space, mutable: ["alpha"], generations: 2, readyInterval: 1, quantile: 0.6) }
      .contains("quantile"))
    #expect(reason { _ = try PBTSearch(Self.space, mutable: ["alpha"], generations: 2, readyInterval: 1, quantile: 0) }
      .contains("quantile"))
    #expect(reason { _ = try PBTSearch(Self.space, mutable: ["momentum"], generations: 2, readyInterval: 1) }.contains("momentum"))
    #expect(reason {
      _ = try PBTSearchCV(mlp, space: ["hiddenLayerSizes": .choice([[8], [16]])], mutable: ["hiddenLayerSizes"], generations: 2,
                          readyInterval: 1)
    }.contains("cannot change 'hiddenLayerSizes'"))
    #expect(reason {
      _ = try PBTSearchCV(Pipeline(StandardScaler(), mlp), space: ["standardscaler.withMean": .choice([true, false])],
                          mutable: ["standardscaler.withMean"], generations: 2, readyInterval: 1)
    }.contains("cannot change"))
    // Any alternative of a choice may be chosen: the fixed set covers them all.
    let choice = EstimatorChoice(AnyEstimator(SGDClassifier()), AnyEstimator(mlp))
    #expect(reason {
      _ = try PBTSearchCV(choice, space: ["mlpclassifier.hiddenLayerSizes": .choice([[8], [16]])],
                          mutable: ["mlpclassifier.hiddenLayerSizes"], generations: 2, readyInterval: 1)
    }.contains("cannot change"))
  }

  @Test func perturbationMovesRealsIntegersAndChoicesInsideTheirRanges() {
    #expect(perturbed(.double(0.5), in: .uniform(0, 0.55), factor: 1.2, step: 1) == .double(0.55))
    #expect(perturbed(.double(0.5), in: .uniform(0, 1), factor: 0.8, step: 1) == .double(0.4))
    #expect(perturbed(.int(3), in: .int(1, 10), factor: 1.2, step: 1) == .int(4), "integers move by at least one")
    #expect(perturbed(.int(10), in: .int(1, 10), factor: 1.2, step: 1) == .int(10))
    #expect(perturbed(.int(20), in: .int(1, 100), factor: 0.8, step: 1) == .int(16))
    #expect(perturbed(32, in: .choice([16, 32, 64]), factor: 1.2, step: 1) == 64)
    #expect(perturbed(16, in: .choice([16, 32, 64]), factor: 1.2, step: -1) == 16)
  }
}
