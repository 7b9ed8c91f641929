import LearnCore
import LinearAlgebra

/// A linear regressor trained by stochastic gradient descent, one sample at a time (scikit-learn's
/// `SGDRegressor`): least squares by default, or the Huber and epsilon-insensitive losses.
///
/// Training can be continued epoch by epoch (``continued(_:on:_:budget:)``), which is how Hyperband
/// rungs and population-based training build on an earlier model. Scale the features first
/// (`Pipeline(StandardScaler(), SGDRegressor())`).
public struct SGDRegressor: IncrementallyTrainable, SGDConfiguration, Sendable {
  /// The loss minimised (scikit-learn's `loss`).
  public enum Loss: String, CaseIterable, Sendable {
    /// `(p − y)²/2`: ordinary least squares (the default).
    case squaredError = "squared_error"
    /// Quadratic within ``SGDRegressor/epsilon`` of the target, linear beyond: robust to outliers.
    case huber
    /// `max(0, |y − p| − epsilon)`: the loss of support vector regression.
    case epsilonInsensitive = "epsilon_insensitive"
    /// `max(0, |y − p| − epsilon)²`.
    case squaredEpsilonInsensitive = "squared_epsilon_insensitive"
  }

  /// The loss (scikit-learn `loss`; default `squared_error`).
  public var loss: Loss
  /// The penalty (scikit-learn `penalty`; default `l2`).
  public var penalty: SGDPenalty
  /// The regularisation strength (scikit-learn `alpha`; default 1e-4).
  public var alpha: Double
  /// The elastic-net mixing, 0 for pure L2 and 1 for pure L1 (scikit-learn `l1_ratio`; default 0.15).
  public var l1Ratio: Double
  /// Whether to learn an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The most epochs `fit` runs (scikit-learn `max_iter`; default 1000).
  public var maxIterations: Int
  /// Training stops when the epoch's objective (or validation R²) has not improved by this much for
  /// ``nIterNoChange`` epochs; `nil` never stops early (scikit-learn `tol`; default 1e-3).
  public var tolerance: Double?
  /// Whether to shuffle the rows before each epoch (scikit-learn `shuffle`; default `true`).
  public var shuffle: Bool
  /// The width of the insensitive zone of the `huber` and `epsilon_insensitive` losses
  /// (scikit-learn `epsilon`; default 0.1).
  public var epsilon: Double
  /// Seed of the shuffles and of the validation split (scikit-learn `random_state`; default 0).
  public var seed: UInt64
  /// The step-size schedule (scikit-learn `learning_rate`; default `invscaling`).
  public var learningRate: SGDLearningRate
  /// The initial step size (scikit-learn `eta0`; default 0.01).
  public var eta0: Double
  /// The exponent of the `invscaling` schedule (scikit-learn `power_t`; default 0.25).
  public var powerT: Double
  /// Whether to hold out ``validationFraction`` of the rows and stop on their R² instead of the
  /// training objective (scikit-learn `early_stopping`; default `false`).
  public var earlyStopping: Bool
  /// The share of rows held out for early stopping (scikit-learn `validation_fraction`; default 0.1).
  public var validationFraction: Double
  /// Epochs without improvement before stopping (scikit-learn `n_iter_no_change`; default 5).
  public var nIterNoChange: Int
  /// Averaged SGD: 0 turns it off, `n ≥ 1` averages the weights from the `n`-th sample on
  /// (scikit-learn `average`, where `True` is 1; default 0).
  public var average: Int

  /// An SGD regressor; the defaults are scikit-learn's (with `seed` 0 for `random_state=None`).
  public init(
    loss: Loss = .squaredError, penalty: SGDPenalty = .l2, alpha: Double = 1e-4, l1Ratio: Double = 0.15,
    fitIntercept: Bool = true, maxIterations: Int = 1000, tolerance: Double? = 1e-3, shuffle: Bool = true,
    epsilon: Double = 0.1, seed: UInt64 = 0, learningRate: SGDLearningRate = .invscaling, eta0: Double = 0.01,
    powerT: Double = 0.25, earlyStopping: Bool = false, validationFraction: Double = 0.1, nIterNoChange: Int = 5,
    average: Int = 0
  ) {
    self.loss = loss
    self.penalty = penalty
    self.alpha = alpha
    self.l1Ratio = l1Ratio
    self.fitIntercept = fitIntercept
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.shuffle = shuffle
    self.epsilon = epsilon
    self.seed = seed
    self.learningRate = learningRate
    self.eta0 = eta0
    self.powerT = powerT
    self.earlyStopping = earlyStopping
    self.validationFraction = validationFraction
    self.nIterNoChange = nIterNoChange
    self.average = average
  }

  /// The hyperparameter table, with scikit-learn's valid ranges.
  public static let hyperparameters: [Hyperparameter<SGDRegressor>] = sharedRows + [averageRow]

