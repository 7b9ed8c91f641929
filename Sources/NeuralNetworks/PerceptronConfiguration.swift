import LearnCore
import LinearAlgebra

/// The hyperparameters ``MLPClassifier`` and ``MLPRegressor`` share, so one table serves both.
protocol PerceptronConfiguration: Tunable {
  var hiddenLayerSizes: [Int] { get set }
  var activation: MLPActivation { get set }
  var solver: MLPSolver { get set }
  var alpha: Double { get set }
  var batchSize: Int? { get set }
  var learningRate: MLPLearningRateSchedule { get set }
  var learningRateInit: Double { get set }
  var powerT: Double { get set }
  var maxIterations: Int { get set }
  var shuffle: Bool { get set }
  var seed: UInt64 { get set }
  var tolerance: Double { get set }
  var momentum: Double { get set }
  var nesterovsMomentum: Bool { get set }
  var earlyStopping: Bool { get set }
  var validationFraction: Double { get set }
  var beta1: Double { get set }
  var beta2: Double { get set }
  var epsilon: Double { get set }
  var nIterNoChange: Int { get set }
  var maxFun: Int { get set }
  var hypergradientRate: Double { get set }
  var parallelism: Parallelism { get set }
}

/// `[0, 1)`.
private let halfOpenUnit = RealDomain(lower: 0, upper: 1, lowerClosed: true, upperClosed: false)

extension PerceptronConfiguration {
  /// The shared table, in scikit-learn's parameter order.
  static var perceptronHyperparameters: [Hyperparameter<Self>] {
    [
      layerSizes("hiddenLayerSizes", \Self.hiddenLayerSizes),
      .choice("activation", \Self.activation),
      .choice("solver", \Self.solver),
      .double("alpha", \Self.alpha, .nonNegative, log: true),
      .optionalInt("batchSize", \Self.batchSize, 1...Int.max, log: true),
      .choice("learningRate", \Self.learningRate),
      .double("learningRateInit", \Self.learningRateInit, .positive, log: true),
      .double("powerT", \Self.powerT, .nonNegative),
      .int("maxIterations", \Self.maxIterations, 1...Int.max),
      .bool("shuffle", \Self.shuffle),
      .seed("seed", \Self.seed),
      .double("tolerance", \Self.tolerance, .nonNegative, log: true),
      .double("momentum", \Self.momentum, .unitInterval),
      .bool("nesterovsMomentum", \Self.nesterovsMomentum),
      .bool("earlyStopping", \Self.earlyStopping),
      .double("validationFraction", \Self.validationFraction, halfOpenUnit),
      .double("beta1", \Self.beta1, halfOpenUnit),
      .double("beta2", \Self.beta2, halfOpenUnit),
      .double("epsilon", \Self.epsilon, .positive, log: true),
      .int("nIterNoChange", \Self.nIterNoChange, 1...Int.max),
      .int("maxFun", \Self.maxFun, 1...Int.max),
      .double("hypergradientRate", \Self.hypergradientRate, halfOpenUnit),
    ]
  }

  /// The default search space of both perceptrons (see ``MLPClassifier/defaultSearchSpace``).
  static var perceptronSearchSpace: [String: Distribution] {
    [
      "learningRateInit": .logUniform(1e-3, 1e-1),
      "hiddenLayerSizes": .choice([[32], [64], [128], [256], [32, 32], [64, 64], [128, 128], [256, 256]]),
      "alpha": .logUniform(1e-4, 1e-2),
      "activation": .choice(["identity", "logistic", "tanh", "relu"]),
    ]
  }

  /// A non-empty list of positive layer widths, read and written as `.ints` (a single `.int` is
  /// taken as one layer, as scikit-learn takes `hidden_layer_sizes=64`).
  static func layerSizes(_ name: String, _ path: WritableKeyPath<Self, [Int]> & Sendable) -> Hyperparameter<Self> {
    Hyperparameter(name: name, expected: "a non-empty list of positive ints",
                   domain: .integerLists(element: 1...Int.max, count: 1...Int.max),
                   read: { .ints($0[keyPath: path]) }) {
      (model, value) throws(HyperparameterRejection) in
      let sizes: [Int]
      switch value {
      case .ints(let list): sizes = list
      case .int(let width): sizes = [width]
      default: throw HyperparameterRejection(value)
      }
      guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 }) else { throw HyperparameterRejection(value) }
      model[keyPath: path] = sizes
    }
  }

  /// The hyperparameters that define a training run, for deciding whether a continuation carries
  /// on the same run: everything but `maxIterations` (a continuation's budget replaces it).
  var runDefiningParameters: ParameterSet {
    var values = parameters
    values["maxIterations"] = nil
    return values
  }

  /// Throws unless `x` has the `featureCount` columns a model being continued was fitted with.
  func checkContinuedFeatures(_ x: Matrix, fittedWith featureCount: Int) throws(LearnError) {
    guard x.columnCount == featureCount else {
      throw .shapeMismatch("x has \(x.columnCount) features but the model was fitted with \(featureCount)")
    }
  }

  /// The batch size for `n` training rows: `min(200, n)` when automatic, else clipped to `1 ... n`.
  func effectiveBatchSize(_ n: Int) -> Int {
    Swift.max(1, Swift.min(batchSize ?? 200, n))
  }
}

