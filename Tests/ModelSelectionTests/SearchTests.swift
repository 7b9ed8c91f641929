import Foundation
import Learn
@testable import ModelSelection
import LearnTestSupport
import Synchronization
import Testing

/// A plain JSON scalar, for reading scikit-learn's parameter dictionaries.
enum Plain: Decodable, Hashable {
  case number(Double), text(String), flag(Bool)
  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let d = try? c.decode(Double.self) { self = .number(d) }
    else if let b = try? c.decode(Bool.self) { self = .flag(b) }
    else { self = .text(try c.decode(String.self)) }
  }
  init(_ value: ParameterValue) {
    switch value {
    case .bool(let b): self = .flag(b)
    case .string(let s): self = .text(s)
    default: self = value.doubleValue.map(Plain.number) ?? .text("\(value)")
    }
  }
}

/// A journal line, as far as the tests read it.
struct JournalTestLine: Decodable, Equatable {
  let op: String
  let record: TrialRecord?
}

/// Journal lines (after the header), decoded as the journal itself decodes them.
func decodeJournalLines<S: Sequence>(_ lines: S) throws -> [JournalTestLine] where S.Element: StringProtocol {
  let decoder = StudyJournal.makeDecoder()
  return try lines.map { try decoder.decode(JournalTestLine.self, from: Data(String($0).utf8)) }
}

/// The records of the `finished` lines of a journal's lines (after the header).
func finishedRecords<S: Sequence>(_ lines: S) throws -> [TrialRecord] where S.Element: StringProtocol {
  try decodeJournalLines(lines).compactMap { $0.op == "finished" ? $0.record : nil }
}

/// Sleeps for `seconds` in fit, then predicts the mean: for timeouts.
struct Sleepy: Estimator {
  var seconds = 0.0
  static let hyperparameters: [Hyperparameter<Sleepy>] = [.double("seconds", \.seconds, .nonNegative)]
  func fit(_ x: Matrix, _ y: [Double]) throws -> DummyRegressor.Model {
    if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    return try DummyRegressor().fit(x, y)
  }
}

@Suite struct SearchTests {
  struct GridFixture: Decodable {
    let params: [[String: Plain]]
    let mean_test_r2, std_test_r2, mean_test_neg_mean_squared_error, mean_train_r2, split0_test_r2: [Double]
    let rank_test_r2, rank_test_neg_mean_squared_error: [Int]
    let best_index: Int
    let best_score: Double
  }
  struct Ties: Decodable {
    let mean_test_score: [Double?]
    let rank_test_score: [Int]
    let best_index: Int
  }
  struct File: Decodable {
    let parameterGridOrder: [[String: Plain]]
    let gridDiabetes: GridFixture
    let gridIrisTies: Ties
  }
  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/search.json") }
  static let grids: [[String: [ParameterValue]]] = [
    ["strategy": ["quantile"], "quantile": [0.1, 0.3, 0.5, 0.7, 0.9]],
    ["strategy": ["constant"], "constant": [100.0, 150.0, 200.0]],
    ["strategy": ["mean", "median"]],
  ]

  func plain(_ candidates: [ParameterSet]) -> [[String: Plain]] { candidates.map { $0.mapValues(Plain.init) } }

  @Test func gridOrderIsScikitLearns() throws {
    let strategy = try GridSearch(grids: Self.grids)
    #expect(plain(strategy.candidates) == (try Self.fixture.get().parameterGridOrder))
  }

