// Population-based training (Jaderberg et al. 2017): a population trains in steps of
// `readyInterval` units; after each step the bottom quantile copies the models of a random member
// of the top quantile (exploit) and perturbs its mutable hyperparameters (explore). Here every
// member holds one model per cross-validation fold, and each (member, generation) is a trial of
// the study continuing the trial it copied, so lineage, schedules, resume and several workers
// come from the record.

import LearnCore
import LinearAlgebra

/// How a member that copied another changes the copied hyperparameters (PBT's explore step).
public enum PBTExplore: Sendable, CustomStringConvertible {
  /// Ray Tune's rule: each mutable hyperparameter is resampled from the space with probability
  /// `resampleProbability`; otherwise a real or integer one is multiplied by one of `factors`
  /// (clipped to its range; integers stay integers and move by at least one), and a choice moves
  /// to a neighbouring value.
  case perturb(factors: [Double] = [0.8, 1.2], resampleProbability: Double = 0.25)
  /// Your own rule: given the copied hyperparameters and a seeded generator, the new ones. Only
  /// the mutable hyperparameters may change, and every value must be inside the space.
  case custom(name: String, @Sendable (ParameterSet, inout Xoshiro256StarStar) -> ParameterSet)
  /// PB2 (Parker-Holder et al. 2020): a Gaussian process models the score gained by a step from
  /// its time and mutable hyperparameters (numbers only); copying members train next with the
  /// values maximising `mean + exploration · sd` among `candidates` random points, picked one
  /// after another so a batch spreads out. Perturbs while fewer than three steps are known.
  case pb2(candidates: Int = 1000, exploration: Double = 2)

  /// `perturb(factors …, resample …)` or `custom(<name>)`.
  public var description: String {
    switch self {
    case .perturb(let factors, let p): return "perturb(factors \(factors), resample \(p))"
    case .custom(let name, _): return "custom(\(name))"
    case .pb2(let candidates, let exploration): return "pb2(\(candidates) candidates, exploration \(exploration))"
    }
  }
}

/// When PBT's members exploit and explore.
public enum PBTMode: String, Sendable, Hashable, CaseIterable {
  /// Generation by generation: a generation starts once the previous one has finished, and every
  /// member is compared with the whole generation. The table is the same for any number of
  /// workers, and a killed population resumes to the same result.
  case synchronous
  /// Member by member (Ray Tune's PBT): a member that finishes a step is compared at once with
  /// the latest finished step of every member, and copies and explores or goes on. No member
  /// waits for the slowest; which trials a member meets depends on timing, so tables differ
  /// between runs with several workers (or processes on one journal).
  case asynchronous
}

/// Population-based training as a study strategy, with cross-validation: `populationSize`
/// members drawn from `space`, trained `readyInterval` units (epochs, trees) per generation,
/// scored on every fold, then exploit and explore over the `mutable` hyperparameters.
///
/// Proposals are `pbt/<member>/<generation>`; a member's trial of generation `g` continues its
/// own trial of generation `g − 1`, or the trial of the member it copied. Generations are
/// synchronous (each starts once the previous has finished), so the table is the same for any
/// number of workers and a killed population resumes to the same result. Table columns:
/// `member`, `generation`, `donor` (the member copied, when one was), `parent`.
public struct PBTSearch: SearchStrategy {
  /// The space the population is drawn from, and the range explore stays in.
  public let space: SearchSpace
  /// The hyperparameters explore may change (a continued model must accept new values of them:
  /// learning rates, regularisation, momentum; never layer sizes).
  public let mutable: [String]
  /// How many members train side by side (at least 2).
  public let populationSize: Int
  /// How many generations each member trains.
  public let generations: Int
  /// Units (epochs, trees) per generation.
  public let readyInterval: Int
  /// The fraction of the population that copies, and is copied (in (0, 0.5]).
  public let quantile: Double
  /// The explore rule.
  public let explore: PBTExplore
  /// Synchronous generations (the default) or asynchronous members.
  public let mode: PBTMode

