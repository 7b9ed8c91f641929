import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// Hyperband's brackets, and `HyperbandSearch` through the engine: rungs, promotions,
/// continuation, resume, and the refit at the largest budget.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct HyperbandTests {
  @Test func theBracketsForR81AreThePapers() throws {
    let schedule = try HyperbandSchedule(maxBudget: 81, eta: 3)
    let table = schedule.brackets.map { bracket in bracket.rungs.map { [$0.candidates, $0.budget] } }
    #expect(table == [
      [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
      [[34, 3], [11, 9], [3, 27], [1, 81]],
      [[15, 9], [5, 27], [1, 81]],
      [[8, 27], [2, 81]],
      [[5, 81]],
    ])
    #expect(schedule.brackets.map(\.index) == [4, 3, 2, 1, 0])
    #expect(schedule.brackets.map(\.totalBudget) == [405, 363, 351, 378, 405])
    // Continuing promoted candidates, bracket 4 trains 81 + 27·2 + 9·6 + 3·18 + 54 = 297 units.
    #expect(schedule.brackets[0].continuedBudget == 81 + 27 * 2 + 9 * 6 + 3 * 18 + 54)
  }

  @Test func integerLogarithmsCountR243Right() throws {
    // log(243, 3) is 4.999… in floating point; the exact count is 5, so 6 brackets.
    let schedule = try HyperbandSchedule(maxBudget: 243, eta: 3)
    #expect(schedule.brackets.count == 6 && schedule.brackets[0].rungs.count == 6)
    #expect(schedule.brackets[0].rungs.first == Rung(candidates: 243, budget: 1))
    #expect(schedule.brackets[0].rungs.last == Rung(candidates: 1, budget: 243))
    #expect(integerLog(1000, base: 10) == 3 && integerLog(999, base: 10) == 2 && integerLog(1, base: 2) == 0)
    // A minimum budget counts in its units: R = 100, min 4 → ⌊log₃ 25⌋ = 2, budgets ⌊100/3^k⌋.
    let scaled = try HyperbandSchedule(maxBudget: 100, minBudget: 4, eta: 3)
    #expect(scaled.brackets.map { $0.rungs.map(\.budget) } == [[11, 33, 100], [33, 100], [100]])
    #expect(scaled.brackets.map { $0.rungs.map(\.candidates) } == [[9, 3, 1], [5, 1], [3]])
  }

  @Test func badSchedulesAreRefusedByName() {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    #expect(reason { _ = try HyperbandSchedule(maxBudget: 81, eta: 1) }.contains("eta"))
    #expect(reason { _ = try HyperbandSchedule(maxBudget: 8, minBudget: 9) }.contains("minBudget"))
    #expect(reason { _ = try HyperbandSchedule(maxBudget: 8, minBudget: 0) }.contains("minBudget"))
    #expect(reason { _ = try HyperbandSearch(["x": .uniform(0, 1)], maxBudget: 9, iterations: 0) }.contains("iterations"))
  }

  /// A small MLP task: 300 digits, 3 folds, R = 9 epochs, η = 3.
  static func mlpSearch(
    journal: String? = nil, workers: Int = 1, stop: StopConditions = StopConditions()
  ) throws -> HyperbandSearchCV<MLPClassifier> {
    try HyperbandSearchCV(
      MLPClassifier(hiddenLayerSizes: [16], seed: 1),
      space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)],
      maxBudget: 9, eta: 3, cv: StratifiedKFold(splits: 3), parallelism: .threads(workers), stop: stop, journal: journal, seed: 5)
  }

  static let digits = Result { () throws -> (x: Matrix, y: [Int]) in
    let all = try Datasets.digits()
    let rows = Array(0..<300)
    return (all.x.rows(at: rows), rows.map { all.y[$0] })
  }

  @Test func hyperbandRunsItsRungsAndContinuesPromotedCandidates() throws {
    let data = try Self.digits.get()
    let model = try Self.mlpSearch().fit(data.x, data.y)
    let trials = model.results.trials
    // R = 9, η = 3: brackets 9×1, 3×3, 1×9 | 5×3, 1×9 | 3×9.
    #expect(trials.count == 13 + 6 + 3)
    #expect(trials.map(\.budget) == [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9, 3, 3, 3, 3, 3, 9, 9, 9, 9])
    #expect(trials.map { $0.tags["rung"] } == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0].map { ParameterValue.int($0) })
    #expect(trials.map { $0.tags["bracket"] }.compactMap { $0?.intValue } == Array(repeating: 2, count: 13) + Array(repeating: 1, count: 6) + [0, 0, 0])
    // Promoted: the best three of the first rung, each continuing its own trial.
    let first = trials[0..<9].sorted { ($0.meanTestScore("accuracy"), -$0.index) > ($1.meanTestScore("accuracy"), -$1.index) }
    #expect(trials[9..<12].map(\.parent) == first.prefix(3).map(\.index).sorted().map { Optional($0) })
    #expect(trials[9..<12].allSatisfy { trials[$0.parent!].parameters == $0.parameters })
    // Continued for 2 more epochs, the fold models are those trained 3 epochs from scratch.
    for promoted in trials[9..<12] {
      let fresh = try crossValidate(
        MLPClassifier(hiddenLayerSizes: [16], maxIterations: 3, seed: 1).setting(promoted.parameters), data.x, data.y,
        cv: StratifiedKFold(splits: 3))
      #expect(promoted.testScores["accuracy"] == fresh.testScores["accuracy"])
    }
    // The refit trains the best of the 9-epoch trials, never a lucky 1-epoch one.
    let full = trials.indices.filter { trials[$0].budget == 9 }
    let best = try #require(full.max { trials[$0].meanTestScore("accuracy") < trials[$1].meanTestScore("accuracy") })
    #expect(model.bestParameters == trials[best].parameters)
    #expect(model.best?.iterations == 9)
  }

  @Test func aStoppedHyperbandResumesToTheSameTableWithAnyWorkers() throws {
    let data = try Self.digits.get()
    let journal = temporaryJournal("hyperband")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let whole = try Self.mlpSearch().fit(data.x, data.y)
    _ = try Self.mlpSearch(journal: journal, stop: StopConditions(maxTrials: 11)).fit(data.x, data.y)
    let resumed = try Self.mlpSearch(journal: journal, workers: 2).fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.untimed) == whole.results.trials.map(\.untimed))
    let parallel = try Self.mlpSearch(workers: 2).fit(data.x, data.y)
    #expect(parallel.results.trials.map(\.untimed) == whole.results.trials.map(\.untimed))
  }

  @Test func bohbDrawsFromTPEOverEarlierBracketsReproducibly() throws {
    let data = try Self.digits.get()
    func search(workers: Int) throws -> HyperbandSearchCV<MLPClassifier> {
      try HyperbandSearchCV(
        MLPClassifier(hiddenLayerSizes: [16], seed: 1),
        space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)], maxBudget: 9, eta: 3,
        sampler: .tpe(TPESettings(), randomFraction: 0), cv: StratifiedKFold(splits: 3), parallelism: .threads(workers), seed: 5)
    }
    let serial = try search(workers: 1).fit(data.x, data.y)
    let parallel = try search(workers: 2).fit(data.x, data.y)
    #expect(parallel.results.trials.map(\.untimed) == serial.results.trials.map(\.untimed))
    // Bracket 1's candidates come from TPE over bracket 0's 1-epoch trials (9 ≥ 2 + 2), which
    // the draw sees in the record; without them it falls back to the random draw.
    let trials = serial.results.trials
    let firstBracket = Array(trials.prefix(13))
    let context = StrategyContext(trials: firstBracket, seed: 5, direction: .maximize, metric: "accuracy")
    let space = try SearchSpace(["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)])
    var generator = Xoshiro256StarStar(seed: 1)
    let drawn = try HyperbandSearch.modelBased(bracket: 1, settings: TPESettings(), spaces: [space], context: context, generator: &generator)
    #expect(drawn != nil)
    let none = try HyperbandSearch.modelBased(
      bracket: 0, settings: TPESettings(), spaces: [space], context: context, generator: &generator)
    #expect(none == nil, "bracket 0 has no earlier bracket to learn from")
  }

  @Test func failedCandidatesRankLastAndUnitsNeedAnIncrementalEstimator() throws {
    let data = try Self.digits.get()
    // Three quarters of the space fail (a negative alpha fails the trial): failures are never
    // promoted ahead of a finite score.
    let search = try HyperbandSearchCV(
      MLPClassifier(hiddenLayerSizes: [8], seed: 2), space: ["alpha": .uniform(-1.5, 0.5)], maxBudget: 4, eta: 2,
      cv: StratifiedKFold(splits: 3), parallelism: .serial, seed: 3)
    let trials = try search.fit(data.x, data.y).results.trials
    // Whenever a failed trial was promoted, every finite one of its rung was promoted too.
    for trial in trials where trial.parent != nil && trials[trial.parent!].status.isFailed {
      let rung = trial.tags["rung"]!.intValue! - 1, bracket = trial.tags["bracket"]
      let promoted = Set(trials.filter { $0.tags["bracket"] == bracket && $0.tags["rung"] == .int(rung + 1) }.compactMap(\.parent))
      let finite = trials.filter { $0.tags["bracket"] == bracket && $0.tags["rung"] == .int(rung) && $0.status == .complete }
      #expect(finite.allSatisfy { promoted.contains($0.index) })
    }
    #expect(trials.contains { $0.status.isFailed })
    // Not vacuous: this seed promotes failed trials where too few finite ones remain.
    #expect(trials.contains { $0.parent != nil && trials[$0.parent!].status.isFailed })
    // Units on an estimator that cannot train by units: refused at fit, naming the problem.
    let svc = try HyperbandSearchCV(SVC(), space: ["c": .logUniform(0.1, 10)], maxBudget: 9, cv: StratifiedKFold(splits: 3))
    #expect(throws: LearnError.self) { _ = try svc.fit(data.x, data.y) }
    do { _ = try svc.fit(data.x, data.y) } catch { #expect("\(error)".contains("units")) }
  }
}

/// `HalvingSearchCV` against scikit-learn 1.9.1's `HalvingGridSearchCV` with a units resource
/// (`max_iter` of a deterministic SGDRegressor), and the halving rules.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct HalvingTests {
  struct Case: Decodable {
    let name: String
    let grid: [String: [Double]]
    let factor: Int
    let max_resources: Int
    let min_resources: MinResources
    let aggressive_elimination: Bool
    let n_candidates: [Int]
    let n_resources: [Int]
    let n_required_iterations: Int
    let n_possible_iterations: Int
    let min_resources_: Int
    let iterations: [[[String: Double]]]
    let scores: [Score]
    let best_params: [String: Double]
    let best_score: Double
  }
  enum MinResources: Decodable {
    case exhaust, value(Int)
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      self = (try? container.decode(Int.self)).map(MinResources.value) ?? .exhaust
    }
  }
  struct Score: Decodable { let iter: Int; let params: [String: Double]; let mean_test_score: Double }
  struct File: Decodable { let x: [[Double]]; let y: [Double]; let folds: Int; let cases: [Case] }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/halving.json") }

  @Test(arguments: ["exhaust", "aggressive", "budget_bound"]) func halvingMatchesScikitLearn(_ name: String) throws {
    let file = try Self.fixture.get()
    let expected = try #require(file.cases.first { $0.name == name })
    let x = Matrix(rows: file.x, columns: file.x[0].count)
    let search = try HalvingSearchCV(
      SGDRegressor(maxIterations: 1, tolerance: nil, shuffle: false, seed: 0),
      grid: expected.grid.mapValues { $0.map(ParameterValue.double) }, factor: expected.factor, resource: .units,
      maxBudget: expected.max_resources, minBudget: { if case .value(let n) = expected.min_resources { return .budget(n) }; return .exhaust }(),
      aggressiveElimination: expected.aggressive_elimination, cv: KFold(splits: file.folds), scoring: [.r2], seed: 0)
    let model = try search.fit(x, file.y)
    let trials = model.results.trials
    let plan = try search.strategy.plan(for: DataProfile(samples: file.y.count, splits: file.folds))
    #expect(plan.candidates == expected.n_candidates && plan.budgets == expected.n_resources)
    #expect(plan.requiredIterations == expected.n_required_iterations && plan.possibleIterations == expected.n_possible_iterations)
    #expect(plan.minBudget == expected.min_resources_)
    for (iteration, members) in expected.iterations.enumerated() {
      let ours = trials.filter { $0.tags["iter"] == .int(iteration) }
      #expect(ours.allSatisfy { $0.budget == expected.n_resources[iteration] && $0.tags["n_resources"] == .int(expected.n_resources[iteration]) })
      let parameters = Set(ours.map { $0.parameters.compactMapValues(\.doubleValue) })
      #expect(parameters == Set(members), "iteration \(iteration)")
    }
    for score in expected.scores {
      let trial = try #require(trials.first { $0.tags["iter"] == .int(score.iter) && $0.parameters.compactMapValues(\.doubleValue) == score.params })
      #expect(isClose(trial.meanTestScore("r2"), score.mean_test_score, relative: 1e-9, absolute: 1e-12))
    }
    #expect(model.bestParameters.compactMapValues(\.doubleValue) == expected.best_params)
    #expect(isClose(model.bestScore, expected.best_score, relative: 1e-9))
    // Kept candidates continued their models: every trial past the first iteration has a parent.
    #expect(trials.filter { $0.tags["iter"] != .int(0) }.allSatisfy { $0.parent != nil })
  }

  @Test func halvingPlansFollowScikitLearnWithExactLogarithms() throws {
    // 243 candidates, factor 3: 6 iterations are required (scikit-learn's float log says 5 and
    // leaves 3 candidates in its last iteration).
    let grid: [String: [ParameterValue]] = ["a": (0..<243).map { .int($0) }]
    let strategy = try HalvingSearch(grid: grid, factor: 3, resource: .units, minBudget: .budget(1), maxBudget: 243)
    let plan = try strategy.plan(for: nil)
    #expect(plan.requiredIterations == 6 && plan.candidates == [243, 81, 27, 9, 3, 1] && plan.budgets == [1, 3, 9, 27, 81, 243])
    // Samples: "smallest" is 2 · splits · classes, "auto" the number of samples.
    let random = try HalvingSearch(space: ["a": .uniform(0, 1)], candidates: .exhaust, factor: 3, minBudget: .smallest)
    let samples = try random.plan(for: DataProfile(samples: 1797, splits: 5, classes: 10))
    #expect(samples.minBudget == 100 && samples.candidates[0] == 17 && samples.budgets == [100, 300, 900])
    #expect(throws: LearnError.self) { _ = try HalvingSearch(space: ["a": .uniform(0, 1)], minBudget: .exhaust) }
    #expect(throws: LearnError.self) { _ = try HalvingSearch(grid: grid, factor: 1) }
    #expect(throws: LearnError.self) { _ = try HalvingSearch(grid: grid, resource: .units) }
  }
}

