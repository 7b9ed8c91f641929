import Foundation
import Learn

/// `learn report --journal FILE [--out FILE] [--title TEXT]`: an HTML report of the search a
/// journal records, including one other processes are still writing (it shows their trials so
/// far, running ones counted).
func runReport(arguments: [String]) throws {
  let options = try Options(arguments, command: "report", valued: ["--journal", "--out", "--title"])
  let path = try options.required("--journal")
  guard FileManager.default.fileExists(atPath: path) else { throw UsageError(description: "\(path): no such file") }
  let snapshot: JournalSnapshot
  do { snapshot = try JournalSnapshot(reading: path) } catch {
    throw UsageError(description: "learn report: \(error)")
  }
  let out = options.value("--out") ?? ((path as NSString).deletingPathExtension + ".html")
  guard URL(fileURLWithPath: out).standardizedFileURL.path != URL(fileURLWithPath: path).standardizedFileURL.path else {
    throw UsageError(description: "learn report: --out \(out) is the journal itself; name another file")
  }
  let title = options.value("--title") ?? "Search recorded in \((path as NSString).lastPathComponent)"
  let section = SearchReport.Section(name: snapshot.strategyName.map { "Search: \($0)" } ?? "Search", results: snapshot.results,
                                     facts: journalFacts(snapshot))
  try writeReport(SearchReport(title: title, sections: [section]), to: out)
  let counts = snapshot.statusCounts
  print("wrote \(out): \(snapshot.results.count) trials (\(counts.complete) complete, \(counts.running) running)")
}

/// The settings of a journal worth showing: estimator, strategy, scoring, seed.
func journalFacts(_ snapshot: JournalSnapshot) -> [SearchReport.Fact] {
  ["estimator", "strategy or search space", "strategy", "space", "scoring", "seed"].compactMap { key in
    snapshot.settings[key].map { SearchReport.Fact(key, $0) }
  }
}

/// Writes `report` to `path`, a usage error naming the path when it cannot.
func writeReport(_ report: SearchReport, to path: String) throws {
  do { try report.write(to: path) } catch {
    throw UsageError(description: "\(path): the report cannot be written (\(error))")
  }
}

/// What a Learn report holds: its title and each search's trials and best score.
func inspectReport(_ text: String) {
  func attribute(_ name: String, in tag: Substring) -> String? {
    guard let start = tag.range(of: name + "=\"") else { return nil }
    return String(tag[start.upperBound...].prefix { $0 != "\"" })
  }
  let title = text.range(of: "<title>").flatMap { start in
    text[start.upperBound...].range(of: "</title>").map { String(text[start.upperBound..<$0.lowerBound]) }
  } ?? ""
  let plots = text.components(separatedBy: "<svg class=\"plot ").count - 1
  print("search report \"\(unescapeHTML(title))\": \(plots) plots")
  for piece in text.components(separatedBy: "<section class=\"study\"").dropFirst() {
    let tag = piece.prefix { $0 != ">" }
    print("  \(unescapeHTML(attribute("data-name", in: tag) ?? "search")): \(attribute("data-trials", in: tag) ?? "?") trials, "
      + "\(attribute("data-complete", in: tag) ?? "?") complete, best \(attribute("data-best", in: tag) ?? "none")")
  }
}

/// `text` with the five entities the reports write turned back into characters.
func unescapeHTML(_ text: String) -> String {
  text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    .replacingOccurrences(of: "&amp;", with: "&")
}
