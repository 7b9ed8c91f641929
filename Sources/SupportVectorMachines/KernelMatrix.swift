// The matrices Q the SMO solver works on, Q_ij = y_i·y_j·K(x_i, x_j), served row by row from a
// ``KernelCache``:
// - `ClassificationKernelMatrix` (C-SVC): one variable per sample. The solver's shrinking swaps
//   variables so the active ones come first; this matrix swaps its own copy of the samples (rows
//   of x, norms, labels, diagonal) and the cache's rows and columns to match, so a row's active
//   columns are always its leading ones and are computed over contiguous memory.
// With more than one thread, each matrix owns a ``SpinTeam`` for the solve: long rows are split
// between its threads in column slices (each computed exactly as the serial loop would), and the
// solver splits its passes over the variables with the same team, so results do not depend on
// the thread count.
// - `RegressionKernelMatrix` (ε-SVR): 2n variables over n samples (α⁺ then α⁻). The cache holds
//   full kernel rows by sample; a request builds the signed, permuted row in one of two buffers
//   (the solver holds two rows at a time), and swaps only permute the index and sign tables.

import LearnCore
import LinearAlgebra

/// What the solver needs from Q: rows, the diagonal, and swapping two variables.
protocol KernelMatrix: AnyObject {
  /// The number of variables.
  var count: Int { get }
  /// `Q_ii` for every variable, in the solver's current order.
  var diagonal: UnsafeMutablePointer<Double> { get }
  /// Columns `0 ..< length` of row `i`, valid until the next call to `row` or `swapIndex`
  /// (the previous row stays valid across one call).
  func row(_ i: Int, length: Int) -> UnsafePointer<Float>
  /// Exchanges variables `i` and `j`.
  func swapIndex(_ i: Int, _ j: Int)
  /// The threads the solver may split its passes between (nil: the calling thread alone).
  var team: SpinTeam? { get }
}

/// A team of `parallelism`'s threads when there are several and the problem is large enough for
/// splitting its rows to pay (`count` rows of `dimension` features), else nil.
func solverTeam(_ parallelism: Parallelism, count: Int, dimension: Int) -> SpinTeam? {
  let threads = parallelism.threadCount
  guard threads > 1, count * Swift.max(1, dimension) >= SpinTeam.minimumRowWork else { return nil }
  return SpinTeam(threads: threads)
}

/// Q for the C-SVC dual: `Q_ij = y_i·y_j·K(x_i, x_j)`.
final class ClassificationKernelMatrix: KernelMatrix {
  let count: Int
  let kernel: KernelFunction
  let team: SpinTeam?
  /// The samples, their squared norms and labels, in the solver's current order. A row computed on
  /// several threads reads them through pointers taken for that row; swaps happen in place only
  /// between requests, on the solver's thread, never while a row is being computed.
  private var x: Matrix
  private var norms: [Double]
  private var labels: [Double]
  let diagonal: UnsafeMutablePointer<Double>
  let cache: KernelCache
  private let scratch: UnsafeMutablePointer<Double>

  /// Q over the rows of `x` with labels `y` (±1), caching up to `cacheMegabytes`; rows long enough
  /// to be worth it are computed on up to `parallelism` threads.
  init(x: Matrix, y: [Double], kernel: KernelFunction, cacheMegabytes: Double, parallelism: Parallelism = .serial) {
    count = x.rowCount
    self.kernel = kernel
    team = solverTeam(parallelism, count: x.rowCount, dimension: x.columnCount)
    self.x = x
    let norms = squaredRowNorms(x)
    self.norms = norms
    labels = y
    diagonal = .allocate(capacity: Swift.max(1, count))
    for i in 0..<count {
      diagonal[i] = kernel.value(dot: norms[i], squaredNormA: norms[i], squaredNormB: norms[i])
    }
    cache = KernelCache(count: count, megabytes: cacheMegabytes, team: team)
    scratch = .allocate(capacity: Swift.max(1, count))
  }

  deinit {
    diagonal.deallocate()
    scratch.deallocate()
  }

  func row(_ i: Int, length: Int) -> UnsafePointer<Float> {
    let (storage, valid) = cache.row(i, length: length)
    if valid < length {
      kernel.fillRow(i, x: x, norms: norms, sign: labels[i], signs: labels, range: valid..<length,
                     scratch: scratch, into: storage, team: team)
    }
    return UnsafePointer(storage)
  }

