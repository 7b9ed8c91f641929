import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

// Test-only models that return stored outputs for the row indices held in x[:, 0], mirroring the
// fixed estimators of Fixtures/scripts/metrics_fixtures.py.

private func rowIndices(_ x: Matrix) -> [Int] { (0..<x.rowCount).map { Int(x[$0, 0]) } }

private struct FixedProbabilistic: ProbabilisticClassifierModel {
  let classes: [Int]
  let predictions: [Int]
  let probabilities: Matrix
  func predict(_ x: Matrix) throws -> [Int] { rowIndices(x).map { predictions[$0] } }
  func predictProbabilities(_ x: Matrix) throws -> Matrix { probabilities.rows(at: rowIndices(x)) }
}

private struct FixedDecisionAndProbabilistic: ProbabilisticClassifierModel, DecisionFunctionModel {
  let classes: [Int]
  let predictions: [Int]
  let probabilities: Matrix
  let decision: Matrix
  func predict(_ x: Matrix) throws -> [Int] { rowIndices(x).map { predictions[$0] } }
  func predictProbabilities(_ x: Matrix) throws -> Matrix { probabilities.rows(at: rowIndices(x)) }
  func decisionFunction(_ x: Matrix) throws -> Matrix { decision.rows(at: rowIndices(x)) }
}

private struct FixedDecision: DecisionFunctionModel {
  let classes: [Int]
  let predictions: [Int]
  let decision: Matrix
  func predict(_ x: Matrix) throws -> [Int] { rowIndices(x).map { predictions[$0] } }
  func decisionFunction(_ x: Matrix) throws -> Matrix { decision.rows(at: rowIndices(x)) }
}

private struct FixedPlain: ClassifierModel {
  let classes: [Int]
  let predictions: [Int]
  func predict(_ x: Matrix) throws -> [Int] { rowIndices(x).map { predictions[$0] } }
}

private struct FixedRegressor: RegressorModel {
  let values: [Double]
  func predict(_ x: Matrix) throws -> [Double] { rowIndices(x).map { values[$0] } }
}

@Suite struct ScorerTests {
  struct Outcome: Decodable {
    let value: Double?
    let error: String?
  }
  struct ModelCase: Decodable {
    let name: String
    let kind: String
    let y: [Double]
    let scores: [String: Outcome]
    let classes: [Int]?
    let predictions: [Double]
    let proba: [Double]?
    let probaColumns: Int?
    let decision: [Double]?
    let decisionColumns: Int?
  }
  struct File: Decodable {
    let scorerNames: [String]
    let scorers: [ModelCase]
  }

  static let fixture = Result {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try decoder.decode(File.self, from: Fixtures.data("scikit-learn/metrics.json"))
  }

  /// x for `n` samples: the row index in column 0.
  static func indices(_ n: Int) -> Matrix { Matrix(column: (0..<n).map(Double.init)) }

  static func matrix(_ values: [Double]?, columns: Int?) throws -> Matrix {
    let values = try #require(values), columns = try #require(columns)
    return try Matrix(rowCount: values.count / columns, columnCount: columns, elements: values)
  }

