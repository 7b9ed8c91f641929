// Synchronous successive halving over a list of brackets — Hyperband's, or scikit-learn's single
// halving bracket — decided from the study's record alone: a rung is proposed once the rung
// below has finished, its members are the best of that rung (failed and NaN last, ties to the
// earlier candidate), and each promoted candidate continues its parent's fold models.

import LearnCore
import LinearAlgebra

/// What a multi-fidelity budget counts.
public enum BudgetResource: String, Sendable, Hashable, CustomStringConvertible {
  /// Training units (epochs, iterations, trees) of the estimator's ``LearnCore/TrainingUnits``
  /// (or the search's `budgetParameter`); promoted candidates continue their models.
  case units
  /// Training samples per fold (scikit-learn's `resource="n_samples"`): each rung fits afresh on
  /// a larger nested subsample of every training fold.
  case samples

  /// The budget of `amount` of this resource.
  public func budget(_ amount: Int) -> Budget {
    switch self {
    case .units: return .units(amount)
    case .samples: return .samples(amount)
    }
  }

  /// `units` or `samples`.
  public var description: String { rawValue }
}

/// Where Hyperband's new candidates come from.
public enum HyperbandSampler: Sendable, Hashable, CustomStringConvertible {
  /// Drawn uniformly from the space (Hyperband as published).
  case random
  /// BOHB (Falkner et al. 2018): a tree-structured Parzen estimator fitted to the trials of the
  /// earlier brackets at the largest budget that has at least `d + 2` finished ones (`d` the
  /// number of dimensions), each candidate drawn at random instead with probability
  /// `randomFraction` (the paper's ρ = 1/3) and whenever no budget has enough trials yet.
  case tpe(TPESettings, randomFraction: Double)

  /// BOHB with TPE's default settings (``TPESettings``) and the paper's ρ = 1/3.
  public static var bohb: HyperbandSampler { .tpe(TPESettings(), randomFraction: 1.0 / 3) }

  /// `random` or `bohb(<settings>, random <ρ>)`.
  public var description: String {
    switch self {
    case .random: return "random"
    case .tpe(let settings, let fraction): return "bohb(\(settings), random \(fraction))"
    }
  }
}

/// `members` best first by their value in the study's direction (ties to the lower index); those
/// without a finite value (failed, NaN, running) follow in index order when `failedLast`, and are
/// left out otherwise. Sorted on (signed value, index) pairs, cheap enough for a decision made
/// under the executor's lock each time a worker frees up. The ranking of every rung-based strategy.
func rankedByValue(_ members: [(index: Int, trial: TrialRecord)], _ context: StrategyContext, failedLast: Bool) -> [Int] {
  let sign = context.direction == .minimize ? 1.0 : -1.0
  var scored: [(value: Double, index: Int)] = []
  var unscored: [Int] = []
  scored.reserveCapacity(members.count)
  for member in members {
    if let value = context.value(of: member.trial) {
      scored.append((sign * value, member.index))
    } else {
      unscored.append(member.index)
    }
  }
  scored.sort { $0 < $1 }
  return scored.map(\.index) + (failedLast ? unscored.sorted() : [])
}

/// The engine under ``HyperbandSearch`` and the halving searches: brackets run one after the
/// other, each rung once the previous one has finished. Proposal `<kind>/<b>/<j>/<i>` is
/// candidate `j` of bracket `b` at rung `i`.
struct SynchronousBrackets {
  let kind: String
  let brackets: [Bracket]
  let resource: BudgetResource
  /// Tags for the results table of candidate `(bracket, rung)`.
  let tags: (_ bracket: Int, _ rung: Int) -> [String: ParameterValue]
  /// The parameters of new candidate `j` of bracket `b`, drawn given the record.
  let newCandidate: (_ bracket: Int, _ index: Int, _ context: StrategyContext) throws -> ParameterSet

  func proposal(_ bracket: Int, _ index: Int, _ rung: Int) -> ProposalID {
    ProposalID("\(kind)/\(bracket)/\(index)/\(rung)")
  }

