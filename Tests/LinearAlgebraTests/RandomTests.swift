import LearnTestSupport
import LinearAlgebra
import Testing

/// Pins the random streams: these values come from an independent Python implementation of the
/// published algorithms (Fixtures/scripts/learn_random.py), so a change to the Swift stream or a
/// toolchain difference fails here.
@Suite struct RandomTests {
  struct StreamCase: Decodable {
    let seed: String
    let splitmix64: [String]
    let xoshiro256starstar: [String]
  }
  struct Routines: Decodable {
    let nextIntBelow10: Int
    let permutation6: [Int]
    let sample3of10: [Int]
    let nextIntBelow3e18: Int
    let derive_1_2: String
    let derive_0_0: String
  }
  struct Streams: Decodable {
    let cases: [StreamCase]
    let uniformSeed7: [Double]
    let routinesSeed2024: Routines
  }

  @Test func streamsMatchTheReferenceImplementation() throws {
    let fixture = try Fixtures.decode(Streams.self, from: "linear-algebra/random-streams.json")
    #expect(fixture.cases.count == 4)
    for c in fixture.cases {
      let seed = try #require(UInt64(c.seed))
      var split = SplitMix64(seed: seed)
      var xoshiro = Xoshiro256StarStar(seed: seed)
      #expect(c.splitmix64.map { UInt64($0)! } == (0..<8).map { _ in split.next() })
      #expect(c.xoshiro256starstar.map { UInt64($0)! } == (0..<8).map { _ in xoshiro.next() })
    }
    var uniform = Xoshiro256StarStar(seed: 7)
    #expect((0..<8).map { _ in uniform.nextUniform() } == fixture.uniformSeed7)
  }

  @Test func splitMixSeedZeroIsThePublishedValue() {
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
  }

  @Test func samplingRoutinesMatchTheReferenceImplementation() throws {
    let expected = try Fixtures.decode(Streams.self, from: "linear-algebra/random-streams.json").routinesSeed2024
    var generator = Xoshiro256StarStar(seed: 2024)
    #expect(generator.nextInt(below: 10) == expected.nextIntBelow10)
    #expect(generator.permutation(6) == expected.permutation6)
    #expect(generator.sample(3, from: 10) == expected.sample3of10)
    #expect(generator.nextInt(below: 3_000_000_000_000_000_000) == expected.nextIntBelow3e18)
    #expect(SplitMix64.derive(1, 2) == UInt64(expected.derive_1_2))
    #expect(SplitMix64.derive(0, 0) == UInt64(expected.derive_0_0))
  }

  @Test func nextIntIsUniformAndInRange() {
    var generator = Xoshiro256StarStar(seed: 3)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 { counts[generator.nextInt(below: 7)] += 1 }
    // Each bucket expects 10,000; 5 standard deviations is about 475.
    #expect(counts.allSatisfy { abs($0 - 10_000) < 475 }, "\(counts)")
    #expect((0..<1000).allSatisfy { _ in (-3...3).contains(generator.nextInt(in: -3...3)) })
  }

  @Test func normalDrawsHaveUnitMoments() {
    var generator = Xoshiro256StarStar(seed: 11)
    let draws = (0..<100_000).map { _ in generator.nextNormal() }
    let mean = draws.reduce(0, +) / Double(draws.count)
    let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
    #expect(abs(mean) < 0.02)
    #expect(abs(variance - 1) < 0.02)
  }

  @Test func shuffleAndSampleArePermutations() {
    var generator = Xoshiro256StarStar(seed: 5)
    #expect(generator.permutation(100).sorted() == Array(0..<100))
    let sample = generator.sample(30, from: 50)
    #expect(Set(sample).count == 30 && sample.allSatisfy { (0..<50).contains($0) })
    #expect(generator.sample(0, from: 0) == [])
  }
}
