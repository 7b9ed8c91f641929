import LearnCore
import LinearAlgebra

/// Scores of `estimator` on each fold: fit on the fold's training rows, score on its test rows
/// (scikit-learn's `cross_val_score`). Folds run in parallel; each writes only its own slot, so
/// the result is the same for any `parallelism`.
///
/// - Parameter score: how a fitted model is scored on held-out data, higher is better.
public func crossValScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], cv: any Splitter = KFold(),
  parallelism: Parallelism = .automatic,
  score: @escaping @Sendable (E.Fitted, Matrix, [E.Target]) throws -> Double
) throws -> [Double] {
  try Validation.checkSamples(x, y)
  let folds = try cv.folds(count: x.rowCount)
  return try Parallel.map(folds.count, parallelism: parallelism) { k in
    let fold = folds[k]
    let model = try estimator.fit(x.rows(at: fold.train), fold.train.map { y[$0] })
    return try score(model, x.rows(at: fold.test), fold.test.map { y[$0] })
  }
}

/// Accuracy of a classifier on each fold (its model's `score`).
public func crossValScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [Int], cv: any Splitter = KFold(), parallelism: Parallelism = .automatic
) throws -> [Double] where E.Fitted: ClassifierModel {
  try crossValScore(estimator, x, y, cv: cv, parallelism: parallelism) { model, x, y in try model.score(x, y) }
}

/// R² of a regressor on each fold (its model's `score`).
public func crossValScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [Double], cv: any Splitter = KFold(), parallelism: Parallelism = .automatic
) throws -> [Double] where E.Fitted: RegressorModel {
  try crossValScore(estimator, x, y, cv: cv, parallelism: parallelism) { model, x, y in try model.score(x, y) }
}
