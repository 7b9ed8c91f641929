import Foundation
import LinearAlgebra

/// How a per-class metric (precision, recall, F-score) is reduced to one number
/// (scikit-learn's `average` argument).
public enum Average: String, CaseIterable, Sendable {
  /// The score of the positive class only; the target must have at most two labels.
  case binary
  /// Counts pooled over all classes first, then one score (equal to accuracy for precision and
  /// recall when every label is included).
  case micro
  /// The unweighted mean of the per-class scores.
  case macro
  /// The mean of the per-class scores weighted by each class's support (its count in `yTrue`).
  case weighted
}

// MARK: Accuracy and confusion matrix

/// The fraction of samples whose predicted label equals the true label (scikit-learn's
/// `accuracy_score`).
///
/// Throws `shapeMismatch` when the arrays differ in length and `emptyInput` when they are empty.
public func accuracy(_ yTrue: [Int], _ yPred: [Int]) throws(LearnError) -> Double {
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  var correct = 0
  for (t, p) in zip(yTrue, yPred) where t == p { correct += 1 }
  return Double(correct) / Double(yTrue.count)
}

/// The mean of the per-class recalls over the classes present in `yTrue` (scikit-learn's
/// `balanced_accuracy_score`). Classes that only appear in `yPred` are left out of the mean.
///
/// With `adjusted`, the score is rescaled so chance is 0 and perfect is 1:
/// `(score − 1/k) / (1 − 1/k)` for `k` classes in `yTrue`; with a single class this divides by
/// zero and gives NaN or −∞, as scikit-learn does.
public func balancedAccuracy(_ yTrue: [Int], _ yPred: [Int], adjusted: Bool = false) throws(LearnError) -> Double {
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  let labels = MetricSupport.sortedLabels(yTrue, yPred)
  let counts = ClassCounts(yTrue, yPred, labels: labels)
  var perClass: [Double] = []
  for index in labels.indices where counts.actual[index] > 0 {
    perClass.append(Double(counts.truePositives[index]) / Double(counts.actual[index]))
  }
  var score = MetricSupport.mean(perClass)
  if adjusted {
    let chance = 1 / Double(perClass.count)
    score -= chance
    score /= 1 - chance
  }
  return score
}

/// The confusion matrix (scikit-learn's `confusion_matrix`): `counts[i][j]` is the number of
/// samples whose true label is `labels[i]` and whose predicted label is `labels[j]`.
///
/// `labels` defaults to the sorted union of both arrays. When given, it sets the order of rows
/// and columns and may select a subset; samples whose true or predicted label is not listed are
/// ignored. Throws `invalidArgument` when `labels` is empty, repeats a label, or contains no label
/// of `yTrue`.
public func confusionMatrix(_ yTrue: [Int], _ yPred: [Int], labels: [Int]? = nil)
  throws(LearnError) -> (labels: [Int], counts: [[Int]])
{
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  let chosen: [Int]
  if let labels {
    try MetricSupport.checkLabels(labels)
    guard Set(labels).intersection(yTrue).count > 0 else {
      throw .invalidArgument(name: "labels", reason: "at least one label specified must be in yTrue; got \(labels)")
    }
    chosen = labels
  } else {
    chosen = MetricSupport.sortedLabels(yTrue, yPred)
  }
  let index = MetricSupport.indexMap(chosen)
  var counts = [[Int]](repeating: [Int](repeating: 0, count: chosen.count), count: chosen.count)
  for (t, p) in zip(yTrue, yPred) {
    if let row = index[t], let column = index[p] { counts[row][column] += 1 }
  }
  return (chosen, counts)
}

// MARK: Precision, recall, F-score

/// Per-label counts behind precision, recall and the F-scores.
struct ClassCounts {
  /// Samples of each label predicted as that label.
  var truePositives: [Int]
  /// Samples predicted as each label.
  var predicted: [Int]
  /// Samples of each label in `yTrue` (the support).
  var actual: [Int]

  init(_ yTrue: [Int], _ yPred: [Int], labels: [Int]) {
    let index = MetricSupport.indexMap(labels)
    truePositives = [Int](repeating: 0, count: labels.count)
    predicted = truePositives
    actual = truePositives
    for (t, p) in zip(yTrue, yPred) {
      let trueIndex = index[t], predictedIndex = index[p]
      if let trueIndex { actual[trueIndex] += 1 }
      if let predictedIndex { predicted[predictedIndex] += 1 }
      if t == p, let trueIndex { truePositives[trueIndex] += 1 }
    }
  }

