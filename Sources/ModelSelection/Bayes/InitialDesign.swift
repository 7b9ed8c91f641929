// Space-filling designs for the first points of a model-based search, and the quasi-random sweep
// the acquisition is maximised over: Sobol' points (Joe & Kuo's direction numbers, Gray-code
// order as scipy draws them, randomised by a digital shift) and Latin hypercubes.

import Foundation
import LearnCore
import LinearAlgebra

/// How a model-based search picks its first points, before any model (scikit-optimize's
/// `initial_point_generator`).
public enum InitialDesign: String, Sendable, Hashable, CaseIterable {
  /// Independent uniform draws.
  case random
  /// A Sobol' sequence with a random digital shift (up to 21 dimensions; beyond, the remaining
  /// coordinates are uniform draws).
  case sobol
  /// A Latin hypercube: each coordinate's range cut into as many strata as initial points, one
  /// point per stratum.
  case latinHypercube
}

/// The Sobol' low-discrepancy sequence in up to ``maximumDimensions`` dimensions.
struct SobolSequence: Sendable {
  /// Joe & Kuo (2008) primitive polynomials and initial direction numbers for dimensions 2…21:
  /// degree `s`, coefficients `a`, and `m₁…m_s`.
  private static let table: [(s: Int, a: UInt32, m: [UInt32])] = [
    (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
    (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
    (5, 11, [1, 1, 5, 1, 1]), (5, 13, [1, 1, 1, 3, 11]), (5, 14, [1, 3, 5, 5, 31]), (6, 1, [1, 3, 3, 9, 7, 49]),
    (6, 13, [1, 1, 1, 15, 21, 21]), (6, 16, [1, 3, 1, 13, 27, 49]), (6, 19, [1, 1, 1, 15, 7, 5]),
    (6, 22, [1, 3, 1, 15, 13, 25]), (6, 25, [1, 1, 5, 5, 19, 61]), (7, 1, [1, 3, 7, 11, 23, 15, 103]),
    (7, 4, [1, 3, 7, 13, 13, 15, 69]),
  ]

  /// The most dimensions the table covers.
  static let maximumDimensions = table.count + 1
  static let bits = 32

  /// `directions[d][k]`: the k-th direction number of dimension d, scaled to 32 bits.
  private let directions: [[UInt32]]

  init(dimensions: Int) {
    precondition(dimensions <= Self.maximumDimensions)
    var directions: [[UInt32]] = []
    for d in 0..<dimensions {
      var v = [UInt32](repeating: 0, count: Self.bits)
      if d == 0 {
        for k in 0..<Self.bits { v[k] = 1 << UInt32(Self.bits - 1 - k) }
      } else {
        let (s, a, m) = Self.table[d - 1]
        for k in 0..<Swift.min(s, Self.bits) { v[k] = m[k] << UInt32(Self.bits - 1 - k) }
        if s < Self.bits {
          for k in s..<Self.bits {
            var value = v[k - s] ^ (v[k - s] >> UInt32(s))
            for l in 1..<s where (a >> UInt32(s - 1 - l)) & 1 == 1 { value ^= v[k - l] }
            v[k] = value
          }
        }
      }
      directions.append(v)
    }
    self.directions = directions
  }

  /// Point `index` (in Gray-code order: point 0 is the origin), each coordinate XOR-ed with
  /// `shift[d]` when given (a digital shift keeps the sequence's low discrepancy).
  func point(_ index: Int, shift: [UInt32]? = nil) -> [Double] {
    let gray = UInt64(index) ^ (UInt64(index) >> 1)
    return directions.indices.map { d in
      var x: UInt32 = shift?[d] ?? 0
      var bits = gray, k = 0
      while bits != 0 && k < Self.bits {
        if bits & 1 == 1 { x ^= directions[d][k] }
        bits >>= 1
        k += 1
      }
      return (Double(x) + 0.5) / 4_294_967_296.0
    }
  }

  /// Points `0..<count` in Gray-code order, each from the previous by one XOR per coordinate
  /// (what scipy does), XOR-ed with `shift` when given.
  func points(_ count: Int, shift: [UInt32]? = nil) -> [[Double]] {
    var x = shift ?? [UInt32](repeating: 0, count: directions.count)
    var result: [[Double]] = []
    result.reserveCapacity(count)
    for index in 0..<count {
      if index > 0 {
        // Point `index` differs from point `index − 1` in the direction of the lowest zero bit of index − 1.
        let bit = (index - 1).trailingZeroBitCount(ofComplement: ())
        for d in directions.indices where bit < Self.bits { x[d] ^= directions[d][bit] }
      }
      result.append(x.map { (Double($0) + 0.5) / 4_294_967_296.0 })
    }
    return result
  }

  /// Unshifted points exactly as scipy returns them (`x / 2³²`), for checking the table.
  func exactPoint(_ index: Int) -> [Double] {
    let gray = UInt64(index) ^ (UInt64(index) >> 1)
    return directions.indices.map { d in
      var x: UInt32 = 0
      for k in 0..<Self.bits where (gray >> UInt64(k)) & 1 == 1 { x ^= directions[d][k] }
      return Double(x) / 4_294_967_296.0
    }
  }
}

/// Points of a design in [0, 1]^d, drawn from a seed.
enum DesignPoints {
  /// Point `index` of `count` points of `design` in `dimensions` dimensions. Every point of one
  /// design comes from the same `seed`, so the k-th point is the same whoever computes it.
  static func point(_ index: Int, of count: Int, design: InitialDesign, dimensions: Int, seed: UInt64) -> [Double] {
    var generator = Xoshiro256StarStar(seed: seed)
    switch design {
    case .random:
      var pointGenerator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(index)))
      return (0..<dimensions).map { _ in pointGenerator.nextUniform() }
    case .sobol:
      let covered = Swift.min(dimensions, SobolSequence.maximumDimensions)
      let shift = (0..<covered).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
      var point = SobolSequence(dimensions: covered).point(index, shift: shift)
      var rest = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(index)))
      while point.count < dimensions { point.append(rest.nextUniform()) }
      return point
    case .latinHypercube:
      // One permutation of the strata per coordinate, shared by every point; the offset inside
      // the stratum is the point's own.
      let n = Swift.max(count, index + 1)
      var offsets = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(index)))
      return (0..<dimensions).map { _ in
        let stratum = generator.permutation(n)[index]
        return (Double(stratum) + offsets.nextUniform()) / Double(n)
      }
    }
  }

  /// `count` points of a scrambled Sobol' sweep over [0, 1]^d (the acquisition's candidates).
  static func sweep(_ count: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
    var generator = Xoshiro256StarStar(seed: seed)
    let covered = Swift.min(dimensions, SobolSequence.maximumDimensions)
    let shift = (0..<covered).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
    var points = SobolSequence(dimensions: covered).points(count, shift: shift)
    if covered < dimensions {
      for index in points.indices {
        while points[index].count < dimensions { points[index].append(generator.nextUniform()) }
      }
    }
    return points
  }
}

extension Int {
  /// The number of trailing one bits (the trailing zeros of the complement).
  fileprivate func trailingZeroBitCount(ofComplement: Void) -> Int { (~self).trailingZeroBitCount }
}
