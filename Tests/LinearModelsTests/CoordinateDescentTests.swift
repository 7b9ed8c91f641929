import LearnCore
import LearnTestSupport
import LinearAlgebra
import LinearModels
import Testing

@Suite struct CoordinateDescentTests {
  static var cases: [Int] { Array(0..<13) }

  /// The fixture's estimator, with the given way of seeing the data.
  static func model(
    _ c: LeastSquaresFixture.DescentCase, x: Matrix, y: [Double], precompute: ElasticNet.Precompute
  ) throws -> ElasticNet.Model {
    let selection = try #require(ElasticNet.Selection(rawValue: c.selection))
    if c.estimator == "lasso" {
      return try Lasso(alpha: c.alpha, fitIntercept: c.fitIntercept, precompute: precompute,
                       maxIterations: c.maxIterations, tolerance: c.tolerance, positive: c.positive,
                       seed: 7, selection: selection).fit(x, y)
    }
    return try ElasticNet(alpha: c.alpha, l1Ratio: c.l1Ratio, fitIntercept: c.fitIntercept, precompute: precompute,
                          maxIterations: c.maxIterations, tolerance: c.tolerance, positive: c.positive,
                          seed: 7, selection: selection).fit(x, y)
  }

  static func split(_ c: LeastSquaresFixture.DescentCase, _ fixture: LeastSquaresFixture) throws
    -> (x: Matrix, y: [Double], test: Matrix)
  {
    if c.data == "diabetesSplit" {
      let d = try Datasets.diabetes()
      let train = d.subset(fixture.diabetesTrain)
      return (train.x, train.y, d.subset(fixture.diabetesTest).x)
    }
    let (x, y) = try fixture.regression(c.data)
    return (x, y, x.rows(at: 0..<5))
  }

