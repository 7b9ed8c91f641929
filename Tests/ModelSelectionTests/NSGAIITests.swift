import Foundation
import Learn
import LearnTestSupport
import Testing

@testable import ModelSelection

/// Multi-objective studies and NSGA-II: Pareto ranking, crowding and hypervolume against brute
/// force, the front's quality against random search, no configuration twice, the evolution
/// rebuilt from the record (threads, resume), a cross-validated search trading accuracy against
/// depth, and bad settings.
@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct NSGAIITests {
  static let names = (0..<6).map { "x\($0)" }
  static let space = Dictionary(uniqueKeysWithValues: names.map { ($0, Distribution.uniform(0, 1)) })

  static func zdt1(_ p: ParameterSet) -> [Double] {
    let x = names.map { p[$0]!.doubleValue! }
    let g = 1 + 9 * x.dropFirst().reduce(0, +) / Double(x.count - 1)
    return [x[0], g * (1 - (x[0] / g).squareRoot())]
  }

  @Test func frontsAndCrowdingMatchTheirDefinitions() {
    let points: [[Double]] = [[1, 5], [2, 3], [3, 4], [4, 1], [2, 3], [5, 5], [3, 2]]
    let fronts = Pareto.fronts(points)
    #expect(fronts == [[0, 1, 3, 4, 6], [2], [5]])
    // Brute force: a point is in the first front exactly when nothing dominates it.
    var generator = Xoshiro256StarStar(seed: 9)
    let cloud = (0..<60).map { _ in (0..<3).map { _ in Double(generator.nextInt(below: 6)) } }
    let first = Set(Pareto.fronts(cloud)[0])
    for i in cloud.indices {
      #expect(first.contains(i) == !cloud.indices.contains { Pareto.dominates(cloud[$0], cloud[i]) })
    }
    #expect(Pareto.fronts(cloud).flatMap { $0 }.sorted() == Array(cloud.indices))
    let crowding = Pareto.crowding([0, 1, 6, 3], points)
    #expect(crowding[0] == .infinity && crowding[3] == .infinity)
    // Point 1 (2, 3): neighbours (1, 5) and (3, 2): (3 - 1)/3 + (5 - 2)/4.
    #expect(abs(crowding[1]! - (2.0 / 3 + 3.0 / 4)) < 1e-12)
  }

  @Test func hypervolumeMatchesACountOfUnitCells() {
    var generator = Xoshiro256StarStar(seed: 4)
    for dimension in 2...3 {
      let points = (0..<12).map { _ in (0..<dimension).map { _ in Double(generator.nextInt(below: 8)) } }
      let reference = [Double](repeating: 8, count: dimension)
      // Every unit cell [c, c + 1) of [0, 8)^d counts when some point is at or below its corner.
      var cells = 0
      for code in 0..<Int(pow(8.0, Double(dimension))) {
        let corner = (0..<dimension).map { Double(code / Int(pow(8.0, Double($0))) % 8) }
        if points.contains(where: { zip($0, corner).allSatisfy { $0 <= $1 } }) { cells += 1 }
      }
      #expect(Pareto.hypervolume(points, reference: reference) == Double(cells), "d = \(dimension)")
    }
    #expect(Pareto.hypervolume([[0.5, 0.5], [2, 0]], reference: [1, 1]) == 0.25)
  }

  @Test func theFrontBeatsRandomSearchOnZDT1() throws {
    var wins = 0
    for seed: UInt64 in 0..<3 {
      let nsga = try optimize(Self.zdt1, directions: [.minimize, .minimize], space: Self.space, trials: 400,
                              strategy: try NSGAIISearch(iterations: 400, populationSize: 20), seed: seed)
      let random = try optimize(Self.zdt1, directions: [.minimize, .minimize], space: Self.space, trials: 400,
                                strategy: try RandomSearch(iterations: 400, seed: seed), seed: seed)
      let ours = try nsga.results.hypervolume(reference: [1.1, 1.1])
      let theirs = try random.results.hypervolume(reference: [1.1, 1.1])
      if ours > theirs + 0.05 { wins += 1 }
      #expect(nsga.trials.allSatisfy { $0.tags["generation"] != nil })
      // The front: complete trials no other complete trial dominates.
      let front = nsga.bestTrials
      #expect(!front.isEmpty)
      for trial in front {
        let mine = Self.zdt1(trial.parameters)
        #expect(!nsga.trials.contains { Pareto.dominates(Self.zdt1($0.parameters), mine) })
      }
    }
    #expect(wins == 3)
  }

  @Test func noConfigurationIsEvaluatedTwiceAndAFiniteSpaceEnds() throws {
    let small: [String: Distribution] = ["a": .choice([1, 2, 3, 4]), "b": .choice(["x", "y"]), "c": .int(1, 4)]
    @Sendable func objective(_ p: ParameterSet) -> [Double] {
      [Double(p["a"]!.intValue!), Double(5 - p["c"]!.intValue!) + (p["b"] == "x" ? 0.5 : 0)]
    }
    let study = try optimize(objective, directions: [.minimize, .minimize], space: small, trials: 30,
                             strategy: try NSGAIISearch(iterations: 30, populationSize: 6), seed: 1)
    #expect(study.count == 30 && Set(study.trials.map(\.parameters)).count == 30)
    let all = try optimize(objective, directions: [.minimize, .minimize], space: small, trials: 50,
                           strategy: try NSGAIISearch(iterations: 50, populationSize: 6), seed: 1)
    #expect(all.count == 32 && Set(all.trials.map(\.parameters)).count == 32)
    // The front of the whole space: a = 1 with c = 4, b = y.
    #expect(all.bestTrials.map(\.parameters) == [["a": 1, "b": "y", "c": 4]])
  }

  @Test func theEvolutionIsTheSameWithTwoThreadsAndWhenResumed() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nsga-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("nsga.jsonl").path
    func run(_ threads: Int, journal: String? = nil, trials: Int = 40) throws -> Study {
      try optimize({ p in
        guard p["x1"]!.doubleValue! < 0.9 else { throw LearnError.invalidArgument(name: "x1", reason: "fails") }
        return Self.zdt1(p)
      }, directions: [.minimize, .minimize], space: Self.space, trials: trials,
         strategy: try NSGAIISearch(iterations: 40, populationSize: 8), seed: 3, parallelism: .threads(threads),
         journal: journal, studyName: journal == nil ? nil : "nsga")
    }
    let whole = try run(1)
    #expect(whole.trials.contains { $0.status.isFailed })
    #expect(try run(2).trials.map(\.untimed) == whole.trials.map(\.untimed))
    _ = try run(1, journal: journal, trials: 13)  // stopped mid-generation
    let resumed = try run(2, journal: journal)
    #expect(resumed.trials.map(\.untimed) == whole.trials.map(\.untimed))
    // The journal records the objectives: a snapshot finds the same front.
    let snapshot = try JournalSnapshot(reading: journal)
    #expect(snapshot.results.objectives == [.minimize("value0"), .minimize("value1")])
    #expect(snapshot.results.paretoFront() == whole.results.paretoFront())
  }

  @Test func aSearchTradesAccuracyAgainstDepth() throws {
    let iris = try Datasets.iris()
    let objectives: [Objective] = [.maximize("accuracy"), .minimize(.parameter("maxDepth"))]
    let search = SearchCV(
      DecisionTreeClassifier(), strategy: try NSGAIISearch(["maxDepth": .int(1, 8), "minSamplesLeaf": .int(1, 20)],
                                                           objectives: objectives, iterations: 24, populationSize: 8))
    let model = try search.fit(iris.x, iris.y)
    #expect(model.results.objectives == objectives)
    let front = model.results.paretoFront()
    let depths = front.map { model.results.trials[$0].parameters["maxDepth"]!.intValue! }
    let scores = front.map { model.results.trials[$0].meanTestScore("accuracy") }
    // Along the front, more depth buys more accuracy; depth 1 (one split: two of three classes) is on it.
    #expect(depths.contains(1))
    let sorted = zip(depths, scores).sorted { $0.0 < $1.0 }
    for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.0 == b.0 || a.1 < b.1, "\(sorted)") }
    // The refit picks by the first scorer, as scikit-learn's refit does.
    #expect(model.bestScore == model.results.meanTestScores("accuracy").filter { !$0.isNaN }.max())
  }

  @Test func crossoverAndMutationStayInTheCubeAndNearTheirParentsWhenSharp() throws {
    let loose = try NSGAIISearch(crossoverEta: 0, mutationEta: 0), sharp = try NSGAIISearch(crossoverEta: 1e4, mutationEta: 1e4)
    var generator = Xoshiro256StarStar(seed: 7)
    var spread = (loose: 0.0, sharp: 0.0)
    for _ in 0..<2_000 {
      let a = generator.nextUniform(), b = generator.nextUniform()
      for (strategy, isSharp) in [(loose, false), (sharp, true)] {
        let child = strategy.simulatedBinaryCrossover(a, b, generator: &generator)
        let mutant = strategy.polynomialMutation(a, generator: &generator)
        #expect((0...1).contains(child) && (0...1).contains(mutant))
        // A child is either parent's copy or spread around them; a sharp index keeps it at a parent.
        let distance = Swift.min(abs(child - a), abs(child - b))
        if isSharp { spread.sharp = Swift.max(spread.sharp, Swift.max(distance, abs(mutant - a))) }
        else { spread.loose = Swift.max(spread.loose, distance) }
      }
    }
    #expect(spread.sharp < 0.01 && spread.loose > 0.2, "\(spread)")
  }

  @Test func objectivesThatCannotBeMeasuredAreRefused() throws {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    let unrecorded = try NSGAIISearch(objectives: [.minimize("loss"), .minimize("value1")])
    #expect(reason { _ = try optimize(Self.zdt1, directions: [.minimize, .minimize], space: Self.space, trials: 4, strategy: unrecorded) }
      .contains("'loss' is not a metric"))
    let iris = try Datasets.iris()
    let f1 = SearchCV(DecisionTreeClassifier(), strategy: try NSGAIISearch(["maxDepth": .int(1, 8)], objectives: [.maximize("f1"), .minimize(.fitTime)]))
    #expect(reason { _ = try f1.fit(iris.x, iris.y) }.contains("'f1' is not a metric"))
    let fixed = SearchCV(DecisionTreeClassifier(), strategy: try NSGAIISearch(
      ["maxDepth": .int(1, 8)], objectives: [.maximize("accuracy"), .minimize(.parameter("minSamplesLeaf"))]))
    #expect(reason { _ = try fixed.fit(iris.x, iris.y) }.contains("'minSamplesLeaf' is not a searched hyperparameter"))
  }

  @Test func askAndTellRecordSeveralValues() throws {
    let study = Study(direction: .minimize, metrics: ["value0", "value1"], objectives: [.minimize("value0"), .minimize("value1")])
    let strategy = try NSGAIISearch(Self.space, iterations: 12, populationSize: 4)
    var told = 0
    while let trial = try study.ask(using: strategy) {
      try study.tell(trial.index, values: told == 5 ? [1] : Self.zdt1(trial.parameters))
      told += 1
    }
    #expect(told == 12 && study.trials.filter { $0.status == .complete }.count == 11)
    #expect(study.trials[5].status.description.contains("1 values for 2 objectives"))
    #expect(!study.bestTrials.isEmpty && study.bestTrials.allSatisfy { $0.status == .complete })
  }

  @Test func badSettingsAreRefused() throws {
    func reason(_ body: () throws -> Void) -> String {
      do { try body() } catch { return "\(error)" }
      return ""
    }
    #expect(reason { _ = try NSGAIISearch(objectives: [.maximize("accuracy")]) }.contains("objectives"))
    #expect(reason { _ = try NSGAIISearch(populationSize: 1) }.contains("populationSize"))
    #expect(reason { _ = try NSGAIISearch(crossoverRate: 2) }.contains("crossoverRate"))
    #expect(reason { _ = try NSGAIISearch(mutationEta: -1) }.contains("mutationEta"))
    #expect(reason { _ = try optimize(Self.zdt1, directions: [.minimize], space: Self.space, trials: 5) }.contains("directions"))
    // A single-objective study gives NSGA-II nothing to trade off.
    #expect(reason { _ = try minimize({ _ in 1.0 }, space: Self.space, trials: 5, strategy: try NSGAIISearch()) }.contains("objectives"))
    let iris = try Datasets.iris()
    let noObjectives = SearchCV(DecisionTreeClassifier(), strategy: try NSGAIISearch(["maxDepth": .int(1, 8)]))
    #expect(reason { _ = try noObjectives.fit(iris.x, iris.y) }.contains("objectives"))
    let unknown = SearchCV(
      DecisionTreeClassifier(), strategy: try NSGAIISearch(["maxDepth": .int(1, 8)], objectives: [.maximize("accuracy"), .minimize(.parameter("depth"))]))
    #expect(reason { _ = try unknown.fit(iris.x, iris.y) }.contains("'depth'"))
    // A trial returning the wrong number of values fails; the search goes on.
    let short = try optimize({ p in p["x0"]!.doubleValue! < 0.5 ? [1] : Self.zdt1(p) }, directions: [.minimize, .minimize],
                             space: Self.space, trials: 20, seed: 2)
    #expect(short.trials.contains { $0.status.description.contains("1 values for 2 objectives") })
    #expect(short.trials.contains { $0.status == .complete })
  }
}
