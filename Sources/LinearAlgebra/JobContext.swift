import Synchronization

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A flag one thread sets to ask work running on other threads to stop.
///
/// Setting it does not interrupt anything: iterative fits check it between trees, epochs or
/// iterations (through ``JobContext/isCancelled``) and throw when they see it set.
public final class CancellationFlag: Sendable {
  private let state = Atomic<Bool>(false)
  /// A flag whose cancellation this one inherits (an outer search's timeout, around an inner one's).
  public let parent: CancellationFlag?

  /// A flag that is not set; with a `parent`, it also reads as set once the parent is.
  public init(parent: CancellationFlag? = nil) { self.parent = parent }

  /// Sets the flag. It stays set; calling this again does nothing.
  public func cancel() { state.store(true, ordering: .releasing) }

  /// Whether ``cancel()`` has been called on this flag or on one of its parents.
  public var isCancelled: Bool { state.load(ordering: .acquiring) || (parent?.isCancelled ?? false) }
}

extension CancellationFlag: Hashable {
  /// The same flag.
  public static func == (a: CancellationFlag, b: CancellationFlag) -> Bool { a === b }
  /// The flag's identity.
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// What a unit of work (one fit of a search's fan-out, say) tells everything it runs: how many
/// threads it may use and whether it should stop.
///
/// A context is bound to the calling thread with ``with(_:_:)`` and read with ``current``.
/// ``Parallel/forEach(_:parallelism:_:)`` (and so `map` and `mapResults`) caps its threads by
/// ``maxThreads`` and binds the caller's context on its worker threads, so the context travels
/// with the work into nested parallel loops.
///
/// ```swift
/// let flag = CancellationFlag()
/// let model = try JobContext.with(JobContext(maxThreads: 1, cancellation: flag)) {
///   try forest.fit(x, y)   // grows its trees on this thread only; stops if `flag` is set
/// }
/// ```
public struct JobContext: Sendable {
  /// The most threads any ``Parallel`` call inside the job may use (values below 1 mean 1);
  /// `nil` for no cap.
  public var maxThreads: Int?
  /// The flag that cancels the job, if it can be cancelled.
  public var cancellation: CancellationFlag?
  /// Where the job's warnings go (``LearnWarning/emit(_:_:)``), if anyone gathers them.
  public var warnings: WarningSink?

  /// A context with the given thread cap, cancellation flag and warning sink (by default none).
  public init(maxThreads: Int? = nil, cancellation: CancellationFlag? = nil, warnings: WarningSink? = nil) {
    self.maxThreads = maxThreads
    self.cancellation = cancellation
    self.warnings = warnings
  }

  /// The context bound to the calling thread by the innermost ``with(_:_:)``, or `nil`.
  ///
  /// A thread-local read (`pthread_getspecific`), a few nanoseconds.
  public static var current: JobContext? { JobContextBox.current?.context }

  /// Whether the calling thread's job has been cancelled: its context has a cancellation flag and
  /// the flag is set. Cheap enough to call once per tree, epoch or solver iteration.
  public static var isCancelled: Bool {
    guard let raw = JobContextSlot.raw else { return false }
    return Unmanaged<JobContextBox>.fromOpaque(raw)._withUnsafeGuaranteedRef {
      $0.context.cancellation?.isCancelled ?? false
    }
  }

  /// Runs `body` on the calling thread with `context` bound as ``current``, then restores the
  /// context that was bound before (so calls nest). Only this thread sees the binding, and
  /// ``Parallel`` carries it to its worker threads.
  public static func with<T, E: Error>(_ context: JobContext, _ body: () throws(E) -> T) throws(E) -> T {
    let box = JobContextBox(context)
    defer { withExtendedLifetime(box) {} }
    return try JobContextSlot.bind(Unmanaged.passUnretained(box).toOpaque(), body)
  }
}

/// The heap copy of a context that the thread-local slot points to. The slot does not own it: the
/// ``JobContext/with(_:_:)`` call that made it keeps it alive while it is bound.
final class JobContextBox: Sendable {
  let context: JobContext

  init(_ context: JobContext) { self.context = context }

  /// The box bound to the calling thread.
  static var current: JobContextBox? {
    guard let raw = JobContextSlot.raw else { return nil }
    return Unmanaged<JobContextBox>.fromOpaque(raw).takeUnretainedValue()
  }

  /// The thread cap of the calling thread's context, without copying the context.
  static var currentMaxThreads: Int? {
    guard let raw = JobContextSlot.raw else { return nil }
    return Unmanaged<JobContextBox>.fromOpaque(raw)._withUnsafeGuaranteedRef { $0.context.maxThreads }
  }
}

/// The thread-local slot holding an unretained pointer to the bound ``JobContextBox``.
///
/// `pthread_getspecific` costs a few nanoseconds; a `@TaskLocal` read measured about three times
/// as much outside a task (and a bind about twice as much), so the slot is a pthread key.
enum JobContextSlot {
  /// Created once, never deleted; no destructor, since bindings are always restored.
  static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "pthread_key_create failed (\(status))")
    return key
  }()

  /// The calling thread's bound box pointer, or `nil`.
  @inline(__always)
  static var raw: UnsafeMutableRawPointer? { pthread_getspecific(key) }

  /// Runs `body` with `raw` (a box pointer, or `nil` for no context) bound on the calling thread,
  /// then restores the previous binding, also when `body` throws.
  @inline(__always)
  static func bind<T, E: Error>(_ raw: UnsafeMutableRawPointer?, _ body: () throws(E) -> T) throws(E) -> T {
    let outer = pthread_getspecific(key)
    pthread_setspecific(key, raw)
    defer { pthread_setspecific(key, outer) }
    return try body()
  }
}
