import Foundation

/// A parsed CSV file: one header row of column names, then rows of text fields.
///
/// Parsing follows RFC 4180: a field may be quoted with `"`, and a quoted field may hold the
/// separator, line breaks and doubled quotes (`""` stands for one `"`). Lines may end in LF or
/// CRLF, a leading UTF-8 byte-order mark is dropped, blank lines are skipped, and spaces and tabs
/// around an unquoted field are trimmed (a quoted field keeps its text exactly). Every row must have
/// as many fields as the header, and header names must be non-empty and distinct.
///
/// Parsing works on the UTF-8 bytes in a single pass, so it takes time linear in the file's size.
public struct CSVTable: Sendable, Equatable {
  /// The column names, from the file's first non-blank line.
  public var header: [String]
  /// The data rows, each with one field per entry of ``header``.
  public var rows: [[String]]
  /// For each entry of ``rows``, the 1-based line of the source text where that row starts
  /// (the header is on line 1 unless blank lines precede it).
  public var lineNumbers: [Int]

  /// A table from a header and rows already split into fields, as for ``csvText(separator:)``.
  ///
  /// ``lineNumbers`` are set as if each row took one line after a one-line header (2, 3, …).
  /// Rows are stored as given; ``csvText(separator:)`` writes them as they are.
  public init(header: [String], rows: [[String]]) {
    self.header = header
    self.rows = rows
    self.lineNumbers = Array(stride(from: 2, to: rows.count + 2, by: 1))
  }

  /// Parses CSV `text` whose fields are delimited by `separator`.
  ///
  /// Throws ``LearnError/malformedCSV(line:column:reason:)`` for an empty text (no header), an
  /// empty or duplicate header name, a row whose field count differs from the header's, a quote
  /// that is never closed (reported at the line where it opened) or text after a closing quote;
  /// and ``LearnError/invalidArgument(name:reason:)`` when `separator` is a quote or a line break.
  public init(parsing text: String, separator: Character = ",") throws(LearnError) {
    let separatorBytes = try CSVTable.separatorBytes(separator)
    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<CSVTable, LearnError> {
      Result { () throws(LearnError) -> CSVTable in
        var parser = CSVParser(bytes: bytes, separator: separatorBytes)
        return try parser.parseTable()
      }
    }
    var text = text
    text.makeContiguousUTF8()
    // A contiguous UTF-8 string always lends its storage; the copy is only a fallback.
    let result = text.utf8.withContiguousStorageIfAvailable(parse)
      ?? Array(text.utf8).withUnsafeBufferPointer(parse)
    self = try result.get()
  }

  /// A table with explicit source line numbers, as the parser builds it.
  init(header: [String], rows: [[String]], lineNumbers: [Int]) {
    self.header = header
    self.rows = rows
    self.lineNumbers = lineNumbers
  }

  /// Reads and parses the CSV file at `path` (see ``init(parsing:separator:)``).
  ///
  /// Throws ``LearnError/io(path:reason:)`` when the file cannot be read or is not UTF-8 text.
  public init(contentsOf path: String, separator: Character = ",") throws(LearnError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .io(path: path, reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw .io(path: path, reason: "is a directory, not a file") }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .io(path: path, reason: "could not be read: \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .io(path: path, reason: "is not valid UTF-8 text")
    }
    try self.init(parsing: text, separator: separator)
  }

  /// The table as CSV text: the header line, then one line per row, each ending in `\n`.
  ///
  /// A field is quoted only when it must be: when it holds the separator, a quote or a line
  /// break, starts or ends with a space or tab (which parsing would trim), or is the only, empty
  /// field of its line (which parsing would skip as blank). Quotes inside are doubled.
  /// Parsing the result with the same separator gives back ``header`` and ``rows``.
  public func csvText(separator: Character = ",") -> String {
    let separatorText = String(separator)
    let separatorBytes = Array(separatorText.utf8)
    var out = ""
    out.reserveCapacity((rows.count + 1) * max(header.count, 1) * 8)
    func appendLine(_ fields: [String]) {
      for (index, field) in fields.enumerated() {
        if index > 0 { out += separatorText }
        if CSVTable.needsQuoting(field, separator: separatorBytes, alone: fields.count == 1) {
          out += "\""
          out += field.replacingOccurrences(of: "\"", with: "\"\"")
          out += "\""
        } else {
          out += field
        }
      }
      out += "\n"
    }
    appendLine(header)
    for row in rows { appendLine(row) }
    return out
  }

