import Foundation
import LearnCore

/// CMA-ES with margin for integer coordinates (Hamano, Saito, Nomura and Shirakawa, GECCO 2022;
/// the `cmaes` package's `CMAwM`, Optuna's `with_margin`). Once the step size shrinks below an
/// integer's width, plain CMA-ES samples one value of that coordinate only and can never leave
/// it. After every update the margin keeps, for each integer coordinate, a probability of at
/// least `margin` (by default 1/(nλ)) of sampling a neighbouring value: it moves the mean back
/// from the edge of its value's cell, or stretches that coordinate's samples about the mean by a
/// factor (``scale``) so that the cells on either side keep their share. The trial evaluates the
/// stretched sample; the update learns from the raw one.
///
/// In the unit cube an integer hyperparameter's values are cells between thresholds (equal cells
/// for `int`, widening ones for `logInt`); the margin works on those cells.
struct IntegerMargin: Sendable {
  /// One integer coordinate: its place among the numeric ones, its distribution and value count.
  struct Axis: Sendable {
    var coordinate: Int
    var distribution: Distribution
    var count: Int

    /// The index of the value whose cell holds `u`.
    func index(_ u: Double) -> Int {
      switch (distribution, distribution.decode(u).intValue) {
      case (.int(let low, _), let value?), (.logInt(let low, _), let value?): return value - low
      default: return 0
      }
    }

    /// The threshold between values `k` and `k + 1`, in the unit cube.
    func threshold(_ k: Int) -> Double {
      switch distribution {
      case .int:
        return Double(k + 1) / Double(count)
      case .logInt(let low, let high):
        let base = log(Double(low) - 0.5)
        return (log(Double(low + k) + 0.5) - base) / (log(Double(high) + 0.5) - base)
      default:
        return 0.5
      }
    }
  }

  /// Whether `space` has an integer hyperparameter the margin applies to (two values or more).
  static func hasIntegers(_ space: SearchSpace) -> Bool {
    IntegerMargin(space.dimensions.map(\.distribution), populationSize: 1) != nil
  }

  /// The integer coordinates with at least two values (others are continuous).
  let axes: [Axis]
  /// The least probability of leaving a value's cell.
  let margin: Double
  /// Each numeric coordinate's stretch about the mean (1 for continuous ones).
  private(set) var scale: [Double]

  /// The margin over `distributions`, the numeric coordinates in order, for a population of
  /// `populationSize`; `nil` when none is an integer with two or more values.
  init?(_ distributions: [Distribution], populationSize: Int) {
    axes = distributions.enumerated().compactMap { coordinate, distribution in
      switch distribution {
      case .int(let low, let high), .logInt(let low, let high):
        let count = Double(high) - Double(low) + 1
        guard count >= 2, count <= 1e9 else { return nil }
        return Axis(coordinate: coordinate, distribution: distribution, count: Int(count))
      default:
        return nil
      }
    }
    guard !axes.isEmpty else { return nil }
    margin = 1 / (Double(distributions.count) * Double(populationSize))
    scale = [Double](repeating: 1, count: distributions.count)
  }

  /// The point a trial evaluates: each integer coordinate of the raw sample `x` stretched about
  /// `mean` by its scale (and kept in the cube).
  func evaluated(_ x: [Double], mean: [Double]) -> [Double] {
    var point = x
    for axis in axes {
      let j = axis.coordinate
      point[j] = Swift.min(1, Swift.max(0, (x[j] - mean[j]) * scale[j] + mean[j]))
    }
    return point
  }

  /// After an update: for each integer coordinate, the probabilities that a sample leaves the
  /// mean's cell downwards and upwards; when the mean sits near an end cell's inner edge with one
  /// of them below the margin, the mean moves back to keep it; otherwise the scale and the mean
  /// are set so that both reach at least half the margin (the paper's correction).
  mutating func correct(mean: inout [Double], sigma: Double, diagonal: [Double]) {
    let half = margin / 2
    for axis in axes {
      let j = axis.coordinate, m = mean[j], deviation = diagonal[j].squareRoot()
      let position = axis.index(m)
      let low = axis.threshold(Swift.min(Swift.max(position - 1, 0), axis.count - 2))
      let high = axis.threshold(Swift.min(Swift.max(position, 0), axis.count - 2))
      let spread = sigma * scale[j] * deviation
      guard spread.isFinite, spread > 0 else { continue }
      let below = NormalDistribution.cdf((low - m) / spread)
      let above = 1 - NormalDistribution.cdf((high - m) / spread)
      let inside = 1 - below - above
      if Swift.max(below, above) > 0.5 {
        // An end cell: the mean is past its only threshold; pull it back within reach.
        if Swift.min(below, above) < margin {
          let direction: Double = m > high ? 1 : (m < high ? -1 : 0)
          mean[j] = high + direction * spread * NormalDistribution.quantile(1 - margin)
        }
        continue
      }
      let lower = Swift.max(below, half), upper = Swift.max(above, half)
      let excess = 1 - lower - upper - inside, total = lower + inside + upper - 3 * half
      let keptBelow = Swift.min(Swift.max(lower + excess * (lower - half) / total, 1e-10), 0.5 - 1e-10)
      let keptAbove = Swift.min(Swift.max(upper + excess * (upper - half) / total, 1e-10), 0.5 - 1e-10)
      let reachBelow = NormalDistribution.quantile(1 - keptBelow), reachAbove = NormalDistribution.quantile(1 - keptAbove)
      scale[j] = (high - low) / ((reachBelow + reachAbove) * sigma * deviation)
      mean[j] = (low * reachAbove + high * reachBelow) / (reachBelow + reachAbove)
    }
  }
}
