import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import NeuralNetworks
import Testing

/// Small, well-separated three-class data: class c centred at (2c, −c, …).
func blobs(_ n: Int, features: Int = 4, seed: UInt64 = 1) -> (x: Matrix, y: [Int]) {
  var generator = Xoshiro256StarStar(seed: seed)
  let y = (0..<n).map { $0 % 3 }
  let x = Matrix(rowCount: n, columnCount: features) { i, j in
    Double(y[i]) * (j.isMultiple(of: 2) ? 2 : -1) + 0.6 * generator.nextNormal()
  }
  return (x, y)
}

/// A smooth regression target.
func wave(_ n: Int, seed: UInt64 = 2) -> (x: Matrix, y: [Double]) {
  var generator = Xoshiro256StarStar(seed: seed)
  let x = Matrix(rowCount: n, columnCount: 2) { _, _ in generator.nextUniform(-2, 2) }
  let y = (0..<n).map { i in 3 * sin(x[i, 0]) + x[i, 1] * x[i, 1] + 0.05 * generator.nextNormal() }
  return (x, y)
}

@Suite struct MLPBehaviourTests {
  @Test func classifierPassesTheConformanceSuite() throws {
    let data = blobs(45)
    try checkEstimator(MLPClassifier(hiddenLayerSizes: [5], maxIterations: 5), x: data.x, y: data.y)
    try checkEstimator(MLPClassifier(hiddenLayerSizes: [4], solver: .lbfgs, maxIterations: 5), x: data.x, y: data.y)
  }

  @Test func regressorPassesTheConformanceSuite() throws {
    let data = wave(40)
    try checkEstimator(MLPRegressor(hiddenLayerSizes: [5], maxIterations: 5), x: data.x, y: data.y)
    try checkEstimator(MLPRegressor(hiddenLayerSizes: [3], solver: .sgd, maxIterations: 4, earlyStopping: true),
                       x: data.x, y: data.y)
  }