  @Test func gridSearchMatchesScikitLearnsTable() throws {
    let expected = try Self.fixture.get().gridDiabetes
    let diabetes = try Datasets.diabetes()
    let search = SearchCV(DummyRegressor(), strategy: try GridSearch(grids: Self.grids), cv: KFold(splits: 5),
                          scoring: [.r2, .negMeanSquaredError], refit: .metric("neg_mean_squared_error"), returnTrainScore: true)
    let model = try search.fit(diabetes.x, diabetes.y)
    let results = model.results
    #expect(plain(results.trials.map(\.parameters)) == expected.params)
    #expect(allClose(results.meanTestScores("r2"), expected.mean_test_r2, relative: 1e-12))
    #expect(allClose(results.meanTestScores("neg_mean_squared_error"), expected.mean_test_neg_mean_squared_error, relative: 1e-12))
    #expect(allClose(results.trials.map { standardDeviation($0.testScores["r2"]!) }, expected.std_test_r2, relative: 1e-10))
    #expect(allClose(results.trials.map { mean($0.trainScores["r2"]!) }, expected.mean_train_r2, relative: 1e-12))
    #expect(allClose(results.trials.map { $0.testScores["r2"]![0] }, expected.split0_test_r2, relative: 1e-12))
    #expect(results.ranks("r2") == expected.rank_test_r2)
    #expect(results.ranks("neg_mean_squared_error") == expected.rank_test_neg_mean_squared_error)
    #expect(model.bestIndex == expected.best_index)
    #expect(isClose(model.bestScore, expected.best_score, relative: 1e-12))
    #expect(model.best?.constant == (try DummyRegressor().setting(model.bestParameters).fit(diabetes.x, diabetes.y)).constant)
  }

  @Test func failedCandidatesRankLastAndTiesShareRanks() throws {
    let expected = try Self.fixture.get().gridIrisTies
    let iris = try Datasets.iris()
    let model = try GridSearchCV(DummyClassifier(), grid: ["strategy": ["most_frequent", "prior", "constant"], "constant": [1]],
                                 cv: KFold(splits: 3)).fit(iris.x, iris.y)
    #expect(model.results.ranks("accuracy") == expected.rank_test_score)
    #expect(model.bestIndex == expected.best_index)
    #expect(model.results.meanTestScores("accuracy")[2].isNaN && expected.mean_test_score[2] == nil)
    guard case .failed(let reason) = model.results.trials[2].status else { Issue.record("trial 2 should fail"); return }
    #expect(reason.contains("constant"))
  }

  func withoutTimes(_ results: SearchResults) -> [TrialRecord] { results.trials.map(\.untimed) }

  @Test func resultsDoNotDependOnTheThreadCount() throws {
    let digits = try Datasets.digits()
    let space: [String: Distribution] = ["strategy": .choice(["stratified", "uniform", "prior"]), "seed": .int(0, 1000)]
    func run(_ parallelism: Parallelism) throws -> SearchResults {
      try RandomizedSearchCV(DummyClassifier(), space: space, iterations: 12, cv: StratifiedKFold(splits: 4, shuffle: true, seed: 1),
                             scoring: [.accuracy, .f1(.macro)], parallelism: parallelism, seed: 7).fit(digits.x, digits.y).results
    }
    let serial = try run(.serial)
    #expect(withoutTimes(serial) == withoutTimes(try run(.automatic)))
    #expect(withoutTimes(serial) == withoutTimes(try run(.threads(5))))
  }

  @Test func randomSearchSamplesWithoutReplacementFromFiniteSpaces() throws {
    let strategy = try RandomSearch(["a": .choice([1, 2, 3]), "b": .choice(["x", "y"])], iterations: 10, seed: 3)
    let candidates = strategy.candidates
    #expect(candidates.count == 6 && Set(candidates).count == 6)
    #expect(candidates == (try RandomSearch(["a": .choice([1, 2, 3]), "b": .choice(["x", "y"])], iterations: 10, seed: 3)).candidates)
    let continuous = try RandomSearch(["c": .logUniform(1e-3, 1e3), "n": .logInt(1, 100)], iterations: 50, seed: 1).candidates
    #expect(Set(continuous).count == 50)
    #expect(continuous.allSatisfy { (1e-3...1e3).contains($0["c"]!.doubleValue!) && (1...100).contains($0["n"]!.intValue!) })
    #expect(throws: LearnError.self) { try RandomSearch(["c": .logUniform(0, 1)]) }
    #expect(throws: LearnError.self) { try RandomSearch(["c": .choice([])]) }
    #expect(throws: LearnError.self) { try RandomSearch(["c": .int(3, 1)]) }
  }

