import Dispatch
import Foundation
import Synchronization
import LearnCore
import LinearAlgebra

/// When a search stops early. Reaching a limit ends the search normally: the results so far are
/// ranked and the best is refitted.
public struct StopConditions: Sendable, Hashable {
  /// At most this many trials.
  public var maxTrials: Int?
  /// Start no new trial after this many seconds (running ones finish).
  public var timeBudget: Double?
  /// Start no new trial once a trial's mean test score (first metric) reaches this (in the
  /// study's direction: at least it when maximising, at most when minimising).
  public var targetScore: Double?
  /// A fit taking longer than this many seconds is recorded as failed. The fit is cancelled: an
  /// iterative fit (trees, epochs, solver iterations) stops at its next check and frees its core.
  public var fitTimeout: Double?
  /// Start no new trial once this flag is set (running ones finish and are recorded): how a
  /// program stops a search from outside, such as `learn tune` on Ctrl-C.
  public var stopRequest: CancellationFlag?

  /// Stop conditions; all off by default.
  public init(
    maxTrials: Int? = nil, timeBudget: Double? = nil, targetScore: Double? = nil, fitTimeout: Double? = nil,
    stopRequest: CancellationFlag? = nil
  ) {
    self.maxTrials = maxTrials
    self.timeBudget = timeBudget
    self.targetScore = targetScore
    self.fitTimeout = fitTimeout
    self.stopRequest = stopRequest
  }
}

/// A cross-validated study of one estimator on one data set, to drive yourself: run a strategy
/// (``run(_:)``), evaluate your own candidates (``evaluate(_:)``), or record scores you computed
/// elsewhere (``tell(_:testScores:status:tags:)``), then read ``results``. `SearchCV` is built on
/// it. The record lives in ``study``; the folds are fixed for the session's life.
public final class SearchSession<E: Estimator> {
  /// The estimator whose hyperparameters are searched.
  public var estimator: E { objective.estimator }
  /// The folds, fixed for the whole search.
  public var folds: [Fold] { objective.folds }
  /// The scorers; the first is the one stop conditions and default refit use.
  public var scorers: [Scorer] { objective.scorers }
  /// The record: every trial so far.
  public let study: Study

  let objective: CrossValidationObjective<E>
  let parallelism: Parallelism
  let stop: StopConditions
  let progress: SearchProgress
  let started = DispatchTime.now().uptimeNanoseconds
  /// How many candidates ``evaluate(_:)`` has named so far.
  private let evaluated = Mutex(0)

