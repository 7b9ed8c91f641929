// `learn`: the command-line tool. Subcommands grow with the library; today:
//   learn demo            cross-validated baselines on the built-in digits data
//   learn help | --help   usage
import Foundation
import Learn

let usage = """
  usage: learn <command> [options]

  commands:
    demo [--folds K] [--threads N]   cross-validate baseline models on the built-in digits data
    help                             show this text

  """

/// Writes `message` to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}

/// The value following `flag` in `arguments` parsed as a positive integer, or `fallback`.
func positiveInteger(_ flag: String, in arguments: [String], default fallback: Int) throws -> Int {
  guard let index = arguments.firstIndex(of: flag) else { return fallback }
  guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
    throw LearnError.invalidArgument(name: flag, reason: "expects a positive integer")
  }
  return value
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "demo":
    try runDemo(arguments: Array(arguments.dropFirst()))
  case nil, "help", "--help", "-h":
    print(usage, terminator: "")
  case let other?:
    printError("learn: unknown command '\(other)'\n" + usage)
    exit(2)
  }
} catch {
  printError("learn: \(error)")
  exit(1)
}