/// `ASHASearch` against a scripted ASHA written here, and through the engine.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct ASHATests {
  /// A deterministic objective whose ranking changes with the budget.
  static func objective(_ parameters: ParameterSet, budget: Int) -> Double {
    let x = parameters["x"]!.doubleValue!
    return (x - 0.3) * (x - 0.3) + sin(9 * x) / Double(budget)
  }

  @Test func promotionsEqualAScriptedASHA() throws {
    let eta = 3, budgets = [1, 3, 9, 27]
    let strategy = try ASHASearch(["x": .uniform(0, 1)], candidates: 40, maxBudget: 27, eta: eta)
    #expect(strategy.budgets == budgets)
    let study = Study(direction: .minimize, seed: 11)
    // The reference: finished values per rung, promoted candidates per rung, candidates started.
    var values: [[Int: Double]] = Array(repeating: [:], count: budgets.count)
    var promoted: [Set<Int>] = Array(repeating: [], count: budgets.count)
    var started = 0, steps = 0, promotions = 0
    while let trial = try study.ask(using: strategy) {
      // What the scripted ASHA would run next: the best promotable candidate of the highest rung.
      var expected: (j: Int, rung: Int)?
      for k in stride(from: budgets.count - 2, through: 0, by: -1) where expected == nil {
        let top = values[k].sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(values[k].count / eta)
        if let best = top.first(where: { !promoted[k].contains($0.key) }) { expected = (best.key, k + 1) }
      }
      let rung = trial.tags["rung"]!.intValue!
      let j = Int(trial.proposal.rawValue.split(separator: "/")[1])!
      if let expected {
        #expect(j == expected.j && rung == expected.rung, "step \(steps)")
        promoted[rung - 1].insert(j)
        promotions += 1
        #expect(trial.parent == study.trials.first { $0.proposal == ProposalID("asha/\(j)/\(rung - 1)") }?.index)
      } else {
        #expect(j == started && rung == 0, "step \(steps)")
        started += 1
      }
      #expect(trial.budget == budgets[rung])
      let value = Self.objective(trial.parameters, budget: budgets[rung])
      values[rung][j] = value
      try study.tell(trial.number, value: value)
      steps += 1
    }
    #expect(started == 40 && promotions > 15 && !values[3].isEmpty)
    #expect(study.trials.allSatisfy { $0.status == .complete })
  }

  @Test func ashaCVContinuesPromotedCandidatesAndReplaysFromItsJournal() throws {
    let data = try HyperbandTests.digits.get()
    let journal = temporaryJournal("asha")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    func search(_ journal: String?, workers: Int, stop: StopConditions = StopConditions()) throws -> ASHASearchCV<MLPClassifier> {
      try ASHASearchCV(
        MLPClassifier(hiddenLayerSizes: [16], seed: 1),
        space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)], candidates: 9,
        maxBudget: 9, eta: 3, cv: StratifiedKFold(splits: 3), parallelism: .threads(workers), stop: stop, journal: journal, seed: 5)
    }
    let model = try search(nil, workers: 2).fit(data.x, data.y)
    let trials = model.results.trials
    #expect(trials.filter { $0.budget == 1 }.count == 9 && trials.contains { $0.budget == 9 })
    for trial in trials where trial.parent != nil {
      let parent = trials[trial.parent!]
      #expect(parent.parameters == trial.parameters && parent.budget! < trial.budget!)
      let fresh = try crossValidate(
        MLPClassifier(hiddenLayerSizes: [16], maxIterations: trial.budget!, seed: 1).setting(trial.parameters), data.x, data.y,
        cv: StratifiedKFold(splits: 3))
      #expect(trial.testScores["accuracy"] == fresh.testScores["accuracy"], "continued equals trained from scratch")
    }
    #expect(model.best?.iterations == 9, "refit at the largest budget reached")
    // One worker is deterministic; a stopped run resumed from its journal gives the same table.
    let serial = try search(nil, workers: 1).fit(data.x, data.y)
    _ = try search(journal, workers: 1, stop: StopConditions(maxTrials: 6)).fit(data.x, data.y)
    let resumed = try search(journal, workers: 1).fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.untimed) == serial.results.trials.map(\.untimed))
  }
}