  /// The scorer's value on the fixture model, or the error it throws.
  static func run(_ scorer: Scorer, on c: ModelCase) throws -> Result<Double, any Error> {
    let x = indices(c.y.count)
    let labels = c.y.map { Int($0) }, predictedLabels = c.predictions.map { Int($0) }
    func evaluate<M: Predictor>(_ model: M, _ y: [M.Prediction]) -> Result<Double, any Error> {
      Result { try scorer.score(model, x, y) }
    }
    switch c.kind {
    case "probabilistic":
      let model = FixedProbabilistic(classes: try #require(c.classes), predictions: predictedLabels,
                                     probabilities: try matrix(c.proba, columns: c.probaColumns))
      return evaluate(model, labels)
    case "decisionAndProbabilistic":
      let model = FixedDecisionAndProbabilistic(
        classes: try #require(c.classes), predictions: predictedLabels,
        probabilities: try matrix(c.proba, columns: c.probaColumns),
        decision: try matrix(c.decision, columns: c.decisionColumns))
      return evaluate(model, labels)
    case "decision":
      let model = FixedDecision(classes: try #require(c.classes), predictions: predictedLabels,
                                decision: try matrix(c.decision, columns: c.decisionColumns))
      return evaluate(model, labels)
    case "plain":
      return evaluate(FixedPlain(classes: try #require(c.classes), predictions: predictedLabels), labels)
    default:
      return evaluate(FixedRegressor(values: c.predictions), c.y)
    }
  }

  // MARK: Parity

  @Test func builtInScorersMatchScikitLearn() throws {
    var compared = 0, rejected = 0
    for c in try Self.fixture.get().scorers {
      for (name, expected) in c.scores.sorted(by: { $0.key < $1.key }) {
        let result = try Self.run(try Scorer.named(name), on: c)
        switch (result, expected.value) {
        case (.success(let actual), let value?):
          #expect(isClose(actual, value, relative: parityTolerance), "\(c.name) \(name): \(actual) vs \(value)")
          compared += 1
        case (.failure(let error), nil):
          #expect(error is LearnError, "\(c.name) \(name): \(error)")
          rejected += 1
        case (.success(let actual), nil):
          Issue.record("\(c.name) \(name): scikit-learn fails (\(expected.error ?? "")) but we scored \(actual)")
        case (.failure(let error), let value?):
          Issue.record("\(c.name) \(name): expected \(value), got \(error)")
        }
      }
    }
    #expect(compared == 82 && rejected == 16, "compared \(compared), rejected \(rejected)")
  }

  @Test func namesAreScikitLearnsAndSorted() throws {
    #expect(Scorer.names == (try Self.fixture.get().scorerNames))
    #expect(Scorer.names.count == 24)
    for name in Scorer.names { #expect(try Scorer.named(name).name == name) }
    #expect(Scorer.accuracy.name == "accuracy" && Scorer.negLogLoss.name == "neg_log_loss")
    #expect(Scorer.rocAUCOneVsRestWeighted.name == "roc_auc_ovr_weighted")
    #expect(Average.allCases.map { Scorer.precision($0).name }
            == ["precision", "precision_micro", "precision_macro", "precision_weighted"])
    #expect(Scorer.recall(.weighted).name == "recall_weighted" && Scorer.f1(.binary).name == "f1")
    #expect(Scorer.negRootMeanSquaredError.description == "neg_root_mean_squared_error")
  }

  // MARK: Errors

  @Test func unknownNameListsEveryValidName() {
    do {
      _ = try Scorer.named("mean_squared_error")
      Issue.record("expected an error")
    } catch {
      guard case .invalidArgument("scoring", let reason) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(reason.hasPrefix("'mean_squared_error' is not a valid scoring value"))
      for name in Scorer.names { #expect(reason.contains(name)) }
    }
  }

  @Test func scorerForTheOtherKindOfModelThrows() throws {
    let x = Self.indices(3)
    let regressor = FixedRegressor(values: [1, 2, 3])
    let classifier = FixedPlain(classes: [0, 1], predictions: [0, 1, 1])
    #expect(throws: LearnError.invalidArgument(
      name: "scoring", reason: "'accuracy' scores classifiers; this model predicts real values")) {
      try Scorer.accuracy.score(regressor, x, [1, 2, 3])
    }
    #expect(throws: LearnError.invalidArgument(
      name: "scoring", reason: "'r2' scores regressors; this model predicts class labels")) {
      try Scorer.r2.score(classifier, x, [0, 1, 1])
    }
    #expect(throws: LearnError.self) { try Scorer.negLogLoss.score(regressor, x, [1, 2, 3]) }
  }

  @Test func probabilityScorersNeedProbabilities() throws {
    let x = Self.indices(4)
    let plain = FixedPlain(classes: [0, 1], predictions: [0, 1, 1, 0])
    for scorer in [Scorer.negLogLoss, .rocAUCOneVsRest, .rocAUCOneVsRestWeighted, .rocAUC] {
      do {
        _ = try scorer.score(plain, x, [0, 1, 1, 1])
        Issue.record("\(scorer) should need probabilities")
      } catch let LearnError.invalidArgument(name, reason) {
        #expect(name == "scoring")
        #expect(reason.contains("'\(scorer.name)'") && reason.contains("FixedPlain"), "\(reason)")
        #expect(reason.contains("probabilities"), "\(reason)")
      }
    }
  }

  @Test func rocAUCPrefersTheDecisionFunctionAndNeedsTwoClasses() throws {
    let x = Self.indices(4)
    let y = [0, 0, 1, 1]
    // The decision function ranks perfectly, the probabilities backwards.
    let model = FixedDecisionAndProbabilistic(
      classes: [0, 1], predictions: y,
      probabilities: try Matrix([[0.1, 0.9], [0.2, 0.8], [0.8, 0.2], [0.9, 0.1]]),
      decision: Matrix(column: [-2, -1, 1, 2]))
    #expect(try Scorer.rocAUC.score(model, x, y) == 1)
    #expect(try Scorer.rocAUCOneVsRest.score(model, x, y) == 0)  // uses probabilities only
    let threeClasses = FixedProbabilistic(
      classes: [0, 1, 2], predictions: [0, 1, 2, 2],
      probabilities: Matrix(rowCount: 4, columnCount: 3, repeating: 1.0 / 3))
    #expect(throws: LearnError.self) { try Scorer.rocAUC.score(threeClasses, x, [0, 1, 2, 2]) }
  }

  @Test func probabilityScorersUseTheModelsClassesWhenAFoldMissesOne() throws {
    let probabilities = try Matrix([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    let model = FixedProbabilistic(classes: [3, 7, 9], predictions: [3, 7, 3, 7], probabilities: probabilities)
    let y = [3, 7, 3, 7]  // class 9 absent from this fold
    let x = Self.indices(4)
    let expected = try logLoss(y, probabilities: probabilities, labels: [3, 7, 9])
    #expect(try Scorer.negLogLoss.score(model, x, y) == -expected)
    #expect(try Scorer.rocAUCOneVsRest.score(model, x, y).isNaN)  // class 9's AUC is undefined
    let weighted = try Scorer.rocAUCOneVsRestWeighted.score(model, x, y)
    #expect(weighted == (try rocAUCOneVsRest(y, probabilities: probabilities, labels: [3, 7, 9], average: .weighted)))
  }

  @Test func negatedScorersReturnMinusTheMetric() throws {
    let x = Self.indices(4)
    let y: [Double] = [1, 2, 4, 8]
    let model = FixedRegressor(values: [1.5, 2, 3, 9])
    #expect(try Scorer.negMeanSquaredError.score(model, x, y) == -(try meanSquaredError(y, model.values)))
    #expect(try Scorer.negMeanAbsoluteError.score(model, x, y) == -0.625)
    #expect(try Scorer.negMedianAbsoluteError.score(model, x, y) == -0.75)
    #expect(try Scorer.r2.score(model, x, y) == (try r2Score(y, model.values)))
  }

  @Test func customScorersCheckTheModelType() throws {
    let x = Self.indices(3)
    let scorer = Scorer.custom(name: "max_error") { (model: FixedRegressor, x: Matrix, y: [Double]) in
      zip(try model.predict(x), y).map { abs($0 - $1) }.max() ?? 0
    }
    #expect(scorer.name == "max_error")
    #expect(try scorer.score(FixedRegressor(values: [1, 2, 5]), x, [1, 2, 3]) == 2)
    do {
      _ = try scorer.score(FixedPlain(classes: [0, 1], predictions: [0, 1, 0]), x, [0, 1, 1])
      Issue.record("expected an error")
    } catch let LearnError.invalidArgument(name, reason) {
      #expect(name == "scoring")
      #expect(reason.contains("max_error") && reason.contains("FixedRegressor") && reason.contains("FixedPlain"))
    }
  }

  @Test func scoresARealModelLikeItsOwnScore() throws {
    let iris = try Datasets.iris()
    let model = try DummyClassifier(strategy: .prior).fit(iris.x, iris.y)
    #expect(try Scorer.accuracy.score(model, iris.x, iris.y) == (try model.score(iris.x, iris.y)))
    #expect(try Scorer.rocAUCOneVsRest.score(model, iris.x, iris.y) == 0.5)  // constant probabilities
    let diabetes = try Datasets.diabetes()
    let regressor = try DummyRegressor().fit(diabetes.x, diabetes.y)
    #expect(isClose(try Scorer.r2.score(regressor, diabetes.x, diabetes.y),
                    try regressor.score(diabetes.x, diabetes.y), absolute: 1e-15))
  }
}
