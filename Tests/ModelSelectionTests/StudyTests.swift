import Foundation
import Learn
@testable import ModelSelection
import LearnTestSupport
import Synchronization
import Testing

/// Branin–Hoo on x ∈ [−5, 10], y ∈ [0, 15]; its minimum is 0.397887 at three points.
@Sendable func branin(_ p: ParameterSet) -> Double {
  let x = p["x"]!.doubleValue!, y = p["y"]!.doubleValue!
  let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
  return pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * cos(x) + 10
}

let braninSpace: [String: Distribution] = ["x": .uniform(-5, 10), "y": .uniform(0, 15)]

/// A toy adaptive strategy that reads the record: each proposal is the best point so far moved
/// by a random step (drawn from the proposal's own generator), one trial at a time.
struct BestPlusStep: SearchStrategy {
  var trials: Int
  var step: Double

  func next(_ context: StrategyContext) -> StrategyDecision {
    let k = context.trials.count
    guard k < trials else { return .finished }
    let id = ProposalID("step", k)
    var generator = context.generator(for: id)
    let best = context.bestTrial?.parameters ?? ["x": 0, "y": 7.5]
    let x = min(10, max(-5, best["x"]!.doubleValue! + step * (2 * generator.nextUniform() - 1)))
    let y = min(15, max(0, best["y"]!.doubleValue! + step * (2 * generator.nextUniform() - 1)))
    return .propose([Candidate(["x": .double(x), "y": .double(y)], proposal: id)])
  }

  var description: String { "best ± \(step)" }
  var fingerprint: String { description }
}

func temporaryJournal(_ label: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("learn-\(label)-\(UUID().uuidString).jsonl").path
}

/// How many times the objective ran in this process (the child processes below kill themselves
/// in the middle of a trial).
let objectiveCalls = Atomic<Int>(0)

