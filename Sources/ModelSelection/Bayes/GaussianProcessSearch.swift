// The Gaussian-process side of `BayesSearch`: the space's [0, 1]^d encoding turned into kernel
// features (log dimensions are already logarithmic there; integers rounded to their value inside
// the kernel; choices one-hot), the kernel fit warm-started from the last fit in the record, and
// the acquisition maximised by a quasi-random sweep followed by bounded L-BFGS and a pass over
// the discrete coordinates.

import Foundation
import LearnCore
import LinearAlgebra

/// How a point of a space's [0, 1]^d encoding becomes the kernel's features.
struct FeatureMap {
  enum Dimension {
    /// Reals, and integer ranges too wide to enumerate: the coordinate itself.
    case continuous
    /// Integers: the coordinate of the value it decodes to (rounded inside the kernel); the
    /// coordinates of every value, for the discrete pass.
    case discrete(Distribution, positions: [Double])
    /// A choice of `count` values: one-hot.
    case categorical(count: Int)
  }

  /// Integer ranges with at most this many values are rounded inside the kernel and searched
  /// value by value; wider ones are treated as continuous (decoding rounds them).
  static let discreteLimit = 64

  let space: SearchSpace
  let dimensions: [Dimension]
  let featureCount: Int
  /// The coordinates L-BFGS moves.
  let continuous: [Int]

  init(space: SearchSpace) {
    self.space = space
    var dimensions: [Dimension] = []
    for (_, distribution) in space.dimensions {
      switch distribution {
      case .uniform, .logUniform:
        dimensions.append(.continuous)
      case .int, .logInt:
        if let values = distribution.finiteValues(limit: Self.discreteLimit) {
          dimensions.append(.discrete(distribution, positions: values.compactMap { distribution.encode($0) }))
        } else {
          dimensions.append(.continuous)
        }
      case .choice(let values):
        dimensions.append(.categorical(count: values.count))
      }
    }
    self.dimensions = dimensions
    featureCount = dimensions.reduce(0) {
      if case .categorical(let count) = $1 { return $0 + count }
      return $0 + 1
    }
    continuous = dimensions.indices.filter { if case .continuous = dimensions[$0] { return true }; return false }
  }

  /// The point with discrete coordinates moved to their value's own position.
  func snapped(_ u: [Double]) -> [Double] {
    var result = u
    for (d, dimension) in dimensions.enumerated() {
      switch dimension {
      case .continuous: result[d] = Swift.min(1, Swift.max(0, u[d]))
      case .discrete(let distribution, _): result[d] = distribution.encode(distribution.decode(u[d])) ?? u[d]
      case .categorical(let count):
        let index = Swift.min(count - 1, Swift.max(0, Int(u[d] * Double(count))))
        result[d] = (Double(index) + 0.5) / Double(count)
      }
    }
    return result
  }

  /// The kernel features of a (snapped) point.
  func features(_ u: [Double]) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(featureCount)
    for (d, dimension) in dimensions.enumerated() {
      switch dimension {
      case .continuous, .discrete: result.append(u[d])
      case .categorical(let count):
        let index = Swift.min(count - 1, Swift.max(0, Int(u[d] * Double(count))))
        for c in 0..<count { result.append(c == index ? 1 : 0) }
      }
    }
    return result
  }

  /// The feature index of each continuous coordinate.
  func featureIndex(of dimension: Int) -> Int {
    var index = 0
    for d in 0..<dimension {
      if case .categorical(let count) = dimensions[d] { index += count } else { index += 1 }
    }
    return index
  }

  /// The positions the discrete pass tries for coordinate `d` (`nil` for a continuous one).
  func alternatives(_ d: Int) -> [Double]? {
    switch dimensions[d] {
    case .continuous: return nil
    case .discrete(_, let positions): return positions
    case .categorical(let count): return (0..<count).map { (Double($0) + 0.5) / Double(count) }
    }
  }
}

