import Foundation
import LearnCore
import LinearAlgebra

/// Checks user-supplied sample weights: one per row, finite, non-negative, not all zero.
func checkSampleWeights(_ weights: [Double]?, rows: Int) throws(LearnError) {
  guard let weights else { return }
  guard weights.count == rows else {
    throw .shapeMismatch("x has \(rows) rows but sampleWeights has \(weights.count) entries")
  }
  if let bad = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
    throw .invalidArgument(name: "sampleWeights", reason: "weight \(bad) is \(weights[bad]); weights must be finite and non-negative")
  }
  guard weights.contains(where: { $0 > 0 }) else {
    throw .invalidArgument(name: "sampleWeights", reason: "every sample has weight 0")
  }
}

/// Classification data ready for growing: encoded labels and per-sample weights (class weights
/// times sample weights; `nil` when all are 1).
struct PreparedClassification: Sendable {
  let data: TrainingSet
  let encoding: ClassEncoding
  let labels: [Int32]
  let weights: [Double]?

  init(_ x: Matrix, _ y: [Int], classWeight: ClassWeight, sampleWeights: [Double]?, parallelism: Parallelism,
       maxBins: Int?) throws(LearnError)
  {
    try Validation.checkSamples(x, y)
    try checkSampleWeights(sampleWeights, rows: x.rowCount)
    encoding = try ClassEncoding(y, allowSingleClass: true)
    labels = encoding.indices.map { Int32($0) }
    let perClass = try classWeight.weights(for: encoding)
    if classWeight == .uniform {
      weights = sampleWeights
    } else {
      weights = encoding.indices.enumerated().map { i, c in perClass[c] * (sampleWeights?[i] ?? 1) }
    }
    if let weights, !weights.contains(where: { $0 > 0 }) {
      throw .invalidArgument(name: "classWeight", reason: "every sample has weight 0")
    }
    data = try TrainingSet(x, parallelism: parallelism, maxBins: maxBins)
  }
}

/// Regression data ready for growing.
struct PreparedRegression: Sendable {
  let data: TrainingSet
  let targets: [Double]
  let weights: [Double]?

  init(_ x: Matrix, _ y: [Double], sampleWeights: [Double]?, parallelism: Parallelism, maxBins: Int?) throws(LearnError) {
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    try checkSampleWeights(sampleWeights, rows: x.rowCount)
    targets = y
    weights = sampleWeights
    data = try TrainingSet(x, parallelism: parallelism, maxBins: maxBins)
  }
}

/// The index of the largest entry of `values` (the first of equal ones, as numpy's `argmax`).
@inline(__always)
func argmax(_ values: UnsafePointer<Double>, _ count: Int) -> Int {
  var best = 0
  for c in 1..<Swift.max(count, 1) where values[c] > values[best] { best = c }
  return best
}
