import LearnCore
import LinearAlgebra

/// What a strategy decides, asked for the next job.
public enum StrategyDecision: Sendable, Hashable {
  /// Evaluate these candidates (new trials, in this order). Each should carry its
  /// ``Candidate/proposal`` identifier, by which the strategy recognises it in the record.
  case propose([Candidate])
  /// Nothing to propose until a running trial finishes (a batch or rung is still running).
  case wait
  /// The strategy has nothing more to propose.
  case finished
}

/// What a strategy sees when asked for the next job: the study's record, running trials
/// included, and the study's settings. A strategy decides from this alone.
public struct StrategyContext: Sendable {
  /// Every trial so far, by number, running ones included.
  public let trials: [TrialRecord]
  /// The study's seed; derive randomness from it and a proposal's identifier
  /// (``generator(for:)``), never from trial numbers.
  public let seed: UInt64
  /// Lower or higher is better.
  public let direction: StudyDirection
  /// The objective: the metric strategies compare trials by.
  public let metric: String
  /// The study's search space, when the objective declares one (``minimize`` does); strategies
  /// built without a space of their own draw from it.
  public let space: SearchSpace?
  /// How many more trials the stop conditions allow (`nil`: no limit).
  public let remaining: Int?
  /// The data a cross-validated search fits on (`nil` for a plain objective): what budgets in
  /// samples default to.
  public let data: DataProfile?
  /// The study's objectives when it has several (empty: one objective, ``metric`` in ``direction``).
  public let objectives: [Objective]

  /// A context from its parts (for testing a strategy).
  public init(
    trials: [TrialRecord], seed: UInt64 = 0, direction: StudyDirection = .maximize, metric: String = "value",
    space: SearchSpace? = nil, remaining: Int? = nil, data: DataProfile? = nil, objectives: [Objective] = []
  ) {
    self.objectives = objectives
    self.trials = trials
    self.seed = seed
    self.direction = direction
    self.metric = metric
    self.space = space
    self.remaining = remaining
    self.data = data
  }

  /// The identifiers of every proposal in the record.
  public var proposals: Set<ProposalID> { Set(trials.map(\.proposal)) }

  /// Whether any trial is still running.
  public var hasRunningTrials: Bool { trials.contains { $0.status == .running } }

  /// A trial's mean objective value, when it completed with a finite one.
  public func value(of trial: TrialRecord) -> Double? {
    guard trial.status == .complete else { return nil }
    let value = trial.meanTestScore(metric)
    return value.isNaN ? nil : value
  }

  /// The best complete trial (the lowest number on ties), `nil` before one completes.
  public var bestTrial: TrialRecord? {
    var best: (trial: TrialRecord, value: Double)?
    for trial in trials {
      guard let value = value(of: trial) else { continue }
      if best == nil || direction.isBetter(value, than: best!.value) { best = (trial, value) }
    }
    return best?.trial
  }

  /// A generator for one proposal's randomness: seeded from the study's seed and the proposal's
  /// identifier, so the same proposal draws the same values in any process and at any trial number.
  public func generator(for proposal: ProposalID) -> Xoshiro256StarStar {
    Xoshiro256StarStar(seed: proposal.seed(studySeed: seed))
  }
}

/// The shape of the data a cross-validated search fits on, for strategies whose budgets depend on
/// it (scikit-learn's halving searches: `max_resources="auto"` is the number of samples, and
/// `min_resources="smallest"` counts folds and classes).
public struct DataProfile: Sendable, Hashable {
  /// Rows of the whole data.
  public var samples: Int
  /// Cross-validation folds.
  public var splits: Int
  /// Distinct classes of a classifier's target; `nil` for a regressor.
  public var classes: Int?

  /// A profile from its parts.
  public init(samples: Int, splits: Int, classes: Int? = nil) {
    self.samples = samples
    self.splits = splits
    self.classes = classes
  }
}

/// A search strategy: decides the next job from the study's record (Optuna's stateless
/// samplers). A strategy is a value and keeps nothing between calls that the record cannot
/// rebuild, so a killed search resumes, and a second worker joins, with no state to restore.
public protocol SearchStrategy: Sendable, CustomStringConvertible {
  /// The next job: candidates to evaluate, wait for running trials, or finished.
  func next(_ context: StrategyContext) throws -> StrategyDecision