  /// A population-based search; throws naming the setting that is out of range.
  public init(
    _ space: [String: Distribution], mutable: [String], populationSize: Int = 16, generations: Int, readyInterval: Int,
    quantile: Double = 0.25, explore: PBTExplore = .perturb(), mode: PBTMode = .synchronous
  ) throws(LearnError) {
    self.space = try SearchSpace(space)
    self.mode = mode
    guard populationSize >= 2 else {
      throw .invalidArgument(name: "populationSize", reason: "a population needs at least 2 members, got \(populationSize)")
    }
    guard generations >= 1 else { throw .invalidArgument(name: "generations", reason: "must be at least 1, got \(generations)") }
    guard readyInterval >= 1 else { throw .invalidArgument(name: "readyInterval", reason: "must be at least 1, got \(readyInterval)") }
    guard quantile > 0, quantile <= 0.5 else {
      throw .invalidArgument(name: "quantile", reason: "must be in (0, 0.5], got \(quantile)")
    }
    guard !mutable.isEmpty else { throw .invalidArgument(name: "mutable", reason: "name at least one hyperparameter to explore") }
    for name in mutable where space[name] == nil {
      throw .invalidArgument(name: "mutable", reason: "'\(name)' is not in the search space \(self.space.names)")
    }
    if case .perturb(let factors, let p) = explore {
      guard !factors.isEmpty, factors.allSatisfy({ $0.isFinite && $0 > 0 }) else {
        throw .invalidArgument(name: "explore", reason: "perturbation factors must be positive and finite, got \(factors)")
      }
      guard p >= 0, p <= 1 else { throw .invalidArgument(name: "explore", reason: "resampleProbability must be in [0, 1], got \(p)") }
    }
    if case .pb2(let candidates, let exploration) = explore {
      guard candidates >= 1, exploration >= 0, exploration.isFinite else {
        throw .invalidArgument(name: "explore", reason: "pb2 needs candidates ≥ 1 and a finite exploration ≥ 0")
      }
      let built = self.space
      if let name = mutable.first(where: { if case .choice = built[$0]! { return true } else { return false } }) {
        throw .invalidArgument(name: "mutable", reason: "pb2 explores numbers; '\(name)' is a choice")
      }
    }
    self.mutable = mutable
    self.populationSize = populationSize
    self.generations = generations
    self.readyInterval = readyInterval
    self.quantile = quantile
    self.explore = explore
  }

  /// How many members copy (and are copied) each generation: ⌈n·q⌉, at most ⌊n/2⌋ (Ray's rule).
  public var exploitCount: Int { Swift.min(Int((Double(populationSize) * quantile).rounded(.up)), populationSize / 2) }

  static func proposal(_ member: Int, _ generation: Int) -> ProposalID { ProposalID("pbt/\(member)/\(generation)") }

  /// The population's trials by generation and member, read from the record.
  func table(_ trials: [TrialRecord]) -> [[TrialRecord?]] {
    var table = [[TrialRecord?]](repeating: [TrialRecord?](repeating: nil, count: populationSize), count: generations)
    for trial in trials {
      let parts = trial.proposal.rawValue.split(separator: "/")
      guard parts.count == 3, parts[0] == "pbt", let m = Int(parts[1]), let g = Int(parts[2]),
            table.indices.contains(g), (0..<populationSize).contains(m) else { continue }
      table[g][m] = trial
    }
    return table
  }