  @Test func badGridsAreRefusedWhenBuilt() throws {
    #expect(throws: LearnError.self) { try GridSearch(grids: []) }
    #expect(throws: LearnError.self) { try GridSearch(["c": []]) }
    #expect(throws: LearnError.self) { try GridSearch(["c": [1, 1]]) }
    let values = (0..<1001).map { ParameterValue.int($0) }
    #expect(throws: LearnError.self) { try GridSearch(["a": values, "b": values]) }
    // 1001^7 overflows Int: the count saturates instead of wrapping.
    let huge = Dictionary(uniqueKeysWithValues: (0..<7).map { ("p\($0)", values) })
    #expect(throws: LearnError.self) { try GridSearch(huge) }
    #expect(throws: LearnError.self) { try GridSearch(grids: [["a": values], ["a": values, "b": values]]) }
    _ = try GridSearch(["a": values, "b": Array(values.prefix(999))])  // 999,999: allowed
  }

  @Test func spaceEncodingRoundTrips() throws {
    let space = try SearchSpace(["lr": .logUniform(1e-3, 1e-1), "layers": .choice([[32], [64, 64]]), "depth": .int(1, 8), "u": .uniform(-1, 1)])
    var generator = Xoshiro256StarStar(seed: 2)
    for _ in 0..<50 {
      let candidate = space.sample(using: &generator)
      let point = try #require(space.encode(candidate))
      #expect(point.allSatisfy { (0...1).contains($0) })
      let back = try space.decode(point)
      #expect(back["layers"] == candidate["layers"] && back["depth"] == candidate["depth"])
      #expect(isClose(back["lr"]!.doubleValue!, candidate["lr"]!.doubleValue!, relative: 1e-12))
    }
  }