  /// How many trials the strategy will propose in all, when it knows (for progress display).
  func expectedTrials(_ context: StrategyContext) -> Int?

  /// Throws when the strategy's spaces name hyperparameters that `names` (those of `estimator`)
  /// do not have, so a misspelt name is refused before anything runs.
  func validate(parameterNames names: [String], estimator: String) throws(LearnError)

  /// The trials comparable enough for the final pick (refit): by default the complete ones at the
  /// largest budget, so a lucky low-budget trial is not chosen over the fully trained ones.
  func refitPool(_ results: SearchResults) -> [Int]

  /// Whether the strategy continues trials (``Candidate/continuing``), so the fold models of
  /// configurations that can continue training are kept. Grid and random search do not, and a
  /// search over forests then holds no forest but the ones being scored.
  var continuesTrials: Bool { get }

  /// What identifies the strategy's proposals in a journal's fingerprint: everything that changes
  /// them, but not how many there are (so a search given more trials resumes). By default the
  /// description.
  var fingerprint: String { get }

  /// What the strategy's budgets count, when it sets budgets (multi-fidelity strategies), so a
  /// search can refuse a budget its estimator cannot use before anything runs.
  var budgetResource: BudgetResource? { get }

  /// Trials of this strategy's own proposals whose fitted models it will not continue any more,
  /// given the record; the search releases their kept models (unless asked to retain them all).
  /// Trials it did not propose (an earlier `evaluate`, another strategy) are never listed.
  func releasable(_ context: StrategyContext) -> Set<Int>

  /// Whether the refit trains the chosen trial by replaying its schedule (the hyperparameters of
  /// each trial it continued, for the units each trained: ``TrainingSchedule``) instead of its
  /// final hyperparameters at its whole budget: population-based training, whose members change
  /// hyperparameters as they train.
  var refitReplaysSchedule: Bool { get }

  /// Throws when the strategy would change hyperparameters the estimator cannot change while
  /// continuing a model (``LearnCore/IncrementallyTrainable/fixedWhileContinuing``): PBT's
  /// mutable set. Checked before anything runs.
  func validate(fixedWhileContinuing fixed: Set<String>, estimator: String) throws(LearnError)

  /// The objectives a multi-objective strategy (NSGA-II) trades off; empty for a strategy that
  /// optimises the study's one objective. A search records them with its results (the Pareto
  /// front, the report's Pareto plot).
  var objectives: [Objective] { get }
}

extension SearchStrategy {
  /// One objective: the study's.
  public var objectives: [Objective] { [] }

  /// Unknown.
  public func expectedTrials(_ context: StrategyContext) -> Int? { nil }

  /// No check.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {}

  /// The complete trials at the largest budget among them (all trials when none has a budget).
  public func refitPool(_ results: SearchResults) -> [Int] { largestBudgetPool(results) }

  /// Yes: keep the models of trials that can continue.
  public var continuesTrials: Bool { true }

  /// The description.
  public var fingerprint: String { description }

  /// None: no budgets.
  public var budgetResource: BudgetResource? { nil }

  /// None: kept models stay.
  public func releasable(_ context: StrategyContext) -> Set<Int> { [] }

  /// No: the chosen trial's final hyperparameters are trained at its budget.
  public var refitReplaysSchedule: Bool { false }

  /// No check: the strategy changes no hyperparameter of a continued model.
  public func validate(fixedWhileContinuing fixed: Set<String>, estimator: String) throws(LearnError) {}
}

/// The complete trials at the largest budget among them (every row when no trial has a budget).
public func largestBudgetPool(_ results: SearchResults) -> [Int] {
  let complete = results.trials.indices.filter { results.trials[$0].status == .complete }
  guard let largest = complete.compactMap({ results.trials[$0].budget }).max() else { return Array(results.trials.indices) }
  return complete.filter { results.trials[$0].budget == largest }
}

