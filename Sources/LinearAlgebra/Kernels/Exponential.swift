// e^x over a buffer, in a loop the compiler vectorises (four values per AVX2 instruction), for
// kernels that take millions of exponentials (the RBF kernel of SVM prediction).
//
// x = k·ln 2 + r, with k = round(x / ln 2) and |r| ≤ ln 2 / 2. Adding 1.5·2^52 rounds x / ln 2 to
// a whole number and leaves k in the low bits. ln 2 is split into a high part, exact in 32 bits
// (so k·ln2hi is exact), and a low part. e^r is its Taylor polynomial of degree 13, whose
// truncation error (|r|¹⁴ / 14! < 5e-18) is below half an ulp. Then e^x = e^r · 2^⌊k/2⌋ ·
// 2^(k − ⌊k/2⌋): two factors, so that every power of two is a normal number and results that
// underflow pass through the subnormals to 0, as libm's do. Within 2 ulp of glibc's `exp` (the
// tests check −746…710 in fine steps); NaN stays NaN.

#if LEARN_FMA
@inline(__always) private func multiplyAdd(_ a: Double, _ b: Double, _ c: Double) -> Double { c.addingProduct(a, b) }
#else
@inline(__always) private func multiplyAdd(_ a: Double, _ b: Double, _ c: Double) -> Double { a * b + c }
#endif

/// Replaces every value of `values` by its exponential, `e^x`: within 2 ulp of `Foundation.exp`
/// (1 ulp in the tests), about six times faster on AVX2. Values below −746 give 0 and above 710
/// give infinity, as libm's do; NaN stays NaN.
public func exponentiate(_ values: UnsafeMutableBufferPointer<Double>) {
  guard let p = values.baseAddress else { return }
  let ln2High = 6.93147180369123816490e-01, ln2Low = 1.90821492927058770002e-10
  let inverseLn2 = 1.44269504088896338700e+00
  let shifter = 6755399441055744.0  // 1.5 · 2^52: adding it rounds to a whole number
  let shifterBits = Int64(bitPattern: shifter.bitPattern)
  for i in 0..<values.count {
    // Clamped so that k stays within the exponent range; e^x is already 0 or ∞ there.
    var x = p[i]
    x = x < -746 ? -746 : x
    x = x > 710 ? 710 : x
    let t = multiplyAdd(x, inverseLn2, shifter)
    let k = t - shifter
    let r = multiplyAdd(-k, ln2Low, multiplyAdd(-k, ln2High, x))
    // Σ r^j / j! for j ≤ 13, by Horner's rule.
    var q = 1.0 / 6227020800
    q = multiplyAdd(q, r, 1.0 / 479001600)
    q = multiplyAdd(q, r, 1.0 / 39916800)
    q = multiplyAdd(q, r, 1.0 / 3628800)
    q = multiplyAdd(q, r, 1.0 / 362880)
    q = multiplyAdd(q, r, 1.0 / 40320)
    q = multiplyAdd(q, r, 1.0 / 5040)
    q = multiplyAdd(q, r, 1.0 / 720)
    q = multiplyAdd(q, r, 1.0 / 120)
    q = multiplyAdd(q, r, 1.0 / 24)
    q = multiplyAdd(q, r, 1.0 / 6)
    q = multiplyAdd(q, r, 0.5)
    q = multiplyAdd(q, r, 1)
    q = multiplyAdd(q, r, 1)
    // 2^k as two normal powers of two, so results that underflow pass through the subnormals.
    let whole = Int64(bitPattern: t.bitPattern) &- shifterBits
    let half = whole &>> 1
    let first = Double(bitPattern: UInt64(bitPattern: (half &+ 1023) &<< 52))
    let second = Double(bitPattern: UInt64(bitPattern: (whole &- half &+ 1023) &<< 52))
    p[i] = q * first * second
  }
}
