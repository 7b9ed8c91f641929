// The tree-structured Parzen estimator of `BayesSearch` (Bergstra et al. 2011; the details of
// Optuna 5's `TPESampler`): finished trials are split into a good and a bad group, each group
// becomes a mixture of truncated Gaussians (one kernel per trial plus a prior kernel), and of
// candidates drawn from the good mixture the one maximising log l(x) − log g(x) is proposed.
// Everything works in the space's [0, 1]^d encoding, where log dimensions are already logarithmic
// and an integer's values own equal bins.

import Foundation
import LearnCore
import LinearAlgebra

/// Settings of the tree-structured Parzen estimator.
public struct TPESettings: Sendable, Hashable, CustomStringConvertible {
  /// How many trials form the good group.
  public enum Split: Sendable, Hashable, CustomStringConvertible {
    /// `min(⌈fraction·n⌉, cap)`: Optuna's default is `linear(fraction: 0.1, cap: 25)`.
    case linear(fraction: Double, cap: Int)
    /// `min(⌈fraction·√n⌉, cap)`: hyperopt's, `squareRoot(fraction: 0.25, cap: 25)`.
    case squareRoot(fraction: Double, cap: Int)

    /// The size of the good group among `n` finished trials.
    func goodCount(_ n: Int) -> Int {
      switch self {
      case .linear(let fraction, let cap): return Swift.min(Int((fraction * Double(n)).rounded(.up)), cap)
      case .squareRoot(let fraction, let cap): return Swift.min(Int((fraction * Double(n).squareRoot()).rounded(.up)), cap)
      }
    }

    /// `linear(f, cap)` or `sqrt(f, cap)`.
    public var description: String {
      switch self {
      case .linear(let f, let c): return "linear(\(f), \(c))"
      case .squareRoot(let f, let c): return "sqrt(\(f), \(c))"
      }
    }
  }

  /// How the good group's kernels are weighed.
  public enum GoodWeights: Sendable, Hashable, CustomStringConvertible {
    /// Every good trial the same (Optuna's default, with `linearForgetting`).
    case uniform
    /// Each good trial by how far it beats the best bad one, `max(10⁻¹², y_bad − y)` (Watanabe
    /// 2023's "expected improvement" weighting); the prior takes their mean times `priorWeight`.
    case expectedImprovement

    /// `uniform` or `ei`.
    public var description: String { self == .uniform ? "uniform" : "ei" }
  }

  /// Candidates drawn from the good mixture per proposal (Optuna's `n_ei_candidates`, 24).
  public var candidates: Int
  /// One joint kernel per trial over all dimensions (Optuna 5's default), instead of one
  /// independent estimator per dimension.
  public var multivariate: Bool
  /// The size of the good group (Optuna's `gamma`).
  public var split: Split
  /// Weight of the prior kernel (centred, as wide as the range), 1 by default.
  public var priorWeight: Double
  /// Keep every bandwidth at least `range · max(clipFloor, (1 + kernels)^−clipExponent)`
  /// (Optuna's `consider_magic_clip`: exponent 1, floor 0.01, that is `range / min(100, 1 + kernels)`).
  public var magicClip: Bool
  /// The exponent of the magic clip: 2 by default (Watanabe 2023's recommendation; Optuna's is 1).
  public var clipExponent: Double
  /// The smallest bandwidth the magic clip allows, as a fraction of the range: 0.03 by default
  /// (Watanabe 2023's; Optuna's is 0.01).
  public var clipFloor: Double
  /// How the good group's kernels are weighed: `.expectedImprovement` by default (Optuna's is
  /// `.uniform`). The choice of sub-space among conditional spaces weighs good trials uniformly.
  public var goodWeights: GoodWeights
  /// The lowest and highest observation take the larger gap counting the bounds as neighbours, as
  /// every other one does (hyperopt's rule); `false` (Optuna's `consider_endpoints`) gives them
  /// the gap to their inner neighbour.
  public var considerEndpoints: Bool
  /// With `n` trials past this many, the oldest get weights ramping up from `1/n` (hyperopt's
  /// linear forgetting, 25); `nil` weighs every trial the same. With `.expectedImprovement`
  /// good weights it applies to the bad group only.
  public var linearForgetting: Int?
  /// Running trials count among the bad ones, so parallel workers spread out (Optuna 5's
  /// `constant_liar`, on).
  public var constantLiar: Bool