  @Test func failuresTimeoutsAndNaNScoresAreRecordedAndTheSearchGoesOn() throws {
    let diabetes = try Datasets.diabetes()
    let x = diabetes.x.rows(at: 0..<60), y = Array(diabetes.y.prefix(60))
    let sleepy = try GridSearchCV(Sleepy(), grid: ["seconds": [0, 2]], cv: KFold(splits: 2), stop: StopConditions(fitTimeout: 0.5))
      .fit(x, y)
    #expect(sleepy.results.trials[0].status == .complete)
    guard case .failed(let reason) = sleepy.results.trials[1].status else { Issue.record("the slow fit should fail"); return }
    #expect(reason.contains("time limit"))
    // A constant target makes R² NaN on a fold: recorded as a failure, never a silent NaN.
    let flat = try GridSearchCV(DummyRegressor(), grid: ["strategy": ["mean", "median"]], cv: KFold(splits: 2))
    let constantY = [Double](repeating: 1, count: 30) + Array(y.prefix(30))
    let result = try flat.fit(x, constantY)
    #expect(result.results.trials.allSatisfy { if case .failed = $0.status { return true }; return false } == false
            || result.results.trials.contains { $0.status == .complete })
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyClassifier(), grid: ["strategy": ["constant"], "constant": [99]], cv: KFold(splits: 2))
        .fit(diabetes.x.rows(at: 0..<10), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    }
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyClassifier(), grid: ["strategy": ["constant"], "constant": [99]], cv: KFold(splits: 2), errorScore: .raise)
        .fit(diabetes.x.rows(at: 0..<10), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    }
  }

  @Test func allFailingWithOneCauseRethrowsIt() throws {
    var x = Matrix(rowCount: 6, columnCount: 2, repeating: 1)
    x[3, 1] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 1)) {
      try GridSearchCV(DummyRegressor(), grid: ["strategy": ["mean", "median"]], cv: KFold(splits: 2)).fit(x, [1, 2, 3, 4, 5, 6])
    }
  }

  @Test func journalResumesWithoutRerunningAndRefusesAnotherSearch() throws {
    let iris = try Datasets.iris()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("learn-journal-\(UUID().uuidString).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let grid: [String: [ParameterValue]] = ["strategy": ["stratified", "uniform"], "seed": [1, 2, 3]]
    let first = try GridSearchCV(DummyClassifier(), grid: grid, cv: KFold(splits: 3, shuffle: true, seed: 0), journal: path)
      .fit(iris.x, iris.y)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 13, "a header, then a line when each trial is created and one when it finishes")
    // Run again: every trial is in the record, so nothing runs and nothing is appended (timings
    // are equal too, which a re-run would change).
    let second = try GridSearchCV(DummyClassifier(), grid: grid, cv: KFold(splits: 3, shuffle: true, seed: 0), journal: path)
      .fit(iris.x, iris.y)
    #expect(second.results == first.results)
    #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 13)
    // A journal cut short (killed mid-search, mid-line): the trials left running run again under
    // their numbers, the missing ones run, the rest are kept.
    // The header, the six trials created, some finished, and the next line cut off mid-line.
    let finishedEarly = try finishedRecords(lines.prefix(9).dropFirst())
    try (lines.prefix(9).joined(separator: "\n") + "\n" + lines[9].prefix(10)).write(toFile: path, atomically: true, encoding: .utf8)
    let resumed = try GridSearchCV(DummyClassifier(), grid: grid, cv: KFold(splits: 3, shuffle: true, seed: 0), journal: path)
      .fit(iris.x, iris.y)
    #expect(!finishedEarly.isEmpty)
    for kept in finishedEarly { #expect(resumed.results.trials[kept.index] == kept, "finished trials are kept as recorded") }
    #expect(withoutTimes(resumed.results) == withoutTimes(first.results))
    // Another search (other grid, other data) is refused with the reason.
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyClassifier(), grid: ["strategy": ["prior"]], cv: KFold(splits: 3, shuffle: true, seed: 0), journal: path)
        .fit(iris.x, iris.y)
    }
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyClassifier(), grid: grid, cv: KFold(splits: 3, shuffle: true, seed: 0), journal: path)
        .fit(iris.x.rows(at: 0..<149), Array(iris.y.prefix(149)))
    }
  }

  @Test func refitOptionsAndStopConditions() throws {
    let diabetes = try Datasets.diabetes()
    let grid: [String: [ParameterValue]] = ["strategy": ["quantile"], "quantile": [0.2, 0.4, 0.5, 0.6, 0.8]]
    let none = try GridSearchCV(DummyRegressor(), grid: grid, cv: KFold(splits: 3), refit: .off).fit(diabetes.x, diabetes.y)
    #expect(none.best == nil && none.bestIndex != nil)
    #expect(throws: LearnError.self) { try none.predict(diabetes.x) }
    let chosen = try GridSearchCV(DummyRegressor(), grid: grid, cv: KFold(splits: 3), refit: .select { _ in 4 }).fit(diabetes.x, diabetes.y)
    #expect(chosen.bestIndex == 4 && chosen.bestParameters["quantile"] == 0.8)
    let simplest = try GridSearchCV(DummyRegressor(), grid: grid, cv: KFold(splits: 3),
                                    refit: .oneStandardError(metric: "r2") { abs($0["quantile"]!.doubleValue! - 0.5) }).fit(diabetes.x, diabetes.y)
    #expect(simplest.bestParameters["quantile"] == 0.5)
    let limited = try GridSearchCV(DummyRegressor(), grid: grid, cv: KFold(splits: 3), stop: StopConditions(maxTrials: 2)).fit(diabetes.x, diabetes.y)
    #expect(limited.results.count == 2)
    let target = try RandomizedSearchCV(DummyRegressor(), space: ["strategy": .choice(["mean"]), "constant": .uniform(0, 1)],
                                        iterations: 20, cv: KFold(splits: 3), stop: StopConditions(targetScore: -1), seed: 1)
    // With batches of one, the target stops the loop after the first trial.
    let batched = SearchCV(DummyRegressor(), strategy: try RandomSearch(["constant": .uniform(0, 1)], iterations: 20, seed: 1, batchSize: 1),
                           cv: KFold(splits: 3), stop: StopConditions(targetScore: -1))
    #expect(try batched.fit(diabetes.x, diabetes.y).results.count == 1)
    // One batch of 20: trials are started a few at a time, and the target stops the rest.
    let stopped = try target.fit(diabetes.x, diabetes.y).results.count
    #expect(stopped >= 1 && stopped < 20)
    // A time budget likewise stops a single batch: 30 fits of 0.05 s each, 0.2 s allowed.
    let budgeted = try GridSearchCV(Sleepy(), grid: ["seconds": Array(repeating: 0.05, count: 30).enumerated().map { 0.05 + 1e-6 * Double($0.offset) }],
                                    cv: KFold(splits: 2), stop: StopConditions(timeBudget: 0.2)).fit(diabetes.x, diabetes.y)
    #expect(budgeted.results.count >= 1 && budgeted.results.count < 30)
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyRegressor(), grid: grid, cv: KFold(splits: 3), refit: .metric("accuracy")).fit(diabetes.x, diabetes.y)
    }
  }

  @Test func resultsTableHasScikitLearnsColumns() throws {
    let iris = try Datasets.iris()
    let model = try GridSearchCV(DummyClassifier(), grid: ["strategy": ["prior", "uniform"]], cv: KFold(splits: 2),
                                 scoring: [.accuracy], returnTrainScore: true).fit(iris.x, iris.y)
    let columns = model.results.columns
    #expect(columns.prefix(6) == ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time", "param_strategy", "params"])
    #expect(columns.contains("split1_test_accuracy") && columns.contains("rank_test_accuracy") && columns.contains("mean_train_accuracy"))
    let csv = model.results.csvText().split(separator: "\n")
    #expect(csv.count == 3 && csv[0].hasPrefix("mean_fit_time,"))
    #expect(model.results.jsonText().contains("\"rank_test_accuracy\": [1, 2]") || model.results.jsonText().contains("\"rank_test_accuracy\": [2, 1]"))
    #expect(model.classes == [0, 1, 2])
  }

  @Test func aSearchIsAnEstimator() throws {
    let iris = try Datasets.iris()
    let search = try GridSearchCV(DummyClassifier(), grid: ["strategy": ["prior", "stratified"]], cv: KFold(splits: 3))
    #expect(search.hyperparameterNames == ["estimator.strategy", "estimator.constant", "estimator.seed"])
    try checkEstimator(search, x: iris.x, y: iris.y)
    // Searches nest in cross-validation like any estimator.
    #expect(try crossValScore(search, iris.x, iris.y, cv: KFold(splits: 3)).count == 3)
  }
}

