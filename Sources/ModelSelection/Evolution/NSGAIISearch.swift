import Foundation
import LearnCore
import LinearAlgebra

/// NSGA-II (Deb et al., 2002) over two or more objectives: a first generation of
/// `populationSize` random configurations, then generations of as many children, each bred from
/// two parents chosen by binary tournament on Pareto rank and then crowding distance, recombined
/// by simulated binary crossover (numbers in the unit cube; uniform crossover for choices) and
/// mutated by polynomial mutation (another value for choices). The next population is the best
/// `populationSize` of parents and children: whole non-dominated fronts in order, the last one
/// cut by crowding distance, so the front spreads out (Optuna's `NSGAIISampler`, pymoo's `NSGA2`).
///
/// The objectives are the strategy's (``objectives``), else the study's (a multi-objective
/// ``optimize(_:directions:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``).
/// A cross-validated search can trade scores against the mean fit time or a size hyperparameter
/// (``Objective/Measure``). Failed trials rank after every front. Like the genetic algorithm, the
/// strategy keeps no state: a generation is proposed together (`nsga2/<g>/<k>`, tagged with its
/// `generation`), each child is drawn from the study's seed and its proposal, no configuration is
/// evaluated twice, and every decision rebuilds the populations from the record, so a resumed
/// search or a second process continues the same evolution.
public struct NSGAIISearch: SearchStrategy, Hashable {
  /// The space; `nil`: the study's.
  public var space: SearchSpace?
  /// The objectives traded off; empty: the study's.
  public var objectives: [Objective]
  /// Trials to propose in all.
  public var iterations: Int
  /// Individuals per generation (parents kept, and children bred).
  public var populationSize: Int
  /// Probability that a child recombines its parents (else it copies the first).
  public var crossoverRate: Double
  /// Simulated binary crossover's distribution index: larger keeps children nearer their parents.
  public var crossoverEta: Double
  /// Probability that each gene mutates (default 1/d for d hyperparameters).
  public var mutationRate: Double?
  /// Polynomial mutation's distribution index: larger makes smaller steps.
  public var mutationEta: Double

  /// NSGA-II over `space` (the study's when `nil`) for `objectives` (the study's when empty).
  /// The defaults are pymoo's: crossover with probability 0.9 and index 15, mutation of 1/d of
  /// the genes with index 20; a population of 50, Optuna's.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` for a single objective, a
  ///   population below 2, rates outside [0, 1], or a distribution index that is negative.
  public init(
    _ space: [String: Distribution]? = nil, objectives: [Objective] = [], iterations: Int = 1_000, populationSize: Int = 50,
    crossoverRate: Double = 0.9, crossoverEta: Double = 15, mutationRate: Double? = nil, mutationEta: Double = 20
  ) throws(LearnError) {
    self.space = try space.map { (s) throws(LearnError) in try SearchSpace(s) }
    self.objectives = objectives
    self.iterations = iterations
    self.populationSize = populationSize
    self.crossoverRate = crossoverRate
    self.crossoverEta = crossoverEta
    self.mutationRate = mutationRate
    self.mutationEta = mutationEta
    try check()
  }

  private func check() throws(LearnError) {
    guard objectives.isEmpty || objectives.count >= 2 else {
      throw .invalidArgument(name: "objectives", reason: "NSGA-II trades off at least two, got \(objectives.count)")
    }
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    guard populationSize >= 2 else { throw .invalidArgument(name: "populationSize", reason: "must be at least 2, got \(populationSize)") }
    guard (0...1).contains(crossoverRate) else { throw .invalidArgument(name: "crossoverRate", reason: "must be in [0, 1], got \(crossoverRate)") }
    if let mutationRate, !(0...1).contains(mutationRate) {
      throw .invalidArgument(name: "mutationRate", reason: "must be in [0, 1], got \(mutationRate)")
    }
    guard crossoverEta >= 0, crossoverEta.isFinite else { throw .invalidArgument(name: "crossoverEta", reason: "must be ≥ 0, got \(crossoverEta)") }
    guard mutationEta >= 0, mutationEta.isFinite else { throw .invalidArgument(name: "mutationEta", reason: "must be ≥ 0, got \(mutationEta)") }
  }

