import Foundation
import Learn

/// `learn predict --model FILE --data CSV [--out FILE] [--separator C]`: the saved model's
/// predictions for the CSV's rows, one per line under a `prediction` header. A model saved with
/// its training file's encoding (`CSVModel`) reads the columns by name and gives the original
/// labels; any other model reads every column as a number, in order.
func runPredict(arguments: [String]) throws {
  let options = try Options(arguments, command: "predict", valued: ["--model", "--data", "--out", "--separator"])
  let modelPath = try options.required("--model"), dataPath = try options.required("--data")
  let separator = try separatorOption(options)
  guard FileManager.default.fileExists(atPath: modelPath) else { throw UsageError(description: "\(modelPath): no such file") }
  let model = try ModelFile.loadAny(from: URL(fileURLWithPath: modelPath))
  let text = try readText(dataPath)
  let predictions = try predictions(of: model, csv: text, separator: separator)
  let output = (["prediction"] + predictions.map(csvCell)).joined(separator: "\n") + "\n"
  if let out = options.value("--out") {
    do { try output.write(toFile: out, atomically: true, encoding: .utf8) } catch {
      throw UsageError(description: "\(out): cannot be written")
    }
  } else {
    print(output, terminator: "")
  }
}

/// The `--separator` option: one character, `,` by default.
func separatorOption(_ options: Options) throws -> Character {
  guard let text = options.value("--separator") else { return "," }
  guard text.count == 1, let character = text.first else {
    throw UsageError(description: "learn \(options.command): --separator expects one character, got '\(text)'")
  }
  return character
}

/// `model`'s predictions for the rows of `text`, spelled for output.
func predictions(of model: any Persistable, csv text: String, separator: Character) throws -> [String] {
  if let classifier = model as? CSVModel<AnyModel<Int>> {
    return try classifier.predictLabels(csv: text, separator: separator)
  }
  if let regressor = model as? CSVModel<AnyModel<Double>> {
    return try regressor.predict(csv: text, separator: separator).map { String($0) }
  }
  guard let predictor = model as? any Predictor else {
    throw UsageError(description: "the file holds a \(type(of: model)), which is not a fitted model")
  }
  let table = try CSVTable(parsing: text, separator: separator)
  var elements: [Double] = []
  for (row, fields) in table.rows.enumerated() {
    for (column, field) in fields.enumerated() {
      guard let value = Double(field.trimmingCharacters(in: .whitespaces)) else {
        throw LearnError.malformedCSV(line: table.lineNumbers[row], column: table.header[column],
                                      reason: "'\(field)' is not a number (save the model as a CSVModel to read text columns)")
      }
      elements.append(value)
    }
  }
  let x = try Matrix(rowCount: table.rows.count, columnCount: table.header.count, elements: elements)
  return try predict(predictor, x)
}

/// `predictor`'s predictions for `x`, as text.
func predict<P: Predictor>(_ predictor: P, _ x: Matrix) throws -> [String] {
  try predictor.predict(x).map { "\($0)" }
}

/// `value` as a CSV cell (quoted when it holds a separator, a quote or a line break).
func csvCell(_ value: String) -> String {
  guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
  return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
