import LearnCore
import LinearAlgebra

/// The training features as the tree grower reads them, prepared once per fit (and shared by all
/// trees of a forest).
///
/// Each value is rounded to `Float`, as scikit-learn fits trees on float32, and replaced by its
/// dense rank among the feature's distinct `Float` values. Comparing ranks is comparing values, a
/// rank is one 32-bit load, and small rank ranges make radix sorting and per-value histograms cheap.
/// The distinct values themselves are kept per feature, ascending, to form thresholds.
///
/// With `maxBins`, a feature with more distinct values than that is binned first (the histogram
/// splitter): its ranks are bins, and a split after bin `b` has the bin's upper edge as its
/// threshold (``binEdges``).
struct TrainingSet: Sendable {
  /// Number of rows.
  let sampleCount: Int
  /// Number of features.
  let featureCount: Int
  /// Column-major ranks: the rank of row `i` in feature `j` is `ranks[j * sampleCount + i]`.
  let ranks: [UInt32]
  /// Every feature's distinct values, ascending, concatenated in feature order.
  let values: [Float]
  /// Where each feature's values start in ``values`` (`featureCount + 1` entries).
  let valueOffsets: [Int]
  /// Aligned with ``values``: for each rank `a`, the largest rank whose value is within
  /// ``tieTolerance`` of value `a` (scikit-learn treats such neighbours as equal). So a sorted
  /// node has no split between consecutive ranks `a < b` exactly when `b <= tieLimits[a]`.
  let tieLimits: [UInt32]
  /// Whether feature `j` has distinct values within ``tieTolerance`` of each other.
  let hasNearTies: [Bool]
  /// Whether feature `j` is binned: its ranks are bin numbers, its ``values`` the numbers
  /// `0, 1, …` (as `Float`), and a split after rank `a` has threshold `binEdges[valueOffsets[j] + a]`.
  let isBinned: [Bool]
  /// Aligned with ``values``: for a binned feature, each bin's upper edge (infinity for the last);
  /// unused (0) for the others.
  let binEdges: [Double]

  /// The number of distinct values of feature `j`.
  func distinctCount(_ j: Int) -> Int { valueOffsets[j + 1] - valueOffsets[j] }

  /// The largest number of distinct values of any feature.
  var maxDistinctCount: Int { (0..<featureCount).map(distinctCount).max() ?? 0 }

  /// Prepares `x` (finite, at least one row and column); throws ``LearnError/valueTooLarge(row:column:value:limit:model:)``
  /// for a value too large for `Float`, and warns (``LinearAlgebra/LearnWarning/Category/dataConversion``)
  /// when distinct values of a feature become one `Float`. Features are ranked on up to
  /// `parallelism` threads.
  init(_ x: Matrix, parallelism: Parallelism = .serial, maxBins: Int? = nil) throws(LearnError) {
    let n = x.rowCount, d = x.columnCount
    sampleCount = n
    featureCount = d
    let columns: [Result<RankedColumn, LearnError>]
    // Merged values are looked for only when someone gathers the warning.
    let checkMerges = JobContext.current?.warnings != nil
    columns = (try? Parallel.map(d, parallelism: parallelism) { j in
      Self.rankColumn(x, j, checkMerges: checkMerges).map { column in
        guard let maxBins, column.values.count > maxBins else { return column }
        return column.binned(maxBins: maxBins)
      }
    }) ?? []
    var ranks = [UInt32](repeating: 0, count: n * d)
    var values: [Float] = []
    var offsets = [0]
    var limits: [UInt32] = []
    var nearTies: [Bool] = []
    var binned: [Bool] = [], edges: [Double] = []
    for (j, column) in columns.enumerated() {
      switch column {
      case .failure(let error): throw error
      case .success(let column):
        let (columnRanks, columnValues) = (column.ranks, column.values)
        ranks.replaceSubrange(j * n ..< (j + 1) * n, with: columnRanks)
        values.append(contentsOf: columnValues)
        offsets.append(values.count)
        binned.append(column.edges != nil)
        edges.append(contentsOf: column.edges ?? [Double](repeating: 0, count: columnValues.count))
        var limit = 0, ties = false
        for a in columnValues.indices {
          limit = Swift.max(limit, a)
          while limit + 1 < columnValues.count && columnValues[limit + 1] <= columnValues[a] + tieTolerance { limit += 1 }
          if limit > a { ties = true }
          limits.append(UInt32(limit))
        }
        nearTies.append(ties)
      }
    }
    let merged = columns.indices.filter { (try? columns[$0].get())?.merged == true }
    if !merged.isEmpty {
      LearnWarning.emit(.dataConversion, "feature\(merged.count > 1 ? "s" : "") \(merged.map(String.init).joined(separator: ", ")) "
        + "\(merged.count > 1 ? "have" : "has") distinct values that a tree's 32-bit thresholds cannot tell apart, so no split "
        + "separates them; centre or scale the feature\(merged.count > 1 ? "s" : "")")
    }
    self.ranks = ranks
    self.values = values
    self.valueOffsets = offsets
    self.tieLimits = limits
    self.hasNearTies = nearTies
    self.isBinned = binned
    self.binEdges = edges
  }

