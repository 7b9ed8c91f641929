import LearnCore

/// Encodes target labels as integers 0, 1, …, k − 1 in sorted label order (scikit-learn's
/// `LabelEncoder`). Works on any hashable, comparable labels: strings, integers, …
///
/// ```swift
/// let encoder = try LabelEncoder<String>().fit(["b", "a", "b"])   // classes ["a", "b"]
/// try encoder.transform(["b", "a"])                                // [1, 0]
/// try encoder.inverseTransform([0, 1])                             // ["a", "b"]
/// ```
public struct LabelEncoder<Label: Hashable & Comparable & Sendable>: Tunable {
  /// A label encoder (it has no hyperparameters).
  public init() {}

  /// The hyperparameter table: empty.
  public static var hyperparameters: [Hyperparameter<LabelEncoder<Label>>] { [] }

  /// Learns the distinct labels. Throws `emptyInput` when `labels` is empty, and
  /// `nonFiniteValue(row:column: 0)` for a label not equal to itself (a floating-point NaN).
  public func fit(_ labels: [Label]) throws(LearnError) -> Fitted {
    try validateHyperparameters()
    guard !labels.isEmpty else { throw .emptyInput("there are no labels") }
    if let row = labels.firstIndex(where: { $0 != $0 }) { throw .nonFiniteValue(row: row, column: 0) }
    return Fitted(classes: Array(Set(labels)).sorted())
  }

  /// A fitted ``LabelEncoder``.
  public struct Fitted: Sendable {
    /// The distinct labels, ascending (scikit-learn `classes_`); label `classes[k]` encodes as `k`.
    public let classes: [Label]
    private let index: [Label: Int]

    init(classes: [Label]) {
      self.classes = classes
      var index: [Label: Int] = [:]
      for (k, label) in classes.enumerated() { index[label] = k }
      self.index = index
    }

    /// The code of each label. Throws `invalidArgument` listing the labels not seen in fitting.
    public func transform(_ labels: [Label]) throws(LearnError) -> [Int] {
      var codes: [Int] = []
      codes.reserveCapacity(labels.count)
      var unseen = Set<Label>()
      for label in labels {
        if let code = index[label] { codes.append(code) } else { unseen.insert(label) }
      }
      guard unseen.isEmpty else {
        let list = unseen.sorted().map { String(describing: $0) }.joined(separator: ", ")
        throw .invalidArgument(name: "labels", reason: "previously unseen labels: [\(list)]")
      }
      return codes
    }

    /// The label of each code. Throws `invalidArgument` listing the codes outside `0..<classes.count`.
    public func inverseTransform(_ codes: [Int]) throws(LearnError) -> [Label] {
      let invalid = Set(codes.filter { !classes.indices.contains($0) })
      guard invalid.isEmpty else {
        let list = invalid.sorted().map(String.init).joined(separator: ", ")
        throw .invalidArgument(name: "codes", reason: "codes [\(list)] are not in 0..<\(classes.count)")
      }
      return codes.map { classes[$0] }
    }
  }
}

extension LabelEncoder: Codable {}

extension LabelEncoder: Persistable where Label: Codable {
  /// `"LabelEncoder<Int>"`, `"LabelEncoder<String>"`, …, after the label type.
  public static var typeTag: String { "LabelEncoder<\(Label.self)>" }
}

extension LabelEncoder.Fitted: Codable where Label: Codable {
  private enum CodingKeys: String, CodingKey { case classes }

  /// Writes the classes.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(classes, forKey: .classes)
  }

  /// Reads the classes and rebuilds the lookup table.
  public init(from decoder: any Decoder) throws {
    self.init(classes: try decoder.container(keyedBy: CodingKeys.self).decode([Label].self, forKey: .classes))
  }
}

extension LabelEncoder.Fitted: Persistable where Label: Codable {
  /// `"LabelEncoder.Fitted<Int>"`, `"LabelEncoder.Fitted<String>"`, …, after the label type.
  public static var typeTag: String { "LabelEncoder.Fitted<\(Label.self)>" }

  /// At least one class, strictly increasing.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.require(!classes.isEmpty, "classes", "an encoder needs at least one class")
    for i in classes.indices.dropFirst() where !(classes[i - 1] < classes[i]) {
      throw .unreadableModel(field: "classes[\(i)]", reason: "the classes must be strictly increasing")
    }
  }
}
