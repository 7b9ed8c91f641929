import LearnCore
import LinearAlgebra
import Testing

@Suite struct CancellationTests {
  @Test func checkCancellationThrowsOnlyInACancelledJob() throws {
    try Validation.checkCancellation("outside any job")
    let flag = CancellationFlag()
    try JobContext.with(JobContext(cancellation: flag)) { () throws(LearnError) in
      try Validation.checkCancellation("before cancelling")
      flag.cancel()
      #expect(throws: LearnError.cancelled("after tree 37 of 100")) {
        try Validation.checkCancellation("after tree 37 of 100")
      }
    }
    // A context without a flag cannot be cancelled.
    try JobContext.with(JobContext(maxThreads: 1)) { () throws(LearnError) in try Validation.checkCancellation("x") }
    #expect(LearnError.cancelled("after tree 37 of 100").description == "cancelled after tree 37 of 100")
  }

  @Test func checkpointChecksFirstThenOncePerInterval() throws {
    let flag = CancellationFlag()
    flag.cancel()
    JobContext.with(JobContext(cancellation: flag)) {
      var checkpoint = CancellationCheckpoint(interval: 100)
      // The first call checks even after no work.
      #expect(throws: LearnError.cancelled("first")) { try checkpoint.check(after: 0, "first") }
      // Then 99 units of work are not enough to check again; the 100th is.
      #expect(throws: Never.self) { try checkpoint.check(after: 60, "early") }
      #expect(throws: Never.self) { try checkpoint.check(after: 39, "early") }
      #expect(throws: LearnError.cancelled("due")) { try checkpoint.check(after: 1, "due") }
      // One step larger than the interval checks every time.
      #expect(throws: LearnError.cancelled("big")) { try checkpoint.check(after: 500, "big") }
      #expect(throws: LearnError.cancelled("big")) { try checkpoint.check(after: 500, "big") }
    }
  }

  /// L-BFGS checks before every iteration: a flag set from inside the objective stops the run at
  /// the next iteration instead of at convergence.
  @Test func lbfgsStopsAtTheNextIteration() throws {
    let flag = CancellationFlag()
    var evaluations = 0
    // A badly scaled quadratic that needs many iterations.
    let objective: ([Double], inout [Double]) throws(LearnError) -> Double = { x, g in
      evaluations += 1
      if evaluations == 5 { flag.cancel() }
      var f = 0.0
      for i in x.indices {
        let scale = Double(i + 1) * Double(i + 1)
        f += 0.5 * scale * (x[i] - 1) * (x[i] - 1)
        g[i] = scale * (x[i] - 1)
      }
      return f
    }
    let uncancelled = try LBFGS.minimize(from: [Double](repeating: 0, count: 30), gradientTolerance: 1e-12, objective)
    #expect(uncancelled.iterations > 5)
    evaluations = 0
    let error = #expect(throws: LearnError.self) {
      try JobContext.with(JobContext(cancellation: flag)) { () throws(LearnError) in
        try LBFGS.minimize(from: [Double](repeating: 0, count: 30), gradientTolerance: 1e-12, objective)
      }
    }
    guard case .cancelled(let position)? = error else {
      Issue.record("expected cancelled, got \(String(describing: error))")
      return
    }
    #expect(position.hasPrefix("at L-BFGS iteration"))
    #expect(evaluations < 10)
  }
}
