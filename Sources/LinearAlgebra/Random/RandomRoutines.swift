import Foundation

// Learn's own sampling routines. The standard library's `Double.random(in:using:)`, `shuffle` and
// `randomElement` do not promise a stable algorithm across toolchains; these do, so a seed gives
// the same folds, samples and initial weights on every Swift version.

extension RandomNumberGenerator {
  /// A uniform double in [0, 1) with 53 random bits.
  @inlinable
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in `[lower, upper)`.
  @inlinable
  public mutating func nextUniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * nextUniform()
  }

  /// A standard normal draw by the Box–Muller transform (one draw per two uniforms, so the
  /// stream is stateless beyond the generator itself).
  public mutating func nextNormal() -> Double {
    let u1 = 1.0 - nextUniform()  // (0, 1], so the logarithm is finite
    let u2 = nextUniform()
    return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
  }

  /// A normal draw with the given mean and standard deviation.
  public mutating func nextNormal(mean: Double, standardDeviation: Double) -> Double {
    mean + standardDeviation * nextNormal()
  }

  /// A uniform integer in `0 ..< bound` without modulo bias (Lemire's multiply-and-reject method).
  @inlinable
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "bound must be positive")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold { product = next().multipliedFullWidth(by: range) }
    }
    return Int(product.high)
  }

  /// A uniform integer in `range`.
  @inlinable
  public mutating func nextInt(in range: Range<Int>) -> Int {
    range.lowerBound + nextInt(below: range.count)
  }

  /// A uniform integer in `range`.
  @inlinable
  public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + nextInt(below: range.count)
  }

  /// Shuffles `array` in place (Fisher–Yates, from the last element down).
  public mutating func shuffle<T>(_ array: inout [T]) {
    var i = array.count - 1
    while i > 0 {
      let j = nextInt(below: i + 1)
      array.swapAt(i, j)
      i -= 1
    }
  }

  /// `0 ..< count` in random order.
  public mutating func permutation(_ count: Int) -> [Int] {
    var indices = Array(0..<count)
    shuffle(&indices)
    return indices
  }

  /// `k` distinct integers from `0 ..< n`, in the order drawn (a partial Fisher–Yates shuffle).
  public mutating func sample(_ k: Int, from n: Int) -> [Int] {
    precondition(k >= 0 && k <= n, "cannot sample \(k) of \(n) without replacement")
    var pool = Array(0..<n)
    for i in 0..<k {
      let j = i + nextInt(below: n - i)
      pool.swapAt(i, j)
    }
    return Array(pool.prefix(k))
  }
}
