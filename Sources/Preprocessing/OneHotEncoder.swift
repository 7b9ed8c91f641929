import LearnCore
import LinearAlgebra

/// Encodes categorical features as one-hot columns (scikit-learn's `OneHotEncoder` with
/// `sparse_output=False`).
///
/// Each input column holds category codes (any finite numbers). Fitting learns each column's
/// distinct values in ascending order; the output has, for each input column, one 0/1 column per
/// category (fewer when a category is dropped), in input-column order.
public struct OneHotEncoder: Transformer {
  /// What ``Fitted/transform(_:)`` does with a category not seen in fitting.
  public enum UnknownHandling: String, CaseIterable, Sendable {
    /// Throw `LearnError.invalidArgument` naming the column and the unknown values.
    case error
    /// Encode the row's block for that column as all zeros.
    case ignore
  }

  /// Which category of each feature to leave out (to avoid collinear columns).
  public enum Drop: String, CaseIterable, Sendable {
    /// Keep every category (scikit-learn `drop=None`).
    case none
    /// Drop each feature's first (smallest) category.
    case first
    /// Drop the first category of features with exactly two categories (scikit-learn
    /// `"if_binary"`).
    case ifBinary = "if_binary"
  }

  /// What to do with unseen categories (scikit-learn `handle_unknown`; default `error`).
  public var handleUnknown: UnknownHandling
  /// Which categories to drop (scikit-learn `drop`; default `none`).
  public var drop: Drop

  /// A one-hot encoder; the defaults are scikit-learn's.
  public init(handleUnknown: UnknownHandling = .error, drop: Drop = .none) {
    self.handleUnknown = handleUnknown
    self.drop = drop
  }

  /// The hyperparameter table: `handleUnknown` (`"error"`, `"ignore"`), `drop` (`"none"`,
  /// `"first"`, `"if_binary"`).
  public static let hyperparameters: [Hyperparameter<OneHotEncoder>] = [
    .choice("handleUnknown", \.handleUnknown),
    .choice("drop", \.drop),
  ]