/// A search killed with SIGKILL in a child process, then resumed on its journal.
@Suite struct SearchKillTests {
  static let grid: [String: [ParameterValue]] = ["strategy": ["stratified", "uniform"], "seed": [1, 2, 3, 4, 5, 6, 7, 8]]

  static func search(journal: String?, onTrial: (@Sendable (TrialRecord) -> Void)? = nil) throws -> GridSearchCV<DummyClassifier> {
    try GridSearchCV(DummyClassifier(), grid: grid, cv: KFold(splits: 3, shuffle: true, seed: 4), parallelism: .threads(2),
                     journal: journal, progress: SearchProgress(onTrial: onTrial))
  }

  @Test func aKilledSearchResumesFromItsJournal() async throws {
    // A path of this run's own, passed to the child: runs in parallel (CI beside a developer's
    // `swift test`) must not share a journal.
    let journal = FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-sigkill-test-\(UUID().uuidString).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // The child runs the search and kills itself with SIGKILL after its fifth finished trial.
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      let iris = try Datasets.iris()
      _ = try SearchKillTests.search(journal: journal) { record in
        if record.index == 4 { kill(getpid(), SIGKILL) }
      }.fit(iris.x, iris.y)
    }
    let written = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
    let journaled = try finishedRecords(written.dropFirst())
    #expect(journaled.contains { $0.index == 4 } && journaled.count < 16, "trial 4 finished before the kill, not all did")

