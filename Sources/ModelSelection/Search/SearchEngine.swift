import Dispatch
import Foundation
import Synchronization
import LearnCore
import LinearAlgebra

/// A budget for one evaluation: how much of the data or of the training a candidate gets
/// (successive halving's "resource").
public enum Budget: Sendable, Hashable, Codable {
  /// Fit each fold on the first `n` rows of a fixed shuffle of its training rows.
  case samples(Int)
  /// Train for `n` units (trees, epochs, iterations): set through the search's
  /// `budgetParameter`, or by continuing an earlier trial's models.
  case units(Int)

  var amount: Int {
    switch self {
    case .samples(let n), .units(let n): return n
    }
  }
}

/// One candidate a strategy asks the engine to evaluate.
public struct Candidate: Sendable, Hashable {
  /// The hyperparameters to set on the search's estimator.
  public var parameters: ParameterSet
  /// The budget, when the strategy works at several fidelities.
  public var budget: Budget?
  /// An earlier trial whose fitted fold models this one continues (the estimator must be
  /// `IncrementallyTrainable`); its budget is then the total units after continuing.
  public var continuing: Int?
  /// Bookkeeping columns for the results table (bracket, rung, generation…).
  public var tags: [String: ParameterValue]

  /// A candidate.
  public init(_ parameters: ParameterSet, budget: Budget? = nil, continuing: Int? = nil, tags: [String: ParameterValue] = [:]) {
    self.parameters = parameters
    self.budget = budget
    self.continuing = continuing
    self.tags = tags
  }
}

/// When a search stops early. Reaching a limit ends the search normally: the results so far are
/// ranked and the best is refitted.
public struct StopConditions: Sendable, Hashable {
  /// At most this many trials.
  public var maxTrials: Int?
  /// Stop starting new batches after this many seconds.
  public var timeBudget: Double?
  /// Stop once a trial's mean test score (first metric) reaches this.
  public var targetScore: Double?
  /// A fit taking longer than this many seconds is recorded as failed (its thread is abandoned
  /// and its result ignored; Swift cannot cancel a running computation).
  public var fitTimeout: Double?

  /// Stop conditions; all off by default.
  public init(maxTrials: Int? = nil, timeBudget: Double? = nil, targetScore: Double? = nil, fitTimeout: Double? = nil) {
    self.maxTrials = maxTrials
    self.timeBudget = timeBudget
    self.targetScore = targetScore
    self.fitTimeout = fitTimeout
  }
}

/// Thrown inside a strategy's loop when a stop condition is met; the session catches it.
struct SearchStopped: Error {}

/// A running search: the engine every strategy drives. It owns the folds, the (candidate × fold)
/// fan-out over cores, scoring with every scorer, failure handling, stop conditions, progress and
/// the journal; a strategy only proposes candidates through ``evaluate(_:)`` (or records its own
/// evaluations with ``tell(_:)``) and reads ``history``.
public final class SearchSession<E: Estimator> {
  /// The estimator whose hyperparameters are searched.
  public let estimator: E
  /// The folds, fixed for the whole search.
  public let folds: [Fold]
  /// The scorers; the first is the one stop conditions and default refit use.
  public let scorers: [Scorer]
  /// Every trial so far.
  public private(set) var history: [TrialRecord] = []
  /// The first error of each failed trial, by index (the table keeps its description).
  public private(set) var errors: [Int: any Error] = [:]
  /// How many trials the strategy expects in all, when it knows (for progress display).
  public var expectedTrials: Int?
  /// Whether the strategy may continue trials (`Candidate.continuing`), so the fold models of
  /// configurations that can continue training are kept. Strategies that never continue (grid and
  /// random search) set it to `false`, and a search over forests then holds no forests but the one
  /// being scored. `retainFoldModels` keeps every trial's models regardless.
  public var mayContinueTrials = true
  /// Whether the progress header has been printed (at the first trial, once the strategy has set
  /// ``expectedTrials``).
  private var announced = false

  /// Prints the progress header once, before the first trial.
  private func announce() {
    guard !announced else { return }
    announced = true
    progress.start(self)
  }