  /// The counts of all labels added together (micro averaging).
  var pooled: ClassCounts {
    var copy = self
    copy.truePositives = [truePositives.reduce(0, +)]
    copy.predicted = [predicted.reduce(0, +)]
    copy.actual = [actual.reduce(0, +)]
    return copy
  }

  /// Precision, recall and F-beta per label, with `zeroDivision` wherever a denominator is zero
  /// (scikit-learn's `_prf_divide`).
  func scores(beta: Double, zeroDivision: Double) -> (precision: [Double], recall: [Double], fScore: [Double]) {
    func divide(_ numerator: Double, _ denominator: Double) -> Double {
      denominator == 0 ? zeroDivision : numerator / denominator
    }
    var precision: [Double] = [], recall: [Double] = [], fScore: [Double] = []
    let beta2 = beta * beta
    for i in truePositives.indices {
      let tp = Double(truePositives[i]), predictedCount = Double(predicted[i]), actualCount = Double(actual[i])
      let p = divide(tp, predictedCount), r = divide(tp, actualCount)
      precision.append(p)
      recall.append(r)
      if beta.isInfinite {
        fScore.append(r)
      } else if beta == 0 {
        fScore.append(p)
      } else {
        // (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp), written with the sums as scikit-learn does.
        fScore.append(divide((1 + beta2) * tp, beta2 * actualCount + predictedCount))
      }
    }
    return (precision, recall, fScore)
  }
}

/// Which of precision, recall and F-beta a metric reports, for its undefined-metric warning.
enum SetWiseMeasure: String {
  case precision, recall
  case fScore = "F-score"
}

extension ClassCounts {
  /// Emits an ``LinearAlgebra/LearnWarning/Category/undefinedMetric`` warning naming the labels
  /// (of `labels`, in order; `nil` for micro-averaged counts) whose `measure` divides by zero
  /// and so takes `zeroDivision` (scikit-learn's `UndefinedMetricWarning`).
  func warnUndefined(_ measure: SetWiseMeasure, beta: Double, labels: [Int]?, zeroDivision: Double) {
    let undefined = truePositives.indices.filter { i in
      switch measure {
      case .precision: return predicted[i] == 0
      case .recall: return actual[i] == 0
      case .fScore: return beta.isInfinite ? actual[i] == 0 : beta == 0 ? predicted[i] == 0
        : Double(actual[i]) * beta * beta + Double(predicted[i]) == 0
      }
    }
    guard !undefined.isEmpty else { return }
    let which = labels.map { labels in "label" + (undefined.count > 1 ? "s " : " ") + undefined.map { "\(labels[$0])" }.joined(separator: ", ") }
      ?? "the pooled labels"
    let reason = measure == .precision ? "no sample was predicted as it" : measure == .recall ? "no true sample has it"
      : "no sample has it or was predicted as it"
    LearnWarning.emit(.undefinedMetric, "\(measure.rawValue) is not defined for \(which) (\(reason)) and is set to \(zeroDivision)")
  }
}

/// The labels a set-wise metric scores (scikit-learn's `_check_set_wise_labels`): for `.binary`,
/// just the positive label, after checking the target has at most two labels and, when it has
/// two, that the positive label is one of them.
private func setWiseLabels(_ yTrue: [Int], _ yPred: [Int], average: Average, positiveLabel: Int)
  throws(LearnError) -> [Int]
{
  let present = MetricSupport.sortedLabels(yTrue, yPred)
  guard average == .binary else { return present }
  guard present.count <= 2 else {
    throw .invalidArgument(
      name: "average",
      reason: "the target is multiclass (labels \(present)) but average is binary; choose micro, macro or weighted")
  }
  if present.count == 2, !present.contains(positiveLabel) {
    throw .invalidArgument(
      name: "positiveLabel",
      reason: "positiveLabel=\(positiveLabel) is not a valid label; it should be one of \(present)")
  }
  return [positiveLabel]
}

