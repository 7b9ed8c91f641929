import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// The genetic algorithm: no configuration twice, improvement over generations, the populations
/// rebuilt from the record (thread counts, resume), both survival rules, and bad settings.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct EvolutionaryTests {
  static func quadratic(_ p: ParameterSet) -> Double {
    let x = p["x"]!.doubleValue!, n = Double(p["n"]!.intValue!)
    return (x - 0.7) * (x - 0.7) + (n - 12) * (n - 12) / 400 + (p["kind"] == "b" ? 0 : 0.3)
  }

  static let space: [String: Distribution] = ["x": .uniform(0, 1), "n": .int(1, 40), "kind": .choice(["a", "b", "c"])]

  @Test func noConfigurationIsEvaluatedTwiceEvenInASmallFiniteSpace() throws {
    let small: [String: Distribution] = ["a": .choice([1, 2, 3, 4]), "b": .choice(["x", "y", "z", "w"]), "c": .int(1, 3)]
    let study = try minimize({ p in Double(p["a"]!.intValue! + p["c"]!.intValue!) }, space: small, trials: 44,
                             strategy: try EvolutionarySearch(small, iterations: 44, populationSize: 6), seed: 1)
    #expect(study.count == 44)
    #expect(Set(study.trials.map(\.parameters)).count == 44, "48 configurations exist; 44 distinct ones were tried")
    // Asked for more than exist, it tries each once and stops.
    let all = try minimize({ p in Double(p["a"]!.intValue! + p["c"]!.intValue!) }, space: small, trials: 60,
                           strategy: try EvolutionarySearch(small, iterations: 60, populationSize: 6), seed: 1)
    #expect(all.count == 48 && Set(all.trials.map(\.parameters)).count == 48)
  }

  @Test(arguments: [EvolutionarySearch.Survival.plus, .comma]) func laterGenerationsAreBetter(_ survival: EvolutionarySearch.Survival) throws {
    let strategy = try EvolutionarySearch(Self.space, iterations: 120, populationSize: 10, survival: survival)
    let study = try minimize(Self.quadratic, space: Self.space, trials: 120, strategy: strategy, seed: 2)
    let generations = Dictionary(grouping: study.trials) { $0.tags["generation"]!.intValue! }
    #expect(generations.keys.sorted() == Array(0...11))
    let firstBest = generations[0]!.map { $0.meanTestScore("value") }.min()!
    let lastMedian = generations[11]!.map { $0.meanTestScore("value") }.sorted()[5]
    #expect(study.bestValue < firstBest && lastMedian < firstBest, "best \(study.bestValue), gen 0 best \(firstBest), last median \(lastMedian)")
    #expect(study.bestValue < 0.02 && study.bestParameters["kind"] == "b", "\(study.bestParameters)")
  }

  @Test func theEvolutionIsTheSameWithTwoThreadsAndWhenResumed() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ga-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("ga.jsonl").path
    func run(_ threads: Int, journal: String? = nil, trials: Int = 50) throws -> Study {
      try minimize({ p in
        guard p["kind"] != "c" || p["n"]!.intValue! < 30 else { throw LearnError.invalidArgument(name: "n", reason: "fails") }
        return Self.quadratic(p)
      }, space: Self.space, trials: trials, strategy: try EvolutionarySearch(Self.space, iterations: 50, populationSize: 8), seed: 3,
         parallelism: .threads(threads), journal: journal, studyName: journal == nil ? nil : "ga")
    }
    let whole = try run(1)
    #expect(try run(2).trials.map(\.untimed) == whole.trials.map(\.untimed))
    _ = try run(1, journal: journal, trials: 19)  // stopped mid-generation
    #expect(try run(2, journal: journal).trials.map(\.untimed) == whole.trials.map(\.untimed))
  }

  @Test func badSettingsAreRefused() throws {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    #expect(reason { _ = try EvolutionarySearch(Self.space, populationSize: 1) }.contains("populationSize"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, offspring: 0) }.contains("offspring"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, tournamentSize: 1) }.contains("tournamentSize"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, crossoverRate: 1.5) }.contains("crossoverRate"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, mutationRate: -0.1) }.contains("mutationRate"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, mutationScale: 0) }.contains("mutationScale"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, iterations: 0) }.contains("iterations"))
    #expect(reason { _ = try EvolutionarySearch(Self.space, populationSize: 10, offspring: 5, survival: .comma) }.contains("offspring"))
  }
}
