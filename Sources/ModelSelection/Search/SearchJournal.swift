import Foundation
import LearnCore
import LinearAlgebra

/// What identifies a search, stored as the journal's first line: resuming is refused when any of
/// it differs (another estimator, space, data, folds or scoring).
struct SearchFingerprint: Codable, Hashable {
  var format = 1
  var estimator: String
  var estimatorParameters: String
  var strategy: String
  var scorers: [String]
  var folds: String
  var data: String
}

/// FNV-1a over 64-bit words: a stable checksum (Swift's `Hasher` is seeded per process, so it
/// cannot identify data across runs).
struct StableHash {
  private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
  mutating func add(_ word: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      value ^= (word >> UInt64(shift)) & 0xFF
      value = value &* 0x100_0000_01B3
    }
  }
  mutating func add(_ string: String) { for byte in string.utf8 { add(UInt64(byte)) } }
  var hex: String { String(value, radix: 16) }
}

/// An append-only file of finished trials, one JSON line each after a header line with the
/// search's fingerprint. Each trial is written and flushed to disk before the search moves on, so
/// a killed search loses at most the trials in flight; running the same search again on the same
/// journal replays the finished trials instead of re-running them.
final class SearchJournal {
  let path: String
  /// Trials read from an existing journal, by index.
  private(set) var records: [Int: TrialRecord] = [:]
  private let handle: FileHandle
  private let encoder = JSONEncoder()

  init(path: String, fingerprint: SearchFingerprint) throws {
    self.path = path
    encoder.outputFormatting = [.sortedKeys]
    let manager = FileManager.default
    if let data = manager.contents(atPath: path), !data.isEmpty {
      let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
      let decoder = JSONDecoder()
      guard let first = lines.first, let stored = try? decoder.decode(SearchFingerprint.self, from: Data(first)) else {
        throw LearnError.invalidArgument(name: "journal", reason: "\(path) is not a Learn search journal")
      }
      if stored != fingerprint {
        let differing = Self.differences(stored, fingerprint).joined(separator: ", ")
        throw LearnError.invalidArgument(
          name: "journal", reason: "\(path) was written by a different search (\(differing) differ); use a new journal path")
      }
      for (number, line) in lines.dropFirst().enumerated() {
        // A line cut short by a kill is ignored: that trial simply runs again.
        guard let record = try? decoder.decode(TrialRecord.self, from: Data(line)) else {
          if number == lines.count - 2 { break }
          throw LearnError.malformedCSV(line: number + 2, column: nil, reason: "journal \(path) has an unreadable trial record")
        }
        records[record.index] = record
      }
      // Rewrite without a torn last line, so appends start on a clean line.
      let clean = lines.prefix(1 + records.count).map { Data($0) + Data([UInt8(ascii: "\n")]) }.reduce(Data(), +)
      try clean.write(to: URL(fileURLWithPath: path))
    } else {
      var header = try encoder.encode(fingerprint)
      header.append(UInt8(ascii: "\n"))
      guard manager.createFile(atPath: path, contents: header) else {
        throw LearnError.io(path: path, reason: "could not create the journal")
      }
    }
    guard let handle = FileHandle(forWritingAtPath: path) else { throw LearnError.io(path: path, reason: "could not open the journal") }
    self.handle = handle
    try handle.seekToEnd()
  }

  deinit { try? handle.close() }

  /// Appends `record` and flushes it to disk.
  func append(_ record: TrialRecord) throws {
    var line = try encoder.encode(record)
    line.append(UInt8(ascii: "\n"))
    try handle.write(contentsOf: line)
    try handle.synchronize()
  }

  private static func differences(_ a: SearchFingerprint, _ b: SearchFingerprint) -> [String] {
    var names: [String] = []
    if a.format != b.format { names.append("format") }
    if a.estimator != b.estimator || a.estimatorParameters != b.estimatorParameters { names.append("estimator") }
    if a.strategy != b.strategy { names.append("strategy or search space") }
    if a.scorers != b.scorers { names.append("scoring") }
    if a.folds != b.folds { names.append("folds") }
    if a.data != b.data { names.append("data") }
    return names
  }
}

/// A checksum of the training data (every bit of x and y).
func dataChecksum<T>(_ x: Matrix, _ y: [T]) -> String {
  var hash = StableHash()
  hash.add(UInt64(x.rowCount))
  hash.add(UInt64(x.columnCount))
  x.withUnsafeBufferPointer { for v in $0 { hash.add(v.bitPattern) } }
  for target in y {
    if let label = target as? Int { hash.add(UInt64(bitPattern: Int64(label))) }
    else if let value = target as? Double { hash.add(value.bitPattern) }
    else { hash.add(String(describing: target)) }
  }
  return hash.hex
}

/// A checksum of the folds.
func foldChecksum(_ folds: [Fold]) -> String {
  var hash = StableHash()
  for fold in folds {
    hash.add(UInt64(fold.train.count))
    for i in fold.train { hash.add(UInt64(i)) }
    hash.add(UInt64(fold.test.count))
    for i in fold.test { hash.add(UInt64(i)) }
  }
  return hash.hex
}
