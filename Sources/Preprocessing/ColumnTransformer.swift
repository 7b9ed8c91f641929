import LearnCore
import LinearAlgebra

/// Applies different transformers to different columns and places their outputs side by side
/// (scikit-learn's `ColumnTransformer`): scale the numeric columns, one-hot encode the categorical
/// ones, in one step of a pipeline.
///
/// Outputs come in the order of ``parts``; columns no part selects are dropped or, with
/// `remainder: .passthrough`, appended unchanged after them, as in scikit-learn. Each part's
/// hyperparameters are reachable as `"<part name>.<name>"`.
public struct ColumnTransformer: Transformer {
  /// What happens to the columns no part selects (scikit-learn `remainder`).
  public enum Remainder: String, CaseIterable, Sendable {
    /// Leave them out of the output.
    case drop
    /// Append them, unchanged, after the parts' outputs.
    case passthrough
  }

  /// One transformer and the columns it reads.
  public struct Part: Sendable {
    /// The part's name: the prefix of its hyperparameters.
    public var name: String
    /// The transformer applied to ``columns``.
    public var transformer: AnyTransformer
    /// Indices of the input columns this part reads, in the order it sees them.
    public var columns: [Int]

    /// A part reading `columns` by index.
    public init<T: Transformer>(_ name: String, _ transformer: T, columns: [Int]) {
      self.name = name
      self.transformer = AnyTransformer(transformer)
      self.columns = columns
    }

    /// A part reading the columns called `names` among `featureNames` (a dataset's); throws
    /// ``LearnCore/LearnError/missingColumn(name:available:)`` for a name that is not there.
    public init<T: Transformer>(_ name: String, _ transformer: T, columns names: [String], in featureNames: [String])
      throws(LearnError)
    {
      var indices: [Int] = []
      for column in names {
        guard let index = featureNames.firstIndex(of: column) else {
          throw .missingColumn(name: column, available: featureNames)
        }
        indices.append(index)
      }
      self.init(name, transformer, columns: indices)
    }
  }

  /// The parts, in output order.
  public var parts: [Part]
  /// What happens to unselected columns (scikit-learn's default is `drop`).
  public var remainder: Remainder

  /// A column transformer; throws when part names repeat, are empty or contain a dot.
  public init(_ parts: [Part], remainder: Remainder = .drop) throws(LearnError) {
    try validatePrefixNames(parts.map(\.name), argument: "parts", noun: "part")
    self.parts = parts
    self.remainder = remainder
  }

  /// `remainder`.
  public static let hyperparameters: [Hyperparameter<ColumnTransformer>] = [.choice("remainder", \.remainder)]

  /// `remainder`, then every part's hyperparameters prefixed with the part's name.
  public var hyperparameterTable: [Hyperparameter<ColumnTransformer>] {
    var rows = Self.hyperparameters
    for index in parts.indices {
      let path: WritableKeyPath<ColumnTransformer, AnyTransformer> & Sendable = \ColumnTransformer.parts[index].transformer
      rows += parts[index].transformer.hyperparameterTable.map { $0.lifted(prefix: parts[index].name, through: path) }
    }
    return rows
  }

  /// Every part's default search space, prefixed with the part's name (`remainder` is not searched).
  public var defaultSearchSpace: [String: Distribution] {
    var space: [String: Distribution] = [:]
    for part in parts { space.merge(part.transformer.defaultSearchSpace(prefixedWith: part.name)) { $1 } }
    return space
  }

  /// `ColumnTransformer[<part>: <structure> on <columns>, …]`: the columns are part of the
  /// configuration without being hyperparameters.
  public var structureDescription: String {
    "ColumnTransformer[" + parts.map { "\($0.name): \($0.transformer.structureDescription) on \($0.columns)" }
      .joined(separator: ", ") + "]"
  }

  /// Fits each part on its columns. Throws when a column index is outside the input or `x` is empty.
  public func fit(_ x: Matrix) throws -> Fitted {
    try validateHyperparameters()
    guard x.rowCount > 0 else { throw LearnError.emptyInput("x has no rows") }
    guard x.columnCount > 0 else { throw LearnError.emptyInput("x has no columns") }
    for part in parts {
      if let bad = part.columns.first(where: { $0 < 0 || $0 >= x.columnCount }) {
        throw LearnError.invalidArgument(
          name: "columns", reason: "part '\(part.name)' selects column \(bad); x has columns 0..<\(x.columnCount)")
      }
    }
    let selected = Set(parts.flatMap(\.columns))
    let rest = remainder == .passthrough ? (0..<x.columnCount).filter { !selected.contains($0) } : []
    let fitted = try parts.map { part in
      try inputColumns(part.columns) { try part.transformer.fit(x.columns(at: part.columns)) }
    }
    return Fitted(columns: parts.map(\.columns), transforms: fitted, remainderColumns: rest, inputWidth: x.columnCount)
  }

  /// A fitted ``ColumnTransformer``.
  public struct Fitted: FittedTransformer {
    /// The input columns each part reads.
    public let columns: [[Int]]
    /// Each part's fitted transformation.
    public let transforms: [AnyFittedTransformer]
    /// Input columns passed through after the parts' outputs (empty when dropped).
    public let remainderColumns: [Int]
    /// The number of input columns it was fitted on.
    public let inputWidth: Int

    /// The parts' outputs side by side, then the passed-through columns.
    public func transform(_ x: Matrix) throws -> Matrix {
      guard x.columnCount == inputWidth else {
        throw LearnError.shapeMismatch("x has \(x.columnCount) columns but the column transformer was fitted with \(inputWidth)")
      }
      var outputs = try zip(columns, transforms).map { selected, transform in
        try inputColumns(selected) { try transform.transform(x.columns(at: selected)) }
      }
      if !remainderColumns.isEmpty { outputs.append(x.columns(at: remainderColumns)) }
      do {
        return try Matrix.concatenatingColumns(outputs)
      } catch {
        throw LearnError.linearAlgebra(error)
      }
    }
  }
}

/// Runs `body` on a part's columns and reports a non-finite or too large value at the input's
/// column, not at the part's own column index.
private func inputColumns<T>(_ selected: [Int], _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch LearnError.nonFiniteValue(let row, let column) where column < selected.count {
    throw LearnError.nonFiniteValue(row: row, column: selected[column])
  } catch LearnError.valueTooLarge(let row, let column, let value, let limit, let model) where column < selected.count {
    throw LearnError.valueTooLarge(row: row, column: selected[column], value: value, limit: limit, model: model)
  }
}

extension ColumnTransformer.Fitted: Persistable {
  /// `"ColumnTransformer.Fitted"`.
  public static let typeTag = "ColumnTransformer.Fitted"

  /// One transform per column list; every column, selected or passed through, inside the input.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(inputWidth, "inputWidth")
    try PersistenceCheck.count(transforms, columns.count, "transforms")
    for (i, list) in columns.enumerated() {
      try PersistenceCheck.indices(list, below: inputWidth, "columns[\(i)]", increasing: false)
    }
    try PersistenceCheck.indices(remainderColumns, below: inputWidth, "remainderColumns")
  }
}
