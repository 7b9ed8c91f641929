// Acquisition functions of the Gaussian-process search, in the surrogate's standardised units and
// for minimisation (a maximised objective is negated first): the value to maximise and its
// gradient from the posterior's mean and variance gradients. Expected improvement is computed as
// its logarithm (Ament et al. 2023, "Unexpected improvements to expected improvement"), so it
// keeps a usable slope far from the incumbent where EI itself underflows to 0.

import Foundation
import LearnCore

/// How the Gaussian-process search scores a point (scikit-optimize's `acq_func`).
public enum Acquisition: Sendable, Hashable, CustomStringConvertible {
  /// Expected improvement over the best observation by at least `xi` (standardised units),
  /// maximised as its logarithm (Optuna's log-EI). The default, with `xi` 0.
  case expectedImprovement(xi: Double = 0)
  /// Probability of improving on the best observation by at least `xi` (maximised as its logarithm).
  case probabilityOfImprovement(xi: Double = 0.01)
  /// Lower confidence bound `μ − κσ` (minimised), κ = 1.96 by default.
  case lowerConfidenceBound(kappa: Double = 1.96)
  /// scikit-optimize's `gp_hedge`: each of EI, PI and LCB (ξ = 0.01, κ = 1.96) proposes a point,
  /// and one proposal is chosen with probabilities `softmax(eta · gains)`; after each step a
  /// proposal's gain falls by the refitted posterior mean there. The gains and the three
  /// proposals are kept in the trial's tags, so a resumed search continues the same hedge.
  case hedge(eta: Double = 1)

  /// Throws when a setting is out of range.
  func validate() throws(LearnError) {
    switch self {
    case .expectedImprovement(let xi), .probabilityOfImprovement(let xi):
      guard xi.isFinite, xi >= 0 else { throw .invalidArgument(name: "xi", reason: "must be finite and ≥ 0, got \(xi)") }
    case .lowerConfidenceBound(let kappa):
      guard kappa.isFinite, kappa >= 0 else { throw .invalidArgument(name: "kappa", reason: "must be finite and ≥ 0, got \(kappa)") }
    case .hedge(let eta):
      guard eta.isFinite, eta > 0 else { throw .invalidArgument(name: "eta", reason: "must be finite and > 0, got \(eta)") }
    }
  }

  /// `ei(xi: …)`, `pi(xi: …)`, `lcb(kappa: …)` or `hedge(eta: …)`.
  public var description: String {
    switch self {
    case .expectedImprovement(let xi): return "ei(xi: \(xi))"
    case .probabilityOfImprovement(let xi): return "pi(xi: \(xi))"
    case .lowerConfidenceBound(let kappa): return "lcb(kappa: \(kappa))"
    case .hedge(let eta): return "hedge(eta: \(eta))"
    }
  }

  /// The three acquisitions a hedge chooses between, in scikit-optimize's order.
  static let hedgeMembers: [Acquisition] = [.expectedImprovement(xi: 0.01), .lowerConfidenceBound(kappa: 1.96), .probabilityOfImprovement(xi: 0.01)]

  /// The score to maximise at a point with posterior `mean` and `variance`, given the best
  /// (lowest) observation `best`: log EI, log PI or `−(μ − κσ)`. A hedge scores as its EI member
  /// (it is never maximised itself: each member proposes, and the hedge picks).
  func score(mean: Double, variance: Double, best: Double) -> Double {
    let sigma = Swift.max(variance, 1e-300).squareRoot()
    switch self {
    case .lowerConfidenceBound(let kappa):
      return -(mean - kappa * sigma)
    case .probabilityOfImprovement(let xi):
      return Gaussian.logCDF((best - xi - mean) / sigma)
    case .expectedImprovement(let xi):
      return log(sigma) + Gaussian.logH((best - xi - mean) / sigma)
    case .hedge:
      return Self.hedgeMembers[0].score(mean: mean, variance: variance, best: best)
    }
  }

