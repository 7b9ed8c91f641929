// scikit-learn's successive-halving searches (`HalvingGridSearchCV`, `HalvingRandomSearchCV`):
// one bracket whose sizes and budgets follow scikit-learn 1.9.1's rules, except that its
// logarithms are exact (scikit-learn's `1 + floor(log(243, 3))` is 5, not 6), run by the same
// synchronous engine as Hyperband.

import LearnCore
import LinearAlgebra

/// The first iteration's budget of a halving search (scikit-learn's `min_resources`).
public enum HalvingMinimum: Sendable, Hashable, CustomStringConvertible {
  /// `2 · splits` (times the number of classes for a classifier) with a samples budget, 1 with
  /// units (scikit-learn's `"smallest"`).
  case smallest
  /// As large as lets the last iteration reach the largest budget (scikit-learn's `"exhaust"`):
  /// `max(smallest, maxBudget / factor^(required − 1))`.
  case exhaust
  /// This budget.
  case budget(Int)

  /// `smallest`, `exhaust` or the number.
  public var description: String {
    switch self {
    case .smallest: return "smallest"
    case .exhaust: return "exhaust"
    case .budget(let n): return String(n)
    }
  }
}

/// How many candidates a halving random search draws (scikit-learn's `n_candidates`).
public enum HalvingCandidates: Sendable, Hashable, CustomStringConvertible {
  /// `maxBudget / minBudget`, so the last iteration uses about the largest budget
  /// (scikit-learn's `"exhaust"`).
  case exhaust
  /// This many.
  case count(Int)

  /// `exhaust` or the number.
  public var description: String {
    switch self {
    case .exhaust: return "exhaust"
    case .count(let n): return String(n)
    }
  }
}

/// The iterations of one halving search, resolved against the data: scikit-learn's
/// `n_candidates_`, `n_resources_` and the counts of iterations.
public struct HalvingPlan: Sendable, Hashable {
  /// Candidates per iteration (`n_candidates_`).
  public let candidates: [Int]
  /// Budget per iteration (`n_resources_`).
  public let budgets: [Int]
  /// The first iteration's budget (`min_resources_`).
  public let minBudget: Int
  /// The largest budget (`max_resources_`).
  public let maxBudget: Int
  /// Iterations needed to bring the candidates below `factor` (`n_required_iterations_`).
  public let requiredIterations: Int
  /// Iterations the budgets allow (`n_possible_iterations_`).
  public let possibleIterations: Int

  /// Iterations run (`n_iterations_`).
  public var iterations: Int { candidates.count }
}

/// scikit-learn's successive halving: every candidate at a small budget, the best `⌈n/factor⌉`
/// kept at each iteration with `factor` times the budget (capped at the largest), until fewer than
/// `factor` remain or the budget runs out. Candidates come from a grid (all of them) or are drawn
/// at random. With a units budget, kept candidates continue their fold models.
///
/// Proposals are `halving/0/<j>/<i>`: candidate `j` at iteration `i`. Table columns `iter` and
/// `n_resources` (scikit-learn's) besides `budget`. The final pick is among the last iteration's
/// trials, as in scikit-learn. Ties at a cut go to the earlier candidate (scikit-learn's
/// `argsort` usually keeps the later one).
public struct HalvingSearch: SearchStrategy, Hashable {
  enum Source: Hashable {
    case grid(GridSearch)
    case random(spaces: [SearchSpace], candidates: HalvingCandidates, seed: UInt64)
  }

  let source: Source
  /// The reduction factor (scikit-learn's `factor`, ≥ 2).
  public let factor: Int
  /// What the budget counts (scikit-learn's `resource`: `n_samples`, or a parameter).
  public let resource: BudgetResource
  /// The first iteration's budget.
  public let minBudget: HalvingMinimum
  /// The largest budget; `nil` means the number of samples (scikit-learn's `"auto"`, samples only).
  public let maxBudget: Int?
  /// Run the iterations needed to bring the candidates below `factor` even when the budget runs
  /// out first, repeating the first budget (scikit-learn's `aggressive_elimination`).
  public let aggressiveElimination: Bool

