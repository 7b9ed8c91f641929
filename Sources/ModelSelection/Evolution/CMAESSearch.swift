import Foundation
import LearnCore
import LinearAlgebra
import Synchronization

/// CMA-ES as a search strategy (Optuna's `CmaEsSampler`): the numeric hyperparameters (real and
/// integer, log ones on their log scale) are searched in the unit cube by covariance matrix
/// adaptation, starting at the centre with step `sigma0` (1/6 of the cube, as Optuna does);
/// choices, which CMA-ES cannot order, are drawn independently at random. A generation is
/// `populationSize` trials proposed together (so the workers evaluate it in parallel) and told
/// once that many have finished with a value: a failed or pruned trial is replaced by another
/// sample of the same generation. Enqueued points are evaluated but not told.
///
/// The strategy keeps no state: each decision replays the record's finished generations (their
/// samples are redrawn from the study's seed and each proposal's identifier), so a resumed search
/// or a second process continues the same run. With `restarts`, a run that has converged or
/// stalled starts again from a random point with twice the population (IPOP-CMA-ES).
public struct CMAESSearch: SearchStrategy, Hashable {
  /// The replay's position after the last decision, reused when the record still agrees with it
  /// (a cache, not state: it is checked against the record and rebuilt from it when it differs).
  private let memo = ReplayMemo()

  /// The space; `nil`: the study's (``minimize``'s `space:`).
  public var space: SearchSpace?
  /// Trials to propose in all.
  public var iterations: Int
  /// Samples per generation (λ); `nil`: 4 + ⌊3 ln n⌋ for n numeric hyperparameters.
  public var populationSize: Int?
  /// The first step size in the unit cube.
  public var sigma0: Double
  /// A diagonal covariance (sep-CMA): for many hyperparameters, or separable problems.
  public var separable: Bool
  /// Whether a converged run restarts with a doubled population (IPOP).
  public var restarts: Bool
  /// Whether integer hyperparameters keep a margin (CMA-ES with margin, ``IntegerMargin``): a
  /// least probability of sampling each neighbouring value, so the search never freezes on one
  /// integer. On by default (Optuna's `with_margin`, off there by default).
  public var margin: Bool

  /// CMA-ES over `space`.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` for an empty space, one
  ///   without a numeric hyperparameter, `iterations` below 1, a population below 2 or a
  ///   `sigma0` outside (0, 1].
  public init(
    _ space: [String: Distribution], iterations: Int = 100, populationSize: Int? = nil, sigma0: Double = 1.0 / 6,
    separable: Bool = false, restarts: Bool = false, margin: Bool = true
  ) throws(LearnError) {
    let built = try SearchSpace(space)
    try self.init(built, iterations: iterations, populationSize: populationSize, sigma0: sigma0, separable: separable, restarts: restarts,
                  margin: margin)
  }

  /// CMA-ES over the study's own space (``minimize``'s `space:`).
  public init(
    iterations: Int = 100, populationSize: Int? = nil, sigma0: Double = 1.0 / 6, separable: Bool = false, restarts: Bool = false,
    margin: Bool = true
  ) throws(LearnError) {
    try self.init(nil, iterations: iterations, populationSize: populationSize, sigma0: sigma0, separable: separable, restarts: restarts,
                  margin: margin)
  }

