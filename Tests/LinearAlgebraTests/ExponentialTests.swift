import Foundation
import LinearAlgebra
import Testing

@Suite struct ExponentialTests {
  /// Distance in units in the last place between two finite doubles of the same sign.
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    let x = Int64(bitPattern: a.bitPattern), y = Int64(bitPattern: b.bitPattern)
    return x > y ? UInt64(x - y) : UInt64(y - x)
  }

  @Test func exponentiateIsWithinTwoUlpOfLibm() {
    var values: [Double] = stride(from: -746.0, through: 710.0, by: 0.0137).map { $0 }
    values += [0, -0.0, 1, -1, 1e-300, -1e-300, 709.78, 709.79, -745.13, -745.14, -708.4, -708.39, .ulpOfOne, 0.34657359027997264]
    var generator = Xoshiro256StarStar(seed: 5)
    for _ in 0..<20_000 { values.append(-40 * generator.nextUniform()) }
    var computed = values
    computed.withUnsafeMutableBufferPointer { exponentiate($0) }
    var worst: UInt64 = 0
    for (x, e) in zip(values, computed) {
      let expected = Foundation.exp(x)
      if expected.isInfinite || expected == 0 {
        #expect(e == expected, "exp(\(x)) = \(e), libm \(expected)")
        continue
      }
      worst = Swift.max(worst, Self.ulps(e, expected))
    }
    #expect(worst <= 2, "worst \(worst) ulp")
    print("exponentiate: worst \(worst) ulp from libm over \(values.count) values")
    var special: [Double] = [.nan, .infinity, -.infinity, 800, -800, 3]
    special.withUnsafeMutableBufferPointer { exponentiate($0) }
    #expect(special[0].isNaN && special[1] == .infinity && special[2] == 0 && special[3] == .infinity && special[4] == 0)
    #expect(Self.ulps(special[5], Foundation.exp(3)) <= 2)
    var empty: [Double] = []
    empty.withUnsafeMutableBufferPointer { exponentiate($0) }
  }

  /// The scalar formula the vector code implements (fused multiply-adds unless the build is the
  /// portable one): every value comes out bit for bit the same, in whole vectors and in the padded
  /// tail alike (each value exponentiated alone goes through the tail).
  @Test func vectorLanesEqualTheScalarFormulaBitForBit() {
    let fused = gemmKernel != "portable"
    func multiplyAdd(_ a: Double, _ b: Double, _ c: Double) -> Double { fused ? c.addingProduct(a, b) : a * b + c }
    func reference(_ input: Double) -> Double {
      var x = input
      x = x < -746 ? -746 : x
      x = x > 710 ? 710 : x
      let shifter = 6755399441055744.0
      let t = multiplyAdd(x, 1.44269504088896338700e+00, shifter)
      let k = t - shifter
      let r = multiplyAdd(-k, 1.90821492927058770002e-10, multiplyAdd(-k, 6.93147180369123816490e-01, x))
      let factorials: [Double] = [479001600, 39916800, 3628800, 362880, 40320, 5040, 720, 120, 24, 6, 2, 1, 1]
      var q = 1.0 / 6227020800
      for f in factorials { q = multiplyAdd(q, r, 1 / f) }
      let whole = Int64(bitPattern: t.bitPattern) &- Int64(bitPattern: shifter.bitPattern)
      let half = whole &>> 1
      let first = Double(bitPattern: UInt64(bitPattern: (half &+ 1023) &<< 52))
      let second = Double(bitPattern: UInt64(bitPattern: (whole &- half &+ 1023) &<< 52))
      return q * first * second
    }
    var generator = Xoshiro256StarStar(seed: 8)
    var values: [Double] = [0, -0.0, 1e-310, -1e-310, -745.5, 709.9, 800, -800, .nan, .infinity, -.infinity,
                            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, -745.13321910194122]
    for _ in 0..<5_003 { values.append(generator.nextUniform(-750, 715)) }
    var computed = values
    computed.withUnsafeMutableBufferPointer { exponentiate($0) }
    for (x, e) in zip(values, computed) {
      var alone = [x]
      alone.withUnsafeMutableBufferPointer { exponentiate($0) }
      if x.isNaN {
        #expect(e.isNaN && alone[0].isNaN)
        continue
      }
      #expect(e.bitPattern == reference(x).bitPattern, "exp(\(x)): \(e) against \(reference(x))")
      #expect(alone[0].bitPattern == e.bitPattern)
    }
  }
}
