import Foundation
import LearnCore
import LinearAlgebra
import Synchronization

/// Whether a study looks for the lowest or the highest value (Optuna's `StudyDirection`).
public enum StudyDirection: String, Sendable, Hashable, Codable {
  /// Lower is better (a loss, a test function).
  case minimize
  /// Higher is better (every scorer: accuracy, R², negated errors).
  case maximize

  /// Whether `a` is strictly better than `b` in this direction (NaN is never better).
  public func isBetter(_ a: Double, than b: Double) -> Bool {
    self == .maximize ? a > b : a < b
  }
}

/// What a worker should do next, from ``Study/nextWork(worker:allowNew:decide:)``.
enum StudyWork {
  /// Run these trials (created, or claimed again after their process died).
  case run([TrialRecord])
  /// Nothing now; trials are running (here or in another process) or the strategy waits.
  case wait
  /// Nothing more will come from the strategy.
  case finished
}

/// The record of a search: every trial with its proposal, parameters, budget, parent, state,
/// scores, intermediate values, tags, warnings, worker and times, and a direction (Optuna's
/// `Study`). It knows nothing of estimators: a cross-validated search, a plain ``minimize``
/// objective or your own loop (``ask(_:worker:)`` / ``tell(_:testScores:trainScores:status:fitTimes:scoreTimes:warnings:)``)
/// all record their trials here, and strategies decide from it alone.
///
/// A study is safe to share between threads, and, through its journal, between processes: every
/// change is appended to the journal (under a lock shared with the other processes, flushed to
/// disk) before it is visible, and every change by another process is read before a decision. A
/// running trial whose worker died (a process gone from this host, or no heartbeat for
/// ``JournalOptions/staleAfter`` seconds) is re-queued and run again under the same number and
/// proposal.
public final class Study: Sendable {
  /// Lower or higher is better.
  public let direction: StudyDirection
  /// The metrics every trial records, by name; the first is the objective (the one strategies
  /// and stop conditions read).
  public let metrics: [String]
  /// Folds per trial (1 for a plain objective).
  public let splits: Int
  /// The study's seed: strategies derive their randomness from it and each proposal's identifier.
  public let seed: UInt64
  /// The objectives of a multi-objective study (empty: one objective, the first metric in
  /// ``direction``).
  public let objectives: [Objective]

  private let state: Mutex<StudyState>
  private let journal: StudyJournal?

  /// An in-memory study.
  public convenience init(
    direction: StudyDirection = .maximize, metrics: [String] = ["value"], splits: Int = 1, seed: UInt64 = 0,
    objectives: [Objective] = []
  ) {
    self.init(direction: direction, metrics: metrics, splits: splits, seed: seed, objectives: objectives, journal: nil)
  }

  init(direction: StudyDirection, metrics: [String], splits: Int, seed: UInt64, objectives: [Objective] = [], journal: StudyJournal?) {
    self.direction = direction
    self.metrics = metrics
    self.splits = splits
    self.seed = seed
    self.objectives = objectives
    self.journal = journal
    state = Mutex(StudyState())
  }

  /// The journal's path, when the study has one.
  public var journalPath: String? { journal?.path }

  /// How the study shares its journal, when it has one.
  public var journalOptions: JournalOptions? { journal?.options }

  /// The first metric, the objective.
  public var metric: String { metrics[0] }

  /// Runs `body` on the state brought up to date with the journal, holding the journal's lock;
  /// the operations it returns are appended, then applied. Without a journal, only the
  /// in-process lock.
  private func transaction<T: Sendable>(
    _ body: (StudyState) throws(LearnError) -> (T, [JournalOperation])
  ) throws(LearnError) -> T {
    try state.withLock { state throws(LearnError) -> T in
      guard let journal else {
        let (result, operations) = try body(state)
        for operation in operations { state.apply(operation) }
        return result
      }
      return try journal.withLock { () throws(LearnError) -> T in
        state.catchUp(after: UInt64(journal.options.heartbeatInterval * 1.5e9))
        for operation in try journal.readOperations() { state.apply(operation) }
        let (result, operations) = try body(state)
        try journal.append(operations)
        for operation in operations {
          state.apply(operation)
          state.noteOwn(operation, journal: journal.path)
        }
        return result
      }
    }
  }