  private init(
    _ space: SearchSpace?, iterations: Int, populationSize: Int?, sigma0: Double, separable: Bool, restarts: Bool, margin: Bool
  ) throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    if let populationSize, populationSize < 2 {
      throw .invalidArgument(name: "populationSize", reason: "must be at least 2, got \(populationSize)")
    }
    guard sigma0 > 0, sigma0 <= 1 else { throw .invalidArgument(name: "sigma0", reason: "must be in (0, 1], got \(sigma0)") }
    if let space { try Self.numericDimensions(space) }
    self.space = space
    self.iterations = iterations
    self.populationSize = populationSize
    self.sigma0 = sigma0
    self.separable = separable
    self.restarts = restarts
    self.margin = margin
  }

  /// The positions of the space's numeric dimensions; throws when there is none.
  @discardableResult
  static func numericDimensions(_ space: SearchSpace) throws(LearnError) -> [Int] {
    let numeric = space.dimensions.indices.filter { if case .choice = space.dimensions[$0].distribution { return false } else { return true } }
    guard !numeric.isEmpty else {
      throw .invalidArgument(name: "space", reason: "CMA-ES needs a real or integer hyperparameter; this space has only choices")
    }
    return numeric
  }

  /// `cmaes(λ …, σ0 …, separable, restarts, <space>)`.
  public var description: String {
    "cmaes(\(populationSize.map { "λ \($0)" } ?? "λ auto"), σ0 \(sigma0)\(separable ? ", separable" : "")"
      + "\(restarts ? ", IPOP restarts" : "")\(margin && (space.map(IntegerMargin.hasIntegers) ?? true) ? ", integer margin" : ""), \(space?.description ?? "the study's space"))"
  }

  /// Without the trial count, so a search given more trials resumes.
  public var fingerprint: String { description }

  /// The number of proposals.
  public func expectedTrials(_ context: StrategyContext) -> Int? { iterations }

  /// Refuses a search of an estimator without a space, and names the estimator does not have.
  public func validate(parameterNames names: [String], estimator: String) throws(LearnError) {
    try checkSpaces(space.map { [$0] } ?? [], against: names, estimator: estimator, example: "CMAESSearch(space, …)")
  }

  /// Trials of CMA-ES are never continued.
  public var continuesTrials: Bool { false }

  /// Settings compare equal (the memo is not part of the value).
  public static func == (a: CMAESSearch, b: CMAESSearch) -> Bool {
    (a.space, a.iterations, a.populationSize, a.sigma0, a.separable, a.restarts)
      == (b.space, b.iterations, b.populationSize, b.sigma0, b.separable, b.restarts) && a.margin == b.margin
  }

  /// Hashes the settings.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(space)
    hasher.combine(iterations)
    hasher.combine(populationSize)
    hasher.combine(sigma0)
    hasher.combine(separable)
    hasher.combine(restarts)
    hasher.combine(margin)
  }

  /// Replays the record's finished generations, then proposes the current generation's missing
  /// samples, waits for its running ones, or finishes after `iterations` proposals.
  public func next(_ context: StrategyContext) throws -> StrategyDecision {
    guard let space = space ?? context.space else {
      throw LearnError.invalidArgument(name: "space", reason: "this CMA-ES search has no space of its own and the study declares none")
    }
    let numeric = try Self.numericDimensions(space)
    let byProposal = Dictionary(context.trials.map { ($0.proposal, $0) }, uniquingKeysWith: { first, _ in first })
    func objective(_ trial: TrialRecord) -> Double {
      guard let value = context.value(of: trial), value.isFinite else { return .infinity }
      return context.direction == .minimize ? value : -value
    }
    let start = ReplayPoint(run: 0, proposed: 0, state: CovarianceAdaptation(
      mean: [Double](repeating: 0.5, count: numeric.count), sigma: sigma0, populationSize: populationSize, separable: separable,
      integers: integerMargin(space, numeric)))
    let key = "\(fingerprint)|\(iterations)|\(context.seed)|\(context.direction)|\(context.metric)|\(space)"
    var point = memo.resume(key: key) { told in
      byProposal[told.proposal].map {
        $0.status != .running && objective($0).bitPattern == told.value.bitPattern && $0.parameters == told.parameters
      } ?? false
    } ?? start
    defer { memo.store(point, key: key) }
    while point.proposed < iterations {
      let decision = try generation(&point, context: context, space: space, numeric: numeric, byProposal: byProposal, objective: objective)
      if let decision { return decision }
    }
    return context.hasRunningTrials ? .wait : .finished
  }

  /// One generation of the replay: its missing samples proposed, a wait for its running ones, or
  /// (when λ of them have finished with a finite value) the update, `point` moved past it and
  /// `nil`. A sample whose trial failed (or was pruned) is replaced by one more sample of the same
  /// distribution (`k` = λ, λ + 1, …), as Optuna replaces trials that did not complete, so a
  /// failure never pulls the mean.
  private func generation(
    _ point: inout ReplayPoint, context: StrategyContext, space: SearchSpace, numeric: [Int],
    byProposal: [ProposalID: TrialRecord], objective: (TrialRecord) -> Double
  ) throws -> StrategyDecision? {
    let state = point.state
    let budget = iterations - point.proposed
    var told: [(k: Int, x: [Double], trial: TrialRecord, value: Double)] = []
    var proposals: [Candidate] = []
    var running = false, failures = 0, k = 0
    while k < state.populationSize + failures && k < budget {
      let id = ProposalID("cmaes/\(point.run).\(state.generation)", k)
      var generator = context.generator(for: id)
      let x = state.sample(using: &generator)
      if let trial = byProposal[id] {
        if trial.status == .running {
          running = true
        } else if case let value = objective(trial), value.isFinite {
          told.append((k, x, trial, value))
        } else {
          failures += 1
        }
      } else {
        proposals.append(Candidate(try Self.parameters(state.evaluated(x), numeric: numeric, space: space, generator: &generator),
                                   proposal: id))
      }
      k += 1
    }
    if !proposals.isEmpty { return .propose(proposals) }
    if running { return .wait }
    // The trial count ran out before λ samples finished: this last generation is never told.
    guard told.count == state.populationSize else { return context.hasRunningTrials ? .wait : .finished }
    var next = state
    next.tell(told.map(\.x), values: told.map(\.value))
    point.told = told.map { ReplayPoint.Told(proposal: ProposalID("cmaes/\(point.run).\(state.generation)", $0.k), value: $0.value,
                                             parameters: $0.trial.parameters) }
    point.proposed += k
    point.state = next
    if restarts && next.shouldStop {
      point.run += 1
      var start = context.generator(for: ProposalID("cmaes/restart", point.run))
      point.state = CovarianceAdaptation(mean: numeric.map { _ in start.nextUniform() }, sigma: sigma0,
                                         populationSize: next.populationSize * 2, separable: separable,
                                         integers: integerMargin(space, numeric))
    }
    return nil
  }

  /// The numeric coordinates' distributions, for the integer margin (`nil` when it is off).
  private func integerMargin(_ space: SearchSpace, _ numeric: [Int]) -> [Distribution]? {
    margin ? numeric.map { space.dimensions[$0].distribution } : nil
  }

  /// A candidate from a numeric point: its coordinates for the numeric dimensions, a uniform
  /// draw (after the sample's own, from the same generator) for each choice.
  static func parameters(
    _ x: [Double], numeric: [Int], space: SearchSpace, generator: inout Xoshiro256StarStar
  ) throws(LearnError) -> ParameterSet {
    var point = [Double](repeating: 0, count: space.dimensions.count)
    var next = 0
    for index in point.indices {
      if next < numeric.count, numeric[next] == index {
        point[index] = x[next]
        next += 1
      } else {
        point[index] = generator.nextUniform()
      }
    }
    return try space.decode(point)
  }
}

