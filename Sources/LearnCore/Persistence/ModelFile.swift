import Foundation

/// Learn's file format for configurations and fitted models: UTF-8 JSON,
///
///     {"format": "learn-model", "formatVersion": 1, "learnVersion": "0.15.0",
///      "model": {"type": "RandomForestClassifier.Model", "value": {…}}}
///
/// with large numeric arrays packed as base64 of little-endian bytes (``PackedArray``), keys
/// sorted, so one model always gives the same bytes. Loading caps the size before reading,
/// checks the format name and version, builds only registered types (``ModelRegistry``) and
/// checks every value (``Persistable/checkLoaded()``); a damaged or hostile file gives
/// ``LearnError/unreadableModel(field:reason:)`` naming the field, never a trap.
///
/// These are the low-level entry points: they decode type-erased parts (`AnyModel`, pipeline
/// steps) only for types already registered in ``ModelRegistry/shared``. The `Learn` module's
/// `save(to:)`, `load(from:)` and `ModelFile.loadAny(from:)` register Learn's own types first.
public enum ModelFile {
  /// The `format` field of every file.
  public static let formatName = "learn-model"
  /// The version this Learn writes; it reads every version from 1 to this one.
  public static let formatVersion = 1
  /// The Learn release writing the files, recorded in each (for people; loading checks the
  /// format version only).
  public static let learnVersion = "0.15.0"
  /// The largest file loading accepts unless told otherwise: 1 GiB.
  public static let defaultMaximumBytes = 1 << 30

  /// The fields of a file other than the model.
  public struct Header: Codable, Sendable, Hashable {
    /// Always ``ModelFile/formatName``.
    public var format: String
    /// The format version the file was written in.
    public var formatVersion: Int
    /// The Learn release that wrote it.
    public var learnVersion: String
  }

  private struct Envelope<Value: Persistable>: Codable {
    var format: String
    var formatVersion: Int
    var learnVersion: String
    var model: Tagged<Value>
  }

  private struct AnyEnvelope: Decodable {
    var model: AnyTagged
  }

  private struct AnyTagged: Decodable {
    var value: any Persistable
    init(from decoder: any Decoder) throws {
      value = try ModelRegistry.shared.decode((any Persistable).self, from: decoder.container(keyedBy: TaggedValueKey.self))
    }
  }

  // MARK: Bytes

  /// `value` as the bytes of a model file.
  public static func encode<T: Persistable>(_ value: T) throws(LearnError) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let envelope = Envelope(format: formatName, formatVersion: formatVersion, learnVersion: learnVersion, model: Tagged(value))
    do { return try encoder.encode(envelope) } catch {
      throw .invalidArgument(name: "value", reason: "a \(T.typeTag) could not be saved: \(describe(error))")
    }
  }

  /// The `T` in a model file's bytes, checked; throws ``LearnError/unreadableModel(field:reason:)``
  /// naming the faulty field for a file that is too large, not a model file, of a newer format
  /// version, of another type or damaged.
  public static func decode<T: Persistable>(
    _ type: T.Type, from data: Data, maximumBytes: Int = defaultMaximumBytes
  ) throws(LearnError) -> T {
    try checkHeader(data, maximumBytes: maximumBytes)
    return try decoding { try decoder().decode(Envelope<T>.self, from: data).model.value }
  }

  /// The model in a file's bytes as whatever registered type its tag names, checked; throws as
  /// ``decode(_:from:maximumBytes:)``.
  public static func decodeAny(from data: Data, maximumBytes: Int = defaultMaximumBytes) throws(LearnError) -> any Persistable {
    try checkHeader(data, maximumBytes: maximumBytes)
    return try decoding { try decoder().decode(AnyEnvelope.self, from: data).model.value }
  }

  /// The header of a file's bytes: format, format version and Learn version.
  public static func header(of data: Data, maximumBytes: Int = defaultMaximumBytes) throws(LearnError) -> Header {
    try checkHeader(data, maximumBytes: maximumBytes)
  }

  @discardableResult
  private static func checkHeader(_ data: Data, maximumBytes: Int) throws(LearnError) -> Header {
    guard data.count <= maximumBytes else {
      throw .unreadableModel(field: "file", reason: "\(data.count) bytes is more than the \(maximumBytes) allowed")
    }
    let header = try decoding { try decoder().decode(Header.self, from: data) }
    guard header.format == formatName else {
      throw .unreadableModel(field: "format", reason: "\"\(header.format)\" is not a Learn model file (\"\(formatName)\")")
    }
    guard (1...formatVersion).contains(header.formatVersion) else {
      throw .unreadableModel(
        field: "formatVersion",
        reason: "the file is in format version \(header.formatVersion) (Learn \(header.learnVersion)); "
          + "Learn \(learnVersion) reads versions 1 to \(formatVersion)")
    }
    return header
  }

  private static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  private static func decoding<R>(_ body: () throws -> R) throws(LearnError) -> R {
    do { return try body() } catch let error as LearnError {
      throw error
    } catch let error as DecodingError {
      throw unreadable(error)
    } catch {
      throw .unreadableModel(field: "file", reason: describe(error))
    }
  }

  private static func unreadable(_ error: DecodingError) -> LearnError {
    switch error {
    case .typeMismatch(let type, let context):
      return .unreadableModel(field: field(context.codingPath), reason: "is not a \(type): \(context.debugDescription)")
    case .valueNotFound(let type, let context):
      return .unreadableModel(field: field(context.codingPath), reason: "a \(type) is missing")
    case .keyNotFound(let key, let context):
      return .unreadableModel(field: field(context.codingPath + [key]), reason: "is missing")
    case .dataCorrupted(let context):
      let underlying = context.underlyingError.map { " (\(describe($0)))" } ?? ""
      return .unreadableModel(field: field(context.codingPath), reason: context.debugDescription + underlying)
    @unknown default:
      return .unreadableModel(field: "file", reason: describe(error))
    }
  }

  private static func field(_ path: [any CodingKey]) -> String {
    let text = PersistenceCheck.describe(path)
    return text.isEmpty ? "file" : text
  }

  private static func describe(_ error: any Error) -> String {
    if let error = error as? LearnError { return error.description }
    if let error = error as? EncodingError, case .invalidValue(_, let context) = error {
      return context.debugDescription + " at " + field(context.codingPath)
    }
    return String(describing: error)
  }

  // MARK: Files

  /// Writes `value` to `url` safely: into a temporary file beside it, flushed to disk, then
  /// renamed over `url`, so a crash leaves either the old file or the new one, never half of one.
  public static func write<T: Persistable>(_ value: T, to url: URL) throws(LearnError) {
    try DurableFile.write(encode(value), to: url.path)
  }

  /// The `T` saved at `url`, checked; reads at most `maximumBytes` bytes (a larger file is an
  /// error before anything is decoded).
  public static func read<T: Persistable>(
    _ type: T.Type, from url: URL, maximumBytes: Int = defaultMaximumBytes
  ) throws(LearnError) -> T {
    try decode(type, from: DurableFile.read(url.path, maximumBytes: maximumBytes), maximumBytes: maximumBytes)
  }

  /// The model saved at `url` as whatever registered type it names, checked; reads as
  /// ``read(_:from:maximumBytes:)``.
  public static func readAny(from url: URL, maximumBytes: Int = defaultMaximumBytes) throws(LearnError) -> any Persistable {
    try decodeAny(from: DurableFile.read(url.path, maximumBytes: maximumBytes), maximumBytes: maximumBytes)
  }
}

