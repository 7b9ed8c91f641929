import Foundation
import Learn
@testable import ModelSelection
import LearnTestSupport
import Synchronization
import Testing

/// Branin, slowed down so that two processes both get work.
@Sendable func slowBranin(_ p: ParameterSet) -> Double {
  Thread.sleep(forTimeInterval: 0.02)
  return branin(p)
}

/// Every line after the header, decoded as far as the tests need.
func journalLines(_ path: String) throws -> [JournalTestLine] {
  try decodeJournalLines(String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst())
}

/// Waits (up to 20 s) until `count` processes have called this for `journal`, so that children
/// started by the test runner at different moments begin their work together.
func rendezvous(_ journal: String, count: Int) {
  _ = FileManager.default.createFile(atPath: "\(journal).ready.\(getpid())", contents: nil)
  let directory = URL(fileURLWithPath: journal).deletingLastPathComponent().path
  let prefix = URL(fileURLWithPath: journal).lastPathComponent + ".ready."
  for _ in 0..<2000 {
    let ready = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix(prefix) }.count ?? 0
    if ready >= count { return }
    Thread.sleep(forTimeInterval: 0.01)
  }
}

/// Removes the rendezvous files of `journal`.
func removeRendezvous(_ journal: String) {
  let directory = URL(fileURLWithPath: journal).deletingLastPathComponent().path
  let prefix = URL(fileURLWithPath: journal).lastPathComponent + ".ready."
  for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(prefix) {
    try? FileManager.default.removeItem(atPath: directory + "/" + name)
  }
}

/// Runs `minimize` over Branin with a random search in a child process on `journal`.
func randomSearchWorker(_ journal: String) async {
  await #expect(processExitsWith: .success) { [journal = journal as String] in
    rendezvous(journal, count: 2)
    try minimize(slowBranin, space: braninSpace, trials: 40, seed: 3, journal: journal, studyName: "shared")
  }
}

/// Runs the adaptive toy strategy in a child process on `journal`.
func adaptiveWorker(_ journal: String) async {
  await #expect(processExitsWith: .success) { [journal = journal as String] in
    rendezvous(journal, count: 2)
    try minimize(slowBranin, space: braninSpace, trials: 24, strategy: BestPlusStep(trials: 24, step: 2), seed: 5,
                 journal: journal, studyName: "adaptive")
  }
}

/// ASHA over a slowed learning curve, its budget in steps, in a child process on `journal`.
func ashaWorker(_ journal: String) async {
  await #expect(processExitsWith: .success) { [journal = journal as String] in
    rendezvous(journal, count: 2)
    try minimize(slowCurve, space: ["x": .uniform(0, 1)], trials: 200, strategy: sharedASHA(), seed: 8, journal: journal,
                 studyName: "asha")
  }
}

/// The ASHA of ``ashaWorker``: 27 candidates, rungs 1, 3, 9.
func sharedASHA() throws -> ASHASearch { try ASHASearch(["x": .uniform(0, 1)], candidates: 27, maxBudget: 9, eta: 3) }

/// `(x − 0.3)² + 1/budget`, 10 ms per unit of budget.
@Sendable func slowCurve(_ trial: TrialContext) throws -> Double {
  let x = trial.parameters["x"]!.doubleValue!, units = trial.budget?.amount ?? 1
  Thread.sleep(forTimeInterval: 0.01 * Double(units))
  return (x - 0.3) * (x - 0.3) + 1 / Double(units)
}