  /// Writes ``csvText(separator:)`` to the file at `path`, replacing it if it exists.
  ///
  /// Throws ``LearnError/io(path:reason:)`` when the file cannot be written.
  public func write(to path: String, separator: Character = ",") throws(LearnError) {
    try CSVTable.writeText(csvText(separator: separator), to: path)
  }

  // MARK: Helpers

  /// Writes UTF-8 `text` to `path`, turning file errors into ``LearnError/io(path:reason:)``.
  static func writeText(_ text: String, to path: String) throws(LearnError) {
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw .io(path: path, reason: "could not be written: \(error.localizedDescription)")
    }
  }

  /// The UTF-8 bytes of `separator`; throws when it cannot delimit fields.
  static func separatorBytes(_ separator: Character) throws(LearnError) -> [UInt8] {
    let bytes = Array(String(separator).utf8)
    if bytes.contains(where: { $0 == CSVParser.quote || $0 == CSVParser.lineFeed
      || $0 == CSVParser.carriageReturn }) {
      throw .invalidArgument(
        name: "separator", reason: "a CSV separator cannot be a quote or a line break")
    }
    return bytes
  }

  /// Whether `field` must be quoted to be read back unchanged.
  static func needsQuoting(_ field: String, separator: [UInt8], alone: Bool) -> Bool {
    let bytes = field.utf8
    guard let first = bytes.first, let last = bytes.last else { return alone }
    if first == CSVParser.space || first == CSVParser.tab || last == CSVParser.space
      || last == CSVParser.tab {
      return true
    }
    var matched = 0
    for byte in bytes {
      if byte == CSVParser.quote || byte == CSVParser.lineFeed || byte == CSVParser.carriageReturn {
        return true
      }
      // Separators are at most four bytes, and a UTF-8 sequence never overlaps a shifted copy of
      // itself, so restarting the match on a mismatch finds every occurrence.
      if byte == separator[matched] {
        matched += 1
        if matched == separator.count { return true }
      } else {
        matched = byte == separator[0] ? 1 : 0
        if matched == separator.count { return true }
      }
    }
    return false
  }
}

/// A single-pass CSV reader over UTF-8 bytes.
struct CSVParser {
  static let quote: UInt8 = 0x22
  static let lineFeed: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let tab: UInt8 = 0x09

  let bytes: UnsafeBufferPointer<UInt8>
  let separator: [UInt8]
  let separatorFirst: UInt8
  /// Whether a space / a tab is padding to trim (it is not when it is the separator).
  let trimsSpace: Bool
  let trimsTab: Bool
  /// Current position in `bytes`.
  var position = 0
  /// The 1-based line of `position`.
  var line = 1
  /// Bytes of the quoted field being read (reused across fields).
  var scratch: [UInt8] = []
  /// The header once read, to name columns in errors.
  var header: [String] = []

  init(bytes: UnsafeBufferPointer<UInt8>, separator: [UInt8]) {
    self.bytes = bytes
    self.separator = separator
    self.separatorFirst = separator[0]
    self.trimsSpace = separator != [CSVParser.space]
    self.trimsTab = separator != [CSVParser.tab]
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
  }

  /// Reads the header and every row, checking names and field counts.
  mutating func parseTable() throws(LearnError) -> CSVTable {
    guard let (names, headerLine) = try nextRecord() else {
      throw .malformedCSV(line: 1, column: nil, reason: "the file is empty: no header")
    }
    var seen: [String: Int] = [:]
    for (index, name) in names.enumerated() {
      guard !name.isEmpty else {
        throw .malformedCSV(
          line: headerLine, column: "#\(index + 1)",
          reason: "header column \(index + 1) has an empty name")
      }
      if let earlier = seen[name] {
        throw .malformedCSV(
          line: headerLine, column: name,
          reason: "duplicate column name '\(name)' (columns \(earlier + 1) and \(index + 1))")
      }
      seen[name] = index
    }
    header = names
    var rows: [[String]] = []
    var lineNumbers: [Int] = []
    while let (fields, rowLine) = try nextRecord() {
      guard fields.count == names.count else {
        throw .malformedCSV(
          line: rowLine, column: nil,
          reason: "expected \(names.count) fields as in the header, found \(fields.count)")
      }
      rows.append(fields)
      lineNumbers.append(rowLine)
    }
    return CSVTable(header: names, rows: rows, lineNumbers: lineNumbers)
  }