  let x: Matrix
  let y: [E.Target]
  let errorScore: ErrorScore
  let returnTrainScore: Bool
  let parallelism: Parallelism
  let stop: StopConditions
  let budgetParameter: String?
  let retainFoldModels: Bool
  let journal: SearchJournal?
  let progress: SearchProgress
  let seed: UInt64
  let started = DispatchTime.now().uptimeNanoseconds
  /// Fold models of trials that may be continued (kept for configurations that can continue
  /// training, and for every trial with `retainFoldModels`).
  var foldModels: [Int: [E.Fitted]] = [:]
  /// The budget each kept trial's models were trained to.
  var foldModelBudgets: [Int: Budget?] = [:]
  /// Records read from the journal, by trial index, replayed instead of re-run.
  var replay: [Int: TrialRecord]

  /// A session for driving a search yourself (ask/tell): call ``evaluate(_:)`` with your own
  /// candidates, or ``tell(_:testScores:status:tags:)`` with scores you computed, and read
  /// ``results``. `SearchCV` builds one of these for its strategy.
  ///
  /// - Parameters:
  ///   - cv: the splitter; `nil` means stratified 5-fold for classifiers, 5-fold otherwise.
  ///   - scoring: the scorers; empty means accuracy for classifiers, R² for regressors.
  ///   - retainFoldModels: keep every trial's fitted fold models (``foldModels(of:)``); they are
  ///     always kept for configurations that can continue training, which strategies may continue.
  ///   - journal: a file to append finished trials to and to resume from; refused when it was
  ///     written by a different search.
  ///   - strategyName: identifies the proposing strategy in the journal's fingerprint.
  public convenience init(
    _ estimator: E, x: Matrix, y: [E.Target], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, retainFoldModels: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), budgetParameter: String? = nil,
    journal: String? = nil, strategyName: String = "ask-tell", progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws {
    try Validation.checkShapes(x, y)
    let scorers = scoring.isEmpty ? [defaultScorer(for: E.Target.self)] : scoring
    guard Set(scorers.map(\.name)).count == scorers.count else {
      throw LearnError.invalidArgument(name: "scoring", reason: "scorer names must be unique, got \(scorers.map(\.name))")
    }
    let folds = try makeFolds(cv, count: x.rowCount, y: y, groups: nil)
    // The fingerprint hashes every value of x: only built when there is a journal to check.
    let fingerprint = { SearchFingerprint(
      estimator: estimator.structureDescription, estimatorParameters: "\(estimator.parameters.sorted { $0.key < $1.key })",
      strategy: strategyName, scorers: scorers.map(\.name), folds: foldChecksum(folds), data: dataChecksum(x, y)) }
    self.init(
      estimator: estimator, x: x, y: y, folds: folds, scorers: scorers, errorScore: errorScore,
      returnTrainScore: returnTrainScore, retainFoldModels: retainFoldModels, parallelism: parallelism, stop: stop,
      budgetParameter: budgetParameter, journal: try journal.map { try SearchJournal(path: $0, fingerprint: fingerprint()) },
      progress: progress, seed: seed)
  }

  init(
    estimator: E, x: Matrix, y: [E.Target], folds: [Fold], scorers: [Scorer], errorScore: ErrorScore,
    returnTrainScore: Bool, retainFoldModels: Bool, parallelism: Parallelism, stop: StopConditions, budgetParameter: String?,
    journal: SearchJournal?, progress: SearchProgress, seed: UInt64
  ) {
    self.retainFoldModels = retainFoldModels
    self.estimator = estimator
    self.x = x
    self.y = y
    self.folds = folds
    self.scorers = scorers
    self.errorScore = errorScore
    self.returnTrainScore = returnTrainScore
    self.parallelism = parallelism
    self.stop = stop
    self.budgetParameter = budgetParameter
    self.journal = journal
    self.progress = progress
    self.seed = seed
    self.replay = journal?.records ?? [:]
  }

  /// The fitted fold models of trial `index`, when they were retained (see `retainFoldModels`).
  public func foldModels(of index: Int) -> [E.Fitted]? { foldModels[index] }

  /// Seconds since the search started.
  public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

  /// The name of the first scorer (the one stop conditions use).
  public var primaryMetric: String { scorers[0].name }

  /// The history as a results table.
  public var results: SearchResults { SearchResults(trials: history, metrics: scorers.map(\.name), splits: folds.count) }

