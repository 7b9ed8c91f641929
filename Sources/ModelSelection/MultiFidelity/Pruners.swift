// Pruners: stop a trial of a plain objective early from the values it reports while it trains
// (Optuna's `trial.report` / `trial.should_prune`), so any strategy — random, TPE, GP — pairs
// with a multi-fidelity rule. A pruner decides from the study's record alone: the values every
// trial reported, by step.

import LearnCore
import LinearAlgebra

/// Decides whether a running trial should stop, from what it and the other trials reported.
public protocol Pruner: Sendable, CustomStringConvertible {
  /// Whether `trial`, which has just reported its value at `step` (in
  /// ``TrialRecord/intermediateValues``), should stop; `others` are the study's other trials.
  func shouldPrune(_ trial: TrialRecord, step: Int, others: [TrialRecord], direction: StudyDirection) -> Bool
}

/// The value `trial` reported at the first step at or after `step`, if any (a trial that skips
/// steps is compared at the next one it reports).
func reported(_ trial: TrialRecord, atOrAfter step: Int) -> Double? {
  trial.intermediateValues.filter { $0.key >= step }.min { $0.key < $1.key }?.value
}

/// Optuna's `MedianPruner` (and `PercentilePruner`): stops a trial whose best value so far is
/// worse than the `percentile` of the values the complete trials reported at the same step.
public struct MedianPruner: Pruner, Hashable {
  /// Complete trials needed before anything is pruned (Optuna's `n_startup_trials`, 5).
  public let startupTrials: Int
  /// Steps before which a trial is never pruned (`n_warmup_steps`, 0).
  public let warmupSteps: Int
  /// Prune only at the first report in each interval of this many steps after the warm-up
  /// (`interval_steps`, 1).
  public let intervalSteps: Int
  /// Complete trials that must have reported at the step (`n_min_trials`, 1).
  public let minimumTrials: Int
  /// 50 for the median; the percentile of the others' values a trial must reach (for a
  /// maximised objective, counted from the top).
  public let percentile: Double

  /// A median (or percentile) pruner with Optuna's defaults.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for negative `startupTrials` or
  ///   `warmupSteps`, `intervalSteps` or `minimumTrials` below 1, or `percentile` outside [0, 100].
  public init(
    startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minimumTrials: Int = 1, percentile: Double = 50
  ) throws(LearnError) {
    guard startupTrials >= 0 else { throw .invalidArgument(name: "startupTrials", reason: "must be ≥ 0, got \(startupTrials)") }
    guard warmupSteps >= 0 else { throw .invalidArgument(name: "warmupSteps", reason: "must be ≥ 0, got \(warmupSteps)") }
    guard intervalSteps >= 1 else { throw .invalidArgument(name: "intervalSteps", reason: "must be ≥ 1, got \(intervalSteps)") }
    guard minimumTrials >= 1 else { throw .invalidArgument(name: "minimumTrials", reason: "must be ≥ 1, got \(minimumTrials)") }
    guard percentile >= 0, percentile <= 100 else {
      throw .invalidArgument(name: "percentile", reason: "must be in [0, 100], got \(percentile)")
    }
    self.startupTrials = startupTrials
    self.warmupSteps = warmupSteps
    self.intervalSteps = intervalSteps
    self.minimumTrials = minimumTrials
    self.percentile = percentile
  }

  /// See the type. As Optuna: checked at the first report at or after each interval boundary; a
  /// trial whose every reported value is NaN is pruned.
  public func shouldPrune(_ trial: TrialRecord, step: Int, others: [TrialRecord], direction: StudyDirection) -> Bool {
    guard trial.intermediateValues[step] != nil, step >= warmupSteps else { return false }
    let boundary = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps
    let earlier = trial.intermediateValues.keys.filter { $0 < step }.max() ?? -1
    guard earlier < boundary else { return false }
    let complete = others.filter { $0.status == .complete }
    guard complete.count >= startupTrials else { return false }
    let own = trial.intermediateValues.filter { $0.key <= step && !$0.value.isNaN }.map(\.value)
    guard let best = direction == .minimize ? own.min() : own.max() else { return true }
    let values = complete.compactMap { $0.intermediateValues[step] }.filter { !$0.isNaN }.sorted()
    guard values.count >= minimumTrials else { return false }
    let q = direction == .minimize ? percentile : 100 - percentile
    let threshold = interpolatedPercentile(values, q)
    return direction == .minimize ? best > threshold : best < threshold
  }

  /// `median(startup …, warmup …, interval …)` or `percentile(p, …)`.
  public var description: String {
    (percentile == 50 ? "median(" : "percentile(\(percentile), ")
      + "startup \(startupTrials), warmup \(warmupSteps), interval \(intervalSteps), min \(minimumTrials))"
  }
}

