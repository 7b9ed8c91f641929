import Foundation
import Learn
@testable import ModelSelection
import LearnTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Injected faults (issue 19): processes killed at moments nobody chose, a disk that fills up,
/// a checkpoint folder that cannot be written. What finished must never be lost, and a resumed
/// search must end at the table of a search that was never interrupted.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct FaultTests {
  /// The whole lines of a journal after its header, and whether its last line was torn.
  static func wholeLines(_ journal: String) throws -> (lines: [Substring], torn: Bool) {
    let text = (try? String(contentsOfFile: journal, encoding: .utf8)) ?? ""
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    let torn = !text.isEmpty && !text.hasSuffix("\n")
    if torn { lines.removeLast() }
    return (Array(lines.dropFirst()), torn)
  }

  /// Each finished trial's record by index; fails on a trial finished twice.
  static func finishedByIndex(_ journal: String) throws -> [Int: TrialRecord] {
    var finished: [Int: TrialRecord] = [:]
    for record in try finishedRecords(wholeLines(journal).lines) {
      #expect(finished[record.index] == nil, "trial \(record.index) finished twice")
      finished[record.index] = record
    }
    return finished
  }

  @Test func killsAtRandomMomentsLoseNoFinishedTrial() async throws {
    let journal = temporaryJournal("random-kills")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    var generator = Xoshiro256StarStar(seed: 19)
    var kept: [Int: TrialRecord] = [:]
    var torn = 0
    for _ in 0..<10 {
      // A thread of the child kills it after a random delay, wherever its appends have got to.
      let delay = 0.002 + 0.08 * generator.nextUniform()
      await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String, delay = delay as Double] in
        killItself(after: delay)
        _ = try? minimize(branin, space: braninSpace, trials: 300, seed: 9, journal: journal, studyName: "kills")
        kill(getpid(), SIGKILL)
      }
      if try Self.wholeLines(journal).torn { torn += 1 }
      let finished = try Self.finishedByIndex(journal)
      for (index, record) in kept { #expect(finished[index] == record, "trial \(index) finished before a kill is kept as it was") }
      kept = finished
    }
    let resumed = try minimize(branin, space: braninSpace, trials: 300, seed: 9, journal: journal, studyName: "kills")
    let alone = try minimize(branin, space: braninSpace, trials: 300, seed: 9)
    #expect(resumed.trials.map(\.untimed) == alone.trials.map(\.untimed))
    #expect(try Self.finishedByIndex(journal).count == 300)
    print("fault: 10 random kills during appends, \(torn) left a torn record, \(kept.count) trials finished before the last, 0 lost")
  }

  @Test func killsAtRandomMomentsOfAHyperbandSearchResumeToTheSameTable() async throws {
    let data = try HyperbandTests.digits.get()
    let journal = temporaryJournal("random-checkpoint-kills")
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: journal + ".models")
    }
    var generator = Xoshiro256StarStar(seed: 23)
    var kept: [Int: TrialRecord] = [:]
    for _ in 0..<4 {
      let delay = 0.2 + 1.5 * generator.nextUniform()
      await #expect(processExitsWith: .signal(SIGKILL)) { [journal = journal as String, delay = delay as Double] in
        killItself(after: delay)
        let data = try HyperbandTests.digits.get()
        _ = try? CheckpointTests.search(journal: journal).fit(data.x, data.y)
        kill(getpid(), SIGKILL)
      }
      let finished = try Self.finishedByIndex(journal)
      for (index, record) in kept { #expect(finished[index] == record) }
      kept = finished
    }
    // A temporary file of a write whose process is gone (pid 2^31 − 1 never exists) is removed
    // once it is a minute old, when the next search opens the folder.
    let models = journal + ".models"
    // (Under a sanitizer's slowness every kill may come before the first checkpoint.)
    try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
    let abandoned = models + "/trial-0-fold-0.json.tmp-2147483647-1"
    _ = FileManager.default.createFile(atPath: abandoned, contents: Data("{".utf8),
                                       attributes: [.modificationDate: Date(timeIntervalSinceNow: -120)])
    let stray = try FileManager.default.contentsOfDirectory(atPath: models).filter { $0.contains(".tmp-") }.count - 1
    let resumed = try CheckpointTests.search(journal: journal).fit(data.x, data.y)
    let whole = try CheckpointTests.search(journal: nil).fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.untimed) == whole.results.trials.map(\.untimed))
    #expect(!FileManager.default.fileExists(atPath: abandoned))
    print("fault: 4 random kills of a checkpointing Hyperband search, \(kept.count) trials finished before the last, "
      + "\(stray) temporary files left by interrupted writes (never read), 0 trials lost")
  }

  #if os(Linux)
  @Test func aFullDiskStopsTheSearchWithAClearErrorAndTheJournalKeepsWhatItHas() async throws {
    let journal = temporaryJournal("full-disk")
    defer { try? FileManager.default.removeItem(atPath: journal) }
    // The child may write files of at most 12,000 bytes (RLIMIT_FSIZE; SIGXFSZ ignored, so the
    // write fails with EFBIG instead of killing it): the journal fills after a few trials.
    await #expect(processExitsWith: .success) { [journal = journal as String] in
      signal(SIGXFSZ, SIG_IGN)
      var limit = rlimit()
      getrlimit(RLIMIT_FSIZE_VALUE, &limit)
      limit.rlim_cur = 12_000
      guard setrlimit(RLIMIT_FSIZE_VALUE, &limit) == 0 else { exit(5) }
      do {
        _ = try minimize(branin, space: braninSpace, trials: 40, seed: 12, journal: journal, studyName: "full")
        exit(2)
      } catch LearnError.io(let path, let reason) {
        guard path.hasSuffix((journal as NSString).lastPathComponent), reason.contains("File too large") else {
          print("unexpected: \(path): \(reason)")
          exit(3)
        }
        exit(0)
      } catch {
        print("unexpected: \(error)")
        exit(4)
      }
    }
    let size = (try FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) ?? 0
    #expect(size <= 12_000)
    let before = try Self.finishedByIndex(journal)
    #expect(before.count >= 2, "the trials that fitted before the disk filled are recorded")
    let resumed = try minimize(branin, space: braninSpace, trials: 40, seed: 12, journal: journal, studyName: "full")
    #expect(resumed.trials.map(\.untimed) == (try minimize(branin, space: braninSpace, trials: 40, seed: 12)).trials.map(\.untimed))
    for (index, record) in before { #expect(try Self.finishedByIndex(journal)[index] == record) }
  }
  #endif

  @Test func anUnwritableCheckpointFolderWarnsAndTheSearchGoesOn() throws {
    let data = try HyperbandTests.digits.get()
    let journal = temporaryJournal("unwritable-checkpoints")
    // The checkpoint folder's path is a file: nothing can be created under it, even by root.
    let blocked = journal + ".blocked"
    _ = FileManager.default.createFile(atPath: blocked, contents: Data("not a folder".utf8))
    defer {
      try? FileManager.default.removeItem(atPath: journal)
      try? FileManager.default.removeItem(atPath: blocked)
    }
    let model = try CheckpointTests.search(journal: journal, checkpoints: .folder(blocked)).fit(data.x, data.y)
    let whole = try CheckpointTests.search(journal: nil).fit(data.x, data.y)
    #expect(model.results.trials.map(\.testScores) == whole.results.trials.map(\.testScores))
    let warned = model.results.trials.filter { $0.warnings.contains { $0.hasPrefix("the fold models could not be checkpointed") } }
    #expect(!warned.isEmpty)
    #expect(warned.allSatisfy { $0.warnings.contains { $0.contains(blocked) } })
  }
}

/// Kills the calling process with SIGKILL from another thread after `seconds`, wherever its
/// other threads have got to.
private func killItself(after seconds: Double) {
  Thread.detachNewThread {
    Thread.sleep(forTimeInterval: seconds)
    kill(getpid(), SIGKILL)
  }
}

#if os(Linux)
/// `RLIMIT_FSIZE` as the `Int32` resource number `setrlimit` takes on Glibc.
private let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#endif