  /// Settings. The defaults are Optuna 5's except the magic clip (`clipExponent` 2, `clipFloor`
  /// 0.03) and the good group's weights (`.expectedImprovement`); `TPESettings(clipExponent: 1,
  /// clipFloor: 0.01, goodWeights: .uniform)` is Optuna's `TPESampler`.
  public init(
    candidates: Int = 24, multivariate: Bool = true, split: Split = .linear(fraction: 0.1, cap: 25), priorWeight: Double = 1,
    magicClip: Bool = true, linearForgetting: Int? = 25, constantLiar: Bool = true,
    clipExponent: Double = 2, clipFloor: Double = 0.03, goodWeights: GoodWeights = .expectedImprovement, considerEndpoints: Bool = false
  ) {
    self.clipExponent = clipExponent
    self.clipFloor = clipFloor
    self.goodWeights = goodWeights
    self.considerEndpoints = considerEndpoints
    self.candidates = candidates
    self.multivariate = multivariate
    self.split = split
    self.priorWeight = priorWeight
    self.magicClip = magicClip
    self.linearForgetting = linearForgetting
    self.constantLiar = constantLiar
  }

  func validate() throws(LearnError) {
    guard candidates >= 1 else { throw .invalidArgument(name: "candidates", reason: "must be at least 1, got \(candidates)") }
    guard priorWeight.isFinite, priorWeight > 0 else {
      throw .invalidArgument(name: "priorWeight", reason: "must be finite and > 0, got \(priorWeight)")
    }
    switch split {
    case .linear(let f, let c), .squareRoot(let f, let c):
      guard f.isFinite, f > 0, c >= 1 else { throw .invalidArgument(name: "split", reason: "needs a fraction > 0 and a cap ≥ 1, got \(split)") }
    }
    guard clipExponent.isFinite, clipExponent > 0 else {
      throw .invalidArgument(name: "clipExponent", reason: "must be finite and > 0, got \(clipExponent)")
    }
    guard clipFloor.isFinite, clipFloor >= 0, clipFloor < 1 else {
      throw .invalidArgument(name: "clipFloor", reason: "must be in [0, 1), got \(clipFloor)")
    }
    if let linearForgetting, linearForgetting < 1 {
      throw .invalidArgument(name: "linearForgetting", reason: "must be at least 1, got \(linearForgetting)")
    }
  }

  /// Whether the clip, weights and endpoints are Optuna's (which the settings' text then leaves
  /// out, as it did before they existed).
  private var optunasEstimator: Bool {
    clipExponent == 1 && clipFloor == 0.01 && goodWeights == .uniform && !considerEndpoints
  }

  /// The settings, for the journal fingerprint.
  public var description: String {
    "candidates \(candidates), multivariate \(multivariate), split \(split), prior \(priorWeight), clip \(magicClip), "
      + "forgetting \(linearForgetting.map(String.init) ?? "off"), liar \(constantLiar)"
      + (optunasEstimator ? "" : ", clip \(clipExponent) \(clipFloor), weights \(goodWeights)" + (considerEndpoints ? ", endpoints" : ""))
  }
}

/// One proposal of the tree-structured Parzen estimator.
struct TPEProposer {
  let settings: TPESettings
  let spaces: [SearchSpace]

