import Synchronization
import Testing
@testable import LinearAlgebra

@Suite struct SpinTeamTests {
  /// Every index of the range is visited exactly once, by pieces whose boundaries fall on multiples
  /// of 4 from the lower bound, over many hand-offs in a row (the members must see every ticket):
  /// one piece per thread for little work, four per thread, claimed, for more.
  @Test(arguments: [false, true])
  func slicesCoverTheRangeOnceOnAlignedBoundaries(claiming: Bool) {
    let team = SpinTeam(threads: 3)
    defer { team.stop() }
    #expect(team.size == 3 && team.piecesPerRun == 12)
    for length in [8, 9, 13, 100, 1_001] {
      let range = 5..<(5 + length)
      let visits = UnsafeMutablePointer<Int>.allocate(capacity: range.upperBound)
      let starts = UnsafeMutablePointer<Int>.allocate(capacity: team.piecesPerRun)
      defer { visits.deallocate(); starts.deallocate() }
      for _ in 0..<200 {
        visits.initialize(repeating: 0, count: range.upperBound)
        starts.initialize(repeating: -1, count: team.piecesPerRun)
        let work = claiming ? SpinTeam.claimingWork : length
        let pieces = team.slices(of: range, work: work, minimumWork: 0) { piece, slice in
          for t in slice { visits[t] += 1 }
          if !slice.isEmpty { starts[piece] = slice.lowerBound }
        }
        #expect(pieces == (claiming ? team.piecesPerRun : team.size))
        #expect((0..<range.upperBound).allSatisfy { visits[$0] == (range.contains($0) ? 1 : 0) })
        #expect((0..<pieces).allSatisfy { starts[$0] == -1 || (starts[$0] - range.lowerBound) % 4 == 0 })
      }
    }
  }

  /// Below the minimum work, or with a team of one, the caller runs the whole range as one piece
  /// on its own thread.
  @Test func smallWorkAndTeamsOfOneRunOnTheCaller() {
    let team = SpinTeam(threads: 2)
    defer { team.stop() }
    var seen: [Range<Int>] = []
    #expect(team.slices(of: 0..<100, work: 99, minimumWork: 100) { _, slice in seen.append(slice) } == 1)
    #expect(seen == [0..<100])
    let alone = SpinTeam(threads: 1)
    #expect(alone.size == 1 && alone.piecesPerRun == 4)
    seen = []
    #expect(alone.slices(of: 0..<100, work: 100, minimumWork: 0) { _, slice in seen.append(slice) } == 1)
    #expect(seen == [0..<100])
    var parts: [Int] = []
    alone.run { parts.append($0) }
    #expect(parts == [0])
  }

  /// `run` calls the body once per part before returning, 300 times in a row.
  @Test func runCallsEveryPartOnce() {
    let team = SpinTeam(threads: 3)
    defer { team.stop() }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: 3)
    for _ in 0..<300 { team.run { part in counts[part] += 1 } }
    #expect((0..<3).allSatisfy { counts[$0] == 300 })
  }
}