  /// The column to name in an error about field `index` of a row (nil in the header itself).
  func columnName(_ index: Int) -> String? {
    index < header.count ? header[index] : nil
  }

  func isPadding(_ byte: UInt8) -> Bool {
    (byte == CSVParser.space && trimsSpace) || (byte == CSVParser.tab && trimsTab)
  }

  /// Whether the separator starts at byte `index`.
  @inline(__always)
  func isSeparator(at index: Int) -> Bool {
    guard bytes[index] == separatorFirst else { return false }
    if separator.count == 1 { return true }
    guard index + separator.count <= bytes.count else { return false }
    for k in 1..<separator.count where bytes[index + k] != separator[k] { return false }
    return true
  }

  /// Consumes a line break at `position` (LF, CRLF or a lone CR), if there is one.
  mutating func consumeLineBreak() {
    guard position < bytes.count else { return }
    if bytes[position] == CSVParser.carriageReturn {
      position += 1
      if position < bytes.count, bytes[position] == CSVParser.lineFeed { position += 1 }
      line += 1
    } else if bytes[position] == CSVParser.lineFeed {
      position += 1
      line += 1
    }
  }

  /// The next non-blank record and the line it starts on, or nil at the end of the text.
  mutating func nextRecord() throws(LearnError) -> ([String], Int)? {
    while position < bytes.count {
      let startLine = line
      var fields: [String] = []
      var onlyBlank = true
      while true {
        let (field, quoted) = try nextField(index: fields.count)
        if quoted || !field.isEmpty { onlyBlank = false }
        fields.append(field)
        if position < bytes.count, isSeparator(at: position) {
          position += separator.count
          onlyBlank = false
          continue
        }
        consumeLineBreak()
        break
      }
      if onlyBlank { continue }
      return (fields, startLine)
    }
    return nil
  }

  /// Reads one field, leaving `position` on the separator, line break or end that follows it.
  mutating func nextField(index: Int) throws(LearnError) -> (String, quoted: Bool) {
    let count = bytes.count
    while position < count, isPadding(bytes[position]) { position += 1 }
    if position < count, bytes[position] == CSVParser.quote {
      return (try quotedField(index: index), true)
    }
    let start = position
    while position < count {
      let byte = bytes[position]
      if byte == CSVParser.lineFeed || byte == CSVParser.carriageReturn || isSeparator(at: position) {
        break
      }
      position += 1
    }
    var end = position
    while end > start, isPadding(bytes[end - 1]) { end -= 1 }
    return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), false)
  }

  /// Reads a quoted field starting at the opening quote at `position`.
  mutating func quotedField(index: Int) throws(LearnError) -> String {
    let count = bytes.count
    let openLine = line
    position += 1
    scratch.removeAll(keepingCapacity: true)
    var segmentStart = position
    while true {
      guard position < count else {
        throw .malformedCSV(
          line: openLine, column: columnName(index),
          reason: "unterminated quoted field: the quote opened on line \(openLine) is never closed")
      }
      let byte = bytes[position]
      if byte == CSVParser.quote {
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<position]))
        if position + 1 < count, bytes[position + 1] == CSVParser.quote {
          scratch.append(CSVParser.quote)
          position += 2
          segmentStart = position
          continue
        }
        position += 1
        break
      }
      if byte == CSVParser.lineFeed {
        line += 1
      } else if byte == CSVParser.carriageReturn, position + 1 >= count || bytes[position + 1] != CSVParser.lineFeed {
        line += 1
      }
      position += 1
    }
    while position < count, isPadding(bytes[position]) { position += 1 }
    if position < count {
      let byte = bytes[position]
      if byte != CSVParser.lineFeed, byte != CSVParser.carriageReturn, !isSeparator(at: position) {
        throw .malformedCSV(
          line: line, column: columnName(index),
          reason: "unexpected text after a closing quote (a quote inside a quoted field must be doubled)")
      }
    }
    return String(decoding: scratch, as: UTF8.self)
  }
}