  @Test func hyperparameterTableFollowsScikitLearn() throws {
    let names = MLPClassifier().hyperparameterNames
    #expect(names == [
      "hiddenLayerSizes", "activation", "solver", "alpha", "batchSize", "learningRate", "learningRateInit", "powerT",
      "maxIterations", "shuffle", "seed", "tolerance", "momentum", "nesterovsMomentum", "earlyStopping",
      "validationFraction", "beta1", "beta2", "epsilon", "nIterNoChange", "maxFun",
      "hypergradientRate",  // Learn's own, after scikit-learn's
    ])
    #expect(MLPRegressor().hyperparameterNames == names)
    let defaults = MLPClassifier().parameters
    #expect(defaults["hiddenLayerSizes"] == [100])
    #expect(defaults["activation"] == "relu" && defaults["solver"] == "adam" && defaults["batchSize"] == ParameterValue.none)
    #expect(defaults["alpha"] == 1e-4 && defaults["learningRateInit"] == 1e-3 && defaults["maxIterations"] == 200)
    let tuned = try MLPClassifier().setting(["hiddenLayerSizes": [64, 64], "learningRateInit": 0.01, "activation": "tanh"])
    #expect(tuned.hiddenLayerSizes == [64, 64] && tuned.learningRateInit == 0.01 && tuned.activation == .tanh)
    #expect(try MLPClassifier().setting("hiddenLayerSizes", to: 32).hiddenLayerSizes == [32])
  }

  @Test func badHyperparametersAndInputThrowClearErrors() throws {
    let data = blobs(30)
    func rejects(_ name: String, _ value: ParameterValue) {
      #expect {
        _ = try MLPClassifier().setting(name, to: value)
      } throws: { error in
        guard case LearnError.invalidHyperparameter(let rejected, let estimator, _, _) = error else { return false }
        return rejected == name && estimator == "MLPClassifier"
      }
    }
    rejects("hiddenLayerSizes", .ints([]))
    rejects("hiddenLayerSizes", [10, 0])
    rejects("learningRateInit", -0.1)
    rejects("learningRateInit", 0)
    rejects("momentum", 1.5)
    rejects("batchSize", 0)
    // Set directly, the same values are caught when fitting.
    var empty = MLPClassifier()
    empty.hiddenLayerSizes = []
    #expect(throws: LearnError.self) { _ = try empty.fit(data.x, data.y) }
    let message = describeError { _ = try empty.fit(data.x, data.y) }
    #expect(message.contains("hiddenLayerSizes") && message.contains("non-empty list of positive ints"))
    var zeroWidth = MLPRegressor()
    zeroWidth.hiddenLayerSizes = [4, 0]
    #expect(throws: LearnError.self) { _ = try zeroWidth.fit(wave(20).x, wave(20).y) }
    var negative = MLPClassifier()
    negative.learningRateInit = -1
    #expect {
      _ = try negative.fit(data.x, data.y)
    } throws: { error in
      guard case LearnError.invalidHyperparameter(let name, _, let expected, let got) = error else { return false }
      return name == "learningRateInit" && expected == "a float in (0.0, inf)" && got == "-1.0"
    }
    var withNaN = data.x
    withNaN[3, 2] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 2)) { _ = try MLPClassifier().fit(withNaN, data.y) }
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 2)) {
      _ = try MLPRegressor().fit(withNaN, wave(30).y)
    }
    #expect(throws: LearnError.singleClass(label: 4)) {
      _ = try MLPClassifier().fit(data.x, [Int](repeating: 4, count: 30))
    }
    let wrongShape = [MLPLayer(coefficients: Matrix(rowCount: 3, columnCount: 2), intercepts: [0, 0])]
    #expect(throws: LearnError.self) { _ = try MLPClassifier(hiddenLayerSizes: [2]).fit(data.x, data.y, initialLayers: wrongShape) }
  }

  @Test func divergenceIsReportedNotSilent() throws {
    // Huge targets and a huge step: the squared loss overflows.
    let data = wave(40)
    let y = data.y.map { $0 * 1e150 }
    let estimator = MLPRegressor(hiddenLayerSizes: [4], solver: .sgd, learningRateInit: 10, maxIterations: 50)
    #expect {
      _ = try estimator.fit(data.x, y)
    } throws: { error in
      guard case LearnError.invalidArgument(_, let reason) = error else { return false }
      return reason.contains("diverged")
    }
  }

  @Test func classifierLearnsSeparableClasses() throws {
    let train = blobs(150), test = blobs(60, seed: 9)
    for solver in MLPSolver.allCases {
      let model = try MLPClassifier(hiddenLayerSizes: [8], solver: solver, batchSize: 16, learningRateInit: 0.01,
                                    maxIterations: 60)
        .fit(train.x, train.y)
      let score = try model.score(test.x, test.y)
      #expect(score > 0.9, "\(solver): \(score)")
      let probabilities = try model.predictProbabilities(test.x)
      #expect(probabilities.columnCount == 3)
      for i in 0..<probabilities.rowCount {
        #expect(abs(probabilities.row(i).reduce(0, +) - 1) < 1e-12)
      }
    }
  }

  @Test func binaryClassifierUsesOneLogisticOutputAndAnyLabels() throws {
    let data = blobs(90)
    let keep = (0..<90).filter { data.y[$0] != 1 }
    let x = data.x.rows(at: keep)
    let y = keep.map { data.y[$0] == 0 ? -7 : 12 }
    let model = try MLPClassifier(hiddenLayerSizes: [3], solver: .lbfgs).fit(x, y)
    #expect(model.classes == [-7, 12])
    #expect(model.outputActivation == .logistic && model.layerUnits == [4, 3, 1])
    #expect(try model.score(x, y) == 1)
    let p = try model.predictProbabilities(x)
    #expect(p.columnCount == 2 && abs(p[0, 0] + p[0, 1] - 1) < 1e-15)
  }

  @Test func regressorFitsASmoothFunction() throws {
    let train = wave(200), test = wave(80, seed: 5)
    let lbfgs = try MLPRegressor(hiddenLayerSizes: [20], activation: .tanh, solver: .lbfgs, maxIterations: 300)
      .fit(train.x, train.y)
    #expect(try lbfgs.score(test.x, test.y) > 0.95)
    let adam = try MLPRegressor(hiddenLayerSizes: [20], activation: .tanh, batchSize: 20, learningRateInit: 0.02,
                                maxIterations: 150)
      .fit(train.x, train.y)
    let score = try adam.score(test.x, test.y)
    #expect(score > 0.9, "\(score)")
    #expect(adam.lossCurve.count == adam.iterations && adam.bestLoss == adam.lossCurve.min())
  }

  @Test func seededFitsAreReproducibleAndIndependentOfThreads() throws {
    let data = blobs(120, features: 12)
    let serial = try MLPClassifier(hiddenLayerSizes: [40, 30], maxIterations: 3).fit(data.x, data.y)
    let threaded = try MLPClassifier(hiddenLayerSizes: [40, 30], maxIterations: 3, parallelism: .threads(2))
      .fit(data.x, data.y)
    #expect(serial.trainingState == threaded.trainingState)
    let otherSeed = try MLPClassifier(hiddenLayerSizes: [40, 30], maxIterations: 3, seed: 1).fit(data.x, data.y)
    #expect(otherSeed.trainingState.parameters != serial.trainingState.parameters)
  }

  @Test func earlyStoppingHoldsOutAStratifiedSplitAndKeepsTheBestWeights() throws {
    let data = blobs(100)
    let model = try MLPClassifier(hiddenLayerSizes: [6], learningRateInit: 0.05, maxIterations: 40, earlyStopping: true,
                                  validationFraction: 0.2, nIterNoChange: 3).fit(data.x, data.y)
    let scores = try #require(model.validationScores)
    #expect(scores.count == model.iterations && model.bestLoss == nil)
    #expect(model.bestValidationScore == scores.max())
    // 20 validation rows from 34/33/33 by class: 7/7/6, so every score is a multiple of 1/20.
    for s in scores { #expect(abs(s * 20 - (s * 20).rounded()) < 1e-9) }
    // With early stopping the model predicts with the best weights, but training continues from the last.
    let state = model.trainingState
    #expect(state.bestParameters != nil)
    if model.converged { #expect(model.layers != MLPClassifier.layersOf(state)) }
  }

  @Test func stoppingRuleEndsTrainingAndReportsConvergence() throws {
    let data = blobs(60)
    let stopped = try MLPClassifier(hiddenLayerSizes: [4], tolerance: 10, nIterNoChange: 2).fit(data.x, data.y)
    // Epoch 1 sets the best loss; epochs 2, 3 and 4 fail to beat it by 10; 3 > 2 stops.
    #expect(stopped.converged && stopped.iterations == 4)
    let capped = try MLPClassifier(hiddenLayerSizes: [4], maxIterations: 3, tolerance: 0).fit(data.x, data.y)
    #expect(!capped.converged && capped.iterations == 3)
  }
}

extension MLPClassifier {
  /// The current (not the best) weights of a training state, as layers.
  static func layersOf(_ state: MLPTrainingState) -> [MLPLayer] {
    var offset = 0
    var coefficients: [Matrix] = []
    for l in 0..<(state.layerUnits.count - 1) {
      let (rows, columns) = (state.layerUnits[l], state.layerUnits[l + 1])
      coefficients.append(try! Matrix(rowCount: rows, columnCount: columns,
                                      elements: Array(state.parameters[offset..<(offset + rows * columns)])))
      offset += rows * columns
    }
    return coefficients.map { c in
      defer { offset += c.columnCount }
      return MLPLayer(coefficients: c, intercepts: Array(state.parameters[offset..<(offset + c.columnCount)]))
    }
  }
}

/// The description of the error `body` throws ("" when it does not throw).
func describeError(_ body: () throws -> Void) -> String {
  do {
    try body()
    return ""
  } catch {
    return "\(error)"
  }
}
