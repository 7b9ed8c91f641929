// A bounded least-recently-used cache of kernel rows, owned by one solver run (so it needs no
// locking). Rows are single precision, as libsvm's `Qfloat`, which halves the memory per row and
// keeps the solver's arithmetic the same as scikit-learn's.
//
// Each of the `count` variables may own one row holding its first `length` columns; a request
// for a longer row keeps the cached prefix and reports how much of it is valid, so the caller
// computes only the missing columns (after shrinking, the solver asks for the active columns
// only, and for the rest when it reconstructs the gradient). Eviction takes the least recently
// used rows until the row's buffer fits in the budget, which counts allocated capacities. A
// buffer taken over from an evicted row may be longer than the row needs (after shrinking), and
// is charged in full, so the cache may hold fewer rows than libsvm's, which charges lengths: the
// hit rate can differ, never the values.

import LinearAlgebra

/// A least-recently-used cache of `Float` kernel rows with a budget in bytes.
///
/// The budget counts each row's allocated capacity. A row that must be evicted to make room hands
/// its buffer to the new row when it is long enough, so a full cache recycles its buffers instead
/// of returning pages to the system and faulting fresh ones in (about a tenth of an SVC fit on
/// synth20k before), and a row that grows within its capacity is extended in place.
final class KernelCache {
  /// The number of rows (variables) the cache may hold.
  let count: Int
  /// `Float`s still available under the budget.
  private var available: Int
  /// Each row's storage (nil when not cached), how many of its leading columns are valid, and how
  /// many it can hold.
  private let rows: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
  private let lengths: UnsafeMutablePointer<Int>
  private let capacities: UnsafeMutablePointer<Int>
  /// A circular doubly linked list in recency order through index `count` (the sentinel): the
  /// least recently used row follows the sentinel.
  private let previous: UnsafeMutablePointer<Int>
  private let next: UnsafeMutablePointer<Int>
  /// Splits the column exchanges of many rows between threads.
  private let team: SpinTeam?
  /// The cached rows, gathered for one batch of column exchanges.
  private var visiting: [Int] = []

  /// A cache for `count` rows within `megabytes` (libsvm's `cache_size`); whatever the budget,
  /// at least two full rows fit, so the two rows of one solver step never evict each other.
  /// Column exchanges over many rows are split between `team`'s threads.
  init(count: Int, megabytes: Double, team: SpinTeam? = nil) {
    self.count = count
    self.team = team
    let bytes = megabytes * 1_048_576
    let budget = bytes.isFinite ? Int(Swift.min(bytes / 4, Double(Int.max / 4))) : Int.max / 4
    // libsvm charges each row's bookkeeping against the budget too.
    available = Swift.max(budget - count * 8, 2 * count)
    rows = .allocate(capacity: count)
    rows.initialize(repeating: nil, count: count)
    lengths = .allocate(capacity: count)
    lengths.initialize(repeating: 0, count: count)
    capacities = .allocate(capacity: count)
    capacities.initialize(repeating: 0, count: count)
    previous = .allocate(capacity: count + 1)
    next = .allocate(capacity: count + 1)
    previous[count] = count
    next[count] = count
  }

  deinit {
    for i in 0..<count { rows[i]?.deallocate() }
    rows.deallocate()
    lengths.deallocate()
    capacities.deallocate()
    previous.deallocate()
    next.deallocate()
  }

  private func unlink(_ i: Int) {
    next[previous[i]] = next[i]
    previous[next[i]] = previous[i]
  }

  private func append(_ i: Int) {
    let last = previous[count]
    next[last] = i
    previous[i] = last
    next[i] = count
    previous[count] = i
  }

  /// Removes row `i` from the cache and returns its buffer and capacity (the caller frees or
  /// reuses the buffer).
  private func detach(_ i: Int) -> (buffer: UnsafeMutablePointer<Float>, capacity: Int) {
    unlink(i)
    let buffer = rows[i]!, capacity = capacities[i]
    rows[i] = nil
    available += capacity
    lengths[i] = 0
    capacities[i] = 0
    return (buffer, capacity)
  }

