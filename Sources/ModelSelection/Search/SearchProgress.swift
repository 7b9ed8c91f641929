import Foundation
import LearnCore

/// How a search reports progress. `verbose` follows scikit-learn's meaning: 0 silent; 1 a summary
/// line and (on a terminal) a progress bar on standard error; 2 one line per trial; 3 also every
/// trial's parameters and fold scores. `onTrial` is called after every trial, in the order the
/// trials finished (trial-number order with one worker), one call at a time, on a worker thread.
public struct SearchProgress: Sendable {
  /// The verbosity level (scikit-learn's `verbose`).
  public var verbose: Int
  /// Called with each finished trial.
  public var onTrial: (@Sendable (TrialRecord) -> Void)?

  /// Progress reporting; silent by default.
  public init(verbose: Int = 0, onTrial: (@Sendable (TrialRecord) -> Void)? = nil) {
    self.verbose = verbose
    self.onTrial = onTrial
  }

  func start(_ status: ExecutorProgress) {
    guard verbose >= 1 else { return }
    let total = status.expected.map { n in "\(status.maxTrials.map { Swift.min($0, n) } ?? n)" }
      ?? "up to \(status.maxTrials.map(String.init) ?? "?")"
    write("Fitting \(status.folds) folds for each of \(total) candidates (\(status.name))\n")
  }

  func report(_ record: TrialRecord, _ status: ExecutorProgress) {
    onTrial?(record)
    guard verbose >= 1 else { return }
    let metric = status.metric
    if verbose >= 2 {
      let score = record.status == .complete ? String(format: "%.4f", record.meanTestScore(metric)) : record.status.description
      var line = "[trial \(record.index)] \(metric)=\(score)"
      if verbose >= 3 {
        line += " " + record.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        line += " folds=" + (record.testScores[metric] ?? []).map { String(format: "%.4f", $0) }.joined(separator: ",")
      }
      write(line + "\n")
    } else if isatty(2) != 0 {
      let elapsed = status.elapsed, done = status.finished
      var bar = "\r\(done)"
      if let total = status.expected.map({ n in status.maxTrials.map { Swift.min($0, n) } ?? n }), total > 0 {
        let filled = Swift.min(30, Int(Double(30 * done) / Double(total)))
        let remaining = elapsed / Double(done) * Double(Swift.max(0, total - done))
        bar += "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: Swift.max(0, 30 - filled))
          + "]" + String(format: " eta %.0fs", remaining)
      }
      bar += String(format: " best %@=%.4f elapsed %.1fs", metric, status.best ?? .nan, elapsed)
      write(bar)
    }
  }

  func finish(_ status: ExecutorProgress) {
    guard verbose >= 1 else { return }
    if verbose == 1, isatty(2) != 0 { write("\n") }
    write(String(format: "%d trials in %.1fs (%d failed)\n", status.finished, status.elapsed, status.failed))
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(text.data(using: .utf8)!)
  }
}
