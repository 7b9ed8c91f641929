// Model-based search on standard test functions: simple regret after 20 and 50 evaluations, and
// the optimiser's own time per suggestion (wall time between the end of one evaluation and the
// start of the next: strategy plus engine). Fixtures/scripts/bayes_peers.py runs Optuna,
// scikit-optimize and SMAC3 on the same problems and seeds with the same JSON schema;
// Fixtures/scripts/compare_bayes.py prints the tables of Docs/Benchmarks.md.
//
//   Benchmarks bayes [--problems branin,hartmann6] [--optimizers learn_gp,learn_tpe,learn_random]
//                    [--seeds 0-9] [--evals 50] [--tpe candidates=48,split=linear:0.1:25,…]
//   (problems also: hartmann3, camel, styblinski4, levy4, rosenbrock4, ackley5, held out from
//   every choice of defaults)
//   Benchmarks bayes --timing [--observations 50,200]

import Foundation
import Learn
import Synchronization

/// A test function on a box, with its known minimum.
struct TestProblem: Sendable {
  let name: String
  let space: [String: Distribution]
  let minimum: Double
  let function: @Sendable (ParameterSet) -> Double

  static let branin = TestProblem(
    name: "branin", space: ["x1": .uniform(-5, 10), "x2": .uniform(0, 15)], minimum: 0.39788735772973816
  ) { p in
    let x1 = p["x1"]!.doubleValue!, x2 = p["x2"]!.doubleValue!
    let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
    let u = x2 - b * x1 * x1 + c * x1 - 6
    return u * u + 10 * (1 - t) * cos(x1) + 10
  }

