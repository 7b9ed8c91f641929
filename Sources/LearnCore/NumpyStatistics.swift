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
}
