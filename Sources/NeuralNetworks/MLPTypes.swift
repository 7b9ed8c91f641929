import LearnCore
import LinearAlgebra

/// The activation of a multilayer perceptron's hidden layers (scikit-learn's `activation`).
public enum MLPActivation: String, CaseIterable, Sendable, Hashable {
  /// `f(x) = x`: no nonlinearity (a linear bottleneck).
  case identity
  /// The logistic sigmoid `f(x) = 1 / (1 + exp(−x))`.
  case logistic
  /// The hyperbolic tangent `f(x) = tanh(x)`.
  case tanh
  /// The rectified linear unit `f(x) = max(0, x)` (the default).
  case relu
}

/// The optimiser of a multilayer perceptron's weights (scikit-learn's `solver`).
public enum MLPSolver: String, CaseIterable, Sendable, Hashable {
  /// Limited-memory BFGS on the full-batch loss (scipy's L-BFGS-B without bounds).
  case lbfgs
  /// Mini-batch stochastic gradient descent with (Nesterov) momentum.
  case sgd
  /// Adam (Kingma and Ba, 2014): mini-batch updates scaled by running moment estimates.
  case adam
}

/// How the `sgd` solver's learning rate changes (scikit-learn's `learning_rate`).
public enum MLPLearningRateSchedule: String, CaseIterable, Sendable, Hashable {
  /// Always `learningRateInit`.
  case constant
  /// `learningRateInit / (t + 1)^powerT` after each epoch, `t` the samples seen so far.
  case invscaling
  /// `learningRateInit` while the stopping criterion improves; divided by 5 each time it has not
  /// improved by `tolerance` for `nIterNoChange` epochs; training stops once it is at most 1e-6.
  case adaptive
}

/// The activation of the output layer, chosen by the task as scikit-learn does (`out_activation_`).
public enum MLPOutputActivation: String, Sendable, Hashable {
  /// Regression: the raw output, with the squared loss.
  case identity
  /// Binary classification: one logistic output, with the binary log loss.
  case logistic
  /// Multiclass classification: one output per class, with the (categorical) log loss.
  case softmax
}

/// The parameters of one dense layer: `output = activation(input · coefficients + intercepts)`.
public struct MLPLayer: Sendable, Hashable {
  /// `fanIn × fanOut` weights (scikit-learn's `coefs_[i]`): row `j` holds input unit `j`'s weights.
  public var coefficients: Matrix
  /// One bias per output unit (scikit-learn's `intercepts_[i]`).
  public var intercepts: [Double]

  /// A layer from its weights and biases; `intercepts.count` must equal `coefficients.columnCount`.
  public init(coefficients: Matrix, intercepts: [Double]) {
    self.coefficients = coefficients
    self.intercepts = intercepts
  }
}

/// The state of the `sgd` solver after training: enough to continue exactly where it stopped.
public struct MLPSGDState: Sendable, Hashable {
  /// The momentum velocities, one per parameter, in the packed order of
  /// ``MLPTrainingState/parameters`` (scikit-learn's `_optimizer.velocities`).
  public var velocities: [Double]
  /// The learning rate in force (scikit-learn's `_optimizer.learning_rate`): changed by the
  /// `invscaling` and `adaptive` schedules.
  public var learningRate: Double
  /// The `learningRateInit` the schedule started from.
  public var learningRateInit: Double
}

/// The state of the `adam` solver after training: enough to continue exactly where it stopped.
public struct MLPAdamState: Sendable, Hashable {
  /// Updates made so far (scikit-learn's `_optimizer.t`), which sets the bias correction.
  public var step: Int
  /// First-moment estimates, one per parameter, in the packed order of ``MLPTrainingState/parameters``.
  public var firstMoments: [Double]
  /// Second-moment estimates, in the same order.
  public var secondMoments: [Double]
  /// The bias-corrected step size of the last update (scikit-learn's `_optimizer.learning_rate`).
  public var learningRate: Double
}

/// The state of hypergradient descent on the learning rate (``MLPClassifier/hypergradientRate``),
/// carried from one training call to the next so a continuation adapts exactly as one longer run.
public struct MLPHypergradientState: Sendable, Hashable {
  /// The learned rate: `sgd`'s step size, or `adam`'s before bias correction.
  public var rate: Double
  /// The `learningRateInit` it started from (a continuation with another one starts again).
  public var initialRate: Double
  /// The last update of the weights, packed (empty before the first).
  public var lastStep: [Double]
}

/// An optimiser's state, carried from one training call to the next.
public enum MLPOptimizerState: Sendable, Hashable {
  /// L-BFGS keeps nothing between calls: a continuation starts a new run from the current weights.
  case lbfgs
  /// Momentum velocities and the scheduled learning rate.
  case sgd(MLPSGDState)
  /// Adam's moments and step count.
  case adam(MLPAdamState)
}

/// Everything a fitted perceptron needs to continue training exactly where it stopped.
///
/// Parameters are packed in scikit-learn's `_pack` order: every layer's coefficients (row-major,
/// `fanIn × fanOut`), first layer first, then every layer's intercepts.
public struct MLPTrainingState: Sendable, Hashable {
  /// Units per layer: features, the hidden layers, outputs.
  public let layerUnits: [Int]
  /// The current iterate, packed. It differs from the model's predicting weights only with
  /// early stopping, where the model predicts with the best weights seen but training continues
  /// from the last ones (as scikit-learn's `warm_start` would, were it to keep them).
  public let parameters: [Double]
  /// The optimiser's state.
  public let optimizer: MLPOptimizerState
  /// Hypergradient descent's learned rate and last step, when it is on.
  public let hypergradient: MLPHypergradientState?
  /// Training samples processed so far, summed over epochs (scikit-learn's `t_`).
  public let samplesSeen: Int
  /// Epochs in a row without improvement by `tolerance` (scikit-learn's `_no_improvement_count`).
  public let noImprovementCount: Int
  /// The lowest training loss so far (∞ before the first epoch; scikit-learn's `best_loss_`).
  public let bestLoss: Double
  /// The highest validation score so far with early stopping (−∞ before the first epoch).
  public let bestValidationScore: Double
  /// With early stopping, the packed weights of the best validation score.
  public let bestParameters: [Double]?
  /// The seed that fixed the initial weights, the validation split and every epoch's shuffle.
  public let seed: UInt64
  /// Whether the stopping rule ended training (the model's `converged`).
  public let stopped: Bool
  /// The hyperparameters the last training call ran with (without `maxIterations`), to decide
  /// whether a continuation is the same run carried on.
  public let trainedWith: ParameterSet
}

extension MLPActivation: Codable {}
extension MLPSolver: Codable {}
extension MLPLearningRateSchedule: Codable {}
extension MLPOutputActivation: Codable {}
