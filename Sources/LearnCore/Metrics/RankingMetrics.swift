import LinearAlgebra

/// The area under the ROC curve of a binary problem (scikit-learn's `roc_auc_score` on a binary
/// target): the probability that a random positive sample scores higher than a random negative
/// one, ties counting one half.
///
/// The curve has one point per distinct score (tied scores move together, the trapezoid between
/// them counts the tie as half), and the area is the trapezoidal rule over it, as scikit-learn's
/// `roc_curve` and `auc` compute it.
///
/// - Parameters:
///   - scores: higher means more likely positive (probabilities of the positive class, decision
///     function values, …).
///   - positiveLabel: the positive class; defaults to the larger of the two labels of `yTrue`.
///
/// Throws `invalidArgument` when `yTrue` has a single class (ROC AUC is not defined then; see
/// the guide for how this differs from scikit-learn 1.9's NaN) or more than two, or when
/// `positiveLabel` is not a label of `yTrue`; `nonFiniteValue(row:column: 0)` for a NaN or
/// infinite score.
public func rocAUC(_ yTrue: [Int], scores: [Double], positiveLabel: Int? = nil) throws(LearnError) -> Double {
  try MetricSupport.checkPair(yTrue.count, scores.count, names: ("yTrue", "scores"))
  try MetricSupport.checkFinite(scores, column: 0)
  let classes = MetricSupport.sortedLabels(yTrue)
  guard classes.count <= 2 else {
    throw .invalidArgument(
      name: "yTrue",
      reason: "rocAUC is for binary targets but yTrue has \(classes.count) classes \(classes); "
        + "use rocAUCOneVsRest with one probability column per class")
  }
  try checkTwoClasses(classes)
  let positive = positiveLabel ?? classes[1]
  guard classes.contains(positive) else {
    throw .invalidArgument(
      name: "positiveLabel", reason: "positiveLabel=\(positive) is not one of the labels of yTrue \(classes)")
  }
  return RankingSupport.binaryAUC(yTrue.map { $0 == positive }, scores)
}

/// The one-vs-rest ROC AUC of a multiclass problem (scikit-learn's `roc_auc_score` with
/// `multi_class="ovr"`): each class's binary AUC against all others, then combined by `average`.
///
/// - Parameters:
///   - probabilities: one row per sample, one column per label in ascending label order; rows
///     must sum to 1 (within numpy's `allclose` tolerance) when there are more than two columns.
///     With two columns the result is the binary ``rocAUC(_:scores:positiveLabel:)`` of the
///     second column, as scikit-learn's `roc_auc_ovr` scorer computes it for a binary classifier.
///   - labels: the labels of the columns, ascending and unique; defaults to the distinct labels
///     of `yTrue`. A listed class absent from `yTrue` has an undefined (NaN) AUC: `.macro` is then
///     NaN, `.weighted` gives it weight 0.
///   - average: `.macro` (default, unweighted mean), `.weighted` (by each class's count in
///     `yTrue`) or `.micro` (one AUC over every (sample, class) pair). `.binary` is rejected.
///
/// Throws `invalidArgument` for a single class in `yTrue`, unordered or repeated `labels`, a label
/// of `yTrue` not in `labels`, rows not summing to 1, or `.binary`; `shapeMismatch` when the
/// column count differs from the number of labels; `nonFiniteValue` for NaN or infinity.
public func rocAUCOneVsRest(
  _ yTrue: [Int], probabilities: Matrix, labels: [Int]? = nil, average: Average = .macro
) throws(LearnError) -> Double {
  try MetricSupport.checkPair(yTrue.count, probabilities.rowCount, names: ("yTrue", "probabilities"))
  try MetricSupport.checkFinite(probabilities)
  guard average != .binary else {
    throw .invalidArgument(name: "average", reason: "one-vs-rest ROC AUC averages with macro, weighted or micro")
  }
  try checkTwoClasses(MetricSupport.sortedLabels(yTrue))
  let classes: [Int]
  if let labels {
    guard Set(labels).count == labels.count else {
      throw .invalidArgument(name: "labels", reason: "labels must be unique; got \(labels)")
    }
    guard labels == labels.sorted() else {
      throw .invalidArgument(name: "labels", reason: "labels must be in ascending order; got \(labels)")
    }
    let missing = Set(yTrue).subtracting(labels)
    guard missing.isEmpty else {
      throw .invalidArgument(
        name: "labels", reason: "yTrue contains labels \(missing.sorted()) not in labels \(labels)")
    }
    classes = labels
  } else {
    classes = MetricSupport.sortedLabels(yTrue)
  }
  guard classes.count == probabilities.columnCount else {
    throw .shapeMismatch(
      "probabilities have \(probabilities.columnCount) columns but there are \(classes.count) labels \(classes)")
  }
  if classes.count == 2 {
    return RankingSupport.binaryAUC(yTrue.map { $0 == classes[1] }, probabilities.column(1))
  }
  for row in 0..<probabilities.rowCount {
    let total = MetricSupport.sum(probabilities.row(row))
    guard abs(1 - total) <= 1e-8 + 1e-5 * abs(total) else {
      throw .invalidArgument(
        name: "probabilities",
        reason: "one-vs-rest ROC AUC needs probabilities whose rows sum to 1; row \(row) sums to \(total)")
    }
  }
  if average == .micro {
    let index = MetricSupport.indexMap(classes)
    var positives: [Bool] = []
    positives.reserveCapacity(probabilities.elements.count)
    for label in yTrue {
      let column = index[label]!
      for c in classes.indices { positives.append(c == column) }
    }
    return RankingSupport.binaryAUC(positives, probabilities.elements)
  }
  var scores: [Double] = [], weights: [Double] = []
  for (c, label) in classes.enumerated() {
    let positives = yTrue.map { $0 == label }
    scores.append(RankingSupport.binaryAUC(positives, probabilities.column(c)))
    weights.append(Double(positives.filter { $0 }.count))
  }
  if average == .macro { return MetricSupport.mean(scores) }
  // Weighted: a class with no samples gets score 0 and weight 0, so its NaN does not spread.
  for c in scores.indices where weights[c] == 0 { scores[c] = 0 }
  return MetricSupport.weightedAverage(scores, weights: weights)
}