/// Pruners on plain objectives that report as they train.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct PrunerTests {
  static func record(_ index: Int, _ values: [Int: Double], status: TrialStatus = .complete) -> TrialRecord {
    TrialRecord(index: index, parameters: ["i": .int(index)], status: status,
                testScores: ["value": [values.max { $0.key < $1.key }?.value ?? .nan]], intermediateValues: values,
                fitTimes: [0], scoreTimes: [0])
  }

  @Test func theMedianPrunerComparesWithTheCompleteTrialsAtTheSameStep() throws {
    let others = (0..<5).map { Self.record($0, [1: Double($0), 2: Double($0) / 2]) }  // at step 1: 0 1 2 3 4
    let pruner = try MedianPruner()
    // Minimising: the median at step 1 is 2; a trial whose best so far is 2.5 stops, 1.5 goes on.
    #expect(pruner.shouldPrune(Self.record(9, [1: 2.5], status: .running), step: 1, others: others, direction: .minimize))
    #expect(!pruner.shouldPrune(Self.record(9, [1: 1.5], status: .running), step: 1, others: others, direction: .minimize))
    // Its best so far counts, not its latest value.
    #expect(!pruner.shouldPrune(Self.record(9, [1: 0.5, 2: 3], status: .running), step: 2, others: others, direction: .minimize))
    // Maximising mirrors it; fewer than 5 complete trials, or the warm-up, prune nothing; NaN is pruned.
    #expect(pruner.shouldPrune(Self.record(9, [1: 1.5], status: .running), step: 1, others: others, direction: .maximize))
    #expect(!pruner.shouldPrune(Self.record(9, [1: 9], status: .running), step: 1, others: Array(others.prefix(4)), direction: .minimize))
    #expect(try !MedianPruner(warmupSteps: 2).shouldPrune(Self.record(9, [1: 9], status: .running), step: 1, others: others, direction: .minimize))
    #expect(pruner.shouldPrune(Self.record(9, [1: .nan], status: .running), step: 1, others: others, direction: .minimize))
    // The 25th percentile (numpy's interpolation): 1 at step 1.
    #expect(try MedianPruner(percentile: 25).shouldPrune(Self.record(9, [1: 1.5], status: .running), step: 1, others: others, direction: .minimize))
  }

  @Test func theSuccessiveHalvingPrunerKeepsTheTopOfEachRung() throws {
    let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
    #expect((0..<4).map(pruner.rungStep) == [1, 2, 4, 8])
    // Rung 0 (step 1) holds 0.1, 0.2, 0.3 from others: with the new value, 4 values, top ⌊4/2⌋ = 2.
    let others = [Self.record(0, [1: 0.1]), Self.record(1, [1: 0.2]), Self.record(2, [1: 0.3], status: .running)]
    #expect(!pruner.shouldPrune(Self.record(9, [1: 0.15], status: .running), step: 1, others: others, direction: .minimize))
    #expect(pruner.shouldPrune(Self.record(9, [1: 0.25], status: .running), step: 1, others: others, direction: .minimize))
    // Between rungs nothing is decided; a trial that skips to step 3 is judged at rung 1 (step 2)
    // by its value there, against the others' first values at or after step 2.
    #expect(!pruner.shouldPrune(Self.record(9, [1: 0.15, 3: 9], status: .running), step: 3, others: others, direction: .minimize))
    let later = [Self.record(0, [1: 0.1, 2: 0.05]), Self.record(1, [1: 0.2, 2: 0.06]), Self.record(2, [1: 0.3, 4: 0.07])]
    #expect(pruner.shouldPrune(Self.record(9, [1: 0.15, 3: 0.08], status: .running), step: 3, others: later, direction: .minimize))
    #expect(pruner.shouldPrune(Self.record(9, [1: .nan], status: .running), step: 1, others: others, direction: .minimize))
  }

  /// A learning curve: the value falls towards (x − 0.3)² as steps pass.
  static func train(_ trial: TrialContext, steps: Int = 20) throws -> Double {
    let x = trial.parameters["x"]!.doubleValue!
    var value = 0.0
    for step in 1...steps {
      value = (x - 0.3) * (x - 0.3) + 1 / Double(step)
      try trial.report(value, step: step)
      if trial.shouldPrune { throw TrialPruned() }
    }
    return value
  }

  @Test(arguments: [0, 1]) func prunedSearchesStopBadTrialsAndStillFindTheMinimum(_ which: Int) throws {
    let pruner: any Pruner = which == 0 ? try MedianPruner() : try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let study = try minimize({ try Self.train($0) }, space: ["x": .uniform(0, 1)], trials: 30, pruner: pruner, seed: 3)
    let pruned = study.trials.filter { $0.status == .pruned }
    #expect(pruned.count >= 8, "\(pruner) pruned \(pruned.count) of 30")
    #expect(pruned.allSatisfy { $0.intermediateValues.count < 20 && $0.meanTestScore("value") == $0.intermediateValues.max { $0.key < $1.key }!.value })
    let unpruned = try minimize({ try Self.train($0) }, space: ["x": .uniform(0, 1)], trials: 30, seed: 3)
    #expect(study.bestValue == unpruned.bestValue, "the best trial is never pruned here")
    // Steps trained: fewer with the pruner.
    let steps = study.trials.reduce(0) { $0 + $1.intermediateValues.count }
    #expect(steps < 30 * 20 * 3 / 4)
  }

  @Test func aPrunedStudyResumesFromItsJournalAndPairsWithTPE() throws {
    let journal = temporaryJournal("pruned")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let strategy = try BayesSearch(iterations: 24, surrogate: .tpe, seed: 6)
    func run(_ journal: String?, stop: StopConditions = StopConditions()) throws -> Study {
      try minimize({ try Self.train($0) }, space: ["x": .uniform(0, 1)], trials: 24, strategy: strategy, pruner: try MedianPruner(),
                   seed: 6, stop: stop, journal: journal, studyName: journal == nil ? nil : "pruned")
    }
    let whole = try run(nil)
    _ = try run(journal, stop: StopConditions(maxTrials: 10))
    let resumed = try run(journal)
    #expect(resumed.trials.map(\.untimed) == whole.trials.map(\.untimed))
    #expect(whole.trials.contains { $0.status == .pruned })
  }

  @Test func hyperbandGivesAPlainObjectiveItsBudget() throws {
    let strategy = try HyperbandSearch(Self.maxBudgetSpace, maxBudget: 9, eta: 3)
    let study = try minimize({ trial in
      guard case .units(let epochs)? = trial.budget else { throw LearnError.invalidArgument(name: "budget", reason: "none") }
      return try Self.train(trial, steps: epochs)
    }, space: Self.maxBudgetSpace, trials: 100, strategy: strategy, seed: 2)
    #expect(study.count == 22 && study.trials.allSatisfy { $0.intermediateValues.count == $0.budget })
    #expect(try HyperbandPruner(maxResource: 81).brackets == 5)
  }

  static let maxBudgetSpace: [String: Distribution] = ["x": .uniform(0, 1)]
}

