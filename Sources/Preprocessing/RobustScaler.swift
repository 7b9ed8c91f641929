import LearnCore
import LinearAlgebra

/// Scales features with statistics that are robust to outliers: subtracts the median and
/// divides by an interquantile range, by default the interquartile range (scikit-learn's
/// `RobustScaler`).
///
/// Quantiles use numpy's default linear interpolation. A feature whose range is zero gets a
/// divisor of 1.
public struct RobustScaler: Transformer {
  /// Whether to subtract the median (scikit-learn `with_centering`; default `true`).
  public var withCentering: Bool
  /// Whether to divide by the quantile range (scikit-learn `with_scaling`; default `true`).
  public var withScaling: Bool
  /// Lower quantile of the range, in percent (scikit-learn `quantile_range[0]`; default 25).
  public var quantileRangeLower: Double
  /// Upper quantile of the range, in percent (scikit-learn `quantile_range[1]`; default 75).
  public var quantileRangeUpper: Double
  /// Whether to divide the range by that of a standard normal distribution, so normally
  /// distributed features end with unit variance (scikit-learn `unit_variance`; default `false`).
  public var unitVariance: Bool

  /// A robust scaler; the defaults are scikit-learn's.
  public init(withCentering: Bool = true, withScaling: Bool = true, quantileRangeLower: Double = 25,
              quantileRangeUpper: Double = 75, unitVariance: Bool = false) {
    self.withCentering = withCentering
    self.withScaling = withScaling
    self.quantileRangeLower = quantileRangeLower
    self.quantileRangeUpper = quantileRangeUpper
    self.unitVariance = unitVariance
  }

  /// The hyperparameter table: `withCentering`, `withScaling`, `quantileRangeLower` and
  /// `quantileRangeUpper` (in [0, 100]), `unitVariance`. `fit` also requires the lower quantile
  /// not to exceed the upper one, and with `unitVariance`, `0 < lower < upper < 100`.
  public static let hyperparameters: [Hyperparameter<RobustScaler>] = [
    .bool("withCentering", \.withCentering),
    .bool("withScaling", \.withScaling),
    .double("quantileRangeLower", \.quantileRangeLower, .closed(0...100)),
    .double("quantileRangeUpper", \.quantileRangeUpper, .closed(0...100)),
    .bool("unitVariance", \.unitVariance),
  ]

  /// The table's checks plus those that relate two hyperparameters.
  func validateAll() throws(LearnError) {
    try validateHyperparameters()
    guard quantileRangeLower <= quantileRangeUpper else {
      throw .invalidHyperparameter(
        name: "quantileRangeLower", estimator: Self.estimatorName,
        expected: "at most quantileRangeUpper (\(quantileRangeUpper))", got: String(quantileRangeLower))
    }
    if unitVariance && withScaling {
      // Φ⁻¹ is infinite at 0 and 100 %, and an empty range has no normal width: the scale
      // would be zero or infinite.
      guard quantileRangeLower > 0, quantileRangeUpper < 100, quantileRangeLower < quantileRangeUpper else {
        throw .invalidHyperparameter(
          name: "unitVariance", estimator: Self.estimatorName,
          expected: "false unless 0 < quantileRangeLower < quantileRangeUpper < 100",
          got: "true with quantile range (\(quantileRangeLower), \(quantileRangeUpper))")
      }
    }
  }

  /// Learns each feature's median and quantile range from `x`. Throws on an empty `x`, a NaN or
  /// infinity in it, or invalid hyperparameters.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateAll()
    try Validation.checkFeatures(x)
    var center: [Double] = [], scale: [Double] = []
    if withCentering || withScaling {
      for j in 0..<x.columnCount {
        let sorted = PreprocessingSupport.sortedColumn(x, j)
        if withCentering { center.append(PreprocessingSupport.median(sorted: sorted)) }
        if withScaling {
          let low = PreprocessingSupport.quantile(sorted: sorted, quantileRangeLower / 100)
          let high = PreprocessingSupport.quantile(sorted: sorted, quantileRangeUpper / 100)
          scale.append(high - low)
        }
      }
    }
    if withScaling {
      scale = PreprocessingSupport.handlingZeros(scale)
      if unitVariance {
        let adjust = NormalDistribution.quantile(quantileRangeUpper / 100)
          - NormalDistribution.quantile(quantileRangeLower / 100)
        scale = scale.map { $0 / adjust }
      }
    }
    return Fitted(center: withCentering ? center : nil, scale: withScaling ? scale : nil,
                  featureCount: x.columnCount)
  }

  /// A fitted ``RobustScaler``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// Per-feature median (scikit-learn `center_`); `nil` when `withCentering` is off.
    public let center: [Double]?
    /// Per-feature quantile range, 1 where it is zero, divided by the normal range when
    /// `unitVariance` is on (scikit-learn `scale_`); `nil` when `withScaling` is off.
    public let scale: [Double]?
    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `(x − center) / scale`, each step only when enabled.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          var value = x[i, j]
          if let center { value -= center[j] }
          if let scale { value /= scale[j] }
          result[i, j] = value
        }
      }
      return result
    }

    /// `x · scale + center`: scaled values back in the original units.
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          var value = x[i, j]
          if let scale { value *= scale[j] }
          if let center { value += center[j] }
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

extension RobustScaler: Persistable {
  /// `"RobustScaler"`.
  public static let typeTag = "RobustScaler"
}

extension RobustScaler.Fitted: Persistable {
  /// `"RobustScaler.Fitted"`.
  public static let typeTag = "RobustScaler.Fitted"

  /// A finite center and scale per feature when present.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(featureCount)
    try PersistenceCheck.statistics(center, featureCount, "center", required: false)
    try PersistenceCheck.statistics(scale, featureCount, "scale", required: false)
  }
}