  /// The next generation's members once the previous one has finished, or the first generation
  /// (synchronous); or the next step of every member that has finished one (asynchronous).
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    if mode == .asynchronous { return try nextAsynchronous(context) }
    let table = self.table(context.trials)
    guard let g = table.firstIndex(where: { $0.contains { $0 == nil } }) else {
      return context.hasRunningTrials ? .wait : .finished
    }
    if g > 0, !table[g - 1].allSatisfy({ $0?.status.isFinished == true }) { return .wait }
    let plan = g == 0 ? [] : try exploitPlan(generation: g, previous: table[g - 1].map { $0! }, context)
    let missing = (0..<populationSize).filter { table[g][$0] == nil }
    let bandit = try banditPlan(plan.enumerated().compactMap { m, donor in donor.map { (m, table[g - 1][$0]!.parameters) } },
                                units: (g + 1) * readyInterval, dataUntil: g * readyInterval, seed: ProposalID("pbt/pb2/\(g)"),
                                context)
    return .propose(try missing.map { m in
      var generator = context.generator(for: Self.proposal(m, g))
      var tags: [String: ParameterValue] = ["member": .int(m), "generation": .int(g)]
      let parameters: ParameterSet
      var parent: Int? = nil
      if g == 0 {
        parameters = space.sample(using: &generator)
      } else if let donor = plan[m] {
        let copied = table[g - 1][donor]!
        parameters = try bandit[m] ?? explored(copied.parameters, &generator)
        parent = copied.index
        tags["donor"] = .int(donor)
      } else {
        parameters = table[g - 1][m]!.parameters
        parent = table[g - 1][m]!.index
      }
      return Candidate(parameters, budget: .units((g + 1) * readyInterval), continuing: parent, tags: tags,
                       proposal: Self.proposal(m, g))
    })
  }

  /// Asynchronous PBT: members without a first step start; each member whose latest step has
  /// finished below the full budget (`generations × readyInterval` units) takes its next step,
  /// copying and exploring when its latest score is in the bottom quantile of the members' latest
  /// finished steps. A step trains `readyInterval` units beyond the trial it continues (a copy of
  /// a member further ahead jumps ahead with it), never past the full budget.
  func nextAsynchronous(_ context: StrategyContext) throws -> StrategyDecision {
    let steps = memberSteps(context.trials)
    var candidates: [Candidate] = []
    for m in 0..<populationSize where steps[m].isEmpty {
      var generator = context.generator(for: Self.proposal(m, 0))
      candidates.append(Candidate(space.sample(using: &generator), budget: .units(readyInterval),
                                  tags: ["member": .int(m), "generation": .int(0)], proposal: Self.proposal(m, 0)))
    }
    let latest = (0..<populationSize).compactMap { m in steps[m].last { $0.status.isFinished }.map { (member: m, trial: $0) } }
    let ranked = rankedByValue(latest.map { (index: $0.member, trial: $0.trial) }, context, failedLast: true)
    let k = Swift.min(exploitCount, latest.count / 2)
    let top = Array(ranked.prefix(k)), bottom = Set(ranked.suffix(k))
    let full = generations * readyInterval
    for (m, trial) in latest where steps[m].last?.index == trial.index && (trial.budget ?? 0) < full {
      let g = steps[m].count
      var generator = context.generator(for: Self.proposal(m, g))
      var tags: [String: ParameterValue] = ["member": .int(m), "generation": .int(g)]
      var parent = trial, parameters = trial.parameters
      if bottom.contains(m), !top.isEmpty {
        let donor = top[generator.nextInt(below: top.count)]
        parent = latest.first { $0.member == donor }!.trial
        let units = Swift.min((parent.budget ?? 0) + readyInterval, full)
        parameters = try banditPlan([(m, parent.parameters)], units: units, dataUntil: nil,
                                    seed: ProposalID("pbt/pb2/\(m)/\(g)"), context)[m] ?? explored(parent.parameters, &generator)
        tags["donor"] = .int(donor)
      }
      let units = Swift.min((parent.budget ?? 0) + readyInterval, full)
      candidates.append(Candidate(parameters, budget: .units(units), continuing: parent.index, tags: tags,
                                  proposal: Self.proposal(m, g)))
    }
    if !candidates.isEmpty { return .propose(candidates) }
    return context.hasRunningTrials ? .wait : .finished
  }

  /// Each member's trials in step order, read from the record.
  func memberSteps(_ trials: [TrialRecord]) -> [[TrialRecord]] {
    var steps = [[TrialRecord]](repeating: [], count: populationSize)
    for trial in trials {
      let parts = trial.proposal.rawValue.split(separator: "/")
      guard parts.count == 3, parts[0] == "pbt", let m = Int(parts[1]), Int(parts[2]) == steps[safe: m]?.count else { continue }
      steps[m].append(trial)
    }
    return steps
  }

  /// For each member, the member it copies at generation `g` (nil: it continues itself): the
  /// bottom ``exploitCount`` of generation `g − 1` (failed last) each copy a member of the top
  /// ``exploitCount`` drawn from the seed.
  func exploitPlan(generation g: Int, previous: [TrialRecord], _ context: StrategyContext) throws -> [Int?] {
    let ranked = rankedByValue(previous.enumerated().map { (index: $0.offset, trial: $0.element) }, context, failedLast: true)
    let k = exploitCount
    let top = Array(ranked.prefix(k)).filter { context.value(of: previous[$0]) != nil }
    // The bottom quantile, and every member without a score (failed), copy.
    let failed = previous.indices.filter { context.value(of: previous[$0]) == nil }
    let bottom = Set(ranked.suffix(k)).union(failed).subtracting(top)
    var plan = [Int?](repeating: nil, count: populationSize)
    guard !top.isEmpty else { return plan }
    var generator = context.generator(for: ProposalID("pbt/exploit/\(g)"))
    for m in bottom.sorted() { plan[m] = top[generator.nextInt(below: top.count)] }
    return plan
  }

  /// With PB2, the hyperparameters each copying member (by member) trains with next; empty
  /// for the other explore rules.
  func banditPlan(
    _ copies: [(member: Int, donor: ParameterSet)], units: Int, dataUntil: Int?, seed: ProposalID, _ context: StrategyContext
  ) throws -> [Int: ParameterSet] {
    guard case .pb2(let candidates, let exploration) = explore, !copies.isEmpty else { return [:] }
    let choices = try banditChoices(donors: copies.map(\.donor), units: units, dataUntil: dataUntil, candidates: candidates,
                                    exploration: exploration, seed: seed, context)
    return Dictionary(uniqueKeysWithValues: zip(copies.map(\.member), choices))
  }

  /// `parameters` after the explore step over ``mutable``, every value inside the space.
  func explored(_ parameters: ParameterSet, _ generator: inout Xoshiro256StarStar) throws(LearnError) -> ParameterSet {
    try explored(parameters, &generator, rule: explore)
  }

  /// `parameters` after `rule`'s explore step (PB2 perturbs here: its bandit chooses elsewhere).
  func explored(
    _ parameters: ParameterSet, _ generator: inout Xoshiro256StarStar, rule: PBTExplore
  ) throws(LearnError) -> ParameterSet {
    switch rule {
    case .custom(let name, let rule):
      let result = rule(parameters, &generator)
      if let dropped = parameters.keys.sorted().first(where: { result[$0] == nil }) {
        throw .invalidArgument(name: "explore", reason: "custom rule '\(name)' dropped \(dropped)")
      }
      for (key, value) in result where value != parameters[key] {
        guard mutable.contains(key), let distribution = space[key], distribution.contains(value) else {
          throw .invalidArgument(name: "explore", reason: "custom rule '\(name)' set \(key) to \(value), which is not a mutable "
                                   + "hyperparameter inside the space")
        }
      }
      return result
    case .pb2:
      return try explored(parameters, &generator, rule: .perturb())
    case .perturb(let factors, let resample):
      var result = parameters
      for name in mutable {
        guard let distribution = space[name], let value = parameters[name] else { continue }
        if generator.nextUniform() < resample {
          result[name] = distribution.sample(using: &generator)
        } else {
          result[name] = perturbed(value, in: distribution, factor: factors[generator.nextInt(below: factors.count)],
                                   step: generator.nextInt(below: 2) == 0 ? -1 : 1)
        }
      }
      return result
    }
  }

  /// Throws when a mutable hyperparameter is one the estimator cannot change while continuing.
  public func validate(fixedWhileContinuing fixed: Set<String>, estimator: String) throws(LearnError) {
    if let name = mutable.first(where: fixed.contains) {
      throw .invalidArgument(
        name: "mutable", reason: "\(estimator) cannot change '\(name)' while continuing a model (fixed: "
          + fixed.sorted().joined(separator: ", ") + ")")
    }
  }

  /// Every name in the space is a hyperparameter of the estimator.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces([space], against: names, estimator: estimator, example: "PBTSearch([\"alpha\": .logUniform(1e-5, 1e-1)], …)")
  }

  /// The population size times the generations.
  public func expectedTrials(_ context: StrategyContext) -> Int? { populationSize * generations }

  /// Units: members continue their (or their donor's) fold models.
  public var budgetResource: BudgetResource? { .units }

  /// Every trial of a generation older than the newest one fully created: all their children
  /// exist (and hold the models they continue).
  public func releasable(_ context: StrategyContext) -> Set<Int> {
    if mode == .asynchronous {
      // All but each member's latest finished step (a donor, or the member's next parent).
      let steps = memberSteps(context.trials)
      let finished = steps.flatMap { $0.filter(\.status.isFinished) }
      let latest = Set(steps.compactMap { $0.last { $0.status.isFinished }?.index })
      return Set(finished.map(\.index)).subtracting(latest)
    }
    let table = self.table(context.trials)
    guard let newest = table.lastIndex(where: { $0.allSatisfy { $0 != nil } }) else { return [] }
    return Set(table[..<newest].flatMap { $0.compactMap { $0?.status.isFinished == true ? $0!.index : nil } })
  }

  /// The best member's model is its schedule replayed, not its last hyperparameters trained once.
  public var refitReplaysSchedule: Bool { true }

  /// `pbt(<n> members, <g> generations × <interval> units, quantile …, <explore>, mutable […], <space>)`.
  public var description: String {
    "pbt(\(mode.rawValue), \(populationSize) members, \(generations) generations × \(readyInterval) units, quantile \(quantile), \(explore), "
      + "mutable \(mutable), \(space.description.replacingOccurrences(of: "\n", with: "; ")))"
  }
}

