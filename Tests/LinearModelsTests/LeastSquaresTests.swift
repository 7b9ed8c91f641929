import LearnCore
import LearnTestSupport
import LinearAlgebra
import LinearModels
import Testing

/// The fixture written by Fixtures/scripts/linear_least_squares_fixtures.py, shared by the
/// least-squares and coordinate-descent tests.
struct LeastSquaresFixture: Decodable {
  struct Inputs: Decodable {
    let x: [[Double]]
    let y: [Double]
  }
  struct LinearCase: Decodable {
    let data: String
    let fitIntercept: Bool
    let coefficients: [Double]
    let intercept: Double
    let rank: Int
    let predictions: [Double]
  }
  struct RidgeCase: Decodable {
    let data: String
    let alpha: Double
    let solver: String
    let fitIntercept: Bool
    let coefficients: [Double]
    let intercept: Double
    let solverUsed: String
    let predictions: [Double]
  }
  struct ClassifierCase: Decodable {
    let name: String
    let data: String
    let alpha: Double
    let solver: String
    let classWeight: String
    let coefficients: [Double]
    let intercepts: [Double]
    let testPredictions: [Int]
    let decisionHead: [Double]
  }
  struct DescentCase: Decodable {
    let estimator: String
    let data: String
    let alpha: Double
    let l1Ratio: Double
    let fitIntercept: Bool
    let positive: Bool
    let maxIterations: Int
    let tolerance: Double
    let selection: String
    let coefficients: [Double]
    let intercept: Double
    let dualGap: Double
    let iterations: Int
    let testPredictions: [Double]
  }

  let inputs: [String: Inputs]
  let diabetesTrain: [Int]
  let diabetesTest: [Int]
  let digitsTrain: [Int]
  let digitsTest: [Int]
  let linearRegression: [LinearCase]
  let ridge: [RidgeCase]
  let ridgeClassifier: [ClassifierCase]
  let coordinateDescent: [DescentCase]

  static let shared = Result { try Fixtures.decode(LeastSquaresFixture.self, from: "scikit-learn/linear-least-squares.json") }

  /// A regression problem by the fixture's name for it.
  func regression(_ name: String) throws -> (x: Matrix, y: [Double]) {
    switch name {
    case "diabetes":
      let d = try Datasets.diabetes()
      return (d.x, d.y)
    case "irisPetalWidth":
      let iris = try Datasets.iris()
      return (iris.x.columns(at: 0..<3), iris.x.column(3))
    default:
      let input = try #require(inputs[name], "no input named \(name)")
      return (try Matrix(input.x), input.y)
    }
  }
}

/// `max|a − b| / max|b|`: the error relative to the reference's scale (coefficients near zero do
/// not blow it up).
func scaledError(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  let scale = b.reduce(0) { max($0, abs($1)) }
  let worst = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
  return worst / max(scale, 1e-300)
}

/// The name of the hyperparameter `body` rejects, or `nil` when it throws something else or nothing.
func rejectedHyperparameter(_ body: () throws -> Void) -> String? {
  do {
    try body()
  } catch let LearnError.invalidHyperparameter(name, _, _, _) {
    return name
  } catch {
    return nil
  }
  return nil
}

@Suite struct LeastSquaresTests {
  static var linearCases: [Int] { Array(0..<6) }
  static var ridgeCases: [Int] { Array(0..<11) }
  static var classifierCases: [Int] { Array(0..<6) }

  @Test(arguments: linearCases)
  func linearRegressionMatchesScikitLearn(index: Int) throws {
    let fixture = try LeastSquaresFixture.shared.get()
    let expected = fixture.linearRegression[index]
    let (x, y) = try fixture.regression(expected.data)
    let model = try LinearRegression(fitIntercept: expected.fitIntercept).fit(x, y)
    let error = scaledError(model.coefficients, expected.coefficients)
    #expect(error < 1e-10, "\(expected.data): coefficients off by \(error)")
    #expect(isClose(model.intercept, expected.intercept, relative: 1e-10, absolute: 1e-12))
    #expect(model.rank == expected.rank)
    #expect(scaledError(try model.predict(x.rows(at: 0..<5)), expected.predictions) < 1e-11)
  }

