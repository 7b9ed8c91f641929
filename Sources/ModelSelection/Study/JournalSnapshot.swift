import Foundation
import LearnCore

/// What a study journal holds at the moment it is read: its trials as a results table and the
/// settings its header records. Reading takes no lock and writes nothing, so a journal that other
/// processes are still appending to can be read at any time: only whole lines count (a line being
/// written is left for the next read), and trials still running appear as `running`.
public struct JournalSnapshot: Sendable, Hashable {
  /// The trials, by number, as every process sharing the journal sees them.
  public var results: SearchResults
  /// The header's settings by name (estimator, strategy or search space, scoring, seed…), as the
  /// search that created the journal wrote them.
  public var settings: [String: String]

  /// Reads the journal at `path`.
  ///
  /// - Throws: ``LearnCore/LearnError/io(path:reason:)`` when the file cannot be read, its first
  ///   line is not a Learn journal header, or a complete line is not a journal record (the line
  ///   number is named).
  public init(reading path: String) throws(LearnError) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw .io(path: path, reason: "could not read the journal: \(error.localizedDescription)")
    }
    try self.init(data: data, name: path)
  }

  /// Reads a journal's contents, `data`; errors name it `name` (as they name a path).
  ///
  /// - Throws: ``LearnCore/LearnError/io(path:reason:)`` as ``init(reading:)`` does.
  public init(data: Data, name path: String) throws(LearnError) {
    var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    lines.removeLast()  // the text after the last newline: empty, or a line still being written
    guard let header = lines.first else { throw .io(path: path, reason: "the journal is empty") }
    let decoder = StudyJournal.makeDecoder()
    guard let fingerprint = try? decoder.decode(StudyFingerprint.self, from: Data(header)) else {
      throw .io(path: path, reason: "line 1 is not a Learn study journal header")
    }
    guard fingerprint.format == StudyFingerprint(fields: [:]).format else {
      throw .io(path: path, reason: "journal format \(fingerprint.format); this version reads \(StudyFingerprint(fields: [:]).format)")
    }
    var state = StudyState()
    let blank = Set(" \t\r".utf8)
    for (offset, line) in lines.dropFirst().enumerated() where !line.allSatisfy(blank.contains) {
      guard let decoded = try? decoder.decode(JournalLine.self, from: Data(line)), let operation = decoded.operation else {
        throw .io(path: path, reason: "line \(offset + 2) is not a readable journal record")
      }
      state.apply(operation)
    }
    settings = fingerprint.fields
    let trials = state.trials
    let metrics = Self.metrics(settings: fingerprint.fields, trials: trials)
    let splits = trials.map { $0.testScores[metrics[0]]?.count ?? 0 }.max() ?? 1
    let direction = fingerprint.fields["direction"].flatMap(StudyDirection.init(rawValue:)) ?? .maximize
    results = SearchResults(
      trials: trials, metrics: metrics, splits: Swift.max(splits, 1), direction: direction,
      objectives: Objective.fromHeader(fingerprint.fields["objectives"]))
  }

  /// The scorer names in the header's order (`scoring` is written as `["a", "b"]`), else those the
  /// trials carry, sorted; `value` for a study of a plain objective.
  static func metrics(settings: [String: String], trials: [TrialRecord]) -> [String] {
    if let scoring = settings["scoring"], let names = try? JSONDecoder().decode([String].self, from: Data(scoring.utf8)),
       !names.isEmpty {
      return names
    }
    let seen = Set(trials.flatMap { $0.testScores.keys }).sorted()
    return seen.isEmpty ? ["value"] : seen
  }

  /// The name of the strategy that wrote the journal (the start of its `strategy` or
  /// `strategy or search space` setting, such as `random`, `tpe` or `hyperband`), when recorded.
  public var strategyName: String? {
    guard let text = settings["strategy or search space"] ?? settings["strategy"] else { return nil }
    let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    return name.isEmpty ? nil : String(name)
  }

  /// Trials by status (``SearchResults/statusCounts``).
  public var statusCounts: SearchResults.StatusCounts { results.statusCounts }
}
