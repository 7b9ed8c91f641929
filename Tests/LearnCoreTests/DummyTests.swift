import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

@Suite struct DummyTests {
  struct ClassifierCase: Decodable {
    let predictions: [Int]
    let probabilities: [Double]
    let classPriors: [Double]
    let score: Double
  }
  struct RegressorCase: Decodable {
    let constant: Double
    let score: Double
  }
  struct File: Decodable {
    let dummyClassifierIris120: [String: ClassifierCase]
    let dummyRegressorDiabetes: [String: RegressorCase]
  }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/baselines.json") }

  @Test(arguments: ["most_frequent", "prior", "uniform"])
  func classifierMatchesScikitLearn(strategy: String) throws {
    let expected = try #require(try Self.fixture.get().dummyClassifierIris120[strategy])
    let iris = try Datasets.iris().subset(0..<120)
    let model = try DummyClassifier().setting(["strategy": .string(strategy)]).fit(iris.x, iris.y)
    let head = iris.x.rows(at: 0..<5)
    #expect(allClose(model.classPriors, expected.classPriors))
    #expect(allClose(try model.predictProbabilities(head).elements, expected.probabilities))
    if strategy != "uniform" {  // uniform predictions are random draws: the streams differ from numpy's
      #expect(try model.predict(head) == expected.predictions)
      #expect(isClose(try model.score(iris.x, iris.y), expected.score))
    }
  }

  @Test(arguments: [("mean", DummyRegressor(strategy: .mean)), ("median", DummyRegressor(strategy: .median)),
                    ("quantile0.3", DummyRegressor(strategy: .quantile, quantile: 0.3)),
                    ("quantile1", DummyRegressor(strategy: .quantile, quantile: 1))])
  func regressorMatchesScikitLearn(name: String, estimator: DummyRegressor) throws {
    let expected = try #require(try Self.fixture.get().dummyRegressorDiabetes[name])
    let diabetes = try Datasets.diabetes()
    let model = try estimator.fit(diabetes.x, diabetes.y)
    #expect(isClose(model.constant, expected.constant, relative: 1e-13))
    let head = diabetes.subset(0..<100)
    #expect(isClose(try model.score(head.x, head.y), expected.score, relative: 1e-12))
  }

  @Test func randomStrategiesAreSeededAndFollowThePriors() throws {
    let y = [Int](repeating: 0, count: 300) + [Int](repeating: 7, count: 100)
    let x = Matrix(rowCount: 400, columnCount: 2, repeating: 1)
    let model = try DummyClassifier(strategy: .stratified, seed: 3).fit(x, y)
    let first = try model.predict(x)
    #expect(first == (try model.predict(x)), "each call restarts from the seed")
    let sevens = first.filter { $0 == 7 }.count
    #expect((70...130).contains(sevens), "about a quarter should be 7, got \(sevens)")
    let other = try DummyClassifier(strategy: .stratified, seed: 4).fit(x, y).predict(x)
    #expect(other != first)
    let uniform = try DummyClassifier(strategy: .uniform, seed: 1).fit(x, y).predict(x)
    #expect(Set(uniform) == [0, 7])
    let probabilities = try model.predictProbabilities(x)
    #expect(probabilities.rowCount == 400 && (0..<400).allSatisfy { probabilities.row($0).reduce(0, +) == 1 })
  }

  @Test func constantStrategiesValidateTheirConstant() throws {
    let x = Matrix(rowCount: 4, columnCount: 1, repeating: 0)
    #expect(try DummyClassifier(strategy: .constant, constant: 2).fit(x, [1, 2, 2, 1]).predict(x) == [2, 2, 2, 2])
    #expect(throws: LearnError.self) { try DummyClassifier(strategy: .constant).fit(x, [1, 2, 2, 1]) }
    #expect(throws: LearnError.self) { try DummyClassifier(strategy: .constant, constant: 5).fit(x, [1, 2, 2, 1]) }
    #expect(try DummyRegressor(strategy: .constant, constant: 4.5).fit(x, [1, 2, 3, 4]).predict(x) == [4.5, 4.5, 4.5, 4.5])
    #expect(throws: LearnError.self) { try DummyRegressor(strategy: .constant).fit(x, [1, 2, 3, 4]) }
    #expect(throws: LearnError.self) { try DummyRegressor(strategy: .quantile).fit(x, [1, 2, 3, 4]) }
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 0)) { try DummyRegressor().fit(x, [1, 2, .nan, 4]) }
  }

  @Test func classifierPassesTheConformanceSuite() throws {
    let iris = try Datasets.iris()
    for strategy in DummyClassifier.Strategy.allCases where strategy != .constant {
      try checkEstimator(DummyClassifier(strategy: strategy, seed: 1), x: iris.x, y: iris.y)
    }
    try checkEstimator(DummyClassifier(strategy: .constant, constant: 1), x: iris.x, y: iris.y)
  }

  @Test func regressorPassesTheConformanceSuite() throws {
    let diabetes = try Datasets.diabetes()
    for estimator in [DummyRegressor(), DummyRegressor(strategy: .median),
                      DummyRegressor(strategy: .quantile, quantile: 0.9), DummyRegressor(strategy: .constant, constant: 1)] {
      try checkEstimator(estimator, x: diabetes.x, y: diabetes.y)
    }
  }
}
