import LinearAlgebra

/// A regressor that ignores the features and predicts one constant: a baseline to beat
/// (scikit-learn's `DummyRegressor`).
public struct DummyRegressor: Estimator, Sendable {
  /// Which constant is predicted.
  public enum Strategy: String, CaseIterable, Sendable {
    /// The training mean.
    case mean
    /// The training median.
    case median
    /// The training ``DummyRegressor/quantile`` (linear interpolation, numpy's default).
    case quantile
    /// ``DummyRegressor/constant``.
    case constant
  }

  /// Which constant is predicted (scikit-learn `strategy`).
  public var strategy: Strategy
  /// The value predicted by the `constant` strategy (scikit-learn `constant`).
  public var constant: Double?
  /// The quantile in [0, 1] for the `quantile` strategy (scikit-learn `quantile`).
  public var quantile: Double?

  /// A dummy regressor; the defaults are scikit-learn's.
  public init(strategy: Strategy = .mean, constant: Double? = nil, quantile: Double? = nil) {
    self.strategy = strategy
    self.constant = constant
    self.quantile = quantile
  }

  /// The hyperparameter table: `strategy`, `constant`, `quantile` (in [0, 1]).
  public static let hyperparameters: [Hyperparameter<DummyRegressor>] = [
    .choice("strategy", \.strategy),
    .optionalDouble("constant", \.constant),
    .optionalDouble("quantile", \.quantile, .unitInterval),
  ]

  /// Computes the constant from `y`.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let value: Double
    switch strategy {
    case .mean: value = y.reduce(0, +) / Double(y.count)
    case .median: value = NumpyStatistics.median(sorted: y.sorted())
    case .quantile:
      guard let quantile else {
        throw .invalidHyperparameter(name: "quantile", estimator: Self.estimatorName,
                                     expected: "a float in [0, 1] when strategy is \"quantile\"", got: "none")
      }
      value = NumpyStatistics.quantile(sorted: y.sorted(), quantile)
    case .constant:
      guard let constant else {
        throw .invalidHyperparameter(name: "constant", estimator: Self.estimatorName,
                                     expected: "a float when strategy is \"constant\"", got: "none")
      }
      value = constant
    }
    guard value.isFinite else {
      throw .invalidArgument(name: "y", reason: "the \(strategy.rawValue) of the targets is not finite (\(value)); the values are too large")
    }
    return Model(constant: value, featureCount: x.columnCount)
  }

  /// A fitted ``DummyRegressor``.
  public struct Model: RegressorModel {
    /// The predicted constant (scikit-learn `constant_`).
    public let constant: Double
    /// Number of features seen in training.
    public let featureCount: Int

    /// ``constant`` for every row of `x`.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return Array(repeating: constant, count: x.rowCount)
    }
  }
}

extension DummyRegressor.Strategy: Codable {}

extension DummyRegressor: Persistable {
  /// `"DummyRegressor"`.
  public static let typeTag = "DummyRegressor"
}

extension DummyRegressor.Model: Persistable {
  /// `"DummyRegressor.Model"`.
  public static let typeTag = "DummyRegressor.Model"

  /// A finite constant and a feature count.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.finite([constant], "constant")
    try PersistenceCheck.featureCount(featureCount)
  }
}