/// The Gaussian process of one call of ``BayesSearch/next(_:)``: fitted once to the finished
/// trials, then conditioned on the pending points for each proposal.
struct GaussianProcessProposer {
  let settings: GaussianProcessSettings
  let map: FeatureMap
  /// Finished trials of the space, in record order.
  private let observed: [Observation]
  /// Their kernel features and standardised values.
  private let points: Matrix
  private let targets: [Double]
  private let kernel: KernelParameters
  /// The tag key of the kernel fit.
  static let kernelTag = "gp.kernel"
  static let gainsTag = "gp.hedge.gains"
  static let pointsTag = "gp.hedge.points"

  /// Whether there are enough observations for a model (two).
  var isReady: Bool { observed.count >= 2 }

  init(settings: GaussianProcessSettings, space: SearchSpace, history: SearchHistory, seed: UInt64) {
    self.settings = settings
    let map = FeatureMap(space: space)
    self.map = map
    let observed = history.observations.filter { $0.space == 0 }
    self.observed = observed
    let values = observed.map(\.value)
    let mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    let variance = values.isEmpty ? 0 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    let scale = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
    let targets = values.map { ($0 - mean) / scale }
    let points = Matrix(rows: observed.map { map.features(map.snapped($0.point)) }, columns: map.featureCount)
    self.targets = targets
    self.points = points
    var previous: KernelParameters?
    if case .string(let text)? = history.latestTags[Self.kernelTag] {
      previous = KernelParameters(encoded: text, features: map.featureCount)
    }
    kernel = observed.count < 2
      ? .initial(features: map.featureCount)
      : Self.fitKernel(points: points, targets: targets, previous: previous, settings: settings, seed: seed)
  }

  /// The kernel for these observations, from the previous proposal's fit when there is one.
  private static func fitKernel(
    points: Matrix, targets: [Double], previous: KernelParameters?, settings: GaussianProcessSettings, seed: UInt64
  ) -> KernelParameters {
    let n = points.rowCount, features = points.columnCount
    // Past 50 observations one more point barely moves the kernel, and a fit costs O(n³) per
    // evaluation: the previous kernel is reused, and refitted at every fifth observation.
    if let previous, n >= 50, n % 5 != 0 { return previous }
    // The previous fit alone usually converges in a few evaluations; the fresh starts (which
    // guard against a poor local optimum) run when there is none, at every tenth observation up
    // to 50, and at every fiftieth beyond.
    var starts = previous.map { [$0] } ?? []
    if starts.isEmpty || n % (n <= 50 ? 10 : 50) == 0 {
      starts.append(.initial(features: features))
      var generator = Xoshiro256StarStar(seed: seed)
      for _ in 1..<settings.kernelStarts {
        starts.append(KernelParameters(
          logParameters: (0..<features).map { _ in generator.nextUniform(log(1e-2), log(1e2)) } + [0, log(1e-2)]))
      }
    }
    return KernelFit(points: points, targets: targets, fixedNoise: settings.deterministicObjective).fit(from: starts)
  }

  /// Throws only on a covariance that cannot be factored even with jitter; returns `nil` when no
  /// unseen point was found (the caller then draws at random).
  func propose(history: SearchHistory, generator: inout Xoshiro256StarStar) throws -> (ParameterSet, [String: ParameterValue])? {
    var process = try GaussianProcess(points: points, targets: targets, kernel: kernel)
    let best = targets.min() ?? 0
    for pending in history.pending where pending.space == 0 {
      process = try process.adding(point: map.features(map.snapped(pending.point)), target: best)
    }
    var tags: [String: ParameterValue] = [Self.kernelTag: .string(kernel.encoded)]
    let ranked: [[Double]]
    let inverse = process.factor.inverse
    if case .hedge(let eta) = settings.acquisition {
      let choice = hedge(eta: eta, process: process, inverse: inverse, best: best, history: history, generator: &generator)
      ranked = choice.ranked
      tags.merge(choice.tags) { $1 }
    } else {
      ranked = maximize(settings.acquisition, process: process, inverse: inverse, best: best, generator: &generator)
    }
    for point in ranked {
      let parameters = try map.space.decode(point)
      if !history.seen.contains(parameters) { return (parameters, tags) }
    }
    return nil
  }