/// numpy's `percentile` of sorted `values` (linear interpolation), `q` in [0, 100].
func interpolatedPercentile(_ values: [Double], _ q: Double) -> Double {
  let position = q / 100 * Double(values.count - 1)
  let low = Int(position.rounded(.down)), high = Swift.min(low + 1, values.count - 1)
  return values[low] + (values[high] - values[low]) * (position - Double(low))
}

/// Optuna's `SuccessiveHalvingPruner` (asynchronous successive halving): rung `k` sits at step
/// `minResource·η^(minEarlyStoppingRate + k)`; a trial reaching it continues only if its value
/// there is within the top `⌊n/η⌋` of the `n` values recorded at that rung by every trial so far
/// (itself included; with fewer than η of them, only if it is the best). NaN is pruned.
public struct SuccessiveHalvingPruner: Pruner, Hashable {
  /// The first rung's step (Optuna's `min_resource`, here explicit).
  public let minResource: Int
  /// η (Optuna's `reduction_factor`, 4).
  public let reductionFactor: Int
  /// Shifts every rung up by this many factors of η (`min_early_stopping_rate`, 0).
  public let minEarlyStoppingRate: Int
  /// Only trials for which this holds compete (Hyperband's pruner keeps brackets apart).
  let competes: (@Sendable (TrialRecord) -> Bool)?

  /// A successive-halving pruner.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` for `minResource` < 1,
  ///   `reductionFactor` < 2 or a negative `minEarlyStoppingRate`.
  public init(minResource: Int = 1, reductionFactor: Int = 4, minEarlyStoppingRate: Int = 0) throws(LearnError) {
    guard minResource >= 1 else { throw .invalidArgument(name: "minResource", reason: "must be ≥ 1, got \(minResource)") }
    guard reductionFactor >= 2 else {
      throw .invalidArgument(name: "reductionFactor", reason: "must be ≥ 2, got \(reductionFactor)")
    }
    guard minEarlyStoppingRate >= 0 else {
      throw .invalidArgument(name: "minEarlyStoppingRate", reason: "must be ≥ 0, got \(minEarlyStoppingRate)")
    }
    self.init(checked: minResource, reductionFactor, minEarlyStoppingRate, competes: nil)
  }

  /// A pruner from settings already checked.
  init(checked minResource: Int, _ reductionFactor: Int, _ minEarlyStoppingRate: Int, competes: (@Sendable (TrialRecord) -> Bool)?) {
    self.minResource = minResource
    self.reductionFactor = reductionFactor
    self.minEarlyStoppingRate = minEarlyStoppingRate
    self.competes = competes
  }

  /// The step of rung `k`.
  func rungStep(_ k: Int) -> Int {
    var step = minResource
    for _ in 0..<(minEarlyStoppingRate + k) {
      let (next, overflow) = step.multipliedReportingOverflow(by: reductionFactor)
      if overflow { return Int.max }
      step = next
    }
    return step
  }

  /// See the type.
  public func shouldPrune(_ trial: TrialRecord, step: Int, others: [TrialRecord], direction: StudyDirection) -> Bool {
    guard let value = trial.intermediateValues[step] else { return false }
    let rivals = others.filter { $0.index != trial.index && (competes?($0) ?? true) }
    var k = 0
    while rungStep(k) <= step {
      let rung = rungStep(k)
      // The rung this report crosses: earlier rungs were passed at earlier reports.
      if !trial.intermediateValues.keys.contains(where: { $0 >= rung && $0 < step }) {
        if value.isNaN { return true }
        var competing = rivals.compactMap { reported($0, atOrAfter: rung) }.filter { !$0.isNaN }
        competing.append(value)
        competing.sort { direction.isBetter($0, than: $1) }
        let cut = Swift.max(0, competing.count / reductionFactor - 1)
        if direction.isBetter(competing[cut], than: value) { return true }
      }
      k += 1
    }
    return false
  }

  /// Compares the settings (the bracket filter of Hyperband's pruner is not compared).
  public static func == (a: SuccessiveHalvingPruner, b: SuccessiveHalvingPruner) -> Bool {
    a.minResource == b.minResource && a.reductionFactor == b.reductionFactor && a.minEarlyStoppingRate == b.minEarlyStoppingRate
  }

  /// Hashes the settings.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(minResource)
    hasher.combine(reductionFactor)
    hasher.combine(minEarlyStoppingRate)
  }

  /// `successive-halving(min …, eta …, rate …)`.
  public var description: String {
    "successive-halving(min \(minResource), eta \(reductionFactor), rate \(minEarlyStoppingRate))"
  }
}