  /// A feature's ranks and distinct `Float` values, and whether distinct `Double` values merged.
  /// A binned column's ranks are bins, its values `0, 1, …`, and `edges` the bins' upper edges.
  struct RankedColumn {
    var ranks: [UInt32]
    var values: [Float]
    var merged: Bool
    var edges: [Double]? = nil

    /// The column in at most `maxBins` bins, with scikit-learn 1.9's `HistGradientBoosting` edges:
    /// the `maxBins − 1` percentiles of the column (its `Float`-rounded values, which the tree
    /// splits) at `100·k / maxBins` by numpy's "averaged inverted CDF" rule, each kept once. A value goes to the first bin whose upper edge is at
    /// least the value; bins no row falls in are dropped, so the ranks stay dense.
    func binned(maxBins: Int) -> RankedColumn {
      let n = ranks.count
      var counts = [Int](repeating: 0, count: values.count)
      for r in ranks { counts[Int(r)] += 1 }
      // Order statistics of the sorted column, read from the cumulative counts.
      var cumulative = [Int](repeating: 0, count: values.count)
      var total = 0
      for (v, c) in counts.enumerated() {
        total += c
        cumulative[v] = total
      }
      func sorted(_ index: Int) -> Double {
        // The first distinct value whose cumulative count passes `index`.
        var low = 0, high = values.count - 1
        while low < high {
          let middle = (low + high) / 2
          if cumulative[middle] <= index { low = middle + 1 } else { high = middle }
        }
        return Double(values[low])
      }
      // numpy's percentile by the "averaged inverted CDF" at 100·k / maxBins, as numpy computes
      // it: virtual index n·q − 1; between two order statistics (an integral index) their
      // average, otherwise the next one.
      let step = 100.0 / Double(maxBins)
      var percentileEdges: [Double] = []
      for k in 1..<maxBins {
        let q = Double(k) * step / 100
        let virtual = Double(n) * q - 1
        if virtual < 0 {
          percentileEdges.append(sorted(0))
        } else if virtual >= Double(n - 1) {
          percentileEdges.append(sorted(n - 1))
        } else {
          let below = virtual.rounded(.down)
          let b = sorted(Int(below) + 1)
          if virtual == below {
            let a = sorted(Int(below))
            percentileEdges.append(b - (b - a) * 0.5)
          } else {
            percentileEdges.append(b)
          }
        }
      }
      // Repeated edges are kept once (scikit-learn's `np.unique`).
      percentileEdges = percentileEdges.enumerated().compactMap { k, edge in k > 0 && edge == percentileEdges[k - 1] ? nil : edge }
      // Each distinct value's bin: the number of edges below it.
      var binOfValue = [Int](repeating: 0, count: values.count)
      var e = 0
      for (v, value) in values.enumerated() {
        while e < percentileEdges.count && percentileEdges[e] < Double(value) { e += 1 }
        binOfValue[v] = e
      }
      // Dense ranks over the bins some value falls in.
      var denseOfBin = [Int](repeating: -1, count: maxBins)
      var binEdges: [Double] = []
      for bin in binOfValue where denseOfBin[bin] < 0 {
        denseOfBin[bin] = binEdges.count
        binEdges.append(bin < percentileEdges.count ? percentileEdges[bin] : .infinity)
      }
      let binnedRanks = ranks.map { UInt32(denseOfBin[binOfValue[Int($0)]]) }
      return RankedColumn(
        ranks: binnedRanks, values: (0..<binEdges.count).map(Float.init), merged: merged, edges: binEdges)
    }
  }

