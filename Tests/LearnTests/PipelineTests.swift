import Learn
import LearnTestSupport
import Testing

/// Subtracts the training column means, then adds `shift`.
struct Center: Transformer {
  var shift = 0.0
  static let hyperparameters: [Hyperparameter<Center>] = [.double("shift", \.shift, .closed(-10...10))]
  func fit(_ x: Matrix) throws -> Fitted {
    try validateHyperparameters()
    try Validation.checkFeatures(x)
    return Fitted(means: x.columnMeans(), shift: shift)
  }
  struct Fitted: FittedTransformer {
    let means: [Double]
    let shift: Double
    func transform(_ x: Matrix) throws -> Matrix {
      try Validation.checkFeatureCount(x, expected: means.count)
      return Matrix(rowCount: x.rowCount, columnCount: x.columnCount) { i, j in x[i, j] - means[j] + shift }
    }
  }
}

/// Predicts `scale · x[:, 0] + trained`, where `trained` counts training units (fit: 1 per call,
/// continued: `budget` more): enough to see what a pipeline passes on.
struct FirstFeature: IncrementallyTrainable {
  var scale = 1.0
  static let hyperparameters: [Hyperparameter<FirstFeature>] = [.double("scale", \.scale, .positive)]
  func fit(_ x: Matrix, _ y: [Double]) throws -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    return Model(scale: scale, trained: 1, featureCount: x.columnCount)
  }
  func continued(_ model: Model, on x: Matrix, _ y: [Double], budget: Int) throws -> Model {
    Model(scale: scale, trained: model.trained + budget, featureCount: model.featureCount)
  }
  struct Model: RegressorModel {
    let scale: Double
    let trained: Int
    let featureCount: Int
    func predict(_ x: Matrix) throws -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return x.column(0).map { scale * $0 + Double(trained) }
    }
  }
}

@Suite struct PipelineTests {
  let x = try! Matrix([[1, 10], [3, 20], [5, 30], [7, 40]])
  let y: [Double] = [1, 2, 3, 4]

  @Test func stepsAreNamedLikeMakePipeline() throws {
    let pipeline = Pipeline(Center(), FirstFeature())
    #expect(pipeline.steps.map(\.name) == ["center"])
    #expect(pipeline.finalName == "firstfeature")
    #expect(pipeline.hyperparameterNames == ["center.shift", "firstfeature.scale"])
    let repeated = Pipeline(Center(), Center(shift: 1), FirstFeature())
    #expect(repeated.steps.map(\.name) == ["center-1", "center-2"])
    #expect(repeated.parameters == ["center-1.shift": 0.0, "center-2.shift": 1.0, "firstfeature.scale": 1.0])
  }

  @Test func prefixedHyperparametersReachEveryStep() throws {
    let pipeline = try Pipeline(Center(), FirstFeature()).setting(["center.shift": 2, "firstfeature.scale": 3])
    #expect((pipeline.steps[0].transformer.base as? Center)?.shift == 2)
    #expect(pipeline.final.scale == 3)
    #expect(throws: LearnError.invalidHyperparameter(
      name: "center.shift", estimator: "Pipeline", expected: "a float in [-10.0, 10.0]", got: "20")) {
      try pipeline.setting(["center.shift": 20])
    }
    #expect(throws: LearnError.unknownHyperparameter(
      name: "shift", estimator: "Pipeline", valid: ["center.shift", "firstfeature.scale"])) {
      try pipeline.setting(["shift": 1])
    }
  }

  @Test func fitsTransformsOnTrainingRowsOnly() throws {
    let pipeline = try Pipeline(Center(), FirstFeature()).setting(["center.shift": 0.5, "firstfeature.scale": 2])
    let model = try pipeline.fit(x.rows(at: [0, 1]), [1, 2])  // training mean of column 0 is 2
    #expect(try model.transform(x).column(0) == [-0.5, 1.5, 3.5, 5.5])
    #expect(try model.predict(x) == [0, 4, 8, 12])  // 2 · (x0 − 2 + 0.5) + 1
  }

  @Test func explicitStepsAreValidated() throws {
    let named = try Pipeline(steps: [PipelineStep("scale", Center())], final: FirstFeature(), finalName: "model")
    #expect(named.hyperparameterNames == ["scale.shift", "model.scale"])
    #expect(throws: LearnError.self) { try Pipeline(steps: [PipelineStep("a", Center())], final: FirstFeature(), finalName: "a") }
    #expect(throws: LearnError.self) { try Pipeline(steps: [PipelineStep("a.b", Center())], final: FirstFeature()) }
  }

  @Test func continuingKeepsTheFittedTransforms() throws {
    let pipeline = Pipeline(Center(), FirstFeature())
    let model = try pipeline.fit(x, y)
    let continued = try pipeline.continued(model, on: x.rows(at: [3]), [4], budget: 5)
    #expect(continued.final.trained == 6)
    #expect((continued.transforms[0].base as? Center.Fitted)?.means == [4, 25], "not refitted on the new rows")
  }

  @Test func classifierPipelinesForwardClassesAndProbabilities() throws {
    let iris = try Datasets.iris()
    let model = try Pipeline(Center(), DummyClassifier(strategy: .prior)).fit(iris.x, iris.y)
    #expect(model.classes == [0, 1, 2])
    #expect(try model.predictProbabilities(iris.x.rows(at: [0])).elements.map { ($0 * 3).rounded() } == [1, 1, 1])
    #expect(try model.score(iris.x, iris.y) == 1.0 / 3.0)
  }

  @Test func pipelinesPassTheConformanceSuite() throws {
    let iris = try Datasets.iris()
    try checkEstimator(Pipeline(Center(), DummyClassifier(strategy: .stratified, seed: 2)), x: iris.x, y: iris.y)
    let diabetes = try Datasets.diabetes()
    try checkEstimator(Pipeline(Center(), Center(), FirstFeature()), x: diabetes.x, y: diabetes.y)
  }
}

