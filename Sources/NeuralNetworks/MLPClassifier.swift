import LearnCore
import LinearAlgebra

/// A multilayer perceptron classifier (scikit-learn's `MLPClassifier`): fully connected hidden
/// layers, a logistic output for two classes or a softmax output for more, trained on the log loss
/// plus an L2 penalty by Adam, SGD or L-BFGS.
///
/// ```swift
/// let model = try MLPClassifier(hiddenLayerSizes: [64], learningRateInit: 0.01).fit(x, y)
/// let more = try MLPClassifier(hiddenLayerSizes: [64], learningRateInit: 0.003)
///   .continued(model, on: x, y, budget: 20)            // 20 more epochs, Adam state carried
/// ```
///
/// Hyperparameters keep scikit-learn's meanings and defaults under lowerCamelCase names
/// (`hidden_layer_sizes` → `hiddenLayerSizes`, `random_state` → `seed`; see
/// `Docs/Guides/NeuralNetworks.md`). Initial weights, the early-stopping split and every epoch's
/// shuffle are drawn from Learn's own generators, so a seed gives the same model on every
/// platform, but not scikit-learn's numbers; ``fit(_:_:initialLayers:)`` starts from given weights.
public struct MLPClassifier: IncrementallyTrainable, PerceptronConfiguration, Sendable {
  /// Width of each hidden layer (scikit-learn `hidden_layer_sizes`; default `[100]`).
  public var hiddenLayerSizes: [Int]
  /// Hidden-layer activation (default `relu`).
  public var activation: MLPActivation
  /// The optimiser (default `adam`).
  public var solver: MLPSolver
  /// L2 penalty strength: the loss adds `alpha / (2·batch) · ‖W‖²` (default 1e-4).
  public var alpha: Double
  /// Mini-batch size for `sgd` and `adam`; nil means `min(200, n)` (scikit-learn `"auto"`).
  public var batchSize: Int?
  /// The `sgd` learning-rate schedule (default `constant`).
  public var learningRate: MLPLearningRateSchedule
  /// Initial step size of `sgd` and `adam` (default 1e-3).
  public var learningRateInit: Double
  /// Exponent of the `invscaling` schedule (default 0.5).
  public var powerT: Double
  /// Epochs for `sgd` and `adam`, iterations for `lbfgs` (scikit-learn `max_iter`; default 200).
  public var maxIterations: Int
  /// Whether to shuffle the rows every epoch (default true).
  public var shuffle: Bool
  /// Seed of the initial weights, the early-stopping split and the shuffles (scikit-learn `random_state`).
  public var seed: UInt64
  /// Improvement below which an epoch counts as no improvement; the gradient tolerance of `lbfgs`
  /// (scikit-learn `tol`; default 1e-4).
  public var tolerance: Double
  /// `sgd` momentum in [0, 1] (default 0.9).
  public var momentum: Double
  /// Whether `sgd` uses Nesterov's momentum (default true).
  public var nesterovsMomentum: Bool
  /// Whether to stop on a held-out validation score (accuracy) instead of the training loss, and
  /// predict with the best validation weights (default false; `sgd` and `adam` only).
  public var earlyStopping: Bool
  /// Fraction of the rows held out (stratified) for early stopping (default 0.1).
  public var validationFraction: Double
  /// Adam's first-moment decay in [0, 1) (scikit-learn `beta_1`; default 0.9).
  public var beta1: Double
  /// Adam's second-moment decay in [0, 1) (scikit-learn `beta_2`; default 0.999).
  public var beta2: Double
  /// Adam's numerical-stability term (default 1e-8).
  public var epsilon: Double
  /// Epochs without improvement by `tolerance` before stopping, or before an `adaptive` rate
  /// drop (default 10).
  public var nIterNoChange: Int
  /// Maximum loss evaluations of `lbfgs` (default 15000).
  public var maxFun: Int
  /// The step of multiplicative hypergradient descent on the learning rate (Baydin et al., 2018)
  /// for `sgd` (with the `constant` schedule) and `adam`, in [0, 1): 0 (the default) keeps the
  /// rate fixed; above, the rate starts at `learningRateInit` and after every mini-batch is
  /// multiplied by `1 − hypergradientRate · cos(g, Δw)`, `g` the new gradient of the data loss
  /// and `Δw` the last update, so it grows while the loss still falls along the last step and
  /// shrinks when the gradient turns back against it.
  /// The rate of each epoch is in the fitted model's `learningRateCurve`. Not in scikit-learn.
  public var hypergradientRate: Double
  /// Threads for the matrix products (not a hyperparameter: results do not depend on it).
  /// Default serial; a search that runs many fits at once should keep it so.
  public var parallelism: Parallelism