extension PerceptronConfiguration {
  /// Builds the network and trains it for `maxIterations` from the seeded (or the given) weights.
  func freshRun(x: Matrix, outputs: Int, task: PerceptronTask, initialLayers: [MLPLayer]?)
    throws(LearnError) -> PerceptronRun
  {
    let layout = NetworkLayout(units: [x.columnCount] + hiddenLayerSizes + [outputs])
    let parameters: [Double]
    if let initialLayers {
      parameters = try layout.pack(initialLayers)
    } else {
      parameters = layout.initialParameters(activation: activation, seed: SplitMix64.derive(seed, 0))
    }
    var run = PerceptronRun(
      layout: layout, activation: activation, output: task.output, parameters: parameters,
      optimizer: PerceptronRun.freshOptimizer(solver, parameterCount: layout.parameterCount,
                                              learningRateInit: learningRateInit),
      seed: seed, trainedWith: runDefiningParameters)
    try run.train(self, x: x, task: task, budget: maxIterations)
    return run
  }

  /// Carries `previous` on for up to `budget` more epochs (iterations for L-BFGS) with these
  /// hyperparameters. A run that has stopped and is continued with the same hyperparameters is
  /// returned unchanged (training it longer at once would have stopped at the same point); with
  /// different ones it trains again, its no-improvement counter restarted.
  func continuedRun(_ previous: PerceptronRun, x: Matrix, task: PerceptronTask, budget: Int)
    throws(LearnError) -> PerceptronRun
  {
    guard budget >= 0 else {
      throw .invalidArgument(name: "budget", reason: "the number of epochs must be non-negative, got \(budget)")
    }
    let hidden = Array(previous.layout.units.dropFirst().dropLast())
    guard hidden == hiddenLayerSizes, activation == previous.activation else {
      throw .invalidArgument(
        name: "model",
        reason: "the model has hidden layers \(hidden) with \(previous.activation.rawValue) units; the estimator "
          + "asks for \(hiddenLayerSizes) with \(activation.rawValue): only optimiser hyperparameters may change "
          + "between continuations")
    }
    var run = previous
    let defining = runDefiningParameters
    if budget == 0 { return run }
    if run.stopped {
      if defining == run.trainedWith { return run }
      run.stopped = false
      run.noImprovementCount = 0
    }
    run.adoptOptimizer(self)
    run.trainedWith = defining
    try run.train(self, x: x, task: task, budget: budget)
    return run
  }
}

/// What the fitted models of ``MLPClassifier`` and ``MLPRegressor`` report, as scikit-learn reports it.
extension PerceptronRun {
  /// The layers the model predicts with: the last weights, or with early stopping the best
  /// validation weights.
  var predictingLayers: [MLPLayer] { layout.layers(predictingParameters) }

  /// scikit-learn's `best_loss_`: the lowest epoch loss; nil with early stopping and for `lbfgs`.
  var reportedBestLoss: Double? { earlyStopping || lossCurve.isEmpty ? nil : bestLoss }

  /// scikit-learn's `validation_scores_`: the validation score of each epoch with early stopping, else nil.
  var reportedValidationScores: [Double]? { earlyStopping ? validationScores : nil }

  /// scikit-learn's `best_validation_score_`: the best validation score with early stopping, else nil.
  var reportedBestValidationScore: Double? { earlyStopping ? bestValidationScore : nil }

  /// The output layer's values for each row of `x`, with the predicting weights.
  func outputs(_ x: Matrix) -> Matrix {
    networkOutputs(layout: layout, parameters: predictingParameters, hidden: activation, output: output, x: x)
  }
}