  @Test(arguments: ridgeCases)
  func ridgeMatchesScikitLearn(index: Int) throws {
    let fixture = try LeastSquaresFixture.shared.get()
    let expected = fixture.ridge[index]
    let (x, y) = try fixture.regression(expected.data)
    let solver = try #require(Ridge.Solver(rawValue: expected.solver))
    let model = try Ridge(alpha: expected.alpha, fitIntercept: expected.fitIntercept, solver: solver).fit(x, y)
    let error = scaledError(model.coefficients, expected.coefficients)
    #expect(error < 1e-10, "\(expected.data) alpha \(expected.alpha) \(expected.solver): coefficients off by \(error)")
    #expect(isClose(model.intercept, expected.intercept, relative: 1e-10, absolute: 1e-12))
    #expect(model.solver.rawValue == expected.solverUsed)
    #expect(scaledError(try model.predict(x.rows(at: 0..<5)), expected.predictions) < 1e-11)
  }

  @Test(arguments: classifierCases)
  func ridgeClassifierMatchesScikitLearn(index: Int) throws {
    let fixture = try LeastSquaresFixture.shared.get()
    let expected = fixture.ridgeClassifier[index]
    let train: Dataset<Int>, test: Dataset<Int>
    if expected.data == "digits" {
      let digits = try Datasets.digits()
      (train, test) = (digits.subset(fixture.digitsTrain), digits.subset(fixture.digitsTest))
    } else {
      let slice = try Datasets.iris().subset(50..<120)
      (train, test) = (slice, slice)
    }
    let solver = try #require(Ridge.Solver(rawValue: expected.solver))
    let estimator = try RidgeClassifier(alpha: expected.alpha, solver: solver)
      .setting("classWeight", to: .string(expected.classWeight))
    let model = try estimator.fit(train.x, train.y)
    #expect(try model.predict(test.x) == expected.testPredictions)
    let error = scaledError(model.coefficients.elements, expected.coefficients)
    #expect(error < 1e-9, "\(expected.name): coefficients off by \(error)")
    #expect(scaledError(model.intercepts, expected.intercepts) < 1e-9)
    let decision = try model.decisionFunction(test.x.rows(at: 0..<5))
    #expect(scaledError(decision.elements, expected.decisionHead) < 1e-9)
    #expect(model.classes == train.classes)
  }

