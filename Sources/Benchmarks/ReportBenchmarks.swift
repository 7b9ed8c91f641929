import Foundation
import Learn

/// Time and size of a search report (issue 17) for a random search of 40 and 1000 trials on the
/// quadratic of SearchReportTests (a real, a log-scaled and a categorical parameter); the peer,
/// Optuna's four matching plots written as offline HTML, is timed by
/// Fixtures/scripts/optuna_report_size.py on the same objective.
func runReportBenchmarks(repeats: Int) throws {
  for trials in [40, 1000] {
    let study = try minimize({ p in
      let x = p["x"]!.doubleValue!, rate = p["rate"]!.doubleValue!
      let shift = p["kind"] == "b" ? 0.2 : 0
      return (x - 0.3) * (x - 0.3) + 0.1 * abs(log10(rate) + 2) + shift
    }, space: ["x": .uniform(0, 1), "rate": .logUniform(1e-4, 1), "kind": .choice(["a", "b", "<c&d>"])], trials: trials, seed: 5)
    let report = SearchReport(title: "Quadratic", results: study.results)
    let t = time(repeats: repeats) { _ = report.html() }
    let html = report.html()
    emit([("benchmark", "\"report\""), ("trials", "\(trials)"), ("library", "\"learn\""), ("median_seconds", "\(t.median)"),
          ("bytes", "\(html.utf8.count)"), ("plots", "\(html.components(separatedBy: "<svg class=\"plot ").count - 1)")])
  }
}
