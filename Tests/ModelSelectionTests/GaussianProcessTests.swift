import Foundation
import LearnTestSupport
import Testing

@testable import LearnCore
@testable import LinearAlgebra
@testable import ModelSelection

/// The Gaussian-process surrogate's numerics: posterior parity with scikit-learn, gradients
/// against finite differences, acquisitions against their closed forms, degenerate data.
@Suite struct GaussianProcessTests {
  struct Case: Decodable {
    let name: String
    let X: [[Double]]
    let y: [Double]
    let length_scales: [Double]
    let signal_variance: Double
    let noise: Double
    let X_test: [[Double]]
    let mean: [Double]
    let std: [Double]
    let log_marginal_likelihood: Double
    let y_mean: Double
    let y_std: Double
  }
  struct File: Decodable { let cases: [Case] }
  static let fixture = Result { try Fixtures.decode(File.self, from: "bayes/gp_posterior.json") }

  /// The process of a fixture case, with targets standardised as scikit-learn's `normalize_y`.
  static func process(_ c: Case) throws -> GaussianProcess {
    let kernel = KernelParameters(
      inverseSquaredLengthScales: c.length_scales.map { 1 / ($0 * $0) }, signalVariance: c.signal_variance,
      noiseVariance: c.noise)
    return try GaussianProcess(
      points: Matrix(rows: c.X, columns: c.X[0].count), targets: c.y.map { ($0 - c.y_mean) / c.y_std }, kernel: kernel)
  }

  @Test func posteriorMatchesScikitLearn() throws {
    for c in try Self.fixture.get().cases {
      let process = try Self.process(c)
      for (i, x) in c.X_test.enumerated() {
        let (mean, variance) = process.posterior(x)
        let tolerance = c.name.contains("duplicates") ? 1e-8 : 1e-10
        #expect(isClose(mean * c.y_std + c.y_mean, c.mean[i], relative: tolerance, absolute: tolerance), "\(c.name) mean \(i)")
        #expect(isClose(variance.squareRoot() * c.y_std, c.std[i], relative: 1e-8, absolute: 1e-8), "\(c.name) std \(i)")
      }
      // The batched path (one product with K⁻¹) agrees with the per-point one.
      let batch = process.posterior(batch: Matrix(rows: c.X_test, columns: c.X_test[0].count), inverse: process.factor.inverse)
      for (i, x) in c.X_test.enumerated() {
        let single = process.posterior(x)
        #expect(isClose(batch.means[i], single.mean, relative: 1e-9, absolute: 1e-9))
        #expect(isClose(batch.variances[i], single.variance, relative: 1e-6, absolute: 1e-9))
      }
    }
  }

  @Test func logMarginalLikelihoodMatchesScikitLearn() throws {
    for c in try Self.fixture.get().cases {
      let fit = KernelFit(points: Matrix(rows: c.X, columns: c.X[0].count), targets: c.y.map { ($0 - c.y_mean) / c.y_std })
      let kernel = KernelParameters(
        inverseSquaredLengthScales: c.length_scales.map { 1 / ($0 * $0) }, signalVariance: c.signal_variance,
        noiseVariance: c.noise)
      var gradient = [Double](repeating: 0, count: c.length_scales.count + 2)
      let value = try #require(fit.logMarginalLikelihood(kernel, gradient: &gradient))
      #expect(isClose(value, c.log_marginal_likelihood, relative: 1e-8), "\(c.name): \(value) vs \(c.log_marginal_likelihood)")
    }
  }

