// `BayesSearch`: model-based search (scikit-optimize's `BayesSearchCV`/`gp_minimize`, Optuna's
// `GPSampler` and `TPESampler`). A strategy like the others: it decides each proposal from the
// study's record alone. What the fast path carries between proposals (the last kernel fit, the
// hedge's gains) is written into the proposing trial's tags, so a resumed search, or a second
// process, proposes the same points.

import Foundation
import LearnCore
import LinearAlgebra

/// The model a ``BayesSearch`` fits to the record.
public struct Surrogate: Sendable, Hashable, CustomStringConvertible {
  enum Kind: Sendable, Hashable {
    case gaussianProcess(GaussianProcessSettings)
    case tpe(TPESettings)
  }

  let kind: Kind

  /// A Gaussian process with the default settings (log expected improvement).
  public static var gaussianProcess: Surrogate { Surrogate(kind: .gaussianProcess(GaussianProcessSettings())) }

  /// A Gaussian process with these settings.
  public static func gaussianProcess(_ settings: GaussianProcessSettings) -> Surrogate {
    Surrogate(kind: .gaussianProcess(settings))
  }

  /// A tree-structured Parzen estimator with the default settings (``TPESettings/init(candidates:multivariate:split:priorWeight:magicClip:linearForgetting:constantLiar:clipExponent:clipFloor:goodWeights:considerEndpoints:)``:
  /// Optuna 5's multivariate estimator, 24 candidates and constant liar, with a tighter magic clip
  /// and improvement weights).
  public static var tpe: Surrogate { Surrogate(kind: .tpe(TPESettings())) }

  /// A tree-structured Parzen estimator with these settings.
  public static func tpe(_ settings: TPESettings) -> Surrogate { Surrogate(kind: .tpe(settings)) }

  /// `gp(…)` or `tpe(…)` with the settings.
  public var description: String {
    switch kind {
    case .gaussianProcess(let s): return "gp(\(s))"
    case .tpe(let s): return "tpe(\(s))"
    }
  }
}

/// Settings of the Gaussian-process surrogate.
public struct GaussianProcessSettings: Sendable, Hashable, CustomStringConvertible {
  /// What the next point maximises (default log expected improvement, as Optuna's GPSampler).
  public var acquisition: Acquisition
  /// Fix the noise variance at its floor (10⁻⁸ of the standardised variance), for objectives that
  /// return the same value for the same point (Optuna's `deterministic_objective`). Cross-validated
  /// scores are noisy: leave it off there.
  public var deterministicObjective: Bool
  /// Quasi-random points the acquisition is first evaluated at (default 2048, as Optuna's
  /// GPSampler). Past 50 observations the sweep shrinks as 50/n, to at least a quarter.
  public var sweepPoints: Int
  /// Local searches (bounded L-BFGS, then a pass over discrete coordinates) from the best sweep
  /// point, from sweep points drawn in proportion to their acquisition, and from the best
  /// observation (default 10, as Optuna's GPSampler).
  public var localSearches: Int
  /// Fresh starts of the kernel fit (default 2: unit length scales, and one drawn at random).
  /// They run at the first fit, at every tenth observation up to 50 and every fiftieth beyond; in
  /// between, the fit starts from the previous one alone (read from the last proposal's tags),
  /// which converges in a few steps. Past 50 observations the kernel is refitted at every fifth
  /// observation and reused in between.
  public var kernelStarts: Int

  /// Settings; the defaults are described at each property.
  public init(
    acquisition: Acquisition = .expectedImprovement(), deterministicObjective: Bool = false, sweepPoints: Int = 2048,
    localSearches: Int = 10, kernelStarts: Int = 2
  ) {
    self.acquisition = acquisition
    self.deterministicObjective = deterministicObjective
    self.sweepPoints = sweepPoints
    self.localSearches = localSearches
    self.kernelStarts = kernelStarts
  }

  func validate() throws(LearnError) {
    try acquisition.validate()
    guard sweepPoints >= 1 else { throw .invalidArgument(name: "sweepPoints", reason: "must be at least 1, got \(sweepPoints)") }
    guard localSearches >= 0 else { throw .invalidArgument(name: "localSearches", reason: "must be ≥ 0, got \(localSearches)") }
    guard kernelStarts >= 1 else { throw .invalidArgument(name: "kernelStarts", reason: "must be at least 1, got \(kernelStarts)") }
  }