/// Spaces on one line each, joined by ` | ` (for strategy descriptions and journal fingerprints).
func describe(_ spaces: [SearchSpace]) -> String {
  spaces.map { $0.description.replacingOccurrences(of: "\n", with: "; ") }.joined(separator: " | ")
}

/// Throws unless a strategy searching an estimator was given spaces (`example` shows how), and
/// every dimension of them is one of `names`.
func checkSpaces(_ spaces: [SearchSpace], against names: [String], estimator: String, example: String) throws(LearnError) {
  guard !spaces.isEmpty else {
    throw .invalidArgument(name: "spaces", reason: "a search of an estimator needs a space: \(example)")
  }
  try checkNames(spaces, against: names, estimator: estimator)
}

/// Throws unless every dimension of `spaces` is one of `names`, suggesting the nearest name.
func checkNames(_ spaces: [SearchSpace], against names: [String], estimator: String) throws(LearnError) {
  for space in spaces {
    for name in space.names where !names.contains(name) {
      throw .unknownHyperparameter(name: name, estimator: estimator, valid: names)
    }
  }
}

/// A strategy with a fixed list of candidates, proposed in order in batches: grid and random
/// search, and ``SearchSession/evaluate(_:)``. Batch-synchronous: the next batch is proposed only
/// once the previous one has finished, so tables are identical for any number of workers.
struct CandidateList {
  let kind: String
  let count: Int
  let batchSize: Int?
  let candidate: (Int) -> ParameterSet

  init(kind: String, candidates: [ParameterSet], batchSize: Int?) {
    self.init(kind: kind, count: candidates.count, batchSize: batchSize) { candidates[$0] }
  }

  init(kind: String, count: Int, batchSize: Int?, candidate: @escaping (Int) -> ParameterSet) {
    self.kind = kind
    self.count = count
    self.batchSize = batchSize
    self.candidate = candidate
  }

  func next(_ context: StrategyContext) -> StrategyDecision {
    // Proposals are "<kind>/<k>" for the k-th candidate; the record says how many were proposed.
    let proposed = context.proposals
    var first = 0
    while first < count && proposed.contains(ProposalID(kind, first)) { first += 1 }
    guard first < count else { return .finished }
    let size = batchSize ?? count
    let batchStart = first - first % size
    // A new batch starts only once the previous one has finished; the rest of a batch already
    // begun is proposed at once (the executor creates its trials a few at a time).
    if batchStart == first, first > 0, context.hasRunningTrials { return .wait }
    // A whole batch is proposed, but at most a few hundred candidates are built per call: the
    // executor creates trials a few at a time and asks again.
    let end = Swift.min(count, batchStart + size, first + 256)
    return .propose((first..<end).filter { !proposed.contains(ProposalID(kind, $0)) }
      .map { Candidate(candidate($0), proposal: ProposalID(kind, $0)) })
  }
}

/// Every combination of a grid, or of a list of grids (scikit-learn's `GridSearchCV` and
/// `ParameterGrid`): one batch, in scikit-learn's candidate order.
public struct GridSearch: SearchStrategy, Hashable {
  /// The grids; candidates come grid by grid, each in `ParameterGrid` order. Set by the
  /// initialisers, which check their size.
  public private(set) var grids: [SearchSpace]

  /// The most candidates a grid search enumerates (one million).
  public static let maximumCandidates = 1_000_000

  /// A search over one grid: `["c": [1, 10], "gamma": [0.01, 0.1]]`.
  public init(_ grid: [String: [ParameterValue]]) throws(LearnError) {
    try self.init(grids: [grid])
  }

  /// A search over several grids (scikit-learn's list of dicts, for conditional spaces). Throws
  /// when there is no grid, a grid is invalid, or the grids hold more than
  /// ``maximumCandidates`` combinations (use a random search there).
  public init(grids: [[String: [ParameterValue]]]) throws(LearnError) {
    guard !grids.isEmpty else { throw .emptyInput("a grid search needs at least one grid") }
    self.grids = try Self.spaces(grids)
  }

