import LinearAlgebra

/// A fitted model: maps a feature matrix to one prediction per row. Immutable and `Sendable`, so
/// one model can serve many threads.
public protocol Predictor: Sendable {
  /// What the model predicts for one row: a class label (`Int`) or a value (`Double`).
  associatedtype Prediction: Sendable
  /// One prediction per row of `x`. Throws when `x` has the wrong feature count or non-finite values.
  func predict(_ x: Matrix) throws -> [Prediction]
  /// What this model shows by itself to be wrong with its fit: a solver that stopped at its
  /// iteration limit (`IterativeModel`); empty by default. Wrappers (pipelines, choices,
  /// searches) pass on their inner models' warnings. Warnings about the data a fit saw are
  /// collected (`collectingWarnings`), not stored in the model.
  var warnings: [LearnWarning] { get }
}

/// An unfitted configuration: hyperparameters only. Fitting returns a separate, immutable model,
/// so predicting before fitting cannot compile, and copying an estimator is cloning it
/// (scikit-learn's `clone`).
public protocol Estimator<Target>: Tunable {
  /// The target type: `Int` class labels or `Double` values.
  associatedtype Target: Sendable
  /// The model `fit` returns.
  associatedtype Fitted: Predictor where Fitted.Prediction == Target
  /// Learns from `x` (one row per sample) and `y` (one target per row). Iterative fits throw
  /// ``LearnError/cancelled(_:)`` when the calling thread's ``JobContext`` is cancelled.
  func fit(_ x: Matrix, _ y: [Target]) throws -> Fitted
}

/// An estimator whose training can be continued from a fitted model: Hyperband rungs and
/// population-based-training steps build on this instead of retraining.
public protocol IncrementallyTrainable: Estimator {
  /// Continues training `model` on `x`, `y` for `budget` more units (epochs, trees, iterations),
  /// using this estimator's current hyperparameters for the continuation.
  func continued(_ model: Fitted, on x: Matrix, _ y: [Target], budget: Int) throws -> Fitted

  /// Whether ``continued(_:on:_:budget:)`` works for this configuration: `true` unless the type
  /// wraps estimators chosen at run time (an ``IncrementallyTrainable`` choice whose chosen
  /// alternative, an SVC say, cannot continue). Searches check it before continuing a trial.
  var canContinueTraining: Bool { get }

  /// Whether this configuration can continue `model` in particular: ``canContinueTraining``,
  /// and for a choice also that `model` came from the chosen alternative. Searches fit a
  /// candidate afresh when it cannot continue its parent's models.
  func canContinue(from model: Fitted) -> Bool

  /// What one unit of a search's training budget means for this configuration: the
  /// hyperparameter that counts its training (`maxIterations` epochs for an MLP, `nEstimators`
  /// trees for a forest) and how many of those one budget unit is. `nil` when this configuration
  /// cannot train by units (a choice whose chosen alternative cannot continue).
  var trainingUnits: TrainingUnits? { get }

  /// The hyperparameters whose value must not change between a model and its continuation (an
  /// MLP's layer sizes and activation; a pipeline's transformers, whose fitted transforms are
  /// kept): population-based training refuses to explore them.
  var fixedWhileContinuing: Set<String> { get }
}

/// How a search's training budget reaches an estimator (``IncrementallyTrainable/trainingUnits``):
/// a budget of `b` units trains a fresh model with ``parameter`` set to `b · scale`, and continues
/// a model by `(b − b_before) · scale` of the estimator's own units.
public struct TrainingUnits: Sendable, Hashable, CustomStringConvertible {
  /// The hyperparameter that counts the estimator's training, under the name the searched
  /// estimator gives it (`"maxIterations"`, or `"mlp.maxIterations"` inside a pipeline).
  public var parameter: String
  /// The estimator's own units per budget unit (≥ 1): a choice can give its forest 4 trees per
  /// unit while its MLP trains 1 epoch per unit, so one budget spans both.
  public var scale: Int