  /// The settings, for the journal fingerprint.
  public var description: String {
    "\(acquisition), deterministic \(deterministicObjective), sweep \(sweepPoints), local \(localSearches), starts \(kernelStarts)"
  }
}

/// What a model-based search does with trials that failed (or returned NaN).
public enum FailedTrialPolicy: String, Sendable, Hashable {
  /// They enter the model with the worst value observed so far, so the search moves away from
  /// them (the default).
  case penalize
  /// They are left out of the model (they are still never proposed again).
  case exclude
}

/// Model-based search: after `initialPoints` points of an initial design, each proposal fits a
/// surrogate (a Gaussian process or a tree-structured Parzen estimator) to every finished trial
/// and proposes the point the surrogate rates best.
///
/// Proposals are `bayes/<k>`. Trials still running count as pending: the Gaussian process
/// conditions on them at the best value so far (a constant liar), TPE counts them among the bad
/// trials, so parallel workers spread out. With a `batchSize` (1 by default) proposals come in
/// batches that wait for each other, and the search is the same whatever the number of workers;
/// `batchSize: nil` proposes whenever a worker is free (faster, but then the sequence depends on
/// timing). A point already in the record is never proposed again; when a finite space is
/// exhausted, the search ends.
public struct BayesSearch: SearchStrategy, Hashable {
  /// The spaces. The Gaussian process searches one; TPE takes several (conditional sub-spaces,
  /// such as the alternatives of an ``EstimatorChoice``): it first picks a sub-space by its own
  /// Parzen estimate over them, then a point in it. Empty: the study's space (``minimize``).
  public var spaces: [SearchSpace]
  /// The number of points the search proposes (scikit-optimize's `n_iter`), enqueued ones aside.
  public var iterations: Int
  /// The model.
  public var surrogate: Surrogate
  /// Points from the initial design before the first model; `nil` (the default) means
  /// `min(10, 2·(d + 1))` for d dimensions (BoTorch's rule, capped at Optuna's and
  /// scikit-optimize's fixed 10: on two-dimensional Branin, 6 points instead of 10 lowered the
  /// Gaussian process's median regret at 20 and at 50 evaluations over 60 seeds). Enqueued
  /// trials and starting points come on top of these.
  public var initialPoints: Int?
  /// The initial design (default a Latin hypercube: over 60 seeds at 50 evaluations it lowered
  /// the median regret of both surrogates against independent random points, on Branin and
  /// Hartmann-6; see Docs/Benchmarks.md).
  public var initialDesign: InitialDesign
  /// Proposals per batch (default 1); `nil` proposes whenever a worker is free.
  public var batchSize: Int?
  /// Failed trials in the model (default: penalised).
  public var failedTrials: FailedTrialPolicy
  /// The seed of the design and of every proposal's randomness.
  public var seed: UInt64
  /// Known good points proposed first, before the initial design (scikit-optimize's `x0`); they
  /// count among the `iterations`.
  public private(set) var startingPoints: [ParameterSet]

  /// A search over one space.
  public init(
    _ space: [String: Distribution], iterations: Int = 50, surrogate: Surrogate = .gaussianProcess,
    initialPoints: Int? = nil, initialDesign: InitialDesign = .latinHypercube, batchSize: Int? = 1,
    failedTrials: FailedTrialPolicy = .penalize, startingPoints: [ParameterSet] = [], seed: UInt64 = 0
  ) throws(LearnError) {
    try self.init(
      spaces: [space], iterations: iterations, surrogate: surrogate, initialPoints: initialPoints,
      initialDesign: initialDesign, batchSize: batchSize, failedTrials: failedTrials, startingPoints: startingPoints,
      seed: seed)
  }

  /// A search over several spaces (conditional sub-spaces; TPE only).
  public init(
    spaces: [[String: Distribution]], iterations: Int = 50, surrogate: Surrogate = .tpe, initialPoints: Int? = nil,
    initialDesign: InitialDesign = .latinHypercube, batchSize: Int? = 1, failedTrials: FailedTrialPolicy = .penalize,
    startingPoints: [ParameterSet] = [], seed: UInt64 = 0
  ) throws(LearnError) {
    guard !spaces.isEmpty else { throw .emptyInput("a Bayesian search needs at least one space") }
    var built: [SearchSpace] = []
    for space in spaces { built.append(try SearchSpace(space)) }
    try self.init(
      built, iterations: iterations, surrogate: surrogate, initialPoints: initialPoints, initialDesign: initialDesign,
      batchSize: batchSize, failedTrials: failedTrials, startingPoints: startingPoints, seed: seed)
  }

