import Learn
import LearnTestSupport
import Testing

@Suite struct CrossValidationTests {
  struct Curve: Decodable {
    let trainSizes: [Int]?
    let values: [Double]?
    let trainScores: [Double]
    let testScores: [Double]
  }
  struct Probabilities: Decodable {
    let rows: Int
    let values: [Double]
  }
  struct File: Decodable {
    let crossValidateDigitsMostFrequent: [String: [Double]]
    let crossValidateDiabetesMedianKFold4: [String: [Double]]
    let crossValPredictDigitsMostFrequentKFold5: [Int]
    let crossValPredictProbaDigitsPriorStratified3: Probabilities
    let crossValPredictDiabetesMeanKFold3: [Double]
    let learningCurveDigitsMostFrequentKFold5: Curve
    let learningCurveDiabetesMeanKFold3: Curve
    let validationCurveDiabetesQuantileKFold3: Curve
  }
  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/cross-validation.json") }
  static let digits = Result { try Datasets.digits() }
  static let diabetes = Result { try Datasets.diabetes() }

  /// Compares a result's scores with scikit-learn's `test_<name>` / `train_<name>` arrays.
  func expectScores<M>(_ result: CrossValidationResult<M>, match expected: [String: [Double]]) {
    #expect(expected.count == 2 * result.scorerNames.count)
    for name in result.scorerNames {
      #expect(allClose(result.testScores[name] ?? [], expected["test_" + name] ?? [], relative: 1e-12), "test_\(name)")
      #expect(allClose(result.trainScores[name] ?? [], expected["train_" + name] ?? [], relative: 1e-12), "train_\(name)")
    }
  }

  @Test func crossValidateMatchesScikitLearnWithTheDefaultStratifiedSplitter() throws {
    let digits = try Self.digits.get()
    let scoring = try ["accuracy", "balanced_accuracy", "f1_macro"].map { try Scorer.named($0) }
    let result = try crossValidate(DummyClassifier(strategy: .mostFrequent), digits.x, digits.y,
                                   scoring: scoring, returnTrainScore: true, returnModels: true)
    expectScores(result, match: try Self.fixture.get().crossValidateDigitsMostFrequent)
    #expect(result.folds.count == 5 && result.models.count == 5 && result.fitTimes.count == 5)
    #expect(result.failures.isEmpty)
  }

  @Test func crossValidateMatchesScikitLearnForRegression() throws {
    let diabetes = try Self.diabetes.get()
    let scoring = try ["r2", "neg_mean_squared_error", "neg_mean_absolute_error"].map { try Scorer.named($0) }
    let result = try crossValidate(DummyRegressor(strategy: .median), diabetes.x, diabetes.y, cv: KFold(splits: 4),
                                   scoring: scoring, returnTrainScore: true)
    expectScores(result, match: try Self.fixture.get().crossValidateDiabetesMedianKFold4)
  }

  @Test func resultsDoNotDependOnTheThreadCount() throws {
    let digits = try Self.digits.get()
    let cv = StratifiedKFold(splits: 5, shuffle: true, seed: 3)
    func run(_ parallelism: Parallelism) throws -> [String: [Double]] {
      try crossValidate(DummyClassifier(strategy: .stratified, seed: 9), digits.x, digits.y, cv: cv,
                        scoring: [.accuracy, .f1(.macro)], returnTrainScore: true, parallelism: parallelism).testScores
    }
    let serial = try run(.serial)
    #expect(serial == (try run(.automatic)))
    #expect(serial == (try run(.threads(7))))
  }