extension HyperbandTests {
  @Test func modelsThatCanNoLongerBePromotedAreReleased() throws {
    let data = try Self.digits.get()
    let estimator = MLPClassifier(hiddenLayerSizes: [8], seed: 1)
    let strategy = try HyperbandSearch(["alpha": .logUniform(1e-5, 1e-1)], maxBudget: 9, eta: 3)
    let session = try SearchSession(estimator, x: data.x, y: data.y, cv: StratifiedKFold(splits: 3))
    try session.run(strategy)
    let trials = session.history
    #expect(trials.count == 22 && trials.filter { $0.parent != nil }.count == 5)
    // Every promotion happened, so no trial can be continued any more: nothing is kept.
    #expect(trials.indices.allSatisfy { session.foldModels(of: $0) == nil })
    // The policy mid-search: while the first rung runs, its finished trials are kept; once it has
    // finished, all but the three to be promoted are released.
    let context = StrategyContext(trials: Array(trials.prefix(9)), direction: .maximize, metric: "accuracy")
    #expect(strategy.releasable(context) == Set(0..<9).subtracting(trials[9..<12].map { $0.parent! }))
    var running = Array(trials.prefix(9))
    running[4].status = .running
    #expect(strategy.releasable(StrategyContext(trials: running, direction: .maximize, metric: "accuracy")).isEmpty)
    // Trials it did not propose keep their models: evaluated before, continued after.
    let mixed = try SearchSession(estimator, x: data.x, y: data.y, cv: StratifiedKFold(splits: 3))
    _ = try mixed.evaluate([Candidate(["alpha": 0.001], budget: .units(2))])
    try mixed.run(strategy)
    #expect(mixed.foldModels(of: 0) != nil)
    // Retained on request.
    let retained = try SearchSession(estimator, x: data.x, y: data.y, cv: StratifiedKFold(splits: 3), retainFoldModels: true)
    try retained.run(strategy)
    #expect(retained.history.indices.allSatisfy { retained.foldModels(of: $0) != nil })
  }
}

