import LearnCore
import LinearAlgebra

/// Fills missing values, marked by NaN, with a per-column statistic or a constant
/// (scikit-learn's `SimpleImputer` with `missing_values=np.nan`).
///
/// NaN is the missing-value marker, so unlike the other transformers it is accepted in `fit` and
/// `transform`; infinities are still errors. A column with no observed value at fit time has no
/// statistic: it is left out of the output (with every strategy, `constant` included, as
/// scikit-learn 1.9.1 does) unless ``keepEmptyFeatures`` is set, in which case it is filled with
/// 0 (or ``fillValue`` for `constant`).
public struct SimpleImputer: Transformer {
  /// The statistic that replaces missing values.
  public enum Strategy: String, CaseIterable, Sendable {
    /// The column's mean of observed values.
    case mean
    /// The column's median of observed values.
    case median
    /// The column's most frequent observed value (the smallest, among ties).
    case mostFrequent = "most_frequent"
    /// ``SimpleImputer/fillValue`` (0 when `nil`).
    case constant
  }

  /// How missing values are replaced (scikit-learn `strategy`; default `mean`).
  public var strategy: Strategy
  /// The value used by the `constant` strategy; `nil` means 0 (scikit-learn `fill_value`;
  /// default `nil`).
  public var fillValue: Double?
  /// Whether to keep columns that are entirely missing at fit time (scikit-learn
  /// `keep_empty_features`; default `false`).
  public var keepEmptyFeatures: Bool
  /// Whether to append a 0/1 indicator column for each feature that had missing values at fit
  /// time (scikit-learn `add_indicator`; default `false`).
  public var addIndicator: Bool

  /// A simple imputer; the defaults are scikit-learn's.
  public init(strategy: Strategy = .mean, fillValue: Double? = nil, keepEmptyFeatures: Bool = false,
              addIndicator: Bool = false) {
    self.strategy = strategy
    self.fillValue = fillValue
    self.keepEmptyFeatures = keepEmptyFeatures
    self.addIndicator = addIndicator
  }

  /// The hyperparameter table: `strategy` (`"mean"`, `"median"`, `"most_frequent"`,
  /// `"constant"`), `fillValue` (a float or none), `keepEmptyFeatures`, `addIndicator`.
  public static let hyperparameters: [Hyperparameter<SimpleImputer>] = [
    .choice("strategy", \.strategy),
    .optionalDouble("fillValue", \.fillValue),
    .bool("keepEmptyFeatures", \.keepEmptyFeatures),
    .bool("addIndicator", \.addIndicator),
  ]

  /// `strategy` one of `mean`, `median`, `most_frequent`: auto-sklearn's imputation choices
  /// (`constant` needs a `fillValue` chosen for the data).
  public static let defaultSearchSpace: [String: Distribution] = [
    "strategy": .choice(["mean", "median", "most_frequent"]),
  ]

  /// Computes each column's statistic from its observed (non-NaN) values. Throws on an empty `x`
  /// or an infinity in it.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateHyperparameters()
    try PreprocessingSupport.checkAllowingNaN(x, requireRows: true)
    let p = x.columnCount
    var observed = [[Double]](repeating: [], count: p)
    for i in 0..<x.rowCount {
      for j in 0..<p where !x[i, j].isNaN { observed[j].append(x[i, j]) }
    }
    let statistics: [Double] = observed.map { values in
      if values.isEmpty {
        guard keepEmptyFeatures else { return .nan }
        return strategy == .constant ? fillValue ?? 0 : 0
      }
      switch strategy {
      case .mean:
        // Summed in row order, as numpy sums a column of a row-major array.
        var sum = 0.0
        for value in values { sum += value }
        return sum / Double(values.count)
      case .median:
        return PreprocessingSupport.median(sorted: values.sorted())
      case .mostFrequent:
        var counts: [Double: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let most = counts.values.max()!
        return counts.filter { $0.value == most }.keys.min()!
      case .constant:
        return fillValue ?? 0
      }
    }
    let indicated = addIndicator ? (0..<p).filter { observed[$0].count < x.rowCount } : []
    return Fitted(strategy: strategy, statistics: statistics, missingIndicatorFeatures: indicated,
                  addIndicator: addIndicator)
  }

