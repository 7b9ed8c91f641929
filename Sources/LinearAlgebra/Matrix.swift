/// A dense, row-major matrix of `Double` with value semantics.
///
/// Storage is one contiguous array, so row `i` occupies `elements[i * columnCount ..< (i + 1) * columnCount]`.
/// Element access is `@inlinable` so it costs the same across module boundaries as inside this one;
/// numeric kernels borrow the storage once with ``withUnsafeBufferPointer(_:)`` or
/// ``withUnsafeMutableBufferPointer(_:)`` instead of indexing element by element.
@frozen
public struct Matrix: Sendable, Hashable, CustomStringConvertible {
  /// Number of rows (samples, for a feature matrix).
  public let rowCount: Int
  /// Number of columns (features, for a feature matrix).
  public let columnCount: Int
  @usableFromInline
  internal var storage: [Double]

  /// A matrix with every element set to `value`.
  @inlinable
  public init(rowCount: Int, columnCount: Int, repeating value: Double = 0) {
    precondition(rowCount >= 0 && columnCount >= 0, "Matrix dimensions must be non-negative")
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.storage = Array(repeating: value, count: rowCount * columnCount)
  }

  /// A matrix over row-major `elements`; throws when the count is not `rowCount * columnCount`.
  @inlinable
  public init(rowCount: Int, columnCount: Int, elements: [Double]) throws(LinearAlgebraError) {
    let size = rowCount.multipliedReportingOverflow(by: columnCount)
    guard rowCount >= 0, columnCount >= 0, !size.overflow, elements.count == size.partialValue else {
      throw .dimensionMismatch(
        "\(elements.count) elements cannot fill a \(rowCount) × \(columnCount) matrix")
    }
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.storage = elements
  }

  /// A matrix from an array of rows; throws ``LinearAlgebraError/raggedRows(row:expected:got:)``
  /// when the rows differ in length.
  public init(_ rows: [[Double]]) throws(LinearAlgebraError) {
    let columns = rows.first?.count ?? 0
    var elements: [Double] = []
    elements.reserveCapacity(rows.count * columns)
    for (index, row) in rows.enumerated() {
      guard row.count == columns else {
        throw .raggedRows(row: index, expected: columns, got: row.count)
      }
      elements.append(contentsOf: row)
    }
    self.rowCount = rows.count
    self.columnCount = columns
    self.storage = elements
  }

  /// A single-column matrix holding `vector`.
  public init(column vector: [Double]) {
    self.rowCount = vector.count
    self.columnCount = 1
    self.storage = vector
  }

  /// The `n × n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rowCount: n, columnCount: n)
    for i in 0..<n { m.storage[i &* n &+ i] = 1 }
    return m
  }

  /// A matrix whose element `(i, j)` is `body(i, j)`, filled row by row.
  public init(rowCount: Int, columnCount: Int, _ body: (Int, Int) throws -> Double) rethrows {
    var elements: [Double] = []
    elements.reserveCapacity(rowCount * columnCount)
    for i in 0..<rowCount {
      for j in 0..<columnCount { elements.append(try body(i, j)) }
    }
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.storage = elements
  }

  /// `(rowCount, columnCount)`.
  @inlinable public var shape: (rows: Int, columns: Int) { (rowCount, columnCount) }

  /// Whether the matrix has no elements.
  @inlinable public var isEmpty: Bool { storage.isEmpty }

  /// The row-major elements.
  @inlinable public var elements: [Double] { storage }

  /// Element at row `row`, column `column`. Bounds are checked.
  @inlinable
  public subscript(row: Int, column: Int) -> Double {
    get {
      precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                   "Matrix index (\(row), \(column)) out of range for \(rowCount) × \(columnCount)")
      return storage[row &* columnCount &+ column]
    }
    set {
      precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                   "Matrix index (\(row), \(column)) out of range for \(rowCount) × \(columnCount)")
      storage[row &* columnCount &+ column] = newValue
    }
  }

  /// Calls `body` with the row-major storage.
  @inlinable
  public func withUnsafeBufferPointer<R, E: Error>(
    _ body: (UnsafeBufferPointer<Double>) throws(E) -> R
  ) throws(E) -> R {
    try storage.withUnsafeBufferPointer { (buffer) throws(E) -> R in try body(buffer) }
  }

  /// Calls `body` with mutable row-major storage (copying it first if it is shared).
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
    _ body: (inout UnsafeMutableBufferPointer<Double>) throws(E) -> R
  ) throws(E) -> R {
    try storage.withUnsafeMutableBufferPointer { (buffer) throws(E) -> R in try body(&buffer) }
  }

  /// A readable description, used in error messages and logs.
  public var description: String {
    var lines = ["Matrix \(rowCount) × \(columnCount)"]
    for i in 0..<min(rowCount, 8) {
      let shown = (0..<min(columnCount, 8)).map { "\(self[i, $0])" }.joined(separator: ", ")
      lines.append("  [" + shown + (columnCount > 8 ? ", …]" : "]"))
    }
    if rowCount > 8 { lines.append("  …") }
    return lines.joined(separator: "\n")
  }
}