  /// Successive halving over every candidate of `grid` (scikit-learn's `HalvingGridSearchCV`).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for a factor below 2, budgets below
  ///   1, `maxBudget: nil` with units, or an invalid grid.
  public init(
    grid: [String: [ParameterValue]], factor: Int = 3, resource: BudgetResource = .samples,
    minBudget: HalvingMinimum = .exhaust, maxBudget: Int? = nil, aggressiveElimination: Bool = false
  ) throws(LearnError) {
    try self.init(
      source: .grid(try GridSearch(grid)), factor: factor, resource: resource, minBudget: minBudget, maxBudget: maxBudget,
      aggressiveElimination: aggressiveElimination)
  }

  /// Successive halving over candidates drawn from `space` (scikit-learn's
  /// `HalvingRandomSearchCV`), `candidates` of them, drawn from `seed`.
  /// - Throws: as the grid form; also for `.exhaust` candidates with an `.exhaust` minimum.
  public init(
    space: [String: Distribution], candidates: HalvingCandidates = .exhaust, factor: Int = 3,
    resource: BudgetResource = .samples, minBudget: HalvingMinimum = .smallest, maxBudget: Int? = nil,
    aggressiveElimination: Bool = false, seed: UInt64 = 0
  ) throws(LearnError) {
    if case .exhaust = candidates, case .exhaust = minBudget {
      throw .invalidArgument(name: "candidates", reason: "candidates and minBudget cannot both be .exhaust")
    }
    if case .count(let n) = candidates, n < 1 {
      throw .invalidArgument(name: "candidates", reason: "must be at least 1, got \(n)")
    }
    try self.init(
      source: .random(spaces: [try SearchSpace(space)], candidates: candidates, seed: seed), factor: factor,
      resource: resource, minBudget: minBudget, maxBudget: maxBudget, aggressiveElimination: aggressiveElimination)
  }

  private init(
    source: Source, factor: Int, resource: BudgetResource, minBudget: HalvingMinimum, maxBudget: Int?,
    aggressiveElimination: Bool
  ) throws(LearnError) {
    guard factor >= 2 else { throw .invalidArgument(name: "factor", reason: "must be at least 2, got \(factor)") }
    if case .budget(let n) = minBudget, n < 1 {
      throw .invalidArgument(name: "minBudget", reason: "must be at least 1, got \(n)")
    }
    if let maxBudget, maxBudget < 1 {
      throw .invalidArgument(name: "maxBudget", reason: "must be at least 1, got \(maxBudget)")
    }
    if maxBudget == nil, resource == .units {
      throw .invalidArgument(name: "maxBudget", reason: "budgets in units need a maxBudget (only samples default to the data's size)")
    }
    self.source = source
    self.factor = factor
    self.resource = resource
    self.minBudget = minBudget
    self.maxBudget = maxBudget
    self.aggressiveElimination = aggressiveElimination
  }

  /// The iterations for data of this shape (scikit-learn's rules, exact logarithms).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` when the first budget exceeds the
  ///   largest, or samples budgets have no data to count.
  public func plan(for data: DataProfile?) throws(LearnError) -> HalvingPlan { try resolved(for: data).plan }