  /// One rung as the record stands: its members (candidate indices, known once the rung below
  /// has finished) and their trials there (`nil` for those not created yet).
  struct RungView {
    let bracket: Int
    let rung: Int
    let members: [Int]
    let trials: [TrialRecord?]
  }

  /// The rungs whose members are known, bracket by bracket in order: within a bracket, up to the
  /// first rung that is not complete (a member missing or running), as the next one's members
  /// depend on it. Both the decisions and the release of models read this one walk.
  func rungViews(_ context: StrategyContext) -> [RungView] {
    var byProposal: [ProposalID: TrialRecord] = [:]
    for trial in context.trials { byProposal[trial.proposal] = trial }
    var views: [RungView] = []
    for (b, bracket) in brackets.enumerated() {
      var members = Array(0..<bracket.rungs[0].candidates)
      for i in bracket.rungs.indices {
        let trials = members.map { byProposal[proposal(b, $0, i)] }
        views.append(RungView(bracket: b, rung: i, members: members, trials: trials))
        guard i + 1 < bracket.rungs.count, trials.allSatisfy({ $0 != nil && $0!.status.isFinished }) else { break }
        members = rankedByValue(zip(members, trials.map { $0! }).map { (index: $0, trial: $1) }, context, failedLast: true)
          .prefix(bracket.rungs[i + 1].candidates).sorted()
      }
    }
    return views
  }

  func next(_ context: StrategyContext) throws -> StrategyDecision {
    let views = rungViews(context)
    for view in views {
      let missing = zip(view.members, view.trials).filter { $0.1 == nil }.map(\.0)
      if !missing.isEmpty {
        let below = view.rung > 0 ? views.first { $0.bracket == view.bracket && $0.rung == view.rung - 1 } : nil
        let budget = brackets[view.bracket].rungs[view.rung].budget
        return .propose(try missing.prefix(256).map { j in
          let parent = below.flatMap { $0.trials[$0.members.firstIndex(of: j)!] }
          let parameters = try parent?.parameters ?? newCandidate(view.bracket, j, context)
          return Candidate(
            parameters, budget: resource.budget(budget), continuing: resource == .units ? parent?.index : nil,
            tags: tags(view.bracket, view.rung), proposal: proposal(view.bracket, j, view.rung))
        })
      }
      if view.trials.contains(where: { $0!.status == .running }) { return .wait }
    }
    return .finished
  }

  /// The finished trials of these brackets that no later rung will continue: all but the
  /// finished trials of a rung not finished yet (some member running or not yet created: any of
  /// them may be promoted) and the parents of a next rung's members whose trial does not exist yet.
  func releasable(_ context: StrategyContext) -> Set<Int> {
    let views = rungViews(context)
    var keep = Set<Int>()
    for view in views {
      let finished = view.trials.compactMap { $0?.status.isFinished == true ? $0!.index : nil }
      if finished.count < view.trials.count { keep.formUnion(finished) }
      if view.rung > 0, let below = views.first(where: { $0.bracket == view.bracket && $0.rung == view.rung - 1 }) {
        for (j, trial) in zip(view.members, view.trials) where trial == nil {
          if let parent = below.trials[below.members.firstIndex(of: j)!] { keep.insert(parent.index) }
        }
      }
    }
    let own = context.trials.filter { $0.status.isFinished && $0.proposal.rawValue.hasPrefix(kind + "/") }.map(\.index)
    return Set(own).subtracting(keep)
  }

  /// Every trial the brackets hold.
  var trialCount: Int { brackets.reduce(0) { $0 + $1.rungs.reduce(0) { $0 + $1.candidates } } }
}