/// Throws the "only one class" error of the ROC AUC functions.
private func checkTwoClasses(_ classes: [Int]) throws(LearnError) {
  guard classes.count >= 2 else {
    throw .invalidArgument(
      name: "yTrue",
      reason: "only one class (\(classes[0])) is present in yTrue; ROC AUC is not defined in that case")
  }
}

/// The ROC curve and its area, as scikit-learn's `roc_curve` (with `drop_intermediate`) and
/// `auc` compute them.
enum RankingSupport {
  /// The area under the ROC curve of `scores` for the binary truth `positive`; NaN when there are
  /// no positives or no negatives.
  static func binaryAUC(_ positive: [Bool], _ scores: [Double]) -> Double {
    let positiveCount = positive.filter { $0 }.count
    guard positiveCount > 0, positiveCount < positive.count else { return .nan }
    // Sort by decreasing score; tied scores form one threshold (order within a tie is irrelevant).
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var tps: [Double] = [], fps: [Double] = []
    var truePositives = 0.0
    for (k, i) in order.enumerated() {
      if positive[i] { truePositives += 1 }
      if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
        tps.append(truePositives)
        fps.append(1 + Double(k) - truePositives)
      }
    }
    // Drop points collinear with their neighbours (a zero second difference in both counts).
    if fps.count > 2 {
      var keptT = [tps[0]], keptF = [fps[0]]
      for i in 1..<(fps.count - 1) {
        let secondF = (fps[i + 1] - fps[i]) - (fps[i] - fps[i - 1])
        let secondT = (tps[i + 1] - tps[i]) - (tps[i] - tps[i - 1])
        if secondF != 0 || secondT != 0 {
          keptT.append(tps[i])
          keptF.append(fps[i])
        }
      }
      keptT.append(tps[tps.count - 1])
      keptF.append(fps[fps.count - 1])
      tps = keptT
      fps = keptF
    }
    tps.insert(0, at: 0)
    fps.insert(0, at: 0)
    let lastF = fps[fps.count - 1], lastT = tps[tps.count - 1]
    let fpr = fps.map { $0 / lastF }, tpr = tps.map { $0 / lastT }
    // numpy.trapezoid: sum of dx · (y[i+1] + y[i]) / 2.
    var pieces: [Double] = []
    pieces.reserveCapacity(fpr.count - 1)
    for i in 0..<(fpr.count - 1) {
      pieces.append((fpr[i + 1] - fpr[i]) * (tpr[i + 1] + tpr[i]) / 2.0)
    }
    return MetricSupport.sum(pieces)
  }
}
