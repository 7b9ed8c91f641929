import LinearAlgebra

/// Shared checks and numpy-compatible reductions for the metrics.
///
/// Sums follow numpy's pairwise summation (blocks of eight accumulators, halving above 128
/// elements), so means and sums agree with scikit-learn's to the last bit in most cases and are
/// deterministic: they depend only on the order of the input.
enum MetricSupport {
  // MARK: Reductions

  /// `numpy.sum` of `values` (see `NumpyStatistics.sum`).
  static func sum(_ values: [Double]) -> Double { NumpyStatistics.sum(values) }

  /// `numpy.mean` of a non-empty array: the pairwise sum divided by the count.
  static func mean(_ values: [Double]) -> Double {
    sum(values) / Double(values.count)
  }

  /// scikit-learn's `_nanaverage`: the (weighted) mean ignoring NaN entries; NaN when every entry
  /// is NaN; the unweighted mean when the remaining weights sum to zero.
  static func nanAverage(_ values: [Double], weights: [Double]? = nil) -> Double {
    if values.isEmpty || values.allSatisfy(\.isNaN) { return .nan }
    guard let weights else {
      // numpy.nanmean: NaN replaced by 0 in the sum, divided by the count of the others.
      let kept = values.filter { !$0.isNaN }.count
      return sum(values.map { $0.isNaN ? 0 : $0 }) / Double(kept)
    }
    var keptValues: [Double] = [], keptWeights: [Double] = []
    for (value, weight) in zip(values, weights) where !value.isNaN {
      keptValues.append(value)
      keptWeights.append(weight)
    }
    return weightedAverage(keptValues, weights: keptWeights)
  }

  /// `numpy.average(values, weights=weights)`, falling back to the plain mean when the weights
  /// sum to zero (as scikit-learn's `_nanaverage` does).
  static func weightedAverage(_ values: [Double], weights: [Double]) -> Double {
    let scale = sum(weights)
    if scale == 0 { return mean(values) }
    return sum(zip(values, weights).map { $0 * $1 }) / scale
  }

  /// The median of a non-empty array (`numpy.median`: the mean of the two middle values when the
  /// count is even).
  static func median(_ values: [Double]) -> Double { NumpyStatistics.median(sorted: values.sorted()) }

  // MARK: Checks

  /// Throws unless both arrays have the same, non-zero length.
  static func checkPair(_ trueCount: Int, _ predictedCount: Int,
                        names: (String, String) = ("yTrue", "yPred")) throws(LearnError) {
    guard trueCount == predictedCount else {
      throw .shapeMismatch("\(names.0) has \(trueCount) entries but \(names.1) has \(predictedCount)")
    }
    guard trueCount > 0 else {
      throw .emptyInput("\(names.0) and \(names.1) are empty; a metric needs at least one sample")
    }
  }

  /// Throws `nonFiniteValue(row: i, column: column)` at the first NaN or infinity of `values`.
  static func checkFinite(_ values: [Double], column: Int) throws(LearnError) {
    if let row = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: row, column: column) }
  }

  /// Throws `nonFiniteValue` at the first NaN or infinity of `matrix`.
  static func checkFinite(_ matrix: Matrix) throws(LearnError) {
    if let bad = matrix.firstNonFinite() { throw .nonFiniteValue(row: bad.row, column: bad.column) }
  }

  /// Throws unless `zeroDivision` is 0, 1 or NaN, the values scikit-learn accepts.
  static func checkZeroDivision(_ zeroDivision: Double) throws(LearnError) {
    guard zeroDivision == 0 || zeroDivision == 1 || zeroDivision.isNaN else {
      throw .invalidArgument(name: "zeroDivision", reason: "must be 0, 1 or NaN; got \(zeroDivision)")
    }
  }

  /// Throws unless `labels` is non-empty and has no repeated entry.
  static func checkLabels(_ labels: [Int]) throws(LearnError) {
    guard !labels.isEmpty else {
      throw .invalidArgument(name: "labels", reason: "labels should contain at least one label")
    }
    guard Set(labels).count == labels.count else {
      throw .invalidArgument(name: "labels", reason: "labels must be unique; got \(labels)")
    }
  }

  /// The sorted distinct labels of `arrays` (scikit-learn's `unique_labels`).
  static func sortedLabels(_ arrays: [Int]...) -> [Int] {
    var seen = Set<Int>()
    for array in arrays { seen.formUnion(array) }
    return seen.sorted()
  }

  /// A label → position map for `labels`.
  static func indexMap(_ labels: [Int]) -> [Int: Int] {
    var map: [Int: Int] = [:]
    map.reserveCapacity(labels.count)
    for (index, label) in labels.enumerated() { map[label] = index }
    return map
  }
}