/// Hyperband (Li et al. 2018): brackets of successive halving that trade many candidates at a
/// small budget against few at the full one, over random candidates. Each bracket's rungs run
/// synchronously (a rung starts once the one below has finished, so the table is the same for
/// any number of workers); a promoted candidate continues its fold models when the resource is
/// ``BudgetResource/units``. The final pick (refit) is among the trials at the largest budget.
///
/// Proposals are `hyperband/<b>/<j>/<i>`: candidate `j` of bracket `b` (counted over
/// ``iterations`` rounds of all brackets) at rung `i`. Candidate `j` of bracket `b` is drawn
/// from the study's seed and `hyperband/<b>/<j>`, so a resumed search, or a second process,
/// proposes the same candidates. Table columns: `budget`, `bracket` (Hyperband's `s`), `rung`.
public struct HyperbandSearch: SearchStrategy, Hashable {
  /// The brackets.
  public let schedule: HyperbandSchedule
  /// The spaces candidates are drawn from (one chosen uniformly per candidate when several);
  /// empty: the study's space (``minimize``).
  public let spaces: [SearchSpace]
  /// What the budget counts.
  public let resource: BudgetResource
  /// Rounds of all brackets (KerasTuner's `hyperband_iterations`).
  public let iterations: Int
  /// Where new candidates come from: `.random`, or `.bohb` (TPE over the earlier brackets).
  public let sampler: HyperbandSampler

  /// Hyperband over `space` with budgets from `minBudget` to `maxBudget` and reduction factor
  /// `eta`, `iterations` rounds of all brackets.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for η < 2, `minBudget` < 1,
  ///   `minBudget` > `maxBudget`, `iterations` < 1, or an invalid space.
  public init(
    _ space: [String: Distribution], maxBudget: Int, minBudget: Int = 1, eta: Int = 3, resource: BudgetResource = .units,
    iterations: Int = 1, sampler: HyperbandSampler = .random
  ) throws(LearnError) {
    try self.init(
      spaces: [space], maxBudget: maxBudget, minBudget: minBudget, eta: eta, resource: resource, iterations: iterations,
      sampler: sampler)
  }

