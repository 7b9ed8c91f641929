import Foundation
import LearnCore
import LinearAlgebra

/// What identifies a study, stored as the journal's first line: opening the journal is refused
/// when any field differs (another estimator, space, data, folds, scoring, seed…). Settings that
/// only say how long to search (`maxTrials`, iterations, time budget) are not in it, so a search
/// run again with a larger limit resumes.
struct StudyFingerprint: Codable, Hashable {
  /// The journal format.
  var format = 2
  /// Named settings, compared one by one.
  var fields: [String: String]

  /// The names of the fields that differ from `other`'s.
  func differences(from other: StudyFingerprint) -> [String] {
    if format != other.format { return ["format (\(other.format), this version writes \(format))"] }
    return Set(fields.keys).union(other.fields.keys).sorted().filter { fields[$0] != other.fields[$0] }
  }
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

/// The study's record on disk: a header line with the study's fingerprint, then one JSON line per
/// change of a trial (created, reported, finished), the whole record each time; the last line of
/// a trial is its state. Lines are appended and flushed to disk (`fsync`) before the change is
/// visible, so a killed process loses nothing it had recorded; a line cut short by a kill is cut
/// off when the journal is next opened. Non-finite scores are written as `"nan"`, `"inf"`.
///
/// One process writes at a time (every write happens under its study's lock); several processes
/// sharing one journal come with the shared-journal format.
final class StudyJournal: @unchecked Sendable {
  let path: String
  /// The records read when the journal was opened, in file order.
  private(set) var records: [TrialRecord] = []
  private let handle: FileHandle
  private let encoder = StudyJournal.makeEncoder()

  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  static func makeDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  /// Opens the journal at `path`, creating it with `fingerprint` as its header, or reading the
  /// records of an existing one (refused when its fingerprint differs).
  init(path: String, fingerprint: StudyFingerprint) throws(LearnError) {
    self.path = path
    let manager = FileManager.default
    if let data = manager.contents(atPath: path), !data.isEmpty {
      let end = try Self.read(data, path: path, fingerprint: fingerprint, into: &records)
      guard let handle = FileHandle(forUpdatingAtPath: path) else { throw .io(path: path, reason: "could not open the journal") }
      self.handle = handle
      do {
        // A last line cut short by a kill is cut off, so appends start on a clean line.
        if end < data.count { try handle.truncate(atOffset: UInt64(end)) }
        try handle.seekToEnd()
      } catch {
        throw .io(path: path, reason: "could not cut off a torn last line: \(error)")
      }
    } else {
      guard var header = try? encoder.encode(fingerprint) else { throw .io(path: path, reason: "could not encode the header") }
      header.append(UInt8(ascii: "\n"))
      guard manager.createFile(atPath: path, contents: header), let handle = FileHandle(forWritingAtPath: path) else {
        throw .io(path: path, reason: "could not create the journal")
      }
      self.handle = handle
      do { try handle.seekToEnd() } catch { throw .io(path: path, reason: "\(error)") }
    }
  }

  /// Reads the header and every whole record of `data`; returns the byte offset after the last
  /// whole line.
  private static func read(
    _ data: Data, path: String, fingerprint: StudyFingerprint, into records: inout [TrialRecord]
  ) throws(LearnError) -> Int {
    let decoder = makeDecoder()
    let newline = UInt8(ascii: "\n")
    guard let headerEnd = data.firstIndex(of: newline),
      let stored = try? decoder.decode(StudyFingerprint.self, from: data[data.startIndex..<headerEnd])
    else {
      throw .invalidArgument(name: "journal", reason: "\(path) is not a Learn study journal (format \(fingerprint.format))")
    }
    let differing = stored.differences(from: fingerprint)
    guard differing.isEmpty else {
      throw .invalidArgument(
        name: "journal",
        reason: "\(path) was written by a different search (\(differing.joined(separator: ", ")) differ); use a new journal path")
    }
    var start = headerEnd + 1
    var line = 2
    while start < data.endIndex {
      guard let end = data[start...].firstIndex(of: newline) else { break }  // torn last line
      do {
        records.append(try decoder.decode(TrialRecord.self, from: data[start..<end]))
      } catch {
        throw .malformedCSV(line: line, column: nil, reason: "journal \(path) has an unreadable trial record: \(error)")
      }
      start = end + 1
      line += 1
    }
    return start - data.startIndex
  }

  deinit { try? handle.close() }

  /// Appends `record` as one line and flushes it to disk.
  func append(_ record: TrialRecord) throws(LearnError) {
    do {
      var line = try encoder.encode(record)
      line.append(UInt8(ascii: "\n"))
      try handle.write(contentsOf: line)
      try handle.synchronize()
    } catch {
      throw .io(path: path, reason: "could not append trial \(record.index): \(error)")
    }
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
