// PB2 (Parker-Holder, Nguyen and Roberts, "Provably Efficient Online Hyperparameter Optimization
// with Population-Based Bandits", NeurIPS 2020): explore by a Gaussian-process bandit instead of
// random perturbation. A GP models the change in score a step makes as a function of the step's
// time and its mutable hyperparameters; a member that copies another trains next with the
// hyperparameters maximising the upper confidence bound at the next step's time, chosen for the
// copying members one after another with the earlier picks added at their predicted mean, so a
// batch spreads out (GP-BUCB).

import Foundation
import LearnCore
import LinearAlgebra

extension PBTSearch {
  /// The hyperparameters the members copying `donors` train with next (PB2), one per donor, at
  /// the step ending at `units`; the non-mutable values are the donors'. Falls back to the
  /// perturbation rule while fewer than three steps have finished.
  /// Only steps that ended at most at `dataUntil` units are data (synchronous PBT: the finished
  /// generations, so every decision of a generation sees the same data, whatever the chunking);
  /// steps trained afresh (`refitted`) or adding no units are not. A model that cannot be fitted
  /// falls back to perturbation too.
  func banditChoices(
    donors: [ParameterSet], units: Int, dataUntil: Int?, candidates: Int, exploration: Double, seed: ProposalID,
    _ context: StrategyContext
  ) throws -> [ParameterSet] {
    let dimensions = mutable.map { name in (name, space[name]!) }
    let full = Double(generations * readyInterval)
    var points: [[Double]] = [], gains: [Double] = []
    let sign = context.direction == .minimize ? -1.0 : 1.0
    for trial in context.trials where trial.proposal.rawValue.hasPrefix("pbt/") {
      guard let parent = trial.parent, trial.tags["refitted"] == nil, let after = context.value(of: trial),
            context.trials.indices.contains(parent), let before = context.value(of: context.trials[parent]),
            case .units(let reached)? = trial.resource, reached <= dataUntil ?? .max,
            reached > context.trials[parent].budget ?? 0,
            let encoded = encode(trial.parameters, dimensions) else { continue }
      points.append([Double(reached) / full] + encoded)
      gains.append(sign * (after - before))
    }
    var generator = context.generator(for: seed)
    let fallback = { (generator: inout Xoshiro256StarStar) throws -> [ParameterSet] in
      try donors.map { try self.explored($0, &generator, rule: .perturb()) }
    }
    guard points.count >= 3 else { return try fallback(&generator) }
    do {
      return try bandit(donors, points: points, gains: gains, time: Double(units) / full, dimensions: dimensions,
                        candidates: candidates, exploration: exploration, &generator)
    } catch {
      return try fallback(&generator)
    }
  }

  /// The UCB picks for `donors`, one after another, from a GP of `gains` at `points`.
  private func bandit(
    _ donors: [ParameterSet], points: [[Double]], gains: [Double], time: Double, dimensions: [(String, Distribution)],
    candidates: Int, exploration: Double, _ generator: inout Xoshiro256StarStar
  ) throws -> [ParameterSet] {
    let mean = gains.reduce(0, +) / Double(gains.count)
    let spread = Swift.max(1e-12, (gains.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gains.count)).squareRoot())
    let standardised = gains.map { ($0 - mean) / spread }
    let matrix = try Matrix(points)
    let kernel = KernelFit(points: matrix, targets: standardised).fit(from: [KernelParameters.initial(features: 1 + dimensions.count)])
    var process = try GaussianProcess(points: matrix, targets: standardised, kernel: kernel)
    var chosen: [ParameterSet] = []
    for donor in donors {
      var best: (point: [Double], value: Double)?
      for _ in 0..<candidates {
        let point = [time] + dimensions.map { _ in generator.nextUniform() }
        let posterior = process.posterior(point)
        let bound = posterior.mean + exploration * Swift.max(0, posterior.variance).squareRoot()
        if best == nil || bound > best!.value { best = (point, bound) }
      }
      var parameters = donor
      for (k, (name, distribution)) in dimensions.enumerated() { parameters[name] = distribution.decode(best!.point[k + 1]) }
      chosen.append(parameters)
      // The pick at its predicted mean: the next member's bound is lower near it.
      process = try process.adding(point: best!.point, target: process.posterior(best!.point).mean)
    }
    return chosen
  }

  /// The mutable hyperparameters of `parameters` in [0, 1] (``Distribution/encode(_:)``); `nil`
  /// when one is missing or outside its range.
  private func encode(_ parameters: ParameterSet, _ dimensions: [(String, Distribution)]) -> [Double]? {
    var encoded: [Double] = []
    for (name, distribution) in dimensions {
      guard let value = parameters[name], let u = distribution.encode(value) else { return nil }
      encoded.append(u)
    }
    return encoded
  }
}