  /// A session.
  ///
  /// - Parameters:
  ///   - cv: the splitter; `nil` means stratified 5-fold for classifiers, 5-fold otherwise.
  ///   - scoring: the scorers; empty means accuracy for classifiers, R² for regressors.
  ///   - retainFoldModels: keep every trial's fitted fold models (``foldModels(of:)``); they are
  ///     always kept for configurations that can continue training, which strategies may continue.
  ///   - budgetParameter: the hyperparameter a `.units` budget sets (such as `"nEstimators"`).
  ///   - journal: a file recording every trial, shared by every process that opens it: a session
  ///     opened on it again starts from its trials, and several processes running the same search
  ///     on it share the work. Refused when it was written by a different search.
  ///   - journalOptions: heartbeats, when a silent trial counts as dead, and the locking.
  ///   - checkpoints: where kept fold models are also written (``ModelCheckpoints``): by default
  ///     beside the journal, when the estimator's models are ``LearnCore/Persistable``, so a
  ///     resumed session or another process continues them instead of training them again.
  ///   - strategyName: identifies the proposing strategy in the journal's fingerprint.
  ///   - objectives: the objectives of a multi-objective strategy (NSGA-II), recorded with the
  ///     study and its results (the Pareto front); empty for one objective, the first scorer.
  ///   - seed: the study's seed (strategies' randomness, budget subsamples).
  public init(
    _ estimator: E, x: Matrix, y: [E.Target], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, retainFoldModels: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), budgetParameter: String? = nil,
    journal: String? = nil, journalOptions: JournalOptions = JournalOptions(),
    checkpoints: ModelCheckpoints = .besideJournal, strategyName: String = "ask-tell", objectives: [Objective] = [],
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0, warningPolicy: WarningPolicy = .record
  ) throws {
    try Validation.checkShapes(x, y)
    let scorers = scoring.isEmpty ? [defaultScorer(for: E.Target.self)] : scoring
    guard Set(scorers.map(\.name)).count == scorers.count else {
      throw LearnError.invalidArgument(name: "scoring", reason: "scorer names must be unique, got \(scorers.map(\.name))")
    }
    try Objective.check(objectives, metrics: scorers.map(\.name), searched: nil)
    // The split's warnings concern every trial: under a policy that makes them errors, the search
    // does not start.
    let split = try collectingWarnings(warningPolicy) { try makeFolds(cv, count: x.rowCount, y: y, groups: nil) }
    let folds = split.value
    guard !folds.isEmpty else { throw LearnError.invalidArgument(name: "cv", reason: "the splitter made no folds") }
    // The fingerprint hashes every value of x: only built when a journal or checkpoints need it.
    let folder = checkpoints.folder(journal: journal)
    var fields = journal == nil && folder == nil ? [:] : [
      "estimator": estimator.structureDescription,
      "estimator parameters": "\(estimator.parameters.sorted { $0.key < $1.key })",
      "strategy or search space": strategyName, "scoring": "\(scorers.map(\.name))", "folds": foldChecksum(folds),
      "data": dataChecksum(x, y), "seed": String(seed), "budget parameter": budgetParameter ?? "none",
      "train scores": String(returnTrainScore), "error score": "\(errorScore)",
    ]
    if !objectives.isEmpty, !fields.isEmpty { fields["objectives"] = Objective.headerText(objectives) }
    if !warningPolicy.errors.isEmpty, !fields.isEmpty {
      fields["warnings as errors"] = "\(warningPolicy.errors.map(\.rawValue).sorted())"
    }
    let store = folder.flatMap { CheckpointStore<E.Fitted>(folder: $0, study: fingerprintKey(fields)) }
    store?.removeAbandonedTemporaries()
    objective = CrossValidationObjective(
      estimator: estimator, x: x, y: y, folds: folds, scorers: scorers, errorScore: errorScore,
      returnTrainScore: returnTrainScore, budgetParameter: budgetParameter, retainFoldModels: retainFoldModels,
      fitTimeout: stop.fitTimeout, seed: seed, checkpoints: store, warningPolicy: warningPolicy, splitWarnings: split.warnings)
    let file = try journal.map { path throws(LearnError) in
      try StudyJournal(path: path, fingerprint: StudyFingerprint(fields: fields), options: journalOptions)
    }
    study = Study(
      direction: .maximize, metrics: scorers.map(\.name), splits: folds.count, seed: seed, objectives: objectives, journal: file)
    // A new journal starts a new study: checkpoints left by an earlier one are not its trials.
    if study.trials.isEmpty { store?.clear() }
    self.parallelism = parallelism
    self.stop = stop
    self.progress = progress
  }

  /// Every trial so far, by number.
  public var history: [TrialRecord] { study.trials }

  /// The first error of each failed trial, by number (the table keeps its description).
  public var errors: [Int: any Error] { objective.errors }

  /// The fitted fold models of trial `number`, when they were kept (see `retainFoldModels`).
  public func foldModels(of number: Int) -> [E.Fitted]? { objective.foldModels(of: number) }

  /// Seconds since the session was made.
  public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

  /// The name of the first scorer (the one stop conditions use).
  public var primaryMetric: String { scorers[0].name }

  /// The history as a results table.
  public var results: SearchResults { study.results }

  /// Runs `strategy` until it is finished or a stop condition is met: (trial × fold) jobs on the
  /// session's workers, each trial recorded as it completes. Returns how busy the workers were.
  @discardableResult
  public func run(_ strategy: some SearchStrategy) throws -> ExecutionReport {
    try strategy.validate(parameterNames: estimator.hyperparameterNames, estimator: E.estimatorName)
    objective.continuesTrials = strategy.continuesTrials
    return try Executor(study: study, strategy: strategy, objective: objective, stop: stop, progress: progress,
                        parallelism: parallelism, started: started).run()
  }

  /// Cross-validates every candidate, (candidate × fold) fits in parallel, and returns their
  /// records in order. A candidate without a proposal identifier is named `evaluate/<k>`, the
  /// k-th evaluated by this session, so a script run again on its journal finds its earlier
  /// evaluations in the record instead of running them again. Candidates beyond `maxTrials` are
  /// not run (and not returned); none start once a stop condition is met.
  @discardableResult
  public func evaluate(_ candidates: [Candidate]) throws -> [TrialRecord] {
    let first = evaluated.withLock { count in
      defer { count += candidates.count }
      return count
    }
    let batch = candidates.enumerated().map { offset, candidate in
      var candidate = candidate
      candidate.proposal = candidate.proposal ?? ProposalID("evaluate", first + offset)
      return candidate
    }
    objective.continuesTrials = true
    try Executor(study: study, strategy: FixedBatch(candidates: batch), objective: objective, stop: stop, progress: progress,
                 parallelism: parallelism, started: started).run()
    var byProposal: [ProposalID: TrialRecord] = [:]
    for trial in study.trials { byProposal[trial.proposal] = trial }
    return try batch.compactMap { candidate in
      guard let record = byProposal[candidate.proposal!] else { return nil }
      guard record.parameters == candidate.parameters else {
        throw LearnError.invalidArgument(
          name: "candidates", reason: "proposal \(candidate.proposal!) is recorded with other parameters (\(record.parameters))")
      }
      return record
    }
  }

  /// Records a trial evaluated elsewhere (ask/tell): `testScores` are per-fold test scores by
  /// scorer name. Returns the stored record.
  @discardableResult
  public func tell(
    _ parameters: ParameterSet, testScores: [String: [Double]], status: TrialStatus = .complete,
    tags: [String: ParameterValue] = [:]
  ) throws -> TrialRecord {
    let trial = try study.ask(Candidate(parameters, tags: tags))
    let record = try study.tell(trial.index, testScores: testScores, status: status)
    progress.onTrial?(record)
    return record
  }
}