    let iris = try Datasets.iris()
    let resumed = try Self.search(journal: journal).fit(iris.x, iris.y)
    let uninterrupted = try Self.search(journal: nil).fit(iris.x, iris.y)
    func withoutTimes(_ trials: [TrialRecord]) -> [TrialRecord] { trials.map(\.untimed) }
    #expect(resumed.results.count == 16)
    #expect(withoutTimes(resumed.results.trials) == withoutTimes(uninterrupted.results.trials))
    for record in journaled {
      #expect(resumed.results.trials[record.index] == record, "finished trials are kept, timings and all, not re-run")
    }
    #expect(resumed.bestParameters == uninterrupted.bestParameters)
  }
}

@Suite struct AskTellTests {
  @Test func aUsersOwnLoopDrivesTheEngine() throws {
    let diabetes = try Datasets.diabetes()
    let session = try SearchSession(DummyRegressor(strategy: .quantile), x: diabetes.x, y: diabetes.y, cv: KFold(splits: 3),
                                    scoring: [.r2], retainFoldModels: true)
    // A tiny hand-written strategy: bisect the quantile towards the better half.
    var low = 0.0, high = 1.0
    for _ in 0..<6 {
      let trials = try session.evaluate([Candidate(["quantile": .double(low + (high - low) / 4)]),
                                         Candidate(["quantile": .double(low + 3 * (high - low) / 4)])])
      if trials[0].meanTestScore("r2") > trials[1].meanTestScore("r2") { high = (low + high) / 2 } else { low = (low + high) / 2 }
    }
    #expect(session.history.count == 12 && session.results.bestIndex("r2") != nil)
    #expect(session.foldModels(of: 0)?.count == 3)
    let told = try session.tell(["quantile": 0.5], testScores: ["r2": [0.1, 0.2, 0.3]])
    #expect(told.index == 12 && session.results.count == 13)
  }
}

/// Multi-fidelity evaluation: `.samples` and `.units` budgets and continued trials, the engine
/// calls successive halving, Hyperband and PBT build on.
@Suite struct BudgetTests {
  static func session(retain: Bool = false) throws -> SearchSession<RandomForestClassifier> {
    let iris = try Datasets.iris()
    return try SearchSession(RandomForestClassifier(nEstimators: 3, parallelism: .serial), x: iris.x, y: iris.y,
                             cv: StratifiedKFold(splits: 3), retainFoldModels: retain, parallelism: .threads(2),
                             budgetParameter: "nEstimators", seed: 5)
  }

  @Test func gridAndRandomSearchesKeepNoModelsTheyWillNotContinue() throws {
    let iris = try Datasets.iris()
    let forest = RandomForestClassifier(nEstimators: 3, parallelism: .serial)
    let session = try SearchSession(forest, x: iris.x, y: iris.y, cv: StratifiedKFold(splits: 3))
    _ = try session.evaluate([Candidate(["maxDepth": 2])])
    #expect(session.foldModels(of: 0) != nil, "an ask/tell loop may continue: models kept")
    let grid = try SearchSession(forest, x: iris.x, y: iris.y, cv: StratifiedKFold(splits: 3))
    try grid.run(GridSearch(["maxDepth": [2, 3]]))
    #expect(grid.history.count == 2 && grid.foldModels(of: 0) == nil && grid.foldModels(of: 1) == nil)
  }

  @Test func unitsSetTheBudgetParameterAndAreRecorded() throws {
    let session = try Self.session(retain: true)
    let trial = try session.evaluate([Candidate(["maxDepth": 2], budget: .units(4))])[0]
    #expect(trial.budget == 4 && trial.parameters == ["maxDepth": 2])
    #expect(session.foldModels(of: 0)?.map(\.trees.count) == [4, 4, 4])
  }

