import Foundation
import LearnCore
import LinearAlgebra

/// The generational loop shared by the genetic algorithm and NSGA-II, rebuilt from the record at
/// every decision: generation `g` is the proposals `<kind>/<g>/<k>`; the first is drawn at
/// random, each later one is bred from the population the earlier generations left. A generation
/// is proposed together (its members are evaluated in parallel) and the next is bred only when it
/// has finished. No configuration is proposed twice.
struct Generations {
  /// The proposals' prefix (`ga`, `nsga2`).
  var kind: String
  /// Trials to propose in all.
  var iterations: Int
  /// Members of the first generation.
  var firstSize: Int
  /// Members of every later one.
  var laterSize: Int

  /// The next decision: the current generation's missing members, a wait for its running ones,
  /// or finished after `iterations` proposals (or when a finite space has no configuration left).
  /// `parents` prepares the population for breeding (its ranking, say), once per generation that
  /// has children to breed; `breed` makes one child from it (`nil`: only seen configurations came
  /// out); `survive` picks the next population from the parents and the finished generation.
  func next<Parents>(
    _ context: StrategyContext, space: SearchSpace, parents: ([TrialRecord]) -> Parents,
    breed: (Parents, Set<ParameterSet>, inout Xoshiro256StarStar) throws -> ParameterSet?,
    survive: (_ parents: [TrialRecord], _ children: [TrialRecord]) -> [TrialRecord]
  ) throws -> StrategyDecision {
    let byProposal = Dictionary(context.trials.map { ($0.proposal, $0) }, uniquingKeysWith: { first, _ in first })
    var seen = Self.seen(context.trials, space: space)
    let finite = space.allCandidates(limit: 100_000)
    if let finite, finite.allSatisfy(seen.contains) { return context.hasRunningTrials ? .wait : .finished }
    var population: [TrialRecord] = []
    var proposed = 0, generation = 0
    while proposed < iterations {
      let size = Swift.min(generation == 0 ? firstSize : laterSize, iterations - proposed)
      var members: [TrialRecord] = []
      var candidates: [Candidate] = []
      var running = false, exhausted = false
      var prepared: Parents?
      for id in (0..<size).map({ ProposalID("\(kind)/\(generation)", $0) }) {
        if let trial = byProposal[id] {
          members.append(trial)
          running = running || trial.status == .running
          continue
        }
        var generator = context.generator(for: id)
        if generation > 0, prepared == nil { prepared = parents(population) }
        let bred = try prepared.map { try breed($0, seen, &generator) } ?? nil
        guard let child = bred ?? Self.unseen(space, finite: finite, seen: seen, generator: &generator) else {
          exhausted = true
          break
        }
        seen.insert(child)
        candidates.append(Candidate(child, tags: ["generation": .int(generation)], proposal: id))
      }
      if !candidates.isEmpty { return .propose(candidates) }
      if running || exhausted { return context.hasRunningTrials ? .wait : .finished }
      proposed += size
      population = survive(population, members)
      generation += 1
    }
    return context.hasRunningTrials ? .wait : .finished
  }

  /// Configurations already tried, also as the encoding gives them back (a real value may come
  /// back an ulp away), so a child copying its parent is recognised.
  static func seen(_ trials: [TrialRecord], space: SearchSpace) -> Set<ParameterSet> {
    var seen = Set(trials.map(\.parameters))
    for trial in trials {
      if let point = space.encode(trial.parameters), let back = try? space.decode(point) { seen.insert(back) }
    }
    return seen
  }

  /// A configuration not seen yet: a random draw (up to 100), or for a finite space one of the
  /// unseen candidates; `nil` when every candidate was seen.
  static func unseen(
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

  /// `genes` mutated until they decode to a configuration not seen, up to 21 attempts, each from
  /// the recombined genes; `nil` when all were seen. Each gene mutates with probability `rate`
  /// (at least ½ after the first attempt): a choice moves to another of its values, a number by
  /// `step(gene, attempt, generator)`, so later attempts can step further.
  static func mutatedUnseen(
    _ genes: [Double], space: SearchSpace, seen: Set<ParameterSet>, rate: Double, generator: inout Xoshiro256StarStar,
    step: (Double, Int, inout Xoshiro256StarStar) -> Double
  ) throws -> ParameterSet? {
    for attempt in 0...20 {
      var mutated = genes
      for j in mutated.indices where generator.nextUniform() < (attempt == 0 ? rate : Swift.max(rate, 0.5)) {
        if case .choice(let values) = space.dimensions[j].distribution {
          mutated[j] = otherChoice(mutated[j], count: values.count, generator: &generator)
        } else {
          mutated[j] = step(mutated[j], attempt, &generator)
        }
      }
      let child = try space.decode(mutated)
      if !seen.contains(child) { return child }
    }
    return nil
  }

  /// A choice gene moved to another of its `count` values, at that value's centre in [0, 1].
  static func otherChoice(_ gene: Double, count: Int, generator: inout Xoshiro256StarStar) -> Double {
    guard count > 1 else { return gene }
    let current = Swift.min(count - 1, Int(gene * Double(count)))
    let other = (current + 1 + generator.nextInt(below: count - 1)) % count
    return (Double(other) + 0.5) / Double(count)
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
