import Foundation
import LearnCore
import LinearAlgebra

/// A genetic algorithm over the search space: a first generation of `populationSize` random
/// configurations, then generations of `offspring` children, each made from two parents chosen
/// by tournament, recombined (blend crossover for numbers in the unit cube, uniform crossover for
/// choices) and mutated (a Gaussian step for numbers, another value for choices). The next
/// population is the best `populationSize` of parents and children (μ + λ), or of the children
/// alone with the best parent kept (μ, λ with elitism). No configuration is evaluated twice: a
/// child equal to one already in the record is mutated again, then drawn at random (from the
/// candidates not yet tried, in a finite space; the search ends when none is left).
/// Trials the strategy did not propose (enqueued points) are never duplicated but are not parents.
///
/// A generation's trials are proposed together, so the workers evaluate them in parallel, and
/// each trial is tagged with its `generation` (the results table's per-generation statistics).
/// The strategy keeps no state: every decision rebuilds the populations from the record, and each
/// child is drawn from the study's seed and its proposal's identifier, so a resumed search or a
/// second process continues the same evolution. Failed trials are the least fit.
public struct EvolutionarySearch: SearchStrategy, Hashable {
  /// Which individuals survive a generation.
  public enum Survival: String, Sendable, Hashable, Codable {
    /// The best of parents and children (μ + λ).
    case plus
    /// The best of the children, with the best parent kept (μ, λ with elitism).
    case comma
  }

  /// The space; `nil`: the study's.
  public var space: SearchSpace?
  /// Trials to propose in all.
  public var iterations: Int
  /// Individuals kept per generation (μ).
  public var populationSize: Int
  /// Children per generation (λ).
  public var offspring: Int
  /// Which individuals survive.
  public var survival: Survival
  /// Individuals per selection tournament.
  public var tournamentSize: Int
  /// Probability that a child recombines its two parents (else it copies the first).
  public var crossoverRate: Double
  /// Probability that each gene mutates (default 1/d for d hyperparameters, at least 0.2).
  public var mutationRate: Double?
  /// Standard deviation of a numeric gene's mutation, in the unit cube.
  public var mutationScale: Double

  /// A genetic algorithm over `space`.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` for a population or
  ///   tournament below 2, no offspring, rates outside [0, 1], or a scale outside (0, 1].
  public init(
    _ space: [String: Distribution], iterations: Int = 60, populationSize: Int = 10, offspring: Int? = nil,
    survival: Survival = .plus, tournamentSize: Int = 3, crossoverRate: Double = 0.9, mutationRate: Double? = nil,
    mutationScale: Double = 0.1
  ) throws(LearnError) {
    self.space = try SearchSpace(space)
    self.iterations = iterations
    self.populationSize = populationSize
    self.offspring = offspring ?? populationSize
    self.survival = survival
    self.tournamentSize = tournamentSize
    self.crossoverRate = crossoverRate
    self.mutationRate = mutationRate
    self.mutationScale = mutationScale
    try check()
  }