/// Where a CMA-ES replay stands: the run (restart), proposals consumed, the state, and the
/// proposals of the last generation it told, with their values.
struct ReplayPoint: Sendable {
  struct Told: Sendable {
    var proposal: ProposalID
    var value: Double
    var parameters: ParameterSet
  }
  var run: Int
  var proposed: Int
  var state: CovarianceAdaptation
  var told: [Told] = []
}

/// The last replay position of a ``CMAESSearch``, so a decision replays only the generations
/// finished since the last one. Reused only under the same key (the strategy's settings, the
/// study's seed, direction, metric and space) and when the record still holds the last told
/// generation's trials with the same parameters and values.
final class ReplayMemo: Sendable {
  private struct Entry {
    var key: String
    var point: ReplayPoint
  }
  private let entry = Mutex<Entry?>(nil)

  /// The stored position, when `key` is the stored one and `matches` holds for every trial of
  /// the last generation it told. That is enough: a finished trial never changes, and each
  /// generation's samples (hence parameters) depend on every value told before it, so another
  /// record agreeing on a whole generation's parameters agrees on the history. Checking only the
  /// last generation keeps a decision O(λ) instead of O(trials).
  func resume(key: String, matches: (ReplayPoint.Told) -> Bool) -> ReplayPoint? {
    entry.withLock { stored -> ReplayPoint? in
      guard let stored, stored.key == key, stored.point.told.allSatisfy(matches) else { return nil }
      return stored.point
    }
  }

  /// Keeps `point` for the next decision.
  func store(_ point: ReplayPoint, key: String) {
    entry.withLock { $0 = Entry(key: key, point: point) }
  }
}
