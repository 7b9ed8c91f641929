import Foundation
import Learn
import LearnTestSupport
import Synchronization
import Testing

@testable import ModelSelection

/// Epochs requested from the ``CountingMLP``s sharing it: a fresh fit counts its
/// `maxIterations`, a continuation its budget (one per test, as tests run side by side).
final class EpochCounter: Sendable {
  let epochs = Atomic<Int>(0)
}
/// Calls to ``CountingMLP``'s `fit` and `continued` in this process (the child below kills itself
/// in the middle of a rung).
let countedCalls = Atomic<Int>(0)
/// The call at which ``CountingMLP`` kills its process (0: never).
let killAtCall = Atomic<Int>(0)

/// An MLP classifier that counts the training it is asked for, to show what a resumed search
/// trains again.
struct CountingMLP: IncrementallyTrainable {
  var mlp: MLPClassifier
  var counter = EpochCounter()

  static var hyperparameters: [Hyperparameter<CountingMLP>] {
    MLPClassifier.hyperparameters.map { $0.reached(get: { $0.mlp }, set: { $0.mlp = $1 }) }
  }

  var trainingUnits: TrainingUnits? { mlp.trainingUnits }

  private func count() {
    if countedCalls.add(1, ordering: .relaxed).newValue == killAtCall.load(ordering: .relaxed) { kill(getpid(), SIGKILL) }
  }

  func fit(_ x: Matrix, _ y: [Int]) throws -> MLPClassifier.Model {
    count()
    counter.epochs.add(mlp.maxIterations, ordering: .relaxed)
    return try mlp.fit(x, y)
  }

  func continued(_ model: MLPClassifier.Model, on x: Matrix, _ y: [Int], budget: Int) throws -> MLPClassifier.Model {
    count()
    counter.epochs.add(budget, ordering: .relaxed)
    return try mlp.continued(model, on: x, y, budget: budget)
  }
}