  /// As ``SGDClassifier``'s, with the regression losses: `loss` one of `squared_error`, `huber`,
  /// `epsilon_insensitive`, `squared_epsilon_insensitive` (auto-sklearn's SGD regressor space).
  public static let defaultSearchSpace: [String: Distribution] =
    sgdSearchSpace(losses: ["squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive"])

  /// Trains for up to ``maxIterations`` epochs. Throws on invalid hyperparameters or bad input.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try validate()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    return try train(SGDState(featureCount: x.columnCount, eta0: eta0), x: x, y: y, epochs: maxIterations)
  }

  /// A budget unit is one of the epochs counted by `maxIterations`.
  public var trainingUnits: TrainingUnits? { TrainingUnits(parameter: "maxIterations") }

  /// Trains `model` for up to `budget` more epochs on `x`, `y` (the data it was fitted on), with
  /// this estimator's hyperparameters. The learning-rate schedule, sample counter, averaging and
  /// stopping rule resume where they stopped, so `fit` for `k` epochs then `continued` for `k` gives
  /// exactly the model `fit` gives for `2k` epochs. A converged model stays as it is, unless a
  /// hyperparameter other than `maxIterations` differs from those it was trained with: the
  /// stopping rule then starts afresh (and so does `eta` of the `constant` and `adaptive`
  /// schedules), as the new objective is not comparable with the old one.
  public func continued(_ model: Model, on x: Matrix, _ y: [Double], budget: Int) throws(LearnError) -> Model {
    try validate()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    try checkContinuation(x, featureCount: model.featureCount, budget: budget)
    return try train(resuming([model.state], trainedBy: model.estimator)[0], x: x, y: y, epochs: budget)
  }

  /// The engine's loss function for ``loss``.
  var lossFunction: SGDLossFunction {
    switch loss {
    case .squaredError: .squaredError
    case .huber: .huber(delta: epsilon)
    case .epsilonInsensitive: .epsilonInsensitive(epsilon: epsilon)
    case .squaredEpsilonInsensitive: .squaredEpsilonInsensitive(epsilon: epsilon)
    }
  }

  /// Runs the regression for up to `epochs` epochs from `state`.
  private func train(_ state: SGDState, x: Matrix, y: [Double], epochs: Int) throws(LearnError) -> Model {
    let split = earlyStopping
      ? try SGDSplit.shuffled(x.rowCount, fraction: validationFraction, seed: seed) : SGDSplit.all(x.rowCount)
    var state = state
    let problem = SGDProblem(x: x, targets: y, positiveWeight: 1, negativeWeight: 1, split: split, metric: .r2)
    try state.train(problem, settings: settings, epochs: epochs)
    return Model(estimator: self, state: state, featureCount: x.columnCount)
  }

  /// A fitted ``SGDRegressor``.
  public struct Model: RegressorModel, IterativeModel {
    /// The estimator (hyperparameters) the model was last trained with.
    public let estimator: SGDRegressor
    /// The weights (scikit-learn `coef_`); averaged weights when averaging has started.
    public let coefficients: [Double]
    /// The intercept (scikit-learn `intercept_`).
    public let intercept: Double
    /// The optimiser state, from which training continues.
    public let state: SGDState
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// Whether the stopping rule fired (scikit-learn warns otherwise).
    public var converged: Bool { state.converged }
    /// Epochs run (scikit-learn `n_iter_`).
    public var iterations: Int { state.epochs }

    init(estimator: SGDRegressor, state: SGDState, featureCount: Int) {
      self.estimator = estimator
      self.state = state
      self.featureCount = featureCount
      let (rows, intercepts) = sgdFinalWeights([state], average: estimator.average)
      coefficients = rows[0]
      intercept = intercepts[0]
    }

    /// `x · coefficients + intercept`, one value per row.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let n = x.rowCount, p = x.columnCount
      return x.withUnsafeBufferPointer { xs in
        coefficients.withUnsafeBufferPointer { cs in
          (0..<n).map { dot(xs.baseAddress! + $0 &* p, cs.baseAddress!, count: p) + intercept }
        }
      }
    }
  }
}

extension SGDRegressor.Loss: Codable {}

extension SGDRegressor: Persistable {
  /// `"SGDRegressor"`.
  public static let typeTag = "SGDRegressor"
}

extension SGDRegressor.Model: Persistable {
  /// `"SGDRegressor.Model"`.
  public static let typeTag = "SGDRegressor.Model"

  /// A valid configuration; one finite coefficient per feature, a finite intercept, the state.
  public func checkLoaded() throws(LearnError) {
    try estimator.checkLoaded()
    try PersistenceCheck.linear(coefficients, intercept, featureCount: featureCount)
    try state.checkLoaded(featureCount: featureCount, field: "state")
  }
}