  /// A fitted ``SimpleImputer``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// The strategy it was fitted with.
    public let strategy: Strategy
    /// Each column's fill value (scikit-learn `statistics_`); NaN for a column that was entirely
    /// missing at fit time and is left out of the output.
    public let statistics: [Double]
    /// The input columns that appear in the output, in order: those with a statistic.
    public let keptFeatures: [Int]
    /// The input columns that get a missing-value indicator: those with a missing value at fit
    /// time, when `addIndicator` is on (scikit-learn `indicator_.features_`); else empty.
    public let missingIndicatorFeatures: [Int]
    /// Whether indicator columns are appended.
    public let addIndicator: Bool

    init(strategy: Strategy, statistics: [Double], missingIndicatorFeatures: [Int], addIndicator: Bool) {
      self.strategy = strategy
      self.statistics = statistics
      self.keptFeatures = statistics.indices.filter { !statistics[$0].isNaN }
      self.missingIndicatorFeatures = missingIndicatorFeatures
      self.addIndicator = addIndicator
    }

    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public var featureCount: Int { statistics.count }
    /// Number of output columns: kept features, then indicators.
    public var outputFeatureCount: Int { keptFeatures.count + missingIndicatorFeatures.count }

    /// The kept columns with each NaN replaced by its column's statistic, followed by the
    /// indicator columns (1 where the value was missing). Throws on the wrong feature count or an
    /// infinity.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      guard x.columnCount == featureCount else {
        throw .shapeMismatch("x has \(x.columnCount) features but the imputer was fitted with \(featureCount)")
      }
      try PreprocessingSupport.checkAllowingNaN(x, requireRows: false)
      var result = Matrix(rowCount: x.rowCount, columnCount: outputFeatureCount)
      let kept = keptFeatures.count
      for i in 0..<x.rowCount {
        for (k, j) in keptFeatures.enumerated() {
          let value = x[i, j]
          result[i, k] = value.isNaN ? statistics[j] : value
        }
        for (k, j) in missingIndicatorFeatures.enumerated() {
          result[i, kept + k] = x[i, j].isNaN ? 1 : 0
        }
      }
      return result
    }

    /// The imputed matrix back with NaN where the indicator columns mark a missing value; columns
    /// left out of the output come back as NaN. Needs `addIndicator` (scikit-learn raises
    /// otherwise, and so does this).
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      guard addIndicator else {
        throw .invalidArgument(name: "x", reason: "inverseTransform needs an imputer fitted with addIndicator true")
      }
      try PreprocessingSupport.checkTransformInput(x, expected: outputFeatureCount)
      var result = Matrix(rowCount: x.rowCount, columnCount: featureCount, repeating: .nan)
      let kept = keptFeatures.count
      for i in 0..<x.rowCount {
        for (k, j) in keptFeatures.enumerated() { result[i, j] = x[i, k] }
        for (k, j) in missingIndicatorFeatures.enumerated() where x[i, kept + k] != 0 { result[i, j] = .nan }
      }
      return result
    }

    /// The kept input names, then `missingindicator_name` for each indicator column.
    public func featureNamesOut(_ input: [String]? = nil) throws(LearnError) -> [String] {
      let names = try PreprocessingSupport.inputFeatureNames(input, featureCount: featureCount)
      return keptFeatures.map { names[$0] } + missingIndicatorFeatures.map { "missingindicator_" + names[$0] }
    }
  }
}

extension SimpleImputer.Strategy: Codable {}

extension SimpleImputer: Persistable {
  /// `"SimpleImputer"`.
  public static let typeTag = "SimpleImputer"
}

extension SimpleImputer.Fitted: Persistable {
  /// `"SimpleImputer.Fitted"`.
  public static let typeTag = "SimpleImputer.Fitted"

  /// The kept features are those with a statistic; indicator features are increasing and in range.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(statistics.count, "statistics")
    try PersistenceCheck.require(keptFeatures == statistics.indices.filter { !statistics[$0].isNaN }, "keptFeatures",
                                 "must list the features with a statistic")
    try PersistenceCheck.indices(missingIndicatorFeatures, below: statistics.count, "missingIndicatorFeatures")
  }
}