  @Test func samplesBudgetsFitSubsetsOfEachFold() throws {
    let session = try Self.session(retain: true)
    let trials = try session.evaluate([Candidate([:], budget: .samples(20)), Candidate([:], budget: .samples(60))])
    #expect(trials.map(\.budget) == [20, 60])
    // Every tree is grown on a bootstrap sample of its fold's subsample: 20 and 60 draws.
    let small = try #require(session.foldModels(of: 0)), large = try #require(session.foldModels(of: 1))
    #expect(small.allSatisfy { $0.trees.allSatisfy { $0.weightedSampleCount[0] == 20 } })
    #expect(large.allSatisfy { $0.trees.allSatisfy { $0.weightedSampleCount[0] == 60 } })
  }

  @Test func aContinuedTrialTrainsUpToItsBudgetAndEqualsAFreshFit() throws {
    let session = try Self.session()
    _ = try session.evaluate([Candidate(["maxDepth": 3], budget: .units(5))])
    let continued = try session.evaluate([Candidate(["maxDepth": 3], budget: .units(12), continuing: 0)])[0]
    #expect(continued.parent == 0 && continued.budget == 12)
    let fresh = try Self.session().evaluate([Candidate(["maxDepth": 3], budget: .units(12))])[0]
    // The forest of 5 continued to 12 trees is the forest of 12: the same scores.
    #expect(continued.testScores == fresh.testScores)
    #expect(session.foldModels(of: 1)?.map(\.trees.count) == [12, 12, 12])
  }

  @Test func aCandidateThatCannotContinueItsParentIsFittedAfresh() throws {
    let iris = try Datasets.iris()
    let choice = try EstimatorChoice<Int>([
      "svc": AnyEstimator(SVC()), "forest": AnyEstimator(RandomForestClassifier(nEstimators: 3, parallelism: .serial)),
    ])
    for retain in [false, true] {
      let session = try SearchSession(choice, x: iris.x, y: iris.y, cv: StratifiedKFold(splits: 3), retainFoldModels: retain,
                                      budgetParameter: "forest.nEstimators")
      let first = try session.evaluate([
        Candidate(["estimator": "svc"], budget: .units(2)), Candidate(["estimator": "forest"], budget: .units(2)),
      ])
      #expect(first.allSatisfy { $0.status == .complete })
      // An SVC cannot continue: its models are kept only when asked for.
      #expect((session.foldModels(of: 0) != nil) == retain)
      let next = try session.evaluate([
        Candidate(["estimator": "svc"], budget: .units(4), continuing: 0),     // cannot continue: afresh
        Candidate(["estimator": "forest"], budget: .units(4), continuing: 1),  // continues 2 trees to 4
        Candidate(["estimator": "forest"], budget: .units(5), continuing: 0),  // switched from an SVC: afresh
        Candidate(["estimator": "svc"], budget: .units(5), continuing: 1),     // switched from a forest: afresh
      ])
      #expect(next.allSatisfy { $0.status == .complete })
      #expect(next[0].testScores == first[0].testScores, "the SVC refitted afresh scores as before")
      #expect(next[3].testScores == first[0].testScores)
      let forests = try #require(session.foldModels(of: 3)).compactMap { $0.base as? ForestClassifierModel }
      #expect(forests.map(\.trees.count) == [4, 4, 4])
      let switched = try #require(session.foldModels(of: 4)).compactMap { $0.base as? ForestClassifierModel }
      #expect(switched.map(\.trees.count) == [5, 5, 5])
    }
  }

  @Test func aSamplesBudgetIsNeverContinuedAsUnits() throws {
    let session = try Self.session(retain: true)
    _ = try session.evaluate([Candidate([:], budget: .samples(20))])
    _ = try session.evaluate([Candidate([:], budget: .samples(60), continuing: 0)])
    let models = try #require(session.foldModels(of: 1))
    #expect(models.allSatisfy { $0.trees.count == 3 && $0.trees.allSatisfy { $0.weightedSampleCount[0] == 60 } })
  }

}