  static let hartmann6: TestProblem = {
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [
      [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    let p: [[Double]] = [
      [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
      [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ]
    let names = (1...6).map { "x\($0)" }
    var space: [String: Distribution] = [:]
    for name in names { space[name] = .uniform(0, 1) }
    return TestProblem(name: "hartmann6", space: space, minimum: -3.32236801141551) { parameters in
      let x = names.map { parameters[$0]!.doubleValue! }
      var total = 0.0
      for i in 0..<4 {
        var inner = 0.0
        for j in 0..<6 { inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
        total -= alpha[i] * exp(-inner)
      }
      return total
    }
  }()
}

extension TestProblem {
  /// Functions held out from every setting's choice: they check that a change helps in general.
  static let heldOut: [TestProblem] = [hartmann3, camel, styblinskiTang4, levy4, rosenbrock4, ackley5]

  static func box(_ names: [String], _ low: Double, _ high: Double) -> [String: Distribution] {
    Dictionary(uniqueKeysWithValues: names.map { ($0, Distribution.uniform(low, high)) })
  }

  static func coordinates(_ count: Int) -> [String] { (1...count).map { "x\($0)" } }

  static func values(_ parameters: ParameterSet, _ count: Int) -> [Double] {
    coordinates(count).map { parameters[$0]!.doubleValue! }
  }

  static let hartmann3: TestProblem = {
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
    let p: [[Double]] = [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]]
    return TestProblem(name: "hartmann3", space: box(coordinates(3), 0, 1), minimum: -3.86278214782076) { parameters in
      let x = values(parameters, 3)
      var total = 0.0
      for i in 0..<4 {
        var inner = 0.0
        for j in 0..<3 { inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
        total -= alpha[i] * exp(-inner)
      }
      return total
    }
  }()

  static let camel = TestProblem(
    name: "camel", space: ["x1": .uniform(-3, 3), "x2": .uniform(-2, 2)], minimum: -1.0316284534898774
  ) { p in
    let x = values(p, 2)
    return (4 - 2.1 * x[0] * x[0] + pow(x[0], 4) / 3) * x[0] * x[0] + x[0] * x[1] + (-4 + 4 * x[1] * x[1]) * x[1] * x[1]
  }

  static let styblinskiTang4 = TestProblem(
    name: "styblinski4", space: box(coordinates(4), -5, 5), minimum: -39.16616570377142 * 4
  ) { p in
    var total = 0.0
    for v in values(p, 4) { total += 0.5 * (v * v * v * v - 16 * v * v + 5 * v) }
    return total
  }

  static let levy4 = TestProblem(name: "levy4", space: box(coordinates(4), -10, 10), minimum: 0) { p in
    let w = values(p, 4).map { 1 + ($0 - 1) / 4 }
    var total = pow(sin(Double.pi * w[0]), 2)
    for i in 0..<3 { total += (w[i] - 1) * (w[i] - 1) * (1 + 10 * pow(sin(Double.pi * w[i] + 1), 2)) }
    return total + (w[3] - 1) * (w[3] - 1) * (1 + pow(sin(2 * Double.pi * w[3]), 2))
  }

  static let rosenbrock4 = TestProblem(name: "rosenbrock4", space: box(coordinates(4), -5, 10), minimum: 0) { p in
    let x = values(p, 4)
    var total = 0.0
    for i in 0..<3 {
      let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
      total += 100 * a * a + b * b
    }
    return total
  }

  static let ackley5 = TestProblem(name: "ackley5", space: box(coordinates(5), -32.768, 32.768), minimum: 0) { p in
    let x = values(p, 5)
    let squares = x.reduce(0) { $0 + $1 * $1 } / 5, cosines = x.reduce(0) { $0 + cos(2 * Double.pi * $1) } / 5
    return -20 * exp(-0.2 * squares.squareRoot()) - exp(cosines) + 20 + M_E
  }
}

/// What one run recorded: best value so far after each evaluation, and the gaps between
/// evaluations.
final class RunLog: Sendable {
  private let state = Mutex<(best: [Double], gaps: [Double], lastEnd: UInt64?)>(([], [], nil))

  func evaluate(_ problem: TestProblem, _ parameters: ParameterSet) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = problem.function(parameters)
    let end = DispatchTime.now().uptimeNanoseconds
    state.withLock { s in
      if let last = s.lastEnd { s.gaps.append(Double(start - last) / 1e9) }
      s.lastEnd = end
      s.best.append(Swift.min(s.best.last ?? .infinity, value))
    }
    return value
  }

  var best: [Double] { state.withLock { $0.best } }
  /// Seconds between the end of evaluation k and the start of evaluation k+1, k = 1…
  var gaps: [Double] { state.withLock { $0.gaps } }
}

/// TPE settings from `--tpe key=value,…` (keys: candidates, multivariate, split as
/// `linear:0.1:25` or `sqrt:0.25:25`, prior, clip, forgetting as a count or `off`, liar,
/// exponent and floor of the clip, weights `ei` or `uniform`, endpoints; booleans `true` or
/// `false`). A value that does not parse is an error.
func tpeSettings(_ text: String?) throws -> TPESettings {
  var settings = TPESettings()
  for pair in (text ?? "").split(separator: ",") {
    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw LearnError.invalidArgument(name: "--tpe", reason: "expected key=value, got \(pair)") }
    let value = parts[1]
    func bad() -> LearnError { .invalidArgument(name: "--tpe", reason: "\(parts[0]) cannot be \(value)") }
    func flag() throws -> Bool {
      guard value == "true" || value == "false" else { throw bad() }
      return value == "true"
    }
    func number() throws -> Double {
      guard let number = Double(value) else { throw bad() }
      return number
    }
    switch parts[0] {
    case "candidates": settings.candidates = try Int(number())
    case "multivariate": settings.multivariate = try flag()
    case "prior": settings.priorWeight = try number()
    case "clip": settings.magicClip = try flag()
    case "forgetting": settings.linearForgetting = value == "off" ? nil : try Int(number())
    case "liar": settings.constantLiar = try flag()
    case "exponent": settings.clipExponent = try number()
    case "floor": settings.clipFloor = try number()
    case "weights":
      guard value == "ei" || value == "uniform" else { throw bad() }
      settings.goodWeights = value == "ei" ? .expectedImprovement : .uniform
    case "endpoints": settings.considerEndpoints = try flag()
    case "split":
      let fields = value.split(separator: ":").map(String.init)
      guard fields.count == 3, let f = Double(fields[1]), let cap = Int(fields[2]) else {
        throw LearnError.invalidArgument(name: "--tpe", reason: "split needs kind:fraction:cap, got \(value)")
      }
      settings.split = fields[0] == "sqrt" ? .squareRoot(fraction: f, cap: cap) : .linear(fraction: f, cap: cap)
    default: throw LearnError.invalidArgument(name: "--tpe", reason: "unknown key \(parts[0])")
    }
  }
  return settings
}

func bayesStrategy(_ optimizer: String, evaluations: Int, seed: UInt64, tpe: TPESettings) throws -> any SearchStrategy {
  switch optimizer {
  case "learn_gp": return try BayesSearch(iterations: evaluations, surrogate: .gaussianProcess, seed: seed)
  case "learn_gp_hedge":
    return try BayesSearch(iterations: evaluations, surrogate: .gaussianProcess(GaussianProcessSettings(acquisition: .hedge())), seed: seed)
  case "learn_tpe": return try BayesSearch(iterations: evaluations, surrogate: .tpe(tpe), seed: seed)
  case "learn_random": return try RandomSearch(iterations: evaluations, seed: seed)
  default: throw LearnError.invalidArgument(name: "--optimizers", reason: "unknown optimizer \(optimizer)")
  }
}

func runBayesProblem(
  _ problem: TestProblem, optimizer: String, seed: UInt64, evaluations: Int, tpe: TPESettings = TPESettings()
) throws -> RunLog {
  let log = RunLog()
  let strategy = try bayesStrategy(optimizer, evaluations: evaluations, seed: seed, tpe: tpe)
  try minimize({ log.evaluate(problem, $0) }, space: problem.space, trials: evaluations, strategy: strategy, seed: seed)
  return log
}

func mean(of values: ArraySlice<Double>) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

func parseSeeds(_ text: String) -> [UInt64] {
  if let dash = text.firstIndex(of: "-"), let a = UInt64(text[..<dash]), let b = UInt64(text[text.index(after: dash)...]) {
    return Array(a...b)
  }
  return text.split(separator: ",").compactMap { UInt64($0) }
}

func runBayesBenchmarks(arguments: [String]) throws {
  let problems = (option("--problems", in: arguments) ?? "branin,hartmann6").split(separator: ",").map(String.init)
  let optimizers = (option("--optimizers", in: arguments) ?? "learn_gp,learn_tpe,learn_random").split(separator: ",").map(String.init)
  var all = ["branin": TestProblem.branin, "hartmann6": TestProblem.hartmann6]
  for problem in TestProblem.heldOut { all[problem.name] = problem }
  let tpe = try tpeSettings(option("--tpe", in: arguments))
  if arguments.contains("--timing") {
    let observations = (option("--observations", in: arguments) ?? "50,200").split(separator: ",").compactMap { Int($0) }
    for name in problems {
      guard let problem = all[name] else { continue }
      for optimizer in optimizers {
        let log = try runBayesProblem(problem, optimizer: optimizer, seed: 0, evaluations: observations.max()!, tpe: tpe)
        for n in observations {
          // Gaps k−1 … : the suggestions made while holding n−10 … n−1 observations.
          let gaps = log.gaps[Swift.max(0, n - 11)..<Swift.min(log.gaps.count, n - 1)]
          emit([("kind", "\"timing\""), ("optimizer", "\"\(optimizer)\""), ("problem", "\"\(name)\""),
                ("observations", "\(n)"), ("seconds_per_suggestion", "\(mean(of: gaps))")])
        }
      }
    }
    return
  }
  let seeds = parseSeeds(option("--seeds", in: arguments) ?? "0-9")
  let evaluations = Int(option("--evals", in: arguments) ?? "50") ?? 50
  for name in problems {
    guard let problem = all[name] else { continue }
    for optimizer in optimizers {
      for seed in seeds {
        let start = DispatchTime.now().uptimeNanoseconds
        let log = try runBayesProblem(problem, optimizer: optimizer, seed: seed, evaluations: evaluations, tpe: tpe)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let regrets = log.best.map { $0 - problem.minimum }
        let gaps = log.gaps[Swift.min(log.gaps.count, 39)..<log.gaps.count]
        emit([("kind", "\"quality\""), ("optimizer", "\"\(optimizer)\""), ("problem", "\"\(name)\""), ("seed", "\(seed)"),
              ("best", jsonArray(log.best)),
              ("regret_at_20", "\(regrets.count >= 20 ? regrets[19] : .nan)"),
              ("regret_at_50", "\(regrets.count >= 50 ? regrets[49] : .nan)"),
              ("seconds_per_suggestion", "\(mean(of: gaps))"), ("wall_seconds", "\(wall)")])
      }
    }
  }
}

/// Fits the surrogate's kernel to `{"X": [[…]], "y": […]}` and prints it (a check against
/// Optuna's GPSampler fit on the same data).
func runGaussianProcessFitCheck(path: String) throws {
  struct Observations: Decodable { let X: [[Double]]; let y: [Double] }
  let data = try JSONDecoder().decode(Observations.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
  print(try gaussianProcessFitSummary(points: data.X, values: data.y))
}

/// The Gaussian-process strategy's own time for one proposal on a record of `n` random
/// Hartmann-6 trials (no engine around it), mean of `repeats`.
func runProposalTiming(observations n: Int, repeats: Int) throws {
  let problem = TestProblem.hartmann6
  var generator = Xoshiro256StarStar(seed: 7)
  let space = try SearchSpace(problem.space)
  let trials = (0..<n).map { i -> TrialRecord in
    let parameters = space.sample(using: &generator)
    return TrialRecord(index: i, proposal: ProposalID("bayes", i), parameters: parameters, status: .complete,
                       testScores: ["value": [problem.function(parameters)]], fitTimes: [0], scoreTimes: [0])
  }
  let search = try BayesSearch(problem.space, iterations: n + 1, surrogate: .gaussianProcess)
  var context = StrategyContext(trials: trials, direction: .minimize)
  // As in a search, the record carries the previous proposal's kernel fit.
  if case .propose(let candidates) = try search.next(context) {
    var tagged = trials
    tagged[n - 1].tags = candidates[0].tags
    context = StrategyContext(trials: tagged, direction: .minimize)
  }
  _ = try search.next(context)
  let start = DispatchTime.now().uptimeNanoseconds
  for _ in 0..<repeats { _ = try search.next(context) }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats)
  emit([("kind", "\"proposal\""), ("observations", "\(n)"), ("seconds", "\(seconds)")])
}

// MARK: - Searches with cross-validation

/// The best score after each trial (failed trials, NaN, are skipped; −∞ until one succeeds).
func bestSoFar(_ scores: [Double]) -> [Double] {
  var best = -Double.infinity
  return scores.map { score in
    if score.isFinite { best = Swift.max(best, score) }
    return best
  }
}

/// A number as JSON (`null` when not finite).
func jsonNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

/// Numbers as a JSON array.
func jsonArray(_ values: [Double]) -> String { "[" + values.map(jsonNumber).joined(separator: ",") + "]" }

/// `Benchmarks bayes-cv svc [--seeds 0-4]`: does a 32-trial BayesSearchCV over SVC (log C,
/// log gamma) on digits, 5-fold, reach the best score a 200-candidate random search finds?
///
/// `Benchmarks bayes-cv mlp [--seeds 0-2] [--optimizers learn_tpe,learn_gp,learn_random,learn_ga,learn_cmaes] [--iterations 40]`: the
/// reference task of Fixtures/scripts/bayes_mlp_reference.py (MLPClassifier, 50 epochs, raw
/// digits, unshuffled stratified 3-fold, four hyperparameters, 40 evaluations).
func runBayesCVBenchmarks(arguments: [String]) throws {
  let tpe = try tpeSettings(option("--tpe", in: arguments))
  let digits = try Datasets.digits()
  switch arguments.dropFirst().first ?? "svc" {
  case "svc": try runSVCDigits(digits, arguments: arguments)
  case "mlp": try runMLPDigits(digits, arguments: arguments, tpe: tpe)
  case "mlp-check": try runMLPCheck(digits, arguments: arguments)
  default:
    throw LearnError.invalidArgument(name: "bayes-cv", reason: "unknown task; known: svc, mlp, mlp-check")
  }
}

/// BayesSearchCV over SVC against a 200-candidate random search, per seed (`--skip-random` runs
/// one random candidate instead, to time or check the Bayesian side alone; its curve is printed).
func runSVCDigits(_ digits: Dataset<Int>, arguments: [String]) throws {
  let space: [String: Distribution] = ["c": .logUniform(1e-2, 1e3), "gamma": .logUniform(1e-5, 1e-1)]
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-4") {
    let start = DispatchTime.now().uptimeNanoseconds
    let random = try RandomizedSearchCV(
      SVC(), space: space, iterations: arguments.contains("--skip-random") ? 1 : 200, refit: .off, seed: seed
    ).fit(digits.x, digits.y)
    let middle = DispatchTime.now().uptimeNanoseconds
    let bayes = try BayesSearchCV(SVC(), space: space, iterations: 32, refit: .off, seed: seed).fit(digits.x, digits.y)
    let end = DispatchTime.now().uptimeNanoseconds
    let curve = bestSoFar(bayes.results.trials.map { $0.meanTestScore("accuracy") })
    let reached = curve.firstIndex { $0 >= random.bestScore }.map { $0 + 1 }
    emit([("kind", "\"svc_digits\""), ("seed", "\(seed)"), ("random_200_best", "\(random.bestScore)"),
          ("bayes_32_best", "\(bayes.bestScore)"), ("reached_at", reached.map(String.init) ?? "null"),
          ("bayes_curve", jsonArray(curve)),
          ("random_seconds", "\(Double(middle - start) / 1e9)"), ("bayes_seconds", "\(Double(end - middle) / 1e9)"),
          ("bayes_parameters", "\"\(bayes.bestParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))\"")])
  }
}

/// The MLP reference task, per optimiser and seed.
func runMLPDigits(_ digits: Dataset<Int>, arguments: [String], tpe: TPESettings) throws {
  let space: [String: Distribution] = [
    "hiddenLayerSizes": .choice([[50], [100], [50, 50], [100, 50]]), "activation": .choice(["relu", "tanh"]),
    "alpha": .logUniform(1e-5, 1e-1), "learningRateInit": .logUniform(1e-4, 1e-1),
  ]
  let estimator = MLPClassifier(maxIterations: 50, seed: 0)
  let optimizers = (option("--optimizers", in: arguments) ?? "learn_tpe,learn_gp,learn_random").split(separator: ",").map(String.init)
  let n = Int(option("--iterations", in: arguments) ?? "40") ?? 40
  for optimizer in optimizers {
    for seed in parseSeeds(option("--seeds", in: arguments) ?? "0-2") {
      func search<S: SearchStrategy>(_ strategy: S) throws -> SearchModel<MLPClassifier> {
        try SearchCV(estimator, strategy: strategy, cv: StratifiedKFold(splits: 3), refit: .off, seed: seed).fit(digits.x, digits.y)
      }
      let start = DispatchTime.now().uptimeNanoseconds
      let model: SearchModel<MLPClassifier>
      switch optimizer {
      case "learn_tpe": model = try search(BayesSearch(space, iterations: n, surrogate: .tpe(tpe), seed: seed))
      case "learn_gp": model = try search(BayesSearch(space, iterations: n, surrogate: .gaussianProcess, seed: seed))
      case "learn_ga": model = try search(EvolutionarySearch(space, iterations: n))
      case "learn_cmaes": model = try search(CMAESSearch(space, iterations: n))
      default: model = try search(RandomSearch(space, iterations: n, seed: seed))
      }
      let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let curve = bestSoFar(model.results.trials.map { $0.meanTestScore("accuracy") })
      func at(_ k: Int) -> String { curve.count >= k ? jsonNumber(curve[k - 1]) : "null" }
      emit([("kind", "\"mlp_digits\""), ("optimizer", "\"\(optimizer)\""), ("seed", "\(seed)"),
            ("best", jsonArray(curve)), ("best_at_5", at(5)), ("best_at_10", at(10)),
            ("best_at_20", at(20)), ("best_at_40", at(40)), ("best_at_60", at(60)), ("wall_seconds", "\(wall)")])
    }
  }
}

/// The reference task's objective at one point, to compare with scikit-learn's.
func runMLPCheck(_ digits: Dataset<Int>, arguments: [String]) throws {
  // The reference task's objective at Optuna's best point of seed 1 (0.96049 with scikit-learn's
  // random_state 0), for each MLP seed given (`--seeds`, default 0).
  for seed in parseSeeds(option("--seeds", in: arguments) ?? "0") {
    let model = MLPClassifier(
      hiddenLayerSizes: [100, 50], activation: .tanh, alpha: 0.03594547413232252, learningRateInit: 0.015197790719472528,
      maxIterations: 50, seed: seed)
    let scores = try crossValScore(model, digits.x, digits.y, cv: StratifiedKFold(splits: 3))
    emit([("kind", "\"mlp_check\""), ("seed", "\(seed)"), ("mean", "\(scores.reduce(0, +) / Double(scores.count))"),
          ("folds", jsonArray(scores))])
  }
}