@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct StudyTests {
  @Test func minimizeFindsBraninsValleyWithRandomSearch() throws {
    let study = try minimize(branin, space: braninSpace, trials: 60, seed: 3)
    #expect(study.count == 60 && study.trials.allSatisfy { $0.status == .complete })
    #expect(study.bestValue < 3, "60 random points come within a few units of the minimum 0.398")
    #expect(study.results.ranks("value")[study.bestTrial!.index] == 1)
    // Reproducible: the same seed gives the same table.
    let again = try minimize(branin, space: braninSpace, trials: 60, seed: 3)
    #expect(again.trials.map(\.untimed) == study.trials.map(\.untimed))
    let maximised = try maximize({ -branin($0) }, space: braninSpace, trials: 60, seed: 3)
    #expect(maximised.bestValue == -study.bestValue)
  }

  @Test func aKilledRandomSearchOnBraninResumesToTheSameTable() async throws {
    let journal = temporaryJournal("branin")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // The child is killed inside the objective of its 21st trial: 20 finished, one left running.
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      try minimize({ p in
        if objectiveCalls.add(1, ordering: .relaxed).newValue == 21 { kill(getpid(), SIGKILL) }
        return branin(p)
      }, space: braninSpace, trials: 40, seed: 11, journal: journal, studyName: "branin")
    }
    let resumed = try minimize(branin, space: braninSpace, trials: 40, seed: 11, journal: journal, studyName: "branin")
    let uninterrupted = try minimize(branin, space: braninSpace, trials: 40, seed: 11)
    #expect(resumed.count == 40)
    #expect(resumed.trials.map(\.untimed) == uninterrupted.trials.map(\.untimed))
    // Running again on the finished journal runs nothing; asking for more trials extends it.
    let extended = try minimize(branin, space: braninSpace, trials: 50, seed: 11, journal: journal, studyName: "branin")
    #expect(extended.trials.prefix(40).map(\.untimed) == uninterrupted.trials.map(\.untimed))
    #expect(extended.trials.map(\.untimed) == (try minimize(branin, space: braninSpace, trials: 50, seed: 11)).trials.map(\.untimed))
    // A journal is refused to another study, and a journaled study needs a name.
    #expect(throws: LearnError.self) {
      try minimize(branin, space: braninSpace, trials: 40, seed: 12, journal: journal, studyName: "branin")
    }
    #expect(throws: LearnError.self) { try minimize(branin, space: braninSpace, trials: 40, journal: journal) }
  }

  @Test func anAdaptiveStrategyResumesToTheSameTableAfterAKill() async throws {
    let journal = temporaryJournal("adaptive")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let strategy = BestPlusStep(trials: 30, step: 2)
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      try minimize({ p in
        if objectiveCalls.add(1, ordering: .relaxed).newValue == 13 { kill(getpid(), SIGKILL) }
        return branin(p)
      }, space: braninSpace, trials: 30, strategy: BestPlusStep(trials: 30, step: 2), seed: 5, journal: journal, studyName: "toy")
    }
    let written = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
    #expect(written.last.map { $0.contains("\"running\"") } == true, "the kill left trial 12 running")
    let resumed = try minimize(branin, space: braninSpace, trials: 30, strategy: strategy, seed: 5, journal: journal, studyName: "toy")
    let uninterrupted = try minimize(branin, space: braninSpace, trials: 30, strategy: strategy, seed: 5)
    #expect(resumed.trials.map(\.untimed) == uninterrupted.trials.map(\.untimed))
    #expect(uninterrupted.bestValue < uninterrupted.trials[0].meanTestScore("value"), "the strategy improves on its start")
  }

  @Test func anAdaptiveStrategyWithTwoWorkersKeepsAConsistentRecord() throws {
    let study = try minimize(branin, space: braninSpace, trials: 24, strategy: BestPlusStep(trials: 24, step: 2), seed: 5,
                             parallelism: .threads(2))
    #expect(study.count == 24 && study.trials.allSatisfy { $0.status == .complete })
    #expect(study.trials.map(\.index) == Array(0..<24))
    #expect(Set(study.trials.map(\.proposal)).count == 24, "every proposal evaluated exactly once")
  }

  @Test func failingAndNaNTrialsAreRecordedRankLastAndResume() throws {
    let journal = temporaryJournal("failing")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    struct Odd: Error {}
    let objective: @Sendable (ParameterSet) throws -> Double = { p in
      let x = p["x"]!.doubleValue!
      if x < -3 { throw Odd() }
      if x > 8 { return .nan }
      return branin(p)
    }
    let plain = try minimize(objective, space: braninSpace, trials: 30, seed: 2)
    let journaled = try minimize(objective, space: braninSpace, trials: 30, seed: 2, journal: journal, studyName: "odd")
    let resumed = try minimize(objective, space: braninSpace, trials: 30, seed: 2, journal: journal, studyName: "odd")
    #expect(journaled.trials.map(\.untimed) == plain.trials.map(\.untimed))
    #expect(resumed.trials.map(\.untimed) == plain.trials.map(\.untimed), "NaN scores survive the journal")
    let failed = plain.trials.filter(\.status.isFailed)
    #expect(failed.count >= 2 && failed.contains { $0.parameters["x"]!.doubleValue! > 8 } && failed.contains { $0.parameters["x"]!.doubleValue! < -3 })
    let ranks = plain.results.ranks("value")
    let worstComplete = plain.trials.filter { $0.status == .complete }.map { ranks[$0.index] }.max()!
    #expect(failed.allSatisfy { ranks[$0.index] > worstComplete })
  }

  @Test func aGridSearchWithFailingAndNaNCandidatesCompletesResumesAndRanksThemLast() throws {
    let journal = temporaryJournal("ridge")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let diabetes = try Datasets.diabetes()
    // A quantile of 2 fails to configure; the constant 7 scores NaN (a scorer that cannot score it).
    let picky = Scorer.custom(name: "picky") { (model: DummyRegressor.Model, x: Matrix, y: [Double]) in
      model.constant == 7 ? Double.nan : try r2Score(y, model.predict(x))
    }
    func search(_ journal: String?) throws -> GridSearchCV<DummyRegressor> {
      try GridSearchCV(DummyRegressor(), grids: [["strategy": ["quantile"], "quantile": [2.0]],
                                                 ["strategy": ["constant"], "constant": [100.0, 7, 150]]],
                       cv: KFold(splits: 3), scoring: [picky], journal: journal)
    }
    let plain = try search(nil).fit(diabetes.x, diabetes.y)
    let first = try search(journal).fit(diabetes.x, diabetes.y)
    #expect(first.results.trials.map(\.untimed) == plain.results.trials.map(\.untimed))
    #expect(plain.results.trials.map(\.status.isFailed) == [true, false, true, false])
    #expect(plain.results.ranks("picky")[0] == 3 && plain.results.ranks("picky")[2] == 3)
    #expect(plain.bestIndex == 1 || plain.bestIndex == 3)
    let again = try search(journal).fit(diabetes.x, diabetes.y)
    #expect(again.results == first.results, "everything read back from the journal, NaN scores included")
    // Cut after the first finished trial: the rest run again, to the same table.
    let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
    try (lines.prefix(6).joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
    let resumed = try search(journal).fit(diabetes.x, diabetes.y)
    #expect(resumed.results.trials.map(\.untimed) == plain.results.trials.map(\.untimed))
  }

  @Test func askTellEnqueueAndReport() throws {
    let study = Study(direction: .minimize, seed: 1)
    try study.enqueue(["x": 1])
    let waiting = try #require(try study.askWaiting())
    #expect(waiting.parameters == ["x": 1] && waiting.proposal == "enqueued/0" && waiting.status == .running)
    #expect(try study.askWaiting() == nil)
    try study.report(waiting.index, step: 0, value: 4)
    try study.report(waiting.index, step: 1, value: 2)
    try study.tell(waiting.index, value: 2)
    #expect(throws: LearnError.self) { try study.tell(waiting.index, value: 3) }
    #expect(throws: LearnError.self) { try study.tell(7, value: 3) }
    let second = try study.ask(Candidate(["x": 3]))
    try study.tell(second.index, value: .infinity)
    #expect(study.trials[1].status.isFailed)
    #expect(study.trials[0].intermediateValues == [0: 4, 1: 2] && study.bestValue == 2 && study.bestParameters == ["x": 1])
    // Enqueued points go first in a search too.
    let enqueued = try SearchSession(DummyRegressor(), x: Matrix(rowCount: 6, columnCount: 1) { i, _ in Double(i) },
                                     y: [1, 2, 3, 4, 5, 6], cv: KFold(splits: 2))
    try enqueued.study.enqueue(["strategy": "median"])
    try enqueued.run(try GridSearch(["strategy": ["mean"]]))
    #expect(enqueued.history.map { $0.parameters["strategy"] } == ["median", "mean"])
  }

  @Test func gridAndRandomTablesDoNotDependOnTheThreadCount() throws {
    let digits = try Datasets.digits()
    let x = digits.x.rows(at: 0..<300), y = Array(digits.y.prefix(300))
    func grid(_ parallelism: Parallelism) throws -> [TrialRecord] {
      try GridSearchCV(LogisticRegression(maxIterations: 30), grid: ["c": [0.01, 0.1, 1, 10]], cv: StratifiedKFold(splits: 3),
                       parallelism: parallelism).fit(x, y).results.trials.map(\.untimed)
    }
    func random(_ parallelism: Parallelism) throws -> [TrialRecord] {
      try RandomizedSearchCV(DecisionTreeClassifier(), space: ["maxDepth": .int(1, 12), "minSamplesLeaf": .int(1, 10)], iterations: 8,
                             cv: StratifiedKFold(splits: 3), parallelism: parallelism, seed: 4).fit(x, y).results.trials.map(\.untimed)
    }
    #expect(try grid(.serial) == grid(.threads(2)))
    #expect(try random(.serial) == random(.threads(2)))
  }

  @Test func aMisspeltNameInOneGridIsRefusedBeforeAnythingRuns() throws {
    let iris = try Datasets.iris()
    let search = try GridSearchCV(DummyClassifier(), grids: [["strategy": ["prior"]], ["strategy": ["constant"], "constnat": [1]]])
    #expect(throws: LearnError.self) { try search.fit(iris.x, iris.y) }
    do {
      _ = try search.fit(iris.x, iris.y)
    } catch {
      #expect("\(error)".contains("constnat") && "\(error)".contains("constant"))
    }
  }

  @Test func theRefitPicksAmongTrialsAtTheLargestBudget() throws {
    let results = SearchResults(trials: [
      TrialRecord(index: 0, parameters: ["a": 1], budget: .units(3), status: .complete, testScores: ["s": [0.9]], fitTimes: [0], scoreTimes: [0]),
      TrialRecord(index: 1, parameters: ["a": 2], budget: .units(9), status: .complete, testScores: ["s": [0.7]], fitTimes: [0], scoreTimes: [0]),
      TrialRecord(index: 2, parameters: ["a": 3], budget: .units(9), status: .complete, testScores: ["s": [0.8]], fitTimes: [0], scoreTimes: [0]),
    ], metrics: ["s"], splits: 1)
    #expect(results.bestIndex("s") == 0)
    #expect(largestBudgetPool(results) == [1, 2])
    #expect(results.bestIndex("s", among: try GridSearch(["a": [1]]).refitPool(results)) == 2)
  }

  @Test func ranksFollowTheDirectionAndPutNaNLast() {
    func table(_ values: [Double], _ direction: StudyDirection) -> SearchResults {
      SearchResults(trials: values.enumerated().map { i, v in
        TrialRecord(index: i, parameters: [:], status: v.isNaN ? .failed("x") : .complete, testScores: ["v": [v]], fitTimes: [0], scoreTimes: [0])
      }, metrics: ["v"], splits: 1, direction: direction)
    }
    #expect(table([3, .nan, 1, 3, 2], .maximize).ranks("v") == [1, 5, 4, 1, 3])
    #expect(table([3, .nan, 1, 3, 2], .minimize).ranks("v") == [3, 5, 1, 3, 2])
    #expect(table([.nan, .nan], .maximize).ranks("v") == [1, 1])
  }

  @Test func integerRangesAsWideAsIntDoNotTrap() throws {
    let wide: [Distribution] = [.int(0, Int.max), .int(-1, Int.max), .int(Int.min, Int.max), .logInt(1, Int.max)]
    for distribution in wide {
      for u in [0.0, 1e-12, 0.5, 1 - 1e-16, 1] {
        let value = distribution.decode(u)
        #expect(distribution.contains(value))
        let back = try #require(distribution.encode(value))
        #expect((0...1).contains(back))
      }
    }
    #expect(Distribution.int(0, Int.max).decode(1) == .int(Int.max))
    #expect(Distribution.int(0, Int.max).finiteValues() == nil)
    // Out-of-range values do not encode; a point of the wrong length does not decode.
    #expect(Distribution.uniform(0, 1).encode(2) == nil && Distribution.int(1, 5).encode(9) == nil)
    let space = try SearchSpace(["a": .uniform(0, 1), "b": .int(1, 3)])
    #expect(throws: LearnError.self) { try space.decode([0.5]) }
    #expect(space.encode(["a": 0.5, "b": 7]) == nil)
  }
}

