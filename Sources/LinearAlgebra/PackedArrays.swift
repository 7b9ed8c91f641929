import Foundation

/// Large numeric arrays in saved files: little-endian IEEE-754 doubles or 64-bit integers,
/// base64-encoded into one JSON string. Bit-exact (every NaN payload and signed zero survives),
/// portable across byte orders, and about 2.7 bytes per decimal digit smaller and much faster to
/// read than a JSON number list. Decoding checks that the byte count is a whole number of
/// elements, and the element count when the caller knows it, before building the array.
public enum PackedArray {
  /// `values` as base64 of their little-endian bytes.
  public static func encode(_ values: [Double]) -> String {
    var bytes = [UInt8](repeating: 0, count: values.count * 8)
    bytes.withUnsafeMutableBytes { raw in
      for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self) }
    }
    return Data(bytes).base64EncodedString()
  }

  /// `values` as base64 of their little-endian 64-bit two's-complement bytes.
  public static func encode(_ values: [Int]) -> String {
    encode(values.map { Double(bitPattern: UInt64(UInt(bitPattern: $0))) })
  }

  /// The doubles in `text`; `nil` when it is not base64 or not a whole number of 8-byte elements.
  public static func doubles(_ text: String) -> [Double]? {
    guard let data = Data(base64Encoded: text), data.count % 8 == 0 else { return nil }
    return data.withUnsafeBytes { raw in
      (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
  }

  /// The integers in `text`; `nil` as for ``doubles(_:)``.
  public static func ints(_ text: String) -> [Int]? {
    doubles(text)?.map { Int(bitPattern: UInt(UInt64($0.bitPattern))) }
  }
}

extension KeyedEncodingContainer {
  /// Writes `values` packed (``PackedArray``).
  public mutating func encodePacked(_ values: [Double], forKey key: Key) throws {
    try encode(PackedArray.encode(values), forKey: key)
  }

  /// Writes `values` packed (``PackedArray``).
  public mutating func encodePacked(_ values: [Int], forKey key: Key) throws {
    try encode(PackedArray.encode(values), forKey: key)
  }
}

extension KeyedDecodingContainer {
  /// Reads doubles written by ``KeyedEncodingContainer/encodePacked(_:forKey:)``; throws
  /// `DecodingError.dataCorrupted` naming the key when the text is not packed doubles or, given
  /// `count`, holds another number of them.
  public func decodePackedDoubles(forKey key: Key, count: Int? = nil) throws -> [Double] {
    let text = try decode(String.self, forKey: key)
    guard let values = PackedArray.doubles(text) else {
      throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a packed array of doubles")
    }
    try checkCount(values.count, count, key)
    return values
  }

  /// Reads integers written by ``KeyedEncodingContainer/encodePacked(_:forKey:)``, as for
  /// ``decodePackedDoubles(forKey:count:)``.
  public func decodePackedInts(forKey key: Key, count: Int? = nil) throws -> [Int] {
    let text = try decode(String.self, forKey: key)
    guard let values = PackedArray.ints(text) else {
      throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a packed array of integers")
    }
    try checkCount(values.count, count, key)
    return values
  }

  private func checkCount(_ found: Int, _ expected: Int?, _ key: Key) throws {
    guard let expected, found != expected else { return }
    throw DecodingError.dataCorruptedError(
      forKey: key, in: self, debugDescription: "holds \(found) values where \(expected) are needed")
  }
}

extension Matrix: Codable {
  private enum CodingKeys: String, CodingKey { case rows, columns, elements }

  /// Writes the shape and the elements, packed (``PackedArray``).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(rowCount, forKey: .rows)
    try container.encode(columnCount, forKey: .columns)
    try container.encodePacked(storage, forKey: .elements)
  }

  /// Reads a matrix written by ``encode(to:)``; throws when the shape is negative, overflows, or
  /// does not match the number of elements.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let rows = try container.decode(Int.self, forKey: .rows)
    let columns = try container.decode(Int.self, forKey: .columns)
    let size = rows.multipliedReportingOverflow(by: columns)
    guard rows >= 0, columns >= 0, !size.overflow else {
      throw DecodingError.dataCorruptedError(
        forKey: .rows, in: container, debugDescription: "\(rows) × \(columns) is not a matrix shape")
    }
    let elements = try container.decodePackedDoubles(forKey: .elements, count: size.partialValue)
    self.init(rowCount: rows, columnCount: columns, elementsUnchecked: elements)
  }
}

extension Matrix {
  @usableFromInline
  init(rowCount: Int, columnCount: Int, elementsUnchecked elements: [Double]) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.storage = elements
  }
}