  /// A proposal unseen in the record, or `nil` when none of the candidates is new.
  func propose(history: SearchHistory, generator: inout Xoshiro256StarStar) throws(LearnError) -> ParameterSet? {
    let ranked = history.observations.enumerated().sorted {
      $0.element.value < $1.element.value || ($0.element.value == $1.element.value && $0.offset < $1.offset)
    }.map(\.element)
    // Both groups stay in value order (best first), which is the order Optuna's recency weights
    // are applied in; running trials come last among the bad.
    let goodCount = settings.split.goodCount(ranked.count)
    let good = Array(ranked.prefix(goodCount)), bad = Array(ranked.dropFirst(goodCount))
    var badPoints = bad.map { (space: $0.space, point: $0.point) }
    if settings.constantLiar { badPoints += history.pending }
    // Conditional spaces: first the sub-space, by the same estimator over the space index.
    var space = 0
    if spaces.count > 1 {
      let choice = Distribution.choice((0..<spaces.count).map { .int($0) })
      let position = { (index: Int) in [(Double(index) + 0.5) / Double(spaces.count)] }
      let chosen = best(
        lower: ParzenEstimator(dimensions: [choice], points: good.map { position($0.space) }, settings: settings),
        upper: ParzenEstimator(dimensions: [choice], points: badPoints.map { position($0.space) }, settings: settings),
        generator: &generator)
      space = Swift.min(spaces.count - 1, Int(chosen[0] * Double(spaces.count)))
    }
    let dimensions = spaces[space].dimensions.map(\.distribution)
    let goodInSpace = good.filter { $0.space == space }
    let goodPoints = goodInSpace.map(\.point)
    let goodWeights = expectedImprovementWeights(goodInSpace.map(\.value), threshold: bad.first?.value)
    let badInSpace = badPoints.filter { $0.space == space }.map(\.point)
    let proposal: [Double]
    if settings.multivariate {
      proposal = best(
        lower: ParzenEstimator(dimensions: dimensions, points: goodPoints, settings: settings, weights: goodWeights),
        upper: ParzenEstimator(dimensions: dimensions, points: badInSpace, settings: settings),
        generator: &generator)
    } else {
      proposal = dimensions.indices.map { d in
        best(
          lower: ParzenEstimator(
            dimensions: [dimensions[d]], points: goodPoints.map { [$0[d]] }, settings: settings, weights: goodWeights),
          upper: ParzenEstimator(dimensions: [dimensions[d]], points: badInSpace.map { [$0[d]] }, settings: settings),
          generator: &generator)[0]
      }
    }
    let parameters = try spaces[space].decode(proposal)
    return history.seen.contains(parameters) ? nil : parameters
  }

  /// With `.expectedImprovement`, the good kernels' weights `max(10⁻¹², threshold − y)` and the
  /// prior's, their mean times `priorWeight`; `nil` (the settings' own weights) otherwise or when
  /// no trial is bad.
  func expectedImprovementWeights(_ values: [Double], threshold: Double?) -> [Double]? {
    guard settings.goodWeights == .expectedImprovement, let threshold, !values.isEmpty else { return nil }
    let weights = values.map { Swift.max(1e-12, threshold - $0) }
    return weights + [settings.priorWeight * weights.reduce(0, +) / Double(weights.count)]
  }

  /// Of `candidates` draws from `lower`, the one maximising log l − log g.
  private func best(lower: ParzenEstimator, upper: ParzenEstimator, generator: inout Xoshiro256StarStar) -> [Double] {
    var best: (point: [Double], score: Double)?
    for _ in 0..<settings.candidates {
      let point = lower.sample(using: &generator)
      let score = lower.logDensity(point) - upper.logDensity(point)
      if best == nil || score > best!.score { best = (point, score) }
    }
    return best!.point
  }
}

/// A mixture of product kernels over [0, 1]^d: one per observation plus the prior. Continuous
/// dimensions have truncated Gaussians; integer dimensions the Gaussian mass of each value's bin;
/// choices a categorical distribution leaning to the observed value.
struct ParzenEstimator {
  enum Kind {
    case continuous
    case discrete(bins: Int)
    case categorical(count: Int)
  }

