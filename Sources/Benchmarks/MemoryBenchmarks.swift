// Peak memory of big fits (issue 19), each in a fresh child process, beside scikit-learn's
// (Fixtures/scripts/bench_memory.py, the same fits on data of the same shape):
//
//   swift run -c release Benchmarks memory [--rows 1000000] [--fits data,forest,mlp]
//
// The parent runs `Benchmarks memory-child <fit> <rows>` for each fit; the child generates
// make_classification(rows, 20) data, fits, and prints its own peak resident memory
// (`getrusage(RUSAGE_SELF).ru_maxrss`, a fresh process, so nothing else counts) and the time.
// `data` only generates the rows: the fits' own memory is their peak minus that one.

import Foundation
import Learn

#if canImport(Glibc)
import Glibc
/// `RUSAGE_SELF` as `getrusage` takes it, and `ru_maxrss`'s unit (kilobytes on Linux).
private let selfUsage = __rusage_who_t(RUSAGE_SELF.rawValue)
private let maxRSSBytes = 1024.0
#elseif canImport(Darwin)
import Darwin
/// `RUSAGE_SELF` as `getrusage` takes it, and `ru_maxrss`'s unit (bytes on macOS).
private let selfUsage = RUSAGE_SELF
private let maxRSSBytes = 1.0
#endif

/// Runs every fit of `--fits` in its own child process and prints the children's lines.
func runMemoryBenchmarks(arguments: [String]) throws {
  let rows = option("--rows", in: arguments).flatMap(Int.init) ?? 1_000_000
  let fits = (option("--fits", in: arguments) ?? "data,forest,mlp").split(separator: ",").map(String.init)
  for fit in fits {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["memory-child", fit, String(rows)]
    try child.run()
    child.waitUntilExit()
    guard child.terminationStatus == 0 else { throw LearnError.invalidArgument(name: "fit", reason: "\(fit) exited with \(child.terminationStatus)") }
  }
}

/// One fit in this (fresh) process, then its peak memory as JSON.
func runMemoryChild(fit: String, rows: Int) throws {
  let data = try Datasets.makeClassification(samples: rows, features: 20, seed: 0)
  let start = DispatchTime.now().uptimeNanoseconds
  var detail = ""
  switch fit {
  case "data": break
  case "forest":
    let model = try RandomForestClassifier(nEstimators: 100, seed: 0).fit(data.x, data.y)
    detail = ", \"nodes\": \(model.trees.reduce(0) { $0 + $1.feature.count })"
  case "mlp":
    let model = try MLPClassifier(hiddenLayerSizes: [100], maxIterations: 10, seed: 0).fit(data.x, data.y)
    detail = ", \"epochs\": \(model.iterations)"
  default:
    throw LearnError.invalidArgument(name: "fit", reason: "expected data, forest or mlp, got '\(fit)'")
  }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  var usage = rusage()
  getrusage(selfUsage, &usage)
  let megabytes = Double(usage.ru_maxrss) * maxRSSBytes / 1_048_576
  emit([("benchmark", "\"memory\""), ("library", "\"learn\""), ("fit", "\"\(fit)\""), ("rows", "\(rows)"),
        ("peak_mb", String(format: "%.1f", megabytes)), ("seconds", String(format: "%.2f", seconds))])
  if !detail.isEmpty { FileHandle.standardError.write("\(fit)\(detail)\n".data(using: .utf8)!) }
}