  /// scikit-optimize's `gp_hedge`: the gains of the previous hedge proposals fall by this model's
  /// mean at their points, then one member's proposal is drawn with probabilities
  /// `softmax(eta · gains)`.
  private func hedge(
    eta: Double, process: GaussianProcess, inverse: Matrix, best: Double, history: SearchHistory,
    generator: inout Xoshiro256StarStar
  ) -> (ranked: [[Double]], tags: [String: ParameterValue]) {
    let members = Acquisition.hedgeMembers
    var gains = [Double](repeating: 0, count: members.count)
    if case .string(let text)? = history.latestTags[Self.gainsTag],
       case .string(let pointsText)? = history.latestTags[Self.pointsTag] {
      let previous = text.split(separator: ",").compactMap { Double($0) }
      let points = pointsText.split(separator: ";").map { $0.split(separator: ",").compactMap { Double($0) } }
      if previous.count == members.count, points.count == members.count,
         points.allSatisfy({ $0.count == map.space.dimensions.count }) {
        for i in members.indices { gains[i] = previous[i] - process.posterior(map.features(map.snapped(points[i]))).mean }
      }
    }
    let rankings = members.map { maximize($0, process: process, inverse: inverse, best: best, generator: &generator) }
    let top = gains.max() ?? 0
    let weights = gains.map { exp(eta * ($0 - top)) }
    var draw = generator.nextUniform() * weights.reduce(0, +)
    var chosen = members.count - 1
    for (i, w) in weights.enumerated() {
      if draw < w { chosen = i; break }
      draw -= w
    }
    let tags: [String: ParameterValue] = [
      Self.gainsTag: .string(gains.map { "\($0)" }.joined(separator: ",")),
      Self.pointsTag: .string(rankings.map { ($0.first ?? []).map { "\($0)" }.joined(separator: ",") }.joined(separator: ";")),
    ]
    return (rankings[chosen], tags)
  }

  /// Points ranked by `acquisition` (best first): the local optima climbed from the best sweep
  /// point, from sweep points drawn with probabilities `∝ exp(score − best score)` (Optuna's
  /// roulette, which spreads the starts over several basins) and from the best observation; then
  /// the rest of the sweep.
  func maximize(
    _ acquisition: Acquisition, process: GaussianProcess, inverse: Matrix, best: Double,
    generator: inout Xoshiro256StarStar
  ) -> [[Double]] {
    let d = map.space.dimensions.count
    // The sweep costs O(points · n²): past 50 observations it shrinks as 50/n (to at least a
    // quarter), which the local searches that follow make up for.
    let n = process.points.rowCount
    let size = n <= 50 ? settings.sweepPoints : Swift.max(settings.sweepPoints / 4, settings.sweepPoints * 50 / n)
    let sweep = DesignPoints.sweep(size, dimensions: d, seed: generator.next()).map { map.snapped($0) }
    let (means, variances) = process.posterior(
      batch: Matrix(rows: sweep.map { map.features($0) }, columns: map.featureCount), inverse: inverse)
    let scores = (0..<sweep.count).map { acquisition.score(mean: means[$0], variance: variances[$0], best: best) }
    let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    var starts: [(point: [Double], score: Double)] = []
    if settings.localSearches > 0, let top = order.first {
      starts.append((sweep[top], scores[top]))
      var weights = scores.map { $0.isFinite ? exp($0 - scores[top]) : 0 }
      weights[top] = 0
      for _ in 0..<Swift.max(0, settings.localSearches - 2) {
        let total = weights.reduce(0, +)
        guard total > 0 else { break }
        var draw = generator.nextUniform() * total
        var chosen = weights.count - 1
        for (i, w) in weights.enumerated() where w > 0 {
          if draw < w { chosen = i; break }
          draw -= w
        }
        starts.append((sweep[chosen], scores[chosen]))
        weights[chosen] = 0
      }
      if let incumbent = observed.min(by: { $0.value < $1.value }) {
        let point = map.snapped(incumbent.point)
        let posterior = process.posterior(map.features(point))
        starts.append((point, acquisition.score(mean: posterior.mean, variance: posterior.variance, best: best)))
      }
    }
    var optima = localSearches(acquisition, from: starts, process: process, inverse: inverse, best: best)
    optima.sort { $0.score > $1.score }
    return optima.map(\.point) + order.map { sweep[$0] }
  }

