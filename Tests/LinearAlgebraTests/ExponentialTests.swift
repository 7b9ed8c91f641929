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
}
