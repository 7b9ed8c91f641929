import Foundation
import LinearAlgebra

/// `Benchmarks spin-team`: what one ``SpinTeam`` hand-off costs, against doing the work on one
/// thread, for loops of the lengths the SVM solver splits (a sum of squares over `length` doubles,
/// 2,000 times each): the per-call overhead with an empty body, and the speedup of a split loop.
func runSpinTeamBenchmarks() {
  let team = SpinTeam(threads: 2)
  defer { team.stop() }
  let calls = 2_000
  let (_, empty) = seconds { for _ in 0..<calls { team.run { _ in } } }
  emit([("benchmark", "\"spin-team\""), ("length", "0"), ("overhead_us", String(format: "%.3f", empty / Double(calls) * 1e6))])
  for length in [1_024, 4_096, 16_384, 65_536, 600_000] {
    let values = (0..<length).map { Double($0 % 97) * 0.5 }
    var sink = 0.0
    let (_, serial) = seconds {
      values.withUnsafeBufferPointer { p in
        for _ in 0..<calls {
          var sum = 0.0
          for t in 0..<length { sum += p[t] * p[t] }
          sink += sum
        }
      }
    }
    let partials = UnsafeMutablePointer<Double>.allocate(capacity: team.piecesPerRun)
    defer { partials.deallocate() }
    let (_, split) = seconds {
      values.withUnsafeBufferPointer { p in
        for _ in 0..<calls {
          let pieces = team.slices(of: 0..<length, work: length, minimumWork: 0) { piece, slice in
            var sum = 0.0
            for t in slice { sum += p[t] * p[t] }
            partials[piece] = sum
          }
          for piece in 0..<pieces { sink += partials[piece] }
        }
      }
    }
    emit([("benchmark", "\"spin-team\""), ("length", "\(length)"),
          ("serial_us", String(format: "%.3f", serial / Double(calls) * 1e6)),
          ("split_us", String(format: "%.3f", split / Double(calls) * 1e6)),
          ("speedup", String(format: "%.2f", serial / split)), ("check", "\(sink > 0)")])
  }
}
