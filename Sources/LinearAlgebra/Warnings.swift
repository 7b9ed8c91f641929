import Synchronization

/// Something a fit, a metric or a splitter did that is not an error but should not pass in
/// silence: a solver that stopped at its iteration limit, a precision with no predicted
/// positives, a class too small for stratified folds, data too large for a model's arithmetic
/// (scikit-learn's `ConvergenceWarning`, `UndefinedMetricWarning`, `DataConversionWarning`).
///
/// Code that warns calls ``emit(_:_:)``. The warning reaches every ``WarningSink`` bound to the
/// calling thread's ``JobContext`` (``LearnCore``'s `collectingWarnings` binds one); with none
/// bound it is dropped, and costs a thread-local read. Fitted models also carry what they show
/// by themselves (`Predictor.warnings`: a solver that did not converge), and searches record
/// every warning per trial.
public struct LearnWarning: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The kind of warning; each can be turned into an error on its own (`WarningPolicy`).
  public enum Category: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// An iterative solver stopped at its iteration limit before meeting its tolerance
    /// (scikit-learn's `ConvergenceWarning`).
    case convergence
    /// A metric's value is not defined for these labels and was set by convention (precision
    /// with no predicted sample of a class, R² of one sample: scikit-learn's
    /// `UndefinedMetricWarning`).
    case undefinedMetric
    /// A class has fewer members than the stratified splitter's folds, so some test folds miss
    /// it (scikit-learn's warning of `StratifiedKFold`).
    case smallClass
    /// Data was converted in a way that loses information: distinct values that a tree's 32-bit
    /// thresholds cannot tell apart (scikit-learn's `DataConversionWarning`).
    case dataConversion
    /// Values so large that the model's arithmetic overflowed, so the fit says little (features
    /// near 1e300 without scaling).
    case numericalRange

    /// The name: `convergence`, `undefinedMetric`, `smallClass`, `dataConversion`, `numericalRange`.
    public var description: String { rawValue }
  }

  /// The kind of warning.
  public var category: Category
  /// What happened and where, in a sentence.
  public var message: String

  /// A warning of `category` saying `message`.
  public init(_ category: Category, _ message: String) {
    self.category = category
    self.message = message
  }

  /// `<category>: <message>`, the form trials and the command line record.
  public var description: String { "\(category): \(message)" }

  /// Sends a warning to the sinks bound to the calling thread; the message is only built when
  /// one is bound.
  public static func emit(_ category: Category, _ message: @autoclosure () -> String) {
    guard let sink = JobContext.current?.warnings else { return }
    sink.record(LearnWarning(category, message()))
  }

  /// Sends `warning` to the sinks bound to the calling thread.
  public static func emit(_ warning: LearnWarning) {
    JobContext.current?.warnings?.record(warning)
  }
}

/// Where warnings of a job are gathered: thread-safe, each distinct warning kept once, in the
/// order first seen. A sink made with a `parent` also passes every warning on to it, so an inner
/// fit's warnings reach the search around it.
public final class WarningSink: Sendable {
  private let items = Mutex<[LearnWarning]>([])
  /// The sink every warning is passed on to as well.
  public let parent: WarningSink?

  /// An empty sink; with a `parent`, warnings recorded here also go there.
  public init(parent: WarningSink? = nil) { self.parent = parent }

  /// Keeps `warning` unless an equal one is already here, and passes it to the parent.
  public func record(_ warning: LearnWarning) {
    items.withLock { items in
      if !items.contains(warning) { items.append(warning) }
    }
    parent?.record(warning)
  }

  /// The distinct warnings recorded so far, in the order first seen.
  public var warnings: [LearnWarning] { items.withLock { $0 } }
}
