// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", MLSys 2020): no rung waits to fill. Each time a worker frees up, the best candidate of
// the highest rung that may be promoted is promoted; failing that, a new candidate starts at the
// bottom rung. Decided from the record alone, so several processes on one journal share one
// ASHA, and a journal replays it.

import LearnCore
import LinearAlgebra

/// Asynchronous successive halving (ASHA; Ray Tune's `ASHAScheduler`, Optuna's
/// `SuccessiveHalvingPruner`): rungs at the budgets of Hyperband's most exploratory bracket
/// (`⌊maxBudget/η^(K−k)⌋` for `K = ⌊log_η(maxBudget/minBudget)⌋`: 1, 3, 9, 27, 81 for 81). When asked for work it promotes the best candidate of
/// the highest rung that is among the top `⌊m/η⌋` of that rung's `m` finished trials and has not
/// been promoted yet (failed and NaN trials never are), to the next rung, continuing its fold
/// models; when none can be promoted it starts candidate `j` (drawn from the study's seed and
/// `asha/<j>`) at the bottom rung, until ``candidates`` have started. It finishes when nothing
/// more can be promoted and every candidate has started and finished.
///
/// Proposals are `asha/<j>/<k>`: candidate `j` at rung `k`. Table columns: `budget`, `rung`.
/// With several workers the order of promotions depends on which trials finish first (the
/// algorithm's point: no worker waits); the record, and so a journal, reproduces it.
public struct ASHASearch: SearchStrategy, Hashable {
  /// The rungs' budgets, lowest first.
  public let budgets: [Int]
  /// The reduction factor η.
  public let eta: Int
  /// How many candidates start at the bottom rung in all (Ray Tune's `num_samples`).
  public let candidates: Int
  /// The spaces candidates are drawn from; empty: the study's space (``minimize``).
  public let spaces: [SearchSpace]
  /// What the budget counts.
  public let resource: BudgetResource

  /// ASHA over `space`: `candidates` candidates, rungs from `minBudget` to `maxBudget` by factor
  /// `eta`.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for η < 2, `minBudget` < 1,
  ///   `minBudget` > `maxBudget`, `candidates` < 1, or an invalid space.
  public init(
    _ space: [String: Distribution], candidates: Int, maxBudget: Int, minBudget: Int = 1, eta: Int = 3,
    resource: BudgetResource = .units
  ) throws(LearnError) {
    try self.init(spaces: [space], candidates: candidates, maxBudget: maxBudget, minBudget: minBudget, eta: eta, resource: resource)
  }

  /// ASHA over several spaces (one chosen uniformly per candidate), or the study's space when
  /// `spaces` is empty.
  public init(
    spaces: [[String: Distribution]], candidates: Int, maxBudget: Int, minBudget: Int = 1, eta: Int = 3,
    resource: BudgetResource = .units
  ) throws(LearnError) {
    guard candidates >= 1 else { throw .invalidArgument(name: "candidates", reason: "must be at least 1, got \(candidates)") }
    let schedule = try HyperbandSchedule(maxBudget: maxBudget, minBudget: minBudget, eta: eta)
    var built: [SearchSpace] = []
    for space in spaces { built.append(try SearchSpace(space)) }
    self.spaces = built
    budgets = schedule.brackets[0].rungs.map(\.budget)
    self.eta = eta
    self.candidates = candidates
    self.resource = resource
  }

