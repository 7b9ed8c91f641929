// Hyperband's brackets in exact integer arithmetic (Li et al., JMLR 2018). Two peers take
// ⌊log_η R⌋ in floating point, where `log(243, 3)` is 4.999…: this file never forms a
// floating-point logarithm or power.

import LearnCore

/// One rung of a bracket: how many candidates are evaluated there and at what budget.
public struct Rung: Sendable, Hashable, CustomStringConvertible {
  /// Candidates evaluated at this rung (the first rung's are new; the others are promoted).
  public let candidates: Int
  /// The budget each gets, in units or samples (the total after continuing).
  public let budget: Int

  /// A rung of `candidates` at `budget`.
  public init(candidates: Int, budget: Int) {
    self.candidates = candidates
    self.budget = budget
  }

  /// `<candidates>×<budget>`.
  public var description: String { "\(candidates)×\(budget)" }
}

/// One bracket of successive halving: rungs of shrinking size and growing budget, the best
/// `rungs[i + 1].candidates` of rung `i` promoted to rung `i + 1`.
public struct Bracket: Sendable, Hashable, CustomStringConvertible {
  /// Hyperband's `s`: the number of halvings (rungs − 1) in a Hyperband bracket; the bracket's
  /// position otherwise.
  public let index: Int
  /// The rungs, first (most candidates, least budget) to last.
  public let rungs: [Rung]

  /// A bracket from its rungs.
  public init(index: Int, rungs: [Rung]) {
    self.index = index
    self.rungs = rungs
  }

  /// The budget the bracket spends when every candidate trains from scratch at every rung
  /// (Σ candidates × budget), the figure of the paper's table.
  public var totalBudget: Int { rungs.reduce(0) { $0 + $1.candidates * $1.budget } }

  /// The budget the bracket spends when promoted candidates continue their models: each rung
  /// adds only the difference to the previous rung's budget.
  public var continuedBudget: Int {
    var total = 0, previous = 0
    for rung in rungs {
      total += rung.candidates * (rung.budget - previous)
      previous = rung.budget
    }
    return total
  }

  /// `s=<index>: 81×1, 27×3, …`.
  public var description: String { "s=\(index): " + rungs.map(\.description).joined(separator: ", ") }
}

/// Hyperband's schedule for a maximum budget `R`, a minimum budget and a reduction factor η:
/// `s_max = ⌊log_η(R / minBudget)⌋` (an exact integer logarithm), and for each
/// `s = s_max, …, 0` a bracket of `n = ⌈(s_max + 1)·η^s / (s + 1)⌉` candidates whose rung `i`
/// holds `⌊n / η^i⌋` of them at budget `⌊R·η^i / η^s⌋`. For R = 81, η = 3 this is the paper's
/// table: 81×1 … 1×81, 34×3 … 1×81, 15×9 … 1×81, 8×27, 2×81, and 5×81.
public struct HyperbandSchedule: Sendable, Hashable, CustomStringConvertible {
  /// The largest budget a candidate gets (`R`, `max_t`, `max_epochs`).
  public let maxBudget: Int
  /// The smallest budget (the paper's unit of resource; 1 by default).
  public let minBudget: Int
  /// The reduction factor η (≥ 2): a rung keeps the best 1/η.
  public let eta: Int
  /// The brackets, the most exploratory (`s = s_max`) first.
  public let brackets: [Bracket]

  /// The schedule for `maxBudget`, `minBudget` and `eta`.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` when `eta` < 2, `minBudget` < 1, or
  ///   `minBudget` > `maxBudget`, or when a bracket's size would overflow.
  public init(maxBudget: Int, minBudget: Int = 1, eta: Int = 3) throws(LearnError) {
    guard eta >= 2 else { throw .invalidArgument(name: "eta", reason: "the reduction factor must be at least 2, got \(eta)") }
    guard minBudget >= 1 else { throw .invalidArgument(name: "minBudget", reason: "must be at least 1, got \(minBudget)") }
    guard minBudget <= maxBudget else {
      throw .invalidArgument(name: "minBudget", reason: "must be at most maxBudget (\(maxBudget)), got \(minBudget)")
    }
    self.maxBudget = maxBudget
    self.minBudget = minBudget
    self.eta = eta
    let sMax = integerLog(maxBudget / minBudget, base: eta)
    var brackets: [Bracket] = []
    for s in stride(from: sMax, through: 0, by: -1) {
      let etaS = try power(eta, s)
      let (scaled, overflow) = (sMax + 1).multipliedReportingOverflow(by: etaS)
      guard !overflow else { throw .invalidArgument(name: "maxBudget", reason: "bracket \(s) is too large to count") }
      let n = (scaled + s) / (s + 1)  // ⌈(s_max + 1)·η^s / (s + 1)⌉
      var rungs: [Rung] = []
      for i in 0...s {
        let etaI = try power(eta, i)
        // ⌊R·η^i / η^s⌋ = ⌊R / η^(s−i)⌋: no product that could overflow.
        rungs.append(Rung(candidates: n / etaI, budget: maxBudget / (try power(eta, s - i))))
      }
      brackets.append(Bracket(index: s, rungs: rungs))
    }
    self.brackets = brackets
  }

  /// `hyperband(R=<max>, min=<min>, eta=<η>)`.
  public var description: String { "hyperband(R=\(maxBudget), min=\(minBudget), eta=\(eta))" }
}

/// The largest `e` with `base^e ≤ value` (`value` ≥ 1, `base` ≥ 2), by repeated multiplication.
func integerLog(_ value: Int, base: Int) -> Int {
  var exponent = 0, product = 1
  while true {
    let (next, overflow) = product.multipliedReportingOverflow(by: base)
    if overflow || next > value { return exponent }
    product = next
    exponent += 1
  }
}

/// `base^exponent`, throwing on overflow.
func power(_ base: Int, _ exponent: Int) throws(LearnError) -> Int {
  var result = 1
  for _ in 0..<exponent {
    let (next, overflow) = result.multipliedReportingOverflow(by: base)
    guard !overflow else { throw .invalidArgument(name: "eta", reason: "\(base)^\(exponent) overflows") }
    result = next
  }
  return result
}
