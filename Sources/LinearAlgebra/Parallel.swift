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
/// This file (with ``SpinTeam``) is the audited place for `@unchecked Sendable` in the numeric code (the search
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

/// Threads that wait for work by spinning, for loops too short for ``Parallel`` (a
/// `concurrentPerform` wakes its workers in tens of microseconds; a spinning thread starts in well
/// under one).
///
/// One owner thread creates the team, hands it work with ``run(_:)`` as often as it likes, and
/// ``stop()``s it when done. Between calls the team's threads spin for two milliseconds,
/// then sleep until the next call wakes them; the owner waits for them the same way. So a team
/// costs a core only while work comes quickly, and a thread that loses its core (more threads
/// than cores) is waited for by spinning 2 ms at most. A piece is run by the thread it was
/// handed to, so a member that sleeps or lost its core delays the call until it runs again.
/// Create one around a hot loop that has been
/// granted that many threads, never for a whole program. The invariant every caller keeps is
/// ``Parallel``'s: part `k` writes only its own slice or slot, and the owner combines the parts in
/// part order, so the result does not depend on the team's size.
///
/// Only the owner calls ``run(_:)`` and ``slices(of:work:minimumWork:_:)`` (the team is not
/// `Sendable`), never after ``stop()``. The members do not bind the owner's ``JobContext``: a body
/// must not check for cancellation or start ``Parallel`` loops of its own.
public final class SpinTeam {
  /// The number of parts one ``run(_:)`` splits its work into: the owner and the other threads.
  public let size: Int
  private let state: SpinTeamState

  /// A team of `threads` (at least 1; 1 means the owner alone, with no other thread).
  public init(threads: Int) {
    size = Swift.max(1, threads)
    state = SpinTeamState(members: size - 1)
    for member in 1..<size {
      let state = state
      let thread = Thread { state.serve(member: member) }
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  deinit { stop() }

  /// Runs `body(part)` for every part in `0 ..< size`, part 0 on the calling thread and the others
  /// on the team's threads, and returns when all are done. `body` must not call ``run(_:)``.
  public func run(_ body: (Int) -> Void) {
    guard size > 1 else { return body(0) }
    precondition(!state.stopping.load(ordering: .relaxed), "SpinTeam.run after stop()")
    withoutActuallyEscaping(body) { body in
      state.task = body
      let ticket = state.posted.add(1, ordering: .sequentiallyConsistent).newValue
      for member in state.members where member.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
        member.wake.signal()
      }
      body(0)
      state.waitForMembers(finishedCount: ticket &* (size - 1))
      state.task = nil
    }
  }

  /// Runs `body(piece, slice)` over consecutive slices ("pieces") of `range` on the team's
  /// threads when `work` is at least `minimumWork`; else `body(0, range)` on the calling thread
  /// alone. Piece boundaries fall on multiples of 4 from `range.lowerBound`, so a loop that handles
  /// four elements at a time groups them as over the whole range; trailing pieces may be empty.
  /// Returns the number of pieces, at most ``piecesPerRun``, for the caller to combine their
  /// results in piece order (which thread ran a piece does not matter).
  ///
  /// Work below ``claimingWork`` is cut into one piece per thread, each thread taking its own; more
  /// is cut into four pieces per thread, which threads claim one at a time after their own, so
  /// threads that run at different speeds (one of them faulting in fresh pages, say) still finish
  /// together. Claiming costs an atomic operation per piece, too much for the shortest loops.
  @discardableResult
  public func slices(of range: Range<Int>, work: Int, minimumWork: Int, _ body: (Int, Range<Int>) -> Void) -> Int {
    guard size > 1, work >= minimumWork, range.count >= 8 else {
      body(0, range)
      return 1
    }
    let pieces = work >= Self.claimingWork ? piecesPerRun : size
    let step = (range.count + 4 * pieces - 1) / (4 * pieces) * 4
    let start = range.lowerBound, end = range.upperBound
    let size = size
    claimed.store(size, ordering: .relaxed)
    run { part in
      var piece = part
      while piece < pieces {
        let lower = Swift.min(end, start + piece * step)
        body(piece, lower..<Swift.min(end, lower + step))
        if pieces == size { return }
        piece = claimed.add(1, ordering: .relaxed).oldValue
      }
    }
    return pieces
  }

  /// The most pieces one ``slices(of:work:minimumWork:_:)`` call makes: four per thread.
  public var piecesPerRun: Int { 4 * size }

  /// The work from which ``slices(of:work:minimumWork:_:)`` lets threads claim pieces.
  public static var claimingWork: Int { 1 << 16 }

  /// The next piece to claim in the current ``slices(of:work:minimumWork:_:)`` call.
  private let claimed = Atomic<Int>(0)

  /// Ends the team's threads (they finish no further work). Called by `deinit` too.
  public func stop() {
    state.stop()
  }
}

/// What a ``SpinTeam``'s threads share: the posted task, how many tasks were posted, how many
/// parts have finished over all tasks, and who is asleep.
///
/// Sleeping never loses a wake-up: a sleeper raises its flag, then checks once more for what it
/// waits for before it blocks; the waker publishes first, then takes the flag down and signals if
/// it was up. Either the sleeper sees the news or the waker sees the flag (a signal that finds
/// the sleeper already awake only makes a later wait return early, and every wait is in a loop
/// that checks again).
private final class SpinTeamState: @unchecked Sendable {
  /// One member thread's sleeping flag and the semaphore that wakes it.
  final class Member: Sendable {
    let sleeping = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
  }

