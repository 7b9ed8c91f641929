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

/// The record of a search: every trial with its proposal, parameters, budget, parent, state,
/// scores, intermediate values, tags, warnings, worker and times, and a direction (Optuna's
/// `Study`). It knows nothing of estimators: a cross-validated search, a plain ``minimize``
/// objective or your own loop (``ask(_:worker:)`` / ``tell(_:testScores:trainScores:status:fitTimes:scoreTimes:warnings:)``)
/// all record their trials here, and strategies decide from it alone.
///
/// A study is safe to share between threads. With a journal, every change is appended to the
/// journal file before it is visible; a study opened on an existing journal starts from the
/// trials recorded there, and trials that were left running (their process was killed) are handed
/// out again, under the same number and proposal, by ``askWaiting(worker:)``.
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

  private let state: Mutex<StudyState>
  private let journal: StudyJournal?

  /// An in-memory study.
  public convenience init(direction: StudyDirection = .maximize, metrics: [String] = ["value"], splits: Int = 1, seed: UInt64 = 0) {
    self.init(direction: direction, metrics: metrics, splits: splits, seed: seed, journal: nil)
  }

  init(direction: StudyDirection, metrics: [String], splits: Int, seed: UInt64, journal: StudyJournal?) {
    self.direction = direction
    self.metrics = metrics
    self.splits = splits
    self.seed = seed
    self.journal = journal
    var initial = StudyState()
    for record in journal?.records ?? [] { initial.load(record) }
    initial.orphans = initial.trials.filter { $0.status == .running }.map(\.index)
    initial.enqueuedCount = initial.trials.filter { $0.proposal.rawValue.hasPrefix("enqueued/") }.count
    state = Mutex(initial)
  }

  /// The first metric, the objective.
  public var metric: String { metrics[0] }

  /// Every trial, by number (running ones included).
  public var trials: [TrialRecord] { state.withLock { $0.trials } }

  /// The number of trials created so far.
  public var count: Int { state.withLock { $0.trials.count } }

  /// Trial `number`, when it exists.
  public func trial(_ number: Int) -> TrialRecord? {
    state.withLock { $0.trials.indices.contains(number) ? $0.trials[number] : nil }
  }

  /// The trials as a results table.
  public var results: SearchResults { SearchResults(trials: trials, metrics: metrics, splits: splits, direction: direction) }

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
  /// `enqueue_trial`): the next workers to ask take them first, in order.
  public func enqueue(_ parameters: ParameterSet, budget: Budget? = nil, tags: [String: ParameterValue] = [:]) {
    state.withLock { state in
      let id = ProposalID("enqueued", state.enqueuedCount)
      state.enqueuedCount += 1
      state.waiting.append(Candidate(parameters, budget: budget, tags: tags, proposal: id))
    }
  }

  /// Creates a running trial for `candidate` and returns it (Optuna's `ask` with the candidate
  /// already chosen). Its number is the next free one; its proposal is the candidate's, or
  /// `trial/<number>`.
  @discardableResult
  public func ask(_ candidate: Candidate, worker: String? = nil) throws(LearnError) -> TrialRecord {
    try state.withLock { state throws(LearnError) in
      let record = state.create(candidate, worker: worker)
      try journal?.append(record)
      return record
    }
  }

  /// Hands out a trial that is waiting: one left running by a dead process (same number and
  /// proposal, run again), else (unless `includingEnqueued` is false, when no new trial may
  /// start) the next enqueued point as a new trial. `nil` when none waits.
  public func askWaiting(worker: String? = nil, includingEnqueued: Bool = true) throws(LearnError) -> TrialRecord? {
    try state.withLock { state throws(LearnError) -> TrialRecord? in
      if let number = state.orphans.first {
        state.orphans.removeFirst()
        var record = state.trials[number]
        record.worker = worker
        record.startedAt = Date().timeIntervalSince1970
        state.trials[number] = record
        try journal?.append(record)
        return record
      }
      guard includingEnqueued, !state.waiting.isEmpty else { return nil }
      let record = state.create(state.waiting.removeFirst(), worker: worker)
      try journal?.append(record)
      return record
    }
  }

  /// Whether a trial is waiting to be handed out by ``askWaiting(worker:)``.
  public var hasWaiting: Bool { state.withLock { !$0.orphans.isEmpty || !$0.waiting.isEmpty } }

  /// Records how running trial `number` ended: its per-fold scores by metric and its status.
  /// Throws when there is no such trial or it has already finished (a trial is told once).
  @discardableResult
  public func tell(
    _ number: Int, testScores: [String: [Double]], trainScores: [String: [Double]] = [:], status: TrialStatus = .complete,
    fitTimes: [Double] = [], scoreTimes: [Double] = [], warnings: [String] = []
  ) throws(LearnError) -> TrialRecord {
    try state.withLock { state throws(LearnError) -> TrialRecord in
      var record = try state.running(number)
      record.testScores = testScores
      record.trainScores = trainScores
      record.status = status == .running ? .complete : status
      record.fitTimes = fitTimes
      record.scoreTimes = scoreTimes
      record.warnings += warnings
      record.finishedAt = Date().timeIntervalSince1970
      try journal?.append(record)
      state.trials[number] = record
      return record
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

  /// Records a value reported by running trial `number` at `step` (an epoch, a rung), for pruners
  /// and learning curves (Optuna's `trial.report`).
  public func report(_ number: Int, step: Int, value: Double) throws(LearnError) {
    try state.withLock { state throws(LearnError) in
      var record = try state.running(number)
      record.intermediateValues[step] = value
      try journal?.append(record)
      state.trials[number] = record
    }
  }

  /// Replaces the study's record of a finished trial computed elsewhere (an executor's complete
  /// record, with times and worker).
  func finish(_ record: TrialRecord) throws(LearnError) {
    try state.withLock { state throws(LearnError) in
      _ = try state.running(record.index)
      var record = record
      record.finishedAt = Date().timeIntervalSince1970
      try journal?.append(record)
      state.trials[record.index] = record
    }
  }
}

/// The mutable part of a study, behind its lock.
struct StudyState {
  var trials: [TrialRecord] = []
  /// Trials recorded as running when the journal was opened: their process died.
  var orphans: [Int] = []
  /// Enqueued points not handed out yet.
  var waiting: [Candidate] = []
  var enqueuedCount = 0

  /// Adds a record read from a journal (the last line of each trial wins).
  mutating func load(_ record: TrialRecord) {
    while trials.count <= record.index {
      trials.append(TrialRecord(index: trials.count, parameters: [:], status: .running, testScores: [:], fitTimes: [], scoreTimes: []))
    }
    trials[record.index] = record
  }

  /// A new running trial for `candidate`, numbered next.
  mutating func create(_ candidate: Candidate, worker: String?) -> TrialRecord {
    let number = trials.count
    let record = TrialRecord(
      index: number, proposal: candidate.proposal, parameters: candidate.parameters, budget: candidate.budget,
      parent: candidate.continuing, tags: candidate.tags, status: .running, testScores: [:], fitTimes: [], scoreTimes: [],
      worker: worker, startedAt: Date().timeIntervalSince1970)
    trials.append(record)
    return record
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
