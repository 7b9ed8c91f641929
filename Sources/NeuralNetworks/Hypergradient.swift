import Foundation
import LearnCore

/// Multiplicative hypergradient descent on the learning rate (Baydin, Cornish, Martínez Rubio,
/// Schmidt and Wood, "Online learning rate adaptation with hypergradient descent", ICLR 2018).
///
/// The last update moved the weights by `Δw`, in proportion to the rate `η`, so the derivative
/// of the loss at the new weights with respect to `log η` is `g · Δw`, `g` the new gradient (the
/// paper's SGDN-HD and Adam-HD, whose update directions `Δw` includes). A descent step on `log η`,
/// normalised by the two vectors' lengths, is `η ← η · (1 − β · cos(g, Δw))`: the rate grows
/// while the loss still falls along the last step and shrinks when the new gradient turns back
/// against it. The normalised form does not depend on the scale of the loss or of `η`, so one
/// `β` serves `sgd` and `adam`, and rates too small or too large alike.
///
/// `g` is the gradient of the data loss: the L2 penalty's part (`alpha · W / rows`) is left out.
/// The penalty is a quadratic far flatter than the data loss, its gradient always points the same
/// way, and once the data are fitted it would make successive steps agree and the rate grow
/// without bound. Sums run in index order, so the rate is the same whatever the number of threads.
struct HypergradientDescent {
  /// The rate, its starting value and the last step.
  var state: MLPHypergradientState
  /// The multiplicative step `β`, in (0, 1), so the rate stays positive.
  let beta: Double

  /// The rate the next update uses.
  var rate: Double { state.rate }

  /// Adapts the rate from the gradient `g` at the weights `w` (its first `penalized` entries
  /// carrying the penalty `penalty · w`) and the last step (nothing before the first update, or
  /// when either vector is zero), then remembers `w` so ``recordStep(weights:count:)`` can
  /// measure the update about to be made.
  mutating func adapt(gradient g: UnsafePointer<Double>, weights w: UnsafePointer<Double>, count: Int, penalty: Double, penalized: Int) {
    if state.lastStep.count == count {
      var dot = 0.0, gradientSquared = 0.0, stepSquared = 0.0
      state.lastStep.withUnsafeBufferPointer { step in
        for i in 0..<count {
          let data = i < penalized ? g[i] - penalty * w[i] : g[i]
          dot += data * step[i]
          gradientSquared += data * data
          stepSquared += step[i] * step[i]
        }
      }
      let norms = (gradientSquared * stepSquared).squareRoot()
      if norms > 0, norms.isFinite { state.rate *= 1 - beta * Swift.min(1, Swift.max(-1, dot / norms)) }
    } else {
      state.lastStep = [Double](repeating: 0, count: count)
    }
    state.lastStep.withUnsafeMutableBufferPointer { step in step.baseAddress!.update(from: w, count: count) }
  }

  /// Turns the remembered weights into the step just made: `Δw = w − w_before`.
  mutating func recordStep(weights w: UnsafePointer<Double>, count: Int) {
    state.lastStep.withUnsafeMutableBufferPointer { step in
      for i in 0..<count { step[i] = w[i] - step[i] }
    }
  }
}

extension PerceptronRun {
  /// Hypergradient descent for this training call, when `settings` turn it on: carried on from
  /// the run's state, or started at `learningRateInit` (for a new run, or a continuation given
  /// another `learningRateInit`). Off, the state is dropped.
  /// - Throws: ``LearnCore/LearnError/invalidArgument(name:reason:)`` for `sgd` with a schedule
  ///   other than `constant`: two rules cannot both set the rate.
  mutating func adoptHypergradient<C: PerceptronConfiguration>(_ settings: C) throws(LearnError) -> HypergradientDescent? {
    guard settings.hypergradientRate > 0 else {
      hypergradient = nil
      return nil
    }
    if settings.solver == .sgd, settings.learningRate != .constant {
      throw .invalidArgument(
        name: "hypergradientRate", reason: "adapts the learning rate itself; with solver sgd it needs learningRate constant, "
          + "got \(settings.learningRate.rawValue)")
    }
    let fresh = MLPHypergradientState(rate: settings.learningRateInit, initialRate: settings.learningRateInit, lastStep: [])
    let state = hypergradient.map { $0.initialRate == settings.learningRateInit ? $0 : fresh } ?? fresh
    return HypergradientDescent(state: state, beta: settings.hypergradientRate)
  }
}