  /// The plan and the first iteration's candidates, drawn once.
  private func resolved(for data: DataProfile?) throws(LearnError) -> (plan: HalvingPlan, candidate: (Int) -> ParameterSet) {
    guard let largest = maxBudget ?? data?.samples else {
      throw .invalidArgument(name: "maxBudget", reason: "a samples budget without maxBudget needs the data's size")
    }
    var smallest = 1
    if resource == .samples {
      guard let data else { throw .invalidArgument(name: "minBudget", reason: "\"smallest\" samples needs the data's shape") }
      smallest = 2 * data.splits * (data.classes ?? 1)
    }
    var first: Int
    let count: Int
    let candidate: (Int) -> ParameterSet
    switch (minBudget, source) {
    case (.budget(let n), _): first = n
    default: first = smallest
    }
    switch source {
    case .grid(let grid):
      count = grid.count
      candidate = grid.candidate(at:)
    case .random(let spaces, let candidates, let seed):
      // The candidates actually drawn: a finite space may hold fewer than asked for.
      let asked: Int
      if case .count(let n) = candidates { asked = n } else { asked = Swift.max(1, largest / first) }
      let drawn = Self.draws(asked, spaces: spaces, seed: seed)
      count = drawn.count
      candidate = { drawn[$0] }
      guard count > 0 else { throw .emptyInput("the space of a halving random search yields no candidate") }
    }
    let required = 1 + integerLog(Swift.max(count, 1), base: factor)
    if case .exhaust = minBudget { first = Swift.max(first, largest / (try power(factor, required - 1))) }
    guard first <= largest else {
      throw .invalidArgument(name: "minBudget", reason: "the first budget (\(first)) is above maxBudget (\(largest))")
    }
    let possible = 1 + integerLog(largest / first, base: factor)
    let iterations = aggressiveElimination ? required : Swift.min(possible, required)
    var candidates: [Int] = [], budgets: [Int] = []
    var remaining = count
    for i in 0..<iterations {
      let exponent = aggressiveElimination ? Swift.max(0, i - required + possible) : i
      let scale = (try? power(factor, exponent)) ?? Int.max
      let (budget, overflow) = scale.multipliedReportingOverflow(by: first)
      budgets.append(overflow ? largest : Swift.min(budget, largest))
      candidates.append(remaining)
      remaining = (remaining + factor - 1) / factor  // ⌈n / factor⌉ kept
    }
    let plan = HalvingPlan(
      candidates: candidates, budgets: budgets, minBudget: first, maxBudget: largest, requiredIterations: required,
      possibleIterations: possible)
    return (plan, candidate)
  }

  /// Up to `count` distinct candidates drawn from `spaces` with `seed` (random search's draws:
  /// without replacement, so a finite space gives at most its size).
  static func draws(_ count: Int, spaces: [SearchSpace], seed: UInt64) -> [ParameterSet] {
    (try? RandomSearch(iterations: Swift.max(1, count), seed: seed))?.candidates(in: spaces) ?? []
  }

  private func engine(_ context: StrategyContext) throws(LearnError) -> SynchronousBrackets {
    let (plan, candidate) = try resolved(for: context.data)
    let rungs = zip(plan.candidates, plan.budgets).map { Rung(candidates: $0, budget: $1) }
    return SynchronousBrackets(
      kind: "halving", brackets: [Bracket(index: 0, rungs: rungs)], resource: resource,
      tags: { _, i in ["iter": .int(i), "n_resources": .int(plan.budgets[i])] },
      newCandidate: { _, j, _ in candidate(j) })
  }

  /// The next iteration's candidates, `.wait` while one is running, `.finished` after the last.
  public func next(_ context: StrategyContext) throws -> StrategyDecision { try engine(context).next(context) }