  @Test func ridgeWithZeroAlphaIsLeastSquares() throws {
    let fixture = try LeastSquaresFixture.shared.get()
    let (x, y) = try fixture.regression("rankDeficient")
    let ols = try LinearRegression().fit(x, y)
    #expect(ols.rank == 4)
    // Cholesky refuses the singular XᵀX, naming the first pivot that vanishes.
    #expect {
      try Ridge(alpha: 0, solver: .cholesky).fit(x, y)
    } throws: { error in
      guard case LearnError.linearAlgebra(.notPositiveDefinite(let pivot)) = error else { return false }
      return pivot == 4
    }
    // The SVD gives the minimum-norm solution, and `auto` falls back to it.
    for solver in [Ridge.Solver.svd, .auto] {
      let model = try Ridge(alpha: 0, solver: solver).fit(x, y)
      #expect(model.solver == .svd)
      #expect(scaledError(model.coefficients, ols.coefficients) < 1e-10)
      #expect(isClose(model.intercept, ols.intercept, relative: 1e-10))
    }
    // Wide data: the kernel matrix of centred rows is singular too.
    let (wx, wy) = try fixture.regression("wide")
    #expect(throws: LearnError.self) { try Ridge(alpha: 0, solver: .cholesky).fit(wx, wy) }
    let wide = try Ridge(alpha: 0).fit(wx, wy)
    #expect(scaledError(wide.coefficients, try LinearRegression().fit(wx, wy).coefficients) < 1e-10)
  }

  @Test func ridgeIsDeterministicAcrossSolvers() throws {
    let diabetes = try Datasets.diabetes()
    let cholesky = try Ridge(alpha: 0.3, solver: .cholesky).fit(diabetes.x, diabetes.y)
    let svd = try Ridge(alpha: 0.3, solver: .svd).fit(diabetes.x, diabetes.y)
    #expect(scaledError(cholesky.coefficients, svd.coefficients) < 1e-12)
    // More alpha, smaller weights.
    let strong = try Ridge(alpha: 30).fit(diabetes.x, diabetes.y)
    #expect(norm2(strong.coefficients) < norm2(cholesky.coefficients))
  }

  @Test func badInputThrows() throws {
    let diabetes = try Datasets.diabetes().subset(0..<40)
    let (x, y) = (diabetes.x, diabetes.y)
    #expect(rejectedHyperparameter { _ = try Ridge(alpha: -1).fit(x, y) } == "alpha")
    #expect(rejectedHyperparameter { _ = try RidgeClassifier(alpha: -0.5).fit(x, y.map { $0 > 150 ? 1 : 0 }) } == "alpha")
    #expect(rejectedHyperparameter { _ = try LinearRegression(tolerance: -1).fit(x, y) } == "tolerance")
    #expect(rejectedHyperparameter { _ = try Ridge(alpha: .nan).fit(x, y) } == "alpha")
    var badY = y
    badY[3] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 0)) { try Ridge().fit(x, badY) }
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 0)) { try LinearRegression().fit(x, badY) }
    badY[3] = -.infinity
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 0)) { try Ridge().fit(x, badY) }
    var badX = x
    badX[2, 1] = .infinity
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 1)) { try Ridge().fit(badX, y) }
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 1)) { try LinearRegression().fit(badX, y) }
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 1)) {
      try RidgeClassifier().fit(badX, y.map { $0 > 150 ? 1 : 0 })
    }
    #expect(throws: LearnError.singleClass(label: 3)) {
      try RidgeClassifier().fit(x, [Int](repeating: 3, count: x.rowCount))
    }
    #expect(throws: LearnError.self) {
      try RidgeClassifier(classWeight: .custom([9: 2])).fit(x, y.map { $0 > 150 ? 1 : 0 })
    }
    #expect(throws: LearnError.self) {
      try RidgeClassifier(classWeight: .custom([0: 0, 1: 0])).fit(x, y.map { $0 > 150 ? 1 : 0 })
    }
    #expect(throws: LearnError.shapeMismatch("x has 40 rows but y has 39 entries")) {
      try Ridge().fit(x, Array(y.dropFirst()))
    }
  }

  @Test func classWeightHyperparameterRoundTrips() throws {
    let custom = try RidgeClassifier().setting("classWeight", to: "2:3.5, 1:1")
    #expect(custom.classWeight == .custom([1: 1, 2: 3.5]))
    #expect(custom.parameters["classWeight"] == "1:1.0,2:3.5")
    #expect(try RidgeClassifier().setting("classWeight", to: "balanced").classWeight == .balanced)
    #expect(try RidgeClassifier(classWeight: .balanced).setting("classWeight", to: nil).classWeight == .uniform)
    #expect(rejectedHyperparameter { _ = try RidgeClassifier().setting("classWeight", to: "1:-2") } == "classWeight")
    #expect(rejectedHyperparameter { _ = try RidgeClassifier().setting("classWeight", to: "1:2,1:3") } == "classWeight")
    #expect(rejectedHyperparameter { _ = try Ridge().setting("solver", to: "lsqr") } == "solver")
  }

  @Test func estimatorsPassTheConformanceSuite() throws {
    let diabetes = try Datasets.diabetes().subset(0..<60)
    try checkEstimator(LinearRegression(), x: diabetes.x, y: diabetes.y)
    try checkEstimator(Ridge(alpha: 0.5), x: diabetes.x, y: diabetes.y)
    try checkEstimator(Ridge(alpha: 0.5, solver: .svd), x: diabetes.x, y: diabetes.y)
    let iris = try Datasets.iris()
    try checkEstimator(RidgeClassifier(), x: iris.x, y: iris.y)
    try checkEstimator(RidgeClassifier(classWeight: .balanced), x: iris.x, y: iris.y.map { $0 == 2 ? 1 : 0 })
  }
}
