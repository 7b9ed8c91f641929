import LearnCore
import LinearAlgebra

/// The test folds of `folds` must cover every sample exactly once for out-of-fold predictions.
private func checkPartition(_ folds: [Fold], count: Int) throws(LearnError) {
  var seen = [Bool](repeating: false, count: count)
  for fold in folds {
    for i in fold.test {
      guard i >= 0 && i < count else {
        throw .invalidArgument(name: "cv", reason: "the splitter returned sample \(i); there are \(count) samples")
      }
      guard !seen[i] else {
        throw .invalidArgument(name: "cv", reason: "sample \(i) is in more than one test fold; out-of-fold predictions need test folds that partition the samples")
      }
      seen[i] = true
    }
  }
  if let missing = seen.firstIndex(of: false) {
    throw .invalidArgument(name: "cv", reason: "sample \(missing) is in no test fold; out-of-fold predictions need test folds that partition the samples")
  }
}

/// Out-of-fold predictions: each sample predicted by the model fitted without it (scikit-learn's
/// `cross_val_predict`), in the original order. The test folds must partition the samples.
public func crossValPredict<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], cv: (any Splitter)? = nil, groups: [Int]? = nil,
  parallelism: Parallelism = .automatic
) throws -> [E.Target] {
  try Validation.checkShapes(x, y)
  let folds = try makeFolds(cv, count: x.rowCount, y: y, groups: groups)
  try checkPartition(folds, count: x.rowCount)
  let perFold = try Parallel.map(folds.count, parallelism: parallelism) { k in
    let fold = folds[k]
    return try estimator.fit(x.rows(at: fold.train), fold.train.map { y[$0] }).predict(x.rows(at: fold.test))
  }
  var result = [E.Target?](repeating: nil, count: x.rowCount)
  for (fold, predictions) in zip(folds, perFold) {
    for (i, p) in zip(fold.test, predictions) { result[i] = p }
  }
  return result.map { $0! }
}

/// Out-of-fold class probabilities (scikit-learn's `cross_val_predict(method="predict_proba")`):
/// one column per distinct label of `y`, ascending; a class missing from a fold's training rows
/// gets probability 0 in that fold, as in scikit-learn.
public func crossValPredictProbabilities<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [Int], cv: (any Splitter)? = nil, groups: [Int]? = nil,
  parallelism: Parallelism = .automatic
) throws -> Matrix where E.Target == Int, E.Fitted: ProbabilisticClassifierModel {
  try Validation.checkShapes(x, y)
  let labels = Array(Set(y)).sorted()
  let column = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
  let folds = try makeFolds(cv, count: x.rowCount, y: y, groups: groups)
  try checkPartition(folds, count: x.rowCount)
  let perFold = try Parallel.map(folds.count, parallelism: parallelism) { k in
    let fold = folds[k]
    let model = try estimator.fit(x.rows(at: fold.train), fold.train.map { y[$0] })
    return (model.classes, try model.predictProbabilities(x.rows(at: fold.test)))
  }
  var result = Matrix(rowCount: x.rowCount, columnCount: labels.count)
  for (fold, (classes, probabilities)) in zip(folds, perFold) {
    for (r, i) in fold.test.enumerated() {
      for (c, label) in classes.enumerated() { result[i, column[label]!] = probabilities[r, c] }
    }
  }
  return result
}
