import LearnCore
import LinearAlgebra

/// A multilayer perceptron regressor (scikit-learn's `MLPRegressor`): fully connected hidden
/// layers and an identity output, trained on half the mean squared error plus an L2 penalty by
/// Adam, SGD or L-BFGS.
///
/// ```swift
/// let model = try MLPRegressor(hiddenLayerSizes: [32], solver: .lbfgs).fit(x, y)
/// let predictions = try model.predict(xNew)
/// ```
///
/// Hyperparameters keep scikit-learn's meanings and defaults under lowerCamelCase names (see
/// `Docs/Guides/NeuralNetworks.md`); scikit-learn's `loss="poisson"` is not offered. Initial
/// weights, the early-stopping split and every epoch's shuffle come from Learn's own generators;
/// ``fit(_:_:initialLayers:)`` starts from given weights.
public struct MLPRegressor: IncrementallyTrainable, PerceptronConfiguration, Sendable {
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
  /// Whether to stop on a held-out validation score (R²) instead of the training loss, and
  /// predict with the best validation weights (default false; `sgd` and `adam` only).
  public var earlyStopping: Bool
  /// Fraction of the rows held out for early stopping (default 0.1).
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

  /// A perceptron regressor; the defaults are scikit-learn's.
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
  public static let hyperparameters: [Hyperparameter<MLPRegressor>] = perceptronHyperparameters

  /// The reference tuning task of the design (the classic hyperopt/Hyperband MLP example):
  /// `learningRateInit` log-uniform in [1e-3, 1e-1], `hiddenLayerSizes` one of (32), (64), (128),
  /// (256), (32, 32), (64, 64), (128, 128), (256, 256), `alpha` log-uniform in [1e-4, 1e-2], and
  /// `activation` one of `identity`, `logistic`, `tanh`, `relu`.
  public static let defaultSearchSpace: [String: Distribution] = perceptronSearchSpace

  /// Trains from Glorot-uniform weights drawn from ``seed``.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try fit(x, y, initialLayers: nil)
  }

  /// Trains from the given weights (scikit-learn's `coefs_`/`intercepts_` before training), or
  /// from seeded ones when `initialLayers` is nil. The layers must match `[features] +
  /// hiddenLayerSizes + [1]`.
  public func fit(_ x: Matrix, _ y: [Double], initialLayers: [MLPLayer]?) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let run = try freshRun(x: x, outputs: 1, task: Self.task(y), initialLayers: initialLayers)
    return Model(featureCount: x.columnCount, run: run)
  }

  /// A budget unit is one of the epochs counted by `maxIterations`.
  public var trainingUnits: TrainingUnits? { TrainingUnits(parameter: "maxIterations") }

  /// Trains `model` for up to `budget` more epochs (iterations for `lbfgs`) on `x`, `y`, with
  /// this estimator's current hyperparameters, picking up the optimiser state, the stopping
  /// counters and the epoch count where they were, so continuing k epochs twice is exactly
  /// training 2k epochs at once. The rules are those of ``MLPClassifier/continued(_:on:_:budget:)``.
  public func continued(_ model: Model, on x: Matrix, _ y: [Double], budget: Int) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    try checkContinuedFeatures(x, fittedWith: model.featureCount)
    let run = try continuedRun(model.run, x: x, task: Self.task(y), budget: budget)
    return Model(featureCount: model.featureCount, run: run)
  }

  /// Targets, output activation and validation R² for regression values.
  static func task(_ y: [Double]) -> PerceptronTask {
    PerceptronTask(output: .identity, targets: y, strata: nil) { out, rows in
      // scikit-learn's r2_score, NaN for non-finite predictions (`_score_with_function`).
      var mean = 0.0
      for i in rows { mean += y[i] }
      mean /= Double(rows.count)
      var residual = 0.0, total = 0.0
      for (r, i) in rows.enumerated() {
        guard out[r].isFinite else { return .nan }
        residual += (y[i] - out[r]) * (y[i] - out[r])
        total += (y[i] - mean) * (y[i] - mean)
      }
      if total == 0 { return residual == 0 ? 1 : 0 }
      return 1 - residual / total
    }
  }

  /// A fitted ``MLPRegressor``.
  public struct Model: RegressorModel, IterativeModel, Sendable {
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int
    let run: PerceptronRun

    init(featureCount: Int, run: PerceptronRun) {
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
    /// Output activation: `identity` (scikit-learn `out_activation_`).
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
    /// Validation R² after each epoch with early stopping (scikit-learn `validation_scores_`), else nil.
    public var validationScores: [Double]? { run.reportedValidationScores }
    /// The best validation R² with early stopping (scikit-learn `best_validation_score_`), else nil.
    public var bestValidationScore: Double? { run.reportedBestValidationScore }
    /// Whether the stopping rule (or `lbfgs`'s tolerance) ended training before the budget ran out.
    public var converged: Bool { run.stopped }
    /// Epochs (`sgd`, `adam`) or iterations (`lbfgs`) trained so far, over all continuations
    /// (scikit-learn `n_iter_` counts only the last call).
    public var iterations: Int { run.iterations }
    /// The optimiser state, counters and current weights a continuation resumes from.
    public var trainingState: MLPTrainingState { run.trainingState }

    /// The predicted value of each row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return run.outputs(x).elements
    }  }
}

extension MLPRegressor: Persistable {
  /// `"MLPRegressor"`.
  public static let typeTag = "MLPRegressor"
}

extension MLPRegressor.Model: Persistable {
  /// `"MLPRegressor.Model"`.
  public static let typeTag = "MLPRegressor.Model"

  /// A network from the features to one identity output with finite weights.
  public func checkLoaded() throws(LearnError) {
    try run.checkShape(featureCount: featureCount, outputs: 1, output: [.identity])
  }
}

extension MLPRegressor {
  /// The network's shape: `hiddenLayerSizes` and `activation` (a continued model keeps its layers).
  public var fixedWhileContinuing: Set<String> { ["hiddenLayerSizes", "activation"] }
}