  /// Whether a stop condition has been met (the strategy may check before proposing more).
  public var shouldStop: Bool {
    if let limit = stop.maxTrials, history.count >= limit { return true }
    if let budget = stop.timeBudget, elapsed >= budget { return true }
    if let target = stop.targetScore,
      history.contains(where: { $0.status == .complete && $0.meanTestScore(primaryMetric) >= target })
    {
      return true
    }
    return false
  }

  /// Cross-validates every candidate (candidate × fold fits in parallel) and returns their
  /// records, in order, after appending them to ``history`` and the journal. Candidates beyond
  /// `maxTrials` are dropped; when a stop condition is already met, the strategy's loop is ended.
  ///
  /// A large batch runs in chunks of a few candidates per core, each chunk journaled when it
  /// finishes, so a killed search loses at most the chunk in flight.
  @discardableResult
  public func evaluate(_ candidates: [Candidate]) throws -> [TrialRecord] {
    if shouldStop { throw SearchStopped() }
    announce()
    var batch = candidates
    if let limit = stop.maxTrials { batch = Array(batch.prefix(Swift.max(0, limit - history.count))) }
    let chunk = Swift.max(2, (8 * parallelism.threadCount + folds.count - 1) / folds.count)
    var finished: [TrialRecord] = []
    var start = 0
    while start < batch.count {
      finished += try evaluateChunk(Array(batch[start..<Swift.min(batch.count, start + chunk)]))
      start += chunk
    }
    if candidates.count > batch.count { throw SearchStopped() }
    return finished
  }

  private func evaluateChunk(_ batch: [Candidate]) throws -> [TrialRecord] {
    let first = history.count
    // Replayed trials (from the journal) are taken as they were; the rest are run.
    var records = [TrialRecord?](repeating: nil, count: batch.count)
    var toRun: [Int] = []
    for (offset, candidate) in batch.enumerated() {
      if let old = replay[first + offset], old.parameters == candidate.parameters, old.budget == candidate.budget?.amount {
        records[offset] = old
      } else {
        toRun.append(offset)
      }
    }
    let outcomes = try run(batch, indices: toRun, first: first)
    for (offset, outcome) in zip(toRun, outcomes) { records[offset] = outcome }
    var finished: [TrialRecord] = []
    for (offset, record) in records.enumerated() {
      let record = record!
      history.append(record)
      if replay[first + offset] == nil { try journal?.append(record) }
      progress.report(record, session: self)
      finished.append(record)
    }
    return finished
  }

  /// Records a trial the caller evaluated itself (ask/tell): `scores` are per-fold test scores by
  /// scorer name. Returns the stored record.
  @discardableResult
  public func tell(
    _ parameters: ParameterSet, testScores: [String: [Double]], status: TrialStatus = .complete,
    tags: [String: ParameterValue] = [:]
  ) throws -> TrialRecord {
    announce()
    let record = TrialRecord(
      index: history.count, parameters: parameters, tags: tags, status: status, testScores: testScores,
      fitTimes: [], scoreTimes: [])
    history.append(record)
    try journal?.append(record)
    progress.report(record, session: self)
    return record
  }