/// Proposes a fixed batch once: ``SearchSession/evaluate(_:)``.
struct FixedBatch: SearchStrategy {
  let candidates: [Candidate]

  func next(_ context: StrategyContext) -> StrategyDecision {
    let proposed = context.proposals
    let rest = candidates.filter { !proposed.contains($0.proposal!) }
    return rest.isEmpty ? .finished : .propose(rest)
  }

  func expectedTrials(_ context: StrategyContext) -> Int? { candidates.count }

  var description: String { "batch of \(candidates.count)" }
}

/// A fit that took longer than the search's `fitTimeout`.
public struct FitTimeout: Error, CustomStringConvertible {
  /// The limit, in seconds.
  public let seconds: Double
  /// "fit exceeded the time limit of … s".
  public var description: String { "fit exceeded the time limit of \(seconds) s" }
}

/// Runs `body` on its own thread, under the caller's job context plus a cancellation flag, and
/// waits at most `seconds`. Past that, sets the flag and throws ``FitTimeout``: an iterative fit
/// stops at its next check (a tree, an epoch, a solver iteration) and its thread ends; a fit with
/// no checks runs on, abandoned, and its result is discarded.
func withTimeout<T: Sendable>(_ seconds: Double?, _ body: @escaping @Sendable () throws -> T) throws -> T {
  guard let seconds else { return try body() }
  // Chained to the caller's flag: an outer search's timeout still stops a nested search's fit.
  let flag = CancellationFlag(parent: JobContext.current?.cancellation)
  var context = JobContext.current ?? JobContext()
  context.cancellation = flag
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Thread.detachNewThread { [context] in
    box.set(Result { try JobContext.with(context) { () throws -> T in try body() } })
    done.signal()
  }
  guard done.wait(timeout: .now() + seconds) == .success, let result = box.get() else {
    flag.cancel()
    throw FitTimeout(seconds: seconds)
  }
  return try result.get()
}

/// A result handed over from a thread that may be abandoned.
private final class ResultBox<T: Sendable>: Sendable {
  private let value = Mutex<Result<T, any Error>?>(nil)
  func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }
  func get() -> Result<T, any Error>? { value.withLock { $0 } }
}
