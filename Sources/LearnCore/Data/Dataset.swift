import LinearAlgebra

/// Features and targets together, with the names that make results readable.
///
/// `Dataset<Int>` holds a classification task (class labels), `Dataset<Double>` a regression task.
public struct Dataset<Target: Sendable & Hashable>: Sendable {
  /// The feature matrix, one row per sample.
  public var x: Matrix
  /// One target per row of ``x``.
  public var y: [Target]
  /// One name per column of ``x``.
  public var featureNames: [String]
  /// The name of the target column.
  public var targetName: String
  /// For classification: the original name of each label (a CSV's string labels are mapped to
  /// 0, 1, …); see ``className(of:)``. Empty for regression and for labels that were numbers.
  public var classNames: [Int: String]
  /// For categorical feature columns read from strings: the category names by code, keyed by
  /// column index (column `j` holds `0, 1, …` for `categories[j]![0], [1], …`). Empty when every
  /// feature is numeric.
  public var categories: [Int: [String]]

  /// A dataset; throws when `y`, `featureNames` or `x` disagree in size.
  public init(
    x: Matrix, y: [Target], featureNames: [String]? = nil, targetName: String = "target",
    classNames: [Int: String] = [:], categories: [Int: [String]] = [:]
  ) throws(LearnError) {
    guard y.count == x.rowCount else {
      throw .shapeMismatch("x has \(x.rowCount) rows but y has \(y.count) entries")
    }
    let names = featureNames ?? (0..<x.columnCount).map { "x\($0)" }
    guard names.count == x.columnCount else {
      throw .shapeMismatch("\(names.count) feature names for \(x.columnCount) columns")
    }
    self.x = x
    self.y = y
    self.featureNames = names
    self.targetName = targetName
    self.classNames = classNames
    self.categories = categories
  }

  /// Number of samples.
  public var count: Int { x.rowCount }

  /// The samples at `indices`, in that order (names carried over).
  public func subset<Indices: Collection<Int>>(_ indices: Indices) -> Dataset {
    var copy = self
    copy.x = x.rows(at: indices)
    copy.y = indices.map { y[$0] }
    return copy
  }
}

extension Dataset where Target == Int {
  /// The distinct labels, ascending.
  public var classes: [Int] { Array(Set(y)).sorted() }

  /// The original name of `label` (its CSV spelling), or the number itself.
  public func className(of label: Int) -> String { classNames[label] ?? String(label) }
}
