import Foundation
import LearnCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flock(2)` (named apart from `struct flock`, which a qualified call would pick).
private func lockDescriptor(_ descriptor: Int32, _ operation: Int32) -> Int32 { flock(descriptor, operation) }

/// How processes sharing a journal take turns to append.
public enum JournalLocking: Sendable, Hashable {
  /// An exclusive `flock` on the journal itself: local filesystems, and NFSv4 (which maps it to
  /// its own byte-range locks).
  case flock
  /// A lock file beside the journal (`<path>.lock`), made with `open(O_CREAT | O_EXCL)`: for
  /// shared filesystems without working locks. A lock file older than `staleAfter` seconds is
  /// taken to be left by a dead process and removed.
  case lockFile(staleAfter: Double)
}

/// How a journaled study shares its record with other processes.
public struct JournalOptions: Sendable, Hashable {
  /// Seconds between a worker's heartbeats on its running trials.
  public var heartbeatInterval: Double
  /// A running trial whose heartbeat has not appeared for this many seconds of the observing
  /// worker's own clock is taken to be dead and re-queued (same number, same proposal). A trial of
  /// a process on the same host that no longer exists is re-queued at once.
  public var staleAfter: Double
  /// How appends are serialised between processes.
  public var locking: JournalLocking

  /// Options; the defaults suit jobs of any length on one host or a cluster.
  public init(heartbeatInterval: Double = 10, staleAfter: Double = 60, locking: JournalLocking = .flock) {
    self.heartbeatInterval = heartbeatInterval
    self.staleAfter = staleAfter
    self.locking = locking
  }
}

/// A fault to inject into a journal's appends, for tests of what a crash leaves behind: the
/// `append`-th write (from 1, counted per open journal) writes only its first `bytes` bytes
/// (a torn record), or none, and then fails. Also read from the environment variable
/// `LEARN_JOURNAL_FAULT` as `tear:<append>:<bytes>` or `fail:<append>`.
struct JournalFault: Sendable, Hashable {
  var append: Int
  var bytes: Int?

  /// The fault named by `LEARN_JOURNAL_FAULT`, if any.
  static var fromEnvironment: JournalFault? {
    guard let text = ProcessInfo.processInfo.environment["LEARN_JOURNAL_FAULT"] else { return nil }
    let parts = text.split(separator: ":")
    guard parts.count >= 2, let append = Int(parts[1]) else { return nil }
    if parts[0] == "tear", parts.count == 3, let bytes = Int(parts[2]) { return JournalFault(append: append, bytes: bytes) }
    if parts[0] == "fail" { return JournalFault(append: append, bytes: 0) }
    return nil
  }
}

/// The journal file itself: appends of whole lines under an exclusive lock, each flushed to disk,
/// and reads from the last offset. Never rewritten; a line left torn by a dead writer is cut off
/// by the next lock holder before it appends.
///
/// Used only under its study's lock (one thread at a time per process), which is what makes the
/// `@unchecked Sendable` sound; other processes are excluded by the file lock.
final class JournalFile: @unchecked Sendable {
  let path: String
  private let descriptor: Int32
  private let locking: JournalLocking
  /// Bytes read and parsed so far (always at a line boundary).
  private var offset = 0
  private var appends = 0
  var fault: JournalFault? = JournalFault.fromEnvironment

  /// Opens (creating) the file for appending and reading.
  init(path: String, locking: JournalLocking) throws(LearnError) {
    self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    self.locking = locking
    descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io(path: path, reason: "could not open the journal: \(Self.errorText())") }
  }

  deinit { close(descriptor) }

  static func errorText() -> String { String(cString: strerror(errno)) }

  /// Runs `body` holding the exclusive lock shared with other processes.
  func withLock<T>(_ body: () throws(LearnError) -> T) throws(LearnError) -> T {
    switch locking {
    case .flock:
      while lockDescriptor(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else { throw .io(path: path, reason: "could not lock the journal: \(Self.errorText())") }
      }
      defer { _ = lockDescriptor(descriptor, LOCK_UN) }
      return try body()
    case .lockFile(let staleAfter):
      let lockPath = path + ".lock"
      let token = "\(processName)/\(UInt64.random(in: 0...UInt64.max))"
      try Self.acquire(lockPath, token: token, staleAfter: staleAfter)
      defer { Self.releaseLock(lockPath, token: token) }
      return try body()
    }
  }

  /// Creates `lockPath` exclusively with `token` in it, waiting (with back-off) while another
  /// process holds it. A lock file older than `staleAfter` seconds is taken over by renaming it
  /// aside (atomic: of several waiters only one succeeds) and checking that the file renamed was
  /// still the stale one.
  private static func acquire(_ lockPath: String, token: String, staleAfter: Double) throws(LearnError) {
    var pause = 0.001
    while true {
      let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if fd >= 0 {
        _ = Array(token.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
        close(fd)
        return
      }
      guard errno == EEXIST else { throw .io(path: lockPath, reason: "could not create the lock file: \(errorText())") }
      if age(lockPath).map({ $0 > staleAfter }) == true {
        let aside = lockPath + ".stale-" + token.replacingOccurrences(of: "/", with: "-")
        if rename(lockPath, aside) == 0 {
          // Put back a lock file that another waiter had just taken over (it is fresh).
          if let moved = age(aside), moved <= staleAfter { _ = link(aside, lockPath) }
          unlink(aside)
        }
      }
      Thread.sleep(forTimeInterval: pause)
      pause = Swift.min(0.1, pause * 2)
    }
  }

  /// Seconds since `path` was last modified, by this host's clock.
  private static func age(_ path: String) -> Double? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec)
  }

  /// Removes the lock file if it is still this holder's (it may have been taken over as stale).
  private static func releaseLock(_ lockPath: String, token: String) {
    guard let data = FileManager.default.contents(atPath: lockPath), String(decoding: data, as: UTF8.self) == token else { return }
    unlink(lockPath)
  }

  /// The file's size in bytes.
  private func size() throws(LearnError) -> Int {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .io(path: path, reason: "could not stat the journal: \(Self.errorText())") }
    return Int(info.st_size)
  }

  /// Reads `count` bytes at `position`.
  private func read(at position: Int, count: Int) throws(LearnError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(position + done)) }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { break }
      done += n
    }
    return Array(bytes.prefix(done))
  }

  /// The whole lines appended since the last committed read (a partial last line is left for
  /// later: its writer may still be writing it), and the offset after them. The offset moves only
  /// when the caller ``commit(_:)``s it, once the lines have been understood.
  func readNewLines() throws(LearnError) -> (lines: [ArraySlice<UInt8>], end: Int) {
    let end = try size()
    guard end > offset else { return ([], offset) }
    let bytes = try read(at: offset, count: end - offset)
    guard let last = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return ([], offset) }
    return (bytes[...last].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true), offset + last + 1)
  }

  /// Marks the lines before `end` as read.
  func commit(_ end: Int) { offset = Swift.max(offset, end) }

  /// Appends `lines` (each without its newline) in one write, after cutting off a torn last line,
  /// and flushes them to disk. Call while holding the lock.
  func append(_ lines: [Data]) throws(LearnError) {
    guard !lines.isEmpty else { return }
    try cutTornTail()
    var buffer = [UInt8]()
    for line in lines {
      buffer.append(contentsOf: line)
      buffer.append(UInt8(ascii: "\n"))
    }
    appends += 1
    if let fault, fault.append == appends {
      buffer = Array(buffer.prefix(fault.bytes ?? 0))
      try write(buffer)
      throw .io(path: path, reason: "injected fault: append \(appends) torn after \(buffer.count) bytes")
    }
    try write(buffer)
    // Under the lock, after reading to the end: these lines are this process's own, already
    // applied; the next read starts after them.
    offset = try size()
    guard fsync(descriptor) == 0 else { throw .io(path: path, reason: "could not flush the journal: \(Self.errorText())") }
  }

  private func write(_ buffer: [UInt8]) throws(LearnError) {
    var done = 0
    while done < buffer.count {
      let n = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, buffer.count - done) }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { throw .io(path: path, reason: "could not append to the journal: \(Self.errorText())") }
      done += n
    }
  }

  /// Truncates the file after its last newline when it ends inside a line: a record torn by a
  /// writer that died (under the lock, no writer is active).
  private func cutTornTail() throws(LearnError) {
    let end = try size()
    guard end > 0, try read(at: end - 1, count: 1) != [UInt8(ascii: "\n")] else { return }
    var position = end
    var keep = 0
    while position > 0 {
      let start = Swift.max(0, position - 4096)
      let chunk = try read(at: start, count: position - start)
      if let newline = chunk.lastIndex(of: UInt8(ascii: "\n")) {
        keep = start + newline + 1
        break
      }
      position = start
    }
    guard ftruncate(descriptor, off_t(keep)) == 0 else {
      throw .io(path: path, reason: "could not cut off a torn record: \(Self.errorText())")
    }
    if offset > keep { offset = keep }
  }
}