  /// A perceptron classifier; the defaults are scikit-learn's.
  public init(
    hiddenLayerSizes: [Int] = [100], activation: MLPActivation = .relu, solver: MLPSolver = .adam,
    alpha: Double = 1e-4, batchSize: Int? = nil, learningRate: MLPLearningRateSchedule = .constant,
    learningRateInit: Double = 1e-3, powerT: Double = 0.5, maxIterations: Int = 200, shuffle: Bool = true,
    seed: UInt64 = 0, tolerance: Double = 1e-4, momentum: Double = 0.9, nesterovsMomentum: Bool = true,
    earlyStopping: Bool = false, validationFraction: Double = 0.1, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, nIterNoChange: Int = 10, maxFun: Int = 15000, hypergradientRate: Double = 0,
    parallelism: Parallelism = .serial
  ) {
    self.hiddenLayerSizes = hiddenLayerSizes
    self.activation = activation
    self.solver = solver
    self.alpha = alpha
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.learningRateInit = learningRateInit
    self.powerT = powerT
    self.maxIterations = maxIterations
    self.shuffle = shuffle
    self.seed = seed
    self.tolerance = tolerance
    self.momentum = momentum
    self.nesterovsMomentum = nesterovsMomentum
    self.earlyStopping = earlyStopping
    self.validationFraction = validationFraction
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.nIterNoChange = nIterNoChange
    self.maxFun = maxFun
    self.hypergradientRate = hypergradientRate
    self.parallelism = parallelism
  }

  /// The hyperparameter table, in scikit-learn's order: `hiddenLayerSizes` (non-empty list of
  /// positive ints), `activation`, `solver`, `alpha` [0, inf), `batchSize` ([1, inf) or none),
  /// `learningRate`, `learningRateInit` (0, inf), `powerT` [0, inf), `maxIterations` [1, inf),
  /// `shuffle`, `seed`, `tolerance` [0, inf), `momentum` [0, 1], `nesterovsMomentum`,
  /// `earlyStopping`, `validationFraction` [0, 1), `beta1` [0, 1), `beta2` [0, 1),
  /// `epsilon` (0, inf), `nIterNoChange` [1, inf), `maxFun` [1, inf).
  public static let hyperparameters: [Hyperparameter<MLPClassifier>] = perceptronHyperparameters

  /// The reference tuning task of the design (the classic hyperopt/Hyperband MLP example):
  /// `learningRateInit` log-uniform in [1e-3, 1e-1], `hiddenLayerSizes` one of (32), (64), (128),
  /// (256), (32, 32), (64, 64), (128, 128), (256, 256), `alpha` log-uniform in [1e-4, 1e-2], and
  /// `activation` one of `identity`, `logistic`, `tanh`, `relu`.
  public static let defaultSearchSpace: [String: Distribution] = perceptronSearchSpace

