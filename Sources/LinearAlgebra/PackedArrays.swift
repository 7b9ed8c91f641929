/// Large numeric arrays in saved files: little-endian IEEE-754 doubles or 64-bit integers,
/// base64-encoded into one JSON string. Bit-exact (every NaN payload and signed zero survives),
/// portable across byte orders, and about 2.7 bytes per decimal digit smaller and much faster to
/// read than a JSON number list. Decoding checks that the byte count is a whole number of
/// elements, and the element count when the caller knows it, before building the array.
public enum PackedArray {
  /// `values` as base64 of their little-endian bytes.
  public static func encode(_ values: [Double]) -> String {
    values.withUnsafeBufferPointer { buffer in
      encodeWords(buffer.count) { buffer[$0].bitPattern }
    }
  }

  /// `values` as base64 of their little-endian 64-bit two's-complement bytes.
  public static func encode(_ values: [Int]) -> String {
    values.withUnsafeBufferPointer { buffer in
      encodeWords(buffer.count) { UInt64(UInt(bitPattern: buffer[$0])) }
    }
  }

  /// The doubles in `text`; `nil` when it is not base64 or not a whole number of 8-byte elements.
  public static func doubles(_ text: String) -> [Double]? {
    decodeWords(text) { Double(bitPattern: $0) }
  }

  /// The integers in `text`; `nil` as for ``doubles(_:)``.
  public static func ints(_ text: String) -> [Int]? {
    decodeWords(text) { Int(bitPattern: UInt($0)) }
  }

  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let values: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
    return table
  }()

  /// Base64 (with padding) of `count` little-endian 64-bit words.
  private static func encodeWords(_ count: Int, _ word: (Int) -> UInt64) -> String {
    let byteCount = count * 8
    let length = (byteCount + 2) / 3 * 4
    return String(unsafeUninitializedCapacity: length) { output in
      alphabet.withUnsafeBufferPointer { table in
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeMutableBytes { raw in
          for i in 0..<count { raw.storeBytes(of: word(i).littleEndian, toByteOffset: i &* 8, as: UInt64.self) }
        }
        var o = 0, i = 0
        while i + 3 <= byteCount {
          let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
          output[o] = table[Int(v >> 18)]
          output[o + 1] = table[Int((v >> 12) & 63)]
          output[o + 2] = table[Int((v >> 6) & 63)]
          output[o + 3] = table[Int(v & 63)]
          i += 3
          o += 4
        }
        let rest = byteCount - i
        if rest > 0 {
          let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
          output[o] = table[Int(v >> 18)]
          output[o + 1] = table[Int((v >> 12) & 63)]
          output[o + 2] = rest == 2 ? table[Int((v >> 6) & 63)] : UInt8(ascii: "=")
          output[o + 3] = UInt8(ascii: "=")
        }
      }
      return length
    }
  }

  /// The little-endian 64-bit words in base64 `text`, mapped by `element`; `nil` for a character
  /// outside the alphabet, misplaced padding, or a byte count that is not a multiple of 8.
  private static func decodeWords<T>(_ text: String, _ element: (UInt64) -> T) -> [T]? {
    var text = text
    return text.withUTF8 { input -> [T]? in
      guard input.count % 4 == 0 else { return nil }
      var padding = 0
      if input.count > 0, input[input.count - 1] == UInt8(ascii: "=") { padding += 1 }
      if input.count > 1, input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
      let byteCount = input.count / 4 * 3 - padding
      guard byteCount % 8 == 0 else { return nil }
      var bytes = [UInt8](repeating: 0, count: byteCount)
      let valid = values.withUnsafeBufferPointer { table -> Bool in
        var o = 0
        for quad in stride(from: 0, to: input.count, by: 4) {
          var v: UInt32 = 0
          for k in 0..<4 {
            let c = input[quad + k]
            let d: UInt8
            if c == UInt8(ascii: "="), quad + 4 == input.count, k >= 4 - padding {
              d = 0
            } else {
              d = table[Int(c)]
              if d == 0xFF { return false }
            }
            v = v << 6 | UInt32(d)
          }
          for k in 0..<3 where o + k < byteCount { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (16 - 8 * UInt32(k))) }
          o += 3
        }
        return true
      }
      guard valid else { return nil }
      return bytes.withUnsafeBytes { raw in
        (0..<(byteCount / 8)).map { element(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
      }
    }
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

