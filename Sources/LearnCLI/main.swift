// `learn`: the command-line tool. Subcommands grow with the library; today:
//   learn demo                              cross-validated baselines on the built-in digits data
//   learn tune --data CSV --target COLUMN   tune a model on a CSV and save it
//   learn cv --data CSV --target COLUMN     cross-validate one configuration
//   learn predict --model FILE --data CSV   a saved model's predictions
//   learn inspect FILE                      what a model file, a search journal or a report holds
//   learn report --journal FILE             an HTML report of a journal's search
//   learn help | --help                     usage
import Foundation
import Learn

let usage = """
  usage: learn <command> [options]

  commands:
    demo [--quick | --smoke] [--threads N] [--verbose N] [--report FILE]
                                     tune an MLP on digits by every kind of search and compare
    tune --data CSV --target COLUMN [--estimator NAME] [--search NAME] [--trials N] [--out DIR] …
                                     tune a model on any CSV (`learn tune --help` for every option)
    cv --data CSV --target COLUMN [--estimator NAME] [--set NAME=VALUE,…] [--cv K] [--scoring S,…]
                                     cross-validate one configuration, fold by fold
    predict --model FILE --data CSV [--out FILE] [--separator C]
                                     a saved model's predictions for the CSV's rows (the original
                                     labels for a model saved with its training file's encoding)
    inspect FILE                     what a saved model, a search journal or a report holds
    report --journal FILE [--out FILE] [--title TEXT]
                                     an HTML report (plots and tables) of the search a journal
                                     records, also while other processes are still writing it
    help                             show this text; `learn <command> --help` shows every option

  """

/// Writes `message` to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case let command? where arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) && commandHelp[command] != nil:
    print(commandHelp[command]!)
  case "demo":
    try runDemo(arguments: Array(arguments.dropFirst()))
  case "tune":
    try runTune(arguments: Array(arguments.dropFirst()))
  case "cv":
    try runCrossValidation(arguments: Array(arguments.dropFirst()))
  case "predict":
    try runPredict(arguments: Array(arguments.dropFirst()))
  case "report":
    try runReport(arguments: Array(arguments.dropFirst()))
  case "inspect":
    try runInspect(arguments: Array(arguments.dropFirst()))
  case nil, "help", "--help", "-h":
    print(usage, terminator: "")
  case let other?:
    printError("learn: unknown command '\(other)'\n" + usage)
    exit(2)
  }
} catch let error as UsageError {
  printError(error.description)
  exit(2)
} catch {
  printError("learn: \(error)")
  exit(1)
}