  /// The promotion or new candidate for a free worker; `.wait` while only running trials could
  /// make one possible; `.finished` when none can.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    let rungs = RungTable(context.trials)
    for k in stride(from: budgets.count - 2, through: 0, by: -1) {
      if let j = promotable(rungs, rung: k, context: context) {
        let parent = rungs.trial(j, k)!
        return .propose([Candidate(
          parent.parameters, budget: resource.budget(budgets[k + 1]), continuing: resource == .units ? parent.index : nil,
          tags: ["rung": .int(k + 1)], proposal: Self.proposal(j, k + 1))])
      }
    }
    let started = rungs.started
    if started < candidates {
      return .propose([Candidate(
        try draw(started, context), budget: resource.budget(budgets[0]), tags: ["rung": .int(0)],
        proposal: Self.proposal(started, 0))])
    }
    return context.hasRunningTrials ? .wait : .finished
  }

  /// The best candidate at rung `k` that is among the top `⌊m/η⌋` of its `m` finished trials and
  /// has no trial at rung `k + 1` yet.
  func promotable(_ rungs: RungTable, rung k: Int, context: StrategyContext) -> Int? {
    let finished = rungs.members(k).filter { rungs.trial($0, k)!.status.isFinished }
    let top = finished.count / eta
    guard top > 0 else { return nil }
    return Self.ranked(finished, rung: k, rungs, context).prefix(top).first { rungs.trial($0, k + 1) == nil }
  }

  /// The candidates `members` with a finite value at rung `k`, best first (ties to the lower index).
  static func ranked(_ members: [Int], rung k: Int, _ rungs: RungTable, _ context: StrategyContext) -> [Int] {
    rankedByValue(members.map { (index: $0, trial: rungs.trial($0, k)!) }, context, failedLast: false)
  }

  /// Candidate `j`'s parameters.
  private func draw(_ j: Int, _ context: StrategyContext) throws -> ParameterSet {
    var generator = context.generator(for: ProposalID("asha/\(j)"))
    let pool = spaces.isEmpty ? context.space.map { [$0] } ?? [] : spaces
    guard !pool.isEmpty else {
      throw LearnError.invalidArgument(name: "spaces", reason: "this ASHA search has no space of its own and the study declares none")
    }
    return pool[pool.count == 1 ? 0 : generator.nextInt(below: pool.count)].sample(using: &generator)
  }

  static func proposal(_ j: Int, _ k: Int) -> ProposalID { ProposalID("asha/\(j)/\(k)") }

  /// At most `candidates` at the bottom rung, and the promotions after.
  public func expectedTrials(_ context: StrategyContext) -> Int? {
    var total = 0, size = candidates
    for _ in budgets {
      total += size
      size /= eta
    }
    return total
  }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(spaces, against: names, estimator: estimator, example: "ASHASearch(space, candidates: 50, maxBudget: 81)")
  }

  /// With unit budgets: promoted candidates continue their models.
  public var continuesTrials: Bool { resource == .units }

  /// ``resource``.
  public var budgetResource: BudgetResource? { resource }

  /// The release policy: a finished trial below the top rung, not yet promoted, keeps its models
  /// while it ranks within the top `⌊m/η⌋ + η` of its rung's `m` finished trials (the `m` of the
  /// promotion rule, failed ones counted; η more arrivals lift the cut by one place); the others,
  /// the promoted and the top rung's are released. One released and promoted later is trained
  /// from scratch to its budget, which for the incremental estimators gives the same model.
  public func releasable(_ context: StrategyContext) -> Set<Int> {
    let rungs = RungTable(context.trials)
    var release = Set<Int>()
    for k in budgets.indices {
      let finished = rungs.members(k).compactMap { rungs.trial($0, k) }.filter(\.status.isFinished)
      guard k < budgets.count - 1 else {
        release.formUnion(finished.map(\.index))
        continue
      }
      let ranked = Self.ranked(rungs.members(k), rung: k, rungs, context)
      let kept = ranked.prefix(finished.count / eta + eta).filter { rungs.trial($0, k + 1) == nil }.map { rungs.trial($0, k)!.index }
      release.formUnion(Set(finished.map(\.index)).subtracting(kept))
    }
    return release
  }

  /// `asha(<candidates>, budgets …, eta …, <resource>, <spaces>)`.
  public var description: String {
    "asha(\(candidates), budgets \(budgets.map(String.init).joined(separator: "/")), eta \(eta), \(resource), "
      + describe(spaces) + ")"
  }
}

/// ASHA's trials by candidate and rung, read from the record's `asha/<j>/<k>` proposals.
struct RungTable {
  private var byRung: [Int: [Int: TrialRecord]] = [:]
  /// Candidates started at the bottom rung.
  private(set) var started = 0

  init(_ trials: [TrialRecord]) {
    for trial in trials {
      guard let (j, k) = Self.parse(trial.proposal.rawValue) else { continue }
      byRung[k, default: [:]][j] = trial
      if k == 0 { started = Swift.max(started, j + 1) }
    }
  }

  /// `(j, k)` of `asha/<j>/<k>`, read byte by byte (this runs over the whole record at every
  /// decision).
  static func parse(_ text: String) -> (Int, Int)? {
    var utf8 = text.utf8.makeIterator()
    for expected in "asha/".utf8 { guard utf8.next() == expected else { return nil } }
    var numbers = [0, 0], part = 0, digits = 0
    while let byte = utf8.next() {
      if byte == UInt8(ascii: "/") {
        guard part == 0, digits > 0 else { return nil }
        part = 1
        digits = 0
      } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 {
        numbers[part] = numbers[part] * 10 + Int(byte - UInt8(ascii: "0"))
        digits += 1
      } else {
        return nil
      }
    }
    return part == 1 && digits > 0 ? (numbers[0], numbers[1]) : nil
  }

  /// Candidate `j`'s trial at rung `k`.
  func trial(_ j: Int, _ k: Int) -> TrialRecord? { byRung[k]?[j] }

  /// The candidates with a trial at rung `k`, in index order.
  func members(_ k: Int) -> [Int] { (byRung[k] ?? [:]).keys.sorted() }
}

// MARK: - ASHASearchCV

/// ASHA with cross-validation at every rung: a ``SearchCV`` with an ``ASHASearch`` strategy.
public typealias ASHASearchCV<Base: Estimator> = SearchCV<Base, ASHASearch>

extension SearchCV where Strategy == ASHASearch {
  /// ASHA over `space`: `candidates` candidates, budgets up to `maxBudget` (the estimator's
  /// training units by default), reduction factor `eta`. Promoted candidates continue their fold
  /// models; the refit trains the best candidate at the largest budget reached.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for invalid settings.
  public init(
    _ estimator: Base, space: [String: Distribution], candidates: Int, maxBudget: Int, minBudget: Int = 1, eta: Int = 3,
    resource: BudgetResource = .units, cv: (any Splitter)? = nil, scoring: [Scorer] = [], refit: Refit? = nil,
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, parallelism: Parallelism = .automatic,
    stop: StopConditions = StopConditions(), budgetParameter: String? = nil, journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try ASHASearch(
      space, candidates: candidates, maxBudget: maxBudget, minBudget: minBudget, eta: eta, resource: resource)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, budgetParameter: budgetParameter,
              journal: journal, progress: progress, seed: seed)
  }
}
