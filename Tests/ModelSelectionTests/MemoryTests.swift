import Foundation
import Learn
@testable import ModelSelection
import LearnTestSupport
import Synchronization
import Testing

/// The calling process's resident memory in bytes (`/proc/self/statm`), or 0 where it cannot be read.
func residentBytes() -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
  let fields = text.split(separator: " ")
  guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
  return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Resident memory sampled after given trials of a search.
let residentAtTrial = Mutex<[Int: Int]>([:])

@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct MemoryTests {
  /// A 1,000-trial search in a fresh process: its resident memory after trial 1,000 is at most
  /// that after trial 100 plus 8 MB (the table of 900 more trials takes about 2 MB), so nothing
  /// grows per trial but the record itself: fold models are released once scored.
  @Test(.disabled(if: ProcessInfo.processInfo.environment["LEARN_SANITIZER"] != nil,
                  "a sanitizer holds freed memory in quarantine, so resident memory grows by design"),
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "resident memory is read from /proc"))
  func aThousandTrialSearchKeepsFlatMemory() async throws {
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("learn-memory-\(UUID().uuidString).txt").path
    defer { try? FileManager.default.removeItem(atPath: report) }
    await #expect(processExitsWith: .success) { [report = report as String] in
      let data = try Datasets.makeClassification(samples: 300, features: 10, seed: 3)
      let progress = SearchProgress { record in
        if [99, 999].contains(record.index) { residentAtTrial.withLock { $0[record.index + 1] = residentBytes() } }
      }
      let search = SearchCV(
        LogisticRegression(), strategy: try RandomSearch(["c": .logUniform(1e-3, 1e3), "tolerance": .logUniform(1e-6, 1e-2)],
                                                          iterations: 1000, seed: 1),
        cv: KFold(splits: 3), parallelism: .serial, progress: progress)
      let model = try search.fit(data.x, data.y)
      let sampled = residentAtTrial.withLock { $0 }
      guard model.results.count == 1000, let at100 = sampled[100], let at1000 = sampled[1000] else { exit(2) }
      try "\(at100) \(at1000)".write(toFile: report, atomically: true, encoding: .utf8)
      exit(at1000 <= at100 + 8 << 20 ? 0 : 1)
    }
    let numbers = (try? String(contentsOfFile: report, encoding: .utf8))?.split(separator: " ").compactMap { Int($0) } ?? []
    if numbers.count == 2 {
      print(String(format: "memory: resident %.1f MB after trial 100, %.1f MB after trial 1000", Double(numbers[0]) / 1048576,
                   Double(numbers[1]) / 1048576))
    }
  }
}
