import Foundation
import Learn

// Benchmarks cmaes [--seeds 0-9] [--separable]
//
// CMA-ES (issue 18) on the functions of Fixtures/scripts/bench_cmaes.py, which runs the `cmaes`
// package (Optuna's CmaEsSampler) the same way: per seed, the evaluations to reach f < 1e-8 on a
// sphere centred at 1.5 and f < 1e-6 on Rosenbrock (d = 10, box [-5, 5]^10; at most 30,000),
// and the regret on Hartmann-6 after 200 evaluations. Learn's runs go through `minimize` with a
// `CMAESSearch`: the strategy rebuilds its state from the record at every decision.

extension TestProblem {
  static func box(_ d: Int) -> [String: Distribution] {
    Dictionary(uniqueKeysWithValues: (0..<d).map { ("x\($0)", Distribution.uniform(-5, 5)) })
  }

  static let sphere10 = TestProblem(name: "sphere10", space: box(10), minimum: 0) { p in
    (0..<10).reduce(0) { sum, i in let v = p["x\(i)"]!.doubleValue! - 1.5; return sum + v * v }
  }

  static let rosenbrock10 = TestProblem(name: "rosenbrock10", space: box(10), minimum: 0) { p in
    let x: [Double] = (0..<10).map { p["x\($0)"]!.doubleValue! }
    var total = 0.0
    for i in 0..<9 {
      let valley: Double = x[i + 1] - x[i] * x[i]
      let offset: Double = 1 - x[i]
      total += 100 * valley * valley + offset * offset
    }
    return total
  }
}

func runCMAESBenchmarks(arguments: [String]) throws {
  let separable = arguments.contains("--separable")
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-9") {
    for (problem, target) in [(TestProblem.sphere10, 1e-8), (TestProblem.rosenbrock10, 1e-6)] {
      let cap = 30_000
      let start = DispatchTime.now().uptimeNanoseconds
      let study = try minimize(problem.function, space: problem.space, trials: cap,
                               strategy: try CMAESSearch(iterations: cap, separable: separable), seed: seed,
                               stop: StopConditions(targetScore: target))
      let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let reached = study.trials.firstIndex { $0.meanTestScore("value") < target }
      emit([("benchmark", "\"cmaes\""), ("library", "\"learn\""), ("function", "\"\(problem.name)\""), ("seed", "\(seed)"),
            ("evaluations", reached.map { "\($0 + 1)" } ?? "null"), ("best", "\(study.bestValue)"),
            ("separable", "\(separable)"), ("wall_seconds", "\(wall)")])
    }
    let problem = TestProblem.hartmann6
    let study = try minimize(problem.function, space: problem.space, trials: 200,
                             strategy: try CMAESSearch(iterations: 200, separable: separable), seed: seed)
    emit([("benchmark", "\"cmaes\""), ("library", "\"learn\""), ("function", "\"hartmann6\""), ("seed", "\(seed)"),
          ("evaluations", "200"), ("regret", "\(study.bestValue - problem.minimum)"), ("separable", "\(separable)")])
  }
}