/// Precision, recall and F-beta reduced by `average`: the shared body of the public functions.
private func averagedScores(
  _ yTrue: [Int], _ yPred: [Int], beta: Double, average: Average, positiveLabel: Int, zeroDivision given: Double?,
  measure: SetWiseMeasure
) throws(LearnError) -> (precision: Double, recall: Double, fScore: Double) {
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  let zeroDivision = given ?? 0
  try MetricSupport.checkZeroDivision(zeroDivision)
  guard beta >= 0 else {
    throw .invalidArgument(name: "beta", reason: "must be a non-negative number; got \(beta)")
  }
  let labels = try setWiseLabels(yTrue, yPred, average: average, positiveLabel: positiveLabel)
  var counts = ClassCounts(yTrue, yPred, labels: labels)
  if average == .micro { counts = counts.pooled }
  if given == nil { counts.warnUndefined(measure, beta: beta, labels: average == .micro ? nil : labels, zeroDivision: zeroDivision) }
  let scores = counts.scores(beta: beta, zeroDivision: zeroDivision)
  let weights = average == .weighted ? counts.actual.map(Double.init) : nil
  return (MetricSupport.nanAverage(scores.precision, weights: weights),
          MetricSupport.nanAverage(scores.recall, weights: weights),
          MetricSupport.nanAverage(scores.fScore, weights: weights))
}

/// Precision, `tp / (tp + fp)`: the fraction of predicted positives that are right
/// (scikit-learn's `precision_score`).
///
/// - Parameters:
///   - average: `.binary` (default) scores `positiveLabel` only and needs a target with at most
///     two labels; `.micro`, `.macro` and `.weighted` combine every label of the union of both
///     arrays (see ``Average``).
///   - positiveLabel: the class scored by `.binary`; ignored otherwise. When both arrays hold two
///     labels and neither is `positiveLabel`, the call throws `invalidArgument`.
///   - zeroDivision: the value for a class that was never predicted (0, 1 or NaN; NaN entries are
///     left out of averages). `nil`, the default, is scikit-learn's `"warn"`: 0, with an
///     ``LinearAlgebra/LearnWarning/Category/undefinedMetric`` warning naming the labels.
public func precision(
  _ yTrue: [Int], _ yPred: [Int], average: Average = .binary, positiveLabel: Int = 1, zeroDivision: Double? = nil
) throws(LearnError) -> Double {
  try averagedScores(yTrue, yPred, beta: 1, average: average, positiveLabel: positiveLabel,
                     zeroDivision: zeroDivision, measure: .precision).precision
}

/// Recall, `tp / (tp + fn)`: the fraction of true positives found (scikit-learn's
/// `recall_score`). Arguments as for ``precision(_:_:average:positiveLabel:zeroDivision:)``;
/// `zeroDivision` applies to a class absent from `yTrue`.
public func recall(
  _ yTrue: [Int], _ yPred: [Int], average: Average = .binary, positiveLabel: Int = 1, zeroDivision: Double? = nil
) throws(LearnError) -> Double {
  try averagedScores(yTrue, yPred, beta: 1, average: average, positiveLabel: positiveLabel,
                     zeroDivision: zeroDivision, measure: .recall).recall
}

/// F1, the harmonic mean of precision and recall (scikit-learn's `f1_score`). Arguments as for
/// ``precision(_:_:average:positiveLabel:zeroDivision:)``; `zeroDivision` applies to a class that
/// is neither in `yTrue` nor predicted.
public func f1Score(
  _ yTrue: [Int], _ yPred: [Int], average: Average = .binary, positiveLabel: Int = 1, zeroDivision: Double? = nil
) throws(LearnError) -> Double {
  try averagedScores(yTrue, yPred, beta: 1, average: average, positiveLabel: positiveLabel,
                     zeroDivision: zeroDivision, measure: .fScore).fScore
}

/// F-beta, `(1 + β²)·P·R / (β²·P + R)`, which weighs recall `beta` times as much as precision
/// (scikit-learn's `fbeta_score`). `beta` must be ≥ 0: 0 gives precision and infinity gives
/// recall. Other arguments as for ``precision(_:_:average:positiveLabel:zeroDivision:)``.
public func fBetaScore(
  _ yTrue: [Int], _ yPred: [Int], beta: Double, average: Average = .binary, positiveLabel: Int = 1,
  zeroDivision: Double? = nil
) throws(LearnError) -> Double {
  try averagedScores(yTrue, yPred, beta: beta, average: average, positiveLabel: positiveLabel,
                     zeroDivision: zeroDivision, measure: .fScore).fScore
}

