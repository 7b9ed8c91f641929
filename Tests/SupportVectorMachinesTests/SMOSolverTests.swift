import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing
@testable import SupportVectorMachines

@Suite struct SMOSolverTests {
  /// A random two-class problem: labels from the sign of a noisy linear function.
  static func problem(_ n: Int, _ d: Int, seed: UInt64) -> (Matrix, [Double]) {
    let x = uniformMatrix(n, d, seed: seed)
    var generator = Xoshiro256StarStar(seed: seed &+ 1)
    let y = (0..<n).map { i -> Double in
      let score = x[i, 0] - 0.5 * x[i, d - 1] + 0.3 * generator.nextNormal()
      return score > 0 ? 1 : -1
    }
    return (x, y)
  }

  /// The gradient Qα + p recomputed in double precision.
  static func gradient(_ x: Matrix, _ y: [Double], _ coefficients: [Double], _ kernel: KernelFunction) -> [Double] {
    let k = kernel.matrix(x, x)
    return (0..<x.rowCount).map { t in
      var g = -1.0
      for s in 0..<x.rowCount { g += y[t] * coefficients[s] * k[t, s] }
      return g
    }
  }

  /// At the solution the maximal violation max_{I_up} −y∇f − min_{I_low} −y∇f is below the
  /// tolerance (up to single-precision rounding of Q), and ρ lies between the two.
  @Test(arguments: [SVMKernel.linear, .rbf, .poly, .sigmoid])
  func solutionSatisfiesTheKKTConditions(kernel kind: SVMKernel) throws {
    let (x, y) = Self.problem(80, 3, seed: 11)
    let kernel = KernelFunction(kind: kind, degree: 3, gamma: 0.5, coef0: kind == .sigmoid ? 0 : 1)
    let c = 2.0
    let settings = SVC.SolverSettings(kernel: kernel, tolerance: 1e-3, shrinking: true, cacheSizeMB: 1, maxIterations: nil)
    let solution = try solveBinarySVC(x, y, cPositive: c, cNegative: c, settings: settings)
    #expect(solution.converged)
    let alpha = zip(solution.alpha, y).map { $0 * $1 }
    #expect(alpha.allSatisfy { $0 >= 0 && $0 <= c })
    #expect(abs(solution.alpha.reduce(0, +)) < 1e-9, "yᵀα = 0")
    let g = Self.gradient(x, y, solution.alpha, kernel)
    var up = -Double.infinity, low = Double.infinity
    for t in 0..<x.rowCount {
      let value = -y[t] * g[t]
      let inUp = (y[t] > 0 && alpha[t] < c) || (y[t] < 0 && alpha[t] > 0)
      let inLow = (y[t] > 0 && alpha[t] > 0) || (y[t] < 0 && alpha[t] < c)
      if inUp { up = max(up, value) }
      if inLow { low = min(low, value) }
    }
    // Q is stored in single precision, so the recomputed violation may exceed the tolerance by
    // rounding of order 1e-7 · Σ|α|·|K|.
    #expect(up - low < 1e-3 + 1e-4, "violation \(up - low)")
    #expect(-solution.rho >= min(low, up) - 1e-3 && -solution.rho <= max(low, up) + 1e-3)
  }

  /// Shrinking and the cache size change the work, not the answer: a 0.001 MB cache (two rows)
  /// gives bit-identical results to a large one, and turning shrinking off reaches the same
  /// optimum within the tolerance.
  @Test func cacheSizeAndShrinkingDoNotChangeTheSolution() throws {
    let (x, y) = Self.problem(150, 4, seed: 5)
    let kernel = KernelFunction(kind: .rbf, degree: 3, gamma: 1, coef0: 0)
    func solve(_ megabytes: Double, _ shrinking: Bool) throws -> SMOSolution {
      try solveBinarySVC(x, y, cPositive: 5, cNegative: 5, settings: SVC.SolverSettings(
        kernel: kernel, tolerance: 1e-4, shrinking: shrinking, cacheSizeMB: megabytes, maxIterations: nil))
    }
    let large = try solve(100, true), tiny = try solve(0.001, true), plain = try solve(100, false)
    #expect(large.alpha == tiny.alpha && large.rho == tiny.rho && large.iterations == tiny.iterations)
    #expect(isClose(large.objective, plain.objective, relative: 1e-5))
    #expect(maxAbsoluteDifference(large.alpha, plain.alpha) < 1e-2)
  }