  /// A local search from each start: bounded L-BFGS over the continuous coordinates, the runs
  /// stepped together so each round evaluates all their points in one batched posterior, then
  /// one pass per start over the discrete coordinates trying every value.
  private func localSearches(
    _ acquisition: Acquisition, from starts: [(point: [Double], score: Double)], process: GaussianProcess,
    inverse: Matrix, best: Double
  ) -> [(point: [Double], score: Double)] {
    var optima = starts.map { (point: $0.point, score: $0.score.isFinite ? $0.score : -.infinity) }
    let free = map.continuous
    if !free.isEmpty {
      // Preconditioned as Optuna does: L-BFGS moves zᵢ = uᵢ/ℓᵢ (ℓ the feature's length scale), in
      // which the kernel, and so the acquisition, is isotropic.
      let indices = free.map { map.featureIndex(of: $0) }
      let scales = indices.map { 1 / process.kernel.inverseSquaredLengthScales[$0].squareRoot() }
      var runs: [LBFGS.BoundedRun?] = starts.map { start in
        try? LBFGS.BoundedRun(
          from: free.indices.map { start.point[free[$0]] / scales[$0] }, lower: Array(repeating: 0, count: free.count),
          upper: scales.map { 1 / $0 }, maxIterations: 200, gradientTolerance: 1e-2)
      }
      func point(_ r: Int, _ z: [Double]) -> [Double] {
        var u = starts[r].point
        for (i, d) in free.enumerated() { u[d] = Swift.min(1, Swift.max(0, z[i] * scales[i])) }
        return u
      }
      while true {
        let asked = runs.indices.compactMap { r -> (run: Int, z: [Double])? in
          guard case .evaluate(let z)? = runs[r]?.request else { return nil }
          return (r, z)
        }
        guard !asked.isEmpty else { break }
        let posteriors = process.posteriorWithGradient(
          batch: asked.map { map.features(point($0.run, $0.z)) }, inverse: inverse)
        for (slot, (r, _)) in asked.enumerated() {
          let (value, g) = acquisition.scoreWithGradient(posteriors[slot], best: best)
          do {
            try runs[r]?.tell(value: -value, gradient: indices.indices.map { -g[indices[$0]] * scales[$0] })
          } catch {
            runs[r] = nil  // not finite at its start: the start stands as it is
          }
        }
      }
      for r in runs.indices {
        if case .finished(let result)? = runs[r]?.request, -result.value > optima[r].score {
          optima[r] = (point(r, result.x), -result.value)
        }
      }
    }
    return optima.map { discretePass(acquisition, from: $0, process: process, best: best) }
  }

  /// One pass over the discrete coordinates, each tried at every value in turn.
  private func discretePass(
    _ acquisition: Acquisition, from start: (point: [Double], score: Double), process: GaussianProcess, best: Double
  ) -> (point: [Double], score: Double) {
    var (point, value) = start
    for d in point.indices {
      guard let positions = map.alternatives(d) else { continue }
      for position in positions where position != point[d] {
        var candidate = point
        candidate[d] = position
        let posterior = process.posterior(map.features(candidate))
        let candidateScore = acquisition.score(mean: posterior.mean, variance: posterior.variance, best: best)
        if candidateScore > value {
          point = candidate
          value = candidateScore
        }
      }
    }
    return (point, value)
  }
}
