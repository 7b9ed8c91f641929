import Foundation
import Learn
import LearnTestSupport
import Testing

/// Bit patterns, so a NaN or a signed zero that changes is caught and `==` on doubles is not.
private func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }
private func bits(_ matrix: Matrix) -> [UInt64] { bits(matrix.elements) }

/// The outputs of a fitted model that loading must reproduce exactly.
private func outputs<M: Predictor>(_ model: M, _ x: Matrix) throws -> [[UInt64]] {
  var result: [[UInt64]] = []
  let predictions = try model.predict(x)
  if let labels = predictions as? [Int] { result.append(labels.map { UInt64(bitPattern: Int64($0)) }) }
  if let values = predictions as? [Double] { result.append(bits(values)) }
  if let probabilistic = model as? any ProbabilisticClassifierModel,
     let probabilities = try? probabilistic.predictProbabilities(x) {
    result.append(bits(probabilities))
  }
  if let decision = model as? any DecisionFunctionModel, decision.hasDecisionFunction {
    result.append(bits(try decision.decisionFunction(x)))
  }
  return result
}

/// Data for every round trip: iris with an extra categorical column (codes 0, 1, 2) for the
/// encoders, and diabetes for the regressors.
struct RoundTripData {
  let x: Matrix, y: [Int]
  let rx: Matrix, ry: [Double]

  init() throws {
    let iris = try Datasets.iris()
    let codes = (0..<iris.x.rowCount).map { Double($0 % 3) }
    x = try Matrix.concatenatingColumns([iris.x, Matrix(column: codes)])
    y = iris.y
    let diabetes = try Datasets.diabetes()
    rx = diabetes.x.rows(at: 0..<120)
    ry = Array(diabetes.y[0..<120])
  }
}

/// Saves and loads `estimator` unfitted and fitted: same hyperparameters, same bytes when saved
/// again, bit-identical outputs, the same outputs through the type-erased loader, and (for
/// estimators that continue) the same continuation.
private func checkRoundTrip<E: Estimator & Persistable>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], sourceLocation: SourceLocation = #_sourceLocation
) throws where E.Fitted: Persistable {
  let configuration = try ModelFile.encode(estimator)
  let loadedConfiguration = try ModelFile.load(E.self, from: configuration)
  #expect(loadedConfiguration.parameters == estimator.parameters, sourceLocation: sourceLocation)
  #expect(loadedConfiguration.structureDescription == estimator.structureDescription, sourceLocation: sourceLocation)
  #expect(try ModelFile.encode(loadedConfiguration) == configuration, sourceLocation: sourceLocation)

  let model = try estimator.fit(x, y)
  let saved = try ModelFile.encode(model)
  let loaded = try ModelFile.load(E.Fitted.self, from: saved)
  let expected = try outputs(model, x)
  #expect(try outputs(loaded, x) == expected, "\(E.typeTag)", sourceLocation: sourceLocation)
  #expect(try ModelFile.encode(loaded) == saved, "\(E.typeTag) saves to the same bytes", sourceLocation: sourceLocation)
  let erased = try ModelFile.loadAny(from: saved)
  if let erased = erased as? any Predictor {
    #expect(try outputs(erased, x) == expected, "\(E.typeTag) through the type-erased loader", sourceLocation: sourceLocation)
  } else {
    Issue.record("\(E.typeTag) loads type-erased as \(type(of: erased))", sourceLocation: sourceLocation)
  }
  if let incremental = estimator as? any IncrementallyTrainable, incremental.canContinueTraining {
    try checkContinuation(incremental, model, loaded, x, y, sourceLocation: sourceLocation)
  }
}

/// A loaded model continues exactly as the one it was saved from.
private func checkContinuation<I: IncrementallyTrainable>(
  _ estimator: I, _ model: Any, _ loaded: Any, _ x: Matrix, _ y: Any, sourceLocation: SourceLocation
) throws {
  guard let model = model as? I.Fitted, let loaded = loaded as? I.Fitted, let y = y as? [I.Target] else { return }
  let a = try estimator.continued(model, on: x, y, budget: 2)
  let b = try estimator.continued(loaded, on: x, y, budget: 2)
  #expect(try outputs(a, x) == outputs(b, x), "\(I.self) continues the same after loading", sourceLocation: sourceLocation)
}