  /// Two points, linear kernel: the maximal margin puts α = 2/‖x₁ − x₂‖² on both and ρ at the
  /// midpoint.
  @Test func twoPointsHaveTheClosedFormSolution() throws {
    let x = try Matrix([[3.0, 1.0], [1.0, 0.0]])
    let settings = SVC.SolverSettings(kernel: KernelFunction(kind: .linear, degree: 3, gamma: 1, coef0: 0),
                                      tolerance: 1e-6, shrinking: true, cacheSizeMB: 1, maxIterations: nil)
    let solution = try solveBinarySVC(x, [1, -1], cPositive: 100, cNegative: 100, settings: settings)
    #expect(isClose(solution.alpha[0], 0.4, relative: 1e-6) && isClose(solution.alpha[1], -0.4, relative: 1e-6))
    // w = 0.4·(2, 1), and w·x − ρ = ±1 at the two points: ρ = w·(2, 0.5) = 1.8.
    #expect(isClose(solution.rho, 1.8, relative: 1e-6))
    #expect(isClose(solution.objective, -0.4, relative: 1e-6))
    // A box below the unconstrained optimum: both at C.
    let boxed = try solveBinarySVC(x, [1, -1], cPositive: 0.1, cNegative: 0.1, settings: settings)
    #expect(boxed.alpha == [0.1, -0.1])
  }

  @Test func iterationLimitStopsTheSolver() throws {
    let (x, y) = Self.problem(60, 2, seed: 2)
    let settings = SVC.SolverSettings(kernel: KernelFunction(kind: .linear, degree: 3, gamma: 1, coef0: 0),
                                      tolerance: 1e-3, shrinking: true, cacheSizeMB: 1, maxIterations: 10)
    let solution = try solveBinarySVC(x, y, cPositive: 1000, cNegative: 1000, settings: settings)
    #expect(!solution.converged && solution.iterations == 10)
    #expect(SMOSolver<ClassificationKernelMatrix>.safetyCap(1000) == 10_000_000)
    #expect(SMOSolver<ClassificationKernelMatrix>.safetyCap(200_000) == 20_000_000)
  }