extension HyperbandTests {
  @Test func trainingUnitsAreDeclaredAndForwardedWithPerAlternativeScales() throws {
    #expect(MLPClassifier().trainingUnits == TrainingUnits(parameter: "maxIterations"))
    #expect(RandomForestClassifier().trainingUnits == TrainingUnits(parameter: "nEstimators"))
    #expect(Pipeline(StandardScaler(), MLPClassifier()).trainingUnits?.parameter == "mlpclassifier.maxIterations")
    let choice = try EstimatorChoice<Int>([
      "mlp": AnyEstimator(MLPClassifier(hiddenLayerSizes: [8], seed: 1)),
      "sgd": AnyEstimator(SGDClassifier(tolerance: nil, seed: 1)),
      "forest": AnyEstimator(RandomForestClassifier(maxDepth: 4, seed: 1, parallelism: .serial)),
    ], unitScales: ["forest": 2])
    #expect(choice.trainingUnits == TrainingUnits(parameter: "mlp.maxIterations"))
    #expect(try choice.setting(["estimator": "forest"]).trainingUnits == TrainingUnits(parameter: "forest.nEstimators", scale: 2))
    #expect(throws: LearnError.self) { _ = try EstimatorChoice<Int>(["mlp": AnyEstimator(MLPClassifier())], unitScales: ["svc": 2]) }
    #expect(throws: LearnError.self) { _ = try EstimatorChoice<Int>(["mlp": AnyEstimator(MLPClassifier())], unitScales: ["mlp": 0]) }
    // One Hyperband over the three: each trial trains its alternative's units, promoted ones continue.
    let data = try Self.digits.get()
    var search = try HyperbandSearchCV(
      choice, space: ["estimator": .choice(["mlp", "sgd", "forest"])], maxBudget: 9, eta: 3, cv: StratifiedKFold(splits: 3),
      parallelism: .serial, seed: 4)
    search.retainFoldModels = true
    let model = try search.fit(data.x, data.y)
    for (index, trial) in model.results.trials.enumerated() {
      let folds = try #require(model.foldModels[index])
      let budget = trial.budget!
      switch trial.parameters["estimator"] {
      case .string("forest")?:
        #expect(folds.allSatisfy { ($0.base as? ForestClassifierModel)?.trees.count == 2 * budget })
      case .string("mlp")?:
        #expect(folds.allSatisfy { ($0.base as? MLPClassifier.Model)?.iterations ?? 0 <= budget })
      default:
        #expect(folds.allSatisfy { ($0.base as? SGDClassifier.Model)?.iterations == budget })
      }
    }
    #expect(Set(model.results.trials.compactMap { $0.parameters["estimator"] }).count == 3)
  }
}

