// Benchmarks: timings as JSON, for release builds only.
//
//   swift run -c release Benchmarks gemm [--repeats N]
//   swift run -c release Benchmarks estimators [--family F] [--estimator NAME] [--runs N]
//   swift run -c release Benchmarks engine [--repeats N]
//   swift run -c release Benchmarks bayes [--timing] (see BayesBenchmarks.swift)
//   swift run -c release Benchmarks hyperband-mlp (see HyperbandBenchmarks.swift)
//   swift run -c release Benchmarks report (see ReportBenchmarks.swift)
//   swift run -c release Benchmarks cmaes [--seeds 0-9] (see CMAESBenchmarks.swift)
//   swift run -c release Benchmarks nsga2 [--seeds 0-9] [--trials 2000] (see NSGA2Benchmarks.swift)
//   swift run -c release Benchmarks hypergradient [--seeds 0-2] [--beta 0.02] (see HypergradientBenchmarks.swift)
//   swift run -c release Benchmarks memory [--rows 1000000] (see MemoryBenchmarks.swift)
//   swift run -c release Benchmarks forest-bins [--seeds 0-4] (see OneDALBenchmarks.swift)
//
// Each benchmark prints one JSON object per line. Fixtures/scripts/bench_numpy_gemm.py times the
// same operations with numpy on the same machine; Docs/Benchmarks.md reports the ratios.

import Foundation
import Learn

/// Wall-clock seconds of `body`, best and median over `repeats` runs after one warm-up.
func time(repeats: Int, _ body: () -> Void) -> (best: Double, median: Double) {
  body()
  var samples: [Double] = []
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  samples.sort()
  return (samples[0], samples[samples.count / 2])
}

func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
  var generator = Xoshiro256StarStar(seed: seed)
  return Matrix(rowCount: rows, columnCount: columns) { _, _ in generator.nextUniform() }
}

func emit(_ fields: [(String, String)]) {
  print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

func benchmarkGEMM(repeats: Int) {
  let kernel = "\"\(gemmKernel)\""
  for n in [256, 512, 1024] {
    let a = randomMatrix(n, n, seed: 1), b = randomMatrix(n, n, seed: 2)
    var c = Matrix(rowCount: n, columnCount: n)
    for (label, parallelism) in [("1", Parallelism.serial), ("all", Parallelism.automatic)] {
      let t = time(repeats: repeats) { try! gemm(a, b, into: &c, parallelism: parallelism) }
      let flops = 2.0 * Double(n) * Double(n) * Double(n)
      emit([("benchmark", "\"gemm\""), ("n", "\(n)"), ("threads", "\"\(label)\""),
            ("kernel", kernel), ("best_seconds", "\(t.best)"), ("median_seconds", "\(t.median)"),
            ("gflops", String(format: "%.2f", flops / t.best / 1e9))])
    }
  }
}

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 5
if let flag = arguments.firstIndex(of: "--repeats"), flag + 1 < arguments.count, let n = Int(arguments[flag + 1]) {
  repeats = n
  arguments.removeSubrange(flag...flag + 1)
}
/// The value after `flag`, if any.
func option(_ flag: String, in arguments: [String]) -> String? {
  guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

let which = arguments.first ?? "gemm"
do {
  switch which {
  case "gemm": benchmarkGEMM(repeats: repeats)
  case "spin-team": runSpinTeamBenchmarks()
  case "estimators": try runEstimatorBenchmarks(
      family: option("--family", in: arguments), only: option("--estimator", in: arguments),
      runs: option("--runs", in: arguments).flatMap(Int.init))
  case "engine": try runEngineBenchmarks(repeats: repeats)
  case "journal-worker": try runJournalWorker(path: arguments[1])
  case "bayes": try runBayesBenchmarks(arguments: arguments)
  case "bayes-cv": try runBayesCVBenchmarks(arguments: arguments)
  case "hyperband-mlp": try runHyperbandBenchmarks(arguments: arguments)
  case "persistence": try runPersistenceBenchmarks(repeats: repeats)
  case "pbt": try runPBTBenchmarks(arguments: arguments)
  case "report": try runReportBenchmarks(repeats: repeats)
  case "cmaes": try runCMAESBenchmarks(arguments: arguments)
  case "nsga2": try runNSGA2Benchmarks(arguments: arguments)
  case "hypergradient": try runHypergradientBenchmarks(arguments: arguments)
  case "memory": try runMemoryBenchmarks(arguments: arguments)
  case "forest-bins": try runForestBinBenchmarks(arguments: arguments)
  case "memory-child": try runMemoryChild(fit: arguments[1], rows: Int(arguments[2]) ?? 1_000_000)
  case "gp-fit": try runGaussianProcessFitCheck(path: arguments[1])
  case "gp-proposal": try runProposalTiming(observations: Int(arguments[1]) ?? 200, repeats: repeats)
  default:
    FileHandle.standardError.write("unknown benchmark '\(which)'; known: gemm, estimators, engine, bayes, bayes-cv, hyperband-mlp, persistence, pbt\n".data(using: .utf8)!)
    exit(2)
  }
} catch {
  FileHandle.standardError.write("Benchmarks: \(error)\n".data(using: .utf8)!)
  exit(1)
}