  /// Units counted by `parameter`, `scale` of them per budget unit.
  public init(parameter: String, scale: Int = 1) {
    self.parameter = parameter
    self.scale = scale
  }

  /// The same units seen from an enclosing estimator that names this one `prefix`
  /// (`"mlp"` → `"mlp.maxIterations"`), `factor` times as many per budget unit.
  public func lifted(prefix: String, factor: Int = 1) -> TrainingUnits {
    TrainingUnits(parameter: prefix + "." + parameter, scale: scale * factor)
  }

  /// `<parameter> × <scale>`.
  public var description: String { scale == 1 ? parameter : "\(parameter) × \(scale)" }
}

extension IncrementallyTrainable {
  /// `true`: a type that declares continued training has it.
  public var canContinueTraining: Bool { true }

  /// ``canContinueTraining``: a plain estimator continues any of its own models.
  public func canContinue(from model: Fitted) -> Bool { canContinueTraining }

  /// None by default: a type that does not say which hyperparameter counts its training takes
  /// unit budgets only through a search's `budgetParameter`.
  public var trainingUnits: TrainingUnits? { nil }

  /// None: every hyperparameter may change between continuations.
  public var fixedWhileContinuing: Set<String> { [] }
}

/// A fitted classifier: predicts integer class labels and scores by accuracy.
public protocol ClassifierModel: Predictor where Prediction == Int {
  /// The class labels seen in training, ascending (scikit-learn's `classes_`).
  var classes: [Int] { get }
}

/// A fitted classifier that gives class probabilities.
public protocol ProbabilisticClassifierModel: ClassifierModel {
  /// One row per sample, one column per entry of ``ClassifierModel/classes``; rows sum to 1.
  func predictProbabilities(_ x: Matrix) throws -> Matrix
}

/// A fitted classifier with a real-valued decision function (margins, log-odds), which ranking
/// metrics such as ROC AUC use when probabilities are absent.
public protocol DecisionFunctionModel: ClassifierModel {
  /// For two classes, one column: the score of `classes[1]` (positive means that class). For
  /// more, one column per entry of ``ClassifierModel/classes``.
  func decisionFunction(_ x: Matrix) throws -> Matrix

  /// Whether ``decisionFunction(_:)`` is available: `true` unless the model is a wrapper whose
  /// wrapped model has none (a type-erased alternative of a pipeline step). Scorers that can use
  /// either a decision function or probabilities (`roc_auc`) check it first.
  var hasDecisionFunction: Bool { get }
}

extension DecisionFunctionModel {
  /// `true`: a model that declares a decision function has one.
  public var hasDecisionFunction: Bool { true }
}

/// A fitted regressor: predicts real values and scores by R².
public protocol RegressorModel: Predictor where Prediction == Double {}

extension ClassifierModel {
  /// Mean accuracy on `x`, `y` (scikit-learn's `ClassifierMixin.score`), computed by ``accuracy(_:_:)``.
  public func score(_ x: Matrix, _ y: [Int]) throws -> Double {
    try accuracy(y, predict(x))
  }
}

extension RegressorModel {
  /// Coefficient of determination R² on `x`, `y` (scikit-learn's `RegressorMixin.score`), computed
  /// by ``r2Score(_:_:)``: the same number as the `"r2"` scorer, constant-target rules included.
  public func score(_ x: Matrix, _ y: [Double]) throws -> Double {
    try r2Score(y, predict(x))
  }
}

/// An unsupervised transformation (a scaler, an encoder): fitting returns a fitted transform.
public protocol Transformer: Tunable {
  /// The fitted transformation `fit` returns.
  associatedtype FittedTransform: FittedTransformer
  /// Learns the transformation's statistics from `x`.
  func fit(_ x: Matrix) throws -> FittedTransform
}

/// A fitted transformation.
public protocol FittedTransformer: Sendable {
  /// `x` transformed, one output row per input row.
  func transform(_ x: Matrix) throws -> Matrix
}