@Suite struct ReviewRegressionTests {
  @Test func anImputerInAPipelineSeesTheMissingValues() throws {
    var x = try Matrix([[1, 2], [3, .nan], [5, 6], [7, 8], [9, 10], [11, 12]])
    let y = [0, 0, 0, 1, 1, 1]
    let pipeline = Pipeline(SimpleImputer(), StandardScaler(), DummyClassifier(strategy: .prior))
    #expect(try pipeline.fit(x, y).predict(x) == [0, 0, 0, 0, 0, 0])
    #expect(try crossValScore(pipeline, x, y, cv: KFold(splits: 3)).count == 3)
    try checkEstimator(pipeline, x: x, y: y, allowsMissingValues: true)
    x[0, 0] = .infinity
    #expect(throws: LearnError.self) { try pipeline.fit(x, y) }
  }

  @Test func seedsWithTheTopBitSetRoundTrip() throws {
    let seed = SplitMix64.derive(1, 2)  // 17976013367585798959, above 2^63
    let estimator = DummyClassifier(strategy: .stratified, seed: seed)
    #expect(try estimator.setting(estimator.parameters).seed == seed)
    let x = Matrix(rowCount: 4, columnCount: 1, repeating: 0)
    _ = try estimator.fit(x, [0, 1, 0, 1])
    #expect(try DummyClassifier().setting(["seed": -1]).seed == UInt64.max)
  }

  @Test func scoreAgreesWithTheR2Scorer() throws {
    let model = try DummyRegressor().fit(Matrix(rowCount: 1, columnCount: 1, repeating: 0), [3])
    let x = Matrix(rowCount: 1, columnCount: 1, repeating: 0)
    #expect(try model.score(x, [3]).isNaN == (try Scorer.r2.score(model, x, [3])).isNaN)
  }

  @Test func medianFollowsNumpy() throws {
    let x = Matrix(rowCount: 2, columnCount: 1, repeating: 0)
    #expect(try DummyRegressor(strategy: .median).fit(x, [0.1, 0.7]).constant == (0.1 + 0.7) / 2)
    #expect(try DummyRegressor(strategy: .median).fit(x, [-1e308, 1e308]).constant == 0)
    #expect(throws: LearnError.self) { try DummyRegressor().fit(x, [1e308, 1e308]) }
  }

  @Test func numericEdgesAreErrorsNotGarbage() throws {
    let huge = try Matrix([[1e160, 2e160], [2e160, 1e160]])
    let eigen = try SymmetricEigen(huge)
    #expect(allClose(eigen.values, [-1e160, 3e160], relative: 1e-12))
    #expect(norm2([0, .nan]).isNaN)
    #expect(throws: LinearAlgebraError.self) { try Matrix(rowCount: .max, columnCount: 2, elements: []) }
    #expect(try Cholesky(Matrix.identity(2)).solve(Matrix(rowCount: 2, columnCount: 0)).shape == (2, 0))
    #expect(throws: LearnError.self) { try StandardScaler().fit(try Matrix([[1e308], [-1.5e308]])) }
    #expect(throws: LearnError.self) { try LeaveOneOut().folds(count: LeaveOneOut.maximumSamples + 1) }
  }
}