/// What a new user reached for first.
@Suite struct SearchFrictionTests {
  @Test func gridsTakePlainArraysAndSpacedValues() throws {
    let diabetes = try Datasets.diabetes()
    let alphas = logspace(-2, 2, count: 5)
    #expect(alphas.count == 5 && isClose(alphas[0], 0.01, relative: 1e-15) && isClose(alphas[4], 100, relative: 1e-15))
    #expect(linspace(0, 1, count: 5) == [0, 0.25, 0.5, 0.75, 1] && linspace(2, 3, count: 1) == [2])
    let plain = try GridSearchCV(Ridge(), grid: ["alpha": alphas], cv: KFold(splits: 3)).fit(diabetes.x, diabetes.y)
    let mapped = try GridSearchCV(Ridge(), grid: ["alpha": alphas.map(ParameterValue.double)], cv: KFold(splits: 3))
      .fit(diabetes.x, diabetes.y)
    #expect(plain.results.trials.map(\.untimed) == mapped.results.trials.map(\.untimed))
    let depths: [Int?] = [2, nil]
    let strategy = try GridSearch(["maxDepth": depths, "criterion": ["gini", "entropy"], "layers": [[32], [64, 64]]])
    #expect(strategy.candidates.count == 8 && strategy.candidates.contains { $0["maxDepth"] == ParameterValue.none })
  }

