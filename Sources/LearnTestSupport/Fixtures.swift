import Foundation

/// Reads the committed fixtures in the repository's top-level `Fixtures/` folder.
///
/// Fixtures are produced offline by the Python scripts in `Fixtures/scripts/` (scikit-learn 1.9.1,
/// numpy) and committed; tests read them and never run Python. The folder is found from this
/// file's `#filePath`, so tests work from any working directory of a source checkout.
public enum Fixtures {
  /// The `Fixtures/` directory of the checkout this file was compiled from.
  public static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // LearnTestSupport
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()  // checkout
    .appendingPathComponent("Fixtures", isDirectory: true)

  /// The URL of `relativePath` inside `Fixtures/`.
  public static func url(_ relativePath: String) -> URL {
    directory.appendingPathComponent(relativePath)
  }

  /// The bytes of a fixture file; throws ``FixtureError`` naming the path when it is missing.
  public static func data(_ relativePath: String) throws -> Data {
    let url = url(relativePath)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw FixtureError(path: url.path, reason: "file not found (run the script in Fixtures/scripts/)")
    }
    return data
  }

  /// A fixture decoded from JSON.
  public static func decode<T: Decodable>(_ type: T.Type, from relativePath: String) throws -> T {
    do {
      return try JSONDecoder().decode(T.self, from: data(relativePath))
    } catch let error as FixtureError {
      throw error
    } catch {
      throw FixtureError(path: url(relativePath).path, reason: "cannot decode \(T.self): \(error)")
    }
  }
}

/// A fixture that is missing or does not decode.
public struct FixtureError: Error, CustomStringConvertible {
  /// The fixture's path.
  public let path: String
  /// What went wrong.
  public let reason: String
  /// A readable description, used in error messages and logs.
  public var description: String { "fixture \(path): \(reason)" }
}