  /// A search over the study's own space (``minimize``'s `space:`).
  public init(
    iterations: Int = 50, surrogate: Surrogate = .gaussianProcess, initialPoints: Int? = nil,
    initialDesign: InitialDesign = .latinHypercube, batchSize: Int? = 1, failedTrials: FailedTrialPolicy = .penalize,
    startingPoints: [ParameterSet] = [], seed: UInt64 = 0
  ) throws(LearnError) {
    try self.init(
      [], iterations: iterations, surrogate: surrogate, initialPoints: initialPoints, initialDesign: initialDesign,
      batchSize: batchSize, failedTrials: failedTrials, startingPoints: startingPoints, seed: seed)
  }

  private init(
    _ spaces: [SearchSpace], iterations: Int, surrogate: Surrogate, initialPoints: Int?, initialDesign: InitialDesign,
    batchSize: Int?, failedTrials: FailedTrialPolicy, startingPoints: [ParameterSet], seed: UInt64
  ) throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    if let initialPoints, initialPoints < 1 {
      throw .invalidArgument(name: "initialPoints", reason: "must be at least 1, got \(initialPoints)")
    }
    if let batchSize, batchSize < 1 { throw .invalidArgument(name: "batchSize", reason: "must be at least 1, got \(batchSize)") }
    switch surrogate.kind {
    case .gaussianProcess(let settings):
      try settings.validate()
      guard spaces.count <= 1 else {
        throw .invalidArgument(name: "spaces", reason: "the Gaussian-process surrogate searches one space; use .tpe for conditional spaces")
      }
    case .tpe(let settings):
      try settings.validate()
    }
    self.spaces = spaces
    self.iterations = iterations
    self.surrogate = surrogate
    self.initialPoints = initialPoints
    self.initialDesign = initialDesign
    self.batchSize = batchSize
    self.failedTrials = failedTrials
    self.seed = seed
    self.startingPoints = startingPoints
    if !spaces.isEmpty { try Self.checkStartingPoints(startingPoints, in: spaces) }
  }

  /// Throws unless every starting point belongs to one of the spaces, naming the point and the
  /// first parameter that is missing, extra or out of range.
  static func checkStartingPoints(_ points: [ParameterSet], in spaces: [SearchSpace]) throws(LearnError) {
    for (index, point) in points.enumerated() where SearchHistory.locate(point, in: spaces) == nil {
      let space = spaces[0]
      let problem = space.dimensions.first { dimension in
        point[dimension.name].map { !dimension.distribution.contains($0) } ?? true
      }
        .map { "\($0.name) = \(point[$0.name].map(String.init(describing:)) ?? "missing") is not in \($0.distribution)" }
        ?? "its names \(point.keys.sorted()) are not the space's \(space.names)"
      throw .invalidArgument(name: "startingPoints", reason: "point \(index): \(problem)")
    }
  }

  /// The kind of this strategy's proposals.
  static let kind = "bayes"

  // MARK: SearchStrategy

  /// The next proposals (`bayes/<k>`), or wait for a batch, or finished.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    let spaces = try resolvedSpaces(context)
    let proposed = context.proposals
    var first = 0
    while first < iterations && proposed.contains(ProposalID(Self.kind, first)) { first += 1 }
    guard first < iterations else { return .finished }
    var end = first + 1
    if let size = batchSize {
      let batchStart = first - first % size
      if batchStart == first, first > 0, context.hasRunningTrials { return .wait }
      end = Swift.min(iterations, batchStart + size)
    }
    if spaces != self.spaces { try Self.checkStartingPoints(startingPoints, in: spaces) }
    var history = SearchHistory(context: context, spaces: spaces, failedTrials: failedTrials)
    var proposer = Proposer(search: self, spaces: spaces, context: context)
    var candidates: [Candidate] = []
    for k in first..<end where !proposed.contains(ProposalID(Self.kind, k)) {
      guard !history.isExhausted else { break }
      let id = ProposalID(Self.kind, k)
      guard let candidate = try proposer.propose(k, id: id, history: history) else { break }
      history.addPending(candidate)
      candidates.append(candidate)
    }
    if candidates.isEmpty { return context.hasRunningTrials && !history.isExhausted ? .wait : .finished }
    return .propose(candidates)
  }

  /// The spaces, or the study's.
  private func resolvedSpaces(_ context: StrategyContext) throws(LearnError) -> [SearchSpace] {
    if !spaces.isEmpty { return spaces }
    guard let space = context.space else {
      throw .invalidArgument(name: "spaces", reason: "this Bayesian search has no space of its own and the study declares none")
    }
    return [space]
  }

  /// The number of proposals.
  public func expectedTrials(_ context: StrategyContext) -> Int? { iterations }

  /// Refuses names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(spaces, against: names, estimator: estimator, example: "BayesSearch(space, …)")
  }

  /// No.
  public var continuesTrials: Bool { false }

  /// `bayes(<n>, …)`.
  public var description: String { "bayes(\(iterations), " + fingerprint.dropFirst("bayes(".count) }

  /// Everything that changes the proposals, but not their number.
  public var fingerprint: String {
    "bayes(seed \(seed), \(surrogate), initial \(initialPoints.map(String.init) ?? "auto") \(initialDesign.rawValue), batch "
      + "\(batchSize.map(String.init) ?? "async"), failed \(failedTrials.rawValue), "
      + (startingPoints.isEmpty ? "" : "start \(startingPoints.map(canonical)), ")
      + describe(spaces) + ")"
  }
}

