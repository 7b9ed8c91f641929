import Foundation
import LearnCore
import LinearAlgebra

/// A linear classifier trained by stochastic gradient descent, one sample at a time (scikit-learn's
/// `SGDClassifier`): a linear SVM with the default hinge loss, logistic regression with `logLoss`.
/// More than two classes are handled one-vs-rest, one binary problem per class.
///
/// Training can be continued epoch by epoch (``continued(_:on:_:budget:)``), which is how Hyperband
/// rungs and population-based training build on an earlier model. Scale the features first
/// (`Pipeline(StandardScaler(), SGDClassifier())`): the default schedule assumes unit variance.
public struct SGDClassifier: IncrementallyTrainable, SGDConfiguration, Sendable {
  /// The loss minimised (scikit-learn's `loss`).
  public enum Loss: String, CaseIterable, Sendable {
    /// `max(0, 1 − y·p)`: a linear SVM (the default).
    case hinge
    /// The logistic loss: logistic regression, with probabilities.
    case logLoss = "log_loss"
    /// A smoothed hinge, quadratic for `y·p ≥ −1`: tolerant to outliers, with probabilities.
    case modifiedHuber = "modified_huber"
    /// `max(0, 1 − y·p)²`.
    case squaredHinge = "squared_hinge"
    /// `max(0, −y·p)`: the perceptron.
    case perceptron
    /// `(p − y)²/2` on targets ±1.
    case squaredError = "squared_error"
    /// The Huber loss on targets ±1, quadratic within ``SGDClassifier/epsilon``.
    case huber
    /// `max(0, |y − p| − epsilon)` on targets ±1.
    case epsilonInsensitive = "epsilon_insensitive"
    /// `max(0, |y − p| − epsilon)²` on targets ±1.
    case squaredEpsilonInsensitive = "squared_epsilon_insensitive"
  }

  /// The loss (scikit-learn `loss`; default `hinge`).
  public var loss: Loss
  /// The penalty (scikit-learn `penalty`; default `l2`).
  public var penalty: SGDPenalty
  /// The regularisation strength, also used by the `optimal` schedule (scikit-learn `alpha`; default 1e-4).
  public var alpha: Double
  /// The elastic-net mixing, 0 for pure L2 and 1 for pure L1 (scikit-learn `l1_ratio`; default 0.15).
  public var l1Ratio: Double
  /// Whether to learn an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The most epochs `fit` runs (scikit-learn `max_iter`; default 1000).
  public var maxIterations: Int
  /// Training stops when the epoch's objective (or validation score) has not improved by this much
  /// for ``nIterNoChange`` epochs; `nil` never stops early (scikit-learn `tol`; default 1e-3).
  public var tolerance: Double?
  /// Whether to shuffle the rows before each epoch (scikit-learn `shuffle`; default `true`).
  public var shuffle: Bool
  /// The width of the insensitive zone of the `huber` and `epsilon_insensitive` losses
  /// (scikit-learn `epsilon`; default 0.1).
  public var epsilon: Double
  /// Seed of the shuffles and of the validation split (scikit-learn `random_state`; default 0).
  public var seed: UInt64
  /// The step-size schedule (scikit-learn `learning_rate`; default `optimal`).
  public var learningRate: SGDLearningRate
  /// The initial step size of the `constant`, `invscaling` and `adaptive` schedules (scikit-learn
  /// `eta0`; default 0.01).
  public var eta0: Double
  /// The exponent of the `invscaling` schedule (scikit-learn `power_t`; default 0.5).
  public var powerT: Double
  /// Whether to hold out ``validationFraction`` of the rows (stratified) and stop on their accuracy
  /// instead of the training objective (scikit-learn `early_stopping`; default `false`).
  public var earlyStopping: Bool
  /// The share of rows held out for early stopping (scikit-learn `validation_fraction`; default 0.1).
  public var validationFraction: Double
  /// Epochs without improvement before stopping (scikit-learn `n_iter_no_change`; default 5).
  public var nIterNoChange: Int
  /// Per-class weights in the loss (scikit-learn `class_weight`; default uniform).
  public var classWeight: ClassWeight
  /// Averaged SGD: 0 turns it off, `n ≥ 1` averages the weights from the `n`-th sample on
  /// (scikit-learn `average`, where `True` is 1; default 0).
  public var average: Int