  /// Both the Gram and the data form follow scikit-learn's iterates: same pass count, weights and
  /// predictions to rounding (random selection draws a different stream, so only the optimum agrees).
  @Test(arguments: cases, [ElasticNet.Precompute.always, .never])
  func matchesScikitLearn(index: Int, precompute: ElasticNet.Precompute) throws {
    let fixture = try LeastSquaresFixture.shared.get()
    let c = fixture.coordinateDescent[index]
    let (x, y, test) = try Self.split(c, fixture)
    let model = try Self.model(c, x: x, y: y, precompute: precompute)
    let label = "\(c.estimator) \(c.data) alpha \(c.alpha) l1Ratio \(c.l1Ratio) \(precompute)"
    let coefficientError = scaledError(model.coefficients, c.coefficients)
    let predictionError = scaledError(try model.predict(test), c.testPredictions)
    if c.selection == "random" {
      #expect(coefficientError < 1e-4, "\(label): coefficients off by \(coefficientError)")
      #expect(predictionError < 1e-6, "\(label): predictions off by \(predictionError)")
      #expect(model.converged)
      return
    }
    #expect(coefficientError < 1e-8, "\(label): coefficients off by \(coefficientError)")
    #expect(predictionError < 1e-10, "\(label): predictions off by \(predictionError)")
    #expect(isClose(model.intercept, c.intercept, relative: 1e-8, absolute: 1e-10))
    #expect(model.iterations == c.iterations, "\(label): \(model.iterations) passes, scikit-learn \(c.iterations)")
    #expect(model.converged == (c.iterations < c.maxIterations))
    // The same zero pattern: screening and soft thresholding agree exactly.
    #expect(model.coefficients.map { $0 == 0 } == c.coefficients.map { $0 == 0 }, "\(label): zero pattern")
    #expect(isClose(model.dualGap, c.dualGap, relative: 1e-3, absolute: 1e-9 * max(1, abs(c.dualGap))),
            "\(label): gap \(model.dualGap), scikit-learn \(c.dualGap)")
  }

  @Test func nonConvergenceIsReported() throws {
    let diabetes = try Datasets.diabetes()
    let model = try Lasso(alpha: 0.001, maxIterations: 2, tolerance: 1e-12).fit(diabetes.x, diabetes.y)
    #expect(!model.converged)
    #expect(model.iterations == 2)
    #expect(model.dualGap > 0)
    let converged = try Lasso(alpha: 0.001, maxIterations: 5000, tolerance: 1e-12).fit(diabetes.x, diabetes.y)
    #expect(converged.converged && converged.iterations < 5000)
  }

  @Test func lassoIsElasticNetWithUnitRatio() throws {
    let diabetes = try Datasets.diabetes()
    let lasso = try Lasso(alpha: 0.05).fit(diabetes.x, diabetes.y)
    let net = try ElasticNet(alpha: 0.05, l1Ratio: 1).fit(diabetes.x, diabetes.y)
    #expect(lasso.coefficients == net.coefficients && lasso.intercept == net.intercept)
    // A large alpha zeroes every weight and predicts the mean; the zero start already meets the tolerance.
    let empty = try Lasso(alpha: 1e4).fit(diabetes.x, diabetes.y)
    #expect(empty.coefficients.allSatisfy { $0 == 0 } && empty.iterations == 0 && empty.converged)
    #expect(isClose(empty.intercept, diabetes.y.reduce(0, +) / Double(diabetes.count), relative: 1e-14))
    // Positive weights only.
    let positive = try Lasso(alpha: 0.01, positive: true).fit(diabetes.x, diabetes.y)
    #expect(positive.coefficients.allSatisfy { $0 >= 0 })
  }

  @Test func randomSelectionIsSeeded() throws {
    let diabetes = try Datasets.diabetes()
    let a = try Lasso(alpha: 0.01, seed: 1, selection: .random).fit(diabetes.x, diabetes.y)
    let b = try Lasso(alpha: 0.01, seed: 1, selection: .random).fit(diabetes.x, diabetes.y)
    let c = try Lasso(alpha: 0.01, seed: 2, selection: .random).fit(diabetes.x, diabetes.y)
    #expect(a.coefficients == b.coefficients && a.iterations == b.iterations)
    #expect(a.coefficients != c.coefficients)
  }

  @Test func badInputThrows() throws {
    let diabetes = try Datasets.diabetes().subset(0..<40)
    let (x, y) = (diabetes.x, diabetes.y)
    #expect(rejectedHyperparameter { _ = try Lasso(alpha: -0.1).fit(x, y) } == "alpha")
    #expect(rejectedHyperparameter { _ = try ElasticNet(alpha: -1).fit(x, y) } == "alpha")
    #expect(rejectedHyperparameter { _ = try ElasticNet(l1Ratio: 1.5).fit(x, y) } == "l1Ratio")
    #expect(rejectedHyperparameter { _ = try ElasticNet(l1Ratio: -0.01).fit(x, y) } == "l1Ratio")
    #expect(rejectedHyperparameter { _ = try Lasso(maxIterations: 0).fit(x, y) } == "maxIterations")
    #expect(rejectedHyperparameter { _ = try Lasso(tolerance: -1e-4).fit(x, y) } == "tolerance")
    #expect(rejectedHyperparameter { _ = try ElasticNet().setting("selection", to: "greedy") } == "selection")
    var badY = y
    badY[5] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 5, column: 0)) { try Lasso().fit(x, badY) }
    badY[5] = .infinity
    #expect(throws: LearnError.nonFiniteValue(row: 5, column: 0)) { try ElasticNet().fit(x, badY) }
    var badX = x
    badX[7, 3] = -.infinity
    #expect(throws: LearnError.nonFiniteValue(row: 7, column: 3)) { try Lasso().fit(badX, y) }
    badX[7, 3] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 7, column: 3)) { try ElasticNet().fit(badX, y) }
    #expect(throws: LearnError.self) { try Lasso().fit(Matrix(rowCount: 0, columnCount: 3), []) }
  }

  @Test func estimatorsPassTheConformanceSuite() throws {
    let diabetes = try Datasets.diabetes().subset(0..<80)
    try checkEstimator(Lasso(alpha: 0.1), x: diabetes.x, y: diabetes.y)
    try checkEstimator(ElasticNet(alpha: 0.01, l1Ratio: 0.5, precompute: .never), x: diabetes.x, y: diabetes.y)
    try checkEstimator(Lasso(alpha: 0.05, seed: 3, selection: .random), x: diabetes.x, y: diabetes.y)
  }
}