  func swapIndex(_ i: Int, _ j: Int) {
    guard i != j else { return }
    cache.swapIndex(i, j)
    let d = x.columnCount
    x.withUnsafeMutableBufferPointer { p in
      let a = p.baseAddress! + i &* d, b = p.baseAddress! + j &* d
      for k in 0..<d {
        let t = a[k]
        a[k] = b[k]
        b[k] = t
      }
    }
    norms.swapAt(i, j)
    labels.swapAt(i, j)
    swap(&diagonal[i], &diagonal[j])
  }
}

/// Q for the ε-SVR dual over 2n variables: variable `t` stands for sample `t mod n` with sign +1
/// (`t < n`) or −1, and `Q_st = sign_s·sign_t·K(x_s, x_t)`.
final class RegressionKernelMatrix: KernelMatrix {
  let count: Int
  let sampleCount: Int
  let kernel: KernelFunction
  let team: SpinTeam?
  private let x: Matrix
  private let norms: [Double]
  /// For each variable, in the solver's current order: its sign and its sample.
  private let signs: UnsafeMutablePointer<Float>
  private let sampleIndex: UnsafeMutablePointer<Int>
  let diagonal: UnsafeMutablePointer<Double>
  let cache: KernelCache
  /// Two output rows, used alternately.
  private let buffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
  private var nextBuffer = 0
  private let scratch: UnsafeMutablePointer<Double>

  /// Q over the rows of `x`, caching up to `cacheMegabytes` of full sample rows; rows long enough
  /// to be worth it are computed on up to `parallelism` threads.
  init(x: Matrix, kernel: KernelFunction, cacheMegabytes: Double, parallelism: Parallelism = .serial) {
    sampleCount = x.rowCount
    count = 2 * sampleCount
    self.kernel = kernel
    team = solverTeam(parallelism, count: x.rowCount, dimension: x.columnCount)
    self.x = x
    let n = sampleCount
    let norms = squaredRowNorms(x)
    self.norms = norms
    signs = .allocate(capacity: Swift.max(1, count))
    sampleIndex = .allocate(capacity: Swift.max(1, count))
    diagonal = .allocate(capacity: Swift.max(1, count))
    for i in 0..<n {
      let k = kernel.value(dot: norms[i], squaredNormA: norms[i], squaredNormB: norms[i])
      signs[i] = 1
      signs[i + n] = -1
      sampleIndex[i] = i
      sampleIndex[i + n] = i
      diagonal[i] = k
      diagonal[i + n] = k
    }
    cache = KernelCache(count: n, megabytes: cacheMegabytes, team: team)
    buffers = (.allocate(capacity: Swift.max(1, count)), .allocate(capacity: Swift.max(1, count)))
    scratch = .allocate(capacity: Swift.max(1, sampleCount))
  }

  deinit {
    signs.deallocate()
    sampleIndex.deallocate()
    diagonal.deallocate()
    buffers.0.deallocate()
    buffers.1.deallocate()
    scratch.deallocate()
  }

  func row(_ i: Int, length: Int) -> UnsafePointer<Float> {
    let sample = sampleIndex[i]
    let (data, valid) = cache.row(sample, length: sampleCount)
    if valid < sampleCount {
      kernel.fillRow(sample, x: x, norms: norms, sign: 1, signs: nil, range: valid..<sampleCount,
                     scratch: scratch, into: data, team: team)
    }
    let output = nextBuffer == 0 ? buffers.0 : buffers.1
    nextBuffer ^= 1
    let si = signs[i], signs = signs, sampleIndex = sampleIndex
    let permute = { (_: Int, slice: Range<Int>) in
      for t in slice { output[t] = si * signs[t] * data[sampleIndex[t]] }
    }
    team.slices(of: 0..<length, work: length, minimumWork: SpinTeam.minimumPassLength, permute)
    return UnsafePointer(output)
  }

  func swapIndex(_ i: Int, _ j: Int) {
    swap(&signs[i], &signs[j])
    swap(&sampleIndex[i], &sampleIndex[j])
    swap(&diagonal[i], &diagonal[j])
  }
}
