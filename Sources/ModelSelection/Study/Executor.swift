import Foundation
import Synchronization
import LearnCore
import LinearAlgebra

/// What the executor evaluates: each trial splits into independent jobs (its folds), which run on
/// any worker; the trial is complete when all have run.
protocol TrialObjective: Sendable {
  /// What a trial needs for its jobs, computed once when the trial is created (a configured
  /// estimator, a parent's models).
  associatedtype Prepared: Sendable
  /// One job's result.
  associatedtype Output: Sendable

  /// Jobs per trial (folds; 1 for a plain objective).
  var jobsPerTrial: Int { get }
  /// The objective's search space, when it declares one.
  var space: SearchSpace? { get }
  /// A name for progress lines ("Fitting 5 folds … (SVC)").
  var displayName: String { get }
  /// The data the objective fits on, when it has data.
  var data: DataProfile? { get }
  /// Releases the kept models of `trials` (the strategy will not continue them); `record` is the
  /// study's trials, which say whether a trial continuing one of them is still unfinished.
  func releaseModels(_ trials: Set<Int>, record: [TrialRecord])

  /// Prepares `trial`'s jobs (called under the executor's lock: keep it cheap); `parent` is the
  /// record of the trial it continues, if any.
  func prepare(_ trial: TrialRecord, parent: TrialRecord?) -> Prepared
  /// Runs job `job` of a trial (called on any worker, without the lock).
  func run(_ prepared: Prepared, trial: TrialRecord, job: Int) throws -> Output
  /// The finished record of `trial` from its jobs' outcomes, in job order. Throws to stop the
  /// whole search (`errorScore: .raise`).
  func complete(_ trial: TrialRecord, _ prepared: Prepared, _ outputs: [Result<Output, any Error>]) throws -> TrialRecord
}

/// How one run of a search used its workers: "cores busy" is the summed time of its jobs over
/// workers × wall time.
public struct ExecutionReport: Sendable, Hashable, Codable {
  /// Worker threads.
  public var workers: Int
  /// Wall-clock seconds of the run.
  public var wallSeconds: Double
  /// Seconds spent in jobs (fits and scoring), summed over workers.
  public var busySeconds: Double
  /// Trials this run recorded.
  public var trials: Int

  /// The share of the cores' time spent in jobs, in [0, 1]: summed job time over (cores used ×
  /// wall time), where the cores used are the workers, at most the machine's cores.
  public var coresBusy: Double {
    wallSeconds > 0 ? busySeconds / (Double(Swift.min(workers, Parallel.coreCount)) * wallSeconds) : 0
  }
}

/// Where a search stands: passed to progress reporting.
struct ExecutorProgress {
  var folds: Int
  var expected: Int?
  var maxTrials: Int?
  var name: String
  var started: UInt64
  var finished = 0
  var failed = 0
  var best: Double?
  var metric: String

  var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
}

/// Runs a study: workers pull (trial × job) work as they free up, asking the strategy for more
/// whenever the queue runs dry, and record each trial as soon as its last job finishes, so the
/// cores stay busy between batches.
///
/// Every piece of shared state below is read and written only while holding `condition`'s lock;
/// that is what makes the `@unchecked Sendable` sound. Jobs run outside the lock. Batch
/// strategies give identical tables for any number of workers: trials are numbered in proposal
/// order when the batch is proposed, and every job is a pure function of its trial and fold.
final class Executor<Objective: TrialObjective>: @unchecked Sendable {
  let study: Study
  let strategy: any SearchStrategy
  let objective: Objective
  let stop: StopConditions
  let progress: SearchProgress
  let workers: Int

  private let condition = NSCondition()
  private var queue: [(number: Int, job: Int)] = []
  private var head = 0
  private var running: [Int: RunningTrial] = [:]
  private var strategyFinished = false
  private var failure: (any Error)?
  private var status: ExecutorProgress
  private var announced = false
  private var busy: UInt64 = 0
  /// Every trial this run started (to forget them in the live registry when it ends).
  private var startedNumbers: Set<Int> = []
  /// Serialises progress reports, made outside the executor's lock.
  private let reporting = Mutex<Void>(())
  /// Finished trials not reported yet, in the order they finished (under the executor's lock).
  private var finishedReports: [(record: TrialRecord, status: ExecutorProgress)] = []

  /// Reports finished trials in the order they finished, outside the executor's lock (a slow
  /// `onTrial` holds up no worker but the one reporting).
  private func reportFinished() {
    reporting.withLock { _ in
      while true {
        condition.lock()
        let next = finishedReports.isEmpty ? nil : finishedReports.removeFirst()
        condition.unlock()
        guard let next else { return }
        progress.report(next.record, next.status)
      }
    }
  }
  private var recorded = 0

  private struct RunningTrial {
    var record: TrialRecord
    var prepared: Objective.Prepared
    var outputs: [Result<Objective.Output, any Error>?]
    var remaining: Int
  }