extension PrunerTests {
  @Test func theHyperbandPrunerWeighsItsBracketsAsOptunaAndKeepsThemApart() throws {
    let pruner = try HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3)
    #expect(pruner.brackets == 5 && (0..<5).map(pruner.weight(ofBracket:)) == [81, 34, 15, 8, 5])
    // Trials spread over the brackets in proportion to the weights (143 in all).
    var counts = [Int](repeating: 0, count: 5)
    for i in 0..<2000 { counts[pruner.bracket(of: Self.record(i, [:]))] += 1 }
    for b in 0..<5 {
      let expected = 2000.0 * Double(pruner.weight(ofBracket: b)) / 143
      #expect(abs(Double(counts[b]) - expected) < 4 * expected.squareRoot() + 5, "bracket \(b): \(counts[b]) of 2000")
    }
    // A trial competes only with its own bracket: rivals from other brackets change nothing.
    let mine = try #require((0..<2000).first { pruner.bracket(of: Self.record($0, [:])) == 0 })
    let rivals = (0..<2000).filter { pruner.bracket(of: Self.record($0, [:])) != 0 }.prefix(10).map { Self.record($0, [1: 0.0]) }
    #expect(!pruner.shouldPrune(Self.record(mine, [1: 5], status: .running), step: 1, others: rivals, direction: .minimize))
    let sameBracket = (0..<2000).filter { $0 != mine && pruner.bracket(of: Self.record($0, [:])) == 0 }.prefix(10).map { Self.record($0, [1: 0.0]) }
    #expect(pruner.shouldPrune(Self.record(mine, [1: 5], status: .running), step: 1, others: sameBracket, direction: .minimize))
    #expect(throws: LearnError.self) { _ = try HyperbandPruner(minResource: 0, maxResource: 81) }
    #expect(throws: LearnError.self) { _ = try SuccessiveHalvingPruner(reductionFactor: 1) }
    #expect(throws: LearnError.self) { _ = try MedianPruner(intervalSteps: 0) }
    #expect(throws: LearnError.self) { _ = try MedianPruner(percentile: 150) }
  }

  @Test func theMedianPrunerChecksTheFirstReportOfEachIntervalAndSkipsNaN() throws {
    let others = (0..<5).map { i in Self.record(i, Dictionary(uniqueKeysWithValues: (1...40).map { ($0, Double(i)) })) }
    let pruner = try MedianPruner(intervalSteps: 10)
    // Reports every 3 steps: checked at the first report of each interval of 10 — 3, 12, 21, 30 —
    // as Optuna's `_is_first_in_interval_step`, not only at multiples of 10.
    let steps = Array(stride(from: 3, through: 30, by: 3))
    let checked = steps.filter { step in
      let values = Dictionary(uniqueKeysWithValues: steps.filter { $0 <= step }.map { ($0, 9.0) })
      return pruner.shouldPrune(Self.record(9, values, status: .running), step: step, others: others, direction: .minimize)
    }
    #expect(checked == [3, 12, 21, 30])
    // A NaN after a good value does not prune (the best finite value counts); all NaN does.
    let median = try MedianPruner()
    #expect(!median.shouldPrune(Self.record(9, [1: 0.5, 2: .nan], status: .running), step: 2, others: others, direction: .minimize))
    #expect(median.shouldPrune(Self.record(9, [1: .nan, 2: .nan], status: .running), step: 2, others: others, direction: .minimize))
  }
}