// MARK: - The record as the models see it

/// One finished trial as a model sees it: its point in its space's [0, 1]^d encoding and its value
/// oriented for minimisation.
struct Observation {
  let space: Int
  let point: [Double]
  let value: Double
  /// Number of the trial (for recency weights).
  let trial: Int
}

/// The record, read for a model: finished trials as observations (failed ones penalised or left
/// out), running and just-proposed ones as pending points, and every parameter set seen.
struct SearchHistory {
  let spaces: [SearchSpace]
  var observations: [Observation] = []
  /// Running trials and proposals of this call, by space.
  var pending: [(space: Int, point: [Double])] = []
  /// Every parameter set in the record or proposed, to never propose one twice.
  var seen: Set<ParameterSet> = []
  /// The tags of the latest trial (or proposal) that has each key.
  var latestTags: [String: ParameterValue] = [:]
  /// The number of distinct candidates of the spaces, when all are finite.
  let finiteCount: Int?

  init(context: StrategyContext, spaces: [SearchSpace], failedTrials: FailedTrialPolicy) {
    self.spaces = spaces
    // Counted, not enumerated: the product of each dimension's number of values (up to a million).
    let counts = spaces.map { space -> Int? in
      space.dimensions.reduce(Optional(1)) { total, dimension in
        guard let total, let values = dimension.distribution.finiteValues()?.count else { return nil }
        let (product, overflow) = total.multipliedReportingOverflow(by: values)
        return overflow || product > 1_000_000 ? nil : product
      }
    }
    finiteCount = counts.allSatisfy { $0 != nil } ? counts.reduce(0) { $0 + $1! } : nil
    let sign = context.direction == .minimize ? 1.0 : -1.0
    var failed: [(space: Int, point: [Double], trial: Int)] = []
    for trial in context.trials {
      seen.insert(trial.parameters)
      for (key, value) in trial.tags { latestTags[key] = value }
      guard let (space, point) = Self.locate(trial.parameters, in: spaces) else { continue }
      if trial.status == .running {
        pending.append((space, point))
      } else if let value = context.value(of: trial) {
        observations.append(Observation(space: space, point: point, value: sign * value, trial: trial.index))
      } else {
        failed.append((space, point, trial.index))
      }
    }
    if failedTrials == .penalize, let worst = observations.map(\.value).max() {
      for f in failed { observations.append(Observation(space: f.space, point: f.point, value: worst, trial: f.trial)) }
    }
  }

  /// The space a parameter set belongs to (the same names, every value inside) and its point.
  static func locate(_ parameters: ParameterSet, in spaces: [SearchSpace]) -> (Int, [Double])? {
    for (index, space) in spaces.enumerated() where space.dimensions.count == parameters.count {
      if let point = space.encode(parameters) { return (index, point) }
    }
    return nil
  }

  /// Whether every candidate of a finite space is in the record.
  var isExhausted: Bool {
    guard let finiteCount else { return false }
    return seen.filter { Self.locate($0, in: spaces) != nil }.count >= finiteCount
  }

  mutating func addPending(_ candidate: Candidate) {
    seen.insert(candidate.parameters)
    for (key, value) in candidate.tags { latestTags[key] = value }
    if let (space, point) = Self.locate(candidate.parameters, in: spaces) { pending.append((space, point)) }
  }
}

// MARK: - Proposals