  /// An executor; `started` is when the time budget began (a session's creation).
  init(
    study: Study, strategy: any SearchStrategy, objective: Objective, stop: StopConditions, progress: SearchProgress,
    parallelism: Parallelism, started: UInt64 = DispatchTime.now().uptimeNanoseconds
  ) {
    self.study = study
    self.strategy = strategy
    self.objective = objective
    self.stop = stop
    self.progress = progress
    self.workers = parallelism.threadCount
    status = ExecutorProgress(
      folds: objective.jobsPerTrial, maxTrials: stop.maxTrials, name: objective.displayName,
      started: started, metric: study.metric)
    for trial in study.trials where trial.status.isFinished { note(trial) }
  }

  /// Seconds since the executor was made.
  var elapsed: Double { status.elapsed }

  /// Runs until the strategy is finished or a stop condition is met, and every started trial has
  /// been recorded. Rethrows the error that stopped the search (`errorScore: .raise`, a strategy
  /// that threw).
  @discardableResult
  func run() throws -> ExecutionReport {
    let start = DispatchTime.now().uptimeNanoseconds
    let heartbeat = shared ? startHeartbeat() : nil
    Parallel.forEach(workers, parallelism: .threads(workers)) { worker in self.work(worker) }
    heartbeat?.stop()
    // This run holds no trial any more: finished, given back, or (if even that write failed)
    // left for the next run here, which takes them as dead.
    defer { study.forgetLive(Array(startedNumbers)) }
    if let failure {
      // Give back the trials this run started and did not finish: they run again next time.
      try? study.release(Array(running.keys).sorted(), worker: processName)
      throw failure
    }
    if status.finished > 0 { progress.finish(status) }
    return ExecutionReport(
      workers: workers, wallSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, busySeconds: Double(busy) / 1e9,
      trials: recorded)
  }


  private func work(_ worker: Int) {
    let name = workerName(worker)
    condition.lock()
    defer { condition.unlock() }
    while failure == nil {
      if head < queue.count {
        let (number, job) = queue[head]
        head += 1
        if head > 1024, head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        guard let trial = running[number] else { continue }
        condition.unlock()
        let started = DispatchTime.now().uptimeNanoseconds
        // Fits run in the context `Parallel` gave this worker: serial when there are several.
        let output = Result { try objective.run(trial.prepared, trial: trial.record, job: job) }
        let took = DispatchTime.now().uptimeNanoseconds - started
        condition.lock()
        busy += took
        if let record = deliver(output, number: number, job: job) {
          finishedReports.append((record, status))
          condition.broadcast()
          condition.unlock()
          reportFinished()
          condition.lock()
        }
        condition.broadcast()
        continue
      }
      if refill(worker: name) { continue }
      if !running.isEmpty {
        condition.wait()
        continue
      }
      // Nothing runs here. In a shared study, trials of other processes may still finish (and
      // let the strategy go on) or die (and be re-queued here): poll until none runs anywhere.
      guard shared, study.hasRunningTrials else { break }
      _ = condition.wait(until: Date().addingTimeInterval(pollInterval))
    }
    condition.broadcast()
  }

  /// Whether the study is shared with other processes through a journal.
  private var shared: Bool { study.journalPath != nil }

  /// How long an idle worker of a shared study sleeps before looking at the journal again.
  private var pollInterval: Double { Swift.min(0.2, Swift.max(0.01, (study.journalOptions?.heartbeatInterval ?? 1) / 4)) }

  /// The numbers of this process's running trials.
  private var runningNumbers: [Int] {
    condition.lock()
    defer { condition.unlock() }
    return Array(running.keys)
  }

  /// Starts the thread that appends heartbeats for this process's running trials.
  private func startHeartbeat() -> Heartbeat {
    let heartbeat = Heartbeat()
    let interval = study.journalOptions?.heartbeatInterval ?? 10
    Thread.detachNewThread { [self] in
      while heartbeat.sleep(interval) {
        try? study.heartbeat(runningNumbers, worker: processName)
      }
      heartbeat.finished.signal()
    }
    return heartbeat
  }

  /// Records one job's outcome; the trial's last one completes it, and is returned for
  /// progress reporting (done outside the lock, in order, under `reporting`).
  private func deliver(_ output: Result<Objective.Output, any Error>, number: Int, job: Int) -> TrialRecord? {
    guard var trial = running[number] else { return nil }
    trial.outputs[job] = output
    trial.remaining -= 1
    guard trial.remaining == 0 else {
      running[number] = trial
      return nil
    }
    do {
      var record = try objective.complete(trial.record, trial.prepared, trial.outputs.map { $0! })
      record.worker = trial.record.worker
      record.startedAt = trial.record.startedAt
      // False when the trial was re-queued and another worker finished it first. Until it is
      // recorded, the trial stays in `running`, so a failed write gives it back below.
      let recordedHere = try study.finish(record)
      running[number] = nil
      guard recordedHere else { return nil }
      recorded += 1
      note(record)
      return record
    } catch {
      failure = failure ?? error
      return nil
    }
  }

