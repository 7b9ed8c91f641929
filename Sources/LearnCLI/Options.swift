import Foundation
import Learn

/// A command-line mistake: one line for the user and exit status 2.
struct UsageError: Error, CustomStringConvertible {
  let description: String
}

/// A command's options: `--name value` pairs, `--flag` switches and positional arguments, checked
/// against what the command accepts, so an unknown or incomplete option is one clear line.
struct Options {
  let command: String
  private var values: [String: String] = [:]
  /// Every value of each option, in order (an option given twice keeps both here; ``value(_:)``
  /// is the last).
  private var allValues: [String: [String]] = [:]
  private var switches: Set<String> = []
  /// The arguments that are not options, in order.
  private(set) var positional: [String] = []

  /// Parses `arguments` for `command`, which takes the options in `valued` (each followed by a
  /// value) and the switches in `flags`.
  init(_ arguments: [String], command: String, valued: Set<String>, flags: Set<String> = []) throws {
    self.command = command
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument.hasPrefix("--") {
        if flags.contains(argument) {
          switches.insert(argument)
        } else if valued.contains(argument) {
          guard index + 1 < arguments.count else {
            throw UsageError(description: "learn \(command): \(argument) needs a value")
          }
          values[argument] = arguments[index + 1]
          allValues[argument, default: []].append(arguments[index + 1])
          index += 1
        } else {
          let known = (valued.union(flags)).sorted().joined(separator: ", ")
          throw UsageError(description: "learn \(command): unknown option '\(argument)'" + (known.isEmpty ? "" : "; options: \(known)"))
        }
      } else {
        positional.append(argument)
      }
      index += 1
    }
  }

  /// The value of `name`, if given (the last, when given several times).
  func value(_ name: String) -> String? { values[name] }

  /// Every value given for `name`, in order.
  func values(_ name: String) -> [String] { allValues[name] ?? [] }

  /// The value of `name`; a usage error when it is missing.
  func required(_ name: String) throws -> String {
    guard let value = values[name] else { throw UsageError(description: "learn \(command): \(name) is required") }
    return value
  }

  /// Whether the switch `name` was given.
  func has(_ name: String) -> Bool { switches.contains(name) }

  /// The value of `name` as a positive integer, or `fallback`.
  func positiveInteger(_ name: String, default fallback: Int) throws -> Int {
    guard let text = values[name] else { return fallback }
    guard let value = Int(text), value > 0 else {
      throw UsageError(description: "learn \(command): \(name) expects a positive integer, got '\(text)'")
    }
    return value
  }

  /// The single positional argument (a file); a usage error when there is none or several.
  func file(_ what: String) throws -> String {
    guard positional.count == 1 else {
      throw UsageError(description: "learn \(command): expects one \(what), got \(positional.count)")
    }
    return positional[0]
  }
}

/// Reads the text file at `path`, with a one-line error when it cannot.
func readText(_ path: String) throws -> String {
  guard FileManager.default.fileExists(atPath: path) else { throw UsageError(description: "\(path): no such file") }
  do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
    throw UsageError(description: "\(path): cannot be read as UTF-8 text")
  }
}