  /// Reads what other processes appended (no lock needed: only whole lines are read).
  private func refreshed<T: Sendable>(_ read: (StudyState) -> T) -> T {
    state.withLock { state in
      if let journal, let operations = try? journal.readOperations() {
        for operation in operations { state.apply(operation) }
      }
      return read(state)
    }
  }

  /// Every trial, by number (running ones included), with what other processes recorded.
  public var trials: [TrialRecord] { refreshed { $0.trials } }

  /// The number of trials created so far.
  public var count: Int { refreshed { $0.trials.count } }

  /// Trial `number`, when it exists.
  public func trial(_ number: Int) -> TrialRecord? {
    refreshed { $0.trials.indices.contains(number) ? $0.trials[number] : nil }
  }

  /// Whether any trial is running, in this process or another.
  public var hasRunningTrials: Bool { refreshed { $0.runningCount > 0 } }

  /// The trials as a results table.
  public var results: SearchResults {
    SearchResults(trials: trials, metrics: metrics, splits: splits, direction: direction, objectives: objectives)
  }

  /// The Pareto front of a multi-objective study: its complete trials that no other beats in one
  /// objective without losing in another (Optuna's `best_trials`); the best trial for one objective.
  public var bestTrials: [TrialRecord] {
    let results = self.results
    return results.paretoFront().map { results.trials[$0] }
  }

  /// The best complete trial by the objective (the first on ties), `nil` before one completes.
  public var bestTrial: TrialRecord? {
    let results = self.results
    return results.bestIndex(metric).map { results.trials[$0] }
  }

  /// The best trial's mean objective value (NaN before one completes).
  public var bestValue: Double { bestTrial?.meanTestScore(metric) ?? .nan }

  /// The best trial's parameters (empty before one completes).
  public var bestParameters: ParameterSet { bestTrial?.parameters ?? [:] }

  /// Queues known points to evaluate before the strategy's own proposals (Optuna's
  /// `enqueue_trial`): the next workers to ask, in any process, take them first, in order.
  public func enqueue(_ parameters: ParameterSet, budget: Budget? = nil, tags: [String: ParameterValue] = [:]) throws(LearnError) {
    try transaction { state throws(LearnError) in
      let id = ProposalID("enqueued", state.enqueued.count)
      return ((), [.enqueued(Candidate(parameters, budget: budget, tags: tags, proposal: id))])
    }
  }

  /// Creates a running trial for `candidate` and returns it (Optuna's `ask` with the candidate
  /// already chosen). Its number is the next free one, given under the journal's lock; its
  /// proposal is the candidate's, or `trial/<number>`.
  @discardableResult
  public func ask(_ candidate: Candidate, worker: String? = nil) throws(LearnError) -> TrialRecord {
    try transaction { state throws(LearnError) in
      let record = state.newTrial(candidate, number: state.trials.count, worker: worker)
      return (record, [.created(record)])
    }
  }

  /// Hands out a trial that is waiting: one re-queued after its worker died (same number and
  /// proposal, run again), else (unless `includingEnqueued` is false, when no new trial may
  /// start) the next enqueued point as a new trial. `nil` when none waits.
  public func askWaiting(worker: String? = nil, includingEnqueued: Bool = true) throws(LearnError) -> TrialRecord? {
    try nextWork(worker: worker, allowNew: includingEnqueued) { _ in .finished }.trials.first
  }

  /// Asks `strategy` for the next proposal and starts it as a trial (Optuna's `study.ask()` with a
  /// sampler; scikit-optimize's `Optimizer.ask`): a re-queued or enqueued trial comes first, as in
  /// a search. `nil` when the strategy waits for running trials or has finished. Evaluate the
  /// trial's parameters and ``tell(_:value:)`` the result; the strategy decides from the record,
  /// so nothing else needs keeping between calls.
  public func ask(using strategy: any SearchStrategy, space: [String: Distribution]? = nil, worker: String? = nil) throws(LearnError) -> TrialRecord? {
    let searchSpace = try space.map { (s) throws(LearnError) in try SearchSpace(s) }
    return try nextWork(worker: worker, allowNew: true) { trials in
      let context = StrategyContext(
        trials: trials, seed: seed, direction: direction, metric: metric, space: searchSpace, objectives: objectives)
      guard case .propose(let candidates) = try strategy.next(context) else { return .wait }
      return .propose(Array(candidates.prefix(1)))
    }.trials.first
  }

