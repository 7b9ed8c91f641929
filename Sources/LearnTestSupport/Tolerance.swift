import LinearAlgebra
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `a` and `b` agree within `absolute + relative · max(|a|, |b|)` (numpy's `isclose`,
/// made symmetric). NaN equals NaN here, so "both failed" compares equal.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 0) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  if a == b { return true }
  return abs(a - b) <= absolute + relative * Swift.max(abs(a), abs(b))
}

/// Whether two arrays have the same length and agree element-wise (see ``isClose(_:_:relative:absolute:)``).
public func allClose(_ a: [Double], _ b: [Double], relative: Double = 1e-12, absolute: Double = 0) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, relative: relative, absolute: absolute) }
}

/// Whether two matrices have the same shape and agree element-wise.
public func allClose(_ a: Matrix, _ b: Matrix, relative: Double = 1e-12, absolute: Double = 0) -> Bool {
  a.shape == b.shape && allClose(a.elements, b.elements, relative: relative, absolute: absolute)
}

/// The largest `|a − b| / max(|b|, floor)` over two equal-length arrays: how far `a` is from the
/// reference `b`, relative to its scale (∞ when the lengths differ). Use it in failure messages.
public func maxRelativeError(_ a: [Double], reference b: [Double], floor: Double = 1e-300) -> Double {
  guard a.count == b.count else { return .infinity }
  var worst = 0.0
  for (x, y) in zip(a, b) { worst = Swift.max(worst, abs(x - y) / Swift.max(abs(y), floor)) }
  return worst
}

/// A row-major `rows × columns` matrix of uniforms in `[low, high)` from `Xoshiro256StarStar(seed)`:
/// the same matrix `Fixtures/scripts/learn_random.py` builds with `uniform_matrix`.
public func uniformMatrix(_ rows: Int, _ columns: Int, seed: UInt64, low: Double = -1, high: Double = 1) -> Matrix {
  var generator = Xoshiro256StarStar(seed: seed)
  return Matrix(rowCount: rows, columnCount: columns) { _, _ in low + (high - low) * generator.nextUniform() }
}

/// How many times longer than usual a test may take: `LEARN_TEST_TIME_SCALE` from the
/// environment (a whole number ≥ 1), else 1. `.ci/sanitize` sets it, since the sanitizers slow
/// the suite several times over; suites write their limits as `.minutes(3 * testTimeScale)`.
public let testTimeScale: Int = {
  guard let text = getenv("LEARN_TEST_TIME_SCALE").map({ String(cString: $0) }), let scale = Int(text), scale >= 1 else { return 1 }
  return scale
}()