  let kinds: [Kind]
  /// Kernel weights (normalised), the prior last.
  let logWeights: [Double]
  /// `centres[k][d]`, `bandwidths[k][d]` for numeric dimensions; categorical rows hold the
  /// category probabilities in `categories[k][d]`.
  let centres: [[Double]]
  let bandwidths: [[Double]]
  let categories: [[[Double]]]

  /// `weights`, when given, holds one weight per point and the prior's last, in place of the
  /// settings' (uniform or linear forgetting, and `priorWeight`).
  init(dimensions: [Distribution], points: [[Double]], settings: TPESettings, weights explicit: [Double]? = nil) {
    kinds = dimensions.map { distribution in
      switch distribution {
      case .choice(let values): return .categorical(count: values.count)
      case .int(let low, let high):
        let span = Double(high) - Double(low) + 1
        return span <= 4096 ? .discrete(bins: Int(span)) : .continuous
      default: return .continuous
      }
    }
    let n = points.count
    let kernels = n + 1
    // Observation weights: uniform, or hyperopt's linear forgetting of the oldest past the window.
    var weights = [Double](repeating: 1, count: n)
    if let window = settings.linearForgetting, n > window {
      let ramp = n - window
      for i in 0..<ramp { weights[i] = 1 / Double(n) + (1 - 1 / Double(n)) * Double(i) / Double(Swift.max(ramp - 1, 1)) }
    }
    weights.append(settings.priorWeight)
    if let explicit {
      precondition(explicit.count == n + 1, "one weight per point and the prior's")
      weights = explicit
    }
    let total = weights.reduce(0, +)
    logWeights = weights.map { log($0 / total) }
    let d = dimensions.count
    var centres = [[Double]](repeating: [Double](repeating: 0.5, count: d), count: kernels)
    var bandwidths = [[Double]](repeating: [Double](repeating: 1, count: d), count: kernels)
    var categories = [[[Double]]](repeating: [[Double]](repeating: [], count: d), count: kernels)
    let minimum =
      settings.magicClip ? Swift.max(settings.clipFloor, pow(1 + Double(kernels), -settings.clipExponent), 1e-12) : 1e-12
    for j in 0..<d {
      switch kinds[j] {
      case .categorical(let count):
        for k in 0..<kernels {
          var row = [Double](repeating: settings.priorWeight / Double(kernels), count: count)
          if k < n { row[Swift.min(count - 1, Int(points[k][j] * Double(count)))] += 1 }
          let sum = row.reduce(0, +)
          categories[k][j] = row.map { $0 / sum }
        }
      case .continuous, .discrete:
        // Each kernel's bandwidth is its larger gap to the neighbouring observations in this
        // dimension (Optuna 5 does the same in multivariate mode: the kernels are products of
        // these one-dimensional ones).
        let sigmas = Self.neighbourGaps(points.map { $0[j] }, endpoints: settings.considerEndpoints)
        for k in 0..<n {
          centres[k][j] = points[k][j]
          bandwidths[k][j] = Swift.min(1, Swift.max(minimum, sigmas[k]))
        }
        centres[n][j] = 0.5
        bandwidths[n][j] = 1
      }
    }
    self.centres = centres
    self.bandwidths = bandwidths
    self.categories = categories
  }

  /// Bandwidths: each point's larger gap to its sorted neighbours, the bounds acting as
  /// neighbours, except that the lowest and highest points take the gap to their inner neighbour
  /// (Optuna's `consider_endpoints=False`).
  static func neighbourGaps(_ values: [Double], endpoints: Bool = false) -> [Double] {
    // Ties by observation order: which of equal values takes the edge gap is then fixed (numpy's
    // argsort, which Optuna uses, leaves it to the sort).
    let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
    var result = [Double](repeating: 1, count: values.count)
    for (rank, index) in order.enumerated() {
      let left = rank == 0 ? 0 : values[order[rank - 1]]
      let right = rank == order.count - 1 ? 1 : values[order[rank + 1]]
      result[index] = Swift.max(values[index] - left, right - values[index])
    }
    if order.count >= 2 && !endpoints {
      result[order[0]] = values[order[1]] - values[order[0]]
      result[order[order.count - 1]] = values[order[order.count - 1]] - values[order[order.count - 2]]
    }
    return result
  }