  @Test func kernelRowsAreSymmetricWithAUnitRBFDiagonal() throws {
    let x = uniformMatrix(13, 7, seed: 9)
    for kind in SVMKernel.allCases {
      let kernel = KernelFunction(kind: kind, degree: 2, gamma: 0.3, coef0: 0.5)
      let q = ClassificationKernelMatrix(x: x, y: [Double](repeating: 1, count: 13), kernel: kernel, cacheMegabytes: 1)
      let rows = (0..<13).map { i in Array(UnsafeBufferPointer(start: q.row(i, length: 13), count: 13)) }
      for i in 0..<13 {
        for j in 0..<13 { #expect(rows[i][j] == rows[j][i]) }
        #expect(Double(rows[i][i]) == Double(Float(q.diagonal[i])))
        if kind == .rbf { #expect(q.diagonal[i] == 1) }
      }
      let full = kernel.matrix(x, x)
      for i in 0..<13 { for j in 0..<13 { #expect(isClose(Double(rows[i][j]), full[i, j], relative: 1e-6, absolute: 1e-7)) } }
    }
  }

  /// Rows split between threads hold exactly the values of the serial loop.
  @Test func parallelRowsEqualSerialRows() throws {
    let x = uniformMatrix(203, 5, seed: 4)
    let norms = squaredRowNorms(x)
    let signs = (0..<203).map { $0 % 3 == 0 ? -1.0 : 1.0 }
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 203)
    defer { scratch.deallocate() }
    for kind in SVMKernel.allCases {
      let kernel = KernelFunction(kind: kind, degree: 3, gamma: 0.7, coef0: 0.2)
      var serial = [Float](repeating: 0, count: 203), parallel = [Float](repeating: 0, count: 203)
      serial.withUnsafeMutableBufferPointer { p in
        kernel.fillRow(17, x: x, norms: norms, sign: -1, signs: signs, range: 3..<203, scratch: scratch,
                       into: p.baseAddress!, team: nil)
      }
      let team = SpinTeam(threads: 3)
      defer { team.stop() }
      parallel.withUnsafeMutableBufferPointer { p in
        kernel.fillRow(17, x: x, norms: norms, sign: -1, signs: signs, range: 3..<203, scratch: scratch,
                       into: p.baseAddress!, team: team, minimumWork: 1)
      }
      #expect(serial == parallel, "\(kind)")
      #expect(serial[0..<3].allSatisfy { $0 == 0 } && serial[3] != 0)
    }
  }

  /// A solve whose rows and passes are split between two threads follows the serial iterates
  /// exactly: the same α, ρ, objective and iteration count, for C-SVC (n variables) and ε-SVR
  /// (2n). The problems are just large enough for the solver to split (rows of at least 2¹⁴
  /// multiply-adds, passes over at least 2¹¹ variables).
  @Test func twoThreadSolvesEqualSerialSolves() throws {
    let (x, y) = Self.problem(2_200, 8, seed: 21)
    let kernel = KernelFunction(kind: .rbf, degree: 3, gamma: 0.4, coef0: 0)
    func classify(_ parallelism: Parallelism) throws -> SMOSolution {
      try solveBinarySVC(x, y, cPositive: 3, cNegative: 3, settings: SVC.SolverSettings(
        kernel: kernel, tolerance: 1e-3, shrinking: true, cacheSizeMB: 8, maxIterations: nil, parallelism: parallelism))
    }
    let serial = try classify(.serial), split = try classify(.threads(2))
    #expect(serial.alpha == split.alpha && serial.rho == split.rho && serial.objective == split.objective)
    #expect(serial.iterations == split.iterations && serial.iterations > 100)
    let targets = (0..<x.rowCount).map { x[$0, 0] - 0.5 * x[$0, 7] }
    let serialFit = try SVR(c: 2, epsilon: 0.05, parallelism: .serial).fit(x, targets)
    let splitFit = try SVR(c: 2, epsilon: 0.05, parallelism: .threads(2)).fit(x, targets)
    #expect(serialFit.dualCoefficients == splitFit.dualCoefficients && serialFit.intercept == splitFit.intercept)
    #expect(serialFit.supportIndices == splitFit.supportIndices)
  }

  /// The LRU cache: rows keep their computed prefix, the least recently used row is evicted first,
  /// and swapping two variables swaps rows and columns (dropping rows that hold only one of them).
  @Test func kernelCacheEvictsLeastRecentlyUsedAndSwaps() {
    // Budget: 10 rows × 8 bookkeeping floats are charged, so 2·count = 20 floats remain.
    let cache = KernelCache(count: 10, megabytes: 0)
    var (row0, valid) = cache.row(0, length: 6)
    #expect(valid == 0)
    for t in 0..<6 { row0[t] = Float(t) }
    let (row1, _) = cache.row(1, length: 10)
    for t in 0..<10 { row1[t] = Float(100 + t) }
    (row0, valid) = cache.row(0, length: 8)
    #expect(valid == 6 && row0[5] == 5, "the prefix survives growing the row")
    // 8 + 10 = 18 of 20 floats used; a 5-float row evicts row 1 (least recently used).
    _ = cache.row(2, length: 5)
    #expect(cache.row(1, length: 10).valid == 0)
    // Swap variables 0 and 1 in a cache holding row 2 (length 5) and row 1 (length 10): row 1 has
    // both columns and is swapped; row 2 too.
    let (row2, _) = cache.row(2, length: 5)
    for t in 0..<5 { row2[t] = Float(200 + t) }
    let (fresh1, _) = cache.row(1, length: 10)
    for t in 0..<10 { fresh1[t] = Float(100 + t) }
    cache.swapIndex(0, 1)
    let (moved, movedValid) = cache.row(0, length: 10)
    #expect(movedValid == 10 && moved[0] == 101 && moved[1] == 100 && moved[2] == 102)
    // Swapping 3 and 7: row 2 (length 5) holds column 3 but not 7, so it is dropped.
    cache.swapIndex(3, 7)
    #expect(cache.row(2, length: 5).valid == 0)
  }

  @Test func plattScalingRecoversAKnownSigmoid() {
    var generator = Xoshiro256StarStar(seed: 1)
    let a = -2.0, b = 0.5
    let truth = PlattScaling(a: a, b: b)
    var f: [Double] = [], labels: [Bool] = []
    for _ in 0..<4000 {
      let value = generator.nextUniform(-3, 3)
      f.append(value)
      labels.append(generator.nextUniform() < truth.probability(value))
    }
    let fitted = PlattScaling.fit(decisionValues: f, labels: labels)
    #expect(abs(fitted.a - a) < 0.25 && abs(fitted.b - b) < 0.2, "fitted \(fitted)")
    #expect(truth.probability(1e6) >= 0 && truth.probability(-1e6) <= 1 && truth.probability(0) > 0.3)
  }

  @Test func pairwiseCouplingRecoversConsistentProbabilities() {
    let p = [0.5, 0.3, 0.15, 0.05]
    var r = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
    for i in 0..<4 { for j in 0..<4 where i != j { r[i][j] = p[i] / (p[i] + p[j]) } }
    let coupled = pairwiseCoupling(r)
    #expect(abs(coupled.reduce(0, +) - 1) < 1e-12)
    #expect(maxAbsoluteDifference(coupled, p) < 2e-3)
    #expect(pairwiseCoupling([[0, 0.8], [0.2, 0]]) == [0.8, 0.2])
  }
}
