import Foundation
import LinearAlgebra
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An identity of the calling thread, comparable across threads.
private func currentThread() -> UInt {
  #if canImport(Darwin)
  return UInt(bitPattern: pthread_self())
  #else
  return UInt(pthread_self())
  #endif
}

/// What each iteration of a parallel loop saw: its thread, and the context bound on it.
private struct Observation: Sendable {
  var thread: UInt
  var maxThreads: Int?
  var flag: CancellationFlag?
}

/// Runs `Parallel.forEach` over `count` iterations that each sleep `sleep` seconds (so a second
/// thread joins in when the loop may use one) and returns what every iteration saw, by index.
///
/// With `awaitingWorker`, iterations on the calling thread also wait (up to 10 s) until some
/// iteration has run on another thread, so a busy dispatch pool cannot leave every iteration on
/// the caller.
private func observe(_ count: Int, parallelism: Parallelism, sleep: Double = 0.002,
                     awaitingWorker: Bool = false) -> [Observation] {
  let caller = currentThread()
  let seen = Mutex<[Int: Observation]>([:])
  let offCaller = Atomic<Int>(0)
  Parallel.forEach(count, parallelism: parallelism) { i in
    let context = JobContext.current
    let observation = Observation(thread: currentThread(), maxThreads: context?.maxThreads, flag: context?.cancellation)
    seen.withLock { $0[i] = observation }
    if observation.thread != caller { offCaller.add(1, ordering: .relaxed) }
    Thread.sleep(forTimeInterval: sleep)
    var waited = 0.0
    while awaitingWorker && observation.thread == caller && offCaller.load(ordering: .relaxed) == 0 && waited < 10 {
      Thread.sleep(forTimeInterval: 0.001)
      waited += 0.001
    }
  }
  return seen.withLock { table in (0..<count).map { table[$0]! } }
}

@Suite struct JobContextTests {
  @Test func aFlagReadsAsSetOnceItsParentIs() {
    let outer = CancellationFlag(), inner = CancellationFlag(parent: outer)
    #expect(!inner.isCancelled)
    outer.cancel()
    #expect(inner.isCancelled && outer.isCancelled)
    let other = CancellationFlag(parent: CancellationFlag())
    other.cancel()
    #expect(other.isCancelled && !(other.parent!.isCancelled))
  }

  @Test func noContextIsBoundByDefault() {
    #expect(JobContext.current == nil)
    #expect(!JobContext.isCancelled)
  }

  @Test func contextIsVisibleInParallelIterationsOnWorkerThreads() {
    let flag = CancellationFlag()
    let caller = currentThread()
    let observations = JobContext.with(JobContext(maxThreads: 4, cancellation: flag)) {
      observe(32, parallelism: .threads(4), awaitingWorker: true)
    }
    // The caller's flag, and one thread for any loop nested inside: only the outermost level fans out.
    #expect(observations.allSatisfy { $0.flag === flag && $0.maxThreads == 1 })
    // The binding crossed to other threads: some iterations ran off the calling thread.
    #expect(observations.contains { $0.thread != caller })
    // Outside the context, the same loop sees no flag (worker threads keep no stale binding), only
    // the cap on nested loops.
    #expect(observe(16, parallelism: .threads(4), sleep: 0.001).allSatisfy { $0.flag == nil && $0.maxThreads == 1 })
  }

  @Test func oneThreadMeansTheCallingThreadOnly() {
    let caller = currentThread()
    for parallelism in [Parallelism.automatic, .threads(8)] {
      let observations = JobContext.with(JobContext(maxThreads: 1)) {
        observe(16, parallelism: parallelism)
      }
      #expect(observations.allSatisfy { $0.thread == caller }, "\(parallelism)")
    }
    JobContext.with(JobContext(maxThreads: 1)) {
      #expect(Parallelism.automatic.threadCount == 1)
      #expect(Parallelism.threads(8).threadCount == 1)
    }
    JobContext.with(JobContext(maxThreads: 3)) {
      #expect(Parallelism.threads(8).threadCount == 3)
      #expect(Parallelism.threads(2).threadCount == 2)
      #expect(Parallelism.serial.threadCount == 1)
    }
    JobContext.with(JobContext(maxThreads: 0)) { #expect(Parallelism.automatic.threadCount == 1) }
    #expect(Parallelism.threads(8).threadCount == 8)
    #expect(Parallelism.automatic.threadCount == Parallel.coreCount)
  }

  @Test func nestedWithRestoresTheOuterContext() throws {
    let outerFlag = CancellationFlag(), innerFlag = CancellationFlag()
    struct Failure: Error {}
    JobContext.with(JobContext(maxThreads: 2, cancellation: outerFlag)) {
      #expect(JobContext.current?.maxThreads == 2)
      let inner = JobContext.with(JobContext(maxThreads: 1, cancellation: innerFlag)) { JobContext.current }
      #expect(inner?.maxThreads == 1 && inner?.cancellation === innerFlag)
      #expect(JobContext.current?.maxThreads == 2 && JobContext.current?.cancellation === outerFlag)
      // A body that throws restores the outer context too.
      #expect(throws: Failure.self) {
        try JobContext.with(JobContext(maxThreads: 1)) { () throws(Failure) in throw Failure() }
      }
      #expect(JobContext.current?.maxThreads == 2)
    }
    #expect(JobContext.current == nil)
  }

  @Test func contextTravelsIntoNestedParallelLoops() {
    let flag = CancellationFlag()
    let inner = Mutex<[Bool]>([])
    JobContext.with(JobContext(cancellation: flag)) {
      Parallel.forEach(4, parallelism: .threads(2)) { _ in
        let seen = observe(4, parallelism: .threads(2), sleep: 0.001).map { $0.flag === flag }
        inner.withLock { $0 += seen }
      }
    }
    #expect(inner.withLock { $0.count == 16 && $0.allSatisfy { $0 } })
  }

  @Test func cancellationIsSeenThroughTheContext() {
    let flag = CancellationFlag()
    #expect(!flag.isCancelled)
    JobContext.with(JobContext(cancellation: flag)) {
      #expect(!JobContext.isCancelled)
      flag.cancel()
      #expect(JobContext.isCancelled)
      // Workers see it too.
      let seen = Mutex<[Bool]>([])
      Parallel.forEach(8, parallelism: .threads(2)) { _ in seen.withLock { $0.append(JobContext.isCancelled) } }
      #expect(seen.withLock { $0.count == 8 && $0.allSatisfy { $0 } })
    }
    #expect(flag.isCancelled)
    #expect(!JobContext.isCancelled)
    JobContext.with(JobContext(maxThreads: 1)) { #expect(!JobContext.isCancelled) }
  }

  @Test func mapResultsAreTheSameForAnyThreadCap() throws {
    func run() throws -> [Double] {
      try Parallel.map(100, parallelism: .automatic) { i in (0...i).reduce(0.0) { $0 + 1 / Double($1 + 1) } }
    }
    let free = try run()
    let capped = try JobContext.with(JobContext(maxThreads: 1)) { try run() }
    #expect(free == capped)
  }
}