  /// A draw: a kernel by weight, then each coordinate from it.
  func sample(using generator: inout Xoshiro256StarStar) -> [Double] {
    var draw = generator.nextUniform(), k = 0
    while k < logWeights.count - 1 {
      let w = exp(logWeights[k])
      if draw < w { break }
      draw -= w
      k += 1
    }
    return kinds.indices.map { j in
      switch kinds[j] {
      case .categorical(let count):
        var u = generator.nextUniform(), c = 0
        while c < count - 1 && u >= categories[k][j][c] {
          u -= categories[k][j][c]
          c += 1
        }
        return (Double(c) + 0.5) / Double(count)
      case .continuous:
        return Self.truncatedNormal(centres[k][j], bandwidths[k][j], using: &generator)
      case .discrete(let bins):
        let u = Self.truncatedNormal(centres[k][j], bandwidths[k][j], using: &generator)
        let bin = Swift.min(bins - 1, Int(u * Double(bins)))
        return (Double(bin) + 0.5) / Double(bins)
      }
    }
  }

  /// A draw from N(μ, σ²) truncated to [0, 1], by rejection (the bandwidths keep acceptance above
  /// about a third), clamped after 200 misses.
  static func truncatedNormal(_ mu: Double, _ sigma: Double, using generator: inout Xoshiro256StarStar) -> Double {
    for _ in 0..<200 {
      let x = mu + sigma * generator.nextNormal()
      if x >= 0 && x <= 1 { return x }
    }
    return Swift.min(1, Swift.max(0, mu))
  }

  /// log of the mixture density (probability for discrete and categorical coordinates) at `x`.
  func logDensity(_ x: [Double]) -> Double {
    var terms = [Double](repeating: 0, count: logWeights.count)
    for k in logWeights.indices {
      var total = logWeights[k]
      for j in kinds.indices {
        switch kinds[j] {
        case .categorical(let count):
          total += log(Swift.max(categories[k][j][Swift.min(count - 1, Int(x[j] * Double(count)))], 1e-300))
        case .continuous:
          let mu = centres[k][j], sigma = bandwidths[k][j]
          let z = (x[j] - mu) / sigma
          total += -0.5 * z * z - Gaussian.logRoot2Pi - log(sigma) - Self.logMass((0 - mu) / sigma, (1 - mu) / sigma)
        case .discrete(let bins):
          let mu = centres[k][j], sigma = bandwidths[k][j]
          let bin = Swift.min(bins - 1, Int(x[j] * Double(bins)))
          let a = Double(bin) / Double(bins), b = Double(bin + 1) / Double(bins)
          total += Self.logMass((a - mu) / sigma, (b - mu) / sigma) - Self.logMass((0 - mu) / sigma, (1 - mu) / sigma)
        }
      }
      terms[k] = total
    }
    let top = terms.max() ?? 0
    guard top.isFinite else { return top }
    return top + log(terms.reduce(0) { $0 + exp($1 - top) })
  }

  /// `log(Φ(b) − Φ(a))` for a < b, accurate in either tail.
  static func logMass(_ a: Double, _ b: Double) -> Double {
    if b <= 0 {
      let lb = Gaussian.logCDF(b), la = Gaussian.logCDF(a)
      return lb + log1mexp(la - lb)
    }
    if a >= 0 {
      let la = Gaussian.logCDF(-a), lb = Gaussian.logCDF(-b)
      return la + log1mexp(lb - la)
    }
    return log(Swift.max(1 - Gaussian.cdf(a) - Gaussian.cdf(-b), 1e-300))
  }

  /// `log(1 − eˣ)` for x ≤ 0.
  static func log1mexp(_ x: Double) -> Double {
    if x >= 0 { return -.infinity }
    return x > -0.6931471805599453 ? log(-expm1(x)) : log1p(-exp(x))
  }
}