  @Test func unknownNamesSuggestTheNearestOneInEitherSpelling() throws {
    let pipeline = Pipeline(StandardScaler(), SVC())
    for (wrong, right) in [("svc__C", "svc.c"), ("svc.C", "svc.c"), ("svc.gama", "svc.gamma")] {
      do {
        _ = try pipeline.setting(wrong, to: 1.0)
        Issue.record("\(wrong) was accepted")
      } catch {
        #expect("\(error)".contains("did you mean '\(right)'"), "\(error)")
      }
    }
    #expect(nearestName(to: "n_estimators", in: RandomForestClassifier().hyperparameterNames) == "nEstimators")
    #expect(nearestName(to: "zzzzzz", in: RandomForestClassifier().hyperparameterNames) == nil)
  }

  @Test func crossValScoreTakesScoringAsSearchesDo() throws {
    let iris = try Datasets.iris()
    let listed = try crossValScore(DummyClassifier(), iris.x, iris.y, cv: KFold(splits: 3), scoring: [.accuracy])
    #expect(listed == (try crossValScore(DummyClassifier(), iris.x, iris.y, cv: KFold(splits: 3), scoring: .accuracy)))
    #expect(throws: LearnError.self) {
      try crossValScore(DummyClassifier(), iris.x, iris.y, cv: KFold(splits: 3), scoring: [.accuracy, .balancedAccuracy])
    }
  }
}

