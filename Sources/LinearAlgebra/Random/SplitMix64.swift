/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast 64-bit generator with a fixed stream
/// for every seed. Used to seed ``Xoshiro256StarStar`` and to derive per-job seeds.
///
/// The stream is part of Learn's reproducibility contract: tests pin it, so it does not change
/// with toolchain upgrades (unlike the standard library's generator).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The generator's whole state.
  public var state: UInt64

  /// A generator whose stream is fixed by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A well-mixed seed for job `index` of the stream started by `seed`: how searches, folds and
  /// forests fix every worker's seed before fanning out, so results do not depend on thread count.
  public static func derive(_ seed: UInt64, _ index: UInt64) -> UInt64 {
    var mixer = SplitMix64(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03))
    _ = mixer.next()
    return mixer.next()
  }
}