  let posted = Atomic<Int>(0)
  let finished = Atomic<Int>(0)
  let stopping = Atomic<Bool>(false)
  let members: [Member]
  /// The owner's sleeping flag while it waits for the members, and its semaphore.
  let ownerSleeping = Atomic<Bool>(false)
  let ownerWake = DispatchSemaphore(value: 0)
  /// Written by the owner before it publishes a ticket through `posted`, read by the members after
  /// they see it, cleared by the owner after every member has reported.
  var task: ((Int) -> Void)?
  /// How long a waiting thread spins before it sleeps: long enough to span the serial stretches
  /// between the owner's calls and most stalls of a thread that lost its core for a moment
  /// (waking a sleeper took up to a scheduler tick, about 4 ms, in this project's virtual
  /// machine: with 0.2 ms here, 2,000 empty hand-offs averaged up to 9 µs instead of 0.4),
  /// short enough that a team left idle gives its cores back soon.
  static var spinNanoseconds: UInt64 { 2_000_000 }

  /// Whether a thread that started spinning at `since` (0: not yet noted, so now) has spun for
  /// ``spinNanoseconds``.
  @inline(__always)
  static func hasSpunLongEnough(since: inout UInt64) -> Bool {
    let now = DispatchTime.now().uptimeNanoseconds
    if since == 0 { since = now }
    return now &- since >= spinNanoseconds
  }

  init(members: Int) {
    self.members = (0..<members).map { _ in Member() }
  }

  /// A member's loop: run part `member` of every posted task, spinning, then sleeping, in between.
  func serve(member: Int) {
    let me = members[member - 1]
    var seen = 0
    var idle = 0
    var idleSince: UInt64 = 0
    while true {
      let ticket = posted.load(ordering: .acquiring)
      if ticket != seen {
        seen = ticket
        // The scope matters: the member's reference to the owner's closure must end before
        // `finished` reports the part done, since the owner then returns from
        // `withoutActuallyEscaping`, which checks that nothing else holds the closure.
        do {
          let body = task!
          body(member)
        }
        let done = finished.add(1, ordering: .sequentiallyConsistent).newValue
        if done == ticket &* members.count, ownerSleeping.exchange(false, ordering: .sequentiallyConsistent) {
          ownerWake.signal()
        }
        idleSince = 0
        continue
      }
      if stopping.load(ordering: .acquiring) { return }
      idle &+= 1
      if idle & 1023 == 0, Self.hasSpunLongEnough(since: &idleSince) {
        me.sleeping.store(true, ordering: .sequentiallyConsistent)
        if posted.load(ordering: .sequentiallyConsistent) == seen && !stopping.load(ordering: .sequentiallyConsistent) {
          me.wake.wait()
        }
        me.sleeping.store(false, ordering: .sequentiallyConsistent)
        idleSince = 0
      }
    }
  }

  /// The owner's wait until `finishedCount` parts have finished: spinning, then sleeping.
  func waitForMembers(finishedCount: Int) {
    var spins = 0
    var since: UInt64 = 0
    while finished.load(ordering: .acquiring) != finishedCount {
      spins &+= 1
      if spins & 1023 == 0, Self.hasSpunLongEnough(since: &since) {
        ownerSleeping.store(true, ordering: .sequentiallyConsistent)
        if finished.load(ordering: .sequentiallyConsistent) != finishedCount { ownerWake.wait() }
        ownerSleeping.store(false, ordering: .sequentiallyConsistent)
        since = 0
      }
    }
  }

  /// Tells the members to end and wakes the sleeping ones.
  func stop() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    for member in members where member.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
      member.wake.signal()
    }
  }
}
