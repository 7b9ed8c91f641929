import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Preprocessing
import SupportVectorMachines
import Testing

@Suite struct LinearSVCTests {
  struct Settings: Decodable {
    let penalty, loss, dual: String
    let tolerance, c: Double
    let multiClass: String
    let fitIntercept: Bool
    let interceptScaling: Double
    let classWeight: String?
    let maxIterations: Int

    var parameters: ParameterSet {
      ["penalty": .string(penalty), "loss": .string(loss), "dual": .string(dual), "tolerance": .double(tolerance),
       "c": .double(c), "multiClass": .string(multiClass), "fitIntercept": .bool(fitIntercept),
       "interceptScaling": .double(interceptScaling), "classWeight": classWeight.map { .string($0) } ?? .none,
       "maxIterations": .int(maxIterations)]
    }
  }
  struct Case: Decodable {
    let name, dataset: String
    let tight: Bool
    let settings: Settings
    let coefficients: [[Double]]
    let intercepts: [Double]
    let iterations: Int
    let testPredictions: [Int]
    let testDecision: [Double]
  }
  struct File: Decodable {
    let irisTrain, irisTest, digitsTrain, digitsTest: [Int]
    let binaryX: [Double]
    let binaryY: [Int]
    let binaryFeatures, binaryTrainCount: Int
    let cases: [Case]
  }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/linear-svc.json") }

  /// Train and test rows of a fixture dataset, prepared as the script prepared them.
  static func split(_ name: String) throws -> (x: Matrix, y: [Int], testX: Matrix, testY: [Int]) {
    let file = try fixture.get()
    switch name {
    case "iris":
      let iris = try Datasets.iris()
      let train = iris.subset(file.irisTrain), test = iris.subset(file.irisTest)
      return (train.x, train.y, test.x, test.y)
    case "digits":
      let digits = try Datasets.digits()
      let train = digits.subset(file.digitsTrain), test = digits.subset(file.digitsTest)
      let scaler = try StandardScaler().fit(train.x)
      return (try scaler.transform(train.x), train.y, try scaler.transform(test.x), test.y)
    default:
      let n = file.binaryY.count, m = file.binaryTrainCount
      let x = try Matrix(rowCount: n, columnCount: file.binaryFeatures, elements: file.binaryX)
      return (x.rows(at: 0..<m), Array(file.binaryY[0..<m]), x.rows(at: m..<n), Array(file.binaryY[m..<n]))
    }
  }

  static let caseNames = [
    "iris-default", "iris-primal", "iris-dual", "iris-hinge", "iris-weighted", "iris-balanced-dual", "iris-l1",
    "iris-crammer-singer", "digits-default", "digits-primal", "binary-default", "binary-primal", "binary-dual",
    "binary-hinge", "binary-scaling", "binary-no-intercept", "binary-balanced", "binary-l1", "binary-crammer-singer",
  ]

