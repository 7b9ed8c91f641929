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

/// One line of a journal after the header: a change to the study.
enum JournalOperation: Sendable, Equatable {
  /// A trial was created, or a re-queued one claimed again (same number): the whole record.
  case created(TrialRecord)
  /// A worker's sign of life on its running trial.
  case heartbeat(trial: Int, worker: String)
  /// A value reported while training.
  case reported(trial: Int, step: Int, value: Double)
  /// A trial finished: the whole record. The first finished line of a trial wins.
  case finished(TrialRecord)
  /// A running trial taken to be dead, to run again under its number.
  case requeued(trial: Int, by: String)
  /// A point queued to run before the strategy's proposals.
  case enqueued(Candidate)
}

/// The JSON shape of a journal line: `op` and the fields that operation uses.
struct JournalLine: Codable {
  var op: String
  var record: TrialRecord?
  var trial: Int?
  var worker: String?
  var step: Int?
  var value: Double?
  var parameters: ParameterSet?
  var budget: Budget?
  var tags: [String: ParameterValue]?
  var proposal: ProposalID?

  init(_ operation: JournalOperation) {
    switch operation {
    case .created(let record): self.init(op: "created", record: record)
    case .heartbeat(let trial, let worker): self.init(op: "heartbeat", trial: trial, worker: worker)
    case .reported(let trial, let step, let value): self.init(op: "reported", trial: trial, step: step, value: value)
    case .finished(let record): self.init(op: "finished", record: record)
    case .requeued(let trial, let worker): self.init(op: "requeued", trial: trial, worker: worker)
    case .enqueued(let candidate):
      self.init(op: "enqueued", parameters: candidate.parameters, budget: candidate.budget, tags: candidate.tags,
                proposal: candidate.proposal)
    }
  }

  init(op: String, record: TrialRecord? = nil, trial: Int? = nil, worker: String? = nil, step: Int? = nil, value: Double? = nil,
       parameters: ParameterSet? = nil, budget: Budget? = nil, tags: [String: ParameterValue]? = nil, proposal: ProposalID? = nil) {
    self.op = op
    self.record = record
    self.trial = trial
    self.worker = worker
    self.step = step
    self.value = value
    self.parameters = parameters
    self.budget = budget
    self.tags = tags
    self.proposal = proposal
  }

  var operation: JournalOperation? {
    switch op {
    case "created": return record.map(JournalOperation.created)
    case "finished": return record.map(JournalOperation.finished)
    case "heartbeat":
      guard let trial, let worker else { return nil }
      return .heartbeat(trial: trial, worker: worker)
    case "reported":
      guard let trial, let step, let value else { return nil }
      return .reported(trial: trial, step: step, value: value)
    case "requeued":
      guard let trial, let worker else { return nil }
      return .requeued(trial: trial, by: worker)
    case "enqueued":
      guard let parameters, let proposal else { return nil }
      return .enqueued(Candidate(parameters, budget: budget, tags: tags ?? [:], proposal: proposal))
    default: return nil
    }
  }
}

/// The study's record on disk, shared by every process that opens it (format 2): a header line
/// with the study's fingerprint, then one JSON line per change (``JournalOperation``): `created`,
/// `heartbeat`, `reported`, `finished`, `requeued`, `enqueued`. Every process applies the lines in
/// file order, so all reach the same record. Appends are whole lines under an exclusive lock,
/// flushed to disk before the change is visible; reads continue from the last offset. Non-finite
/// scores are written as `"nan"`, `"inf"`.
final class StudyJournal: @unchecked Sendable {
  let file: JournalFile
  let options: JournalOptions
  private var pending: [JournalOperation] = []
  private var lineNumber = 1
  private let encoder = StudyJournal.makeEncoder()
  private let decoder = StudyJournal.makeDecoder()

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

