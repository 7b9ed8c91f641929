import Learn
import LearnTestSupport
import Testing

/// GridSearchCV against scikit-learn 1.9.1 with real models (the search-engine issue's parity cases).
@Suite struct SearchParityTests {
  struct RidgeGrid: Decodable {
    let params: [[String: Plain]]
    let mean_test_r2, mean_test_neg_mean_squared_error: [Double]
    let rank_test_r2: [Int]
    let best_index: Int
  }
  struct SVCGrid: Decodable {
    let params: [[String: Plain]]
    let mean_test_score: [Double]
    let rank_test_score: [Int]
    let best_index: Int
  }
  struct File: Decodable {
    let gridRidgeDiabetes: RidgeGrid
    let gridSVCDigits360: SVCGrid
    let gridChoiceDigits360: SVCGrid
  }
  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/search.json") }

  @Test func ridgeGridMatchesScikitLearn() throws {
    let expected = try Self.fixture.get().gridRidgeDiabetes
    let diabetes = try Datasets.diabetes()
    let model = try GridSearchCV(Ridge(), grid: ["alpha": [0.01, 0.1, 1.0, 10.0, 100.0], "fitIntercept": [true, false]],
                                 cv: KFold(splits: 5), scoring: [.r2, .negMeanSquaredError], refit: .metric("r2"))
      .fit(diabetes.x, diabetes.y)
    #expect(model.results.trials.map { $0.parameters.mapValues(Plain.init) } == expected.params)
    #expect(allClose(model.results.meanTestScores("r2"), expected.mean_test_r2, relative: 1e-6))
    #expect(allClose(model.results.meanTestScores("neg_mean_squared_error"), expected.mean_test_neg_mean_squared_error, relative: 1e-6))
    #expect(model.results.ranks("r2") == expected.rank_test_r2)
    #expect(model.bestIndex == expected.best_index)
  }

  @Test func svcGridMatchesScikitLearn() throws {
    let expected = try Self.fixture.get().gridSVCDigits360
    let digits = try Datasets.digits().subset(0..<360)
    let model = try GridSearchCV(SVC(), grid: ["c": [0.1, 1, 10, 100], "gamma": [1e-4, 1e-3, 1e-2, 1e-1]],
                                 cv: StratifiedKFold(splits: 5)).fit(digits.x, digits.y)
    #expect(model.results.trials.map { $0.parameters.mapValues(Plain.init) } == expected.params)
    #expect(allClose(model.results.meanTestScores("accuracy"), expected.mean_test_score, relative: 1e-12))
    #expect(model.results.ranks("accuracy") == expected.rank_test_score)
    #expect(model.bestIndex == expected.best_index)
  }

  /// Whole estimators as the values of a pipeline step (an ``EstimatorChoice``), searched with a
  /// list of grids: scikit-learn's `[{"model": [SVC()], "model__C": …}, {"model": [LogisticRegression()], …}]`.
  @Test func estimatorChoiceGridMatchesScikitLearn() throws {
    let expected = try Self.fixture.get().gridChoiceDigits360
    let digits = try Datasets.digits().subset(0..<360)
    let pipeline = try Pipeline(
      steps: [PipelineStep("scaler", StandardScaler())],
      final: EstimatorChoice(["svc": AnyEstimator(SVC()), "logistic": AnyEstimator(LogisticRegression(maxIterations: 1000))]))
    let grids: [[String: [ParameterValue]]] = [
      ["model.estimator": ["svc"], "model.svc.c": [0.1, 1, 10]],
      ["model.estimator": ["logistic"], "model.logistic.c": [0.01, 0.1, 1]],
    ]
    let model = try GridSearchCV(pipeline, grids: grids, cv: StratifiedKFold(splits: 5)).fit(digits.x, digits.y)
    #expect(model.results.trials.map { $0.parameters.mapValues(Plain.init) } == expected.params)
    #expect(allClose(model.results.meanTestScores("accuracy"), expected.mean_test_score, relative: 1e-12))
    #expect(model.results.ranks("accuracy") == expected.rank_test_score)
    #expect(model.bestIndex == expected.best_index)
    #expect(model.bestParameters["model.estimator"] == "logistic")
    #expect(model.best?.final.base is LogisticRegression.Model)
  }
}