  /// Parity with scikit-learn 1.9.1. Predictions on the test split must be identical. Coefficients,
  /// intercepts and decision values must agree within 1e-6 of the largest coefficient (decision
  /// value) when both sides ran to a tight tolerance (the optimum is unique), and within 2e-2 at the
  /// default tolerance 1e-4, where scikit-learn's trust-region solver stops well short of the
  /// optimum our Newton solver reaches.
  @Test(arguments: caseNames)
  func matchesScikitLearn(name: String) throws {
    let expected = try #require(try Self.fixture.get().cases.first { $0.name == name })
    let data = try Self.split(expected.dataset)
    let model = try LinearSVC().setting(expected.settings.parameters).fit(data.x, data.y)
    #expect(model.converged)
    #expect(try model.predict(data.testX) == expected.testPredictions)

    let tolerance = expected.tight ? 1e-6 : 2e-2
    let reference = expected.coefficients.flatMap { $0 }
    let scale = reference.map(abs).max() ?? 1
    #expect(model.coefficients.rowCount == expected.coefficients.count)
    let error = maxRelativeError(model.coefficients.elements, reference: reference, floor: scale)
    #expect(allClose(model.coefficients.elements, reference, absolute: tolerance * scale),
            "coefficients off by \(error) of the largest")
    #expect(allClose(model.intercepts, expected.intercepts, absolute: tolerance * Swift.max(scale, 1)),
            "intercepts \(model.intercepts) vs \(expected.intercepts)")
    let columns = model.coefficients.rowCount
    let decision = try model.decisionFunction(data.testX.rows(at: 0..<(expected.testDecision.count / columns)))
    let decisionScale = expected.testDecision.map(abs).max() ?? 1
    #expect(allClose(decision.elements, expected.testDecision, absolute: tolerance * decisionScale))
  }

  @Test func defaultsAreScikitLearns() {
    let svc = LinearSVC()
    #expect(svc.penalty == .l2 && svc.loss == .squaredHinge && svc.dual == .auto && svc.multiClass == .ovr)
    #expect(svc.tolerance == 1e-4 && svc.c == 1 && svc.maxIterations == 1000)
    #expect(svc.fitIntercept && svc.interceptScaling == 1 && svc.classWeight == .uniform)
    #expect(svc.hyperparameterNames == [
      "penalty", "loss", "dual", "tolerance", "c", "multiClass", "fitIntercept", "interceptScaling", "classWeight",
      "maxIterations", "seed",
    ])
    #expect(svc.parameters["dual"] == "auto" && svc.parameters["classWeight"] == ParameterValue.none)
  }

  @Test func hyperparametersAreValidatedByName() throws {
    #expect(try LinearSVC().setting("dual", to: true).dual == .dual)
    #expect(try LinearSVC().setting("dual", to: false).dual == .primal)
    #expect(try LinearSVC().setting("dual", to: "primal").dual == .primal)
    #expect(try LinearSVC().setting("classWeight", to: "balanced").classWeight == .balanced)
    let custom = try LinearSVC().setting("classWeight", to: "2:0.5, 0:3")
    #expect(custom.classWeight == .custom([0: 3, 2: 0.5]))
    #expect(custom.parameters["classWeight"] == "0:3.0,2:0.5", "reads back in label order")
    #expect(try custom.setting(custom.parameters).classWeight == custom.classWeight)
    #expect(try custom.setting("classWeight", to: nil).classWeight == .uniform)
    let invalid: [(String, ParameterValue)] = [
      ("c", 0), ("c", -1), ("tolerance", 0), ("interceptScaling", 0), ("maxIterations", -1), ("penalty", "l3"),
      ("loss", "log"), ("dual", "maybe"), ("dual", 1), ("multiClass", "ovo"), ("classWeight", "0:-1"),
      ("classWeight", "0:1,0:2"), ("classWeight", "a:1"), ("classWeight", ""), ("seed", "one"),
    ]
    for (name, value) in invalid {
      #expect(throws: LearnError.self, "\(name) = \(value)") { try LinearSVC().setting(name, to: value) }
    }
    // Values set directly are validated by fit.
    let iris = try Datasets.iris()
    let error = #expect(throws: LearnError.self) { try LinearSVC(c: 0).fit(iris.x, iris.y) }
    if case .invalidHyperparameter(let name, let estimator, _, _) = error {
      #expect(name == "c" && estimator == "LinearSVC")
    } else {
      Issue.record("expected invalidHyperparameter, got \(String(describing: error))")
    }
    #expect(throws: LearnError.self) { try LinearSVC(tolerance: -1).fit(iris.x, iris.y) }
  }

  @Test func autoPicksTheFormulationAsScikitLearnDoes() throws {
    let svc = LinearSVC()
    #expect(try svc.solver(sampleCount: 100, featureCount: 10) == .primalNewton)
    #expect(try svc.solver(sampleCount: 10, featureCount: 10) == .primalNewton)
    #expect(try svc.solver(sampleCount: 9, featureCount: 10) == .dualCoordinateDescent)
    #expect(try LinearSVC(loss: .hinge).solver(sampleCount: 100, featureCount: 10) == .dualCoordinateDescent)
    #expect(try LinearSVC(penalty: .l1).solver(sampleCount: 9, featureCount: 10) == .primalCoordinateDescent)
    #expect(try LinearSVC(dual: .dual).solver(sampleCount: 100, featureCount: 10) == .dualCoordinateDescent)
    #expect(try LinearSVC(penalty: .l1, loss: .hinge, multiClass: .crammerSinger)
      .solver(sampleCount: 9, featureCount: 10) == .crammerSinger, "Crammer–Singer ignores penalty and loss")
    // The combinations liblinear has no solver for.
    for unsupported in [LinearSVC(penalty: .l1, loss: .hinge), LinearSVC(penalty: .l1, dual: .dual),
                        LinearSVC(loss: .hinge, dual: .primal)] {
      #expect(throws: LearnError.self) { try unsupported.solver(sampleCount: 9, featureCount: 2) }
    }
    let iris = try Datasets.iris()
    #expect(throws: LearnError.self) { try LinearSVC(loss: .hinge, dual: .primal).fit(iris.x, iris.y) }
    #expect(try LinearSVC().fit(iris.x, iris.y).solver == .primalNewton)
  }

  @Test func badInputThrows() throws {
    let iris = try Datasets.iris()
    #expect(throws: LearnError.singleClass(label: 3)) {
      try LinearSVC().fit(iris.x.rows(at: 0..<5), [3, 3, 3, 3, 3])
    }
    var withNaN = iris.x
    withNaN[4, 2] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 4, column: 2)) { try LinearSVC().fit(withNaN, iris.y) }
    var withInfinity = iris.x
    withInfinity[0, 1] = -.infinity
    #expect(throws: LearnError.nonFiniteValue(row: 0, column: 1)) {
      try LinearSVC(dual: .dual).fit(withInfinity, iris.y)
    }
    #expect(throws: LearnError.self) { try LinearSVC().fit(iris.x, Array(iris.y.dropFirst())) }
    #expect(throws: LearnError.self) { try LinearSVC(classWeight: .custom([9: 2])).fit(iris.x, iris.y) }
    let model = try LinearSVC().fit(iris.x, iris.y)
    #expect(throws: LearnError.self) { try model.predict(Matrix(rowCount: 2, columnCount: 3)) }
  }

  @Test func passesTheConformanceSuite() throws {
    let iris = try Datasets.iris()
    for estimator in [LinearSVC(), LinearSVC(loss: .hinge, c: 0.5), LinearSVC(dual: .dual, classWeight: .balanced),
                      LinearSVC(penalty: .l1, c: 0.3), LinearSVC(multiClass: .crammerSinger, seed: 3)] {
      try checkEstimator(estimator, x: iris.x, y: iris.y)
    }
  }

  @Test func binaryProblemsHaveOneRowForTheSecondClass() throws {
    // Labels −1 and 7: the single row scores class 7, and predict follows its sign.
    let iris = try Datasets.iris().subset(0..<100)
    let y = iris.y.map { $0 == 0 ? 7 : -1 }
    let estimators = [LinearSVC(), LinearSVC(dual: .dual), LinearSVC(penalty: .l1),
                      LinearSVC(multiClass: .crammerSinger)]
    for estimator in estimators {
      let model = try estimator.fit(iris.x, y)
      #expect(model.classes == [-1, 7])
      #expect(model.coefficients.rowCount == 1 && model.intercepts.count == 1 && model.problemIterations.count == 1)
      let scores = try model.decisionFunction(iris.x)
      #expect(scores.columnCount == 1)
      #expect(try model.predict(iris.x) == (0..<100).map { scores[$0, 0] > 0 ? 7 : -1 })
      #expect(try model.score(iris.x, y) == 1, "setosa is linearly separable (\(estimator.dual), \(estimator.penalty))")
    }
  }

  @Test func seedsAndThreadsOnlyChangeWhatTheyShould() throws {
    let data = try Self.split("iris")
    let dual = LinearSVC(dual: .dual, tolerance: 1e-3, seed: 1)
    let first = try dual.fit(data.x, data.y)
    #expect(try dual.fit(data.x, data.y).coefficients == first.coefficients, "a seed fixes the visiting order")
    var serial = dual
    serial.parallelism = .serial
    #expect(try serial.fit(data.x, data.y).coefficients == first.coefficients, "the thread count changes nothing")
    var other = dual
    other.seed = 2
    let reordered = try other.fit(data.x, data.y)
    #expect(reordered.coefficients != first.coefficients, "another seed visits samples in another order")
    #expect(allClose(reordered.coefficients, first.coefficients, absolute: 0.05), "but reaches nearly the same optimum")
    var primal = LinearSVC(seed: 1)
    primal.parallelism = .threads(3)
    let threaded = try primal.fit(data.x, data.y)
    primal.parallelism = .serial
    primal.seed = 99
    #expect(try primal.fit(data.x, data.y).coefficients == threaded.coefficients,
            "the primal Newton solver is not random")
  }

  @Test func iterationLimitsAreReported() throws {
    let data = try Self.split("iris")
    let one = try LinearSVC(dual: .dual, maxIterations: 1).fit(data.x, data.y)
    #expect(!one.converged && one.iterations == 1 && one.problemIterations == [1, 1, 1])
    let none = try LinearSVC(maxIterations: 0).fit(data.x, data.y)
    #expect(!none.converged && none.iterations == 0)
    #expect(none.coefficients.elements.allSatisfy { $0 == 0 } && none.intercepts == [0, 0, 0])
    let full = try LinearSVC(dual: .dual, maxIterations: 100_000).fit(data.x, data.y)
    #expect(full.converged && full.iterations == full.problemIterations.max())
  }

  @Test func interceptOptionsAndZeroWeights() throws {
    let data = try Self.split("binary")
    let without = try LinearSVC(fitIntercept: false).fit(data.x, data.y)
    #expect(without.intercepts == [0])
    // A large intercept scaling leaves the intercept almost unregularised; a class of weight 0
    // leaves only the other class's loss, so (nearly) every sample lands on that class's side.
    let scaled = try LinearSVC(interceptScaling: 1000).fit(data.x, data.y)
    #expect(scaled.intercepts[0].isFinite && scaled.converged)
    for estimator in [LinearSVC(classWeight: .custom([0: 0])), LinearSVC(dual: .dual, classWeight: .custom([0: 0])),
                      LinearSVC(loss: .hinge, classWeight: .custom([0: 0]))] {
      let model = try estimator.fit(data.x, data.y)
      #expect(model.coefficients.elements.allSatisfy(\.isFinite) && model.intercepts[0].isFinite)
      let ones = try model.predict(data.x).filter { $0 == 1 }.count
      #expect(ones >= data.x.rowCount * 9 / 10, "\(ones) of \(data.x.rowCount) predicted 1")
    }
  }

  @Test func wideProblemsUseConjugateGradientsAndAgreeWithTheDual() throws {
    // 600 features, more than the explicit-Hessian limit: the primal solver switches to CG.
    let x = uniformMatrix(60, 600, seed: 11)
    let y = (0..<60).map { i in x[i, 0] + 0.5 * x[i, 1] - 0.2 * x[i, 599] > 0 ? 1 : 0 }
    let primal = try LinearSVC(dual: .primal, tolerance: 1e-10).fit(x, y)
    let dual = try LinearSVC(dual: .dual, tolerance: 1e-10, maxIterations: 100_000).fit(x, y)
    #expect(try LinearSVC().fit(x, y).solver == .dualCoordinateDescent, "auto: fewer samples than features")
    #expect(primal.converged && dual.converged)
    #expect(allClose(primal.coefficients, dual.coefficients, absolute: 1e-6))
    #expect(isClose(primal.intercepts[0], dual.intercepts[0], absolute: 1e-6))
  }
}