  /// Hyperband over several spaces (conditional sub-spaces), or over the study's space when
  /// `spaces` is empty.
  public init(
    spaces: [[String: Distribution]], maxBudget: Int, minBudget: Int = 1, eta: Int = 3, resource: BudgetResource = .units,
    iterations: Int = 1, sampler: HyperbandSampler = .random
  ) throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    if case .tpe(let settings, let fraction) = sampler {
      try settings.validate()
      guard fraction >= 0, fraction <= 1 else {
        throw .invalidArgument(name: "randomFraction", reason: "must be in [0, 1], got \(fraction)")
      }
    }
    self.sampler = sampler
    var built: [SearchSpace] = []
    for space in spaces { built.append(try SearchSpace(space)) }
    self.spaces = built
    schedule = try HyperbandSchedule(maxBudget: maxBudget, minBudget: minBudget, eta: eta)
    self.resource = resource
    self.iterations = iterations
  }

  private var engine: SynchronousBrackets {
    let perRound = schedule.brackets
    let (spaces, sampler) = (self.spaces, self.sampler)
    return SynchronousBrackets(
      kind: "hyperband", brackets: Array((0..<iterations).map { _ in perRound }.joined()), resource: resource,
      tags: { b, i in ["bracket": .int(perRound[b % perRound.count].index), "rung": .int(i)] },
      newCandidate: { b, j, context in
        var generator = context.generator(for: ProposalID("hyperband/\(b)/\(j)"))
        let pool = spaces.isEmpty ? context.space.map { [$0] } ?? [] : spaces
        guard !pool.isEmpty else {
          throw LearnError.invalidArgument(name: "spaces", reason: "this Hyperband search has no space of its own and the study declares none")
        }
        if case .tpe(let settings, let fraction) = sampler, generator.nextUniform() >= fraction,
          let parameters = try Self.modelBased(bracket: b, settings: settings, spaces: pool, context: context, generator: &generator)
        {
          return parameters
        }
        return pool[pool.count == 1 ? 0 : generator.nextInt(below: pool.count)].sample(using: &generator)
      })
  }

  /// BOHB's draw for a candidate of bracket `b`: TPE over the finished brackets' trials at the
  /// largest budget with at least `d + 2` finished ones (only earlier brackets, so the draw does not
  /// depend on how much of bracket `b` exists yet); `nil` when no budget has enough.
  static func modelBased(
    bracket b: Int, settings: TPESettings, spaces: [SearchSpace], context: StrategyContext,
    generator: inout Xoshiro256StarStar
  ) throws(LearnError) -> ParameterSet? {
    let earlier = context.trials.filter { trial in
      let parts = trial.proposal.rawValue.split(separator: "/")
      return parts.count == 4 && parts[0] == "hyperband" && Int(parts[1]).map { $0 < b } == true
    }
    let needed = (spaces.map(\.dimensions.count).max() ?? 0) + 2
    for budget in Set(earlier.compactMap(\.budget)).sorted(by: >) {
      let atBudget = earlier.filter { $0.budget == budget }
      guard atBudget.filter({ context.value(of: $0) != nil }).count >= needed else { continue }
      let sub = StrategyContext(
        trials: atBudget, seed: context.seed, direction: context.direction, metric: context.metric, space: context.space)
      let history = SearchHistory(context: sub, spaces: spaces, failedTrials: .penalize)
      return try TPEProposer(settings: settings, spaces: spaces).propose(history: history, generator: &generator)
    }
    return nil
  }

  /// The next rung's candidates, `.wait` while a rung is running, `.finished` after the last
  /// bracket.
  public func next(_ context: StrategyContext) throws -> StrategyDecision { try engine.next(context) }

  /// Every trial of every bracket (a promoted candidate is a new trial at each rung).
  public func expectedTrials(_ context: StrategyContext) -> Int? { engine.trialCount }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(spaces, against: names, estimator: estimator, example: "HyperbandSearch(space, maxBudget: 81)")
  }

  /// With unit budgets: promoted candidates continue their models.
  public var continuesTrials: Bool { resource == .units }

  /// ``resource``.
  public var budgetResource: BudgetResource? { resource }

  /// Its finished trials that no later rung will continue (their models are released).
  public func releasable(_ context: StrategyContext) -> Set<Int> { engine.releasable(context) }

  /// `hyperband(R=…, min=…, eta=…, units, 1 round, <spaces>)`, with the sampler unless random.
  public var description: String {
    "hyperband(R=\(schedule.maxBudget), min=\(schedule.minBudget), eta=\(schedule.eta), \(resource), "
      + "\(iterations) round\(iterations == 1 ? "" : "s"), " + (sampler == .random ? "" : "\(sampler), ") + describe(spaces) + ")"
  }
}

// MARK: - HyperbandSearchCV

/// Hyperband with cross-validation at every rung (folds fixed across rungs): a ``SearchCV`` with a
/// ``HyperbandSearch`` strategy.
public typealias HyperbandSearchCV<Base: Estimator> = SearchCV<Base, HyperbandSearch>

extension SearchCV where Strategy == HyperbandSearch {
  /// Hyperband over `space` with budgets up to `maxBudget` (in the estimator's training units by
  /// default: MLP epochs, SGD iterations, forest trees; or in training samples), reduction factor
  /// `eta`; `sampler: .bohb` for BOHB. Promoted candidates continue their fold models; the refit trains the best candidate at
  /// the largest budget reached.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for an invalid schedule or space.
  public init(
    _ estimator: Base, space: [String: Distribution], maxBudget: Int, minBudget: Int = 1, eta: Int = 3,
    resource: BudgetResource = .units, iterations: Int = 1, sampler: HyperbandSampler = .random,
    cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), budgetParameter: String? = nil,
    journal: String? = nil, progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try HyperbandSearch(
      space, maxBudget: maxBudget, minBudget: minBudget, eta: eta, resource: resource, iterations: iterations,
      sampler: sampler)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, budgetParameter: budgetParameter,
              journal: journal, progress: progress, seed: seed)
  }
}