  /// The next work for a worker, decided in one step under the journal's lock so that two
  /// processes never take the same trial or propose the same candidate twice: re-queue running
  /// trials whose worker died, claim a re-queued trial, else (when `allowNew`) start the next
  /// enqueued point, else ask `decide` (the strategy) with the record and create its proposals.
  func nextWork(
    worker: String?, allowNew: Bool, decide: ([TrialRecord]) throws -> StrategyDecision
  ) throws(LearnError) -> (trials: [TrialRecord], decision: StrategyDecision?) {
    let staleAfter = UInt64(Swift.min(1e9, Swift.max(0, journal?.options.staleAfter ?? 1e9)) * 1e9)
    let (records, decision, decideError): ([TrialRecord], StrategyDecision?, (any Error)?) = try transaction {
      state throws(LearnError) in
      // Only a shared study has workers that can die unseen; an in-memory one releases its own.
      var operations = journal.map { journal in
        state.deadTrials(now: DispatchTime.now().uptimeNanoseconds, staleAfter: staleAfter, live: liveTrials(in: journal.path))
          .map { JournalOperation.requeued(trial: $0, by: worker ?? processName) }
      } ?? []
      var queued = state.requeued.subtracting(Set(operations.compactMap { if case .requeued(let n, _) = $0 { return n }; return nil }))
      for case .requeued(let n, _) in operations { queued.insert(n) }
      let own = journal.map { liveTrials(in: $0.path) } ?? []
      if let number = queued.subtracting(own).min() {
        var record = state.trials[number]
        record.worker = worker
        record.startedAt = Date().timeIntervalSince1970
        operations.append(.created(record))
        return (([record], nil, nil), operations)
      }
      guard allowNew else { return (([], nil, nil), operations) }
      if let candidate = state.nextEnqueued {
        let record = state.newTrial(candidate, number: state.trials.count, worker: worker)
        return (([record], nil, nil), operations + [.created(record)])
      }
      let decision: StrategyDecision
      do {
        decision = try decide(state.trials)
      } catch {
        return (([], nil, error), operations)
      }
      guard case .propose(let candidates) = decision else { return (([], decision, nil), operations) }
      var records: [TrialRecord] = []
      for (offset, candidate) in candidates.enumerated() {
        records.append(state.newTrial(candidate, number: state.trials.count + offset, worker: worker))
      }
      return ((records, decision, nil), operations + records.map(JournalOperation.created))
    }
    if let decideError {
      if let error = decideError as? LearnError { throw error }
      throw .invalidArgument(name: "strategy", reason: "\(decideError)")
    }
    return (records, decision)
  }

  /// Gives running trials of this process back (re-queued, to run again under their numbers):
  /// what a run that stops on an error does with the trials it had started.
  func release(_ numbers: [Int], worker: String) throws(LearnError) {
    guard !numbers.isEmpty else { return }
    try transaction { state throws(LearnError) in
      // Only trials still held by this process: another may have claimed one meanwhile.
      let own = numbers.filter { state.isRunning($0) && (state.trials[$0].worker ?? "").hasPrefix(processName + "/") }
      return ((), own.map { JournalOperation.requeued(trial: $0, by: worker) })
    }
  }

  /// Forgets that this process runs `numbers` on the journal (a run has ended: they finished, or
  /// were given back, or could not be): a later run here will take any still running as dead.
  func forgetLive(_ numbers: [Int]) {
    guard let journal else { return }
    liveTrialRegistry.withLock { registry in for number in numbers { registry[journal.path]?.remove(number) } }
  }

  /// Appends heartbeats for `numbers`, running trials of this process.
  func heartbeat(_ numbers: [Int], worker: String) throws(LearnError) {
    guard journal != nil, !numbers.isEmpty else { return }
    try transaction { state throws(LearnError) in
      ((), numbers.filter { state.isRunning($0) }.map { JournalOperation.heartbeat(trial: $0, worker: worker) })
    }
  }

