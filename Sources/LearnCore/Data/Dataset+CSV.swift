import LinearAlgebra

/// What reading a CSV into a ``Dataset`` does with a missing feature cell: one that is empty or
/// reads `NA`, `N/A`, `NaN`, `null` (any letter case) or `?`.
///
/// A missing *target* cell is always an error, whatever the policy.
public enum MissingValuePolicy: Sendable {
  /// A missing feature cell is an error naming its line and column.
  case reject
  /// A missing feature cell becomes `Double.nan` in the feature matrix (for an imputer to fill).
  case allowAsNaN

  /// Whether `cell` (already trimmed) spells a missing value.
  static func isMissing(_ cell: String) -> Bool {
    var bytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    var count = 0
    for byte in cell.utf8 {
      guard count < 4 else { return false }
      // ASCII letters to lower case; other bytes cannot match and stay as they are.
      let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
      switch count {
      case 0: bytes.0 = lower
      case 1: bytes.1 = lower
      case 2: bytes.2 = lower
      default: bytes.3 = lower
      }
      count += 1
    }
    switch count {
    case 0: return true
    case 1: return bytes.0 == UInt8(ascii: "?")
    case 2: return bytes.0 == UInt8(ascii: "n") && bytes.1 == UInt8(ascii: "a")
    case 3:
      guard bytes.0 == UInt8(ascii: "n") else { return false }
      return (bytes.1 == UInt8(ascii: "/") && bytes.2 == UInt8(ascii: "a"))
        || (bytes.1 == UInt8(ascii: "a") && bytes.2 == UInt8(ascii: "n"))
    default:
      return bytes == (UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l"))
    }
  }
}

/// What reading a CSV into a ``Dataset`` does with a feature column that holds text.
public enum CategoricalPolicy: Sendable {
  /// A non-numeric feature cell is an error naming its line and column.
  case reject
  /// A feature column with any non-numeric, non-missing cell is categorical: its distinct cells,
  /// sorted, become codes 0, 1, … (scikit-learn's `OrdinalEncoder` order) and their names are kept
  /// in ``Dataset/categories``. A `ColumnTransformer` with a `OneHotEncoder` then expands them.
  case encode
}

/// A target type a CSV column can hold: `Int` class labels or `Double` regression values.
public protocol CSVTarget: Sendable, Hashable {
  /// The targets spelled by `cells` (trimmed, none missing), with class names for labels read
  /// from strings. `lines` are the cells' 1-based file lines and `column` the target's name, for
  /// errors. With `known` class names (another file's, see ``CSVEncoding``) labels take those
  /// codes, and a label not among them is an error.
  static func decode(_ cells: [String], lines: [Int], column: String, known: [Int: String]?) throws(LearnError)
    -> (values: [Self], classNames: [Int: String])
  /// The CSV spelling of each target, using `classNames` where they apply.
  static func encode(_ values: [Self], classNames: [Int: String]) -> [String]
}

extension Int: CSVTarget {
  /// Class labels. When every cell is an integer, those integers are the labels and there are no
  /// class names. Otherwise the distinct labels become 0, 1, 2, … in order — numeric order when
  /// every cell is a number (`2.0` before `10.0`), else the strings sorted (scikit-learn's
  /// `LabelEncoder` order) — and the class names map each label back to its spelling. With
  /// `known` class names the cells are read against them (a name, or a number equal to a numeric
  /// name), and a label not among them throws ``LearnError/malformedCSV(line:column:reason:)``.
  public static func decode(_ cells: [String], lines: [Int], column: String, known: [Int: String]?) throws(LearnError)
    -> (values: [Int], classNames: [Int: String])
  {
    if let known, !known.isEmpty { return (try decode(cells, against: known, lines: lines, column: column), known) }
    var labels: [Int] = []
    labels.reserveCapacity(cells.count)
    for cell in cells {
      guard let label = Int(cell) else { break }
      labels.append(label)
    }
    if labels.count == cells.count { return (labels, [:]) }
    // Distinct labels by value when all are numbers ("2.0" and "2" are one class), else by text.
    let numbers = cells.map { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    var codes: [String: Int] = [:]
    var classNames: [Int: String] = [:]
    if numbers.allSatisfy({ $0 != nil }) {
      var spelling: [Double: String] = [:]
      for (cell, value) in zip(cells, numbers) where spelling[value!] == nil { spelling[value!] = cell }
      let order = Dictionary(uniqueKeysWithValues: spelling.keys.sorted().enumerated().map { ($1, $0) })
      for (value, name) in spelling { classNames[order[value]!] = name }
      return (numbers.map { order[$0!]! }, classNames)
    }
    for (code, name) in Set(cells).sorted().enumerated() {
      codes[name] = code
      classNames[code] = name
    }
    return (cells.map { codes[$0]! }, classNames)
  }

  /// `cells` as the codes of `known` class names, matched by name or, for numeric names, by value.
  private static func decode(_ cells: [String], against known: [Int: String], lines: [Int], column: String) throws(LearnError)
    -> [Int]
  {
    var byName: [String: Int] = [:]
    var byValue: [Double: Int] = [:]
    for (code, name) in known {
      byName[name] = code
      if let value = Double(name), value.isFinite { byValue[value] = code }
    }
    var labels: [Int] = []
    labels.reserveCapacity(cells.count)
    for (row, cell) in cells.enumerated() {
      guard let code = byName[cell] ?? Double(cell).flatMap({ byValue[$0] }) else {
        let names = known.sorted { $0.key < $1.key }.map(\.value)
        throw .malformedCSV(
          line: lines[row], column: column,
          reason: "label '\(cell)' was not among the training labels \(names.prefix(20).joined(separator: ", "))"
            + (names.count > 20 ? ", …" : ""))
      }
      labels.append(code)
    }
    return labels
  }

  /// Each label's class name, or the number itself.
  public static func encode(_ values: [Int], classNames: [Int: String]) -> [String] {
    values.map { classNames[$0] ?? String($0) }
  }
}

extension Double: CSVTarget {
  /// Regression values: every cell must be a finite number (`known` does not apply).
  public static func decode(_ cells: [String], lines: [Int], column: String, known: [Int: String]?) throws(LearnError)
    -> (values: [Double], classNames: [Int: String])
  {
    var values: [Double] = []
    values.reserveCapacity(cells.count)
    for (row, cell) in cells.enumerated() {
      let value = try CSVColumns.number(cell, line: lines[row], column: column)
      guard !value.isNaN else {
        throw .malformedCSV(line: lines[row], column: column, reason: "missing target value ('\(cell)')")
      }
      values.append(value)
    }
    return (values, [:])
  }

