import LinearAlgebra

/// Scores a fitted model on held-out data; higher is always better (error metrics are negated,
/// as in scikit-learn's `neg_…` scorers). Searches and cross-validation take a `Scorer`.
///
/// A scorer works with any ``Predictor`` and checks at run time that the model fits it:
/// classification scorers need a model that predicts `Int` labels, regression scorers one that
/// predicts `Double` values, `neg_log_loss` and `roc_auc_ovr*` a ``ProbabilisticClassifierModel``,
/// and `roc_auc` a binary ``DecisionFunctionModel`` or ``ProbabilisticClassifierModel``. A
/// mismatch throws ``LearnError/invalidArgument(name:reason:)`` naming the scorer.
///
/// ```swift
/// let scorer = try Scorer.named("f1_macro")
/// let value = try scorer.score(model, xTest, yTest)
/// ```
public struct Scorer: Sendable, CustomStringConvertible {
  /// scikit-learn's name for the scorer (`"accuracy"`, `"neg_mean_squared_error"`, …), or the name
  /// given to ``custom(name:_:)``.
  public let name: String
  private let body: @Sendable (any Predictor, Matrix, Any) throws -> Double

  private init(name: String, body: @escaping @Sendable (any Predictor, Matrix, Any) throws -> Double) {
    self.name = name
    self.body = body
  }

  /// The score of `model` on `x` (one row per sample) against the true targets `y`; higher is
  /// better. Throws when the model does not suit the scorer, when predicting fails, or when the
  /// metric rejects the data (for example a single class for `roc_auc`).
  public func score<M: Predictor>(_ model: M, _ x: Matrix, _ y: [M.Prediction]) throws -> Double {
    try body(model, x, y)
  }

  /// The scorer's name.
  public var description: String { name }
}

// MARK: Built-in scorers

extension Scorer {
  /// Accuracy (scikit-learn's `"accuracy"`).
  public static let accuracy = labels("accuracy") { try LearnCore.accuracy($0, $1) }
  /// Balanced accuracy (`"balanced_accuracy"`).
  public static let balancedAccuracy = labels("balanced_accuracy") { try LearnCore.balancedAccuracy($0, $1) }
  /// R² (`"r2"`).
  public static let r2 = values("r2") { try r2Score($0, $1) }
  /// Negated mean squared error (`"neg_mean_squared_error"`).
  public static let negMeanSquaredError = values("neg_mean_squared_error") { try -meanSquaredError($0, $1) }
  /// Negated root mean squared error (`"neg_root_mean_squared_error"`).
  public static let negRootMeanSquaredError = values("neg_root_mean_squared_error") {
    try -rootMeanSquaredError($0, $1)
  }
  /// Negated mean absolute error (`"neg_mean_absolute_error"`).
  public static let negMeanAbsoluteError = values("neg_mean_absolute_error") { try -meanAbsoluteError($0, $1) }
  /// Explained variance (`"explained_variance"`).
  public static let explainedVariance = values("explained_variance") { try explainedVarianceScore($0, $1) }
  /// Negated median absolute error (`"neg_median_absolute_error"`).
  public static let negMedianAbsoluteError = values("neg_median_absolute_error") {
    try -medianAbsoluteError($0, $1)
  }

  /// Negated log loss of the model's probabilities (`"neg_log_loss"`). Columns follow
  /// `model.classes`, which are passed as the labels, so a test fold may miss a class. For two
  /// classes the loss uses the second column `p` and `1 − p`, as scikit-learn does.
  public static let negLogLoss = probabilities("neg_log_loss") { yTrue, probabilities, classes in
    if classes.count == 2 {
      return try -logLoss(yTrue, probabilities: Matrix(column: probabilities.column(1)), labels: classes)
    }
    return try -logLoss(yTrue, probabilities: probabilities, labels: classes)
  }

  /// Binary ROC AUC (`"roc_auc"`): scores from `decisionFunction` when the model has one
  /// (scikit-learn tries `decision_function` first), else the probability of `classes[1]`.
  /// Needs a binary classifier.
  public static let rocAUC = Scorer(name: "roc_auc") { model, x, y in
    let yTrue = try ScorerSupport.classLabels(y, model, scorer: "roc_auc")
    let scores: [Double]
    if let model = model as? any DecisionFunctionModel, model.hasDecisionFunction {
      try ScorerSupport.checkBinary(model.classes, scorer: "roc_auc")
      let decision = try model.decisionFunction(x)
      guard decision.columnCount == 1, decision.rowCount == x.rowCount else {
        throw LearnError.shapeMismatch(
          "'roc_auc': the decision function of a binary classifier must have one column; got \(decision.columnCount)")
      }
      scores = decision.column(0)
    } else if let model = model as? any ProbabilisticClassifierModel {
      try ScorerSupport.checkBinary(model.classes, scorer: "roc_auc")
      let probabilities = try ScorerSupport.probabilities(of: model, x, scorer: "roc_auc")
      scores = probabilities.column(1)
    } else {
      throw LearnError.invalidArgument(
        name: "scoring",
        reason: "'roc_auc' needs a decision function or class probabilities; \(type(of: model)) gives neither")
    }
    return try LearnCore.rocAUC(yTrue, scores: scores)
  }