  /// Ranks column `j`: sorts the order-preserving bits of the `Float` values with their rows by
  /// a radix sort (11 bits a pass; passes whose digit is the same for every key are skipped).
  /// With `checkMerges`, also finds whether distinct `Double` values became one `Float`.
  private static func rankColumn(_ x: Matrix, _ j: Int, checkMerges: Bool) -> Result<RankedColumn, LearnError> {
    let n = x.rowCount, d = x.columnCount
    var keys = [UInt32](repeating: 0, count: n), rows = [UInt32](repeating: 0, count: n)
    var spareKeys = keys, spareRows = rows
    var counts = [Int](repeating: 0, count: 1 << 11)
    let failure: LearnError? = x.withUnsafeBufferPointer { source in
      keys.withUnsafeMutableBufferPointer { k in
        rows.withUnsafeMutableBufferPointer { r in
          spareKeys.withUnsafeMutableBufferPointer { k2 in
            spareRows.withUnsafeMutableBufferPointer { r2 in
              counts.withUnsafeMutableBufferPointer { count in
                for i in 0..<n {
                  let v = Float(source[i &* d &+ j])
                  if !v.isFinite { return Tree.narrowingFailure(source[i &* d &+ j], row: i, column: j) }
                  let bits = v.bitPattern
                  k[i] = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                  r[i] = UInt32(truncatingIfNeeded: i)
                }
                var (sourceKeys, sourceRows, targetKeys, targetRows) = (k, r, k2, r2)
                for shift in stride(from: UInt32(0), to: 33, by: 11) {
                  count.update(repeating: 0)
                  for i in 0..<n { count[Int(truncatingIfNeeded: (sourceKeys[i] >> shift) & 0x7FF)] &+= 1 }
                  if count[Int(truncatingIfNeeded: (sourceKeys[0] >> shift) & 0x7FF)] == n { continue }
                  var total = 0
                  for b in 0..<count.count {
                    let c = count[b]
                    count[b] = total
                    total &+= c
                  }
                  for i in 0..<n {
                    let key = sourceKeys[i]
                    let b = Int(truncatingIfNeeded: (key >> shift) & 0x7FF)
                    let at = count[b]
                    count[b] = at &+ 1
                    targetKeys[at] = key
                    targetRows[at] = sourceRows[i]
                  }
                  swap(&sourceKeys, &targetKeys)
                  swap(&sourceRows, &targetRows)
                }
                if sourceKeys.baseAddress != k.baseAddress {
                  k.baseAddress!.update(from: sourceKeys.baseAddress!, count: n)
                  r.baseAddress!.update(from: sourceRows.baseAddress!, count: n)
                }
                return nil
              }
            }
          }
        }
      }
    }
    if let failure { return .failure(failure) }
    var ranks = [UInt32](repeating: 0, count: n)
    var values: [Float] = []
    var last = Float.nan, rank: UInt32 = 0, lastRow = 0, merged = false
    ranks.withUnsafeMutableBufferPointer { ranks in
      x.withUnsafeBufferPointer { source in
        for i in 0..<n {
          let ordered = keys[i], row = Int(truncatingIfNeeded: rows[i])
          let v = Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
          if v != last {  // -0 and +0 are one value
            if !values.isEmpty { rank &+= 1 }
            values.append(v)
            last = v
          } else if checkMerges, !merged, source[row &* d &+ j] != source[lastRow &* d &+ j] {
            merged = true
          }
          lastRow = row
          ranks[row] = rank
        }
      }
    }
    return .success(RankedColumn(ranks: ranks, values: values, merged: merged))
  }
}