@Suite struct PersistenceRoundTripTests {
  let data: RoundTripData

  init() throws { data = try RoundTripData() }

  @Test func everyClassifierRoundTripsBitForBit() throws {
    let (x, y) = (data.x, data.y)
    try checkRoundTrip(DummyClassifier(strategy: .stratified), x, y)
    try checkRoundTrip(LogisticRegression(c: 0.5, classWeight: .balanced), x, y)
    try checkRoundTrip(RidgeClassifier(alpha: 2, classWeight: .custom([0: 2, 1: 1.5])), x, y)
    try checkRoundTrip(SGDClassifier(loss: .logLoss, maxIterations: 5, average: 3), x, y)
    try checkRoundTrip(LinearSVC(c: 0.5), x, y)
    try checkRoundTrip(SVC(kernel: .rbf, probability: true), x, y)
    try checkRoundTrip(SVC(kernel: .poly, degree: 2, gamma: .value(0.3), decisionFunctionShape: .ovo), x, y)
    try checkRoundTrip(DecisionTreeClassifier(maxDepth: 4), x, y)
    try checkRoundTrip(RandomForestClassifier(nEstimators: 7, oobScore: true), x, y)
    try checkRoundTrip(ExtraTreesClassifier(nEstimators: 5, maxFeatures: .count(2)), x, y)
    try checkRoundTrip(MLPClassifier(hiddenLayerSizes: [8], maxIterations: 5), x, y)
    try checkRoundTrip(MLPClassifier(hiddenLayerSizes: [6, 4], solver: .sgd, maxIterations: 4, earlyStopping: true), x, y)
    try checkRoundTrip(MLPClassifier(hiddenLayerSizes: [5], solver: .lbfgs, maxIterations: 10), x, y)
    try checkRoundTrip(MLPClassifier(hiddenLayerSizes: [5], solver: .sgd, maxIterations: 4, hypergradientRate: 0.05), x, y)
  }

  @Test func everyRegressorRoundTripsBitForBit() throws {
    let (x, y) = (data.rx, data.ry)
    try checkRoundTrip(DummyRegressor(strategy: .median), x, y)
    try checkRoundTrip(LinearRegression(), x, y)
    try checkRoundTrip(Ridge(alpha: 0.3), x, y)
    try checkRoundTrip(Lasso(alpha: 0.1), x, y)
    try checkRoundTrip(ElasticNet(alpha: 0.1, l1Ratio: 0.3), x, y)
    try checkRoundTrip(SGDRegressor(maxIterations: 5), x, y)
    try checkRoundTrip(SVR(c: 10, epsilon: 0.5), x, y)
    try checkRoundTrip(DecisionTreeRegressor(maxDepth: 5), x, y)
    try checkRoundTrip(RandomForestRegressor(nEstimators: 5), x, y)
    try checkRoundTrip(ExtraTreesRegressor(nEstimators: 4), x, y)
    try checkRoundTrip(MLPRegressor(hiddenLayerSizes: [7], maxIterations: 5), x, y)
  }

  @Test func pipelinesChoicesAndColumnTransformersRoundTrip() throws {
    let (x, y) = (data.x, data.y)
    let columns = try ColumnTransformer([
      .init("imputed", SimpleImputer(), columns: [0, 1]),
      .init("robust", RobustScaler(), columns: [2, 3]),
      .init("squares", PolynomialFeatures(degree: 2), columns: [0, 3]),
      .init("codes", OneHotEncoder(drop: .first), columns: [4]),
      .init("ordinal", OrdinalEncoder(), columns: [4]),
    ], remainder: .drop)
    try checkRoundTrip(Pipeline(columns, MinMaxScaler(), LogisticRegression()), x, y)
    let choice = EstimatorChoice(AnyEstimator(SVC()), AnyEstimator(RandomForestClassifier(nEstimators: 3)))
    try checkRoundTrip(Pipeline(TransformerChoice(AnyTransformer(StandardScaler()), AnyTransformer(Passthrough())), choice)
      .setting(["model.estimator": "randomforestclassifier", "transform.transformer": "passthrough"]), x, y)
    try checkRoundTrip(AnyEstimator(MLPClassifier(hiddenLayerSizes: [4], maxIterations: 3)), x, y)
    try checkRoundTrip(Pipeline(StandardScaler(), AnyEstimator(Ridge())), data.rx, data.ry)
  }

