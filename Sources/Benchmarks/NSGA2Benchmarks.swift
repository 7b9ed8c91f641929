import Foundation
import Learn

// Benchmarks nsga2 [--seeds 0-9] [--trials 2000] [--dims 30]
//
// NSGA-II (issue 18) on ZDT1 (30 variables in [0, 1], both objectives minimised), beside
// Fixtures/scripts/bench_nsga2.py, which runs Optuna's NSGAIISampler (population 50, its
// defaults) the same way: per seed, the hypervolume of the non-dominated front of every trial
// after the budget, for the reference points (1.1, 1.1) and (11, 11). Learn's runs go through the
// multi-objective `optimize` with its default NSGAIISearch (population 50), which rebuilds its
// populations from the record at every decision.

/// ZDT1's two objectives at `x` (Zitzler, Deb and Thiele, 2000).
func zdt1(_ x: [Double]) -> [Double] {
  let f1 = x[0]
  let g = 1 + 9 * x.dropFirst().reduce(0, +) / Double(x.count - 1)
  return [f1, g * (1 - (f1 / g).squareRoot())]
}

func runNSGA2Benchmarks(arguments: [String]) throws {
  let trials = Int(option("--trials", in: arguments) ?? "2000") ?? 2000
  let dims = Int(option("--dims", in: arguments) ?? "30") ?? 30
  let names = (0..<dims).map { String(format: "x%02d", $0) }
  let space = Dictionary(uniqueKeysWithValues: names.map { ($0, Distribution.uniform(0, 1)) })
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-9") {
    let start = DispatchTime.now().uptimeNanoseconds
    let study = try optimize({ p in zdt1(names.map { p[$0]!.doubleValue! }) }, directions: [.minimize, .minimize],
                             space: space, trials: trials, seed: seed)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let results = study.results
    emit([("benchmark", "\"nsga2\""), ("library", "\"learn\""), ("function", "\"zdt1\""), ("seed", "\(seed)"),
          ("trials", "\(trials)"), ("hv_1.1", "\(try results.hypervolume(reference: [1.1, 1.1]))"),
          ("hv_11", "\(try results.hypervolume(reference: [11, 11]))"), ("front", "\(results.paretoFront().count)"),
          ("seconds", "\(wall)")])
  }
}