/// Precision, recall, F-beta and support for each label (scikit-learn's
/// `precision_recall_fscore_support` with `average=None`).
///
/// `labels` defaults to the sorted union of both arrays; when given it sets the order, may select
/// a subset and may name labels absent from both arrays (their scores are `zeroDivision` and
/// support 0). `zeroDivision` `nil`, the default, is scikit-learn's `"warn"`: 0, with an
/// ``LinearAlgebra/LearnWarning/Category/undefinedMetric`` warning for each measure that divides
/// by zero. Throws `invalidArgument` for an empty or repeated `labels`, a negative `beta`, or a
/// `zeroDivision` other than 0, 1 or NaN.
public func precisionRecallFScoreSupport(
  _ yTrue: [Int], _ yPred: [Int], beta: Double = 1, labels: [Int]? = nil, zeroDivision given: Double? = nil
) throws(LearnError) -> (labels: [Int], precision: [Double], recall: [Double], fScore: [Double], support: [Int]) {
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  let zeroDivision = given ?? 0
  try MetricSupport.checkZeroDivision(zeroDivision)
  guard beta >= 0 else {
    throw .invalidArgument(name: "beta", reason: "must be a non-negative number; got \(beta)")
  }
  if let labels { try MetricSupport.checkLabels(labels) }
  let chosen = labels ?? MetricSupport.sortedLabels(yTrue, yPred)
  let counts = ClassCounts(yTrue, yPred, labels: chosen)
  if given == nil {
    for measure in [SetWiseMeasure.precision, .recall, .fScore] {
      counts.warnUndefined(measure, beta: beta, labels: chosen, zeroDivision: zeroDivision)
    }
  }
  let scores = counts.scores(beta: beta, zeroDivision: zeroDivision)
  return (chosen, scores.precision, scores.recall, scores.fScore, counts.actual)
}

// MARK: Log loss

/// The mean negative log-likelihood of the true labels under the predicted probabilities
/// (scikit-learn's `log_loss`; natural logarithm).
///
/// - Parameters:
///   - probabilities: one row per sample and one column per label, the columns in the ascending
///     order of the labels. A single column is read as the probability of the larger of two
///     labels (the other column is `1 − p`). Probabilities are clipped to `[ε, 1 − ε]`
///     (ε = `Double.ulpOfOne`) and, as in scikit-learn 1.9, rows are not renormalised.
///   - labels: every class label; defaults to the distinct labels of `yTrue`. Pass it when
///     `yTrue` may miss a class the columns cover.
///
/// Throws `nonFiniteValue` for NaN or infinite probabilities, `invalidArgument` for values outside
/// `[0, 1]`, a label of `yTrue` missing from `labels`, or fewer than two labels, and
/// `shapeMismatch` when the row count differs from `yTrue` or the column count from the number
/// of labels.
public func logLoss(_ yTrue: [Int], probabilities: Matrix, labels: [Int]? = nil) throws(LearnError) -> Double {
  try MetricSupport.checkPair(yTrue.count, probabilities.rowCount, names: ("yTrue", "probabilities"))
  guard probabilities.columnCount > 0 else { throw .emptyInput("probabilities has no columns") }
  try MetricSupport.checkFinite(probabilities)
  let elements = probabilities.elements
  if let largest = elements.max(), largest > 1 {
    throw .invalidArgument(name: "probabilities", reason: "contains values greater than 1: \(largest)")
  }
  if let smallest = elements.min(), smallest < 0 {
    throw .invalidArgument(name: "probabilities", reason: "contains values lower than 0: \(smallest)")
  }
  let classes: [Int]
  if let labels {
    classes = Array(Set(labels)).sorted()
    let missing = Set(yTrue).subtracting(classes)
    guard missing.isEmpty else {
      throw .invalidArgument(
        name: "labels", reason: "yTrue contains values \(missing.sorted()) not belonging to the labels \(labels)")
    }
    guard classes.count >= 2 else {
      throw .invalidArgument(name: "labels", reason: "labels must contain at least two labels; got \(classes)")
    }
  } else {
    classes = MetricSupport.sortedLabels(yTrue)
    guard classes.count >= 2 else {
      throw .invalidArgument(
        name: "yTrue",
        reason: "yTrue contains only one label (\(classes[0])); pass every class label through labels")
    }
  }
  let columns = max(probabilities.columnCount, 2)  // one column means [1 − p, p]
  guard classes.count == columns else {
    throw .shapeMismatch(
      "probabilities have \(probabilities.columnCount) columns but there are \(classes.count) labels \(classes)")
  }
  let index = MetricSupport.indexMap(classes)
  let epsilon = Double.ulpOfOne
  var losses: [Double] = []
  losses.reserveCapacity(yTrue.count)
  for (row, label) in yTrue.enumerated() {
    let column = index[label]!
    var p: Double
    if probabilities.columnCount == 1 {
      let positive = probabilities[row, 0]
      p = column == 1 ? positive : 1 - positive
    } else {
      p = probabilities[row, column]
    }
    p = min(max(p, epsilon), 1 - epsilon)
    losses.append(-log(p))
  }
  return MetricSupport.mean(losses)
}
