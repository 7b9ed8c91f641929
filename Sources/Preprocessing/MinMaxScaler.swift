import LearnCore
import LinearAlgebra

/// Scales each feature to a given range, by default [0, 1]:
/// `x' = x · scale + offset` with `scale = (upper − lower) / (max − min)` (scikit-learn's
/// `MinMaxScaler`).
///
/// A constant feature (range below ten machine epsilons) gets a divisor of 1, so it maps to
/// `lower` instead of dividing by zero.
public struct MinMaxScaler: Transformer {
  /// Lower end of the output range (scikit-learn `feature_range[0]`; default 0).
  public var featureRangeLower: Double
  /// Upper end of the output range (scikit-learn `feature_range[1]`; default 1). Must exceed
  /// ``featureRangeLower``.
  public var featureRangeUpper: Double
  /// Whether to clip transformed values to the output range (scikit-learn `clip`; default
  /// `false`), for data outside the training range.
  public var clip: Bool

  /// A min-max scaler; the defaults are scikit-learn's.
  public init(featureRangeLower: Double = 0, featureRangeUpper: Double = 1, clip: Bool = false) {
    self.featureRangeLower = featureRangeLower
    self.featureRangeUpper = featureRangeUpper
    self.clip = clip
  }

  /// The hyperparameter table: `featureRangeLower`, `featureRangeUpper`, `clip`. `fit` also
  /// requires `featureRangeLower < featureRangeUpper`.
  public static let hyperparameters: [Hyperparameter<MinMaxScaler>] = [
    .double("featureRangeLower", \.featureRangeLower),
    .double("featureRangeUpper", \.featureRangeUpper),
    .bool("clip", \.clip),
  ]

  /// Throws unless the hyperparameters are valid, including `featureRangeLower <
  /// featureRangeUpper` (which the table cannot check one value at a time).
  func validateAll() throws(LearnError) {
    try validateHyperparameters()
    guard featureRangeLower < featureRangeUpper else {
      throw .invalidHyperparameter(
        name: "featureRangeLower", estimator: Self.estimatorName,
        expected: "less than featureRangeUpper (\(featureRangeUpper))", got: String(featureRangeLower))
    }
  }

  /// Learns each feature's minimum and maximum from `x`. Throws on an empty `x`, a NaN or
  /// infinity in it, or an invalid range.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateAll()
    try Validation.checkFeatures(x)
    let dataMin = x.columnMinima()!, dataMax = x.columnMaxima()!
    let dataRange = zip(dataMax, dataMin).map { $0 - $1 }
    let divisor = PreprocessingSupport.handlingZeros(dataRange)
    let scale = divisor.map { (featureRangeUpper - featureRangeLower) / $0 }
    let offset = zip(dataMin, scale).map { featureRangeLower - $0 * $1 }
    return Fitted(featureRangeLower: featureRangeLower, featureRangeUpper: featureRangeUpper, clip: clip,
                  dataMin: dataMin, dataMax: dataMax, dataRange: dataRange, scale: scale, offset: offset,
                  sampleCount: x.rowCount)
  }

  /// A fitted ``MinMaxScaler``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// Lower end of the output range.
    public let featureRangeLower: Double
    /// Upper end of the output range.
    public let featureRangeUpper: Double
    /// Whether ``transform(_:)`` clips to the output range.
    public let clip: Bool
    /// Per-feature minimum seen in fitting (scikit-learn `data_min_`).
    public let dataMin: [Double]
    /// Per-feature maximum seen in fitting (scikit-learn `data_max_`).
    public let dataMax: [Double]
    /// Per-feature `dataMax − dataMin` (scikit-learn `data_range_`).
    public let dataRange: [Double]
    /// Per-feature factor (scikit-learn `scale_`).
    public let scale: [Double]
    /// Per-feature term added after scaling, `lower − dataMin · scale` (scikit-learn `min_`).
    public let offset: [Double]
    /// Number of rows seen in fitting (scikit-learn `n_samples_seen_`).
    public let sampleCount: Int

    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public var featureCount: Int { scale.count }

    /// `x · scale + offset`, clipped to the output range when ``clip`` is set.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          var value = x[i, j] * scale[j]
          value += offset[j]
          if clip { value = Swift.min(Swift.max(value, featureRangeLower), featureRangeUpper) }
          result[i, j] = value
        }
      }
      return result
    }

    /// `(x − offset) / scale`: scaled values back in the original units (clipping is not undone).
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount { result[i, j] = (x[i, j] - offset[j]) / scale[j] }
      }
      return result
    }

    /// The input names unchanged (one output per input feature).
    public func featureNamesOut(_ input: [String]? = nil) throws(LearnError) -> [String] {
      try PreprocessingSupport.inputFeatureNames(input, featureCount: featureCount)
    }
  }
}

extension MinMaxScaler: Persistable {
  /// `"MinMaxScaler"`.
  public static let typeTag = "MinMaxScaler"
}

extension MinMaxScaler.Fitted: Persistable {
  /// `"MinMaxScaler.Fitted"`.
  public static let typeTag = "MinMaxScaler.Fitted"

  /// One finite scale and offset per feature, and statistics of the same length.
  public func checkLoaded() throws(LearnError) {
    let n = scale.count
    try PersistenceCheck.featureCount(n, "scale")
    try PersistenceCheck.statistics(scale, n, "scale", required: true)
    try PersistenceCheck.statistics(offset, n, "offset", required: true)
    for (field, values) in [("dataMin", dataMin), ("dataMax", dataMax), ("dataRange", dataRange)] {
      try PersistenceCheck.count(values, n, field)
    }
  }
}