extension HalvingTests {
  @Test func aHalvingRandomSearchOverASmallFiniteSpaceUsesTheCandidatesThereAre() throws {
    let diabetes = try Datasets.diabetes()
    let search = try HalvingSearchCV(
      SGDRegressor(tolerance: nil, seed: 1), space: ["alpha": .choice([0.1, 1, 10])], candidates: .count(10), resource: .units,
      maxBudget: 27, cv: KFold(splits: 3), scoring: [.r2], parallelism: .serial)
    let model = try search.fit(diabetes.x, diabetes.y)
    #expect(try search.strategy.plan(for: nil).candidates == [3, 1])
    #expect(model.results.trials.count == 4)
    // The budget itself cannot be searched.
    let both = try HalvingSearchCV(
      SGDRegressor(tolerance: nil, seed: 1), grid: ["maxIterations": [5, 10]], resource: .units, maxBudget: 9,
      cv: KFold(splits: 3), scoring: [.r2], parallelism: .serial)
    do {
      _ = try both.fit(diabetes.x, diabetes.y)
      Issue.record("searching the budget's own parameter should fail")
    } catch { #expect("\(error)".contains("maxIterations")) }
  }
}

extension ASHATests {
  @Test func failedTrialsAreNeverPromoted() throws {
    let strategy = try ASHASearch(["x": .uniform(0, 1)], candidates: 30, maxBudget: 9, eta: 3)
    let study = Study(direction: .minimize, seed: 2)
    while let trial = try study.ask(using: strategy) {
      let x = trial.parameters["x"]!.doubleValue!
      // The best region fails: what looks best must not be promoted when it failed.
      try study.tell(trial.number, value: x < 0.3 ? .nan : Self.objective(trial.parameters, budget: trial.budget!))
    }
    let trials = study.trials
    #expect(trials.contains { $0.status.isFailed } && trials.contains { $0.budget == 9 })
    #expect(trials.filter { $0.parent != nil }.allSatisfy { !trials[$0.parent!].status.isFailed })
  }
}