/// Optuna's `HyperbandPruner`: `B = ⌊log_η(maxResource/minResource)⌋ + 1` brackets of
/// successive-halving pruners, bracket `b` with `minEarlyStoppingRate = b`; a trial joins bracket
/// `b` with probability proportional to `⌈B·η^s/(s+1)⌉`, `s = B − 1 − b` (by a stable hash of its
/// proposal, so the same in every process), and competes only with its own bracket.
public struct HyperbandPruner: Pruner, Hashable {
  /// The smallest resource (step) of a rung.
  public let minResource: Int
  /// The largest resource, the step a finished trial reaches.
  public let maxResource: Int
  /// η (Optuna's default, 3).
  public let reductionFactor: Int

  /// A Hyperband pruner.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` when `minResource` < 1, it exceeds
  ///   `maxResource`, or η < 2.
  public init(minResource: Int = 1, maxResource: Int, reductionFactor: Int = 3) throws(LearnError) {
    _ = try HyperbandSchedule(maxBudget: maxResource, minBudget: minResource, eta: reductionFactor)
    self.minResource = minResource
    self.maxResource = maxResource
    self.reductionFactor = reductionFactor
  }

  /// The number of brackets.
  public var brackets: Int { integerLog(maxResource / minResource, base: reductionFactor) + 1 }

  /// The share of trials of the bracket with early-stopping rate `b`: Optuna's
  /// `⌈brackets·η^s/(s+1)⌉` with `s = brackets − 1 − b`, so the bracket that prunes from the first
  /// rung gets the most trials.
  func weight(ofBracket b: Int) -> Int {
    let s = brackets - 1 - b
    let etaS = (try? power(reductionFactor, s)) ?? Int.max / 2
    return (brackets * etaS + s) / (s + 1)
  }

  /// Trial's bracket (its early-stopping rate), from its proposal's text.
  func bracket(of trial: TrialRecord) -> Int { bracket(of: trial, weights: (0..<brackets).map(weight(ofBracket:))) }

  /// Trial's bracket given the brackets' `weights` (computed once per decision, not per rival).
  func bracket(of trial: TrialRecord, weights: [Int]) -> Int {
    var hash = StableHash()
    hash.add(trial.proposal.rawValue)
    var ticket = Int(hash.value % UInt64(weights.reduce(0, +)))
    for (s, weight) in weights.enumerated() {
      if ticket < weight { return s }
      ticket -= weight
    }
    return brackets - 1
  }

  /// See the type.
  public func shouldPrune(_ trial: TrialRecord, step: Int, others: [TrialRecord], direction: StudyDirection) -> Bool {
    let weights = (0..<brackets).map(weight(ofBracket:))
    let own = bracket(of: trial, weights: weights)
    let pruner = SuccessiveHalvingPruner(
      checked: minResource, reductionFactor, own, competes: { [self] in bracket(of: $0, weights: weights) == own })
    return pruner.shouldPrune(trial, step: step, others: others, direction: direction)
  }

  /// `hyperband(min …, max …, eta …)`.
  public var description: String { "hyperband-pruner(min \(minResource), max \(maxResource), eta \(reductionFactor))" }
}

/// Thrown from a plain objective to stop its trial early: the trial is recorded as pruned, with
/// the last value it reported (Optuna's `TrialPruned`).
public struct TrialPruned: Error, Sendable {
  /// A pruned-trial signal.
  public init() {}
}

/// What a plain objective sees of its trial (Optuna's `Trial`): the parameters, the budget a
/// multi-fidelity strategy gave it, and reporting with pruning.
public struct TrialContext: Sendable {
  /// The trial number.
  public let number: Int
  /// The parameters to evaluate.
  public let parameters: ParameterSet
  /// The budget a multi-fidelity strategy set (Hyperband, ASHA), if any.
  public let budget: Budget?
  let study: Study
  let pruner: (any Pruner)?

  /// Records `value` at `step` (an epoch, an iteration) in the study, for the pruner and for
  /// learning curves.
  /// - Throws: ``LearnError`` when the trial has already finished.
  public func report(_ value: Double, step: Int) throws(LearnError) {
    try study.report(number, step: step, value: value)
  }

  /// Whether the pruner asks this trial to stop, given its latest report; `false` without a
  /// pruner or before any report. Throw ``TrialPruned`` to stop.
  public var shouldPrune: Bool {
    guard let pruner else { return false }
    let trials = study.trials  // one read of the record (and of the journal, when shared)
    guard trials.indices.contains(number), let step = trials[number].intermediateValues.keys.max() else { return false }
    return pruner.shouldPrune(trials[number], step: step, others: trials.filter { $0.index != number }, direction: study.direction)
  }
}