  /// `nsga2(population …, crossover … η …, mutation … η …, <objectives>, <space>)`.
  public var description: String {
    "nsga2(population \(populationSize), crossover \(crossoverRate) η \(crossoverEta), mutation "
      + "\(mutationRate.map { "\($0)" } ?? "1/d") η \(mutationEta), "
      + "\(objectives.isEmpty ? "the study's objectives" : objectives.map(\.description).joined(separator: ", ")), "
      + "\(space?.description ?? "the study's space"))"
  }

  /// The number of proposals.
  public func expectedTrials(_ context: StrategyContext) -> Int? { iterations }

  /// Trials are never continued.
  public var continuesTrials: Bool { false }

  /// Refuses a search of an estimator without a space or without objectives, and names the
  /// estimator does not have (in the space, or measured as a hyperparameter).
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    guard objectives.count >= 2 else {
      throw .invalidArgument(
        name: "objectives", reason: "a search of \(estimator) needs NSGAIISearch(space, objectives: [.maximize(\"accuracy\"), .minimize(.fitTime)], …)")
    }
    try checkSpaces(space.map { [$0] } ?? [], against: names, estimator: estimator, example: "NSGAIISearch(space, objectives: …)")
    try Objective.check(objectives.filter { if case .parameter = $0.measure { return true } else { return false } },
                        metrics: [], searched: space?.names ?? names)
  }

  /// Rebuilds the populations from the record, then proposes the current generation's missing
  /// members, waits for its running ones, or finishes after `iterations` proposals.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    guard let space = space ?? context.space else {
      throw LearnError.invalidArgument(name: "space", reason: "this NSGA-II search has no space of its own and the study declares none")
    }
    let objectives = self.objectives.isEmpty ? context.objectives : self.objectives
    guard objectives.count >= 2 else {
      throw LearnError.invalidArgument(
        name: "objectives", reason: "NSGA-II needs two or more objectives: give them to NSGAIISearch or use a multi-objective study")
    }
    let generations = Generations(kind: "nsga2", iterations: iterations, firstSize: populationSize, laterSize: populationSize)
    return try generations.next(
      context, space: space, parents: { population in (population, Ranking(population, objectives)) },
      breed: { parents, seen, generator in
        try breed(parents.0, ranking: parents.1, space: space, seen: seen, generator: &generator)
      },
      survive: { parents, children in
        let pool = parents + children
        return Ranking(pool, objectives).order.prefix(populationSize).map { pool[$0] }
      })
  }

  /// Pareto rank and crowding distance of a set of trials; trials without every objective's value
  /// rank after every front.
  struct Ranking {
    /// Each trial's front (0 is the non-dominated one).
    var rank: [Int]
    /// Each trial's crowding distance within its front (larger is lonelier, so preferred).
    var crowding: [Double]
    /// The trials best first: by rank, then crowding distance, then trial number.
    var order: [Int]
    /// Each trial's place in ``order``.
    var place: [Int]

    init(_ trials: [TrialRecord], _ objectives: [Objective]) {
      let values = Objective.minimizedValues(trials, objectives)
      let valid = values.indices.filter { values[$0] != nil }
      let points = valid.map { values[$0]! }
      let fronts = Pareto.fronts(points)
      rank = Array(repeating: fronts.count, count: trials.count)
      crowding = Array(repeating: 0, count: trials.count)
      for (r, front) in fronts.enumerated() {
        for (local, distance) in Pareto.crowding(front, points) {
          rank[valid[local]] = r
          crowding[valid[local]] = distance
        }
      }
      let (rank, crowding) = (rank, crowding)
      order = trials.indices.sorted { a, b in
        if rank[a] != rank[b] { return rank[a] < rank[b] }
        if crowding[a] != crowding[b] { return crowding[a] > crowding[b] }
        return trials[a].index < trials[b].index
      }
      place = Array(repeating: 0, count: trials.count)
      for (position, trial) in order.enumerated() { place[trial] = position }
    }

    /// Whether trial `a` beats trial `b` in a tournament (the crowded comparison).
    func beats(_ a: Int, _ b: Int) -> Bool {
      place[a] < place[b]
    }
  }

  /// One child of `population`: two binary-tournament winners recombined, then mutated (each
  /// attempt from the recombined genes, mutating more genes) until it differs from every
  /// configuration seen, up to 20 attempts; `nil` when all were seen.
  func breed(
    _ population: [TrialRecord], ranking: Ranking, space: SearchSpace, seen: Set<ParameterSet>,
    generator: inout Xoshiro256StarStar
  ) throws -> ParameterSet? {
    func tournament() -> TrialRecord {
      let a = generator.nextInt(below: population.count), b = generator.nextInt(below: population.count)
      return population[ranking.beats(b, a) ? b : a]
    }
    let first = space.encode(tournament().parameters) ?? [], second = space.encode(tournament().parameters) ?? []
    guard first.count == space.dimensions.count, second.count == first.count else { return nil }
    var genes = first
    if generator.nextUniform() < crossoverRate {
      for j in genes.indices {
        if case .choice = space.dimensions[j].distribution {
          if generator.nextUniform() < 0.5 { genes[j] = second[j] }
        } else {
          genes[j] = simulatedBinaryCrossover(first[j], second[j], generator: &generator)
        }
      }
    }
    let rate = mutationRate ?? 1 / Double(genes.count)
    return try Generations.mutatedUnseen(genes, space: space, seen: seen, rate: rate, generator: &generator) { gene, _, generator in
      polynomialMutation(gene, generator: &generator)
    }
  }

  /// One child gene of simulated binary crossover on [0, 1] (Deb and Agrawal's bounded form, as
  /// in Deb's reference code): with probability ½ the gene is recombined, spreading the two
  /// children around the parents' mean by a factor drawn with index `crossoverEta`; the child is
  /// either of the two, at random.
  func simulatedBinaryCrossover(_ a: Double, _ b: Double, generator: inout Xoshiro256StarStar) -> Double {
    let cross = generator.nextUniform() < 0.5, u = generator.nextUniform(), pick = generator.nextUniform() < 0.5
    let low = Swift.min(a, b), high = Swift.max(a, b)
    guard cross, high - low > 1e-14 else { return a }
    let exponent = 1 / (crossoverEta + 1)
    func spread(_ beta: Double) -> Double {
      let alpha = 2 - pow(beta, -(crossoverEta + 1))
      return u <= 1 / alpha ? pow(u * alpha, exponent) : pow(1 / (2 - u * alpha), exponent)
    }
    let lowChild = 0.5 * (low + high - spread(1 + 2 * low / (high - low)) * (high - low))
    let highChild = 0.5 * (low + high + spread(1 + 2 * (1 - high) / (high - low)) * (high - low))
    return Swift.min(1, Swift.max(0, pick ? highChild : lowChild))
  }

  /// Polynomial mutation of a gene on [0, 1] (Deb's bounded form): a step towards either bound,
  /// drawn with index `mutationEta`, never past it.
  func polynomialMutation(_ x: Double, generator: inout Xoshiro256StarStar) -> Double {
    let u = generator.nextUniform(), power = 1 / (mutationEta + 1)
    let step: Double
    if u <= 0.5 {
      let value = 2 * u + (1 - 2 * u) * pow(1 - x, mutationEta + 1)
      step = pow(value, power) - 1
    } else {
      let value = 2 * (1 - u) + 2 * (u - 0.5) * pow(x, mutationEta + 1)
      step = 1 - pow(value, power)
    }
    return Swift.min(1, Swift.max(0, x + step))
  }
}