  @Test func outOfFoldPredictionsMatchScikitLearn() throws {
    let fixture = try Self.fixture.get()
    let digits = try Self.digits.get()
    #expect(try crossValPredict(DummyClassifier(strategy: .mostFrequent), digits.x, digits.y, cv: KFold(splits: 5))
            == fixture.crossValPredictDigitsMostFrequentKFold5)
    let probabilities = try crossValPredictProbabilities(DummyClassifier(strategy: .prior), digits.x, digits.y,
                                                         cv: StratifiedKFold(splits: 3))
    let expected = fixture.crossValPredictProbaDigitsPriorStratified3
    #expect(probabilities.columnCount == 10)
    #expect(allClose(probabilities.rows(at: 0..<expected.rows).elements, expected.values, relative: 1e-12))
    let diabetes = try Self.diabetes.get()
    #expect(allClose(try crossValPredict(DummyRegressor(), diabetes.x, diabetes.y, cv: KFold(splits: 3)),
                     fixture.crossValPredictDiabetesMeanKFold3, relative: 1e-12))
  }

  @Test func outOfFoldPredictionsNeedAPartition() throws {
    let diabetes = try Self.diabetes.get()
    #expect(throws: LearnError.self) {
      try crossValPredict(DummyRegressor(), diabetes.x, diabetes.y, cv: ShuffleSplit(splits: 3, seed: 1))
    }
  }

  @Test func learningCurvesMatchScikitLearn() throws {
    let fixture = try Self.fixture.get()
    let digits = try Self.digits.get()
    let curve = try learningCurve(DummyClassifier(strategy: .mostFrequent), digits.x, digits.y, cv: KFold(splits: 5))
    let expected = fixture.learningCurveDigitsMostFrequentKFold5
    #expect(curve.trainSizes == expected.trainSizes)
    #expect(allClose(curve.trainScores.flatMap { $0 }, expected.trainScores, relative: 1e-12))
    #expect(allClose(curve.testScores.flatMap { $0 }, expected.testScores, relative: 1e-12))

    let diabetes = try Self.diabetes.get()
    let counts = try learningCurve(DummyRegressor(), diabetes.x, diabetes.y, trainSizes: .counts([10, 50, 100, 294]),
                                   cv: KFold(splits: 3))
    let expectedCounts = fixture.learningCurveDiabetesMeanKFold3
    #expect(counts.trainSizes == expectedCounts.trainSizes)
    #expect(allClose(counts.trainScores.flatMap { $0 }, expectedCounts.trainScores, relative: 1e-12))
    #expect(allClose(counts.testScores.flatMap { $0 }, expectedCounts.testScores, relative: 1e-12))
  }

  @Test func learningCurveSizesAreValidated() throws {
    let diabetes = try Self.diabetes.get()
    #expect(throws: LearnError.self) {
      try learningCurve(DummyRegressor(), diabetes.x, diabetes.y, trainSizes: .fractions([0, 0.5]), cv: KFold(splits: 3))
    }
    #expect(throws: LearnError.self) {
      try learningCurve(DummyRegressor(), diabetes.x, diabetes.y, trainSizes: .counts([295]), cv: KFold(splits: 3))
    }
    let shuffled = try learningCurve(DummyRegressor(), diabetes.x, diabetes.y, trainSizes: .counts([20]),
                                     cv: KFold(splits: 3), shuffle: true, seed: 4)
    #expect(shuffled == (try learningCurve(DummyRegressor(), diabetes.x, diabetes.y, trainSizes: .counts([20]),
                                           cv: KFold(splits: 3), shuffle: true, seed: 4, parallelism: .serial)))
  }

  @Test func validationCurvesMatchScikitLearn() throws {
    let diabetes = try Self.diabetes.get()
    let expected = try Self.fixture.get().validationCurveDiabetesQuantileKFold3
    let curve = try validationCurve(DummyRegressor(strategy: .quantile), diabetes.x, diabetes.y, parameter: "quantile",
                                    values: expected.values!.map { .double($0) }, cv: KFold(splits: 3))
    #expect(allClose(curve.trainScores.flatMap { $0 }, expected.trainScores, relative: 1e-12))
    #expect(allClose(curve.testScores.flatMap { $0 }, expected.testScores, relative: 1e-12))
    #expect(throws: LearnError.invalidHyperparameter(name: "quantile", estimator: "DummyRegressor",
                                                     expected: "a float in [0.0, 1.0] or none", got: "1.5")) {
      try validationCurve(DummyRegressor(strategy: .quantile), diabetes.x, diabetes.y, parameter: "quantile",
                          values: [0.5, 1.5])
    }
  }

  @Test func failedFoldsAreRecordedOrRaised() throws {
    // The constant class 1 is missing from the training rows of the fold that holds every 1.
    let x = Matrix(rowCount: 6, columnCount: 1, repeating: 0)
    let y = [0, 0, 0, 0, 1, 1]
    let estimator = DummyClassifier(strategy: .constant, constant: 1)
    #expect(throws: LearnError.self) { try crossValidate(estimator, x, y, cv: KFold(splits: 3)) }
    let result = try crossValidate(estimator, x, y, cv: KFold(splits: 3), errorScore: .value(.nan))
    #expect(result.failures.keys.sorted() == [2])
    #expect(result.scores[2].isNaN && result.scores[0] == 0)
  }

  @Test func badInputThrows() throws {
    let digits = try Self.digits.get()
    #expect(throws: LearnError.self) { try crossValScore(DummyClassifier(), digits.x, Array(digits.y.dropLast())) }
    #expect(throws: LearnError.self) {
      try crossValScore(DummyClassifier(), digits.x.rows(at: 0..<3), Array(digits.y.prefix(3)), cv: KFold(splits: 4))
    }
    #expect(throws: LearnError.self) {
      try crossValidate(DummyClassifier(), digits.x, digits.y, scoring: [.accuracy, .accuracy])
    }
    #expect(throws: LearnError.self) {
      try crossValScore(DummyRegressor(), digits.x, digits.y.map(Double.init), scoring: .accuracy)
    }
  }
}