/// Whole-file reads with a size cap and crash-safe writes (temporary file, `fsync`, `rename`,
/// `fsync` of the folder): model files and search checkpoints.
public enum DurableFile {
  /// Writes `data` to `path` so that a crash leaves the old file or the new one.
  public static func write(_ data: Data, to path: String) throws(LearnError) {
    let folder = (path as NSString).deletingLastPathComponent
    let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io(path: path, reason: "could not create \(temporary): \(errorText())") }
    var failure: String? = nil
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = "could not write: \(errorText())"
          return
        }
        offset += written
      }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = "could not flush: \(errorText())" }
    close(descriptor)
    if failure == nil, rename(temporary, path) != 0 { failure = "could not rename the new file into place: \(errorText())" }
    guard failure == nil else {
      unlink(temporary)
      throw .io(path: path, reason: failure!)
    }
    let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
    if directory >= 0 {
      _ = fsync(directory)
      close(directory)
    }
  }

  /// The bytes of the file at `path`; throws when it cannot be read or holds more than
  /// `maximumBytes` (checked while reading, so a growing file or a device is cut off too).
  public static func read(_ path: String, maximumBytes: Int) throws(LearnError) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(path: path, reason: "could not open: \(errorText())") }
    defer { close(descriptor) }
    var info = stat()
    var expected = 0
    if fstat(descriptor, &info) == 0 {
      guard Int(info.st_size) <= maximumBytes else {
        throw .unreadableModel(field: "file", reason: "\(info.st_size) bytes is more than the \(maximumBytes) allowed")
      }
      expected = Int(info.st_size)
    }
    // One read into a buffer of the file's size, then more only if the file grew (or is a pipe).
    var data = Data(count: expected + 1)
    var filled = 0
    while true {
      if filled == data.count {
        guard filled <= maximumBytes else {
          throw .unreadableModel(field: "file", reason: "more than the \(maximumBytes) bytes allowed")
        }
        data.count = Swift.min(maximumBytes + 1, Swift.max(2 * filled, 1 << 16))
      }
      let count = data.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, reason: "could not read: \(errorText())")
      }
      if count == 0 { break }
      filled += count
    }
    guard filled <= maximumBytes else {
      throw .unreadableModel(field: "file", reason: "more than the \(maximumBytes) bytes allowed")
    }
    data.count = filled
    return data
  }

  private static func errorText() -> String { String(cString: strerror(errno)) }
}