/// `value` moved by `factor` inside `distribution` (reals and integers, integers by at least one
/// `step` when the factor would not move them), or to the neighbouring choice in direction `step`.
func perturbed(_ value: ParameterValue, in distribution: Distribution, factor: Double, step: Int) -> ParameterValue {
  switch distribution {
  case .uniform(let low, let high), .logUniform(let low, let high):
    guard let v = value.doubleValue else { return value }
    return .double(Swift.min(Swift.max(v * factor, low), high))
  case .int(let low, let high), .logInt(let low, let high):
    guard let v = value.intValue else { return value }
    let scaled = Double(v) * factor
    var moved = scaled.isFinite && abs(scaled) < 9e15 ? Int(scaled.rounded()) : v
    if moved == v, factor != 1 { moved = factor > 1 ? v &+ 1 : v &- 1 }
    return .int(Swift.min(Swift.max(moved, low), high))
  case .choice(let values):
    guard let i = values.firstIndex(of: value) else { return value }
    return values[Swift.min(Swift.max(i + step, 0), values.count - 1)]
  }
}

// MARK: - PBTSearchCV

/// Population-based training with cross-validation: a ``SearchCV`` with a ``PBTSearch`` strategy.
public typealias PBTSearchCV<Base: IncrementallyTrainable> = SearchCV<Base, PBTSearch>