/// Records the thread count a fit could use, and spins until cancelled (or 5 s) when asked.
struct Probe: Estimator {
  var spin = false
  static let hyperparameters: [Hyperparameter<Probe>] = [.bool("spin", \.spin)]
  static let threadCounts = Mutex<[Int]>([])
  static let stoppedByCancellation = Atomic<Int>(0)

  func fit(_ x: Matrix, _ y: [Double]) throws -> DummyRegressor.Model {
    Self.threadCounts.withLock { $0.append(Parallelism.automatic.threadCount) }
    if spin {
      let start = DispatchTime.now().uptimeNanoseconds
      while DispatchTime.now().uptimeNanoseconds - start < 5_000_000_000 {
        if JobContext.isCancelled {
          Self.stoppedByCancellation.add(1, ordering: .relaxed)
          throw LearnError.cancelled("spinning")
        }
      }
    }
    return try DummyRegressor().fit(x, y)
  }
}

@Suite(.serialized) struct JobContextInSearchTests {
  @Test func fitsInsideAFanOutRunSerial() throws {
    let diabetes = try Datasets.diabetes()
    Probe.threadCounts.withLock { $0 = [] }
    _ = try GridSearchCV(Probe(), grid: ["spin": [false]], cv: KFold(splits: 4), parallelism: .threads(2)).fit(diabetes.x, diabetes.y)
    let inSearch = Probe.threadCounts.withLock { $0 }
    #expect(inSearch.count == 5 && inSearch.prefix(4).allSatisfy { $0 == 1 }, "four fold fits in the fan-out, then the refit")
    Probe.threadCounts.withLock { $0 = [] }
    _ = try GridSearchCV(Probe(), grid: ["spin": [false]], cv: KFold(splits: 4), parallelism: .serial).fit(diabetes.x, diabetes.y)
    #expect(Probe.threadCounts.withLock { $0 }.allSatisfy { $0 == Parallel.coreCount }, "one worker: fits may use the cores")
  }

  @Test func aFitTimeoutCancelsTheFit() throws {
    let diabetes = try Datasets.diabetes()
    let before = Probe.stoppedByCancellation.load(ordering: .relaxed)
    let start = DispatchTime.now().uptimeNanoseconds
    let model = try GridSearchCV(Probe(), grid: ["spin": [false, true]], cv: KFold(splits: 2), parallelism: .threads(2),
                                 stop: StopConditions(fitTimeout: 0.3)).fit(diabetes.x, diabetes.y)
    #expect(model.results.trials[0].status == .complete)
    guard case .failed(let reason) = model.results.trials[1].status else { Issue.record("the spinning fit should fail"); return }
    #expect(reason.contains("time limit"))
    // The spinning fits saw the flag and stopped, long before their 5 s.
    var waited = 0
    while Probe.stoppedByCancellation.load(ordering: .relaxed) < before + 2 && waited < 200 {
      Thread.sleep(forTimeInterval: 0.01)
      waited += 1
    }
    #expect(Probe.stoppedByCancellation.load(ordering: .relaxed) == before + 2)
    #expect(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < 3)
  }
}