  @Test func likelihoodGradientMatchesFiniteDifferences() throws {
    var generator = Xoshiro256StarStar(seed: 3)
    let points = (0..<15).map { _ in (0..<3).map { _ in generator.nextUniform() } }
    let targets = points.map { sin(5 * $0[0]) + $0[1] * $0[2] + 0.01 * generator.nextNormal() }
    let mean = targets.reduce(0, +) / Double(targets.count)
    for fixedNoise in [false, true] {
      let fit = KernelFit(points: Matrix(rows: points, columns: 3), targets: targets.map { $0 - mean }, fixedNoise: fixedNoise)
      let theta = [log(4.0), log(0.7), log(2.5), log(1.3), log(1e-2)]
      var gradient = [Double](repeating: 0, count: 5)
      _ = try #require(fit.logMarginalLikelihood(KernelParameters(logParameters: theta), gradient: &gradient))
      for i in 0..<5 {
        var plus = theta, minus = theta, scratch = gradient
        plus[i] += 1e-6
        minus[i] -= 1e-6
        let numeric = (fit.logMarginalLikelihood(KernelParameters(logParameters: plus), gradient: &scratch)!
          - fit.logMarginalLikelihood(KernelParameters(logParameters: minus), gradient: &scratch)!) / 2e-6
        let expected = fixedNoise && i == 4 ? 0 : numeric
        #expect(isClose(gradient[i], expected, relative: 1e-5, absolute: 1e-6), "θ\(i): \(gradient[i]) vs \(numeric)")
      }
      // The prior's gradient too.
      var priorGradient = [Double](repeating: 0, count: 5)
      _ = KernelFit.logPrior(KernelParameters(logParameters: theta), gradient: &priorGradient)
      for i in 0..<5 {
        var plus = theta, minus = theta, scratch = priorGradient
        plus[i] += 1e-6
        minus[i] -= 1e-6
        let numeric = (KernelFit.logPrior(KernelParameters(logParameters: plus), gradient: &scratch)
          - KernelFit.logPrior(KernelParameters(logParameters: minus), gradient: &scratch)) / 2e-6
        #expect(isClose(priorGradient[i], numeric, relative: 1e-6, absolute: 1e-8))
      }
    }
  }

  @Test func posteriorAndAcquisitionGradientsMatchFiniteDifferences() throws {
    var generator = Xoshiro256StarStar(seed: 5)
    let points = (0..<12).map { _ in (0..<2).map { _ in generator.nextUniform() } }
    let targets = points.map { cos(4 * $0[0]) - $0[1] }
    let kernel = KernelParameters(inverseSquaredLengthScales: [6, 2], signalVariance: 1.3, noiseVariance: 1e-4)
    let process = try GaussianProcess(points: Matrix(rows: points, columns: 2), targets: targets, kernel: kernel)
    let best = targets.min()!
    for x in [[0.31, 0.72], [0.9, 0.05], [0.5, 0.5]] {
      let point = process.posteriorWithGradient(x, inverse: process.factor.inverse)
      for f in 0..<2 {
        var plus = x, minus = x
        plus[f] += 1e-6
        minus[f] -= 1e-6
        let (mp, vp) = process.posterior(plus), (mm, vm) = process.posterior(minus)
        #expect(isClose(point.meanGradient[f], (mp - mm) / 2e-6, relative: 1e-5, absolute: 1e-7))
        #expect(isClose(point.varianceGradient[f], (vp - vm) / 2e-6, relative: 1e-5, absolute: 1e-7))
        for acquisition in [Acquisition.expectedImprovement(), .probabilityOfImprovement(), .lowerConfidenceBound()] {
          let (_, gradient) = acquisition.scoreWithGradient(point, best: best)
          let numeric = (acquisition.score(mean: mp, variance: vp, best: best) - acquisition.score(mean: mm, variance: vm, best: best)) / 2e-6
          #expect(isClose(gradient[f], numeric, relative: 1e-4, absolute: 1e-6), "\(acquisition) at \(x), f\(f)")
        }
      }
    }
    // A batch gives each point what it gives alone (the batch's matrix products only regroup sums).
    let batch = [[0.31, 0.72], [0.9, 0.05], [0.5, 0.5], points[0]]
    let together = process.posteriorWithGradient(batch: batch, inverse: process.factor.inverse)
    for (x, point) in zip(batch, together) {
      let alone = process.posteriorWithGradient(x, inverse: process.factor.inverse)
      let (mean, variance) = process.posterior(x)
      #expect(isClose(point.mean, mean, relative: 1e-12, absolute: 1e-12) && isClose(point.variance, variance, relative: 1e-9, absolute: 1e-12))
      #expect(point.mean == alone.mean && point.variance == alone.variance)
      #expect(zip(point.meanGradient, alone.meanGradient).allSatisfy { $0 == $1 })
    }
  }