  /// An SGD classifier; the defaults are scikit-learn's (with `seed` 0 for `random_state=None`).
  public init(
    loss: Loss = .hinge, penalty: SGDPenalty = .l2, alpha: Double = 1e-4, l1Ratio: Double = 0.15,
    fitIntercept: Bool = true, maxIterations: Int = 1000, tolerance: Double? = 1e-3, shuffle: Bool = true,
    epsilon: Double = 0.1, seed: UInt64 = 0, learningRate: SGDLearningRate = .optimal, eta0: Double = 0.01,
    powerT: Double = 0.5, earlyStopping: Bool = false, validationFraction: Double = 0.1, nIterNoChange: Int = 5,
    classWeight: ClassWeight = .uniform, average: Int = 0
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
    self.classWeight = classWeight
    self.average = average
  }

  /// The hyperparameter table, with scikit-learn's valid ranges.
  public static let hyperparameters: [Hyperparameter<SGDClassifier>] =
    sharedRows + [.classWeight("classWeight", \.classWeight), averageRow]

  /// auto-sklearn's SGD space, narrowed: `loss` one of `hinge`, `log_loss`, `modified_huber`,
  /// `squared_hinge`, `perceptron`; `penalty` one of `l2`, `l1`, `elasticnet`; `alpha`
  /// log-uniform in [1e-6, 1e-1] (scikit-learn's default 1e-4 in the middle); `l1Ratio` uniform in
  /// [0, 1] (used by `elasticnet` only).
  public static let defaultSearchSpace: [String: Distribution] =
    sgdSearchSpace(losses: ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron"])

  /// Trains one binary problem per class (one in all for two classes) for up to ``maxIterations``
  /// epochs. Throws on invalid hyperparameters, bad input or a single class.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try validate()
    try Validation.checkSamples(x, y)
    let encoding = try ClassEncoding(y)
    let problemCount = encoding.classes.count == 2 ? 1 : encoding.classes.count
    let states = (0..<problemCount).map { _ in SGDState(featureCount: x.columnCount, eta0: eta0) }
    let weights = try classWeight.weights(for: encoding)
    return try train(states, classes: encoding.classes, indices: encoding.indices, weights: weights, x: x,
                     epochs: maxIterations)
  }

  /// A budget unit is one of the epochs counted by `maxIterations`.
  public var trainingUnits: TrainingUnits? { TrainingUnits(parameter: "maxIterations") }

  /// Trains `model` for up to `budget` more epochs on `x`, `y` (the data it was fitted on), with
  /// this estimator's hyperparameters. The learning-rate schedule, sample counter, averaging and
  /// stopping rule resume where they stopped, so `fit` for `k` epochs then `continued` for `k` gives
  /// exactly the model `fit` gives for `2k` epochs. A binary problem that has converged stays as it
  /// is, unless a hyperparameter other than `maxIterations` differs from those the model was
  /// trained with: the stopping rule then starts afresh (and so does `eta` of the `constant` and
  /// `adaptive` schedules), as the new objective is not comparable with the old one.
  public func continued(_ model: Model, on x: Matrix, _ y: [Int], budget: Int) throws(LearnError) -> Model {
    try validate()
    try Validation.checkSamples(x, y)
    try checkContinuation(x, featureCount: model.featureCount, budget: budget)
    let indices = try ClassEncoding(y, classes: model.classes).indices
    let weights = try classWeights(for: model.classes, y)
    return try train(resuming(model.states, trainedBy: model.estimator), classes: model.classes, indices: indices,
                     weights: weights, x: x, epochs: budget)
  }