  /// Runs the candidates at `indices` of `batch`: (candidate × fold) jobs in parallel.
  private func run(_ batch: [Candidate], indices: [Int], first: Int) throws -> [TrialRecord] {
    guard !indices.isEmpty else { return [] }
    let folds = self.folds, scorers = self.scorers, x = self.x, y = self.y
    let returnTrainScore = self.returnTrainScore, timeout = stop.fitTimeout
    // Configure every candidate before fan-out; a bad parameter fails the candidate, not the search.
    var configured: [Result<E, any Error>] = []
    var parents: [[E.Fitted]?] = []
    var continuedUnits: [Int] = []
    for offset in indices {
      let candidate = batch[offset]
      let plain = Result { () throws -> E in try estimator.setting(candidate.parameters) }
      // A budget is the total after continuing, so the parent's models train for the difference.
      // That needs kept models, unit budgets on both sides (the child's at least the parent's)
      // and a configuration that can continue those models (a choice that switched alternatives
      // cannot). Otherwise the candidate is fitted afresh at its full budget, which gives the same
      // model for estimators whose continuation equals longer training; so does a parent replayed
      // from the journal, which has no models.
      var continuation: (models: [E.Fitted], units: Int)?
      if let parent = candidate.continuing, let models = foldModels[parent], let first = models.first,
         case .units(let before)? = foldModelBudgets[parent], case .units(let total)? = candidate.budget, total >= before,
         let estimator = try? plain.get(), Self.canContinue(estimator, from: first) {
        continuation = (models, total - before)
      }
      configured.append(Result {
        let configured = try plain.get()
        if case .units(let n) = candidate.budget, continuation == nil, let name = budgetParameter {
          return try configured.setting(name, to: .int(n))
        }
        return configured
      })
      parents.append(continuation?.models)
      continuedUnits.append(continuation?.units ?? 0)
    }
    let candidates = indices.map { batch[$0] }
    let estimators = configured, parentModels = parents, unitsToTrain = continuedUnits
    let subsampleSeed = seed
    let jobs = candidates.count * folds.count
    // Models are kept for a later continuation only when the candidate's configuration can continue.
    let keepForContinuation = mayContinueTrials
    let keepModels = configured.map { estimator in
      retainFoldModels
        || (keepForContinuation && ((try? estimator.get()) as? any IncrementallyTrainable)?.canContinueTraining == true)
    }
    let outcomes = Parallel.mapResults(jobs, parallelism: parallelism) { job -> FoldOutcome<E.Fitted> in
      let (c, k) = job.quotientAndRemainder(dividingBy: folds.count)
      let estimator = try estimators[c].get()
      var train = folds[k].train
      if case .samples(let n) = candidates[c].budget {
        // A fixed shuffle per fold, so growing budgets see nested subsets.
        var generator = Xoshiro256StarStar(seed: SplitMix64.derive(subsampleSeed, UInt64(k)))
        generator.shuffle(&train)
        train = Array(train.prefix(Swift.max(1, Swift.min(n, train.count)))).sorted()
      }
      let parent = parentModels[c]?[k]
      let units = unitsToTrain[c]
      let rows = train
      return try withTimeout(timeout) {
        try evaluateFold(estimator, x, y, train: rows, test: folds[k].test, scorers: scorers,
                         scoreTrain: returnTrainScore, parent: parent, units: units)
      }
    }
    var records: [TrialRecord] = []
    for (c, candidate) in candidates.enumerated() {
      let index = first + indices[c]
      let foldResults = outcomes[(c * folds.count)..<((c + 1) * folds.count)]
      var failure: String?
      var firstError: (any Error)?
      var test: [String: [Double]] = [:], trainScores: [String: [Double]] = [:]
      var fitTimes: [Double] = [], scoreTimes: [Double] = []
      var models: [E.Fitted] = []
      for outcome in foldResults {
        switch outcome {
        case .success(let fold):
          for (s, scorer) in scorers.enumerated() {
            test[scorer.name, default: []].append(fold.test[s])
            if returnTrainScore { trainScores[scorer.name, default: []].append(fold.train[s]) }
          }
          fitTimes.append(fold.fitTime)
          scoreTimes.append(fold.scoreTime)
          if let model = fold.model { models.append(model) }
        case .failure(let error):
          if failure == nil {
            failure = String(describing: error)
            firstError = error
          }
          if case .raise = errorScore { throw error }
          let value: Double
          if case .value(let v) = errorScore { value = v } else { value = .nan }
          for scorer in scorers {
            test[scorer.name, default: []].append(value)
            if returnTrainScore { trainScores[scorer.name, default: []].append(value) }
          }
          fitTimes.append(0)
          scoreTimes.append(0)
        }
      }
      // A complete trial whose scores are not finite failed too (never a silent NaN).
      // Its scores become the errorScore, as a failed fit's do, so it ranks as failed trials do.
      if failure == nil, let bad = test.sorted(by: { $0.key < $1.key }).first(where: { $0.value.contains { !$0.isFinite } }) {
        let reason = "the \(bad.key) score is not finite (\(bad.value))"
        guard case .value(let value) = errorScore else {
          throw LearnError.invalidArgument(name: "scoring", reason: "trial \(index): " + reason)
        }
        failure = reason
        for name in test.keys { test[name] = test[name]!.map { _ in value } }
        for name in trainScores.keys { trainScores[name] = trainScores[name]!.map { _ in value } }
      }
      if keepModels[c], failure == nil, models.count == folds.count {
        foldModels[index] = models
        foldModelBudgets[index] = candidate.budget
      }
      if let firstError { errors[index] = firstError }
      var tags = candidate.tags
      if let parent = candidate.continuing { tags["continuing"] = .int(parent) }
      records.append(TrialRecord(
        index: index, parameters: candidate.parameters, budget: candidate.budget?.amount, tags: tags,
        status: failure.map(TrialStatus.failed) ?? .complete, testScores: test, trainScores: trainScores,
        fitTimes: fitTimes, scoreTimes: scoreTimes))
    }
    return records
  }
}

