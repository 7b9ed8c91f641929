import LearnTestSupport
import LinearAlgebra
import Testing

@testable import LearnCore

@Suite struct LBFGSTests {
  struct Run: Decodable {
    let name: String
    let x0: [Double]
    let maxIterations: Int
    let gradientTolerance: Double
    let relativeReductionTolerance: Double
    let x: [Double]
    let value: Double
    let iterations: Int
    let evaluations: Int
    let status: Int
  }
  struct File: Decodable { let lbfgs: [Run] }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/logistic.json") }

  static func run(_ name: String) throws -> Run {
    try #require(try fixture.get().lbfgs.first { $0.name == name })
  }

  /// The extended Rosenbrock function Σ 100·(x[i+1] − x[i]²)² + (1 − x[i])², minimum 0 at all ones.
  static func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    var f = 0.0
    for i in g.indices { g[i] = 0 }
    for i in 0..<(x.count - 1) {
      let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
      f += 100 * a * a + b * b
      g[i] += -400 * x[i] * a - 2 * b
      g[i + 1] += 200 * a
    }
    return f
  }

  @Test(arguments: ["rosenbrock2", "rosenbrock10"])
  func rosenbrockConvergesLikeScipy(name: String) throws {
    let expected = try Self.run(name)
    let result = try LBFGS.minimize(
      from: expected.x0, maxIterations: expected.maxIterations, gradientTolerance: expected.gradientTolerance,
      relativeReductionTolerance: expected.relativeReductionTolerance, Self.rosenbrock)
    #expect(result.converged)
    let ones = [Double](repeating: 1, count: expected.x0.count)
    #expect(allClose(result.x, ones, absolute: 1e-4), "\(result.x)")
    #expect(result.value < 1e-9)
    // The same algorithm as scipy's L-BFGS-B: the same number of steps, give or take rounding.
    #expect(abs(result.iterations - expected.iterations) <= 3, "\(result.iterations) vs scipy \(expected.iterations)")
    #expect(abs(result.evaluations - expected.evaluations) <= 4, "\(result.evaluations) vs scipy \(expected.evaluations)")
  }

  @Test func iterationLimitIsReportedNotThrown() throws {
    let expected = try Self.run("rosenbrock10Limited")
    let result = try LBFGS.minimize(from: expected.x0, maxIterations: expected.maxIterations, Self.rosenbrock)
    #expect(!result.converged)
    #expect(result.termination == .iterationLimit)
    #expect(result.iterations == 5)
    // The first steps follow scipy's exactly (up to rounding).
    #expect(isClose(result.value, expected.value, relative: 1e-8), "\(result.value) vs scipy \(expected.value)")
    #expect(allClose(result.x, expected.x, relative: 1e-7, absolute: 1e-9))
    let none = try LBFGS.minimize(from: expected.x0, maxIterations: 0, Self.rosenbrock)
    #expect(none.iterations == 0 && none.x == expected.x0 && !none.converged)
  }

  @Test func quadraticIsSolvedInAboutNIterations() throws {
    // f = ½·xᵀAx − bᵀx with A the 8 × 8 tridiagonal (2, −1) matrix plus I: minimum at A⁻¹b.
    let n = 8
    let b = (0..<n).map { Double($0) - 3.5 }
    func quadratic(_ x: [Double], _ g: inout [Double]) -> Double {
      var f = 0.0
      for i in 0..<n {
        var ax = 3 * x[i]
        if i > 0 { ax -= x[i - 1] }
        if i < n - 1 { ax -= x[i + 1] }
        g[i] = ax - b[i]
        f += 0.5 * x[i] * ax - b[i] * x[i]
      }
      return f
    }
    let result = try LBFGS.minimize(
      from: [Double](repeating: 0, count: n), gradientTolerance: 1e-9, relativeReductionTolerance: 0, quadratic)
    #expect(result.termination == .gradientTolerance)
    #expect(result.iterations <= n + 3, "\(result.iterations) iterations")
    var residual = [Double](repeating: 0, count: n)
    _ = quadratic(result.x, &residual)
    #expect(residual.allSatisfy { abs($0) <= 1e-9 })

    // A multiple of the identity: the steepest-descent line search lands on the minimum at once.
    let scaled = try LBFGS.minimize(from: [4, -2, 7]) { x, g in
      for i in x.indices { g[i] = 3 * (x[i] - 1) }
      return x.reduce(0) { $0 + 1.5 * ($1 - 1) * ($1 - 1) }
    }
    #expect(scaled.converged && scaled.iterations <= 2)
    #expect(allClose(scaled.x, [1, 1, 1], absolute: 1e-6))
  }

  @Test func startingAtTheMinimumTakesNoStep() throws {
    let result = try LBFGS.minimize(from: [1, 1, 1], Self.rosenbrock)
    #expect(result.converged && result.iterations == 0 && result.evaluations == 1)
  }

  @Test func nonFiniteObjectiveAtTheStartThrows() {
    #expect(throws: LearnError.self) {
      try LBFGS.minimize(from: [1, 2]) { _, g in
        g = [0, 1]
        return .nan
      }
    }
    #expect(throws: LearnError.self) {
      try LBFGS.minimize(from: [1, 2]) { _, g in
        g = [.infinity, 1]
        return 3
      }
    }
    #expect(throws: LearnError.self) { try LBFGS.minimize(from: [], Self.rosenbrock) }
    #expect(throws: LearnError.self) { try LBFGS.minimize(from: [.nan, 1], Self.rosenbrock) }
    #expect(throws: LearnError.self) { try LBFGS.minimize(from: [1, 2], memory: 0, Self.rosenbrock) }
  }

  @Test func nonFiniteTrialPointsShortenTheStep() throws {
    // (x + 10)² is undefined (NaN) at x ≤ 4.5, so every step towards the minimum hits the wall.
    let result = try LBFGS.minimize(from: [5]) { x, g in
      guard x[0] > 4.5 else {
        g[0] = .nan
        return .nan
      }
      g[0] = 2 * (x[0] + 10)
      return (x[0] + 10) * (x[0] + 10)
    }
    #expect(!result.converged)
    #expect(result.x[0] > 4.5 && result.x[0] < 5 && result.value.isFinite)
  }
}
