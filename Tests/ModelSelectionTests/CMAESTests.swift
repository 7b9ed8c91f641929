import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// CMA-ES: convergence on standard functions, the state rebuilt from the record (resume, thread
/// counts), choices beside numbers, and bad settings.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct CMAESTests {
  /// A sphere centred away from the middle of [-5, 5]^d, so the first mean is not the optimum.
  static func sphere(_ p: ParameterSet) -> Double {
    p.keys.reduce(0) { sum, key in let v = p[key]!.doubleValue! - 1.5; return sum + v * v }
  }

  static func space(_ d: Int) -> [String: Distribution] {
    Dictionary(uniqueKeysWithValues: (0..<d).map { ("x\($0)", Distribution.uniform(-5, 5)) })
  }

  @Test(arguments: [false, true]) func reachesTheSphereMinimum(_ separable: Bool) throws {
    let strategy = try CMAESSearch(iterations: 1200, separable: separable)
    let study = try minimize(Self.sphere, space: Self.space(5), trials: 1200, strategy: strategy, seed: 1)
    #expect(study.bestValue < 1e-8, "best \(study.bestValue)")
    // Generations of λ = 4 + ⌊3 ln 5⌋ = 8, in proposal order.
    #expect(study.trials.prefix(8).map(\.proposal.rawValue) == (0..<8).map { "cmaes/0.0/\($0)" })
  }

  @Test func theTableIsTheSameWithTwoThreadsAndWhenResumed() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cmaes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("cmaes.jsonl").path
    let rosenbrock: @Sendable (ParameterSet) -> Double = { p in
      let x = p["x0"]!.doubleValue!, y = p["x1"]!.doubleValue!
      return 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x)
    }
    func run(_ threads: Int, journal: String? = nil, trials: Int = 90) throws -> Study {
      try minimize(rosenbrock, space: Self.space(2), trials: trials, strategy: try CMAESSearch(iterations: 90, restarts: true),
                   seed: 3, parallelism: .threads(threads), journal: journal, studyName: journal == nil ? nil : "rosenbrock")
    }
    let whole = try run(1)
    #expect(try run(2).trials.map(\.untimed) == whole.trials.map(\.untimed))
    _ = try run(1, journal: journal, trials: 37)  // stopped mid-generation
    let resumed = try run(2, journal: journal)
    #expect(resumed.trials.map(\.untimed) == whole.trials.map(\.untimed))
    let firstGeneration = whole.trials.prefix(6).map { $0.meanTestScore("value") }.min()!
    #expect(whole.bestValue < firstGeneration / 10, "\(whole.bestValue) against \(firstGeneration)")
  }

  @Test func choicesAreDrawnBesideTheNumbersAndFailuresAreReplaced() throws {
    let space: [String: Distribution] = ["x": .uniform(0, 1), "n": .int(1, 50), "kind": .choice(["a", "b", "c"])]
    let study = try minimize({ p in
      guard p["kind"] != "c" else { throw LearnError.invalidArgument(name: "kind", reason: "c fails") }
      let x = p["x"]!.doubleValue!, n = Double(p["n"]!.intValue!)
      return (x - 0.2) * (x - 0.2) + (n - 30) * (n - 30) / 100 + (p["kind"] == "b" ? 0 : 0.5)
    }, space: space, trials: 120, strategy: try CMAESSearch(iterations: 120), seed: 2)
    #expect(study.count == 120)
    #expect(Set(study.trials.map { $0.parameters["kind"]!.description }) == ["\"a\"", "\"b\"", "\"c\""])
    #expect(study.trials.contains { $0.status.isFailed })
    // Each generation told λ = 4 + ⌊3 ln 2⌋ = 6 finite values: a failure added one more sample (k ≥ 6).
    let failedOfFirst = study.trials.filter { $0.proposal.rawValue.hasPrefix("cmaes/0.0/") && $0.status.isFailed }.count
    let first = study.trials.filter { $0.proposal.rawValue.hasPrefix("cmaes/0.0/") }
    #expect(failedOfFirst > 0 && first.count == 6 + failedOfFirst && first.filter { $0.status == .complete }.count == 6)
    #expect(study.trials.allSatisfy { (1...50).contains($0.parameters["n"]!.intValue!) })
    #expect(study.bestValue < 0.05 && study.bestParameters["kind"] == "b", "\(study.bestParameters) \(study.bestValue)")
  }

  @Test func ipopRestartsWithADoubledPopulationAndAStrategyValueServesTwoStudies() throws {
    let strategy = try CMAESSearch(iterations: 700, restarts: true)
    let study = try minimize(Self.sphere, space: Self.space(2), trials: 700, strategy: strategy, seed: 4)
    let restarted = study.trials.filter { $0.proposal.rawValue.hasPrefix("cmaes/1.0/") }
    #expect(restarted.count == 2 * 6, "λ = 6 doubled on the first restart: \(restarted.count)")
    // The same value (and its replay memo) on another objective gives what a fresh one gives.
    let shifted: @Sendable (ParameterSet) -> Double = { p in Self.sphere(p) + p["x0"]!.doubleValue! }
    let reused = try minimize(shifted, space: Self.space(2), trials: 200, strategy: strategy, seed: 4)
    let fresh = try minimize(shifted, space: Self.space(2), trials: 200, strategy: try CMAESSearch(iterations: 700, restarts: true), seed: 4)
    #expect(reused.trials.map(\.untimed) == fresh.trials.map(\.untimed))
  }

  @Test func aCrossValidatedSearchMaximisesTheScore() throws {
    let iris = try Datasets.iris()
    let search = SearchCV(LogisticRegression(), strategy: try CMAESSearch(["c": .logUniform(1e-4, 1e2)], iterations: 12),
                          cv: StratifiedKFold(splits: 3))
    let model = try search.fit(iris.x, iris.y)
    #expect(model.results.count == 12 && model.bestScore > 0.9)
    let scores = model.results.meanTestScores("accuracy")
    #expect(model.bestScore == scores.max())
    // A misspelt name is refused before anything runs, for both evolutionary strategies.
    let misspelt = SearchCV(LogisticRegression(), strategy: try CMAESSearch(["cc": .logUniform(1e-4, 1e2)], iterations: 3))
    #expect(throws: LearnError.self) { try misspelt.fit(iris.x, iris.y) }
    let genetic = SearchCV(LogisticRegression(), strategy: try EvolutionarySearch(["cc": .logUniform(1e-4, 1e2)], iterations: 3))
    #expect(throws: LearnError.self) { try genetic.fit(iris.x, iris.y) }
  }

  /// The `cmaes` package's CMAwM correction, for random means, steps and covariances.
  struct MarginFixture: Decodable {
    struct Case: Decodable {
      var counts: [Int]
      var population: Int
      var mean: [Double]
      var sigma: Double
      var diagonal: [Double]
      var margin: Double
      var corrected_mean: [Double]
      var scale: [Double]
      var sigma2: Double
      var diagonal2: [Double]
      var corrected_mean2: [Double]
      var scale2: [Double]
    }
    var cases: [Case]
  }

  @Test func theIntegerMarginCorrectsAsTheCmaesPackageDoes() throws {
    let fixture = try JSONDecoder().decode(MarginFixture.self, from: Data(contentsOf: Fixtures.url("evolution/cma_margin.json")))
    #expect(fixture.cases.count == 40)
    for (index, item) in fixture.cases.enumerated() {
      let distributions = item.counts.map { $0 > 0 ? Distribution.int(0, $0 - 1) : .uniform(0, 1) }
      var margin = try #require(IntegerMargin(distributions, populationSize: item.population))
      #expect(abs(margin.margin - item.margin) < 1e-15)
      var mean = item.mean
      margin.correct(mean: &mean, sigma: item.sigma, diagonal: item.diagonal)
      func check(_ expectedMean: [Double], _ expectedScale: [Double], _ step: String) {
        for j in mean.indices {
          #expect(abs(mean[j] - expectedMean[j]) <= 1e-10 * Swift.max(1, abs(expectedMean[j])), "case \(index), \(step) mean \(j)")
          #expect(abs(margin.scale[j] - expectedScale[j]) <= 1e-9 * Swift.max(1, abs(expectedScale[j])), "case \(index), \(step) scale \(j)")
        }
      }
      check(item.corrected_mean, item.scale, "first")
      // The second correction starts from the first's scale.
      margin.correct(mean: &mean, sigma: item.sigma2, diagonal: item.diagonal2)
      check(item.corrected_mean2, item.scale2, "second")
    }
    #expect(fixture.cases.contains { $0.scale2 != $0.scale && $0.scale != $0.scale.map { _ in 1 } }, "the scale carries over")
  }

  @Test func logIntegerCellsEndWhereTheirValuesChange() throws {
    for distribution in [Distribution.logInt(1, 64), .logInt(3, 9), .int(-2, 5)] {
      let axis = try #require(IntegerMargin([distribution], populationSize: 5)?.axes.first)
      for k in 0..<(axis.count - 1) {
        let edge = axis.threshold(k)
        #expect(axis.index(edge - 1e-9) == k && axis.index(edge + 1e-9) == k + 1, "\(distribution), cell \(k) ends at \(edge)")
      }
    }
  }

  @Test func aConvergedIntegerStillSamplesItsNeighbours() throws {
    // (z − 3)² + (r − 0.3)² with z in −10 … 10: once the step is far below one integer's cell,
    // plain CMA-ES samples only z = 3; with the margin, each neighbour keeps about margin/2.
    func run(margin: Bool) -> (state: CovarianceAdaptation, moved: Double) {
      let z = Distribution.int(-10, 10)
      var state = CovarianceAdaptation(mean: [0.5, 0.5], sigma: 1.0 / 6, integers: margin ? [z, .uniform(0, 1)] : nil)
      var generator = Xoshiro256StarStar(seed: 1)
      func value(_ x: [Double]) -> Double {
        let e = state.evaluated(x)
        return pow(Double(z.decode(e[0]).intValue! - 3), 2) + pow(e[1] - 0.3, 2)
      }
      for _ in 0..<80 {
        let samples = (0..<state.populationSize).map { _ in state.sample(using: &generator) }
        state.tell(samples, values: samples.map(value))
      }
      let draws = (0..<20_000).map { _ in z.decode(state.evaluated(state.sample(using: &generator))[0]).intValue! }
      return (state, Double(draws.filter { $0 != 3 }.count) / Double(draws.count))
    }
    let plain = run(margin: false), kept = run(margin: true)
    #expect(plain.state.sigma < 1e-3 && plain.moved == 0)
    let margin = try #require(kept.state.margin).margin
    #expect(kept.state.sigma < 1e-3 && kept.moved > 0.6 * margin && kept.moved < 3 * margin, "moved \(kept.moved), margin \(margin)")
    #expect(Distribution.int(-10, 10).decode(kept.state.mean[0]) == 3)
  }

  @Test func badSettingsAreRefused() throws {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    #expect(reason { _ = try CMAESSearch(["k": .choice(["a", "b"])]) }.contains("only choices"))
    #expect(reason { _ = try CMAESSearch(["x": .uniform(0, 1)], iterations: 0) }.contains("iterations"))
    #expect(reason { _ = try CMAESSearch(["x": .uniform(0, 1)], populationSize: 1) }.contains("populationSize"))
    #expect(reason { _ = try CMAESSearch(["x": .uniform(0, 1)], sigma0: 2) }.contains("sigma0"))
  }
}