  @Test func acquisitionsMatchTheirClosedForms() {
    func phi(_ z: Double) -> Double { exp(-z * z / 2) / (2 * Double.pi).squareRoot() }
    func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
    for (mean, variance, best) in [(0.3, 0.25, 0.1), (-1.0, 0.04, -0.5), (2.0, 1.0, -2.0), (0.0, 1e-6, 0.5)] {
      let sigma = variance.squareRoot()
      let xi = 0.05
      let z = (best - xi - mean) / sigma
      let ei = (best - xi - mean) * cdf(z) + sigma * phi(z)
      #expect(isClose(exp(Acquisition.expectedImprovement(xi: xi).score(mean: mean, variance: variance, best: best)), ei, relative: 1e-9))
      #expect(isClose(exp(Acquisition.probabilityOfImprovement(xi: xi).score(mean: mean, variance: variance, best: best)), cdf(z), relative: 1e-9))
      #expect(isClose(Acquisition.lowerConfidenceBound(kappa: 1.5).score(mean: mean, variance: variance, best: best), -(mean - 1.5 * sigma), relative: 1e-12))
    }
    // Far in the tail EI underflows, but its logarithm stays finite and keeps its slope.
    let far = Gaussian.logH(-40)
    #expect(far.isFinite && far < -800)
    #expect(Gaussian.logH(-40) < Gaussian.logH(-39))
    // The series and the direct form agree where they meet.
    #expect(isClose(Gaussian.oneMinusTR(19.999999), Gaussian.oneMinusTR(20), relative: 1e-6))
    #expect(isClose(Gaussian.millsRatio(19.999999), Gaussian.millsRatio(20), relative: 1e-6))
    #expect(isClose(Gaussian.logCDF(-20.000001), Gaussian.logCDF(-19.999999), relative: 1e-6))
  }

  @Test func degenerateDataDoesNotBreakTheProcess() throws {
    // A constant objective: targets all zero after standardisation.
    let points = [[0.1, 0.2], [0.5, 0.5], [0.9, 0.3]]
    let constant = KernelFit(points: Matrix(rows: points, columns: 2), targets: [0, 0, 0]).fit(from: [.initial(features: 2)])
    #expect(constant.logParameters.allSatisfy { $0.isFinite })
    // Duplicate points with different values, and almost no noise: jitter keeps it factorable.
    let duplicates = [[0.3, 0.3], [0.3, 0.3], [0.7, 0.1]]
    let kernel = KernelParameters(inverseSquaredLengthScales: [1, 1], signalVariance: 1, noiseVariance: 0)
    let process = try GaussianProcess(points: Matrix(rows: duplicates, columns: 2), targets: [1, -1, 0], kernel: kernel)
    let (mean, variance) = process.posterior([0.3, 0.3])
    #expect(mean.isFinite && variance.isFinite && variance >= 0)
    // One point.
    let single = try GaussianProcess(points: Matrix(rows: [[0.5]], columns: 1), targets: [0], kernel: .initial(features: 1))
    #expect(single.posterior([0.2]).variance > 0)
    let fitted = KernelFit(points: Matrix(rows: [[0.5]], columns: 1), targets: [0]).fit(from: [.initial(features: 1)])
    #expect(fitted.logParameters.allSatisfy { $0.isFinite })
  }