  /// The score (``score(mean:variance:best:)``) and its gradient from a posterior with gradients.
  func scoreWithGradient(_ point: PosteriorPoint, best: Double) -> (value: Double, gradient: [Double]) {
    let value = score(mean: point.mean, variance: point.variance, best: best)
    let sigma = Swift.max(point.variance, 1e-300).squareRoot()
    // dσ = dσ²/(2σ); for EI and PI, dz = −(dμ + z·dσ)/σ.
    let sigmaGradient = point.varianceGradient.map { $0 / (2 * sigma) }
    switch self {
    case .lowerConfidenceBound(let kappa):
      return (value, zip(point.meanGradient, sigmaGradient).map { -$0 + kappa * $1 })
    case .probabilityOfImprovement(let xi):
      let z = (best - xi - point.mean) / sigma
      let ratio = Gaussian.pdfOverCDF(z)
      return (value, zip(point.meanGradient, sigmaGradient).map { ratio * (-$0 - z * $1) / sigma })
    case .expectedImprovement(let xi):
      let z = (best - xi - point.mean) / sigma
      let ratio = Gaussian.cdfOverH(z)
      return (value, zip(point.meanGradient, sigmaGradient).map { $1 / sigma + ratio * (-$0 - z * $1) / sigma })
    case .hedge:
      return Self.hedgeMembers[0].scoreWithGradient(point, best: best)
    }
  }
}

/// Standard normal functions, written to stay finite and accurate far in the tails.
enum Gaussian {
  static let logRoot2Pi = 0.5 * log(2 * Double.pi)

  /// φ(z).
  static func pdf(_ z: Double) -> Double { exp(-0.5 * z * z - logRoot2Pi) }

  /// Φ(z).
  static func cdf(_ z: Double) -> Double { NormalDistribution.cdf(z) }

  /// Mills' ratio `R(t) = Φ(−t)/φ(t)` for t ≥ 0.
  static func millsRatio(_ t: Double) -> Double {
    if t < 20 { return (Double.pi / 2).squareRoot() * exp(0.5 * t * t) * erfc(t / 2.0.squareRoot()) }
    let u = 1 / (t * t)
    return (1 - u * (1 - u * (3 - u * (15 - u * (105 - 945 * u))))) / t
  }

  /// `1 − t·R(t)` for t ≥ 1, the factor `h(−t)/φ(t)`; a series past 20 where the difference cancels.
  static func oneMinusTR(_ t: Double) -> Double {
    if t < 20 { return 1 - t * millsRatio(t) }
    let u = 1 / (t * t)
    return u * (1 - u * (3 - u * (15 - u * (105 - u * (945 - 10395 * u)))))
  }

  /// `log h(z)` with `h(z) = φ(z) + zΦ(z)`, so that `EI = σ·h((best − μ)/σ)`.
  static func logH(_ z: Double) -> Double {
    if z > -1 { return log(pdf(z) + z * cdf(z)) }
    let t = -z
    return -0.5 * t * t - logRoot2Pi + log(oneMinusTR(t))
  }

  /// `Φ(z)/h(z)`, the derivative of `log h`.
  static func cdfOverH(_ z: Double) -> Double {
    if z > -1 { return cdf(z) / (pdf(z) + z * cdf(z)) }
    let t = -z
    return millsRatio(t) / oneMinusTR(t)
  }

  /// `log Φ(z)`.
  static func logCDF(_ z: Double) -> Double {
    if z > -20 { return log(cdf(z)) }
    let t = -z
    return -0.5 * t * t - logRoot2Pi + log(millsRatio(t))
  }

  /// `φ(z)/Φ(z)`, the derivative of `log Φ`.
  static func pdfOverCDF(_ z: Double) -> Double {
    if z > -20 { return pdf(z) / cdf(z) }
    return 1 / millsRatio(-z)
  }
}