  /// The grids as spaces, checked: valid, and at most ``maximumCandidates`` combinations in all.
  private static func spaces(_ grids: [[String: [ParameterValue]]]) throws(LearnError) -> [SearchSpace] {
    var spaces: [SearchSpace] = []
    var total = 0
    for (index, grid) in grids.enumerated() {
      let space = try SearchSpace(grid: grid)
      let count = grid.values.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).overflow ? Int.max : $0 * $1.count }
      total = total.addingReportingOverflow(count).overflow ? Int.max : total + count
      guard total <= Self.maximumCandidates else {
        throw .invalidArgument(
          name: "grids", reason: "grid \(index) brings the search to more than \(Self.maximumCandidates) candidates; "
            + "use a random search for a space this large")
      }
      spaces.append(space)
    }
    return spaces
  }

  /// A search over one grid whose values are plain arrays: `["alpha": alphas]` with
  /// `alphas: [Double]`, or literals such as `["maxDepth": [5, 10, nil]]`.
  public init(_ grid: [String: any ParameterValueList]) throws(LearnError) {
    try self.init(grids: [grid.mapValues(\.parameterValues)])
  }

  /// A search over several grids whose values are plain arrays.
  public init(grids: [[String: any ParameterValueList]]) throws(LearnError) {
    try self.init(grids: grids.map { $0.mapValues(\.parameterValues) })
  }

  /// Every candidate, in order.
  public var candidates: [ParameterSet] { grids.flatMap { $0.allCandidates() ?? [] } }

  /// The number of candidates.
  public var count: Int { grids.reduce(0) { $0 + $1.dimensions.reduce(1) { $0 * ($1.distribution.finiteValues()?.count ?? 0) } } }

  /// Candidate `k` (in `ParameterGrid` order: grid by grid, names sorted, the last name varying
  /// fastest), computed without enumerating the others.
  public func candidate(at k: Int) -> ParameterSet {
    var k = k
    for grid in grids {
      let values = grid.dimensions.map { $0.distribution.finiteValues() ?? [] }
      let size = values.reduce(1) { $0 * $1.count }
      guard k >= size else {
        var result: ParameterSet = [:]
        for (index, dimension) in grid.dimensions.enumerated().reversed() {
          result[dimension.name] = values[index][k % values[index].count]
          k /= values[index].count
        }
        return result
      }
      k -= size
    }
    preconditionFailure("candidate \(k) is past the grid's end")
  }

  /// Every candidate not yet in the record, in one batch (`grid/<k>` for the k-th).
  public func next(_ context: StrategyContext) -> StrategyDecision {
    CandidateList(kind: "grid", count: count, batchSize: nil, candidate: candidate(at:)).next(context)
  }

  /// The number of candidates.
  public func expectedTrials(_ context: StrategyContext) -> Int? { count }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkNames(grids, against: names, estimator: estimator)
  }

  /// No.
  public var continuesTrials: Bool { false }

  /// `grid(<dimensions>)`, for the journal fingerprint and logs.
  public var description: String { "grid(" + describe(grids) + ")" }
}

/// Candidates drawn at random from a space, or from a list of spaces chosen uniformly
/// (scikit-learn's `RandomizedSearchCV`). When every dimension is finite, candidates are drawn
/// without replacement (no configuration twice), and at most as many as exist.
public struct RandomSearch: SearchStrategy, Hashable {
  /// The spaces. When every one is finite (and holds at most ``GridSearch/maximumCandidates``
  /// combinations) their candidates are pooled and drawn without replacement; otherwise each draw
  /// first picks a space uniformly. Empty: draw from the study's space (``minimize``).
  public var spaces: [SearchSpace] { didSet { draw() } }
  /// Number of candidates (scikit-learn's `n_iter`, default 10).
  public var iterations: Int { didSet { draw() } }
  /// Seed of the draws.
  public var seed: UInt64 { didSet { draw() } }
  /// The draws from ``spaces``, made once whenever the spaces, iterations or seed are set (the
  /// strategy is asked for every few trials, and must not draw again each time).
  private var drawn: [ParameterSet] = []
  /// Candidates per evaluated batch; the whole set by default (all in parallel).
  public var batchSize: Int?

  /// A random search over `space`.
  public init(_ space: [String: Distribution], iterations: Int = 10, seed: UInt64 = 0, batchSize: Int? = nil) throws(LearnError) {
    try self.init(spaces: [space], iterations: iterations, seed: seed, batchSize: batchSize)
  }