  /// Swift's shortest round-trip spelling of each value.
  public static func encode(_ values: [Double], classNames: [Int: String]) -> [String] {
    values.map(\.description)
  }
}

/// How a CSV's text became a dataset's numbers: the feature columns in order, the categories of
/// each categorical column and the class names of the labels. Read a second file (a test set, new
/// data for a model) with `encoding: train.csvEncoding`, so its columns, categories and labels get
/// the training file's codes; without it each file numbers its own labels and categories, and a
/// test file missing a class would silently shift every code.
public struct CSVEncoding: Sendable, Hashable, Codable {
  /// The feature columns, in the order of the dataset's columns.
  public var featureNames: [String]
  /// Category names by code, keyed by feature column index (the dataset's ``Dataset/categories``).
  public var categories: [Int: [String]]
  /// Label names by code (the dataset's ``Dataset/classNames``); empty for integer labels and
  /// regression.
  public var classNames: [Int: String]
  /// The target column's name, when known: a file of new rows may have it (it is then skipped
  /// when reading features) or not.
  public var targetName: String?

  /// An encoding from its parts.
  public init(
    featureNames: [String], categories: [Int: [String]] = [:], classNames: [Int: String] = [:], targetName: String? = nil
  ) {
    self.featureNames = featureNames
    self.categories = categories
    self.classNames = classNames
    self.targetName = targetName
  }

