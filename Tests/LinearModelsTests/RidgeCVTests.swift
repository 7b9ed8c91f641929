import Foundation
import LearnTestSupport
import Testing

@testable import LinearModels
import LearnCore
import LinearAlgebra

/// RidgeCV: the closed-form leave-one-out criterion against scikit-learn's, the list search
/// against `RidgeCV.alpha_`, and the gradient search against scipy's `minimize_scalar` on the
/// same criterion (Fixtures/scripts/ridge_loo_alpha.py).
@Suite struct RidgeCVTests {
  struct Case: Decodable {
    var name: String
    var x: [[Double]]
    var y: [Double]
    var lower: Double
    var upper: Double
    var scipy_alpha: Double
    var scipy_criterion: Double
    var scipy_evaluations: Int
    var grid: [Double]
    var sklearn_grid_criteria: [Double]
    var sklearn_alpha: Double
  }

  struct File: Decodable { var cases: [Case] }

  static let cases: [Case] = {
    let data = try! Data(contentsOf: Fixtures.url("evolution/ridge_loo.json"))
    return try! JSONDecoder().decode(File.self, from: data).cases
  }()

  @Test(arguments: [0, 1]) func theCriterionIsScikitLearnsLeaveOneOutError(_ k: Int) throws {
    let c = Self.cases[k]
    let criterion = try LeaveOneOutCriterion(try Matrix(c.x), c.y, fitIntercept: true)
    for (alpha, expected) in zip(c.grid, c.sklearn_grid_criteria) {
      let value = criterion.evaluate(logAlpha: log(alpha)).value
      #expect(abs(value - expected) <= 1e-9 * expected, "\(c.name) alpha \(alpha): \(value) vs \(expected)")
    }
    let model = try RidgeCV(alphas: c.grid).fit(try Matrix(c.x), c.y)
    #expect(model.alpha == c.sklearn_alpha)
  }

  @Test(arguments: [0, 1]) func theGradientSearchFindsScipysMinimumInFewerEvaluationsThanAScan(_ k: Int) throws {
    let c = Self.cases[k]
    let model = try RidgeCV(alphaSearch: .gradient(lower: c.lower, upper: c.upper)).fit(try Matrix(c.x), c.y)
    #expect(model.leaveOneOutError <= c.scipy_criterion * (1 + 1e-8), "\(c.name): \(model.leaveOneOutError) vs scipy \(c.scipy_criterion)")
    #expect(abs(log(model.alpha) - log(c.scipy_alpha)) < 1e-3, "\(c.name): alpha \(model.alpha) vs \(c.scipy_alpha)")
    #expect(model.evaluations < 100, "\(model.evaluations) evaluations")
    print("RidgeCV \(c.name): alpha \(model.alpha) criterion \(model.leaveOneOutError) in \(model.evaluations) evaluations; "
      + "scipy \(c.scipy_alpha) \(c.scipy_criterion) in \(c.scipy_evaluations)")
  }

  @Test func theDerivativeIsTheCriterionsSlope() throws {
    let c = Self.cases[1]
    let criterion = try LeaveOneOutCriterion(try Matrix(c.x), c.y, fitIntercept: true)
    for t in [-3.0, 0, 2.5] {
      let h = 1e-5
      let numeric = (criterion.evaluate(logAlpha: t + h).value - criterion.evaluate(logAlpha: t - h).value) / (2 * h)
      let analytic = criterion.evaluate(logAlpha: t).derivative
      #expect(abs(numeric - analytic) <= 1e-5 * max(1, abs(analytic)), "t \(t): \(numeric) vs \(analytic)")
    }
  }