  private func check() throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    guard populationSize >= 2 else { throw .invalidArgument(name: "populationSize", reason: "must be at least 2, got \(populationSize)") }
    guard offspring >= 1 else { throw .invalidArgument(name: "offspring", reason: "must be at least 1, got \(offspring)") }
    guard survival == .plus || offspring >= populationSize else {
      throw .invalidArgument(name: "offspring", reason: "μ, λ survival needs at least as many children as the population (\(populationSize)), got \(offspring)")
    }
    guard tournamentSize >= 2 else { throw .invalidArgument(name: "tournamentSize", reason: "must be at least 2, got \(tournamentSize)") }
    guard (0...1).contains(crossoverRate) else { throw .invalidArgument(name: "crossoverRate", reason: "must be in [0, 1], got \(crossoverRate)") }
    if let mutationRate, !(0...1).contains(mutationRate) {
      throw .invalidArgument(name: "mutationRate", reason: "must be in [0, 1], got \(mutationRate)")
    }
    guard mutationScale > 0, mutationScale <= 1 else { throw .invalidArgument(name: "mutationScale", reason: "must be in (0, 1], got \(mutationScale)") }
  }

  /// `evolution(μ …, λ …, plus|comma, tournament …, crossover …, mutation …, <space>)`.
  public var description: String {
    "evolution(μ \(populationSize), λ \(offspring), \(survival.rawValue), tournament \(tournamentSize), crossover \(crossoverRate), "
      + "mutation \(mutationRate.map { "\($0)" } ?? "1/d") × \(mutationScale), \(space?.description ?? "the study's space"))"
  }

  /// The number of proposals.
  public func expectedTrials(_ context: StrategyContext) -> Int? { iterations }

  /// Trials are never continued.
  public var continuesTrials: Bool { false }

  /// Refuses a search of an estimator without a space, and names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(space.map { [$0] } ?? [], against: names, estimator: estimator, example: "EvolutionarySearch(space, …)")
  }

  /// Rebuilds the populations from the record, then proposes the current generation's missing
  /// members, waits for its running ones, or finishes after `iterations` proposals.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    guard let space = space ?? context.space else {
      throw LearnError.invalidArgument(name: "space", reason: "this evolutionary search has no space of its own and the study declares none")
    }
    func fitness(_ trial: TrialRecord) -> Double {
      guard let value = context.value(of: trial), value.isFinite else { return -.infinity }
      return context.direction == .maximize ? value : -value
    }
    let generations = Generations(kind: "ga", iterations: iterations, firstSize: populationSize, laterSize: offspring)
    return try generations.next(
      context, space: space, parents: { $0 },
      breed: { population, seen, generator in try breed(population, space: space, fitness: fitness, seen: seen, generator: &generator) },
      survive: { parents, children in survivors(parents: parents, children: children, fitness: fitness) })
  }

  /// The next population: the fittest `populationSize` (ties to the earlier trial).
  func survivors(parents: [TrialRecord], children: [TrialRecord], fitness: (TrialRecord) -> Double) -> [TrialRecord] {
    func ranked(_ pool: [TrialRecord]) -> [TrialRecord] { pool.sorted { (fitness($0), -$0.index) > (fitness($1), -$1.index) } }
    if parents.isEmpty || survival == .plus { return Array(ranked(parents + children).prefix(populationSize)) }
    let elite = ranked(parents)[0]
    return Array(ranked([elite] + children).prefix(populationSize))
  }

  /// One child of `population`: two tournament winners recombined, then mutated (each attempt
  /// from the recombined genes, with larger steps) until it differs from every configuration
  /// seen, up to 20 attempts; `nil` when all were seen.
  func breed(
    _ population: [TrialRecord], space: SearchSpace, fitness: (TrialRecord) -> Double, seen: Set<ParameterSet>,
    generator: inout Xoshiro256StarStar
  ) throws -> ParameterSet? {
    func tournament() -> TrialRecord {
      let entrants = (0..<tournamentSize).map { _ in population[generator.nextInt(below: population.count)] }
      return entrants.max { (fitness($0), -$0.index) < (fitness($1), -$1.index) }!
    }
    let first = space.encode(tournament().parameters) ?? [], second = space.encode(tournament().parameters) ?? []
    guard first.count == space.dimensions.count, second.count == first.count else { return nil }
    let recombine = generator.nextUniform() < crossoverRate
    let genes = first.indices.map { j -> Double in
      guard recombine else { return first[j] }
      if case .choice = space.dimensions[j].distribution { return generator.nextUniform() < 0.5 ? first[j] : second[j] }
      let u = -0.5 + 2 * generator.nextUniform()  // blend crossover, α = 0.5
      return reflect(first[j] + u * (second[j] - first[j]))
    }
    let rate = mutationRate ?? Swift.max(0.2, 1 / Double(genes.count))
    return try Generations.mutatedUnseen(genes, space: space, seen: seen, rate: rate, generator: &generator) { gene, attempt, generator in
      reflect(gene + mutationScale * Double(attempt + 1) * generator.nextNormal())
    }
  }
}