  /// The feature matrix of CSV `text` read against this encoding: its columns by name in this
  /// encoding's order (the target column, if present, is skipped; any other unknown column is an
  /// error), categories with their training codes (an unseen one is an error naming its line,
  /// column and value). What a saved model reads new data with.
  public func features(
    csv text: String, separator: Character = ",", missingValues: MissingValuePolicy = .reject
  ) throws(LearnError) -> Matrix {
    let table = try CSVTable(parsing: text, separator: separator)
    let target = targetName.flatMap { table.header.contains($0) ? $0 : nil }
    return try CSVColumns(table: table, target: target, missingValues: missingValues, encoding: self).x
  }

  /// The label each class code stands for: its name in ``classNames``, or the number itself
  /// for integer labels.
  public func labels(_ codes: [Int]) -> [String] {
    codes.map { classNames[$0] ?? String($0) }
  }

  /// Throws ``LearnError/unreadableModel(field:reason:)`` unless the feature names are distinct
  /// and non-empty and every categorical column is one of them.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.require(!featureNames.isEmpty && Set(featureNames).count == featureNames.count
                                   && !featureNames.contains(""), "featureNames", "must be distinct, non-empty names")
    if let targetName {
      try PersistenceCheck.require(!featureNames.contains(targetName), "targetName", "'\(targetName)' is also a feature")
    }
    for column in categories.keys where !featureNames.indices.contains(column) {
      throw .unreadableModel(field: "categories", reason: "column \(column) is not one of the \(featureNames.count) features")
    }
  }
}

extension Dataset {
  /// How this dataset's columns, categories and labels were read: pass it as `encoding:` to read
  /// another file the same way.
  public var csvEncoding: CSVEncoding {
    CSVEncoding(featureNames: featureNames, categories: categories, classNames: classNames, targetName: targetName)
  }
}

extension Dataset where Target: CSVTarget {
  /// A dataset from CSV `text`: the column named `target` holds the targets and every other
  /// column is a numeric feature, in file order. For `Dataset<Int>` the targets are class labels
  /// (see ``Swift/Int/decode(_:lines:column:known:)`` for how strings become labels); for
  /// `Dataset<Double>` they are finite numbers.
  ///
  /// With an `encoding` (another dataset's ``csvEncoding``) the file is read against it: its
  /// feature columns are taken in the encoding's order (the file may order them differently, and
  /// must have no others), its categorical columns and labels get the encoding's codes, and a
  /// category or label the encoding does not know is an error naming its line, column and value;
  /// `categoricalFeatures` then does not apply.
  ///
  /// Throws what ``CSVTable/init(parsing:separator:)`` throws, and also
  /// ``LearnError/missingColumn(name:available:)`` when there is no `target` column,
  /// ``LearnError/emptyInput(_:)`` when there are no feature columns or no data rows, and
  /// ``LearnError/malformedCSV(line:column:reason:)`` (with the file's 1-based line) for a cell
  /// that is not a number or not finite, a missing feature cell under `.reject`, and a missing
  /// target cell.
  public init(
    csv text: String, target: String, separator: Character = ",",
    missingValues: MissingValuePolicy = .reject, categoricalFeatures: CategoricalPolicy = .reject,
    encoding: CSVEncoding? = nil
  ) throws(LearnError) {
    try self.init(
      table: try CSVTable(parsing: text, separator: separator), target: target,
      missingValues: missingValues, categoricalFeatures: categoricalFeatures, encoding: encoding)
  }

  /// Reads the dataset in the CSV file at `path`; see ``init(csv:target:separator:missingValues:categoricalFeatures:encoding:)``.
  /// File errors throw ``LearnError/io(path:reason:)``.
  public static func readCSV(
    _ path: String, target: String, separator: Character = ",",
    missingValues: MissingValuePolicy = .reject, categoricalFeatures: CategoricalPolicy = .reject,
    encoding: CSVEncoding? = nil
  ) throws(LearnError) -> Dataset {
    try Dataset(
      table: try CSVTable(contentsOf: path, separator: separator), target: target,
      missingValues: missingValues, categoricalFeatures: categoricalFeatures, encoding: encoding)
  }