  @Test func appendingARowMatchesRefactoring() throws {
    var generator = Xoshiro256StarStar(seed: 9)
    let points = (0..<8).map { _ in (0..<3).map { _ in generator.nextUniform() } }
    let kernel = KernelParameters(inverseSquaredLengthScales: [2, 3, 4], signalVariance: 1, noiseVariance: 1e-3)
    let process = try GaussianProcess(points: Matrix(rows: points, columns: 3), targets: (0..<8).map { Double($0) / 8 }, kernel: kernel)
    let grown = try process.adding(point: [0.4, 0.4, 0.4], target: -1)
    // Appending uses the noise plus 1e-10·s on the new diagonal: compare with that matrix.
    var covariance = GaussianProcess.covariance(grown.points, kernel)
    covariance[8, 8] += 1e-10
    let direct = try Cholesky(covariance)
    #expect(allClose(grown.factor.lower, direct.lower, relative: 1e-10, absolute: 1e-12))
    let inverse = direct.inverse
    var product = Matrix(rowCount: 9, columnCount: 9)
    try gemm(covariance, inverse, into: &product)
    for i in 0..<9 { for j in 0..<9 { #expect(abs(product[i, j] - (i == j ? 1 : 0)) < 1e-8) } }
  }

  @Test func sobolPointsMatchScipy() throws {
    struct Sobol: Decodable { let dimensions: Int; let points: [[Double]] }
    let expected = try Fixtures.decode(Sobol.self, from: "bayes/sobol.json")
    let sequence = SobolSequence(dimensions: expected.dimensions)
    for (index, point) in expected.points.enumerated() {
      #expect(sequence.exactPoint(index) == point, "point \(index)")
    }
  }

  @Test func boundedLBFGSStopsAtTheBounds() throws {
    // min (x−2)² + (y+1)² + xy/4 on [0, 1]²: the solution sits on two bounds.
    let result = try LBFGS.minimize(from: [0.5, 0.5], lower: [0, 0], upper: [1, 1]) { x, g in
      g[0] = 2 * (x[0] - 2) + x[1] / 4
      g[1] = 2 * (x[1] + 1) + x[0] / 4
      return (x[0] - 2) * (x[0] - 2) + (x[1] + 1) * (x[1] + 1) + x[0] * x[1] / 4
    }
    #expect(abs(result.x[0] - 1) < 1e-12 && abs(result.x[1]) < 1e-12)
    // An interior minimum of a badly scaled quadratic.
    let interior = try LBFGS.minimize(from: [5, 5], lower: [-10, -10], upper: [10, 10], gradientTolerance: 1e-10) { x, g in
      g[0] = 200 * (x[0] - 1)
      g[1] = 2 * (x[1] + 3)
      return 100 * (x[0] - 1) * (x[0] - 1) + (x[1] + 3) * (x[1] + 3)
    }
    #expect(abs(interior.x[0] - 1) < 1e-8 && abs(interior.x[1] + 3) < 1e-8)
    #expect(throws: LearnError.self) { try LBFGS.minimize(from: [0], lower: [1], upper: [0]) { _, _ in 0 } }
  }

  @Test func boundedRunsSteppedTogetherEqualSeparateRuns() throws {
    // Rosenbrock on a box that cuts off its minimum, from several starts: runs interleaved one
    // evaluation at a time end exactly where each run alone does.
    func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
      let a = x[1] - x[0] * x[0], b = 1 - x[0]
      g[0] = -400 * x[0] * a - 2 * b
      g[1] = 200 * a
      return 100 * a * a + b * b
    }
    let starts = [[-1.2, 1.0], [0.5, -0.5], [0.8, 0.1], [-0.3, 0.7]]
    let lower = [-2.0, -1.0], upper = [0.9, 0.7]
    let alone = try starts.map { try LBFGS.minimize(from: $0, lower: lower, upper: upper, rosenbrock) }
    var runs = try starts.map { try LBFGS.BoundedRun(from: $0, lower: lower, upper: upper) }
    var gradient = [0.0, 0.0]
    var active = true
    while active {
      active = false
      for r in runs.indices {
        guard case .evaluate(let x) = runs[r].request else { continue }
        active = true
        try runs[r].tell(value: rosenbrock(x, &gradient), gradient: gradient)
      }
    }
    for (r, run) in runs.enumerated() {
      guard case .finished(let together) = run.request else { Issue.record("run \(r) did not finish"); continue }
      #expect(together.x == alone[r].x && together.evaluations == alone[r].evaluations, "start \(r)")
      #expect(together.x[0] <= 0.9 && together.x[1] <= 0.7)
      #expect(throws: LearnError.self) { var finished = run; try finished.tell(value: 0, gradient: [0, 0]) }
    }
  }
}

extension GaussianProcessTests {
  @Test func incrementalSobolPointsMatchDirectOnes() {
    let sequence = SobolSequence(dimensions: 5)
    let shift: [UInt32] = [7, 123456, 0xdeadbeef, 1, 42]
    let incremental = sequence.points(100, shift: shift)
    for index in 0..<100 { #expect(incremental[index] == sequence.point(index, shift: shift)) }
  }
}

extension GaussianProcessTests {
  @Test func theKernelsExponentialMatchesTheLibrarys() {
    var generator = Xoshiro256StarStar(seed: 1)
    var worst = 0.0
    for _ in 0..<20_000 {
      let t = generator.nextUniform() * 60
      let expected = exp(-t)
      worst = Swift.max(worst, abs(Matern52.expNegative(t) - expected) / expected)
    }
    for t in [0.0, 1e-300, 0.5 * log(2.0), 1, 700, 707.9] {
      let expected = exp(-t)
      worst = Swift.max(worst, abs(Matern52.expNegative(t) - expected) / expected)
    }
    #expect(worst < 4e-16, "largest relative error \(worst)")
    #expect(Matern52.expNegative(708) == 0 && Matern52.expNegative(.infinity) == 0)
  }
}