  /// A random search over several spaces (conditional sub-spaces).
  public init(spaces: [[String: Distribution]], iterations: Int = 10, seed: UInt64 = 0, batchSize: Int? = nil) throws(LearnError) {
    guard !spaces.isEmpty else { throw .emptyInput("a random search needs at least one space") }
    var built: [SearchSpace] = []
    for space in spaces { built.append(try SearchSpace(space)) }
    try self.init(built, iterations: iterations, seed: seed, batchSize: batchSize)
  }

  /// A random search over the study's own space (``minimize``'s `space:`).
  public init(iterations: Int = 10, seed: UInt64 = 0, batchSize: Int? = nil) throws(LearnError) {
    try self.init([], iterations: iterations, seed: seed, batchSize: batchSize)
  }

  private init(_ spaces: [SearchSpace], iterations: Int, seed: UInt64, batchSize: Int?) throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    if let batchSize, batchSize < 1 { throw .invalidArgument(name: "batchSize", reason: "must be at least 1, got \(batchSize)") }
    self.spaces = spaces
    self.iterations = iterations
    self.seed = seed
    self.batchSize = batchSize
    draw()
  }

  private mutating func draw() { drawn = candidates(in: spaces) }

  /// The candidates this search evaluates, in order: a pure function of the seed.
  public var candidates: [ParameterSet] { drawn }

  /// The candidates drawn from `spaces`, in order.
  func candidates(in spaces: [SearchSpace]) -> [ParameterSet] {
    guard !spaces.isEmpty else { return [] }
    var generator = Xoshiro256StarStar(seed: seed)
    let enumerated = spaces.map { $0.allCandidates(limit: GridSearch.maximumCandidates) }
    if enumerated.allSatisfy({ $0 != nil }), case let all = enumerated.flatMap({ $0! }), !all.isEmpty {
      // Sampling without replacement from the finite set, as scikit-learn does for all-list grids.
      let distinct = Array(Set(all)).sorted { canonical($0) < canonical($1) }
      return generator.sample(Swift.min(iterations, distinct.count), from: distinct.count).map { distinct[$0] }
    }
    var seen = Set<ParameterSet>()
    var result: [ParameterSet] = []
    var attempts = 0
    while result.count < iterations && attempts < 100 * iterations {
      attempts += 1
      let space = spaces[spaces.count == 1 ? 0 : generator.nextInt(below: spaces.count)]
      let candidate = space.sample(using: &generator)
      if seen.insert(candidate).inserted { result.append(candidate) }
    }
    return result
  }

  private func list(_ context: StrategyContext) throws(LearnError) -> CandidateList {
    guard spaces.isEmpty else { return CandidateList(kind: "random", candidates: drawn, batchSize: batchSize) }
    guard let space = context.space else {
      throw .invalidArgument(name: "spaces", reason: "this random search has no space of its own and the study declares none")
    }
    return CandidateList(kind: "random", candidates: candidates(in: [space]), batchSize: batchSize)
  }

  /// The next batch of draws not yet in the record (`random/<k>` for the k-th draw); with a
  /// `batchSize`, only once the previous batch has finished.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    try list(context).next(context)
  }

  /// The number of draws.
  public func expectedTrials(_ context: StrategyContext) -> Int? { try? list(context).count }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(spaces, against: names, estimator: estimator, example: "RandomSearch(space, …)")
  }

  /// No.
  public var continuesTrials: Bool { false }

  /// `random(<n>, seed <s>, <spaces>)`.
  public var description: String { "random(\(iterations), " + fingerprint.dropFirst("random(".count) }

  /// `random(seed <s>, batch <b>, <spaces>)`: without the number of draws, which only extends
  /// the sequence.
  public var fingerprint: String {
    "random(seed \(seed), batch \(batchSize.map(String.init) ?? "all"), "
      + describe(spaces) + ")"
  }
}

/// A candidate's parameters as one string with names sorted: a stable order for sets of
/// candidates (a dictionary's own description follows the per-process hash seed).
func canonical(_ parameters: ParameterSet) -> String {
  parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
}
