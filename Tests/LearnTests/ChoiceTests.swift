import Foundation
import Learn
import LearnTestSupport
import Testing

/// Whole estimators and transformers as the values of a pipeline step: ``EstimatorChoice``,
/// ``TransformerChoice``, ``Passthrough`` and the type-erased ``AnyEstimator``/``AnyModel``.
@Suite struct ChoiceTests {
  static let classifiers = try! EstimatorChoice<Int>([
    "svc": AnyEstimator(SVC()), "logistic": AnyEstimator(LogisticRegression()),
  ])

  /// Iris rows of classes 0 and 1: a binary problem.
  static func binaryIris() throws -> (x: Matrix, y: [Int]) {
    let iris = try Datasets.iris()
    let rows = iris.y.indices.filter { iris.y[$0] < 2 }
    let subset = iris.subset(rows)
    return (subset.x, subset.y)
  }

  @Test func tableHasTheSelectorThenEachAlternativeUnderItsName() {
    let names = Self.classifiers.hyperparameterNames
    #expect(names.first == "estimator")
    #expect(names.contains("svc.c") && names.contains("svc.gamma") && names.contains("logistic.c"))
    #expect(Self.classifiers.parameters["estimator"] == "svc")
    let pipeline = Pipeline(StandardScaler(), Self.classifiers)
    #expect(pipeline.finalName == "model")
    #expect(pipeline.hyperparameterNames.contains("model.estimator"))
    #expect(pipeline.hyperparameterNames.contains("model.logistic.c"))
  }

  @Test func settingChoosesAndTunesAnAlternative() throws {
    let chosen = try Self.classifiers.setting(["estimator": "logistic", "logistic.c": 0.5])
    #expect(chosen.chosen == "logistic")
    #expect(chosen.parameters["logistic.c"] == .double(0.5))
    #expect(Self.classifiers.parameters["logistic.c"] == .double(1))
    let iris = try Datasets.iris()
    let model = try chosen.fit(iris.x, iris.y)
    #expect(model.base is LogisticRegression.Model)
    #expect(model.classes == [0, 1, 2])
    let direct = try LogisticRegression(c: 0.5).fit(iris.x, iris.y)
    #expect(try model.predict(iris.x) == direct.predict(iris.x))
    #expect(try model.predictProbabilities(iris.x) == direct.predictProbabilities(iris.x))
    #expect(try model.decisionFunction(iris.x) == direct.decisionFunction(iris.x))
  }

  @Test func badAlternativesAndUnknownChoicesAreRefused() throws {
    let svc = AnyEstimator(SVC()), logistic = AnyEstimator(LogisticRegression())
    #expect(throws: LearnError.self) { try EstimatorChoice<Int>(["a": svc, "a": logistic]) }
    #expect(throws: LearnError.self) { try EstimatorChoice<Int>(["a.b": svc]) }
    #expect(throws: LearnError.self) { try EstimatorChoice<Int>(["": svc]) }
    #expect(throws: LearnError.self) { try EstimatorChoice<Int>([:]) }
    #expect(throws: LearnError.self) { try EstimatorChoice<Int>(["svc": svc], chosen: "tree") }
    do {
      _ = try Self.classifiers.setting(["estimator": "tree"])
      Issue.record("an unknown alternative was accepted")
    } catch {
      #expect("\(error)".contains("\"svc\", \"logistic\""))
    }
    // A value set directly is checked at fit.
    var direct = Self.classifiers
    direct.chosen = "tree"
    let iris = try Datasets.iris()
    #expect(throws: LearnError.self) { try direct.fit(iris.x, iris.y) }
  }

  @Test func unnamedAlternativesAreNamedAsMakePipelineNamesSteps() {
    let choice = EstimatorChoice(AnyEstimator(SVC()), AnyEstimator(SVC(kernel: .linear)), AnyEstimator(LogisticRegression()))
    #expect(choice.names == ["svc-1", "svc-2", "logisticregression"])
    #expect(choice.chosen == "svc-1")
    #expect(AnyEstimator(AnyEstimator(SVC())).base is SVC)
    #expect(Pipeline(StandardScaler(), AnyEstimator(SVC())).finalName == "svc")
  }

