import LearnCore
import LinearAlgebra

/// Encodes categorical features as integer codes 0, 1, …, one column per feature
/// (scikit-learn's `OrdinalEncoder`).
///
/// Each input column holds category codes (any finite numbers); fitting learns each column's
/// distinct values in ascending order, and a value is replaced by its position in that list.
public struct OrdinalEncoder: Transformer {
  /// What ``Fitted/transform(_:)`` does with a category not seen in fitting.
  public enum UnknownHandling: String, CaseIterable, Sendable {
    /// Throw `LearnError.invalidArgument` naming the column and the unknown values.
    case error
    /// Encode it as ``OrdinalEncoder/unknownValue`` (scikit-learn `"use_encoded_value"`).
    case useEncodedValue = "use_encoded_value"
  }

  /// What to do with unseen categories (scikit-learn `handle_unknown`; default `error`).
  public var handleUnknown: UnknownHandling
  /// The code for unseen categories (scikit-learn `unknown_value`; default `nil`). Required with
  /// `useEncodedValue`, where it must not be a code of a known category (negative values, such
  /// as −1, are the usual choice); must be `nil` with `error`.
  public var unknownValue: Int?

  /// An ordinal encoder; the defaults are scikit-learn's.
  public init(handleUnknown: UnknownHandling = .error, unknownValue: Int? = nil) {
    self.handleUnknown = handleUnknown
    self.unknownValue = unknownValue
  }

  /// The hyperparameter table: `handleUnknown` (`"error"`, `"use_encoded_value"`),
  /// `unknownValue` (an int or none).
  public static let hyperparameters: [Hyperparameter<OrdinalEncoder>] = [
    .choice("handleUnknown", \.handleUnknown),
    .optionalInt("unknownValue", \.unknownValue),
  ]

  /// Learns each column's categories from `x`. Throws on an empty `x`, a NaN or infinity in it,
  /// or an `unknownValue` that is missing, superfluous, or the code of a known category.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateHyperparameters()
    switch (handleUnknown, unknownValue) {
    case (.useEncodedValue, nil):
      throw .invalidHyperparameter(name: "unknownValue", estimator: Self.estimatorName,
                                   expected: "an int when handleUnknown is \"use_encoded_value\"", got: "none")
    case (.error, let value?):
      throw .invalidHyperparameter(name: "unknownValue", estimator: Self.estimatorName,
                                   expected: "none when handleUnknown is \"error\"", got: String(value))
    default: break
    }
    try Validation.checkFeatures(x)
    let categories = PreprocessingSupport.columnCategories(x)
    if let unknownValue, let largest = categories.map(\.count).max(), (0..<largest).contains(unknownValue) {
      throw .invalidHyperparameter(
        name: "unknownValue", estimator: Self.estimatorName,
        expected: "a value not already used to encode a known category (a code outside 0..<\(largest))",
        got: String(unknownValue))
    }
    return Fitted(handleUnknown: handleUnknown, unknownValue: unknownValue, categories: categories)
  }

  /// A fitted ``OrdinalEncoder``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// What ``transform(_:)`` does with unseen categories.
    public let handleUnknown: UnknownHandling
    /// The code given to unseen categories, with `useEncodedValue`.
    public let unknownValue: Int?
    /// Each input column's categories, ascending (scikit-learn `categories_`).
    public let categories: [[Double]]
    private let index: [[Double: Int]]

    init(handleUnknown: UnknownHandling, unknownValue: Int?, categories: [[Double]]) {
      self.handleUnknown = handleUnknown
      self.unknownValue = unknownValue
      self.categories = categories
      index = PreprocessingSupport.categoryIndex(categories)
    }

    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public var featureCount: Int { categories.count }

    /// Each value replaced by its category's position; unseen categories throw (`error`) or
    /// become ``unknownValue`` (`useEncodedValue`).
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      let fallback = Double(unknownValue ?? 0)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          if let code = index[j][x[i, j]] {
            result[i, j] = Double(code)
          } else if handleUnknown == .error {
            throw PreprocessingSupport.unknownCategoryError(in: x, index)
          } else {
            result[i, j] = fallback
          }
        }
      }
      return result
    }

    /// The categories back from codes; ``unknownValue`` gives NaN (scikit-learn's `None`). Throws
    /// on a code that is not an integer naming a category.
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = x
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          let code = x[i, j]
          if let unknownValue, code == Double(unknownValue) {
            result[i, j] = .nan
            continue
          }
          guard code.rounded() == code, code >= 0, code < Double(categories[j].count) else {
            throw .invalidArgument(
              name: "x", reason: "\(code) at row \(i), column \(j) is not a code of column \(j)'s "
                + "\(categories[j].count) categories")
          }
          result[i, j] = categories[j][Int(code)]
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

extension OrdinalEncoder.UnknownHandling: Codable {}

extension OrdinalEncoder: Persistable {
  /// `"OrdinalEncoder"`.
  public static let typeTag = "OrdinalEncoder"
}

extension OrdinalEncoder.Fitted: Persistable {
  /// `"OrdinalEncoder.Fitted"`.
  public static let typeTag = "OrdinalEncoder.Fitted"

  private enum CodingKeys: String, CodingKey { case handleUnknown, unknownValue, categories }

  /// Writes the unknown-category rule and value and the categories.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(handleUnknown, forKey: .handleUnknown)
    try container.encode(unknownValue, forKey: .unknownValue)
    try container.encode(categories, forKey: .categories)
  }

  /// Reads an encoder written by ``encode(to:)`` and rebuilds its lookup tables.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(handleUnknown: try container.decode(OrdinalEncoder.UnknownHandling.self, forKey: .handleUnknown),
              unknownValue: try container.decodeIfPresent(Int.self, forKey: .unknownValue),
              categories: try container.decode([[Double]].self, forKey: .categories))
  }

  /// Every column has categories; an unknown value is given exactly when unknown categories use
  /// it, and is not a known category's code.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.categories(categories)
    try PersistenceCheck.require((handleUnknown == .useEncodedValue) == (unknownValue != nil), "unknownValue",
                                 "must be given exactly when handleUnknown is use_encoded_value")
    if let unknownValue, unknownValue >= 0 {
      try PersistenceCheck.require(categories.allSatisfy { unknownValue >= $0.count }, "unknownValue",
                                   "\(unknownValue) is the code of a known category")
    }
  }
}
