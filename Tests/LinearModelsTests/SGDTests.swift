import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import LinearModels
import Testing

@Suite struct SGDTests {
  // MARK: Fixtures

  struct DatasetFixture: Decodable {
    let x: [Double]
    let rows: Int
    let columns: Int
    let y: [Double]
    var matrix: Matrix { try! Matrix(rowCount: rows, columnCount: columns, elements: x) }
    var labels: [Int] { y.map { Int($0) } }
  }

  /// `"none"` or a number.
  enum Tolerance: Decodable {
    case none, value(Double)
    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let value = try? container.decode(Double.self) { self = .value(value) } else { self = .none }
    }
  }

  /// `"balanced"` or a table of label → weight.
  enum Weights: Decodable {
    case balanced, table([String: Double])
    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let table = try? container.decode([String: Double].self) { self = .table(table) } else { self = .balanced }
    }
  }

  struct Params: Decodable {
    var loss: String?, penalty: String?, learningRate: String?
    var alpha: Double?, l1Ratio: Double?, eta0: Double?, powerT: Double?, epsilon: Double?
    var fitIntercept: Bool?
    var maxIterations: Int?, average: Int?, nIterNoChange: Int?
    var tolerance: Tolerance?
    var classWeight: Weights?

    /// The hyperparameters by Learn's names, with `shuffle` off as in the fixtures.
    var parameterSet: ParameterSet {
      var set: ParameterSet = ["shuffle": false]
      if let loss { set["loss"] = .string(loss) }
      if let penalty { set["penalty"] = .string(penalty) }
      if let learningRate { set["learningRate"] = .string(learningRate) }
      if let alpha { set["alpha"] = .double(alpha) }
      if let l1Ratio { set["l1Ratio"] = .double(l1Ratio) }
      if let eta0 { set["eta0"] = .double(eta0) }
      if let powerT { set["powerT"] = .double(powerT) }
      if let epsilon { set["epsilon"] = .double(epsilon) }
      if let fitIntercept { set["fitIntercept"] = .bool(fitIntercept) }
      if let maxIterations { set["maxIterations"] = .int(maxIterations) }
      if let average { set["average"] = .int(average) }
      if let nIterNoChange { set["nIterNoChange"] = .int(nIterNoChange) }
      switch tolerance {
      case .none?: set["tolerance"] = ParameterValue.none
      case .value(let v)?: set["tolerance"] = .double(v)
      case nil: break
      }
      switch classWeight {
      case .balanced?: set["classWeight"] = "balanced"
      case .table(let table)?:
        set["classWeight"] = .string(table.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
          .joined(separator: ", "))
      case nil: break
      }
      return set
    }
  }

  struct ClassifierCase: Decodable, CustomTestStringConvertible {
    let name: String
    let dataset: String
    let params: Params
    let coefficients: [Double]
    let intercepts: [Double]
    let iterations: Int
    let t: Double
    let decision: [Double]
    let predictions: [Int]
    let probabilities: [Double]?
    var testDescription: String { name }
  }

  struct RegressorCase: Decodable, CustomTestStringConvertible {
    let name: String
    let dataset: String
    let params: Params
    let coefficients: [Double]
    let intercept: Double
    let iterations: Int
    let t: Double
    let predictions: [Double]
    var testDescription: String { name }
  }

  struct DigitsFixture: Decodable {
    let testIndices: [Int]
    let seeds: [Int]
    let accuracies: [Double]
    let meanAccuracy: Double
  }

  struct File: Decodable {
    let datasets: [String: DatasetFixture]
    let classifier: [ClassifierCase]
    let regressor: [RegressorCase]
    let digits: DigitsFixture
  }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/sgd.json") }
  static var classifierCases: [ClassifierCase] { (try? fixture.get().classifier) ?? [] }
  static var regressorCases: [RegressorCase] { (try? fixture.get().regressor) ?? [] }

  /// The largest error relative to the reference's largest magnitude (coefficients that are
  /// exactly zero under L1 make an element-wise relative error meaningless).
  static func scaledError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    let scale = Swift.max(b.map(abs).max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
  }

  // MARK: Parity with scikit-learn (shuffle off: deterministic)

  @Test(arguments: classifierCases)
  func classifierMatchesScikitLearn(_ expected: ClassifierCase) throws {
    let data = try #require(try Self.fixture.get().datasets[expected.dataset])
    let x = data.matrix, y = data.labels
    let model = try SGDClassifier().setting(expected.params.parameterSet).fit(x, y)
    #expect(model.iterations == expected.iterations)
    // scikit-learn's t_ is 1 + n_iter_ · n for the whole model; each of our binary problems counts
    // its own samples, and the longest-running one matches.
    #expect(model.states.map(\.t).max() == expected.t, "t: \(model.states.map(\.t)) vs \(expected.t)")
    #expect(model.states.allSatisfy { $0.t == Double(1 + $0.epochs * x.rowCount) })
    let coefficientError = Self.scaledError(model.coefficients.elements, expected.coefficients)
    let interceptError = Self.scaledError(model.intercepts, expected.intercepts)
    #expect(coefficientError < 1e-10, "coefficients differ by \(coefficientError)")
    #expect(interceptError < 1e-10, "intercepts differ by \(interceptError)")
    let head = x.rows(at: 0..<10)
    #expect(Self.scaledError(try model.decisionFunction(head).elements, expected.decision) < 1e-10)
    #expect(try model.predict(x) == expected.predictions)
    if let probabilities = expected.probabilities {
      #expect(Self.scaledError(try model.predictProbabilities(head).elements, probabilities) < 1e-10)
    } else {
      #expect(throws: LearnError.self) { try model.predictProbabilities(head) }
    }
  }

  @Test(arguments: regressorCases)
  func regressorMatchesScikitLearn(_ expected: RegressorCase) throws {
    let data = try #require(try Self.fixture.get().datasets[expected.dataset])
    let x = data.matrix
    let model = try SGDRegressor().setting(expected.params.parameterSet).fit(x, data.y)
    #expect(model.iterations == expected.iterations)
    #expect(model.state.t == expected.t)
    let coefficientError = Self.scaledError(model.coefficients, expected.coefficients)
    #expect(coefficientError < 1e-10, "coefficients differ by \(coefficientError)")
    #expect(isClose(model.intercept, expected.intercept, relative: 1e-10, absolute: 1e-12),
            "intercept \(model.intercept) vs \(expected.intercept)")
    #expect(Self.scaledError(try model.predict(x.rows(at: 0..<10)), expected.predictions) < 1e-10)
  }

  // MARK: Shuffled training

  /// scikit-learn's shuffles use its own generator, so weights differ; the test accuracy of the
  /// default classifier on scaled digits must be within two points of scikit-learn's mean over five
  /// seeds. (One seed here, as a debug build takes seconds per fit; Docs/Guides/SGD.md reports the
  /// five-seed means from a release build.)
  @Test func shuffledDigitsAccuracyMatchesScikitLearn() throws {
    let fixture = try Self.fixture.get().digits
    let digits = try Datasets.digits()
    let testSet = Set(fixture.testIndices)
    let train = digits.subset((0..<digits.count).filter { !testSet.contains($0) })
    let test = digits.subset(fixture.testIndices)
    let (xTrain, xTest) = Self.standardize(train.x, test.x)
    let model = try SGDClassifier(seed: 0).fit(xTrain, train.y)
    let accuracy = try model.score(xTest, test.y)
    #expect(abs(accuracy - fixture.meanAccuracy) <= 0.02, "Learn \(accuracy) vs scikit-learn \(fixture.accuracies)")
    #expect(model.converged && model.iterations < 1000)
  }

  /// `(x − mean) / std` with the training rows' statistics.
  static func standardize(_ train: Matrix, _ test: Matrix) -> (Matrix, Matrix) {
    let n = Double(train.rowCount)
    var means = [Double](repeating: 0, count: train.columnCount)
    var scales = [Double](repeating: 0, count: train.columnCount)
    for j in 0..<train.columnCount {
      let column = train.column(j)
      means[j] = column.reduce(0, +) / n
      let variance = column.map { ($0 - means[j]) * ($0 - means[j]) }.reduce(0, +) / n
      scales[j] = variance > 0 ? variance.squareRoot() : 1
    }
    func apply(_ m: Matrix) -> Matrix {
      Matrix(rowCount: m.rowCount, columnCount: m.columnCount) { i, j in (m[i, j] - means[j]) / scales[j] }
    }
    return (apply(train), apply(test))
  }

  @Test func shuffleIsSeededAndDependsOnTheSeed() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    let x = data.matrix, y = data.labels
    let a = try SGDClassifier(seed: 7).fit(x, y)
    let b = try SGDClassifier(seed: 7).fit(x, y)
    let c = try SGDClassifier(seed: 8).fit(x, y)
    #expect(a.coefficients == b.coefficients && a.intercepts == b.intercepts)
    #expect(a.coefficients != c.coefficients)
    let unshuffled = try SGDClassifier(shuffle: false).fit(x, y)
    #expect(a.coefficients != unshuffled.coefficients)
  }

  // MARK: Continuation

  /// Every piece of state at once: shuffling, elastic net (cumulative L1), averaging, several classes.
  @Test func classifierContinuationEqualsOneLongerRun() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    let x = data.matrix, y = data.labels
    for loss in [SGDClassifier.Loss.hinge, .logLoss] {
      let k = 4
      let estimator = SGDClassifier(loss: loss, penalty: .elasticnet, alpha: 0.001, maxIterations: k,
                                    tolerance: nil, seed: 3, average: 20)
      var long = estimator
      long.maxIterations = 2 * k
      let once = try long.fit(x, y)
      let first = try estimator.fit(x, y)
      let twice = try estimator.continued(first, on: x, y, budget: k)
      #expect(twice.iterations == 2 * k && once.iterations == 2 * k)
      #expect(twice.states == once.states, "the optimiser state differs after continuing (\(loss))")
      #expect(twice.coefficients == once.coefficients && twice.intercepts == once.intercepts)
      #expect(first.coefficients != once.coefficients)
      // One epoch at a time gets there too.
      var stepwise = try SGDClassifier(loss: loss, penalty: .elasticnet, alpha: 0.001, maxIterations: 1,
                                       tolerance: nil, seed: 3, average: 20).fit(x, y)
      for _ in 1..<(2 * k) { stepwise = try estimator.continued(stepwise, on: x, y, budget: 1) }
      #expect(stepwise.states == once.states)
    }
  }

  /// With the stopping rule on, its memory carries over too: stopping part-way through the
  /// continuation gives the same model and epoch count as one run.
  @Test func continuationKeepsTheStoppingRule() throws {
    let data = try #require(try Self.fixture.get().datasets["binary"])
    let x = data.matrix, y = data.labels
    let once = try SGDClassifier(seed: 1).fit(x, y)
    #expect(once.converged && once.iterations > 6)
    let start = try SGDClassifier(maxIterations: 3, seed: 1).fit(x, y)
    #expect(!start.converged && start.iterations == 3)
    let resumed = try SGDClassifier(seed: 1).continued(start, on: x, y, budget: 1000)
    #expect(resumed.states == once.states && resumed.iterations == once.iterations && resumed.converged)
    // A converged model stays put under the same hyperparameters…
    let again = try SGDClassifier(seed: 1).continued(resumed, on: x, y, budget: 5)
    #expect(again.states == resumed.states)
    // …and trains on when they change (population-based training's explore step).
    let explored = try SGDClassifier(alpha: 0.01, seed: 1).continued(resumed, on: x, y, budget: 5)
    #expect(explored.iterations > resumed.iterations)
    #expect(explored.states[0].t > resumed.states[0].t)
  }

  @Test func regressorContinuationEqualsOneLongerRun() throws {
    let data = try #require(try Self.fixture.get().datasets["regression"])
    let x = data.matrix, y = data.y
    for (rate, penalty) in [(SGDLearningRate.adaptive, SGDPenalty.l1), (.invscaling, .elasticnet), (.optimal, .l2)] {
      let estimator = SGDRegressor(penalty: penalty, alpha: 0.01, maxIterations: 6, seed: 5, learningRate: rate,
                                   average: 10)
      var long = estimator
      long.maxIterations = 12
      let once = try long.fit(x, y)
      let twice = try estimator.continued(try estimator.fit(x, y), on: x, y, budget: 6)
      #expect(twice.state == once.state, "\(rate) \(penalty)")
      #expect(twice.coefficients == once.coefficients && twice.intercept == once.intercept)
      #expect(twice.iterations == once.iterations)
    }
  }

  @Test func continuationChecksItsInput() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    let x = data.matrix, y = data.labels
    let estimator = SGDClassifier(maxIterations: 2, tolerance: nil)
    let model = try estimator.fit(x, y)
    #expect(throws: LearnError.self) { try estimator.continued(model, on: x, y, budget: -1) }
    #expect(throws: LearnError.self) { try estimator.continued(model, on: x.columns(at: 0..<3), y, budget: 1) }
    #expect(throws: LearnError.self) { try estimator.continued(model, on: x, y.map { $0 + 10 }, budget: 1) }
    #expect(try estimator.continued(model, on: x, y, budget: 0).states == model.states)
    // A subset of the classes is fine (the missing ones are only negatives).
    let subset = try estimator.continued(model, on: x.rows(at: 0..<100), Array(y[0..<100]), budget: 1)
    #expect(subset.iterations == 3)
  }

  // MARK: Early stopping, probabilities, class weights

  @Test func earlyStoppingStopsOnTheValidationScore() throws {
    let data = try #require(try Self.fixture.get().datasets["binary"])
    let x = data.matrix, y = data.labels
    let model = try SGDClassifier(earlyStopping: true, validationFraction: 0.2).fit(x, y)
    #expect(model.converged && model.iterations < 50)
    // 96 rows train: t counts only those.
    #expect(model.states[0].t == Double(1 + 96 * model.iterations))
    #expect(model.states[0].bestValidationScore > 0.7)
    let regression = try #require(try Self.fixture.get().datasets["regression"])
    let regressor = try SGDRegressor(earlyStopping: true).fit(regression.matrix, regression.y)
    #expect(regressor.converged && regressor.state.bestValidationScore > 0.9)
    #expect(throws: LearnError.self) {
      try SGDClassifier(earlyStopping: true, validationFraction: 0.01).fit(x.rows(at: 0..<20), Array(y[0..<20]))
    }
  }

  @Test func probabilitiesAreNormalised() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    let x = data.matrix, y = data.labels
    for loss in [SGDClassifier.Loss.logLoss, .modifiedHuber] {
      let model = try SGDClassifier(loss: loss, seed: 2).fit(x, y)
      let p = try model.predictProbabilities(x)
      #expect(p.columnCount == 3)
      #expect((0..<p.rowCount).allSatisfy { i in
        abs(p.row(i).reduce(0, +) - 1) < 1e-12 && p.row(i).allSatisfy { $0 >= 0 }
      })
    }
  }

  @Test func classWeightHyperparameterRoundTrips() throws {
    let estimator = try SGDClassifier().setting(["classWeight": "0: 1.0, 2: 2.5"])
    #expect(estimator.classWeight == .custom([0: 1, 2: 2.5]))
    #expect(estimator.parameters["classWeight"] == "0:1.0,2:2.5")
    #expect(try SGDClassifier().setting(["classWeight": "balanced"]).classWeight == .balanced)
    #expect(try SGDClassifier(classWeight: .balanced).setting(["classWeight": nil]).classWeight == .uniform)
    #expect(throws: LearnError.self) { try SGDClassifier().setting(["classWeight": "0: -1"]) }
    #expect(throws: LearnError.self) { try SGDClassifier().setting(["classWeight": "{0: 1.0}"]) }
    #expect(throws: LearnError.self) { try SGDClassifier().setting(["classWeight": "a: 1"]) }
  }

  // MARK: Bad input and conformance

  @Test func badInputThrows() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    let x = data.matrix, y = data.labels
    let invalid: [ParameterSet] = [
      ["alpha": -0.1], ["eta0": 0], ["eta0": -1], ["l1Ratio": 1.5], ["l1Ratio": -0.1], ["maxIterations": 0],
      ["tolerance": -1], ["validationFraction": 1], ["nIterNoChange": 0], ["loss": "hinge2"], ["average": -1],
    ]
    for values in invalid {
      #expect(throws: LearnError.self, "\(values)") { try SGDClassifier().setting(values) }
      if values["loss"] == nil {
        #expect(throws: LearnError.self, "\(values)") { try SGDRegressor().setting(values) }
      }
    }
    // Set directly, the properties are caught by fit.
    var negative = SGDClassifier(learningRate: .constant)
    negative.eta0 = 0
    #expect(throws: LearnError.self) { try negative.fit(x, y) }
    var badRatio = SGDRegressor(penalty: .elasticnet)
    badRatio.l1Ratio = 2
    #expect(throws: LearnError.self) { try badRatio.fit(x, data.y) }
    #expect(throws: LearnError.self) { try SGDRegressor(learningRate: .invscaling, eta0: -0.5).fit(x, data.y) }
    #expect(throws: LearnError.self) { try SGDClassifier(alpha: -1).fit(x, y) }
    // optimal divides by alpha.
    #expect(throws: LearnError.self) { try SGDClassifier(alpha: 0).fit(x, y) }
    #expect(try SGDClassifier(alpha: 0, learningRate: .constant).fit(x, y).iterations > 0)
    var withNaN = x
    withNaN[3, 1] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 1)) { try SGDClassifier().fit(withNaN, y) }
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 1)) { try SGDRegressor().fit(withNaN, data.y) }
    #expect(throws: LearnError.singleClass(label: 0)) { try SGDClassifier().fit(x.rows(at: 0..<50), Array(y[0..<50])) }
    var badTarget = data.y
    badTarget[5] = .infinity
    #expect(throws: LearnError.nonFiniteValue(row: 5, column: 0)) { try SGDRegressor().fit(x, badTarget) }
    // A step size that overflows is reported, not returned as NaN weights.
    #expect(throws: LearnError.self) {
      try SGDRegressor(learningRate: .constant, eta0: 1e10).fit(1e150 * x, data.y)
    }
  }

  @Test func estimatorsPassTheConformanceSuite() throws {
    let data = try #require(try Self.fixture.get().datasets["iris"])
    try checkEstimator(SGDClassifier(seed: 1), x: data.matrix, y: data.labels)
    try checkEstimator(SGDClassifier(loss: .logLoss, penalty: .elasticnet, earlyStopping: true, average: 1),
                       x: data.matrix, y: data.labels)
    let regression = try #require(try Self.fixture.get().datasets["regression"])
    try checkEstimator(SGDRegressor(seed: 1), x: regression.matrix, y: regression.y)
    try checkEstimator(SGDRegressor(loss: .huber, penalty: .l1, learningRate: .adaptive), x: regression.matrix,
                       y: regression.y)
  }
}
