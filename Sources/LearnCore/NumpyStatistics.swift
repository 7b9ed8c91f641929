/// Order statistics computed exactly as numpy computes them, shared by every module that must
/// match scikit-learn bit for bit (dummy estimators, robust scaling, imputation, metrics).
package enum NumpyStatistics {
  /// The median of ascending, non-empty `sorted`: the middle value, or `(a + b) / 2` of the two
  /// middle values, as `numpy.median` computes it.
  package static func median(sorted: [Double]) -> Double {
    let n = sorted.count
    if n % 2 == 1 { return sorted[n / 2] }
    return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }

  /// The `q`-quantile (`q` in [0, 1]) of ascending, non-empty `sorted` by numpy's default
  /// `linear` method, with numpy's rounding: index `(n − 1)·q`, and the interpolation taken from
  /// the nearer end (`b − (b − a)(1 − γ)` when `γ ≥ 0.5`), so results are bit-identical.
  package static func quantile(sorted: [Double], _ q: Double) -> Double {
    let n = sorted.count
    let virtualIndex = Double(n - 1) * q
    if virtualIndex >= Double(n - 1) { return sorted[n - 1] }
    if virtualIndex <= 0 { return sorted[0] }
    let previous = virtualIndex.rounded(.down)
    let i = Int(previous)
    let gamma = virtualIndex - previous
    let a = sorted[i], b = sorted[i + 1]
    let difference = b - a
    return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
  }

  /// `numpy.sum` of `values`: numpy's pairwise summation (eight accumulators in blocks of up to
  /// 128, halving above), `0 +` the result as numpy adds to its zero start, so sums agree with
  /// scikit-learn's to the last bit and depend only on the order of the input.
  package static func sum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      return 0 + pairwise(base, buffer.count)
    }
  }

  /// numpy's `pairwise_sum` for doubles.
  static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
    if n < 8 {
      var result = 0.0
      for i in 0..<n { result += a[i] }
      return result
    }
    if n <= 128 {
      var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
      var i = 8
      let end = n - n % 8
      while i < end {
        r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
        r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
        i += 8
      }
      var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        result += a[i]
        i += 1
      }
      return result
    }
    var half = n / 2
    half -= half % 8
    return pairwise(a, half) + pairwise(a + half, n - half)
  }
}