  /// The class weights of `classes` given labels `y` that may miss some of them (continuing on a
  /// subset); `balanced` weights need every class.
  private func classWeights(for classes: [Int], _ y: [Int]) throws(LearnError) -> [Double] {
    let encoding = try ClassEncoding(y, allowSingleClass: true)
    if encoding.classes == classes { return try classWeight.weights(for: encoding) }
    switch classWeight {
    case .uniform:
      return [Double](repeating: 1, count: classes.count)
    case .custom(let table):
      _ = try classWeight.weights(for: ClassEncoding(classes, allowSingleClass: true))
      return classes.map { table[$0] ?? 1 }
    case .balanced:
      throw .invalidArgument(name: "y", reason: "balanced class weights need every class of the model in y")
    }
  }

  /// The engine's loss function for ``loss``.
  var lossFunction: SGDLossFunction {
    switch loss {
    case .hinge: .hinge(threshold: 1)
    case .logLoss: .logistic
    case .modifiedHuber: .modifiedHuber
    case .squaredHinge: .squaredHinge(threshold: 1)
    case .perceptron: .hinge(threshold: 0)
    case .squaredError: .squaredError
    case .huber: .huber(delta: epsilon)
    case .epsilonInsensitive: .epsilonInsensitive(epsilon: epsilon)
    case .squaredEpsilonInsensitive: .squaredEpsilonInsensitive(epsilon: epsilon)
    }
  }

  /// Runs every binary problem for up to `epochs` epochs from `states`.
  private func train(
    _ states: [SGDState], classes: [Int], indices: [Int], weights: [Double], x: Matrix, epochs: Int
  ) throws(LearnError) -> Model {
    let settings = self.settings
    let split = earlyStopping
      ? try SGDSplit.stratified(indices, classCount: classes.count, fraction: validationFraction, seed: seed)
      : SGDSplit.all(x.rowCount)
    // The log loss is written for targets 0/1, the others for ±1 (as scikit-learn encodes them).
    let negative: Double = loss == .logLoss ? 0 : -1
    var states = states
    for problem in states.indices {
      let positive = classes.count == 2 ? 1 : problem
      let targets = indices.map { $0 == positive ? 1.0 : negative }
      let data = SGDProblem(
        x: x, targets: targets, positiveWeight: weights[positive],
        negativeWeight: classes.count == 2 ? weights[0] : 1, split: split, metric: .accuracy)
      try states[problem].train(data, settings: settings, epochs: epochs)
    }
    return Model(estimator: self, classes: classes, states: states, featureCount: x.columnCount)
  }

  /// A fitted ``SGDClassifier``.
  public struct Model: ProbabilisticClassifierModel, DecisionFunctionModel, IterativeModel {
    /// The estimator (hyperparameters) the model was last trained with.
    public let estimator: SGDClassifier
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// One row of weights per binary problem: one row for two classes (the weights of
    /// `classes[1]`), else one per class (scikit-learn `coef_`). Averaged weights when averaging
    /// has started.
    public let coefficients: Matrix
    /// One intercept per row of ``coefficients`` (scikit-learn `intercept_`).
    public let intercepts: [Double]
    /// The optimiser state of each binary problem, from which training continues.
    public let states: [SGDState]
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// Whether every binary problem met the stopping rule (scikit-learn warns otherwise).
    public var converged: Bool { states.allSatisfy(\.converged) }
    /// Epochs run: the most over the binary problems (scikit-learn `n_iter_`).
    public var iterations: Int { states.map(\.epochs).max() ?? 0 }
    /// The loss the model was trained with.
    public var loss: Loss { estimator.loss }

    init(estimator: SGDClassifier, classes: [Int], states: [SGDState], featureCount: Int) {
      self.estimator = estimator
      self.classes = classes
      self.states = states
      self.featureCount = featureCount
      let (rows, intercepts) = sgdFinalWeights(states, average: estimator.average)
      self.coefficients = try! Matrix(rows)
      self.intercepts = intercepts
    }

    /// The signed distance to each decision boundary: one column for two classes (positive means
    /// `classes[1]`), else one per class.
    public func decisionFunction(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return sgdDecision(x, coefficients, intercepts)
    }

    /// One label per row: the class of the largest decision value (the sign, for two classes).
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      let scores = try decisionFunction(x)
      if scores.columnCount == 1 {
        return (0..<scores.rowCount).map { scores[$0, 0] > 0 ? classes[1] : classes[0] }
      }
      return (0..<scores.rowCount).map { i in
        var best = 0
        for j in 1..<scores.columnCount where scores[i, j] > scores[i, best] { best = j }
        return classes[best]
      }
    }