  @Test func structureNamesEveryPartSoAJournalForOtherPartsIsRefused() throws {
    let pipeline = Pipeline(StandardScaler(), Self.classifiers)
    #expect(pipeline.structureDescription
      == "Pipeline[standardscaler: StandardScaler, model: EstimatorChoice[svc: SVC, logistic: LogisticRegression]]")
    // The same names and parameters, another estimator behind "scaling": a different structure.
    let a = try TransformerChoice(["scaling": AnyTransformer(Passthrough())])
    let b = try TransformerChoice(["scaling": AnyTransformer(Center())])
    #expect(a.structureDescription != b.structureDescription)
    let iris = try Datasets.iris()
    let journal = FileManager.default.temporaryDirectory.appendingPathComponent("choice-\(UUID().uuidString).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: journal) }
    let forests = try EstimatorChoice<Int>(["forest": AnyEstimator(DecisionTreeClassifier(maxDepth: 2))])
    let others = try EstimatorChoice<Int>(["forest": AnyEstimator(ExtraTreeLike(maxDepth: 2))])
    _ = try GridSearchCV(forests, grid: ["forest.maxDepth": [1, 2]], cv: KFold(splits: 3), journal: journal).fit(iris.x, iris.y)
    #expect(throws: LearnError.self) {
      try GridSearchCV(others, grid: ["forest.maxDepth": [1, 2]], cv: KFold(splits: 3), journal: journal).fit(iris.x, iris.y)
    }
  }

  @Test func capabilitiesTheChosenModelLacksThrowAndRocAUCFallsBackToProbabilities() throws {
    let (x, y) = try Self.binaryIris()
    let choice = try EstimatorChoice<Int>(["tree": AnyEstimator(DecisionTreeClassifier()), "svc": AnyEstimator(SVC())])
    let tree = try choice.fit(x, y)
    #expect(!tree.hasDecisionFunction)
    #expect(throws: LearnError.self) { try tree.decisionFunction(x) }
    let direct = try DecisionTreeClassifier().fit(x, y)
    #expect(try Scorer.rocAUC.score(tree, x, y) == Scorer.rocAUC.score(direct, x, y))
    let svc = try choice.setting(["estimator": "svc"]).fit(x, y)
    #expect(svc.hasDecisionFunction)
    #expect(throws: LearnError.self) { try svc.predictProbabilities(x) }
    let inPipeline = try Pipeline(StandardScaler(), choice).fit(x, y)
    #expect(!inPipeline.hasDecisionFunction)
    #expect(try Scorer.rocAUC.score(inPipeline, x, y) == 1)
  }

  @Test func regressorsCanBeAlternativesToo() throws {
    let diabetes = try Datasets.diabetes()
    let choice = try EstimatorChoice<Double>(["ridge": AnyEstimator(Ridge()), "lasso": AnyEstimator(Lasso())], chosen: "lasso")
    let scores = try crossValScore(choice, diabetes.x, diabetes.y, cv: KFold(splits: 3))
    let direct = try crossValScore(Lasso(), diabetes.x, diabetes.y, cv: KFold(splits: 3))
    #expect(scores == direct)
    let small = diabetes.subset(0..<60)
    try checkEstimator(choice, x: small.x, y: small.y)
  }

  @Test func conformanceOfAClassifierChoice() throws {
    let iris = try Datasets.iris()
    try checkEstimator(Self.classifiers.setting(["estimator": "logistic"]), x: iris.x, y: iris.y)
  }

  @Test func transformerChoiceWithPassthrough() throws {
    #expect(try Passthrough().fit(Matrix([[1, .nan]])).transform(Matrix([[.nan, 2]])).row(0)[1] == 2)
    #expect(throws: LearnError.self) { try Passthrough().fit(Matrix([[1, .infinity]])) }
    let scaling = TransformerChoice(AnyTransformer(StandardScaler()), AnyTransformer(MinMaxScaler()), AnyTransformer(Passthrough()))
    #expect(scaling.names == ["standardscaler", "minmaxscaler", "passthrough"])
    let pipeline = Pipeline(scaling, LogisticRegression())
    #expect(pipeline.hyperparameterNames.contains("transform.transformer"))
    #expect(pipeline.hyperparameterNames.contains("transform.minmaxscaler.clip"))
    let iris = try Datasets.iris()
    let identity = try scaling.setting(["transformer": "passthrough"]).fit(iris.x)
    #expect(try identity.transform(iris.x) == iris.x)
    let minMax = try scaling.setting(["transformer": "minmaxscaler"]).fit(iris.x)
    #expect(try minMax.transform(iris.x) == MinMaxScaler().fit(iris.x).transform(iris.x))
    try checkTransformer(Passthrough(), x: iris.x, nanIsMissing: true)
    try checkTransformer(scaling.setting(["transformer": "minmaxscaler"]), x: iris.x)
    #expect(throws: LearnError.self) { try TransformerChoice(["a": AnyTransformer(Passthrough())], chosen: "b") }
  }

  @Test func randomSearchOverAlternativesDrawsEachWithItsOwnSpace() throws {
    let iris = try Datasets.iris()
    let spaces: [[String: Distribution]] = [
      ["model.estimator": .choice(["svc"]), "model.svc.c": .logUniform(0.1, 10)],
      ["model.estimator": .choice(["logistic"]), "model.logistic.c": .logUniform(0.01, 1)],
    ]
    let search = try RandomizedSearchCV(Pipeline(StandardScaler(), Self.classifiers), spaces: spaces, iterations: 8,
                                        cv: StratifiedKFold(splits: 3), seed: 3)
    let model = try search.fit(iris.x, iris.y)
    let chosen = Set(model.results.trials.compactMap { $0.parameters["model.estimator"] })
    #expect(chosen == ["svc", "logistic"])
    for trial in model.results.trials {
      let name = trial.parameters["model.estimator"]?.description.trimmingCharacters(in: ["\""]) ?? ""
      #expect(trial.parameters.keys.sorted() == ["model.\(name).c", "model.estimator"].sorted())
    }
    #expect(try model.score(iris.x, iris.y) > 0.9)
  }
}

