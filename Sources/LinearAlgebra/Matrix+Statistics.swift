extension Matrix {
  /// Sum of each column. Rows are added in order, so the result is the same on every run.
  public func columnSums() -> [Double] {
    var sums = [Double](repeating: 0, count: columnCount)
    let n = columnCount
    withUnsafeBufferPointer { a in
      sums.withUnsafeMutableBufferPointer { s in
        for i in 0..<rowCount {
          let row = a.baseAddress! + i &* n
          for j in 0..<n { s[j] += row[j] }
        }
      }
    }
    return sums
  }

  /// Mean of each column (NaN for every column of a matrix with no rows).
  public func columnMeans() -> [Double] {
    let count = Double(rowCount)
    return columnSums().map { $0 / count }
  }

  /// Variance of each column with `ddof` delta degrees of freedom (0: population, numpy's default;
  /// 1: sample). Two passes (mean, then squared deviations), as numpy computes it.
  public func columnVariances(ddof: Int = 0) -> [Double] {
    let means = columnMeans()
    var sums = [Double](repeating: 0, count: columnCount)
    let n = columnCount
    withUnsafeBufferPointer { a in
      sums.withUnsafeMutableBufferPointer { s in
        means.withUnsafeBufferPointer { mu in
          for i in 0..<rowCount {
            let row = a.baseAddress! + i &* n
            for j in 0..<n {
              let d = row[j] - mu[j]
              s[j] += d * d
            }
          }
        }
      }
    }
    let denominator = Double(rowCount - ddof)
    return sums.map { $0 / denominator }
  }

  /// Standard deviation of each column with `ddof` delta degrees of freedom.
  public func columnStandardDeviations(ddof: Int = 0) -> [Double] {
    columnVariances(ddof: ddof).map { $0.squareRoot() }
  }

  /// Smallest element of each column (`nil` when the matrix has no rows).
  public func columnMinima() -> [Double]? { columnExtremes(by: <) }

  /// Largest element of each column (`nil` when the matrix has no rows).
  public func columnMaxima() -> [Double]? { columnExtremes(by: >) }

  private func columnExtremes(by better: (Double, Double) -> Bool) -> [Double]? {
    guard rowCount > 0 else { return nil }
    var best = row(0)
    for i in 1..<rowCount {
      for j in 0..<columnCount where better(self[i, j], best[j]) { best[j] = self[i, j] }
    }
    return best
  }

  /// The first element that is NaN or infinite, as (row, column), or `nil` when all are finite.
  public func firstNonFinite() -> (row: Int, column: Int)? {
    withUnsafeBufferPointer { a in
      for index in 0..<a.count where !a[index].isFinite {
        return (index / columnCount, index % columnCount)
      }
      return nil
    }
  }
}
