import Foundation
import LearnCore
import LinearAlgebra

/// A budget for one evaluation: how much of the data or of the training a candidate gets
/// (successive halving's "resource").
public enum Budget: Sendable, Hashable, Codable {
  /// Fit each fold on the first `n` rows of a fixed shuffle of its training rows.
  case samples(Int)
  /// Train for `n` units (trees, epochs, iterations): set through the search's
  /// `budgetParameter`, or by continuing an earlier trial's models.
  case units(Int)

  /// The number of samples or units.
  public var amount: Int {
    switch self {
    case .samples(let n), .units(let n): return n
    }
  }
}

/// Names one proposal of a strategy ("grid/17", "random/3", "bracket 2/rung 1/4"): stored with
/// the trial that evaluates it and kept when the trial is run again, so a strategy knows what it
/// has proposed, and randomness tied to a proposal does not depend on trial numbering.
public struct ProposalID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
  /// The identifier.
  public var rawValue: String

  /// An identifier from its text.
  public init(_ rawValue: String) { self.rawValue = rawValue }

  /// `"<kind>/<index>"`, the usual shape.
  public init(_ kind: String, _ index: Int) { rawValue = "\(kind)/\(index)" }

  /// An identifier from a string literal.
  public init(stringLiteral value: String) { rawValue = value }

  /// A seed for this proposal's randomness, derived from the study's seed and the identifier's
  /// text (a stable hash, the same in every process).
  public func seed(studySeed: UInt64) -> UInt64 {
    var hash = StableHash()
    hash.add(rawValue)
    return SplitMix64.derive(studySeed, hash.value)
  }

  /// Orders identifiers by their text.
  public static func < (a: ProposalID, b: ProposalID) -> Bool { a.rawValue < b.rawValue }

  /// The identifier's text.
  public var description: String { rawValue }

  /// Encoded as its text.
  public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

  /// Encoded as its text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

/// One candidate a strategy asks the study to evaluate (a proposal).
public struct Candidate: Sendable, Hashable {
  /// The hyperparameters to set on the search's estimator (or to pass to the objective).
  public var parameters: ParameterSet
  /// The budget, when the strategy works at several fidelities.
  public var budget: Budget?
  /// An earlier trial whose fitted fold models this one continues (the estimator must be
  /// `IncrementallyTrainable`); its budget is then the total units after continuing.
  public var continuing: Int?
  /// Bookkeeping columns for the results table (bracket, rung, generation…).
  public var tags: [String: ParameterValue]
  /// The strategy's name for this proposal; `nil` lets the study name it after the trial number.
  public var proposal: ProposalID?

  /// A candidate.
  public init(
    _ parameters: ParameterSet, budget: Budget? = nil, continuing: Int? = nil, tags: [String: ParameterValue] = [:],
    proposal: ProposalID? = nil
  ) {
    self.parameters = parameters
    self.budget = budget
    self.continuing = continuing
    self.tags = tags
    self.proposal = proposal
  }
}

/// How a trial stands (Optuna's `TrialState`).
public enum TrialStatus: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Created and being evaluated (or abandoned by a worker that died).
  case running
  /// Every fold was fitted and scored.
  case complete
  /// A fold failed; the reason is kept. Its scores are the search's error score (NaN by default).
  case failed(String)
  /// Stopped early by a multi-fidelity strategy.
  case pruned

  /// Whether the trial has ended (anything but `running`).
  public var isFinished: Bool { self != .running }

  /// Whether the trial failed.
  public var isFailed: Bool {
    if case .failed = self { return true }
    return false
  }

  /// `running`, `complete`, `failed: <reason>` or `pruned`.
  public var description: String {
    switch self {
    case .running: return "running"
    case .complete: return "complete"
    case .failed(let reason): return "failed: \(reason)"
    case .pruned: return "pruned"
    }
  }
}

/// One trial of a study: a row of the results table.
public struct TrialRecord: Sendable, Hashable, Codable {
  /// The trial number: its position in the study, from 0, given when the trial is created.
  public var index: Int
  /// The strategy's name for the proposal this trial evaluates.
  public var proposal: ProposalID
  /// The candidate's hyperparameters.
  public var parameters: ParameterSet
  /// The budget it was evaluated with, when the strategy set one.
  public var resource: Budget?
  /// The trial whose fold models this one continued, when it did.
  public var parent: Int?
  /// Strategy bookkeeping (bracket, rung, generation, member…).
  public var tags: [String: ParameterValue]
  /// How it stands.
  public var status: TrialStatus
  /// Test-fold scores by metric name, one per fold (a plain objective has one "fold").
  public var testScores: [String: [Double]]
  /// Training-fold scores by scorer name, when asked for.
  public var trainScores: [String: [Double]]
  /// Values reported while training, by step (epoch, rung…), for pruning and learning curves.
  public var intermediateValues: [Int: Double]
  /// Warnings raised while evaluating (a fit that did not converge…).
  public var warnings: [String]
  /// Seconds spent fitting, per fold.
  public var fitTimes: [Double]
  /// Seconds spent scoring, per fold.
  public var scoreTimes: [Double]
  /// The worker that ran it (host, process and thread), when known. Not part of the table.
  public var worker: String?
  /// When it was created and when it finished, in seconds since 1970 (wall clock). Not part of
  /// the table.
  public var startedAt: Double?, finishedAt: Double?