/// A decision tree under another type name, with the same hyperparameters: only the structure
/// tells it from ``DecisionTreeClassifier``.
struct ExtraTreeLike: Estimator {
  var tree = DecisionTreeClassifier()
  init(maxDepth: Int?) { tree.maxDepth = maxDepth }
  static var hyperparameters: [Hyperparameter<ExtraTreeLike>] { [] }
  var hyperparameterTable: [Hyperparameter<ExtraTreeLike>] {
    tree.hyperparameterTable.map { $0.reached(get: { $0.tree }, set: { $0.tree = $1 }) }
  }
  func fit(_ x: Matrix, _ y: [Int]) throws -> DecisionTreeClassifier.Model { try tree.fit(x, y) }
}

/// Continued training through a choice: Hyperband rungs and PBT steps over incremental models.
@Suite struct ChoiceContinuationTests {
  @Test func aChoiceContinuesLikeItsChosenAlternative() throws {
    let iris = try Datasets.iris()
    let sgd = SGDClassifier(maxIterations: 3, tolerance: nil, seed: 2)
    let choice = try EstimatorChoice<Int>(["svc": AnyEstimator(SVC()), "sgd": AnyEstimator(sgd)], chosen: "sgd")
    #expect(choice.canContinueTraining)
    let model = try choice.fit(iris.x, iris.y)
    let continued = try choice.continued(model, on: iris.x, iris.y, budget: 4)
    let direct = try sgd.continued(sgd.fit(iris.x, iris.y), on: iris.x, iris.y, budget: 4)
    #expect(try continued.decisionFunction(iris.x) == direct.decisionFunction(iris.x))
    let pipeline = Pipeline(StandardScaler(), choice)
    #expect(pipeline.canContinueTraining)
    #expect(try !pipeline.setting(["model.estimator": "svc"]).canContinueTraining)
  }

  @Test func anAlternativeThatCannotContinueSaysSo() throws {
    let iris = try Datasets.iris()
    let choice = try EstimatorChoice<Int>(["svc": AnyEstimator(SVC()), "sgd": AnyEstimator(SGDClassifier())])
    #expect(!choice.canContinueTraining)
    let svc = try choice.fit(iris.x, iris.y)
    #expect(throws: LearnError.self) { try choice.continued(svc, on: iris.x, iris.y, budget: 1) }
    // A model of another alternative is refused by name.
    let sgdChoice = try choice.setting(["estimator": "sgd"])
    do {
      _ = try sgdChoice.continued(svc, on: iris.x, iris.y, budget: 1)
      Issue.record("an SVC model was continued as an SGD model")
    } catch {
      #expect("\(error)".contains("SVC"))
    }
  }
}

/// The Pipelines guide's example of whole estimators as a step's values, as written there.
@Suite struct ChoiceGuideTests {
  @Test func theGuideExampleRuns() throws {
    let (train, _) = try trainTestSplit(try Datasets.iris(), testFraction: 0.25, stratified: true, seed: 0)
    let pipeline = Pipeline(
      TransformerChoice(AnyTransformer(StandardScaler()), AnyTransformer(MinMaxScaler()), AnyTransformer(Passthrough())),
      try EstimatorChoice(["svc": AnyEstimator(SVC()), "logistic": AnyEstimator(LogisticRegression())]))
    let search = try GridSearchCV(pipeline, grids: [
      ["transform.transformer": ["standardscaler", "passthrough"], "model.estimator": ["svc"], "model.svc.c": [1, 10]],
      ["transform.transformer": ["standardscaler"], "model.estimator": ["logistic"], "model.logistic.c": [0.1, 1]],
    ])
    let best = try search.fit(train.x, train.y)
    #expect(best.results.count == 6)
    #expect(["svc", "logistic"].contains(best.bestParameters["model.estimator"]!.description.trimmingCharacters(in: ["\""])))
    #expect(best.results.columns.contains("param_model.estimator"))
  }
}