  private func evict(_ i: Int) {
    detach(i).buffer.deallocate()
  }

  /// Row `i` with room for at least `length` columns, marked most recently used, and how many of
  /// its leading columns hold valid values (the caller fills `valid ..< length`).
  func row(_ i: Int, length: Int) -> (storage: UnsafeMutablePointer<Float>, valid: Int) {
    if !pendingSwaps.isEmpty { applyPendingSwaps() }
    let old = lengths[i]
    if rows[i] != nil { unlink(i) }
    if old < length {
      if capacities[i] < length { reallocate(i, length: length) }
      lengths[i] = length
    }
    append(i)
    return (rows[i]!, old)
  }

  /// Gives row `i` (unlinked) a buffer of at least `length` floats holding its valid prefix:
  /// the buffer of the first row evicted for room that is long enough, else a new one.
  private func reallocate(_ i: Int, length: Int) {
    let oldBuffer = rows[i], oldCapacity = capacities[i]
    var storage: UnsafeMutablePointer<Float>? = nil
    var capacity = length
    while available + oldCapacity < capacity {
      let oldest = next[count]
      precondition(oldest != count, "kernel cache budget below one row")
      if storage == nil, capacities[oldest] >= length {
        (storage, capacity) = detach(oldest)
      } else {
        evict(oldest)
      }
    }
    let buffer = storage ?? .allocate(capacity: length)
    if let oldBuffer {
      // A new buffer's pages are touched here for the first time: the copy is split between
      // threads, which fault them in side by side.
      team.slices(of: 0..<lengths[i], work: lengths[i], minimumWork: SpinTeam.minimumCopyLength) { _, slice in
        (buffer + slice.lowerBound).update(from: oldBuffer + slice.lowerBound, count: slice.count)
      }
      oldBuffer.deallocate()
    }
    rows[i] = buffer
    capacities[i] = capacity
    available += oldCapacity - capacity
  }

  /// Exchanges variables `i` and `j`: their rows change places, and in every cached row columns
  /// `i` and `j` are exchanged too; a row long enough to hold one of the two columns but not the
  /// other is dropped.
  ///
  /// The rows change owners at once; the column exchanges are queued and applied row by row at
  /// the next request. Shrinking swaps many pairs in a row with no request in between, and one
  /// pass over each cached row per batch touches far less memory than one pass over every row
  /// per swap (the order of the exchanges within a row is kept, so the result is the same).
  func swapIndex(_ i: Int, _ j: Int) {
    guard i != j else { return }
    if rows[i] != nil { unlink(i) }
    if rows[j] != nil { unlink(j) }
    swap(&rows[i], &rows[j])
    swap(&lengths[i], &lengths[j])
    swap(&capacities[i], &capacities[j])
    if rows[i] != nil { append(i) }
    if rows[j] != nil { append(j) }
    pendingSwaps.append((Swift.min(i, j), Swift.max(i, j)))
  }

  /// Column exchanges not yet applied to the cached rows, in order.
  private var pendingSwaps: [(low: Int, high: Int)] = []

  /// Applies the queued column exchanges to every cached row, the rows split between the team's
  /// threads (each row is one thread's alone). A row that must be dropped is marked with length 0
  /// and evicted afterwards on this thread.
  private func applyPendingSwaps() {
    let swaps = pendingSwaps
    pendingSwaps.removeAll(keepingCapacity: true)
    visiting.removeAll(keepingCapacity: true)
    var h = next[count]
    while h != count {
      visiting.append(h)
      h = next[h]
    }
    let exchange = { (_: Int, slice: Range<Int>) in
      for position in slice {
        let row = self.visiting[position]
        let length = self.lengths[row]
        let r = self.rows[row]!
        for (low, high) in swaps where length > low {
          if length > high {
            let t = r[low]
            r[low] = r[high]
            r[high] = t
          } else {
            self.lengths[row] = 0
            break
          }
        }
      }
    }
    let rowCount = visiting.count
    team.slices(of: 0..<rowCount, work: rowCount * swaps.count, minimumWork: SpinTeam.minimumExchangeWork, exchange)
    for row in visiting where lengths[row] == 0 { evict(row) }
  }
}
