import LearnCore
import LinearAlgebra

/// Standardizes features by removing the mean and scaling to unit variance:
/// `z = (x − mean) / scale` (scikit-learn's `StandardScaler`).
///
/// The variance is the population variance (ddof 0). Features whose variance is zero, or within
/// rounding error of zero, get a scale of 1 instead of a division by zero, as scikit-learn does.
public struct StandardScaler: Transformer {
  /// Whether to subtract the mean (scikit-learn `with_mean`; default `true`).
  public var withMean: Bool
  /// Whether to divide by the standard deviation (scikit-learn `with_std`; default `true`).
  public var withStd: Bool

  /// A standard scaler; the defaults are scikit-learn's.
  public init(withMean: Bool = true, withStd: Bool = true) {
    self.withMean = withMean
    self.withStd = withStd
  }

  /// The hyperparameter table: `withMean`, `withStd`.
  public static let hyperparameters: [Hyperparameter<StandardScaler>] = [
    .bool("withMean", \.withMean),
    .bool("withStd", \.withStd),
  ]

  /// Learns each feature's mean and variance from `x`.
  ///
  /// The statistics are computed as scikit-learn's `_incremental_mean_and_var` computes them for a
  /// first batch (column sums in row order, then the corrected two-pass variance), so they match
  /// scikit-learn bit for bit. Throws on an empty `x` or a NaN or infinity in it.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateHyperparameters()
    try Validation.checkFeatures(x)
    let n = x.rowCount, p = x.columnCount
    let count = Double(n)
    let sums = x.columnSums()
    let means = sums.map { $0 / count }
    if let j = means.firstIndex(where: { !$0.isFinite }) {
      throw .invalidArgument(name: "x", reason: "the mean of column \(j) overflows; its values are too large to scale")
    }
    guard withMean || withStd else {
      return Fitted(withMean: false, withStd: false, mean: nil, variance: nil, scale: nil,
                    sampleCount: n, featureCount: p)
    }
    guard withStd else {
      return Fitted(withMean: withMean, withStd: false, mean: means, variance: nil, scale: nil,
                    sampleCount: n, featureCount: p)
    }
    // Corrected two-pass algorithm (Chan, Golub & LeVeque): Σ(x − x̄)² − (Σ(x − x̄))² / n.
    var correction = [Double](repeating: 0, count: p)
    var squares = [Double](repeating: 0, count: p)
    for i in 0..<n {
      for j in 0..<p {
        let d = x[i, j] - means[j]
        correction[j] += d
        squares[j] += d * d
      }
    }
    var variances = [Double](repeating: 0, count: p)
    var scales = [Double](repeating: 0, count: p)
    let eps = Double.ulpOfOne
    for j in 0..<p {
      let unnormalized = squares[j] - correction[j] * correction[j] / count
      let variance = unnormalized / count
      variances[j] = variance
      // scikit-learn's _is_constant_feature: the variance is within the error bound of the
      // two-pass algorithm, so the feature is treated as constant.
      let bound = count * eps * variance + (count * means[j] * eps) * (count * means[j] * eps)
      scales[j] = variance <= bound ? 1 : variance.squareRoot()
      guard variance.isFinite, scales[j].isFinite else {
        throw .invalidArgument(name: "x", reason: "the variance of column \(j) overflows; its values are too large to scale")
      }
    }
    return Fitted(withMean: withMean, withStd: true, mean: means, variance: variances, scale: scales,
                  sampleCount: n, featureCount: p)
  }

  /// A fitted ``StandardScaler``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// Whether ``transform(_:)`` subtracts ``mean``.
    public let withMean: Bool
    /// Whether ``transform(_:)`` divides by ``scale``.
    public let withStd: Bool
    /// Per-feature mean (scikit-learn `mean_`); `nil` when both `withMean` and `withStd` are off.
    public let mean: [Double]?
    /// Per-feature population variance (scikit-learn `var_`); `nil` when `withStd` is off.
    public let variance: [Double]?
    /// Per-feature divisor: the standard deviation, or 1 for a constant feature (scikit-learn
    /// `scale_`); `nil` when `withStd` is off.
    public let scale: [Double]?
    /// Number of rows seen in fitting (scikit-learn `n_samples_seen_`).
    public let sampleCount: Int
    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `(x − mean) / scale`, each step only when enabled.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          var value = x[i, j]
          if withMean, let mean { value -= mean[j] }
          if withStd, let scale { value /= scale[j] }
          result[i, j] = value
        }
      }
      return result
    }

    /// `x · scale + mean`: standardized values back in the original units.
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          var value = x[i, j]
          if withStd, let scale { value *= scale[j] }
          if withMean, let mean { value += mean[j] }
          result[i, j] = value
        }
      }
      return result
    }

    /// The input names unchanged (one output per input feature).
    public func featureNamesOut(_ input: [String]? = nil) throws(LearnError) -> [String] {
      try PreprocessingSupport.inputFeatureNames(input, featureCount: featureCount)
    }
  }
}

extension StandardScaler: Persistable {
  /// `"StandardScaler"`.
  public static let typeTag = "StandardScaler"
}

extension StandardScaler.Fitted: Persistable {
  /// `"StandardScaler.Fitted"`.
  public static let typeTag = "StandardScaler.Fitted"

  /// A finite mean and a finite positive scale per feature wherever they are used.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(featureCount)
    try PersistenceCheck.statistics(mean, featureCount, "mean", required: withMean)
    try PersistenceCheck.statistics(scale, featureCount, "scale", required: withStd)
    if let variance { try PersistenceCheck.count(variance, featureCount, "variance") }
  }
}