extension SearchCV where Strategy == PBTSearch, Base: IncrementallyTrainable {
  /// PBT over `space` with cross-validation: `populationSize` members, `generations` steps of
  /// `readyInterval` training units each, the bottom `quantile` copying the top and exploring the
  /// `mutable` hyperparameters. The refit replays the best member's schedule on all the data.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for invalid settings, and for a
  ///   mutable hyperparameter the estimator cannot change while continuing
  ///   (``LearnCore/IncrementallyTrainable/fixedWhileContinuing``).
  public init(
    _ estimator: Base, space: [String: Distribution], mutable: [String], populationSize: Int = 16, generations: Int,
    readyInterval: Int, quantile: Double = 0.25, explore: PBTExplore = .perturb(), mode: PBTMode = .synchronous,
    cv: (any Splitter)? = nil,
    scoring: [Scorer] = [], refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try PBTSearch(
      space, mutable: mutable, populationSize: populationSize, generations: generations, readyInterval: readyInterval,
      quantile: quantile, explore: explore, mode: mode)
    try strategy.validate(fixedWhileContinuing: estimator.fixedWhileContinuing, estimator: Base.estimatorName)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, journal: journal, progress: progress,
              seed: seed)
  }
}

extension Array {
  /// The element at `index`, or `nil` outside the array.
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