  /// Learns each column's categories from `x`. Throws on an empty `x` or a NaN or infinity in it.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateHyperparameters()
    try Validation.checkFeatures(x)
    let categories = PreprocessingSupport.columnCategories(x)
    let dropped: [Int?] = categories.map { list in
      switch drop {
      case .none: return nil
      case .first: return 0
      case .ifBinary: return list.count == 2 ? 0 : nil
      }
    }
    return Fitted(handleUnknown: handleUnknown, categories: categories, droppedIndices: dropped)
  }

  /// A fitted ``OneHotEncoder``.
  public struct Fitted: InvertibleTransformer, FeatureNamingTransformer {
    /// What ``transform(_:)`` does with unseen categories.
    public let handleUnknown: UnknownHandling
    /// Each input column's categories, ascending (scikit-learn `categories_`).
    public let categories: [[Double]]
    /// For each input column, the index in ``categories`` of the dropped category, or `nil` when
    /// none is dropped (scikit-learn `drop_idx_`).
    public let droppedIndices: [Int?]
    /// For each input column, the number of output columns it gives.
    public let outputCounts: [Int]
    /// Where each input column's block starts in the output.
    private let offsets: [Int]
    private let index: [[Double: Int]]

    init(handleUnknown: UnknownHandling, categories: [[Double]], droppedIndices: [Int?]) {
      self.handleUnknown = handleUnknown
      self.categories = categories
      self.droppedIndices = droppedIndices
      outputCounts = zip(categories, droppedIndices).map { $0.count - ($1 == nil ? 0 : 1) }
      var start = 0
      offsets = outputCounts.map { count in
        defer { start += count }
        return start
      }
      index = PreprocessingSupport.categoryIndex(categories)
    }

    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public var featureCount: Int { categories.count }
    /// Number of output columns.
    public var outputFeatureCount: Int { outputCounts.reduce(0, +) }

    /// One 0/1 column per kept category of each input column. An unseen category throws (with
    /// `handleUnknown` `error`) or gives an all-zero block (`ignore`); the dropped category also
    /// gives an all-zero block.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = Matrix(rowCount: x.rowCount, columnCount: outputFeatureCount)
      for i in 0..<x.rowCount {
        for j in 0..<featureCount {
          guard var k = index[j][x[i, j]] else {
            if handleUnknown == .error { throw PreprocessingSupport.unknownCategoryError(in: x, index) }
            continue
          }
          if let d = droppedIndices[j] {
            if k == d { continue }
            if k > d { k -= 1 }
          }
          result[i, offsets[j] + k] = 1
        }
      }
      return result
    }

    /// The category codes back from one-hot rows: in each block, the category of the largest
    /// entry (the first, among ties). A block summing to zero gives the dropped category when
    /// there is one; otherwise NaN (scikit-learn's `None`) with `handleUnknown` `ignore`, and an
    /// error with `error`.
    public func inverseTransform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: outputFeatureCount)
      var result = Matrix(rowCount: x.rowCount, columnCount: featureCount)
      var allZeroRows: [Int] = []
      for j in 0..<featureCount {
        let kept = categories[j].indices.filter { $0 != droppedIndices[j] }
        for i in 0..<x.rowCount {
          if kept.isEmpty {
            result[i, j] = categories[j][droppedIndices[j]!]
            continue
          }
          var best = 0, sum = 0.0
          for k in 0..<kept.count {
            let value = x[i, offsets[j] + k]
            sum += value
            if value > x[i, offsets[j] + best] { best = k }
          }
          if sum == 0 {
            if let d = droppedIndices[j] {
              result[i, j] = categories[j][d]
            } else if handleUnknown == .ignore {
              result[i, j] = .nan
            } else {
              allZeroRows.append(i)
            }
          } else {
            result[i, j] = categories[j][kept[best]]
          }
        }
      }
      if !allZeroRows.isEmpty {
        let rows = Array(Set(allZeroRows)).sorted().map(String.init).joined(separator: ", ")
        throw .invalidArgument(
          name: "x", reason: "rows [\(rows)] cannot be inverted when drop is none and handleUnknown is "
            + "error, because a block of them is all zeros")
      }
      return result
    }

    /// `name_category` for each output column, e.g. `x0_1.0` (scikit-learn's `concat` combiner,
    /// with the category printed as Python prints a float).
    public func featureNamesOut(_ input: [String]? = nil) throws(LearnError) -> [String] {
      let names = try PreprocessingSupport.inputFeatureNames(input, featureCount: featureCount)
      var result: [String] = []
      for j in 0..<featureCount {
        for (k, category) in categories[j].enumerated() where k != droppedIndices[j] {
          result.append(names[j] + "_" + String(category))
        }
      }
      return result
    }
  }
}

extension OneHotEncoder.UnknownHandling: Codable {}
extension OneHotEncoder.Drop: Codable {}

extension OneHotEncoder: Persistable {
  /// `"OneHotEncoder"`.
  public static let typeTag = "OneHotEncoder"
}

extension OneHotEncoder.Fitted: Persistable {
  /// `"OneHotEncoder.Fitted"`.
  public static let typeTag = "OneHotEncoder.Fitted"

  private enum CodingKeys: String, CodingKey { case handleUnknown, categories, droppedIndices }

  /// Writes the unknown-category rule, the categories and the dropped ones.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(handleUnknown, forKey: .handleUnknown)
    try container.encode(categories, forKey: .categories)
    try container.encode(droppedIndices, forKey: .droppedIndices)
  }

  /// Reads an encoder written by ``encode(to:)`` and rebuilds its lookup tables.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(handleUnknown: try container.decode(OneHotEncoder.UnknownHandling.self, forKey: .handleUnknown),
              categories: try container.decode([[Double]].self, forKey: .categories),
              droppedIndices: try container.decode([Int?].self, forKey: .droppedIndices))
  }

  /// Every column has categories, and a dropped category is one of its column's.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.categories(categories)
    try PersistenceCheck.count(droppedIndices, categories.count, "droppedIndices")
    for (j, dropped) in droppedIndices.enumerated() {
      if let dropped { try PersistenceCheck.within(dropped, 0...(categories[j].count - 1), "droppedIndices[\(j)]") }
    }
  }
}
