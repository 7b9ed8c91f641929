import Foundation
import Learn

/// `learn inspect FILE`: what a saved model, a search journal or a report holds, in a few lines.
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
  } else if prefix.hasPrefix("<!DOCTYPE html>"), case let text = try readText(path), text.contains("<meta name=\"generator\" content=\"Learn") {
    inspectReport(text)
  } else {
    throw UsageError(description: "\(path): not a Learn model file, search journal or report")
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

/// The trials of a journal by status, the strategy and the best finished one.
func inspectJournal(_ path: String) throws {
  let snapshot: JournalSnapshot
  do { snapshot = try JournalSnapshot(reading: path) } catch { throw UsageError(description: "learn inspect: \(error)") }
  let counts = snapshot.statusCounts
  let results = snapshot.results
  print("search journal: \(results.count) trials, \(counts.complete) complete, \(counts.failed) failed, \(counts.pruned) pruned, "
    + "\(counts.running) running or lost")
  if let strategy = snapshot.strategyName { print("strategy: \(strategy)") }
  if let best = results.bestIndex(results.metrics[0]) {
    print("best finished trial: \(best), mean \(results.metrics[0]) \(results.trials[best].meanTestScore(results.metrics[0]))")
  }
}