@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct SharedJournalTests {
  @Test func twoProcessesShareOneASHA() async throws {
    let journal = temporaryJournal("asha2")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      removeRendezvous(journal)
    }
    async let first: Void = ashaWorker(journal)
    async let second: Void = ashaWorker(journal)
    _ = await (first, second)
    let study = try minimize(slowCurve, space: ["x": .uniform(0, 1)], trials: 200, strategy: sharedASHA(), seed: 8,
                             journal: journal, studyName: "asha")
    let trials = study.trials
    #expect(trials.allSatisfy { $0.status == .complete } && Set(trials.map(\.proposal)).count == trials.count, "no proposal twice")
    #expect(trials.filter { $0.budget == 1 }.count == 27 && trials.contains { $0.budget == 9 })
    let processes = Set(trials.compactMap { $0.worker?.split(separator: "/").dropLast().joined(separator: "/") })
    #expect(processes.count == 2, "both processes ran trials: \(processes)")
    // Every promotion was legal when made: its parent was among the top ⌊m/3⌋ of the trials of
    // its rung that had finished before the promoted trial was created.
    for trial in trials where trial.parent != nil {
      let parent = trials[trial.parent!]
      let rung = trials.filter { $0.budget == parent.budget && $0.finishedAt! <= trial.startedAt! }
      let better = rung.filter { $0.meanTestScore("value") < parent.meanTestScore("value") }.count
      #expect(better < Swift.max(1, rung.count / 3), "trial \(trial.index) promoted from a rung of \(rung.count)")
    }
  }


  @Test func twoProcessesShareARandomSearchAndEvaluateEveryTrialOnce() async throws {
    let journal = temporaryJournal("shared")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      removeRendezvous(journal)
    }
    async let first: Void = randomSearchWorker(journal)
    async let second: Void = randomSearchWorker(journal)
    _ = await (first, second)
    let lines = try journalLines(journal)
    let created = lines.filter { $0.op == "created" }.compactMap(\.record)
    let finished = lines.filter { $0.op == "finished" }.compactMap(\.record)
    #expect(created.map(\.index).sorted() == Array(0..<40), "each trial created once, numbered without gaps")
    #expect(finished.map(\.index).sorted() == Array(0..<40), "each trial finished once")
    #expect(!lines.contains { $0.op == "requeued" })
    let processes = Set(created.compactMap { $0.worker?.split(separator: "/").dropLast().joined(separator: "/") })
    #expect(processes.count == 2, "both processes took trials: \(processes)")
    // The shared table is a one-process run's.
    let shared = try minimize(slowBranin, space: braninSpace, trials: 40, seed: 3, journal: journal, studyName: "shared")
    let alone = try minimize(branin, space: braninSpace, trials: 40, seed: 3)
    #expect(shared.trials.map(\.untimed) == alone.trials.map(\.untimed))
  }

  @Test func aKilledWorkersTrialIsRunAgainAfterItsHeartbeatStops() async throws {
    let journal = temporaryJournal("heartbeat")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // The child names its host "elsewhere", so only the missing heartbeat can tell it died.
    await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String] in
      setenv("LEARN_HOSTNAME", "elsewhere", 1)
      try minimize({ p in
        if objectiveCalls.add(1, ordering: .relaxed).newValue == 6 { kill(getpid(), SIGKILL) }
        return branin(p)
      }, space: braninSpace, trials: 12, seed: 8, journal: journal,
         journalOptions: JournalOptions(heartbeatInterval: 0.1, staleAfter: 1), studyName: "heartbeat")
    }
    let start = Date()
    let resumed = try minimize(branin, space: braninSpace, trials: 12, seed: 8, journal: journal,
                               journalOptions: JournalOptions(heartbeatInterval: 0.1, staleAfter: 1), studyName: "heartbeat")
    let waited = Date().timeIntervalSince(start)
    #expect(waited >= 1, "the trial is re-queued only after a second without a heartbeat (waited \(waited) s)")
    let lines = try journalLines(journal)
    #expect(lines.contains { $0.op == "requeued" })
    #expect(resumed.trials.map(\.untimed) == (try minimize(branin, space: braninSpace, trials: 12, seed: 8)).trials.map(\.untimed))
  }

  @Test func aTornAppendLosesNothingBeforeItAndTheNextAppendContinuesCleanly() async throws {
    let journal = temporaryJournal("torn")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // The child's 6th append writes 25 bytes of its record and fails, as a crash mid-write would.
    await #expect(processExitsWith: .failure) { [journal = journal as String] in
      setenv("LEARN_JOURNAL_FAULT", "tear:6:25", 1)
      try minimize(branin, space: braninSpace, trials: 20, seed: 4, journal: journal, studyName: "torn")
    }
    // The failing search gave its running trials back (re-queued them), and that append first
    // cut off the torn record: every line is whole.
    let text = try String(contentsOfFile: journal, encoding: .utf8)
    #expect(text.hasSuffix("\n"))
    let before = try decodeJournalLines(text.split(separator: "\n").dropFirst())
    #expect(before.contains { $0.op == "requeued" } && before.filter { $0.op == "finished" }.count >= 2)
    let resumed = try minimize(branin, space: braninSpace, trials: 20, seed: 4, journal: journal, studyName: "torn")
    let after = try journalLines(journal)
    #expect(Array(after.prefix(before.count)).map(\.op) == before.map(\.op), "every whole record before the tear is kept")
    #expect(Array(after.prefix(before.count)).map(\.record) == before.map(\.record))
    #expect(resumed.trials.map(\.untimed) == (try minimize(branin, space: braninSpace, trials: 20, seed: 4)).trials.map(\.untimed))
    // A fault hook in process: a failed write fails the search, and the study resumes.
    let file = try JournalFile(path: temporaryJournal("fault"), locking: .flock)
    defer { try? FileManager.default.removeItem(atPath: file.path) }
    file.fault = JournalFault(append: 1, bytes: 3)
    #expect(throws: LearnError.self) { try file.withLock { () throws(LearnError) in try file.append([Data("{\"a\":1}".utf8)]) } }
    try file.withLock { () throws(LearnError) in try file.append([Data("{\"b\":2}".utf8)]) }
    #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "{\"b\":2}\n")
  }

  @Test func anAdaptiveStrategyOnTwoProcessesKeepsAConsistentRecord() async throws {
    let journal = temporaryJournal("adaptive2")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      removeRendezvous(journal)
    }
    async let first: Void = adaptiveWorker(journal)
    async let second: Void = adaptiveWorker(journal)
    _ = await (first, second)
    let study = try minimize(slowBranin, space: braninSpace, trials: 24, strategy: BestPlusStep(trials: 24, step: 2), seed: 5,
                             journal: journal, studyName: "adaptive")
    #expect(study.count == 24 && study.trials.allSatisfy { $0.status == .complete })
    #expect(study.trials.map(\.index) == Array(0..<24))
    #expect(Set(study.trials.map(\.proposal)).count == 24, "no proposal twice")
    let finished = try journalLines(journal).filter { $0.op == "finished" }.compactMap(\.record)
    #expect(finished.count == 24)
  }

  @Test func aFailedWriteThenARetryInTheSameProcessFinishes() async throws {
    let journal = temporaryJournal("retry")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // In one process: the 4th append (a finished trial) fails; the retry must re-run the trials
    // that run left behind and finish, not wait for them forever.
    await #expect(processExitsWith: .success) { [journal = journal as String] in
      setenv("LEARN_JOURNAL_FAULT", "fail:4", 1)
      let failed = (try? minimize(branin, space: braninSpace, trials: 12, seed: 6, journal: journal, studyName: "retry")) == nil
      unsetenv("LEARN_JOURNAL_FAULT")
      let study = try minimize(branin, space: braninSpace, trials: 12, seed: 6, journal: journal, studyName: "retry")
      let alone = try minimize(branin, space: braninSpace, trials: 12, seed: 6)
      guard failed, study.trials.map(\.untimed) == alone.trials.map(\.untimed) else { exit(1) }
    }
  }

  @Test func aLockFileSerialisesAppendsWhereLocksDoNotWork() throws {
    let path = temporaryJournal("lockfile")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let options = JournalOptions(locking: .lockFile(staleAfter: 5))
    #expect(throws: LearnError.self) {
      try minimize(branin, space: braninSpace, trials: 2, journal: path + ".bad",
                   journalOptions: JournalOptions(heartbeatInterval: 10, staleAfter: 5), studyName: "bad")
    }
    let study = try minimize(branin, space: braninSpace, trials: 10, seed: 2, parallelism: .threads(2), journal: path,
                             journalOptions: options, studyName: "lockfile")
    #expect(study.count == 10 && !FileManager.default.fileExists(atPath: path + ".lock"))
    // A stale lock file left by a dead process is removed after `staleAfter`.
    _ = FileManager.default.createFile(atPath: path + ".lock", contents: nil, attributes: [.modificationDate: Date(timeIntervalSinceNow: -60)])
    let again = try minimize(branin, space: braninSpace, trials: 12, seed: 2, journal: path, journalOptions: options, studyName: "lockfile")
    #expect(again.count == 12)
  }
}