  /// One-vs-rest ROC AUC, macro-averaged (`"roc_auc_ovr"`); for a binary classifier, the binary
  /// ROC AUC of the `classes[1]` probability.
  public static let rocAUCOneVsRest = probabilities("roc_auc_ovr") { yTrue, probabilities, classes in
    try oneVersusRest(yTrue, probabilities, classes, average: .macro)
  }

  /// One-vs-rest ROC AUC weighted by class support (`"roc_auc_ovr_weighted"`).
  public static let rocAUCOneVsRestWeighted = probabilities("roc_auc_ovr_weighted") { yTrue, probabilities, classes in
    try oneVersusRest(yTrue, probabilities, classes, average: .weighted)
  }

  /// Precision with the given averaging: `"precision"` (binary, positive label 1),
  /// `"precision_micro"`, `"precision_macro"`, `"precision_weighted"`.
  public static func precision(_ average: Average) -> Scorer {
    labels(qualified("precision", average)) { try LearnCore.precision($0, $1, average: average) }
  }

  /// Recall with the given averaging: `"recall"`, `"recall_micro"`, `"recall_macro"`,
  /// `"recall_weighted"`.
  public static func recall(_ average: Average) -> Scorer {
    labels(qualified("recall", average)) { try LearnCore.recall($0, $1, average: average) }
  }

  /// F1 with the given averaging: `"f1"`, `"f1_micro"`, `"f1_macro"`, `"f1_weighted"`.
  public static func f1(_ average: Average) -> Scorer {
    labels(qualified("f1", average)) { try f1Score($0, $1, average: average) }
  }

  /// A scorer from a closure over a specific model type. Using it with a model of another type,
  /// or targets of another type, throws ``LearnError/invalidArgument(name:reason:)``.
  public static func custom<M: Predictor>(
    name: String, _ body: @escaping @Sendable (M, Matrix, [M.Prediction]) throws -> Double
  ) -> Scorer {
    Scorer(name: name) { model, x, y in
      guard let typed = model as? M else {
        throw LearnError.invalidArgument(
          name: "scoring", reason: "the custom scorer '\(name)' scores \(M.self) models; got \(type(of: model))")
      }
      guard let targets = y as? [M.Prediction] else {
        throw LearnError.invalidArgument(
          name: "scoring",
          reason: "the custom scorer '\(name)' needs targets of type \(M.Prediction.self); got \(type(of: y))")
      }
      return try body(typed, x, targets)
    }
  }

  /// Every built-in scorer, by name.
  private static let registry: [String: Scorer] = {
    var all = [accuracy, balancedAccuracy, r2, negMeanSquaredError, negRootMeanSquaredError,
               negMeanAbsoluteError, explainedVariance, negMedianAbsoluteError, negLogLoss, rocAUC,
               rocAUCOneVsRest, rocAUCOneVsRestWeighted]
    for average in Average.allCases { all += [precision(average), recall(average), f1(average)] }
    return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
  }()

  /// The names of every built-in scorer, sorted (scikit-learn's `get_scorer_names`, restricted to
  /// the metrics Learn has).
  public static var names: [String] { registry.keys.sorted() }

  /// The built-in scorer called `name` (scikit-learn's `get_scorer`). Throws
  /// ``LearnError/invalidArgument(name:reason:)`` listing every valid name when there is none.
  public static func named(_ name: String) throws(LearnError) -> Scorer {
    guard let scorer = registry[name] else {
      throw .invalidArgument(
        name: "scoring",
        reason: "'\(name)' is not a valid scoring value; valid names are \(names.joined(separator: ", "))")
    }
    return scorer
  }

  // MARK: Builders

  private static func qualified(_ base: String, _ average: Average) -> String {
    average == .binary ? base : "\(base)_\(average.rawValue)"
  }

  /// A scorer comparing predicted labels with true labels.
  private static func labels(
    _ name: String, _ metric: @escaping @Sendable ([Int], [Int]) throws -> Double
  ) -> Scorer {
    Scorer(name: name) { model, x, y in
      let yTrue = try ScorerSupport.classLabels(y, model, scorer: name)
      guard let predicted = try ScorerSupport.predictions(of: model, x, as: Int.self) else {
        throw ScorerSupport.mismatch(name, model, wants: "classifiers")
      }
      return try metric(yTrue, predicted)
    }
  }

