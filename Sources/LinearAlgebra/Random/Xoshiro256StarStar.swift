/// xoshiro256** 1.0 (Blackman and Vigna, 2018): Learn's default generator. 256 bits of state,
/// period 2^256 − 1, seeded by expanding a 64-bit seed through ``SplitMix64`` as the authors advise.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline var s0, s1, s2, s3: UInt64

  /// A generator whose stream is fixed by `seed`.
  public init(seed: UInt64) {
    var expander = SplitMix64(seed: seed)
    s0 = expander.next()
    s1 = expander.next()
    s2 = expander.next()
    s3 = expander.next()
  }

  /// A generator with the given raw state; at least one word must be non-zero.
  public init(state: (UInt64, UInt64, UInt64, UInt64)) {
    precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
    (s0, s1, s2, s3) = state
  }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) <<< 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 <<< 45
    return result
  }
}

infix operator <<< : BitwiseShiftPrecedence

extension UInt64 {
  /// Rotate left.
  @inlinable
  static func <<< (value: UInt64, amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 &- amount))
  }
}