  @Test func aFittedRidgeCVSavesAndLoads() throws {
    let c = Self.cases[0]
    let x = try Matrix(c.x)
    let model = try RidgeCV(alphaSearch: .gradient(lower: c.lower, upper: c.upper)).fit(x, c.y)
    let loaded = try ModelFile.decode(RidgeCV.Model.self, from: try ModelFile.encode(model))
    #expect(loaded.alpha == model.alpha && loaded.evaluations == model.evaluations)
    #expect(try loaded.predict(x) == model.predict(x))
    let configuration = try ModelFile.decode(RidgeCV.self, from: try ModelFile.encode(RidgeCV(alphas: [0.5, 2])))
    #expect(configuration.alphaSearch == RidgeCV.AlphaSearch.list([0.5, 2]))
  }

  /// The criterion computed the slow way: refit without row i, predict row i.
  static func bruteForce(_ x: Matrix, _ y: [Double], alpha: Double, fitIntercept: Bool) throws -> Double {
    var total = 0.0
    for i in 0..<x.rowCount {
      let keep = (0..<x.rowCount).filter { $0 != i }
      let train = Matrix(rowCount: keep.count, columnCount: x.columnCount) { r, c in x[keep[r], c] }
      let model = try Ridge(alpha: alpha, fitIntercept: fitIntercept, solver: .svd).fit(train, keep.map { y[$0] })
      let row = Matrix(rowCount: 1, columnCount: x.columnCount) { _, c in x[i, c] }
      let error = try model.predict(row)[0] - y[i]
      total += error * error
    }
    return total / Double(x.rowCount)
  }

  @Test(arguments: [(12, 30, true), (40, 6, false), (9, 9, true)])
  func wideNarrowAndInterceptFreeDesignsMatchRefittingWithoutEachRow(_ shape: (Int, Int, Bool)) throws {
    var generator = Xoshiro256StarStar(seed: UInt64(shape.0 * 100 + shape.1))
    let x = Matrix(rowCount: shape.0, columnCount: shape.1) { _, _ in generator.nextNormal() }
    let y = (0..<shape.0).map { i in (0..<shape.1).reduce(0) { $0 + x[i, $1] * Double($1 % 3) } + generator.nextNormal() }
    let criterion = try LeaveOneOutCriterion(x, y, fitIntercept: shape.2)
    for alpha in [0.01, 1.0, 30.0] {
      let expected = try Self.bruteForce(x, y, alpha: alpha, fitIntercept: shape.2)
      let value = criterion.evaluate(logAlpha: log(alpha)).value
      #expect(abs(value - expected) <= 1e-8 * expected, "\(shape) alpha \(alpha): \(value) vs \(expected)")
    }
    let model = try RidgeCV(alphaSearch: .gradient(lower: 1e-4, upper: 1e4), fitIntercept: shape.2).fit(x, y)
    #expect(model.leaveOneOutError.isFinite && model.evaluations < 100)
  }

  @Test func aPenaltyThatInterpolatesIsNeverChosen() throws {
    // 5 rows, 8 features, α = 0: every row is interpolated, its leave-one-out error unbounded.
    var generator = Xoshiro256StarStar(seed: 9)
    let x = Matrix(rowCount: 5, columnCount: 8) { _, _ in generator.nextNormal() }
    let y = (0..<5).map { _ in generator.nextNormal() }
    let model = try RidgeCV(alphas: [0, 1, 10]).fit(x, y)
    #expect(model.alpha != 0 && model.leaveOneOutError.isFinite)
    #expect(throws: LearnError.self) { try RidgeCV().fit(try Matrix([[1.0], [2.0]]), [1, 2]) }
  }

  @Test func badSearchesAreRefused() throws {
    let x = try Matrix([[1, 2], [2, 1], [3, 5], [4, 4]]), y = [1.0, 2, 3, 4]
    #expect(throws: LearnError.self) { try RidgeCV(alphas: []).fit(x, y) }
    #expect(throws: LearnError.self) { try RidgeCV(alphas: [-1]).fit(x, y) }
    #expect(throws: LearnError.self) { try RidgeCV(alphaSearch: .gradient(lower: 0, upper: 1)).fit(x, y) }
    #expect(throws: LearnError.self) { try RidgeCV(alphaSearch: .gradient(lower: 2, upper: 1)).fit(x, y) }
  }
}