  /// Trains from Glorot-uniform weights drawn from ``seed``.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try fit(x, y, initialLayers: nil)
  }

  /// Trains from the given weights (scikit-learn's `coefs_`/`intercepts_` before training), or
  /// from seeded ones when `initialLayers` is nil. The layers must match `[features] +
  /// hiddenLayerSizes + [outputs]`, where outputs is 1 for two classes and the class count otherwise.
  public func fit(_ x: Matrix, _ y: [Int], initialLayers: [MLPLayer]?) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    let encoding = try ClassEncoding(y)
    let task = Self.task(classes: encoding.classes.count, indices: encoding.indices)
    let run = try freshRun(x: x, outputs: task.outputs, task: task.task, initialLayers: initialLayers)
    return Model(classes: encoding.classes, featureCount: x.columnCount, run: run)
  }

  /// A budget unit is one of the epochs counted by `maxIterations`.
  public var trainingUnits: TrainingUnits? { TrainingUnits(parameter: "maxIterations") }

  /// Trains `model` for up to `budget` more epochs (iterations for `lbfgs`) on `x`, `y`, with
  /// this estimator's current hyperparameters, picking up the optimiser state, the stopping
  /// counters and the epoch count where they were, so continuing k epochs twice is exactly
  /// training 2k epochs at once.
  ///
  /// What may change between calls: every optimiser hyperparameter (`learningRateInit`, `alpha`,
  /// `momentum`, `batchSize`, `tolerance`, …; a changed `sgd` `learningRateInit` restarts its
  /// schedule from the new value, and a changed solver starts a fresh optimiser state). What may
  /// not: `hiddenLayerSizes` and `activation` (throws). The shuffles and the validation split
  /// stay those of the model's seed. A model that has stopped is returned unchanged when the
  /// hyperparameters are the same; with different ones it trains again. Labels of `y` must be
  /// among the model's classes.
  public func continued(_ model: Model, on x: Matrix, _ y: [Int], budget: Int) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try checkContinuedFeatures(x, fittedWith: model.featureCount)
    let indices = try ClassEncoding(y, classes: model.classes).indices
    let task = Self.task(classes: model.classes.count, indices: indices)
    let run = try continuedRun(model.run, x: x, task: task.task, budget: budget)
    return Model(classes: model.classes, featureCount: model.featureCount, run: run)
  }

  /// Targets, output activation and validation accuracy for class indices.
  static func task(classes: Int, indices: [Int]) -> (task: PerceptronTask, outputs: Int) {
    let outputs = classes == 2 ? 1 : classes
    var targets = [Double](repeating: 0, count: indices.count * outputs)
    for (i, c) in indices.enumerated() {
      if outputs == 1 {
        targets[i] = Double(c)
      } else {
        targets[i * outputs + c] = 1
      }
    }
    let task = PerceptronTask(output: outputs == 1 ? .logistic : .softmax, targets: targets, strata: indices) {
      out, rows in
      var correct = 0
      for (r, i) in rows.enumerated() where decodeClass(out + r * outputs, outputs: outputs) == indices[i] {
        correct += 1
      }
      return Double(correct) / Double(rows.count)
    }
    return (task, outputs)
  }

  /// A fitted ``MLPClassifier``.
  public struct Model: ProbabilisticClassifierModel, IterativeModel, Sendable {
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int
    let run: PerceptronRun

    init(classes: [Int], featureCount: Int, run: PerceptronRun) {
      self.classes = classes
      self.featureCount = featureCount
      self.run = run
    }

    /// The layers the model predicts with (scikit-learn `coefs_` and `intercepts_`): the last
    /// weights, or with early stopping the best validation weights.
    public var layers: [MLPLayer] { run.predictingLayers }
    /// Each layer's `fanIn × fanOut` weights (scikit-learn `coefs_`).
    public var coefficients: [Matrix] { layers.map(\.coefficients) }
    /// Each layer's biases (scikit-learn `intercepts_`).
    public var intercepts: [[Double]] { layers.map(\.intercepts) }
    /// Hidden-layer activation.
    public var activation: MLPActivation { run.activation }
    /// Output activation: `logistic` for two classes, `softmax` for more (scikit-learn `out_activation_`).
    public var outputActivation: MLPOutputActivation { run.output }
    /// Units per layer: features, hidden layers, outputs.
    public var layerUnits: [Int] { run.layout.units }
    /// The mean training loss of each epoch, penalty included (scikit-learn `loss_curve_`); empty for `lbfgs`.
    public var lossCurve: [Double] { run.lossCurve }
    /// The learning rate in force at the end of each epoch, after the schedule's end-of-epoch
    /// change (`sgd`, `adam`; empty for `lbfgs`, and for models saved before it was recorded):
    /// the schedule's for `sgd`, `learningRateInit` for `adam`, or the rate hypergradient descent
    /// learned (``hypergradientRate``). Not in scikit-learn.
    public var learningRateCurve: [Double] { run.learningRateCurve }
    /// The last training loss (scikit-learn `loss_`): the last epoch's mean, or the full-batch loss for `lbfgs`.
    public var loss: Double { run.loss }
    /// The lowest epoch loss (scikit-learn `best_loss_`); nil with early stopping and for `lbfgs`.
    public var bestLoss: Double? { run.reportedBestLoss }
    /// Validation accuracy after each epoch with early stopping (scikit-learn `validation_scores_`), else nil.
    public var validationScores: [Double]? { run.reportedValidationScores }
    /// The best validation accuracy with early stopping (scikit-learn `best_validation_score_`), else nil.
    public var bestValidationScore: Double? { run.reportedBestValidationScore }
    /// Whether the stopping rule (or `lbfgs`'s tolerance) ended training before the budget ran out.
    public var converged: Bool { run.stopped }
    /// Epochs (`sgd`, `adam`) or iterations (`lbfgs`) trained so far, over all continuations
    /// (scikit-learn `n_iter_` counts only the last call).
    public var iterations: Int { run.iterations }
    /// The optimiser state, counters and current weights a continuation resumes from.
    public var trainingState: MLPTrainingState { run.trainingState }

    /// Class probabilities, one column per entry of ``classes`` (scikit-learn `predict_proba`).
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let out = run.outputs(x)
      guard out.columnCount == 1 else { return out }
      return Matrix(rowCount: x.rowCount, columnCount: 2) { i, j in j == 1 ? out[i, 0] : 1 - out[i, 0] }
    }

    /// The most probable class of each row (above one half for two classes, as scikit-learn's
    /// `LabelBinarizer` decodes).
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let out = run.outputs(x)
      let width = out.columnCount
      return out.withUnsafeBufferPointer { p in
        (0..<x.rowCount).map { classes[decodeClass(p.baseAddress! + $0 * width, outputs: width)] }
      }
    }  }
}

/// The class index of one output row: `p > 0.5` for one logistic output, else the first largest.
@inline(__always)
func decodeClass(_ row: UnsafePointer<Double>, outputs: Int) -> Int {
  if outputs == 1 { return row[0] > 0.5 ? 1 : 0 }
  var best = 0
  for k in 1..<outputs where row[k] > row[best] { best = k }
  return best
}

extension MLPClassifier: Persistable {
  /// `"MLPClassifier"`.
  public static let typeTag = "MLPClassifier"
}

extension MLPClassifier.Model: Persistable {
  /// `"MLPClassifier.Model"`.
  public static let typeTag = "MLPClassifier.Model"

  /// Increasing classes; a network from the features to one output (two classes, logistic) or
  /// one per class (softmax), with finite weights (the run checks its arrays as it loads).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes")
    let k = classes.count
    try run.checkShape(featureCount: featureCount, outputs: k == 2 ? 1 : k, output: k == 2 ? [.logistic] : [.softmax])
  }
}

extension MLPClassifier {
  /// The network's shape: `hiddenLayerSizes` and `activation` (a continued model keeps its layers).
  public var fixedWhileContinuing: Set<String> { ["hiddenLayerSizes", "activation"] }
}