  /// Every trial of every iteration.
  public func expectedTrials(_ context: StrategyContext) -> Int? { try? engine(context).trialCount }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    switch source {
    case .grid(let grid): try grid.validate(parameterNames: names, estimator: estimator)
    case .random(let spaces, _, _):
      try checkSpaces(spaces, against: names, estimator: estimator, example: "HalvingSearch(space: …)")
    }
  }

  /// The last iteration's complete trials, as scikit-learn picks (not every trial at the largest
  /// budget, which aggressive elimination can reach more than once); when none of them completed,
  /// the complete trials at the largest budget instead.
  public func refitPool(_ results: SearchResults) -> [Int] {
    let iterations = results.trials.compactMap { $0.tags["iter"]?.intValue }
    guard let last = iterations.max() else { return largestBudgetPool(results) }
    let pool = results.trials.indices.filter {
      results.trials[$0].tags["iter"]?.intValue == last && results.trials[$0].status == .complete
    }
    return pool.isEmpty ? largestBudgetPool(results) : pool
  }

  /// With unit budgets: kept candidates continue their models.
  public var continuesTrials: Bool { resource == .units }

  /// ``resource``.
  public var budgetResource: BudgetResource? { resource }

  /// Its finished trials that no later iteration will continue (their models are released).
  public func releasable(_ context: StrategyContext) -> Set<Int> { (try? engine(context).releasable(context)) ?? [] }

  /// `halving(<source>, factor …, <resource>, min …, max …, aggressive …)`.
  public var description: String {
    let from: String
    switch source {
    case .grid(let grid): from = grid.description
    case .random(let spaces, let candidates, let seed): from = "random(\(candidates), seed \(seed), " + describe(spaces) + ")"
    }
    return "halving(\(from), factor \(factor), \(resource), min \(minBudget), max \(maxBudget.map(String.init) ?? "auto")"
      + (aggressiveElimination ? ", aggressive)" : ")")
  }
}

// MARK: - HalvingGridSearchCV and HalvingRandomSearchCV

/// scikit-learn's `HalvingGridSearchCV` and `HalvingRandomSearchCV`: a ``SearchCV`` with a
/// ``HalvingSearch`` strategy.
public typealias HalvingSearchCV<Base: Estimator> = SearchCV<Base, HalvingSearch>

extension SearchCV where Strategy == HalvingSearch {
  /// scikit-learn's `HalvingGridSearchCV(estimator, param_grid, factor, resource, max_resources,
  /// min_resources, aggressive_elimination)`: budgets in samples by default, or in the
  /// estimator's training units (`resource: .units`, with a `maxBudget`).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for invalid settings.
  public init(
    _ estimator: Base, grid: [String: [ParameterValue]], factor: Int = 3, resource: BudgetResource = .samples,
    maxBudget: Int? = nil, minBudget: HalvingMinimum = .exhaust, aggressiveElimination: Bool = false,
    cv: (any Splitter)? = nil, scoring: [Scorer] = [], refit: Refit? = nil, errorScore: ErrorScore = .value(.nan),
    returnTrainScore: Bool = false, parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(),
    budgetParameter: String? = nil, journal: String? = nil, progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try HalvingSearch(
      grid: grid, factor: factor, resource: resource, minBudget: minBudget, maxBudget: maxBudget,
      aggressiveElimination: aggressiveElimination)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, budgetParameter: budgetParameter,
              journal: journal, progress: progress, seed: seed)
  }

  /// scikit-learn's `HalvingRandomSearchCV(estimator, param_distributions, n_candidates, factor,
  /// resource, max_resources, min_resources, aggressive_elimination, random_state)`.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for invalid settings.
  public init(
    _ estimator: Base, space: [String: Distribution], candidates: HalvingCandidates = .exhaust, factor: Int = 3,
    resource: BudgetResource = .samples, maxBudget: Int? = nil, minBudget: HalvingMinimum = .smallest,
    aggressiveElimination: Bool = false, cv: (any Splitter)? = nil, scoring: [Scorer] = [], refit: Refit? = nil,
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, parallelism: Parallelism = .automatic,
    stop: StopConditions = StopConditions(), budgetParameter: String? = nil, journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try HalvingSearch(
      space: space, candidates: candidates, factor: factor, resource: resource, minBudget: minBudget, maxBudget: maxBudget,
      aggressiveElimination: aggressiveElimination, seed: seed)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, budgetParameter: budgetParameter,
              journal: journal, progress: progress, seed: seed)
  }
}