  /// A scorer comparing predicted values with true values.
  private static func values(
    _ name: String, _ metric: @escaping @Sendable ([Double], [Double]) throws -> Double
  ) -> Scorer {
    Scorer(name: name) { model, x, y in
      guard let yTrue = y as? [Double],
            let predicted = try ScorerSupport.predictions(of: model, x, as: Double.self)
      else { throw ScorerSupport.mismatch(name, model, wants: "regressors") }
      return try metric(yTrue, predicted)
    }
  }

  /// A scorer of class probabilities; `metric` gets the true labels, the probabilities (columns
  /// in `classes` order) and the model's classes.
  private static func probabilities(
    _ name: String, _ metric: @escaping @Sendable ([Int], Matrix, [Int]) throws -> Double
  ) -> Scorer {
    Scorer(name: name) { model, x, y in
      let yTrue = try ScorerSupport.classLabels(y, model, scorer: name)
      guard let model = model as? any ProbabilisticClassifierModel else {
        throw LearnError.invalidArgument(
          name: "scoring",
          reason: "'\(name)' needs class probabilities, but \(type(of: model)) gives none "
            + "(it is not a ProbabilisticClassifierModel)")
      }
      let probabilities = try ScorerSupport.probabilities(of: model, x, scorer: name)
      return try metric(yTrue, probabilities, model.classes)
    }
  }

  /// The one-vs-rest scorers: binary ROC AUC of the `classes[1]` column for two classes.
  private static func oneVersusRest(
    _ yTrue: [Int], _ probabilities: Matrix, _ classes: [Int], average: Average
  ) throws -> Double {
    if classes.count == 2 { return try LearnCore.rocAUC(yTrue, scores: probabilities.column(1)) }
    return try LearnCore.rocAUCOneVsRest(yTrue, probabilities: probabilities, labels: classes, average: average)
  }
}

/// Run-time checks that adapt a type-erased model to a scorer.
private enum ScorerSupport {
  /// `model.predict(x)` when the model predicts `T`, else nil.
  static func predictions<P: Predictor, T>(of model: P, _ x: Matrix, as type: T.Type) throws -> [T]? {
    guard P.Prediction.self == T.self else { return nil }
    return try model.predict(x) as? [T]
  }

  /// Whether the model predicts `Int` class labels.
  static func predictsLabels<P: Predictor>(_ model: P) -> Bool { P.Prediction.self == Int.self }

  /// What a model predicts, in words, for error messages.
  static func kind<P: Predictor>(of model: P) -> String {
    if P.Prediction.self == Int.self { return "class labels" }
    if P.Prediction.self == Double.self { return "real values" }
    return "values of type \(P.Prediction.self)"
  }

  /// The "wrong kind of model" error: `'r2' scores regressors; this model predicts class labels`.
  static func mismatch(_ scorer: String, _ model: any Predictor, wants: String) -> LearnError {
    .invalidArgument(name: "scoring", reason: "'\(scorer)' scores \(wants); this model predicts \(kind(of: model))")
  }

  /// The true labels, after checking that the model predicts labels.
  static func classLabels(_ y: Any, _ model: any Predictor, scorer: String) throws(LearnError) -> [Int] {
    guard predictsLabels(model), let labels = y as? [Int] else {
      throw mismatch(scorer, model, wants: "classifiers")
    }
    return labels
  }

  /// Throws unless the model has exactly two classes.
  static func checkBinary(_ classes: [Int], scorer: String) throws(LearnError) {
    guard classes.count == 2 else {
      throw .invalidArgument(
        name: "scoring",
        reason: "'\(scorer)' scores binary classifiers but this model has \(classes.count) classes \(classes); "
          + "use 'roc_auc_ovr' or 'roc_auc_ovr_weighted'")
    }
  }

  /// The model's probabilities, checked to have one column per class and one row per sample.
  static func probabilities(of model: any ProbabilisticClassifierModel, _ x: Matrix, scorer: String) throws -> Matrix {
    let probabilities = try model.predictProbabilities(x)
    guard probabilities.columnCount == model.classes.count, probabilities.rowCount == x.rowCount else {
      throw LearnError.shapeMismatch(
        "'\(scorer)': predictProbabilities gave a \(probabilities.rowCount) × \(probabilities.columnCount) matrix "
          + "for \(x.rowCount) rows and \(model.classes.count) classes")
    }
    return probabilities
  }
}
