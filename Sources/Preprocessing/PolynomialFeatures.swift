import LearnCore
import LinearAlgebra

/// Generates polynomial and interaction features: every product of input features of degree
/// ``minDegree`` through ``degree`` (scikit-learn's `PolynomialFeatures`).
///
/// For inputs `[a, b]` and degree 2 the output columns are `[1, a, b, a², a·b, b²]`: the bias,
/// then each degree in turn, products in lexicographic order of their feature indices (Python's
/// `combinations_with_replacement`, or `combinations` when ``interactionOnly`` is set).
public struct PolynomialFeatures: Transformer {
  /// The largest degree (scikit-learn `degree`, or `degree[1]` for a tuple; default 2).
  public var degree: Int
  /// The smallest degree of the non-bias terms (scikit-learn `degree[0]` for a tuple; default 0,
  /// which like 1 means "from the linear terms").
  public var minDegree: Int
  /// Whether to keep only products of distinct features, dropping powers such as `a²`
  /// (scikit-learn `interaction_only`; default `false`).
  public var interactionOnly: Bool
  /// Whether to include the constant column of ones (scikit-learn `include_bias`; default `true`).
  public var includeBias: Bool

  /// A polynomial expansion; the defaults are scikit-learn's.
  public init(degree: Int = 2, minDegree: Int = 0, interactionOnly: Bool = false, includeBias: Bool = true) {
    self.degree = degree
    self.minDegree = minDegree
    self.interactionOnly = interactionOnly
    self.includeBias = includeBias
  }

  /// The hyperparameter table: `degree` and `minDegree` (ints in [0, inf)), `interactionOnly`,
  /// `includeBias`. `fit` also requires `minDegree ≤ degree` and a non-empty output.
  public static let hyperparameters: [Hyperparameter<PolynomialFeatures>] = [
    .int("degree", \.degree, 0...Int.max),
    .int("minDegree", \.minDegree, 0...Int.max),
    .bool("interactionOnly", \.interactionOnly),
    .bool("includeBias", \.includeBias),
  ]

  /// `degree` in 1 … 3 and `interactionOnly`: auto-sklearn's polynomial preprocessing space
  /// (degree 2 … 3, interaction-only or not), with degree 1 (no expansion) as the baseline.
  public static let defaultSearchSpace: [String: Distribution] = [
    "degree": .int(1, 3), "interactionOnly": .choice([false, true]),
  ]

  /// The table's checks plus those that relate two hyperparameters.
  func validateAll() throws(LearnError) {
    try validateHyperparameters()
    guard minDegree <= degree else {
      throw .invalidHyperparameter(name: "minDegree", estimator: Self.estimatorName,
                                   expected: "at most degree (\(degree))", got: String(minDegree))
    }
    guard degree > 0 || includeBias else {
      throw .invalidHyperparameter(name: "degree", estimator: Self.estimatorName,
                                   expected: "at least 1 when includeBias is false (the output would be empty)",
                                   got: String(degree))
    }
  }

  /// Learns the number of input features and lays out the output terms. Throws on an empty `x`,
  /// a NaN or infinity in it, invalid hyperparameters, or an expansion of more than `Int32.max`
  /// columns.
  public func fit(_ x: Matrix) throws(LearnError) -> Fitted {
    try validateAll()
    try Validation.checkFeatures(x)
    let n = x.columnCount
    // Products of distinct features stop at degree n.
    let top = interactionOnly ? Swift.min(degree, n) : degree
    // Count first, so a huge expansion is refused before it is laid out.
    var total = 0
    if top >= 1 {
      for d in 1...top {
        guard let count = Self.termCount(features: n, degree: d, interactionOnly: interactionOnly),
              case (let sum, false) = total.addingReportingOverflow(count), sum <= Int(Int32.max)
        else {
          throw .invalidArgument(
            name: "x", reason: "a degree-\(degree) expansion of \(n) features has more than \(Int32.max) columns")
        }
        total = sum
      }
    }
    // Every term of degree 1…degree, in scikit-learn's order: degree by degree, and within a
    // degree by first feature j, each term is j times a term of the previous degree whose first
    // feature is ≥ j (> j for interactions only). That parent term is multiplied by x_j, the
    // order in which scikit-learn multiplies, so values match it bit for bit.
    var layout = Layout()
    if top >= 1 {
      var blockStart = Array(0...n)  // where the terms with first feature j begin; blockStart[n] is the end
      for j in 0..<n { layout.append(first: j, parent: -1, degree: 1) }
      if top >= 2 {
        for d in 2...top {
          var next: [Int] = []
          let end = blockStart[n]
          for j in 0..<n {
            next.append(layout.count)
            let start = interactionOnly ? blockStart[j + 1] : blockStart[j]
            for parent in start..<end { layout.append(first: j, parent: parent, degree: d) }
          }
          next.append(layout.count)
          blockStart = next
        }
      }
    }
    let lowest = Swift.max(1, minDegree)
    let selected = (0..<layout.count).filter { layout.degree[$0] >= lowest }
    return Fitted(includeBias: includeBias, featureCount: n, layout: layout, selected: selected)
  }

