import Dispatch
import Foundation
import Synchronization

/// How many threads a computation may use (scikit-learn's `n_jobs`).
///
/// Parallelise the outermost level only: a search that fans out (candidate × fold) jobs runs each
/// fit with ``serial``; a lone fit may use ``automatic``.
public enum Parallelism: Sendable, Hashable, Codable, CustomStringConvertible {
  /// One thread.
  case serial
  /// One thread per active processor core.
  case automatic
  /// At most the given number of threads (values below 1 mean 1).
  case threads(Int)

  /// The number of threads this setting allows on this machine, within the calling thread's job
  /// cap (``JobContext/maxThreads``, when a ``JobContext`` is bound): inside a search's fan-out,
  /// where each job is capped at one thread, `.automatic` means 1.
  public var threadCount: Int {
    let requested: Int
    switch self {
    case .serial: return 1
    case .automatic: requested = Parallel.coreCount
    case .threads(let n): requested = Swift.max(1, n)
    }
    guard requested > 1, let cap = JobContextBox.currentMaxThreads else { return requested }
    return Swift.max(1, Swift.min(requested, cap))
  }

  /// A readable description, used in error messages and logs.
  public var description: String {
    switch self {
    case .serial: return "serial"
    case .automatic: return "automatic"
    case .threads(let n): return "threads(\(n))"
    }
  }
}

/// Learn's one fork-join helper over `DispatchQueue.concurrentPerform`.
///
/// This file is the audited place for `@unchecked Sendable` in the numeric code (the search
/// executor and the journal file are the others, each with its invariant documented there). The invariant every
/// caller keeps: iteration `i` writes only its own slot (or its own disjoint slice) of shared
/// storage, and results are combined afterwards on one thread in index order, so the outcome does
/// not depend on the number of threads or on scheduling.
///
/// The calling thread's ``JobContext`` travels with the work: it caps the thread count (through
/// ``Parallelism/threadCount``) and is bound on every worker thread for the iterations it runs, so
/// nested parallel loops and cancellation checks inside `body` see the caller's job.
public enum Parallel {
  /// Active processor cores on this machine, read once (on Linux `activeProcessorCount` reads
  /// cgroup files, about 40 µs a call, too slow for the per-row checks of hot loops).
  public static let coreCount: Int = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// Runs `body(i)` for every `i` in `0 ..< count` on up to `parallelism.threadCount` threads
  /// (capped by the calling thread's ``JobContext/maxThreads``) and returns when all are done.
  /// Iterations are handed out one at a time from a shared counter, so uneven work balances itself.
  /// One thread means the calling thread only. Each worker binds the caller's ``JobContext`` (or
  /// none) while it runs iterations, since thread-locals do not cross `concurrentPerform`, with
  /// `maxThreads` set to 1 when there are several workers: only the outermost level fans out, so a
  /// forest fitted inside cross-validation's folds grows its trees serially instead of
  /// oversubscribing the cores.
  public static func forEach(
    _ count: Int, parallelism: Parallelism = .automatic, _ body: @Sendable (Int) -> Void
  ) {
    guard count > 0 else { return }
    let workers = Swift.min(count, parallelism.threadCount)
    if workers == 1 {
      for i in 0..<count { body(i) }
      return
    }
    let counter = WorkCounter()
    var inner = JobContext.current ?? JobContext()
    inner.maxThreads = 1
    let context = inner
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      JobContext.with(context) {
        while true {
          let i = counter.next.add(1, ordering: .relaxed).oldValue
          if i >= count { break }
          body(i)
        }
      }
    }
  }

  /// `body(i)` for every `i` in `0 ..< count`, computed in parallel and returned in index order.
  /// If any iteration throws, the error of the lowest index is rethrown after all have finished.
  public static func map<T: Sendable>(
    _ count: Int, parallelism: Parallelism = .automatic, _ body: @Sendable (Int) throws -> T
  ) throws -> [T] {
    let results = mapResults(count, parallelism: parallelism, body)
    return try results.map { result in try result.get() }
  }

  /// Like ``map(_:parallelism:_:)`` but returns each iteration's outcome, failures included: a
  /// search records failed candidates instead of stopping.
  public static func mapResults<T: Sendable>(
    _ count: Int, parallelism: Parallelism = .automatic, _ body: @Sendable (Int) throws -> T
  ) -> [Result<T, any Error>] {
    var slots = [Result<T, any Error>?](repeating: nil, count: count)
    slots.withUnsafeMutableBufferPointer { buffer in
      let output = UncheckedSendable(buffer)
      forEach(count, parallelism: parallelism) { i in
        output.value[i] = Result { try body(i) }
      }
    }
    return slots.map { $0! }
  }
}

/// Carries a value the compiler cannot prove `Sendable` into a `concurrentPerform` closure. Only
/// ``Parallel`` uses it, under the invariant documented there.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
  @usableFromInline var value: Value
  @usableFromInline init(_ value: Value) { self.value = value }
}

/// The shared iteration counter of one ``Parallel/forEach(_:parallelism:_:)`` call.
private final class WorkCounter: Sendable {
  let next = Atomic<Int>(0)
}
