import Foundation
import Learn

// Benchmarks hypergradient [--seeds 0-2] [--solvers adam,sgd] [--epochs 100] [--beta 0.02]
//
// Hypergradient descent on the MLP's learning rate (issue 18), on digits (the benchmark split,
// standardised): an MLP with 64 hidden units trained for exactly `--epochs` epochs (no early
// stop), its test accuracy averaged over the seeds. First a 7-point log grid of fixed rates per
// solver (adam 1e-4 … 1e-1, sgd 1e-3 … 1, half a decade apart); then, from the best grid rate
// divided and multiplied by 10, the same training with and without hypergradient descent
// (`hypergradientRate` = `--beta`). Each row carries the learned rate at epochs 1, 10, 25, 50 and
// the last (seed 0), the trajectory the guide reports.

func runHypergradientBenchmarks(arguments: [String]) throws {
  let seeds = parseSeeds(option("--seeds", in: arguments) ?? "0-2")
  let epochs = Int(option("--epochs", in: arguments) ?? "100") ?? 100
  let beta = Double(option("--beta", in: arguments) ?? "0.02") ?? 0.02
  let solvers = (option("--solvers", in: arguments) ?? "adam,sgd").split(separator: ",").compactMap { MLPSolver(rawValue: String($0)) }
  let (train, test) = try benchmarkData("digits", as: Int.self)
  let scaler = try StandardScaler().fit(train.x)
  let (x, testX) = (try scaler.transform(train.x), try scaler.transform(test.x))
  /// Mean test accuracy over the seeds, and seed 0's rate per epoch.
  func evaluate(_ solver: MLPSolver, rate: Double, beta: Double) throws -> (accuracy: Double, curve: [Double]) {
    var total = 0.0, curve: [Double] = []
    for seed in seeds {
      let estimator = MLPClassifier(hiddenLayerSizes: [64], solver: solver, learningRateInit: rate, maxIterations: epochs,
                                    seed: seed, nIterNoChange: epochs + 1, hypergradientRate: beta)
      let model = try estimator.fit(x, train.y)
      total += try accuracy(test.y, model.predict(testX))
      if curve.isEmpty { curve = model.learningRateCurve }
    }
    return (total / Double(seeds.count), curve)
  }
  func trajectory(_ curve: [Double]) -> String {
    "[" + [1, 10, 25, 50, curve.count].filter { $0 <= curve.count }.map { "[\($0), \(curve[$0 - 1])]" }.joined(separator: ", ") + "]"
  }
  for solver in solvers {
    let exponents = solver == .adam ? stride(from: -4.0, through: -1.0, by: 0.5) : stride(from: -3.0, through: 0.0, by: 0.5)
    var best = (rate: 0.0, accuracy: -1.0)
    for exponent in exponents {
      let rate = pow(10, exponent)
      let (score, _) = try evaluate(solver, rate: rate, beta: 0)
      emit([("benchmark", "\"hypergradient\""), ("solver", "\"\(solver.rawValue)\""), ("kind", "\"grid\""), ("rate", "\(rate)"),
            ("accuracy", "\(score)")])
      if score > best.accuracy { best = (rate, score) }
    }
    for factor in [0.1, 10] {
      for b in [0, beta] {
        let (score, curve) = try evaluate(solver, rate: best.rate * factor, beta: b)
        emit([("benchmark", "\"hypergradient\""), ("solver", "\"\(solver.rawValue)\""), ("kind", b > 0 ? "\"hypergradient\"" : "\"fixed\""),
              ("start", "\(best.rate * factor)"), ("best_grid_rate", "\(best.rate)"), ("best_grid_accuracy", "\(best.accuracy)"),
              ("accuracy", "\(score)"), ("gap_points", "\(100 * (best.accuracy - score))"), ("beta", "\(b)"),
              ("trajectory", trajectory(curve))])
      }
    }
  }
}
