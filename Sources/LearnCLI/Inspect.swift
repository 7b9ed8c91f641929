import Foundation
import Learn

/// `learn inspect FILE`: what a saved model or a search journal holds, in a few lines.
func runInspect(arguments: [String]) throws {
  let options = try Options(arguments, command: "inspect", valued: [])
  let path = try options.file("file")
  guard FileManager.default.fileExists(atPath: path) else { throw UsageError(description: "\(path): no such file") }
  let url = URL(fileURLWithPath: path)
  let prefix = (try? FileHandle(forReadingFrom: url).read(upToCount: 256)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
  if prefix.contains("\"learn-model\"") {
    try inspectModel(url)
  } else if prefix.hasPrefix("{") && prefix.contains("\"fields\"") {
    try inspectJournal(path)
  } else {
    throw UsageError(description: "\(path): neither a Learn model file nor a search journal")
  }
}

/// The header, the type and what the model says of itself.
func inspectModel(_ url: URL) throws {
  let data = try Data(contentsOf: url)
  let header = try ModelFile.header(of: data)
  let value = try ModelFile.loadAny(from: data)
  print("model file, format version \(header.formatVersion), written by Learn \(header.learnVersion), \(data.count) bytes")
  print("type: \(type(of: value).typeTag)")
  if let csv = value as? CSVModel<AnyModel<Int>> { describe(csv.encoding) }
  if let csv = value as? CSVModel<AnyModel<Double>> { describe(csv.encoding) }
  if let classifier = value as? any ClassifierModel { print("classes: \(classifier.classes.map(String.init).joined(separator: ", "))") }
  if let estimator = value as? any Tunable {
    let parameters = estimator.parameters.sorted { $0.key < $1.key }
    print("hyperparameters: " + parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
  }
}

/// The columns, categories and labels of a training file's encoding.
func describe(_ encoding: CSVEncoding) {
  print("features (\(encoding.featureNames.count)): \(encoding.featureNames.joined(separator: ", "))")
  for (column, names) in encoding.categories.sorted(by: { $0.key < $1.key }) {
    print("  \(encoding.featureNames[column]): categories \(names.joined(separator: ", "))")
  }
  if let target = encoding.targetName { print("target: \(target)") }
  if !encoding.classNames.isEmpty {
    print("labels: " + encoding.classNames.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
  }
}

/// The trials of a journal by status, and the best finished one.
func inspectJournal(_ path: String) throws {
  let lines = try readText(path).split(separator: "\n").dropFirst()
  var status: [Int: String] = [:]
  var best: (index: Int, value: Double)?
  for line in lines {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let op = object["op"] as? String, let record = object["record"] as? [String: Any],
          let index = record["index"] as? Int else { continue }
    if op == "created" { status[index] = status[index] ?? "running" }
    if op == "finished" {
      status[index] = "finished"
      if let scores = record["testScores"] as? [String: [Any]], let first = scores.keys.sorted().first,
         let values = scores[first]?.compactMap({ $0 as? Double }), !values.isEmpty {
        let mean = values.reduce(0, +) / Double(values.count)
        if mean.isFinite, best == nil || mean > best!.value { best = (index, mean) }
      }
    }
  }
  let finished = status.values.filter { $0 == "finished" }.count
  print("search journal: \(status.count) trials, \(finished) finished, \(status.count - finished) running or lost")
  if let best { print("best finished trial: \(best.index), mean test score \(best.value)") }
}
