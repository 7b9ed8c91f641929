import LinearAlgebra

/// Spaces the cancellation checks of an iterative fit by the work done between them, so a loop
/// whose steps range from microseconds to seconds checks about once per millisecond of work.
///
/// The first ``check(after:_:)`` always checks (a fit started in a cancelled job throws at once);
/// later ones check once at least ``interval`` units of work were reported since the last check.
/// A unit is roughly one multiply-add (a sample × a feature, a weight × a row): the default
/// interval of 2²⁰ units is a fraction of a millisecond to a few milliseconds.
///
/// ```swift
/// var checkpoint = CancellationCheckpoint()
/// for epoch in 0..<epochs {
///   try checkpoint.check(after: rows * features, "before epoch \(epoch + 1) of \(epochs)")
///   …
/// }
/// ```
public struct CancellationCheckpoint: Sendable {
  /// Units of work between two checks.
  public let interval: Int
  @usableFromInline var remaining = 0

  /// A checkpoint that checks on its first call and then once every `interval` units of work.
  public init(interval: Int = 1 << 20) {
    self.interval = Swift.max(1, interval)
  }

  /// Counts `work` units (the work about to be done or just done) and, when due, throws
  /// ``LearnError/cancelled(_:)`` with the message `position` if the calling thread's job is
  /// cancelled. An integer subtraction when not due.
  @inlinable
  public mutating func check(after work: Int, _ position: @autoclosure () -> String) throws(LearnError) {
    remaining &-= work
    if remaining > 0 { return }
    remaining = interval
    try Validation.checkCancellation(position())
  }
}