  @Test func aFittedSearchRoundTripsWithItsTableAndModel() throws {
    let search = try GridSearchCV(Pipeline(StandardScaler(), LogisticRegression()),
                                  grid: ["logisticregression.c": [0.1, 1]], cv: KFold(splits: 3))
    let model = try search.fit(data.x, data.y)
    let saved = try ModelFile.encode(model)
    let loaded = try ModelFile.load(type(of: model), from: saved)
    #expect(loaded.results == model.results)
    #expect(loaded.bestParameters == model.bestParameters)
    #expect(try outputs(loaded, data.x) == outputs(model, data.x))
    let erased = try #require(try ModelFile.loadAny(from: saved) as? any ClassifierModel)
    #expect(try erased.predict(data.x) == model.predict(data.x))
  }

  @Test func aPipelineLoadsTypeErasedAsAnyModel() throws {
    let model = try Pipeline(StandardScaler(), SVC()).fit(data.x, data.y)
    let saved = try ModelFile.encode(model)
    let erased = try ModelFile.load(AnyModel<Int>.self, from: saved)
    #expect(try outputs(erased, data.x) == outputs(model, data.x))
    let pipeline = try #require(try ModelFile.loadAny(from: saved) as? PipelineModel<AnyModel<Int>>)
    #expect(try pipeline.predict(data.x) == model.predict(data.x))
  }

  @Test func filesAreWrittenSafelyAndReadBack() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-persistence-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("forest.json")
    let model = try RandomForestClassifier(nEstimators: 3).fit(data.x, data.y)
    try model.save(to: url)
    try model.save(to: url)  // replaces the file
    let loaded = try ForestClassifierModel.load(from: url)
    #expect(try ModelFile.load(as: AnyModel<Int>.self, from: url).predict(data.x) == model.predict(data.x))
    #expect(try loaded.predict(data.x) == model.predict(data.x))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["forest.json"])
    #expect(throws: LearnError.self) { try ForestClassifierModel.load(from: url, maximumBytes: 100) }
    #expect(throws: LearnError.self) { try SVC.Model.load(from: url) }
  }
}

@Suite struct CSVModelTests {
  static let training = """
    size,colour,kind
    1.0,red,apple
    1.2,red,apple
    3.1,green,melon
    3.3,yellow,melon
    2.0,green,pear
    2.2,yellow,pear
    """