  /// The terms of an expansion: for each, its first feature, its parent term (`-1` for a linear
  /// term) and its degree.
  struct Layout: Sendable {
    var first: [Int] = [], parent: [Int] = [], degree: [Int] = []
    var count: Int { first.count }
    mutating func append(first j: Int, parent: Int, degree d: Int) {
      first.append(j); self.parent.append(parent); degree.append(d)
    }
  }

  /// The number of degree-`d` terms of `features` inputs (`C(n + d − 1, d)`, or `C(n, d)` for
  /// interactions only), or `nil` on overflow.
  static func termCount(features n: Int, degree d: Int, interactionOnly: Bool) -> Int? {
    let top = interactionOnly ? n : n + d - 1
    if d > top { return 0 }
    var result = 1
    for i in 0..<d {
      let (product, overflow) = result.multipliedReportingOverflow(by: top - i)
      if overflow { return nil }
      result = product / (i + 1)
    }
    return result
  }

  /// A fitted ``PolynomialFeatures``.
  public struct Fitted: FeatureNamingTransformer {
    /// Whether the first output column is the bias (all ones).
    public let includeBias: Bool
    /// Number of features seen in fitting (scikit-learn `n_features_in_`).
    public let featureCount: Int
    private let layout: Layout
    private let selected: [Int]

    init(includeBias: Bool, featureCount: Int, layout: Layout, selected: [Int]) {
      self.includeBias = includeBias
      self.featureCount = featureCount
      self.layout = layout
      self.selected = selected
    }

    /// Number of output columns (scikit-learn `n_output_features_`).
    public var outputFeatureCount: Int { selected.count + (includeBias ? 1 : 0) }

    /// The exponent of each input feature in each output column (scikit-learn `powers_`).
    public var powers: [[Int]] {
      var rows: [[Int]] = includeBias ? [Array(repeating: 0, count: featureCount)] : []
      for t in selected {
        var row = Array(repeating: 0, count: featureCount)
        var term = t
        while term >= 0 {
          row[layout.first[term]] += 1
          term = layout.parent[term]
        }
        rows.append(row)
      }
      return rows
    }

    /// The bias column (when included), then each selected product of features. Throws when a
    /// product overflows (features near 1e300), naming it and the row.
    public func transform(_ x: Matrix) throws(LearnError) -> Matrix {
      try PreprocessingSupport.checkTransformInput(x, expected: featureCount)
      var result = Matrix(rowCount: x.rowCount, columnCount: outputFeatureCount)
      var terms = [Double](repeating: 0, count: layout.count)
      let offset = includeBias ? 1 : 0
      for i in 0..<x.rowCount {
        for t in 0..<layout.count {
          let factor = x[i, layout.first[t]]
          let parent = layout.parent[t]
          terms[t] = parent < 0 ? factor : terms[parent] * factor
        }
        if includeBias { result[i, 0] = 1 }
        for (k, t) in selected.enumerated() {
          guard terms[t].isFinite else {
            let name = (try? featureNamesOut())?[offset + k] ?? "term \(k)"
            throw .invalidArgument(name: "x", reason: "the feature '\(name)' overflows at row \(i): the values are too large "
              + "for degree \(powers[offset + k].reduce(0, +)); divide them by a power of ten first")
          }
          result[i, offset + k] = terms[t]
        }
      }
      return result
    }

    /// Names such as `1`, `x0`, `x0 x1`, `x0^2` (scikit-learn's spelling), from the input names.
    public func featureNamesOut(_ input: [String]? = nil) throws(LearnError) -> [String] {
      let names = try PreprocessingSupport.inputFeatureNames(input, featureCount: featureCount)
      return powers.map { row in
        let parts = row.indices.filter { row[$0] > 0 }.map { j in row[j] == 1 ? names[j] : "\(names[j])^\(row[j])" }
        return parts.isEmpty ? "1" : parts.joined(separator: " ")
      }
    }
  }
}

extension PolynomialFeatures: Persistable {
  /// `"PolynomialFeatures"`.
  public static let typeTag = "PolynomialFeatures"
}

extension PolynomialFeatures.Layout: Codable {}

extension PolynomialFeatures.Fitted: Persistable {
  /// `"PolynomialFeatures.Fitted"`.
  public static let typeTag = "PolynomialFeatures.Fitted"

  /// Terms whose first feature is an input and whose parent is an earlier term; selected terms
  /// exist.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(featureCount)
    let count = layout.count
    try PersistenceCheck.count(layout.parent, count, "layout.parent")
    try PersistenceCheck.count(layout.degree, count, "layout.degree")
    try PersistenceCheck.indices(layout.first, below: featureCount, "layout.first", increasing: false)
    for t in 0..<count where layout.parent[t] < -1 || layout.parent[t] >= t {
      throw .unreadableModel(field: "layout.parent[\(t)]", reason: "must be -1 or an earlier term")
    }
    try PersistenceCheck.indices(selected, below: count, "selected")
    // A fitted layout starts with the linear terms, one per feature.
    try PersistenceCheck.require(
      count == 0 || (count >= featureCount && (0..<featureCount).allSatisfy { layout.first[$0] == $0 && layout.parent[$0] == -1 }),
      "layout", "must start with one linear term per feature")
  }
}