/// Makes one proposal: a design point, a model's choice, or (when the model has too little to go
/// on, or every choice is taken) a random point not yet seen.
struct Proposer {
  let search: BayesSearch
  let spaces: [SearchSpace]
  let context: StrategyContext
  /// The number of design points (``BayesSearch/initialPoints`` resolved for these spaces).
  let initialPoints: Int
  /// The Gaussian-process state fitted once per call (kernel from the finished trials only).
  private var gaussianProcess: GaussianProcessProposer?

  init(search: BayesSearch, spaces: [SearchSpace], context: StrategyContext) {
    self.search = search
    self.spaces = spaces
    self.context = context
    let dimensions = spaces.map(\.dimensions.count).max() ?? 1
    initialPoints = search.initialPoints ?? Swift.min(10, 2 * (dimensions + 1))
  }

  mutating func propose(_ k: Int, id: ProposalID, history: SearchHistory) throws -> Candidate? {
    var generator = Xoshiro256StarStar(seed: id.seed(studySeed: search.seed))
    if k < search.startingPoints.count { return Candidate(search.startingPoints[k], proposal: id) }
    let designIndex = k - search.startingPoints.count
    if designIndex < initialPoints {
      let space = spaces.count == 1 ? 0 : generator.nextInt(below: spaces.count)
      let design = spaces.count == 1 ? search.initialDesign : .random
      let point = DesignPoints.point(
        designIndex, of: initialPoints, design: design, dimensions: spaces[space].dimensions.count,
        seed: SplitMix64.derive(search.seed, UInt64(space)))
      let parameters = try spaces[space].decode(point)
      if !history.seen.contains(parameters) { return Candidate(parameters, proposal: id) }
      return try randomCandidate(id: id, history: history, generator: &generator)
    }
    switch search.surrogate.kind {
    case .gaussianProcess(let settings):
      if gaussianProcess == nil {
        gaussianProcess = GaussianProcessProposer(
          settings: settings, space: spaces[0], history: history,
          seed: SplitMix64.derive(search.seed, UInt64(history.observations.count)))
      }
      if let gp = gaussianProcess, gp.isReady,
         let (parameters, tags) = try gp.propose(history: history, generator: &generator) {
        return Candidate(parameters, tags: tags, proposal: id)
      }
    case .tpe(let settings):
      let tpe = TPEProposer(settings: settings, spaces: spaces)
      if let parameters = try tpe.propose(history: history, generator: &generator) {
        return Candidate(parameters, proposal: id)
      }
    }
    return try randomCandidate(id: id, history: history, generator: &generator)
  }

  /// A uniform point not seen before (100 tries), or `nil` when none was found.
  private func randomCandidate(
    id: ProposalID, history: SearchHistory, generator: inout Xoshiro256StarStar
  ) throws -> Candidate? {
    for _ in 0..<100 {
      let space = spaces[spaces.count == 1 ? 0 : generator.nextInt(below: spaces.count)]
      let parameters = space.sample(using: &generator)
      if !history.seen.contains(parameters) { return Candidate(parameters, proposal: id) }
    }
    return history.finiteCount == nil ? Candidate(spaces[0].sample(using: &generator), proposal: id) : nil
  }
}

// MARK: - BayesSearchCV

/// scikit-optimize's `BayesSearchCV`: a ``SearchCV`` with a ``BayesSearch`` strategy.
public typealias BayesSearchCV<Base: Estimator> = SearchCV<Base, BayesSearch>

extension SearchCV where Strategy == BayesSearch {
  /// A model-based search of `iterations` candidates over `space` (scikit-optimize's
  /// `BayesSearchCV(estimator, search_spaces, n_iter)`), with a Gaussian-process surrogate by
  /// default or `.tpe`.
  public init(
    _ estimator: Base, space: [String: Distribution], iterations: Int = 50, surrogate: Surrogate = .gaussianProcess,
    initialPoints: Int? = nil, batchSize: Int? = 1, startingPoints: [ParameterSet] = [], cv: (any Splitter)? = nil,
    scoring: [Scorer] = [], refit: Refit? = nil,
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, parallelism: Parallelism = .automatic,
    stop: StopConditions = StopConditions(), journal: String? = nil, progress: SearchProgress = SearchProgress(),
    seed: UInt64 = 0
  ) throws(LearnError) {
    let strategy = try BayesSearch(
      space, iterations: iterations, surrogate: surrogate, initialPoints: initialPoints, batchSize: batchSize,
      startingPoints: startingPoints, seed: seed)
    self.init(estimator, strategy: strategy, cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, journal: journal, progress: progress,
              seed: seed)
  }
}