@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct CheckpointTests {
  static func search(
    journal: String?, checkpoints: ModelCheckpoints = .besideJournal, counter: EpochCounter = EpochCounter()
  ) throws -> HyperbandSearchCV<CountingMLP> {
    var search = try HyperbandSearchCV(
      CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [16], seed: 1), counter: counter),
      space: ["alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-3, 1e-1)],
      maxBudget: 9, eta: 3, cv: StratifiedKFold(splits: 3), refit: .off, parallelism: .serial, journal: journal, seed: 5)
    search.checkpoints = checkpoints
    return search
  }

  /// The epochs a resumed run must train when nothing is trained twice: for every trial that had
  /// not finished before the resume, its budget beyond its parent's, on each of the 3 folds.
  static func epochsLeft(_ trials: [TrialRecord], finishedBefore finished: Set<Int>) -> Int {
    trials.filter { !finished.contains($0.index) }.reduce(0) { total, trial in
      let start = trial.parent.map { trials[$0].budget ?? 0 } ?? 0
      return total + 3 * ((trial.budget ?? 0) - start)
    }
  }

  static func finishedTrials(in journal: String) throws -> Set<Int> {
    let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").dropFirst()
    var finished = Set<Int>()
    for line in lines where line.contains("\"op\":\"finished\"") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      if let record = object?["record"] as? [String: Any], let index = record["index"] as? Int { finished.insert(index) }
    }
    return finished
  }

  @Test func aKilledHyperbandResumesFromItsCheckpointsWithoutTrainingAnythingTwice() async throws {
    let data = try HyperbandTests.digits.get()
    let journal = temporaryJournal("checkpoints")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: journal + ".models")
    }
    // The child dies inside the 31st fit: the 9 first-rung trials (27 fits) are done, and the
    // second rung, which continues them, is under way.
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      killAtCall.store(31, ordering: .relaxed)
      let data = try HyperbandTests.digits.get()
      _ = try CheckpointTests.search(journal: journal).fit(data.x, data.y)
    }
    let finished = try Self.finishedTrials(in: journal)
    #expect(finished == Set(0..<10), "the first rung and one promotion finished before the kill")
    #expect(try FileManager.default.contentsOfDirectory(atPath: journal + ".models").count >= 3)

    // The same journal without its checkpoints, for comparison.
    let bare = temporaryJournal("no-checkpoints")
    defer { try? FileManager.default.removeItem(atPath: bare) }
    try FileManager.default.copyItem(atPath: journal, toPath: bare)

    let counter = EpochCounter()
    let resumed = try Self.search(journal: journal, counter: counter).fit(data.x, data.y)
    let resumedEpochs = counter.epochs.load(ordering: .relaxed)
    let whole = try Self.search(journal: nil).fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.untimed) == whole.results.trials.map(\.untimed))
    #expect(resumed.results.trials.allSatisfy { $0.tags["refitted"] == nil })
    #expect(resumedEpochs == Self.epochsLeft(whole.results.trials, finishedBefore: finished))
    // Without checkpoints the promoted trials under way train again from scratch, recorded as such.
    let bareCounter = EpochCounter()
    let refitted = try Self.search(journal: bare, checkpoints: .off, counter: bareCounter).fit(data.x, data.y)
    #expect(bareCounter.epochs.load(ordering: .relaxed) > resumedEpochs)
    #expect(refitted.results.trials.filter { $0.tags["refitted"] == .bool(true) }.map(\.index) == [10, 11], "the two whose parents were only in the killed process")
    #expect(refitted.results.trials.map(\.testScores) == whole.results.trials.map(\.testScores))
    // Released models leave the disk: only trials a later rung could still continue stay.
    let left = try FileManager.default.contentsOfDirectory(atPath: journal + ".models")
    #expect(left.count < whole.results.count)
  }

  @Test func aCheckpointIsUsedOnlyByItsOwnStudyTrialConfigurationAndBudget() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-store-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let data = try HyperbandTests.digits.get()
    let model = try MLPClassifier(hiddenLayerSizes: [4], maxIterations: 2).fit(data.x, data.y)
    let store = try #require(CheckpointStore<MLPClassifier.Model>(folder: folder, study: "a"))
    let identity = CheckpointIdentity(trial: 3, parameters: ["alpha": 0.01], budget: .units(3))
    for fold in 0..<2 { try store.save(model, identity: identity, fold: fold) }
    #expect(store.load(identity, folds: 2)?.count == 2)
    #expect(store.load(identity, folds: 3) == nil, "a missing fold")
    #expect(CheckpointStore<MLPClassifier.Model>(folder: folder, study: "b")!.load(identity, folds: 2) == nil)
    var other = identity
    other.parameters = ["alpha": 0.1]
    #expect(store.load(other, folds: 2) == nil)
    other = identity
    other.budget = .units(9)
    #expect(store.load(other, folds: 2) == nil)
    try Data("{".utf8).write(to: URL(fileURLWithPath: folder + "/trial-3-fold-1.json"))
    #expect(store.load(identity, folds: 2) == nil, "a damaged file")
    store.remove([3], folds: 2)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    #expect(CheckpointStore<Matrix>(folder: folder, study: "a") == nil, "models that cannot be saved are not checkpointed")
  }

  /// Hyperband over a pipeline whose final step is type-erased (`AnyEstimator`).
  static func erasedSearch(journal: String) throws -> HyperbandSearchCV<Pipeline<AnyEstimator<Int>>> {
    try HyperbandSearchCV(
      Pipeline(StandardScaler(), AnyEstimator(CountingMLP(mlp: MLPClassifier(hiddenLayerSizes: [8], seed: 1)))),
      space: ["countingmlp.alpha": .logUniform(1e-5, 1e-1)], maxBudget: 9, eta: 3, cv: StratifiedKFold(splits: 3),
      refit: .off, parallelism: .serial, journal: journal, seed: 2)
  }

  @Test func aFreshProcessContinuesTheCheckpointsOfTypeErasedModels() async throws {
    let journal = temporaryJournal("erased-checkpoints")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: journal + ".models")
    }
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      killAtCall.store(31, ordering: .relaxed)
      let data = try HyperbandTests.digits.get()
      _ = try CheckpointTests.erasedSearch(journal: journal).fit(data.x, data.y)
    }
    // A new process that never loaded a file before: building the search registers the types
    // its erased parts hold, so the promotions under way continue from disk.
    await #expect(processExitsWith: .success) { [journal = journal as String] in
      let data = try HyperbandTests.digits.get()
      let resumed = try CheckpointTests.erasedSearch(journal: journal).fit(data.x, data.y)
      exit(resumed.results.trials.contains { $0.tags["refitted"] != nil } ? 1 : 0)
    }
  }
}
