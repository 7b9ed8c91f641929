// A bounded least-recently-used cache of kernel rows, owned by one solver run (so it needs no
// locking). Rows are single precision, as libsvm's `Qfloat`, which halves the memory per row and
// keeps the solver's arithmetic the same as scikit-learn's.
//
// Each of the `count` variables may own one row holding its first `length` columns; a request
// for a longer row keeps the cached prefix and reports how much of it is valid, so the caller
// computes only the missing columns (after shrinking, the solver asks for the active columns
// only, and for the rest when it reconstructs the gradient). Eviction takes the least recently
// used rows until the new columns fit in the budget.

/// A least-recently-used cache of `Float` kernel rows with a budget in bytes.
final class KernelCache {
  /// The number of rows (variables) the cache may hold.
  let count: Int
  /// `Float`s still available under the budget.
  private var available: Int
  /// Each row's storage (nil when not cached) and cached length.
  private let rows: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
  private let lengths: UnsafeMutablePointer<Int>
  /// A circular doubly linked list in recency order through index `count` (the sentinel): the
  /// least recently used row follows the sentinel.
  private let previous: UnsafeMutablePointer<Int>
  private let next: UnsafeMutablePointer<Int>

  /// Rows requested that had to be (partly) computed, and rows served entirely from the cache.
  private(set) var misses = 0, hits = 0

  /// A cache for `count` rows within `megabytes` (libsvm's `cache_size`); whatever the budget,
  /// at least two full rows fit, so the two rows of one solver step never evict each other.
  init(count: Int, megabytes: Double) {
    self.count = count
    let bytes = megabytes * 1_048_576
    let budget = bytes.isFinite ? Int(Swift.min(bytes / 4, Double(Int.max / 4))) : Int.max / 4
    // libsvm charges each row's bookkeeping against the budget too.
    available = Swift.max(budget - count * 8, 2 * count)
    rows = .allocate(capacity: count)
    rows.initialize(repeating: nil, count: count)
    lengths = .allocate(capacity: count)
    lengths.initialize(repeating: 0, count: count)
    previous = .allocate(capacity: count + 1)
    next = .allocate(capacity: count + 1)
    previous[count] = count
    next[count] = count
  }

  deinit {
    for i in 0..<count { rows[i]?.deallocate() }
    rows.deallocate()
    lengths.deallocate()
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

  private func evict(_ i: Int) {
    unlink(i)
    rows[i]?.deallocate()
    rows[i] = nil
    available += lengths[i]
    lengths[i] = 0
  }

  /// Row `i` with room for at least `length` columns, marked most recently used, and how many of
  /// its leading columns hold valid values (the caller fills `valid ..< length`).
  func row(_ i: Int, length: Int) -> (storage: UnsafeMutablePointer<Float>, valid: Int) {
    if !pendingSwaps.isEmpty { applyPendingSwaps() }
    let old = lengths[i]
    if old > 0 { unlink(i) }
    let more = length - old
    if more > 0 {
      while available < more {
        let oldest = next[count]
        precondition(oldest != count, "kernel cache budget below one row")
        evict(oldest)
      }
      let storage = UnsafeMutablePointer<Float>.allocate(capacity: length)
      if let previousStorage = rows[i] {
        storage.update(from: previousStorage, count: old)
        previousStorage.deallocate()
      }
      rows[i] = storage
      lengths[i] = length
      available -= more
      misses &+= 1
    } else {
      hits &+= 1
    }
    append(i)
    return (rows[i]!, old)
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
    if lengths[i] > 0 { unlink(i) }
    if lengths[j] > 0 { unlink(j) }
    swap(&rows[i], &rows[j])
    swap(&lengths[i], &lengths[j])
    if lengths[i] > 0 { append(i) }
    if lengths[j] > 0 { append(j) }
    pendingSwaps.append((Swift.min(i, j), Swift.max(i, j)))
  }

  /// Column exchanges not yet applied to the cached rows, in order.
  private var pendingSwaps: [(low: Int, high: Int)] = []

  /// Applies the queued column exchanges to every cached row.
  private func applyPendingSwaps() {
    let swaps = pendingSwaps
    pendingSwaps.removeAll(keepingCapacity: true)
    var h = next[count]
    while h != count {
      let following = next[h]
      let length = lengths[h]
      let r = rows[h]!
      for (low, high) in swaps where length > low {
        if length > high {
          let t = r[low]
          r[low] = r[high]
          r[high] = t
        } else {
          evict(h)
          break
        }
      }
      h = following
    }
  }
}