  /// Opens the journal at `path`, creating it with `fingerprint` as its header, or checking the
  /// header of an existing one (refused when its fingerprint differs).
  init(path: String, fingerprint: StudyFingerprint, options: JournalOptions = JournalOptions()) throws(LearnError) {
    guard options.heartbeatInterval > 0, options.staleAfter >= 2 * options.heartbeatInterval else {
      throw .invalidArgument(
        name: "journalOptions", reason: "staleAfter (\(options.staleAfter) s) must be at least twice the heartbeat interval "
          + "(\(options.heartbeatInterval) s), which must be positive")
    }
    if case .lockFile(let lockStale) = options.locking, lockStale >= options.staleAfter {
      throw .invalidArgument(
        name: "journalOptions", reason: "a stale lock file (\(lockStale) s) must be broken before trials count as dead (\(options.staleAfter) s)")
    }
    file = try JournalFile(path: path, locking: options.locking)
    self.options = options
    try file.withLock { () throws(LearnError) in
      var (lines, end) = try file.readNewLines()
      guard !lines.isEmpty else {
        guard let header = try? encoder.encode(fingerprint) else { throw .io(path: path, reason: "could not encode the header") }
        try file.append([header])
        return
      }
      let first = lines.removeFirst()
      guard let stored = try? decoder.decode(StudyFingerprint.self, from: Data(first)) else {
        throw .invalidArgument(name: "journal", reason: "\(path) is not a Learn study journal (format \(fingerprint.format))")
      }
      let differing = stored.differences(from: fingerprint)
      guard differing.isEmpty else {
        throw .invalidArgument(
          name: "journal",
          reason: "\(path) was written by a different search (\(differing.joined(separator: ", ")) differ); use a new journal path")
      }
      pending = try decode(lines)
      file.commit(end)
    }
  }

  var path: String { file.path }

  private func decode(_ lines: [ArraySlice<UInt8>]) throws(LearnError) -> [JournalOperation] {
    var operations: [JournalOperation] = []
    for line in lines {
      lineNumber += 1
      guard let decoded = try? decoder.decode(JournalLine.self, from: Data(line)), let operation = decoded.operation else {
        throw .io(path: path, reason: "line \(lineNumber) is not a readable journal record")
      }
      operations.append(operation)
    }
    return operations
  }

  /// The operations appended by other processes since the last call, in file order. Lines that
  /// cannot be decoded are left unread (and the error thrown), never skipped.
  func readOperations() throws(LearnError) -> [JournalOperation] {
    let (lines, end) = try file.readNewLines()
    let start = lineNumber
    let decoded: [JournalOperation]
    do {
      decoded = try decode(lines)
    } catch {
      lineNumber = start
      throw error
    }
    file.commit(end)
    let operations = pending + decoded
    pending = []
    return operations
  }

  /// Runs `body` holding the lock shared with other processes.
  func withLock<T>(_ body: () throws(LearnError) -> T) throws(LearnError) -> T { try file.withLock(body) }

  /// Appends `operations` as whole lines and flushes them to disk (call while holding the lock).
  func append(_ operations: [JournalOperation]) throws(LearnError) {
    var lines: [Data] = []
    for operation in operations {
      guard let line = try? encoder.encode(JournalLine(operation)) else {
        throw .io(path: path, reason: "could not encode a journal record")
      }
      lines.append(line)
    }
    try file.append(lines)
    lineNumber += lines.count
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
    else {
      // Length first, so that ["ab", "c"] and ["a", "bc"] differ.
      let text = String(describing: target)
      hash.add(UInt64(text.utf8.count))
      hash.add(text)
    }
  }
  return hash.hex
}

/// A checksum of the folds.
/// One key for a study's fingerprint fields (in key order): what a checkpoint file records, so
/// files of another study are never continued.
func fingerprintKey(_ fields: [String: String]) -> String {
  var hash = StableHash()
  for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
    hash.add(key)
    hash.add(0)
    hash.add(value)
    hash.add(0)
  }
  return hash.hex
}

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