  @Test func aSavedModelReadsNewRowsAgainstItsTrainingFileAndGivesBackTheLabels() throws {
    let train = try Dataset<Int>(csv: Self.training, target: "kind", categoricalFeatures: .encode)
    let pipeline = try Pipeline(ColumnTransformer([.init("size", Passthrough(), columns: [0]),
                                                   .init("colour", OneHotEncoder(), columns: [1])]),
                                DecisionTreeClassifier())
    let model = CSVModel(try pipeline.fit(train.x, train.y), encoding: train.csvEncoding)
    let loaded = try ModelFile.load(type(of: model), from: ModelFile.encode(model))
    // Columns in another order, the target column present, and no apple: the codes stay the
    // training file's (a file read on its own would call melon 0).
    let test = "kind,colour,size\nmelon,green,3.2\npear,yellow,2.1\n"
    #expect(try loaded.predictLabels(csv: test) == ["melon", "pear"])
    #expect(try loaded.predictLabels(csv: "size,colour\n1.1,red\n") == ["apple"])
    #expect(throws: LearnError.malformedCSV(line: 2, column: "colour",
                                            reason: "category 'blue' was not seen in training; known: green, red, yellow")) {
      try loaded.predictLabels(csv: "size,colour\n1.1,blue\n")
    }
    let erased = try #require(try ModelFile.loadAny(from: ModelFile.encode(model)) as? CSVModel<AnyModel<Int>>)
    #expect(try erased.predictLabels(csv: test) == ["melon", "pear"])
  }

  @Test func numericLabelsKeepTheirOrderAndSpellingThroughASavedModel() throws {
    let text = "x,y\n0,2.0\n1,2.0\n10,10.0\n11,10.0\n"
    let train = try Dataset<Int>(csv: text, target: "y")
    #expect(train.classNames == [0: "2.0", 1: "10.0"])
    let model = CSVModel(try DecisionTreeClassifier().fit(train.x, train.y), encoding: train.csvEncoding)
    let loaded = try ModelFile.load(type(of: model), from: ModelFile.encode(model))
    #expect(try loaded.predictLabels(csv: "x\n12\n0.5\n") == ["10.0", "2.0"])
  }
}

/// A classifier defined outside Learn: the median of its one feature splits two classes.
struct MedianSplitClassifier: Estimator, Persistable {
  static let typeTag = "Tests.MedianSplitClassifier"
  static var hyperparameters: [Hyperparameter<MedianSplitClassifier>] { [] }

  struct Model: ClassifierModel, Persistable {
    static let typeTag = "Tests.MedianSplitClassifier.Model"
    var threshold: Double
    var classes: [Int]
    func predict(_ x: Matrix) throws -> [Int] { (0..<x.rowCount).map { x[$0, 0] > threshold ? classes[1] : classes[0] } }
    func checkLoaded() throws(LearnError) {
      try PersistenceCheck.classes(classes, "classes")
      try PersistenceCheck.finite([threshold], "threshold")
    }
  }

  func fit(_ x: Matrix, _ y: [Int]) throws -> Model {
    let column = (0..<x.rowCount).map { x[$0, 0] }.sorted()
    return Model(threshold: column[column.count / 2], classes: Array(Set(y)).sorted())
  }
}

@Suite struct PersistenceRegistryTests {
  @Test func userTypesSaveAndLoadInsideErasedWrappersOnceRegistered() throws {
    let x = try Matrix([[0], [1], [2], [3]]), y = [0, 0, 1, 1]
    let model = try Pipeline(StandardScaler(), AnyEstimator(MedianSplitClassifier())).fit(x, y)
    let saved = try ModelFile.encode(model)
    ModelRegistry.shared.registerClassifier(MedianSplitClassifier.self)
    let loaded = try ModelFile.load(type(of: model), from: saved)
    #expect(try loaded.predict(x) == model.predict(x))
    #expect(ModelRegistry.shared.contains("Tests.MedianSplitClassifier.Model", as: AnyModel<Int>.self))
    #expect(!ModelRegistry.shared.contains("Tests.Unknown", as: AnyModel<Int>.self))
    let labels = try LabelEncoder<String>().fit(["b", "a", "c"])
    let back = try ModelFile.load(LabelEncoder<String>.Fitted.self, from: ModelFile.encode(labels))
    #expect(back.classes == ["a", "b", "c"])
    #expect(try back.transform(["c", "a"]) == [2, 0])
  }

  @Test func anUnregisteredTypeInAnErasedSlotIsAnErrorNamingIt() throws {
    let text = """
      {"format":"learn-model","formatVersion":1,"learnVersion":"0.15.0","model":{"type":"PipelineModel<Int>","value":\
      {"final":{"type":"Tests.NeverRegistered","value":{}},"transforms":[]}}}
      """
    #expect(throws: LearnError.unreadableModel(
      field: "model.value.final.type",
      reason: "'Tests.NeverRegistered' is not a type registered for loading as AnyModel<Int> (ModelRegistry.register)")) {
      try ModelFile.load(AnyModel<Int>.self, from: Data(text.utf8))
    }
  }
}