/// What `verbose` prints on standard error, observed in a child process.
@Suite struct SearchProgressTests {
  @Test func verboseLevelsPrintScikitLearnsLinesOnStandardError() async throws {
    let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
      let iris = try Datasets.iris()
      for level in 1...3 {
        FileHandle.standardError.write("level \(level)\n".data(using: .utf8)!)
        _ = try GridSearchCV(DummyClassifier(), grid: ["strategy": ["prior", "uniform"]], cv: KFold(splits: 3),
                             parallelism: .serial, progress: SearchProgress(verbose: level)).fit(iris.x, iris.y)
      }
    }
    let text = String(decoding: result.standardErrorContent, as: UTF8.self)
    let levels: [String] = Array(text.components(separatedBy: "level ").dropFirst())
    try #require(levels.count == 3)
    for output in levels {
      #expect(output.contains("Fitting 3 folds for each of 2 candidates (DummyClassifier)"))
      #expect(output.contains("2 trials in") && output.contains("(0 failed)"))
    }
    #expect(!levels[0].contains("[trial"), "level 1 prints no per-trial lines (and no bar off a terminal)")
    #expect(levels[1].contains("[trial 0] accuracy=") && levels[1].contains("[trial 1] accuracy="))
    #expect(!levels[1].contains("strategy="))
    #expect(levels[2].contains("[trial 1] accuracy=") && levels[2].contains("strategy=\"uniform\"") && levels[2].contains("folds="))
  }

  @Test func onTrialSeesEveryTrialInOrder() throws {
    let iris = try Datasets.iris()
    for parallelism in [Parallelism.serial, .threads(2)] {
      let seen = Mutex<[Int]>([])
      _ = try GridSearchCV(DummyClassifier(), grid: ["strategy": ["prior", "uniform", "most_frequent"]], cv: KFold(splits: 3),
                           parallelism: parallelism, progress: SearchProgress(onTrial: { record in seen.withLock { $0.append(record.index) } }))
        .fit(iris.x, iris.y)
      let order = seen.withLock { $0 }
      // Each trial once, in the order they finished: number order with one worker.
      #expect(parallelism == .serial ? order == [0, 1, 2] : order.sorted() == [0, 1, 2])
    }
  }

}

/// Non-finite scores are failures that go through `errorScore`, so they can never rank first.
@Suite struct NonFiniteScoreTests {
  /// +inf for the "uniform" strategy, the accuracy otherwise.
  static let odd = Scorer.custom(name: "odd") { (model: DummyClassifier.Model, x: Matrix, y: [Int]) in
    model.strategy == .uniform ? Double.infinity : try accuracy(y, model.predict(x))
  }

  @Test func anInfiniteScoreFailsTheTrialAndTakesTheErrorScore() throws {
    let iris = try Datasets.iris()
    let grid: [String: [ParameterValue]] = ["strategy": ["prior", "uniform"]]
    let model = try GridSearchCV(DummyClassifier(), grid: grid, cv: StratifiedKFold(splits: 3), scoring: [Self.odd])
      .fit(iris.x, iris.y)
    guard case .failed(let reason) = model.results.trials[1].status else { Issue.record("+inf was accepted"); return }
    #expect(reason.contains("not finite"))
    #expect(model.results.trials[1].testScores["odd"]!.allSatisfy { $0.isNaN })
    #expect(model.results.ranks("odd") == [1, 2] && model.bestIndex == 0)
    let zero = try GridSearchCV(DummyClassifier(), grid: grid, cv: StratifiedKFold(splits: 3), scoring: [Self.odd],
                                errorScore: .value(0)).fit(iris.x, iris.y)
    #expect(zero.results.trials[1].testScores["odd"] == [0, 0, 0])
    #expect(throws: LearnError.self) {
      try GridSearchCV(DummyClassifier(), grid: grid, cv: StratifiedKFold(splits: 3), scoring: [Self.odd], errorScore: .raise)
        .fit(iris.x, iris.y)
    }
  }
}