    /// Class probabilities, one column per entry of ``classes``: the logistic function of the
    /// decision values for `logLoss`, `(clip(d, −1, 1) + 1) / 2` for `modifiedHuber`, normalised over
    /// the classes for more than two (all-zero rows become uniform), as scikit-learn does. Throws for
    /// the other losses, which give no probabilities.
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      guard loss == .logLoss || loss == .modifiedHuber else {
        throw .invalidArgument(
          name: "loss", reason: "probabilities need loss \"log_loss\" or \"modified_huber\", not \"\(loss.rawValue)\"")
      }
      let scores = try decisionFunction(x)
      let logistic = loss == .logLoss
      func link(_ d: Double) -> Double { logistic ? sgdExpit(d) : (Swift.min(Swift.max(d, -1), 1) + 1) / 2 }
      let n = scores.rowCount
      if scores.columnCount == 1 {
        var result = Matrix(rowCount: n, columnCount: 2)
        for i in 0..<n {
          let positive = link(scores[i, 0])
          result[i, 0] = 1 - positive
          result[i, 1] = positive
        }
        return result
      }
      let k = scores.columnCount
      var result = Matrix(rowCount: n, columnCount: k)
      for i in 0..<n {
        var sum = 0.0
        for j in 0..<k {
          result[i, j] = link(scores[i, j])
          sum += result[i, j]
        }
        if sum == 0 {
          for j in 0..<k { result[i, j] = 1 / Double(k) }
        } else {
          for j in 0..<k { result[i, j] /= sum }
        }
      }
      return result
    }
  }
}

/// The weights and intercepts a model predicts with: averaged ones once averaging has started
/// (`average ≤ t − 1`, as scikit-learn decides), else the plain ones.
func sgdFinalWeights(_ states: [SGDState], average: Int) -> (rows: [[Double]], intercepts: [Double]) {
  let t = states.map(\.t).max() ?? 1
  let useAverage = average > 0 && Double(average) <= t - 1
  var rows: [[Double]] = [], intercepts: [Double] = []
  for state in states {
    if useAverage, let averaged = state.averagedCoefficients {
      rows.append(averaged)
      intercepts.append(state.averageIntercept)
    } else {
      rows.append(state.coefficients)
      intercepts.append(state.intercept)
    }
  }
  return (rows, intercepts)
}

/// `x · coefficientsᵀ + intercepts`, one column per row of `coefficients`.
func sgdDecision(_ x: Matrix, _ coefficients: Matrix, _ intercepts: [Double]) -> Matrix {
  let n = x.rowCount, p = x.columnCount, k = coefficients.rowCount
  var result = Matrix(rowCount: n, columnCount: k)
  x.withUnsafeBufferPointer { xs in
    coefficients.withUnsafeBufferPointer { cs in
      result.withUnsafeMutableBufferPointer { out in
        for i in 0..<n {
          for j in 0..<k {
            out[i &* k &+ j] = dot(xs.baseAddress! + i &* p, cs.baseAddress! + j &* p, count: p) + intercepts[j]
          }
        }
      }
    }
  }
  return result
}

extension SGDClassifier.Loss: Codable {}

extension SGDClassifier: Persistable {
  /// `"SGDClassifier"`.
  public static let typeTag = "SGDClassifier"
}

extension SGDClassifier.Model: Persistable {
  /// `"SGDClassifier.Model"`.
  public static let typeTag = "SGDClassifier.Model"

  /// A valid configuration; increasing classes; one finite coefficient row, intercept and
  /// training state per binary problem (one for two classes).
  public func checkLoaded() throws(LearnError) {
    try estimator.checkLoaded()
    try PersistenceCheck.classes(classes, "classes")
    try PersistenceCheck.linear(coefficients, intercepts, classCount: classes.count, featureCount: featureCount)
    try PersistenceCheck.count(states, coefficients.rowCount, "states")
    for (i, state) in states.enumerated() { try state.checkLoaded(featureCount: featureCount, field: "states[\(i)]") }
  }
}
