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
    let byProposal = Dictionary(context.trials.map { ($0.proposal, $0) }, uniquingKeysWith: { first, _ in first })
    // Configurations already tried, also as the encoding gives them back (a real value may come
    // back an ulp away), so a child copying its parent is recognised.
    var seen = Set(context.trials.map(\.parameters))
    for trial in context.trials {
      if let point = space.encode(trial.parameters), let back = try? space.decode(point) { seen.insert(back) }
    }
    let finite = space.allCandidates(limit: 100_000)
    if let finite, finite.allSatisfy(seen.contains) { return context.hasRunningTrials ? .wait : .finished }
    func fitness(_ trial: TrialRecord) -> Double {
      guard let value = context.value(of: trial), value.isFinite else { return -.infinity }
      return context.direction == .maximize ? value : -value
    }
    var population: [TrialRecord] = []
    var proposed = 0, generation = 0
    while proposed < iterations {
      let size = Swift.min(generation == 0 ? populationSize : offspring, iterations - proposed)
      let ids = (0..<size).map { ProposalID("ga/\(generation)", $0) }
      var members: [TrialRecord] = []
      var candidates: [Candidate] = []
      var running = false, exhausted = false
      for id in ids {
        if let trial = byProposal[id] {
          members.append(trial)
          running = running || trial.status == .running
          continue
        }
        var generator = context.generator(for: id)
        let bred = generation == 0 ? nil : try breed(population, space: space, fitness: fitness, seen: seen, generator: &generator)
        guard let child = bred ?? unseen(space, finite: finite, seen: seen, generator: &generator) else {
          exhausted = true
          break
        }
        seen.insert(child)
        candidates.append(Candidate(child, tags: ["generation": .int(generation)], proposal: id))
      }
      if !candidates.isEmpty { return .propose(candidates) }
      if running || exhausted { return context.hasRunningTrials ? .wait : .finished }
      proposed += size
      population = survivors(parents: population, children: members, fitness: fitness)
      generation += 1
    }
    return context.hasRunningTrials ? .wait : .finished
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
    for attempt in 0...20 {
      var mutated = genes
      for j in mutated.indices where generator.nextUniform() < (attempt == 0 ? rate : Swift.max(rate, 0.5)) {
        if case .choice(let values) = space.dimensions[j].distribution {
          // Another value: one of the k − 1 others, at its position's centre.
          let current = Swift.min(values.count - 1, Int(mutated[j] * Double(values.count)))
          guard values.count > 1 else { continue }
          let other = (current + 1 + generator.nextInt(below: values.count - 1)) % values.count
          mutated[j] = (Double(other) + 0.5) / Double(values.count)
        } else {
          mutated[j] = reflect(mutated[j] + mutationScale * Double(attempt + 1) * generator.nextNormal())
        }
      }
      let child = try space.decode(mutated)
      if !seen.contains(child) { return child }
    }
    return nil
  }

  /// A configuration not seen yet: a random draw (up to 100), or for a finite space one of the
  /// unseen candidates; `nil` when every candidate was seen.
  func unseen(
    _ space: SearchSpace, finite: [ParameterSet]?, seen: Set<ParameterSet>, generator: inout Xoshiro256StarStar
  ) -> ParameterSet? {
    for _ in 0..<100 {
      let candidate = space.sample(using: &generator)
      if !seen.contains(candidate) { return candidate }
    }
    guard let finite else { return space.sample(using: &generator) }
    let left = finite.filter { !seen.contains($0) }
    return left.isEmpty ? nil : left[generator.nextInt(below: left.count)]
  }
}

/// `value` folded back into [0, 1] at its ends (a step past a bound comes back inside by as
/// much, instead of piling up on the bound).
func reflect(_ value: Double) -> Double {
  guard value.isFinite else { return 0.5 }
  var v = value.truncatingRemainder(dividingBy: 2)
  if v < 0 { v += 2 }
  return v <= 1 ? v : 2 - v
}