/// Fits (or continues) one fold and scores it, keeping the model.
func evaluateFold<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], train: [Int], test: [Int], scorers: [Scorer], scoreTrain: Bool,
  parent: E.Fitted?, units: Int
) throws -> FoldOutcome<E.Fitted> {
  let xTrain = x.rows(at: train), yTrain = train.map { y[$0] }
  let (model, fitTime) = try timed { () throws -> E.Fitted in try inOriginalRows(train) {
    if let parent {
      guard let incremental = estimator as? any IncrementallyTrainable else {
        throw LearnError.invalidArgument(name: "continuing", reason: "\(E.estimatorName) cannot continue training")
      }
      return try continueTraining(incremental, parent, xTrain, yTrain, units: units) as! E.Fitted
    }
    return try estimator.fit(xTrain, yTrain)
  } }
  let xTest = x.rows(at: test), yTest = test.map { y[$0] }
  let (testScores, scoreTime) = try timed { try inOriginalRows(test) { try scorers.map { try $0.score(model, xTest, yTest) } } }
  let trainScores = scoreTrain ? try scorers.map { try $0.score(model, xTrain, yTrain) } : []
  return FoldOutcome(test: testScores, train: trainScores, fitTime: fitTime, scoreTime: scoreTime, model: model)
}

extension SearchSession {
  /// Whether `estimator` can continue `model`: it is incrementally trainable, and (for a choice)
  /// the model came from its chosen alternative.
  static func canContinue(_ estimator: E, from model: E.Fitted) -> Bool {
    guard let incremental = estimator as? any IncrementallyTrainable else { return false }
    return accepts(incremental, model)
  }

  private static func accepts<T: IncrementallyTrainable>(_ estimator: T, _ model: Any) -> Bool {
    guard let fitted = model as? T.Fitted else { return false }
    return estimator.canContinue(from: fitted)
  }
}

/// `estimator.continued(parent, …)` for an estimator known only as incrementally trainable.
private func continueTraining<T: IncrementallyTrainable>(_ estimator: T, _ parent: Any, _ x: Matrix, _ y: Any, units: Int) throws -> Any {
  guard let model = parent as? T.Fitted, let targets = y as? [T.Target] else {
    throw LearnError.invalidArgument(name: "continuing", reason: "the parent model does not belong to \(T.estimatorName)")
  }
  return try estimator.continued(model, on: x, targets, budget: units)
}

/// A fit that took longer than the search's `fitTimeout`.
public struct FitTimeout: Error, CustomStringConvertible {
  /// The limit, in seconds.
  public let seconds: Double
  /// "fit exceeded the time limit of … s".
  public var description: String { "fit exceeded the time limit of \(seconds) s" }
}

/// Runs `body` on its own thread and waits at most `seconds`; past that, throws ``FitTimeout``
/// and abandons the thread (its result is discarded when it finishes).
func withTimeout<T: Sendable>(_ seconds: Double?, _ body: @escaping @Sendable () throws -> T) throws -> T {
  guard let seconds else { return try body() }
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Thread.detachNewThread {
    box.set(Result { try body() })
    done.signal()
  }
  guard done.wait(timeout: .now() + seconds) == .success, let result = box.get() else { throw FitTimeout(seconds: seconds) }
  return try result.get()
}

/// A result handed over from a thread that may be abandoned.
private final class ResultBox<T: Sendable>: Sendable {
  private let value = Mutex<Result<T, any Error>?>(nil)
  func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }
  func get() -> Result<T, any Error>? { value.withLock { $0 } }
}