  /// A dataset from a parsed CSV `table`; see ``init(csv:target:separator:missingValues:categoricalFeatures:encoding:)``.
  public init(
    table: CSVTable, target: String, missingValues: MissingValuePolicy = .reject,
    categoricalFeatures: CategoricalPolicy = .reject, encoding: CSVEncoding? = nil
  ) throws(LearnError) {
    let columns = try CSVColumns(
      table: table, target: target, missingValues: missingValues, categoricalFeatures: categoricalFeatures,
      encoding: encoding)
    let decoded = try Target.decode(columns.targetCells, lines: table.lineNumbers, column: target, known: encoding?.classNames)
    try self.init(
      x: columns.x, y: decoded.values, featureNames: columns.featureNames, targetName: target,
      classNames: decoded.classNames, categories: columns.categories)
  }

  /// The dataset as a CSV table: one column per feature, then the target column.
  ///
  /// Features and `Double` targets are written with Swift's shortest round-trip spelling, so
  /// reading the text back gives the same numbers. `Int` labels that have an entry in
  /// ``classNames`` are written as that name, other labels as the number.
  ///
  /// Reading the result back reproduces the dataset when its features are finite (NaN is written
  /// as `nan` and needs ``MissingValuePolicy/allowAsNaN``) and, for named classes, when the names
  /// are not all integers and label `k` names the `k`-th name in sorted order (as reading assigns).
  public func csvTable() -> CSVTable {
    let targets = Target.encode(y, classNames: classNames)
    let columnCount = x.columnCount
    var rows: [[String]] = []
    rows.reserveCapacity(x.rowCount)
    x.withUnsafeBufferPointer { elements in
      for i in 0..<x.rowCount {
        var row: [String] = []
        row.reserveCapacity(columnCount + 1)
        for j in 0..<columnCount { row.append(elements[i * columnCount + j].description) }
        row.append(targets[i])
        rows.append(row)
      }
    }
    return CSVTable(header: featureNames + [targetName], rows: rows)
  }

  /// The dataset as CSV text, comma-separated: see ``csvTable()``.
  public func csvText() -> String { csvTable().csvText() }

  /// Writes ``csvText()`` to the file at `path`, replacing it if it exists.
  ///
  /// Throws ``LearnError/io(path:reason:)`` when the file cannot be written.
  public func writeCSV(to path: String) throws(LearnError) {
    try CSVTable.writeText(csvText(), to: path)
  }
}

/// A CSV table split into a numeric feature matrix and the raw target cells.
struct CSVColumns {
  var x: Matrix
  var featureNames: [String]
  /// The trimmed target cell of each row; none is missing.
  var targetCells: [String]
  /// Category names by code for the feature columns read as categorical, keyed by output column.
  var categories: [Int: [String]] = [:]

