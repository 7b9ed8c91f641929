import LearnCore
import LinearAlgebra

/// What a search strategy supplies: the loop that proposes candidates. The engine
/// (``SearchSession``) does everything else. A strategy is a value; `run` keeps its state in
/// locals, so one strategy value can drive many searches.
public protocol SearchStrategy: Sendable, CustomStringConvertible {
  /// Proposes candidates through `session.evaluate(_:)` until done or until the session stops it.
  func run<E: Estimator>(_ session: SearchSession<E>) throws
}

/// Every combination of a grid, or of a list of grids (scikit-learn's `GridSearchCV` and
/// `ParameterGrid`): one batch, in scikit-learn's candidate order.
public struct GridSearch: SearchStrategy, Hashable {
  /// The grids; candidates come grid by grid, each in `ParameterGrid` order. Set by the
  /// initialisers, which check their size.
  public private(set) var grids: [SearchSpace]

  /// The most candidates a grid search enumerates (one million).
  public static let maximumCandidates = 1_000_000

  /// A search over one grid: `["c": [1, 10], "gamma": [0.01, 0.1]]`.
  public init(_ grid: [String: [ParameterValue]]) throws(LearnError) {
    try self.init(grids: [grid])
  }

  /// A search over several grids (scikit-learn's list of dicts, for conditional spaces). Throws
  /// when there is no grid, a grid is invalid, or the grids hold more than
  /// ``maximumCandidates`` combinations (use a random search there).
  public init(grids: [[String: [ParameterValue]]]) throws(LearnError) {
    guard !grids.isEmpty else { throw .emptyInput("a grid search needs at least one grid") }
    var spaces: [SearchSpace] = []
    var total = 0
    for (index, grid) in grids.enumerated() {
      let space = try SearchSpace(grid: grid)
      let count = grid.values.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).overflow ? Int.max : $0 * $1.count }
      total = total.addingReportingOverflow(count).overflow ? Int.max : total + count
      guard total <= Self.maximumCandidates else {
        throw .invalidArgument(
          name: "grids", reason: "grid \(index) brings the search to more than \(Self.maximumCandidates) candidates; "
            + "use a random search for a space this large")
      }
      spaces.append(space)
    }
    self.grids = spaces
  }

  /// Every candidate, in order.
  public var candidates: [ParameterSet] { grids.flatMap { $0.allCandidates() ?? [] } }

  /// Evaluates every candidate in one batch.
  public func run<E: Estimator>(_ session: SearchSession<E>) throws {
    let all = candidates
    session.expectedTrials = session.stop.maxTrials.map { Swift.min($0, all.count) } ?? all.count
    session.mayContinueTrials = false
    try session.evaluate(all.map { Candidate($0) })
  }

  /// `grid(<dimensions>)`, for the journal fingerprint and logs.
  public var description: String { "grid(" + grids.map { $0.description.replacingOccurrences(of: "\n", with: "; ") }.joined(separator: " | ") + ")" }
}

/// Candidates drawn at random from a space, or from a list of spaces chosen uniformly
/// (scikit-learn's `RandomizedSearchCV`). When every dimension is finite, candidates are drawn
/// without replacement (no configuration twice), and at most as many as exist.
public struct RandomSearch: SearchStrategy, Hashable {
  /// The spaces. When every one is finite (and holds at most ``GridSearch/maximumCandidates``
  /// combinations) their candidates are pooled and drawn without replacement; otherwise each draw
  /// first picks a space uniformly.
  public var spaces: [SearchSpace]
  /// Number of candidates (scikit-learn's `n_iter`, default 10).
  public var iterations: Int
  /// Seed of the draws.
  public var seed: UInt64
  /// Candidates per evaluated batch; the whole set by default (all in parallel).
  public var batchSize: Int?

  /// A random search over `space`.
  public init(_ space: [String: Distribution], iterations: Int = 10, seed: UInt64 = 0, batchSize: Int? = nil) throws(LearnError) {
    try self.init(spaces: [space], iterations: iterations, seed: seed, batchSize: batchSize)
  }

  /// A random search over several spaces (conditional sub-spaces).
  public init(spaces: [[String: Distribution]], iterations: Int = 10, seed: UInt64 = 0, batchSize: Int? = nil) throws(LearnError) {
    guard iterations >= 1 else { throw .invalidArgument(name: "iterations", reason: "must be at least 1, got \(iterations)") }
    guard !spaces.isEmpty else { throw .emptyInput("a random search needs at least one space") }
    if let batchSize, batchSize < 1 { throw .invalidArgument(name: "batchSize", reason: "must be at least 1, got \(batchSize)") }
    var built: [SearchSpace] = []
    for space in spaces { built.append(try SearchSpace(space)) }
    self.spaces = built
    self.iterations = iterations
    self.seed = seed
    self.batchSize = batchSize
  }

  /// The candidates this search evaluates, in order: a pure function of the seed.
  public var candidates: [ParameterSet] {
    var generator = Xoshiro256StarStar(seed: seed)
    let enumerated = spaces.map { $0.allCandidates(limit: GridSearch.maximumCandidates) }
    if enumerated.allSatisfy({ $0 != nil }), case let all = enumerated.flatMap({ $0! }), !all.isEmpty {
      // Sampling without replacement from the finite set, as scikit-learn does for all-list grids.
      let distinct = Array(Set(all)).sorted { canonical($0) < canonical($1) }
      return generator.sample(Swift.min(iterations, distinct.count), from: distinct.count).map { distinct[$0] }
    }
    var seen = Set<ParameterSet>()
    var result: [ParameterSet] = []
    var attempts = 0
    while result.count < iterations && attempts < 100 * iterations {
      attempts += 1
      let space = spaces[spaces.count == 1 ? 0 : generator.nextInt(below: spaces.count)]
      let candidate = space.sample(using: &generator)
      if seen.insert(candidate).inserted { result.append(candidate) }
    }
    return result
  }

  /// Evaluates the candidates, in batches of `batchSize`.
  public func run<E: Estimator>(_ session: SearchSession<E>) throws {
    let all = candidates
    session.expectedTrials = session.stop.maxTrials.map { Swift.min($0, all.count) } ?? all.count
    session.mayContinueTrials = false
    let size = batchSize ?? all.count
    var start = 0
    while start < all.count {
      try session.evaluate(all[start..<Swift.min(all.count, start + size)].map { Candidate($0) })
      start += size
    }
  }

  /// `random(<n>, seed <s>, <spaces>)`.
  public var description: String {
    "random(\(iterations), seed \(seed), " + spaces.map { $0.description.replacingOccurrences(of: "\n", with: "; ") }.joined(separator: " | ") + ")"
  }
}

/// A candidate's parameters as one string with names sorted: a stable order for sets of
/// candidates (a dictionary's own description follows the per-process hash seed).
func canonical(_ parameters: ParameterSet) -> String {
  parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
}
