import LinearAlgebra

// Every function here throws `shapeMismatch` when the arrays differ in length, `emptyInput` when
// they are empty, and `nonFiniteValue(row: i, column: 0)` for a NaN or infinity at `yTrue[i]`
// (`column: 1` for `yPred[i]`).

/// Checks shared by the regression metrics.
private func checkRegression(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) {
  try MetricSupport.checkPair(yTrue.count, yPred.count)
  try MetricSupport.checkFinite(yTrue, column: 0)
  try MetricSupport.checkFinite(yPred, column: 1)
}

/// The coefficient of determination R², `1 − Σ(y − ŷ)² / Σ(y − ȳ)²` (scikit-learn's `r2_score`
/// with `force_finite=True`): 1 for a perfect prediction, 0 for predicting the mean, negative
/// when worse.
///
/// When `yTrue` is constant, the score is 1 if the prediction is exact and 0 otherwise (never NaN
/// or −∞). With a single sample R² is not defined and the result is NaN, as in scikit-learn.
public func r2Score(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try checkRegression(yTrue, yPred)
  guard yTrue.count >= 2 else {
    LearnWarning.emit(.undefinedMetric, "R² is not defined for a single sample and is NaN")
    return .nan
  }
  let residual = MetricSupport.sum(zip(yTrue, yPred).map { ($0 - $1) * ($0 - $1) })
  let mean = MetricSupport.mean(yTrue)
  let total = MetricSupport.sum(yTrue.map { ($0 - mean) * ($0 - mean) })
  return fractionExplained(residual, total)
}

/// The explained variance, `1 − Var(y − ŷ) / Var(y)` (scikit-learn's `explained_variance_score`
/// with `force_finite=True`). Unlike R² it ignores a constant bias in the predictions.
///
/// When `yTrue` is constant, the score is 1 if the residuals are constant and 0 otherwise.
public func explainedVarianceScore(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try checkRegression(yTrue, yPred)
  let differences = zip(yTrue, yPred).map { $0 - $1 }
  let differenceMean = MetricSupport.mean(differences)
  let numerator = MetricSupport.mean(differences.map { ($0 - differenceMean) * ($0 - differenceMean) })
  let mean = MetricSupport.mean(yTrue)
  let denominator = MetricSupport.mean(yTrue.map { ($0 - mean) * ($0 - mean) })
  return fractionExplained(numerator, denominator)
}

/// scikit-learn's `_assemble_fraction_of_explained_deviance` with `force_finite=True`.
private func fractionExplained(_ numerator: Double, _ denominator: Double) -> Double {
  if numerator == 0 { return 1 }
  if denominator == 0 { return 0 }
  return 1 - numerator / denominator
}

/// The mean squared error, `Σ(y − ŷ)² / n` (scikit-learn's `mean_squared_error`).
public func meanSquaredError(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try checkRegression(yTrue, yPred)
  return MetricSupport.mean(zip(yTrue, yPred).map { ($0 - $1) * ($0 - $1) })
}

/// The root mean squared error, `√(Σ(y − ŷ)² / n)` (scikit-learn's `root_mean_squared_error`).
public func rootMeanSquaredError(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try meanSquaredError(yTrue, yPred).squareRoot()
}

/// The mean absolute error, `Σ|y − ŷ| / n` (scikit-learn's `mean_absolute_error`).
public func meanAbsoluteError(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try checkRegression(yTrue, yPred)
  return MetricSupport.mean(zip(yTrue, yPred).map { abs($1 - $0) })
}

/// The median of the absolute errors `|y − ŷ|` (scikit-learn's `median_absolute_error`): robust
/// to outliers. With an even count it is the mean of the two middle errors.
public func medianAbsoluteError(_ yTrue: [Double], _ yPred: [Double]) throws(LearnError) -> Double {
  try checkRegression(yTrue, yPred)
  return MetricSupport.median(zip(yTrue, yPred).map { abs($1 - $0) })
}
