// The Trees module: CART decision trees (scikit-learn's `DecisionTreeClassifier`,
// `DecisionTreeRegressor`), random forests and extra trees. See Docs/Guides/Trees.md.
import Foundation
import LearnCore
import LinearAlgebra

/// The impurity a classification tree minimises (scikit-learn's `criterion`).
public enum ClassificationCriterion: String, CaseIterable, Sendable {
  /// Gini impurity `1 − Σ pₖ²`.
  case gini
  /// Shannon entropy `−Σ pₖ log₂ pₖ` (in bits, as scikit-learn).
  case entropy
  /// The same as ``entropy`` (scikit-learn's alias).
  case logLoss = "log_loss"
}

/// The impurity a regression tree minimises (scikit-learn's `criterion`).
public enum RegressionCriterion: String, CaseIterable, Sendable {
  /// Mean squared error; leaves predict the (weighted) mean.
  case squaredError = "squared_error"
  /// Mean absolute error; leaves predict the (weighted) median.
  case absoluteError = "absolute_error"
}

/// How a node's split is chosen (scikit-learn's `splitter`).
public enum SplitStrategy: String, CaseIterable, Sendable {
  /// The best threshold of every examined feature (CART).
  case best
  /// One uniformly random threshold per examined feature, the best of those kept (extremely
  /// randomised trees).
  case random
}

/// How many features each split examines (scikit-learn's `max_features`).
public enum MaxFeatures: Sendable, Hashable, CustomStringConvertible {
  /// Every feature (scikit-learn's `None`).
  case all
  /// `max(1, ⌊√n⌋)` of the `n` features.
  case sqrt
  /// `max(1, ⌊log₂ n⌋)` of the `n` features.
  case log2
  /// Exactly this many features (at least 1, at most the feature count).
  case count(Int)
  /// `max(1, ⌊fraction · n⌋)` features, `fraction` in (0, 1].
  case fraction(Double)

  /// The number of features examined per split when there are `featureCount` of them; throws when
  /// a count exceeds `featureCount`.
  public func resolved(featureCount: Int, estimator: String) throws(LearnError) -> Int {
    let n = Double(featureCount)
    switch self {
    case .all: return featureCount
    case .sqrt: return Swift.max(1, Int(n.squareRoot()))
    case .log2: return Swift.max(1, Int(binaryLogarithm(n)))
    case .fraction(let f): return Swift.max(1, Int(f * n))
    case .count(let k):
      guard k <= featureCount else {
        throw .invalidHyperparameter(name: "maxFeatures", estimator: estimator,
                                     expected: "at most the number of features (\(featureCount))", got: String(k))
      }
      return k
    }
  }

  /// `"all"`, `"sqrt"`, `"log2"`, the count or the fraction.
  public var description: String {
    switch self {
    case .all: return "all"
    case .sqrt: return "sqrt"
    case .log2: return "log2"
    case .count(let k): return String(k)
    case .fraction(let f): return String(f)
    }
  }
}

/// A number of samples given as a count or as a fraction of the training rows (scikit-learn's
/// `int or float` for `min_samples_split`, `min_samples_leaf` and `max_samples`).
public enum SampleCount: Sendable, Hashable, CustomStringConvertible {
  /// An absolute number of samples.
  case count(Int)
  /// A fraction of the number of training rows (rounded up for the split and leaf minimums).
  case fraction(Double)

  /// The count or the fraction.
  public var description: String {
    switch self {
    case .count(let k): return String(k)
    case .fraction(let f): return String(f)
    }
  }
}

// MARK: - Hyperparameter rows shared by the estimators

extension Hyperparameter {
  /// A ``SampleCount`` row: an `.int` at least `minimumCount` is a count, a `.double` in `fractions`
  /// a fraction (scikit-learn tells the two apart by type, so `1.0` is the fraction "all rows").
  static func sampleCount(
    _ name: String, _ path: WritableKeyPath<Model, SampleCount> & Sendable, minimumCount: Int, fractions: RealDomain
  ) -> Self {
    Self(name: name, expected: "an int in [\(minimumCount), inf) or a float in \(fractions)",
         domain: .oneOf([.integers(minimumCount...Int.max, log: false), .real(fractions, log: false)]),
         read: { model in
           switch model[keyPath: path] {
           case .count(let k): return .int(k)
           case .fraction(let f): return .double(f)
           }
         }) { (model, value) throws(HyperparameterRejection) in
      switch value {
      case .int(let k) where k >= minimumCount: model[keyPath: path] = .count(k)
      case .double(let f) where fractions.contains(f): model[keyPath: path] = .fraction(f)
      default: throw HyperparameterRejection(value)
      }
    }
  }

  /// An optional ``SampleCount`` row (scikit-learn's `max_samples`: none, an int ≥ 1 or a float > 0).
  static func optionalSampleCount(_ name: String, _ path: WritableKeyPath<Model, SampleCount?> & Sendable) -> Self {
    Self(name: name, expected: "none, an int in [1, inf) or a float in (0, inf)",
         domain: .optional(.oneOf([.integers(1...Int.max, log: false), .real(.positive, log: false)])),
         read: { model in
           switch model[keyPath: path] {
           case nil: return .none
           case .count(let k)?: return .int(k)
           case .fraction(let f)?: return .double(f)
           }
         }) { (model, value) throws(HyperparameterRejection) in
      switch value {
      case .none: model[keyPath: path] = nil
      case .int(let k) where k >= 1: model[keyPath: path] = .count(k)
      case .double(let f) where RealDomain.positive.contains(f): model[keyPath: path] = .fraction(f)
      default: throw HyperparameterRejection(value)
      }
    }
  }

  /// A ``MaxFeatures`` row: none or `"all"`, `"sqrt"`, `"log2"`, an int ≥ 1 or a float in (0, 1].
  static func maxFeatures(_ name: String, _ path: WritableKeyPath<Model, MaxFeatures> & Sendable) -> Self {
    Self(name: name, expected: "none, \"all\", \"sqrt\", \"log2\", an int in [1, inf) or a float in (0.0, 1.0]",
         domain: .oneOf([.choices([.none, "sqrt", "log2"]), .integers(1...Int.max, log: false),
                         .real(RealDomain(lower: 0, upper: 1, lowerClosed: false), log: false)]),
         read: { model in
           switch model[keyPath: path] {
           case .all: return .none
           case .sqrt: return .string("sqrt")
           case .log2: return .string("log2")
           case .count(let k): return .int(k)
           case .fraction(let f): return .double(f)
           }
         }) { (model, value) throws(HyperparameterRejection) in
      switch value {
      case .none, .string("all"): model[keyPath: path] = .all
      case .string("sqrt"): model[keyPath: path] = .sqrt
      case .string("log2"): model[keyPath: path] = .log2
      case .int(let k) where k >= 1: model[keyPath: path] = .count(k)
      case .double(let f) where f > 0 && f <= 1: model[keyPath: path] = .fraction(f)
      default: throw HyperparameterRejection(value)
      }
    }
  }
}

/// `log₂ x` (inside ``MaxFeatures`` the name `log2` means the case).
private func binaryLogarithm(_ x: Double) -> Double { log2(x) }

extension ClassificationCriterion: Codable {}
extension RegressionCriterion: Codable {}
extension SplitStrategy: Codable {}
extension MaxFeatures: Codable {}
extension SampleCount: Codable {}