  /// Keeps the running tallies (for stop conditions and progress) up to date with `record`.
  private func note(_ record: TrialRecord) {
    status.finished += 1
    if record.status.isFailed { status.failed += 1 }
    guard record.status == .complete else { return }
    let value = record.meanTestScore(study.metric)
    if !value.isNaN, status.best.map({ study.direction.isBetter(value, than: $0) }) ?? true { status.best = value }
  }

  /// Whether a stop condition forbids new trials.
  private var stopped: Bool {
    if stop.stopRequest?.isCancelled == true { return true }
    if let limit = stop.maxTrials, study.count >= limit { return true }
    if let budget = stop.timeBudget, elapsed >= budget { return true }
    if let target = stop.targetScore, !target.isNaN, let best = status.best, !study.direction.isBetter(target, than: best) {
      return true
    }
    return false
  }

  /// Starts trials: re-queued ones first, then enqueued ones, then the strategy's new ones,
  /// decided in one step under the study's (and journal's) lock; `false` when there are none now.
  private func refill(worker: String) -> Bool {
    do {
      // Trials re-queued after their worker died are run again even past a limit: they are counted.
      let stopped = self.stopped
      var expected: Int?
      let work = try study.nextWork(worker: worker, allowNew: !stopped) { trials throws -> StrategyDecision in
        guard !strategyFinished else { return .finished }
        let remaining = stop.maxTrials.map { Swift.max(0, $0 - trials.count) }
        let context = StrategyContext(
          trials: trials, seed: study.seed, direction: study.direction, metric: study.metric, space: objective.space,
          remaining: remaining, data: objective.data, objectives: study.objectives)
        let decision = try strategy.next(context)
        // Before the proposals are prepared: a promoted trial's parent is not releasable yet.
        let releasable = strategy.releasable(context)
        if !releasable.isEmpty { objective.releaseModels(releasable, record: trials) }
        guard case .propose(let candidates) = decision else { return decision }
        expected = strategy.expectedTrials(context)
        // Trials are created a few at a time (enough to keep the workers busy), so stop
        // conditions are checked between them even when the strategy proposes a whole grid.
        let chunk = Swift.min(remaining ?? Int.max, Swift.max(2, (16 * workers + objective.jobsPerTrial - 1) / objective.jobsPerTrial))
        let kept = Array(candidates.prefix(chunk))
        return kept.isEmpty ? .finished : .propose(kept)
      }
      if status.expected == nil { status.expected = expected }
      if case .finished? = work.decision { strategyFinished = true }
      for record in work.trials { start(record) }
      return !work.trials.isEmpty
    } catch {
      failure = failure ?? error
      return false
    }
  }

  /// Queues the jobs of a new running trial (never a second time for a trial already running here).
  private func start(_ record: TrialRecord) {
    guard running[record.index] == nil else { return }
    startedNumbers.insert(record.index)
    if !announced {
      announced = true
      progress.start(status)
    }
    let jobs = objective.jobsPerTrial
    running[record.index] = RunningTrial(
      record: record, prepared: objective.prepare(record, parent: record.parent.flatMap { study.trial($0) }),
      outputs: Array(repeating: nil, count: jobs), remaining: jobs)
    for job in 0..<jobs { queue.append((record.index, job)) }
  }
}

/// The stop switch of a heartbeat thread.
final class Heartbeat: Sendable {
  private let stopped = Atomic<Bool>(false)
  let finished = DispatchSemaphore(value: 0)

  /// Sleeps `seconds` by the monotonic clock, in short steps; false once stopped.
  func sleep(_ seconds: Double) -> Bool {
    let until = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while DispatchTime.now().uptimeNanoseconds < until {
      if stopped.load(ordering: .acquiring) { return false }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return !stopped.load(ordering: .acquiring)
  }

  /// Stops the thread and waits for it to end.
  func stop() {
    stopped.store(true, ordering: .releasing)
    finished.wait()
  }
}

/// `host/pid/w<k>`: names a worker thread in the record.
func workerName(_ worker: Int) -> String { "\(processName)/w\(worker)" }

/// `host/pid` of this process, read once. The host is `$LEARN_HOSTNAME` when set (for hosts
/// whose names are not unique, such as containers), else `gethostname`.
let processName: String = {
  var buffer = [CChar](repeating: 0, count: 256)
  var host = gethostname(&buffer, buffer.count) == 0
    ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
  if let name = ProcessInfo.processInfo.environment["LEARN_HOSTNAME"], !name.isEmpty { host = name }
  return "\(host.replacingOccurrences(of: "/", with: "-"))/\(getpid())"
}()