  /// A record from its parts.
  public init(
    index: Int, proposal: ProposalID? = nil, parameters: ParameterSet, budget: Budget? = nil, parent: Int? = nil,
    tags: [String: ParameterValue] = [:], status: TrialStatus, testScores: [String: [Double]],
    trainScores: [String: [Double]] = [:], intermediateValues: [Int: Double] = [:], warnings: [String] = [],
    fitTimes: [Double], scoreTimes: [Double], worker: String? = nil, startedAt: Double? = nil, finishedAt: Double? = nil
  ) {
    self.index = index
    self.proposal = proposal ?? ProposalID("trial", index)
    self.parameters = parameters
    self.resource = budget
    self.parent = parent
    self.tags = tags
    self.status = status
    self.testScores = testScores
    self.trainScores = trainScores
    self.intermediateValues = intermediateValues
    self.warnings = warnings
    self.fitTimes = fitTimes
    self.scoreTimes = scoreTimes
    self.worker = worker
    self.startedAt = startedAt
    self.finishedAt = finishedAt
  }

  /// The amount of its budget (samples or units), when it had one: the table's `budget` column.
  public var budget: Int? { resource?.amount }

  /// The trial number (``index``), under Optuna's name.
  public var number: Int { index }

  /// The mean test score of `metric` over folds (NaN when any fold failed).
  public func meanTestScore(_ metric: String) -> Double { mean(testScores[metric] ?? []) }

  /// This record without what differs between two runs of the same search: fit and score times,
  /// the worker and the timestamps. Two runs give the "same table" when their trials, so
  /// stripped, are equal.
  public var untimed: TrialRecord {
    var copy = self
    copy.fitTimes = []
    copy.scoreTimes = []
    copy.worker = nil
    copy.startedAt = nil
    copy.finishedAt = nil
    return copy
  }

  /// Whether every field is equal, a NaN score equal to a NaN score (failed trials are recorded
  /// with NaN, and a record read back from a journal must equal the one written).
  public static func == (a: TrialRecord, b: TrialRecord) -> Bool {
    func same(_ x: [String: [Double]], _ y: [String: [Double]]) -> Bool {
      x.count == y.count && x.allSatisfy { key, values in
        guard let other = y[key], other.count == values.count else { return false }
        return zip(values, other).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
      }
    }
    return a.index == b.index && a.proposal == b.proposal && a.parameters == b.parameters && a.resource == b.resource
      && a.parent == b.parent && a.tags == b.tags && a.status == b.status && same(a.testScores, b.testScores)
      && same(a.trainScores, b.trainScores) && same(a.intermediateValues.reduce(into: [:]) { $0["\($1.key)"] = [$1.value] },
                                                    b.intermediateValues.reduce(into: [:]) { $0["\($1.key)"] = [$1.value] })
      && a.warnings == b.warnings && a.fitTimes == b.fitTimes && a.scoreTimes == b.scoreTimes && a.worker == b.worker
      && a.startedAt == b.startedAt && a.finishedAt == b.finishedAt
  }

  /// Hashes the identifying fields (scores are left out, so NaN cannot break hashing).
  public func hash(into hasher: inout Hasher) {
    hasher.combine(index)
    hasher.combine(proposal)
    hasher.combine(parameters)
    hasher.combine(resource)
    hasher.combine(status)
  }

  private enum CodingKeys: String, CodingKey {
    case index, proposal, parameters, resource, parent, tags, status, testScores, trainScores, intermediateValues,
      warnings, fitTimes, scoreTimes, worker, startedAt, finishedAt
  }

  /// Decodes a record; fields absent from the text take their defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    index = try c.decode(Int.self, forKey: .index)
    proposal = try c.decodeIfPresent(ProposalID.self, forKey: .proposal) ?? ProposalID("trial", index)
    parameters = try c.decode(ParameterSet.self, forKey: .parameters)
    resource = try c.decodeIfPresent(Budget.self, forKey: .resource)
    parent = try c.decodeIfPresent(Int.self, forKey: .parent)
    tags = try c.decodeIfPresent([String: ParameterValue].self, forKey: .tags) ?? [:]
    status = try c.decode(TrialStatus.self, forKey: .status)
    testScores = try c.decodeIfPresent([String: [Double]].self, forKey: .testScores) ?? [:]
    trainScores = try c.decodeIfPresent([String: [Double]].self, forKey: .trainScores) ?? [:]
    intermediateValues = try c.decodeIfPresent([Int: Double].self, forKey: .intermediateValues) ?? [:]
    warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    fitTimes = try c.decodeIfPresent([Double].self, forKey: .fitTimes) ?? []
    scoreTimes = try c.decodeIfPresent([Double].self, forKey: .scoreTimes) ?? []
    worker = try c.decodeIfPresent(String.self, forKey: .worker)
    startedAt = try c.decodeIfPresent(Double.self, forKey: .startedAt)
    finishedAt = try c.decodeIfPresent(Double.self, forKey: .finishedAt)
  }
}

/// The mean of `values` (NaN for none), summed in order.
func mean(_ values: [Double]) -> Double {
  values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

/// The population standard deviation of `values` (numpy's `std`).
func standardDeviation(_ values: [Double]) -> Double {
  let m = mean(values)
  return mean(values.map { ($0 - m) * ($0 - m) }).squareRoot()
}