  /// Records how running trial `number` ended: its per-fold scores by metric and its status.
  /// Throws when there is no such trial or it has already finished (a trial is told once).
  @discardableResult
  public func tell(
    _ number: Int, testScores: [String: [Double]], trainScores: [String: [Double]] = [:], status: TrialStatus = .complete,
    fitTimes: [Double] = [], scoreTimes: [Double] = [], warnings: [String] = []
  ) throws(LearnError) -> TrialRecord {
    try transaction { state throws(LearnError) in
      var record = try state.running(number)
      record.testScores = testScores
      record.trainScores = trainScores
      record.status = status == .running ? .complete : status
      record.fitTimes = fitTimes
      record.scoreTimes = scoreTimes
      record.warnings += warnings
      record.finishedAt = Date().timeIntervalSince1970
      return (record, [.finished(record)])
    }
  }

  /// Records a plain objective's value for running trial `number` (Optuna's `tell(trial, value)`):
  /// a non-finite value fails the trial, with NaN as its value.
  @discardableResult
  public func tell(_ number: Int, value: Double) throws(LearnError) -> TrialRecord {
    guard value.isFinite else {
      return try tell(number, testScores: Dictionary(uniqueKeysWithValues: metrics.map { ($0, [.nan]) }),
                      status: .failed("the objective returned \(value)"))
    }
    return try tell(number, testScores: [metric: [value]])
  }

  /// Records a multi-objective trial's values, one per metric in order (the `value0`, `value1`, …
  /// of ``optimize(_:directions:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``;
  /// Optuna's `tell(trial, values)`): a value that is not finite, or the wrong number of them,
  /// fails the trial.
  @discardableResult
  public func tell(_ number: Int, values: [Double]) throws(LearnError) -> TrialRecord {
    let blank = TrialRecord(index: number, parameters: [:], status: .running, testScores: [:], fitTimes: [], scoreTimes: [])
    let outcome = recorded(blank, .success(ObjectiveOutput(values: values, seconds: 0)), metrics: metrics)
    return try tell(number, testScores: outcome.testScores, status: outcome.status)
  }

  /// Records a value reported by running trial `number` at `step` (an epoch, a rung), for pruners
  /// and learning curves (Optuna's `trial.report`).
  public func report(_ number: Int, step: Int, value: Double) throws(LearnError) {
    try transaction { state throws(LearnError) in
      _ = try state.running(number)
      return ((), [.reported(trial: number, step: step, value: value)])
    }
  }

  /// Records a finished trial computed elsewhere (an executor's complete record, with times and
  /// worker). Returns false, recording nothing, when the trial has already finished (it was
  /// re-queued and another worker finished it first).
  @discardableResult
  func finish(_ record: TrialRecord) throws(LearnError) -> Bool {
    try transaction { state throws(LearnError) in
      guard state.isRunning(record.index) else { return (false, []) }
      // Keep what was reported on the trial while it ran.
      let current = state.trials[record.index]
      var record = record
      record.intermediateValues.merge(current.intermediateValues) { mine, _ in mine }
      record.warnings = current.warnings + record.warnings
      record.tags.merge(current.tags) { mine, _ in mine }
      record.finishedAt = Date().timeIntervalSince1970
      return (true, [.finished(record)])
    }
  }
}

/// The mutable part of a study, behind its lock: the result of applying every journal operation
/// in order.
struct StudyState {
  var trials: [TrialRecord] = []
  /// Running trials re-queued after their worker died, to be claimed again.
  var requeued: Set<Int> = []
  /// Points enqueued so far, by their number.
  var enqueued: [Candidate] = []
  /// When (this process's monotonic clock) each running trial last showed life.
  var lastSeen: [Int: UInt64] = [:]
  var runningCount = 0

  func isRunning(_ number: Int) -> Bool { trials.indices.contains(number) && trials[number].status == .running }

  /// The first enqueued point no trial has taken yet.
  var nextEnqueued: Candidate? {
    let taken = Set(trials.map(\.proposal))
    return enqueued.first { !taken.contains($0.proposal!) }
  }

  mutating func apply(_ operation: JournalOperation) {
    let now = DispatchTime.now().uptimeNanoseconds
    switch operation {
    case .created(let record):
      while trials.count <= record.index {
        trials.append(TrialRecord(index: trials.count, parameters: [:], status: .complete, testScores: [:], fitTimes: [], scoreTimes: []))
      }
      if !isRunning(record.index) { runningCount += 1 }
      trials[record.index] = record
      requeued.remove(record.index)
      lastSeen[record.index] = now
    case .heartbeat(let trial, _):
      if isRunning(trial) { lastSeen[trial] = now }
    case .reported(let trial, let step, let value):
      if isRunning(trial) { trials[trial].intermediateValues[step] = value }
    case .finished(let record):
      guard isRunning(record.index) else { return }  // the first finished line wins
      trials[record.index] = record
      runningCount -= 1
      requeued.remove(record.index)
      lastSeen[record.index] = nil
    case .requeued(let trial, _):
      if isRunning(trial) {
        requeued.insert(trial)
        lastSeen[trial] = now
      }
    case .enqueued(let candidate):
      if !enqueued.contains(where: { $0.proposal == candidate.proposal }) { enqueued.append(candidate) }
    }
  }