  init(
    table: CSVTable, target: String?, missingValues: MissingValuePolicy,
    categoricalFeatures: CategoricalPolicy = .reject, encoding: CSVEncoding? = nil
  ) throws(LearnError) {
    var targetIndex: Int? = nil
    if let target {
      guard let index = table.header.firstIndex(of: target) else {
        throw .missingColumn(name: target, available: table.header)
      }
      targetIndex = index
    }
    let featureIndices = try Self.featureIndices(table.header, target: targetIndex, encoding: encoding)
    guard !featureIndices.isEmpty else {
      throw .emptyInput("the CSV has no feature columns, only the target column '\(target ?? "")'")
    }
    guard !table.rows.isEmpty else {
      throw .emptyInput("the CSV has a header but no data rows")
    }
    featureNames = featureIndices.map { table.header[$0] }
    // Categorical columns: the encoding's, or those with a non-missing cell that is not a number.
    var codes: [Int: [String: Double]] = [:]
    if let encoding {
      categories = encoding.categories
      for (output, j) in featureIndices.enumerated() {
        guard let names = encoding.categories[output] else { continue }
        codes[j] = Dictionary(names.enumerated().map { ($1, Double($0)) }, uniquingKeysWith: { first, _ in first })
      }
    } else if categoricalFeatures == .encode {
      for (output, j) in featureIndices.enumerated() {
        var names = Set<String>()
        var textual = false
        for fields in table.rows {
          let cell = CSVColumns.trimmed(fields[j])
          if MissingValuePolicy.isMissing(cell) { continue }
          names.insert(cell)
          if !textual, Double(cell) == nil { textual = true }
        }
        if textual {
          let sorted = names.sorted()
          categories[output] = sorted
          codes[j] = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Double($0)) })
        }
      }
    }
    var elements: [Double] = []
    elements.reserveCapacity(table.rows.count * featureIndices.count)
    var targets: [String] = []
    targets.reserveCapacity(table.rows.count)
    for (row, fields) in table.rows.enumerated() {
      let line = table.lineNumbers[row]
      for j in featureIndices {
        let value: Double
        if let code = codes[j] {
          let cell = CSVColumns.trimmed(fields[j])
          if let known = code[cell] {
            value = known
          } else if MissingValuePolicy.isMissing(cell) {
            value = .nan
          } else {
            let names = code.sorted { $0.value < $1.value }.map(\.key)
            throw .malformedCSV(
              line: line, column: table.header[j],
              reason: "category '\(cell)' was not seen in training; known: \(names.prefix(20).joined(separator: ", "))"
                + (names.count > 20 ? ", …" : ""))
          }
        } else {
          value = try CSVColumns.number(
            fields[j], line: line, column: table.header[j],
            hint: "; pass categoricalFeatures: .encode to read text columns as categories")
        }
        if value.isNaN, missingValues == .reject {
          throw .malformedCSV(
            line: line, column: table.header[j],
            reason: "missing value (\(CSVColumns.describe(CSVColumns.trimmed(fields[j])))); pass "
              + "missingValues: .allowAsNaN to read missing features as NaN")
        }
        elements.append(value)
      }
      guard let targetIndex, let target else { continue }
      let targetCell = CSVColumns.trimmed(fields[targetIndex])
      guard !MissingValuePolicy.isMissing(targetCell) else {
        throw .malformedCSV(
          line: line, column: target,
          reason: "missing target value (\(CSVColumns.describe(targetCell)))")
      }
      targets.append(targetCell)
    }
    do throws(LinearAlgebraError) {
      x = try Matrix(
        rowCount: table.rows.count, columnCount: featureIndices.count, elements: elements)
    } catch {
      throw .linearAlgebra(error)
    }
    targetCells = targets
  }

  /// The feature columns' indices in `header`: every column but the target, in file order; with
  /// an encoding, its feature names in its order, each required, and no column it does not know.
  static func featureIndices(_ header: [String], target: Int?, encoding: CSVEncoding?) throws(LearnError) -> [Int] {
    guard let encoding else { return header.indices.filter { $0 != target } }
    var indices: [Int] = []
    for name in encoding.featureNames {
      guard let index = header.firstIndex(of: name), index != target else {
        throw .missingColumn(name: name, available: header)
      }
      indices.append(index)
    }
    if let extra = header.indices.first(where: { $0 != target && !indices.contains($0) }) {
      throw .malformedCSV(
        line: 1, column: header[extra], reason: "this column was not in the training data (its columns: "
          + encoding.featureNames.joined(separator: ", ") + ")")
    }
    return indices
  }

  /// The number `cell` spells, NaN when it is missing (empty, `NA`, `NaN`, …), or an error at
  /// `line` when it is not a number or is infinite.
  static func number(_ field: String, line: Int, column: String, hint: String = "") throws(LearnError) -> Double {
    let cell = trimmed(field)
    if MissingValuePolicy.isMissing(cell) { return .nan }
    guard let value = Double(cell) else {
      throw .malformedCSV(line: line, column: column, reason: "'\(cell)' is not a number" + hint)
    }
    guard !value.isInfinite else {
      throw .malformedCSV(
        line: line, column: column,
        reason: "non-finite value '\(cell)'; values must be finite numbers")
    }
    return value
  }

  /// `cell` in a reason: quoted, or "empty cell".
  static func describe(_ cell: String) -> String { cell.isEmpty ? "empty cell" : "'\(cell)'" }

  /// `cell` without surrounding spaces, tabs and line breaks (a quoted field keeps them).
  static func trimmed(_ cell: String) -> String {
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    let utf8 = cell.utf8
    guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else {
      return cell
    }
    var start = utf8.startIndex
    var end = utf8.endIndex
    while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
    while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
    return String(cell[start..<end])
  }
}