  /// A new running trial for `candidate`, numbered `number`.
  func newTrial(_ candidate: Candidate, number: Int, worker: String?) -> TrialRecord {
    TrialRecord(
      index: number, proposal: candidate.proposal, parameters: candidate.parameters, budget: candidate.budget,
      parent: candidate.continuing, tags: candidate.tags, status: .running, testScores: [:], fitTimes: [], scoreTimes: [],
      worker: worker, startedAt: Date().timeIntervalSince1970)
  }

  /// Running trials, not yet re-queued, whose worker is dead: this process but not running it now
  /// (`live`: left by an earlier run that failed or was cut short), a process of this host that
  /// no longer exists, or silent for `staleAfter` nanoseconds.
  func deadTrials(now: UInt64, staleAfter: UInt64, live: Set<Int>) -> [Int] {
    guard runningCount > 0 else { return [] }
    return trials.indices.filter { number in
      guard trials[number].status == .running, !requeued.contains(number) else { return false }
      let owner = trials[number].worker ?? ""
      if owner.hasPrefix(processName + "/") { return !live.contains(number) }
      if let pid = sameHostProcess(owner), kill(pid, 0) != 0, errno == ESRCH { return true }
      // Saturating: a trial first seen after `now` was taken has been silent for no time at all.
      let last = lastSeen[number] ?? now
      return now > last && now - last > staleAfter
    }
  }

  /// When this process last read the journal (its monotonic clock).
  var lastRead: UInt64 = 0

  /// Called before reading the journal: when this process has not read it for longer than
  /// `gap` (it waited for the lock, or was busy), the others' silence in between is not theirs,
  /// so every running trial counts as seen now.
  mutating func catchUp(after gap: UInt64) {
    let now = DispatchTime.now().uptimeNanoseconds
    if lastRead > 0, now > lastRead, now - lastRead > gap {
      for number in lastSeen.keys { lastSeen[number] = now }
    }
    lastRead = now
  }

  /// Keeps this process's registry of the trials it runs up to date with an operation it wrote.
  func noteOwn(_ operation: JournalOperation, journal path: String) {
    switch operation {
    case .created(let record): liveTrialRegistry.withLock { _ = $0[path, default: []].insert(record.index) }
    case .finished(let record): liveTrialRegistry.withLock { _ = $0[path]?.remove(record.index) }
    case .requeued(let trial, _): liveTrialRegistry.withLock { _ = $0[path]?.remove(trial) }
    default: break
    }
  }

  /// Trial `number`, which must exist and be running.
  func running(_ number: Int) throws(LearnError) -> TrialRecord {
    guard trials.indices.contains(number) else {
      throw .invalidArgument(name: "trial", reason: "there is no trial \(number) (the study has \(trials.count))")
    }
    guard trials[number].status == .running else {
      throw .invalidArgument(name: "trial", reason: "trial \(number) has already finished (\(trials[number].status))")
    }
    return trials[number]
  }
}

/// The process id in a worker name `host/pid/…`, when the host is this one.
func sameHostProcess(_ worker: String) -> pid_t? {
  let parts = worker.split(separator: "/")
  guard parts.count >= 2, let pid = pid_t(parts[1]), "\(parts[0])/\(parts[1])" != processName,
    String(parts[0]) == processName.split(separator: "/").first.map(String.init)
  else { return nil }
  return pid
}

/// The trials this process is running, by journal path: how a study tells its own process's live
/// trials from ones an earlier run in this process left running (it failed, or its journal was
/// cut).
let liveTrialRegistry = Mutex<[String: Set<Int>]>([:])

/// The trials this process is running on the journal at `path`.
func liveTrials(in path: String) -> Set<Int> { liveTrialRegistry.withLock { $0[path] ?? [] } }
