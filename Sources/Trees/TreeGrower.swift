import Foundation
import LearnCore
import LinearAlgebra

// The CART grower: scikit-learn's `DepthFirstTreeBuilder`/`BestFirstTreeBuilder`, `BestSplitter`/
// `RandomSplitter` and the `Gini`, `Entropy`, `MSE` and `MAE` criteria, re-derived for Learn's data
// layout (see Docs/Guides/Trees.md, "Detailed design").
//
// Everything the split search touches is allocated once per tree: the nodes' sample indices share
// one buffer (each node's range in ascending row order), a feature's sort writes a second one, the
// keys and the radix sort's spare buffers are reused, and the per-class sums live in small fixed
// buffers. The node arrays of the fitted tree grow by appending.

/// What a tree minimises, resolved from the public criterion enums.
enum CriterionKind: Sendable, Hashable {
  case gini, entropy, squaredError, absoluteError

  /// Whether the targets are class indices.
  var isClassification: Bool { self == .gini || self == .entropy }
}

/// The training targets of a grower.
enum GrowthTargets: Sendable {
  /// Class indices `0 ..< classCount`, one per row.
  case classes([Int32], classCount: Int)
  /// Real values, one per row.
  case values([Double])
}

/// Hyperparameters resolved to the numbers the grower uses (fractions already turned into counts).
struct GrowthSettings: Sendable, Hashable {
  var criterion: CriterionKind
  var splitter: SplitStrategy
  /// `Int.max` for unlimited.
  var maxDepth: Int
  var minSamplesSplit: Int
  var minSamplesLeaf: Int
  var minWeightFractionLeaf: Double
  /// Features examined per split, `1 ... featureCount`.
  var maxFeatures: Int
  /// Best-first growth with at most this many leaves, or depth-first when `nil`.
  var maxLeafNodes: Int?
  var minImpurityDecrease: Double
  var ccpAlpha: Double
}

/// Grows one tree on `data` (rows with weight 0 are left out, as in scikit-learn). `weights` are
/// per-row sample weights (`nil`: all 1), already combined with class weights or bootstrap counts.
/// The caller guarantees at least one row of positive weight. Throws ``LearnError/cancelled(_:)``
/// when the calling thread's job is cancelled (checked about once per 2²⁰ sample × feature visits).
func growTree(
  _ data: TrainingSet, _ targets: GrowthTargets, weights: [Double]?, settings: GrowthSettings, seed: UInt64
) throws(LearnError) -> Tree {
  let tree: Tree = try data.ranks.withUnsafeBufferPointer { ranks throws(LearnError) in
    try data.values.withUnsafeBufferPointer { values throws(LearnError) in
      try data.valueOffsets.withUnsafeBufferPointer { offsets throws(LearnError) in
        try data.tieLimits.withUnsafeBufferPointer { limits throws(LearnError) in
          let grower = TreeGrower(data: data, ranks: ranks.baseAddress!, values: values.baseAddress!,
                                  offsets: offsets.baseAddress!, tieLimits: limits.baseAddress!, targets: targets,
                                  weights: weights, settings: settings, seed: seed)
          defer { grower.deallocate() }
          return try grower.grow()
        }
      }
    }
  }
  return settings.ccpAlpha > 0 ? tree.pruned(alpha: settings.ccpAlpha) : tree
}

/// The best split found for a node so far.
struct SplitRecord {
  /// First sample of the right child in the node's sample range (`end`: no split).
  var pos: Int
  var feature = 0
  var threshold = 0.0
  /// The largest rank of `feature` that goes left.
  var thresholdRank: UInt32 = 0
  /// The smallest rank of `feature` that goes right, when the threshold is the midpoint of the
  /// two ranks' values: `splitNode` computes it once the node's search ends, so the values are
  /// read once per node rather than per feature. `nil` when the threshold is already set (the
  /// random splitter's).
  var upperRank: UInt32?
  var impurityLeft = Double.infinity
  var impurityRight = Double.infinity
  var improvement = -Double.infinity
}

/// Values of a feature within `1e-7` (in `Float` arithmetic) of the previous one are ties, as in
/// scikit-learn's `FEATURE_THRESHOLD`.
let tieTolerance: Float = 1e-7

/// `np.finfo(np.float64).eps`: the impurity below which a node is pure.
let pureImpurity = Double.ulpOfOne

/// The natural logarithm of 2: entropy is in bits, computed as `ln(p) / ln(2)` like scikit-learn.
let ln2 = log(2.0)

/// How the tree grower's radix sort takes keys of at most `range` for a node of `m` samples:
/// digits of up to 8 bits below 4,096 samples (the buckets are cleared and summed per digit) and
/// up to 11 bits from there, as few digits as the range allows, of equal width.
struct RadixPlan {
  /// The number of digits (passes), 1 ... 4.
  let passes: Int
  /// Bits per digit.
  let width: UInt32
  /// Buckets per digit, `2^width`.
  let buckets: Int
  /// `buckets − 1`.
  let mask: UInt32

  init(m: Int, range: UInt32) {
    let bits = UInt32.bitWidth - Swift.max(range, 1).leadingZeroBitCount
    let widest = m < 4096 ? 8 : 11
    passes = (bits + widest - 1) / widest
    let width = (bits + passes - 1) / passes
    self.width = UInt32(width)
    buckets = 1 << width
    mask = UInt32(buckets - 1)
  }
}

/// One tree's growth state. Confined to the thread growing the tree; every buffer is allocated in
/// `init` and freed by `deallocate()`. Its mutable state is `@exclusivity(unchecked)`: one thread,
/// and no method holds an access across a call that touches the same property, so the runtime's
/// checks (about 1.5% of a forest's fit, most of it appending nodes) would never fire.
final class TreeGrower {
  // Inputs.
  let rowCount: Int
  let featureCount: Int
  let ranks: UnsafePointer<UInt32>
  let values: UnsafePointer<Float>
  let offsets: UnsafePointer<Int>
  let tieLimits: UnsafePointer<UInt32>
  let hasNearTies: [Bool]
  /// The histogram splitter's bins (``TrainingSet/isBinned``, ``TrainingSet/binEdges``).
  let isBinned: [Bool]
  let binEdges: [Double]
  let criterion: CriterionKind
  let classCount: Int
  let settings: GrowthSettings
  let minWeightLeaf: Double
  let totalWeight: Double
  let examinesAll: Bool
  @exclusivity(unchecked) var generator: Xoshiro256StarStar

  // Per-row data (indexed by row).
  let labels, targetRank: UnsafeMutablePointer<Int32>
  let target, weight, weightedTarget: UnsafeMutablePointer<Double>
  /// For the two-class Gini criterion, each row's weight split by class, `(w · (1 − y), w · y)`:
  /// the two-class scans read one pair per sample instead of a weight and a label (one entry
  /// otherwise). Their sum is `w` exactly, since one of the two is zero.
  let classWeights: UnsafeMutablePointer<SIMD2<Double>>

  // Work buffers.
  let sampleTotal: Int
  /// The node's sample indices, `samples[start ..< end]`, kept in ascending row order (splits
  /// partition them stably), so gathering a feature's ranks reads its column front to back.
  let samples, spareSamples: UnsafeMutablePointer<Int32>
  /// The node's samples sorted by the feature last sorted (``sortSamples(by:_:_:)``), aligned
  /// with ``keys``.
  let sortedSamples: UnsafeMutablePointer<Int32>
  /// `keys`: the node's ranks of the feature last sorted, relative to its smallest, ascending.
  /// `spareKeys`: the radix sort's other key buffer. The two trade places so that the last pass
  /// of a sort ends in `keys`.
  @exclusivity(unchecked) var keys, spareKeys: UnsafeMutablePointer<UInt32>
  let radixCounts: UnsafeMutablePointer<Int>
  let sumTotal, sumLeft: UnsafeMutablePointer<Double>
  let histogramCapacity: Int
  let histogram: UnsafeMutablePointer<Double>
  let histogramCount: UnsafeMutablePointer<Int32>
  let features, constantFeatures: UnsafeMutablePointer<Int>
  let knownConstant: UnsafeMutablePointer<Bool>
  // Sized for the absolute error criterion (one entry for the others).
  let sortedTarget, fenwickWeight, fenwickWeightedTarget, leftError, rightError: UnsafeMutablePointer<Double>

  // The current node.
  @exclusivity(unchecked) var weightedNode = 0.0
  @exclusivity(unchecked) var squaredSumTotal = 0.0
  @exclusivity(unchecked) var nodeMedian = 0.0
  @exclusivity(unchecked) var nodeAbsoluteError = 0.0
  /// Number of samples whose targets `rankTargets` ranked (the node's size).
  @exclusivity(unchecked) var rankedCount = 0
  @exclusivity(unchecked) var best = SplitRecord(pos: 0)
  @exclusivity(unchecked) var bestProxy = -Double.infinity
  /// Cancellation checks, spaced by the samples × features a node's split search visits.
  @exclusivity(unchecked) var checkpoint = CancellationCheckpoint()

  // The tree being grown.
  @exclusivity(unchecked) var nodeFeature: [Int] = []
  @exclusivity(unchecked) var nodeThreshold: [Double] = []
  @exclusivity(unchecked) var nodeLeft: [Int] = []
  @exclusivity(unchecked) var nodeRight: [Int] = []
  @exclusivity(unchecked) var nodeValue: [Double] = []
  @exclusivity(unchecked) var nodeImpurity: [Double] = []
  @exclusivity(unchecked) var nodeSamples: [Int] = []
  @exclusivity(unchecked) var nodeWeight: [Double] = []

  init(data: TrainingSet, ranks: UnsafePointer<UInt32>, values: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
       tieLimits: UnsafePointer<UInt32>, targets: GrowthTargets, weights: [Double]?, settings: GrowthSettings,
       seed: UInt64) {
    let n = data.sampleCount
    rowCount = n
    featureCount = data.featureCount
    self.ranks = ranks
    self.values = values
    self.offsets = offsets
    self.tieLimits = tieLimits
    hasNearTies = data.hasNearTies
    isBinned = data.isBinned
    binEdges = data.binEdges
    self.settings = settings
    criterion = settings.criterion
    examinesAll = settings.maxFeatures >= data.featureCount
    generator = Xoshiro256StarStar(seed: seed)

    labels = .allocate(capacity: n)
    target = .allocate(capacity: n)
    weight = .allocate(capacity: n)
    weightedTarget = .allocate(capacity: n)
    targetRank = .allocate(capacity: n)
    switch targets {
    case .classes(let y, let k):
      classCount = k
      for i in 0..<n { labels[i] = y[i]; target[i] = 0 }
    case .values(let y):
      classCount = 1
      for i in 0..<n { labels[i] = 0; target[i] = y[i] }
    }
    var total = 0.0, kept = 0
    for i in 0..<n {
      let w = weights?[i] ?? 1
      weight[i] = w
      weightedTarget[i] = w * target[i]
      total += w
      if w != 0 { kept += 1 }
    }
    totalWeight = total
    minWeightLeaf = settings.minWeightFractionLeaf * total
    sampleTotal = kept
    let pairsClasses = criterion == .gini && classCount == 2
    classWeights = .allocate(capacity: pairsClasses ? n : 1)
    if pairsClasses {
      for i in 0..<n {
        let one = Double(labels[i])
        classWeights[i] = SIMD2(weight[i] * (1 - one), weight[i] * one)
      }
    }
    samples = .allocate(capacity: kept)
    var j = 0
    for i in 0..<n where weight[i] != 0 {
      samples[j] = Int32(i)
      j += 1
    }

    keys = .allocate(capacity: kept)
    spareKeys = .allocate(capacity: kept)
    spareSamples = .allocate(capacity: kept)
    sortedSamples = .allocate(capacity: kept)
    radixCounts = .allocate(capacity: TreeGrower.radixCountCapacity)
    sumTotal = .allocate(capacity: classCount)
    sumLeft = .allocate(capacity: classCount)
    // Per-value class histograms are used when a feature has few distinct values (see
    // `prefersHistogram`), which bounds their size by about 2 · rows.
    histogramCapacity = criterion.isClassification ? Swift.min(data.maxDistinctCount * classCount, 2 * kept + classCount) : 0
    histogram = .allocate(capacity: Swift.max(histogramCapacity, 1))
    histogramCount = .allocate(capacity: criterion.isClassification ? Swift.max(data.maxDistinctCount, 1) : 1)
    features = .allocate(capacity: featureCount)
    constantFeatures = .allocate(capacity: featureCount)
    knownConstant = .allocate(capacity: featureCount)
    for f in 0..<featureCount {
      features[f] = f
      constantFeatures[f] = 0
      knownConstant[f] = false
    }
    let errors = criterion == .absoluteError ? kept : 1
    sortedTarget = .allocate(capacity: errors)
    fenwickWeight = .allocate(capacity: errors + 1)
    fenwickWeightedTarget = .allocate(capacity: errors + 1)
    leftError = .allocate(capacity: errors)
    rightError = .allocate(capacity: errors)
  }

  func deallocate() {
    for pointer in [labels, samples, spareSamples, sortedSamples, targetRank] as [UnsafeMutablePointer<Int32>] {
      pointer.deallocate()
    }
    for pointer in [target, weight, weightedTarget, sumTotal, sumLeft, histogram, sortedTarget, fenwickWeight,
                    fenwickWeightedTarget, leftError, rightError] as [UnsafeMutablePointer<Double>] {
      pointer.deallocate()
    }
    classWeights.deallocate()
    keys.deallocate()
    spareKeys.deallocate()
    radixCounts.deallocate()
    histogramCount.deallocate()
    features.deallocate()
    constantFeatures.deallocate()
    knownConstant.deallocate()
  }

  // MARK: Growing

  /// Grows the tree; throws ``LearnError/cancelled(_:)`` when the job is cancelled.
  func grow() throws(LearnError) -> Tree {
    if let maxLeafNodes = settings.maxLeafNodes {
      try growBestFirst(maxLeafNodes: maxLeafNodes)
    } else {
      try growDepthFirst()
    }
    return Tree(featureCount: featureCount, valueCount: classCount, feature: nodeFeature, threshold: nodeThreshold,
                left: nodeLeft, right: nodeRight, value: nodeValue, impurity: nodeImpurity,
                sampleCount: nodeSamples, weightedSampleCount: nodeWeight)
  }

  /// Whether a node of `count` samples, weight ``weightedNode``, depth `depth` and impurity
  /// `impurity` is a leaf before any split is tried.
  private func stopsBeforeSplitting(count: Int, depth: Int, impurity: Double) -> Bool {
    depth >= settings.maxDepth || count < settings.minSamplesSplit || count < 2 * settings.minSamplesLeaf
      || weightedNode < 2 * minWeightLeaf || impurity <= pureImpurity
  }

  /// Appends a node (its value from the current node totals) and links it to `parent`.
  private func addNode(parent: Int, isLeft: Bool, isLeaf: Bool, split: SplitRecord, impurity: Double, count: Int) -> Int {
    let id = nodeFeature.count
    if parent >= 0 {
      if isLeft { nodeLeft[parent] = id } else { nodeRight[parent] = id }
    }
    nodeFeature.append(isLeaf ? Tree.undefined : split.feature)
    nodeThreshold.append(isLeaf ? Double(Tree.undefined) : split.threshold)
    nodeLeft.append(Tree.leaf)
    nodeRight.append(Tree.leaf)
    nodeImpurity.append(impurity)
    nodeSamples.append(count)
    nodeWeight.append(weightedNode)
    switch criterion {
    case .gini, .entropy:
      for c in 0..<classCount { nodeValue.append(sumTotal[c] / weightedNode) }
    case .squaredError: nodeValue.append(sumTotal[0] / weightedNode)
    case .absoluteError: nodeValue.append(nodeMedian)
    }
    return id
  }

  /// Counts a node of `count` samples towards the next cancellation check.
  private func checkCancellation(nodeSamples count: Int) throws(LearnError) {
    try checkpoint.check(after: count &* settings.maxFeatures, "while growing a tree, after \(nodeFeature.count) nodes")
  }

  private func growDepthFirst() throws(LearnError) {
    struct Pending {
      var start: Int, end: Int, depth: Int, parent: Int, isLeft: Bool, impurity: Double, constants: Int
    }
    var stack = [Pending(start: 0, end: sampleTotal, depth: 0, parent: -1, isLeft: false, impurity: .infinity, constants: 0)]
    var first = true
    while let record = stack.popLast() {
      let start = record.start, end = record.end, count = end - start
      try checkCancellation(nodeSamples: count)
      resetNode(start, end)
      var impurity = record.impurity
      if first {
        impurity = currentImpurity()
        first = false
      }
      var isLeaf = stopsBeforeSplitting(count: count, depth: record.depth, impurity: impurity)
      var constants = record.constants
      var split = SplitRecord(pos: end)
      if !isLeaf {
        split = splitNode(start, end, impurity: impurity, constants: &constants)
        isLeaf = split.pos >= end || split.improvement + pureImpurity < settings.minImpurityDecrease
      }
      let id = addNode(parent: record.parent, isLeft: record.isLeft, isLeaf: isLeaf, split: split, impurity: impurity,
                       count: count)
      if !isLeaf {
        stack.append(Pending(start: split.pos, end: end, depth: record.depth + 1, parent: id, isLeft: false,
                             impurity: split.impurityRight, constants: constants))
        stack.append(Pending(start: start, end: split.pos, depth: record.depth + 1, parent: id, isLeft: true,
                             impurity: split.impurityLeft, constants: constants))
      }
    }
  }

  /// A node waiting to be expanded by best-first growth.
  private struct FrontierRecord {
    var node: Int, start: Int, end: Int, pos: Int, depth: Int, isLeaf: Bool
    var impurityLeft: Double, impurityRight: Double, improvement: Double

    /// Larger improvement first; among equal improvements, the older (smaller) node.
    func precedes(_ other: FrontierRecord) -> Bool {
      improvement > other.improvement || (improvement == other.improvement && node < other.node)
    }
  }

  private func frontierRecord(start: Int, end: Int, parent: Int, isLeft: Bool, depth: Int, impurity parentImpurity: Double?)
    -> FrontierRecord
  {
    resetNode(start, end)
    let impurity = parentImpurity ?? currentImpurity()
    let count = end - start
    var isLeaf = stopsBeforeSplitting(count: count, depth: depth, impurity: impurity)
    var split = SplitRecord(pos: end)
    if !isLeaf {
      var constants = 0  // best-first growth does not carry constant features between nodes
      split = splitNode(start, end, impurity: impurity, constants: &constants)
      isLeaf = split.pos >= end || split.improvement + pureImpurity < settings.minImpurityDecrease
    }
    let id = addNode(parent: parent, isLeft: isLeft, isLeaf: isLeaf, split: split, impurity: impurity, count: count)
    if isLeaf {
      return FrontierRecord(node: id, start: start, end: end, pos: end, depth: depth, isLeaf: true,
                            impurityLeft: impurity, impurityRight: impurity, improvement: 0)
    }
    return FrontierRecord(node: id, start: start, end: end, pos: split.pos, depth: depth, isLeaf: false,
                          impurityLeft: split.impurityLeft, impurityRight: split.impurityRight,
                          improvement: split.improvement)
  }

  private func growBestFirst(maxLeafNodes: Int) throws(LearnError) {
    var heap: [FrontierRecord] = []
    func push(_ record: FrontierRecord) {
      heap.append(record)
      var child = heap.count - 1
      while child > 0 {
        let parent = (child - 1) / 2
        guard heap[child].precedes(heap[parent]) else { break }
        heap.swapAt(child, parent)
        child = parent
      }
    }
    func pop() -> FrontierRecord? {
      guard !heap.isEmpty else { return nil }
      heap.swapAt(0, heap.count - 1)
      let top = heap.removeLast()
      var parent = 0
      while true {
        let l = 2 * parent + 1, r = l + 1
        var first = parent
        if l < heap.count && heap[l].precedes(heap[first]) { first = l }
        if r < heap.count && heap[r].precedes(heap[first]) { first = r }
        if first == parent { break }
        heap.swapAt(parent, first)
        parent = first
      }
      return top
    }
    var splitsLeft = maxLeafNodes - 1
    push(frontierRecord(start: 0, end: sampleTotal, parent: -1, isLeft: false, depth: 0, impurity: nil))
    while let record = pop() {
      if record.isLeaf || splitsLeft <= 0 {
        nodeLeft[record.node] = Tree.leaf
        nodeRight[record.node] = Tree.leaf
        nodeFeature[record.node] = Tree.undefined
        nodeThreshold[record.node] = Double(Tree.undefined)
        continue
      }
      splitsLeft -= 1
      try checkCancellation(nodeSamples: record.end - record.start)
      let left = frontierRecord(start: record.start, end: record.pos, parent: record.node, isLeft: true,
                                depth: record.depth + 1, impurity: record.impurityLeft)
      let right = frontierRecord(start: record.pos, end: record.end, parent: record.node, isLeft: false,
                                 depth: record.depth + 1, impurity: record.impurityRight)
      push(left)
      push(right)
    }
  }

  // MARK: Node statistics

  /// Sets the node totals (`sumTotal`, ``weightedNode``, and for absolute error the target ranks,
  /// median and error) for samples `start ..< end`.
  func resetNode(_ start: Int, _ end: Int) {
    var w = 0.0
    switch criterion {
    case .gini, .entropy:
      for c in 0..<classCount { sumTotal[c] = 0 }
      for p in start..<end {
        let s = Int(truncatingIfNeeded: samples[p])
        let ws = weight[s]
        sumTotal[Int(truncatingIfNeeded: labels[s])] += ws
        w += ws
      }
    case .squaredError:
      var sum = 0.0, squares = 0.0
      for p in start..<end {
        let s = Int(truncatingIfNeeded: samples[p])
        let wy = weightedTarget[s]
        sum += wy
        squares += wy * target[s]
        w += weight[s]
      }
      sumTotal[0] = sum
      squaredSumTotal = squares
    case .absoluteError:
      for p in start..<end { w += weight[Int(truncatingIfNeeded: samples[p])] }
      rankTargets(start, end)
    }
    weightedNode = w
  }

  /// The impurity of the current node from its totals (used for the root; children get theirs
  /// from the parent's split, as in scikit-learn).
  func currentImpurity() -> Double {
    switch criterion {
    case .gini:
      var squares = 0.0
      for c in 0..<classCount { squares += sumTotal[c] * sumTotal[c] }
      return 1.0 - squares / (weightedNode * weightedNode)
    case .entropy:
      var entropy = 0.0
      for c in 0..<classCount where sumTotal[c] > 0 {
        let p = sumTotal[c] / weightedNode
        entropy -= p * (log(p) / ln2)
      }
      return entropy
    case .squaredError:
      let mean = sumTotal[0] / weightedNode
      return squaredSumTotal / weightedNode - mean * mean
    case .absoluteError:
      return nodeAbsoluteError / weightedNode
    }
  }

  // MARK: Split search

  /// The best split of samples `start ..< end` (``SplitRecord/pos`` is `end` when there is none);
  /// reorders the samples so the left child is `start ..< pos`. `constants` is the number of
  /// features known to be constant here (the first entries of `constantFeatures`); it is updated
  /// with the ones found now.
  func splitNode(_ start: Int, _ end: Int, impurity: Double, constants: inout Int) -> SplitRecord {
    best = SplitRecord(pos: end)
    bestProxy = -.infinity
    let known = constants
    var found = 0
    if examinesAll {
      // Every feature is examined, in index order: the first of equally good splits wins, so ties
      // go to the lowest feature index, whatever the seed.
      for k in 0..<known { knownConstant[constantFeatures[k]] = true }
      for f in 0..<featureCount where !knownConstant[f] {
        if evaluate(feature: f, start, end) {
          constantFeatures[known + found] = f
          found += 1
        }
      }
      for k in 0..<known { knownConstant[constantFeatures[k]] = false }
      constants = known + found
    } else {
      // scikit-learn's sampling without replacement (a Fisher–Yates draw over `features`), which
      // skips features known to be constant and keeps drawing until a non-constant one is found.
      var unseen = featureCount, visited = 0, drawnConstants = 0, totalConstants = known
      while unseen > totalConstants
              && (visited < settings.maxFeatures || visited <= found + drawnConstants) {
        visited += 1
        var j = drawnConstants + generator.nextInt(below: unseen - found - drawnConstants)
        if j < known {
          features.swapAt(drawnConstants, j)
          drawnConstants += 1
          continue
        }
        j += found
        let f = features[j]
        if evaluate(feature: f, start, end) {
          features.swapAt(j, totalConstants)
          found += 1
          totalConstants += 1
          continue
        }
        unseen -= 1
        features.swapAt(unseen, j)
      }
      for k in 0..<known { features[k] = constantFeatures[k] }
      for k in known..<totalConstants { constantFeatures[k] = features[k] }
      constants = totalConstants
    }
    if best.pos < end {
      let valueBase = offsets[best.feature]
      if isBinned[best.feature] {
        // A binned feature splits at the upper edge of the last bin going left.
        best.threshold = binEdges[valueBase + Int(best.thresholdRank)]
      } else if let upper = best.upperRank {
        best.threshold = Double(values[valueBase + Int(best.thresholdRank)]) / 2.0 + Double(values[valueBase + Int(upper)]) / 2.0
      }
      finishSplit(start, end, impurity: impurity)
    }
    return best
  }

  /// Examines feature `f` for the node, updating ``best``; returns whether `f` is constant there.
  private func evaluate(feature f: Int, _ start: Int, _ end: Int) -> Bool {
    if settings.splitter == .random { return evaluateRandom(f, start, end) }
    let m = end - start
    if criterion.isClassification {
      let distinct = offsets[f + 1] - offsets[f]
      if distinct * classCount <= histogramCapacity && distinct * (2 * classCount + 1) <= 4 * m {
        return criterion == .gini && classCount == 2 ? scanBinaryGiniByValue(f, start, end) : scanClassesByValue(f, start, end)
      }
    }
    guard let low = sortSamples(by: f, start, end) else { return true }
    let base = offsets[f] + Int(low)
    let limits: UnsafePointer<UInt32>? = hasNearTies[f] ? tieLimits + base : nil
    switch criterion {
    case .gini where classCount == 2: scanBinaryGiniSorted(f, start, end, base: base, low: low, limits: limits)
    case .gini, .entropy: scanClassesSorted(f, start, end, base: base, low: low, limits: limits)
    case .squaredError: scanValuesSorted(f, start, end, base: base, low: low, limits: limits)
    case .absoluteError: scanAbsoluteErrorSorted(f, start, end, base: base, low: low, limits: limits)
    }
    return false
  }

  /// The proxy scikit-learn maximises for classification: `−w_R · impurity_R − w_L · impurity_L`,
  /// with the right sums taken as total minus left.
  @inline(__always)
  private func classProxy(_ wL: Double, _ wR: Double) -> Double {
    let (impurityLeft, impurityRight) = childClassImpurities(wL, wR)
    return -wR * impurityRight - wL * impurityLeft
  }

  /// The Gini impurities or entropies of the left child (``sumLeft``, weight `wL`) and the right
  /// child (total minus left, weight `wR`).
  @inline(__always)
  private func childClassImpurities(_ wL: Double, _ wR: Double) -> (Double, Double) {
    guard criterion == .gini else { return childEntropies(wL, wR) }
    var squaresLeft = 0.0, squaresRight = 0.0
    for c in 0..<classCount {
      let l = sumLeft[c], r = sumTotal[c] - l
      squaresLeft += l * l
      squaresRight += r * r
    }
    return (1.0 - squaresLeft / (wL * wL), 1.0 - squaresRight / (wR * wR))
  }

  @inline(__always)
  private func childEntropies(_ wL: Double, _ wR: Double) -> (Double, Double) {
    var entropyLeft = 0.0, entropyRight = 0.0
    for c in 0..<classCount {
      var l = sumLeft[c]
      if l > 0 {
        l /= wL
        entropyLeft -= l * (log(l) / ln2)
      }
      var r = sumTotal[c] - sumLeft[c]
      if r > 0 {
        r /= wR
        entropyRight -= r * (log(r) / ln2)
      }
    }
    return (entropyLeft, entropyRight)
  }

  /// Records a candidate split if its proxy beats the best so far (strictly: the first of equal
  /// candidates wins).
  @inline(__always)
  private func offer(_ proxy: Double, feature f: Int, pos: Int, rank: UInt32, upperRank: UInt32) {
    if proxy > bestProxy {
      bestProxy = proxy
      best.pos = pos
      best.feature = f
      best.thresholdRank = rank
      best.upperRank = upperRank
    }
  }

  /// Fills ``histogram`` (`classCount` weights per value) and ``histogramCount`` (rows per value)
  /// with the node's samples for feature `f`; returns the lowest and highest rank present, or
  /// `nil` when the feature is constant on the node.
  private func fillClassHistogram(_ f: Int, _ start: Int, _ end: Int) -> (low: Int, high: Int)? {
    let k = classCount
    let base = offsets[f]
    let distinct = offsets[f + 1] - base
    let column = ranks + f &* rowCount
    histogram.update(repeating: 0, count: distinct * k)
    histogramCount.update(repeating: 0, count: distinct)
    var low = Int.max, high = 0
    for p in start..<end {
      let s = Int(truncatingIfNeeded: samples[p])
      let r = Int(truncatingIfNeeded: column[s])
      histogram[r &* k &+ Int(truncatingIfNeeded: labels[s])] += weight[s]
      histogramCount[r] &+= 1
      if r < low { low = r }
      if r > high { high = r }
    }
    return isConstant(f, low: UInt32(low), high: UInt32(high)) ? nil : (low, high)
  }

  /// ``classProxy(_:_:)`` for the Gini impurity of two classes, from the class sums on each side:
  /// the same arithmetic, so the same value.
  @inline(__always)
  static func binaryGiniProxy(_ left0: Double, _ left1: Double, _ wL: Double, right0: Double, right1: Double, _ wR: Double)
    -> Double
  {
    let giniLeft = 1.0 - (left0 * left0 + left1 * left1) / (wL * wL)
    let giniRight = 1.0 - (right0 * right0 + right1 * right1) / (wR * wR)
    return -wR * giniRight - wL * giniLeft
  }

  /// The next rank after `r`, up to `high`, that some sample of the histogram holds.
  @inline(__always)
  private func nextPresentValue(after r: Int, high: Int) -> Int? {
    var next = r + 1
    while next <= high && histogramCount[next] == 0 { next += 1 }
    return next > high ? nil : next
  }

  /// Whether a histogram scan may split feature `f` between ranks `lower` and `upper` with
  /// `countLeft` of the node's `m` samples and weight `wL` on the left: the values are not tied,
  /// and both children keep their minimum samples and weight.
  @inline(__always)
  private func splitsBetweenValues(_ f: Int, _ lower: Int, _ upper: Int, countLeft: Int, m: Int, wL: Double) -> Bool {
    if areTied(f, UInt32(lower), UInt32(upper)) { return false }
    if countLeft < settings.minSamplesLeaf || m - countLeft < settings.minSamplesLeaf { return false }
    let wR = weightedNode - wL
    return wL >= minWeightLeaf && wR >= minWeightLeaf
  }

  /// Classification by per-value class histograms (a feature with few distinct values in a large
  /// node): no sort, one pass over the samples and one over the values.
  private func scanClassesByValue(_ f: Int, _ start: Int, _ end: Int) -> Bool {
    guard let (low, high) = fillClassHistogram(f, start, end) else { return true }
    let k = classCount
    let m = end - start
    for c in 0..<k { sumLeft[c] = 0 }
    var wL = 0.0, countLeft = 0
    var previous = low
    var r = low
    while true {
      // Move value `r` to the left.
      let row = histogram + r &* k
      for c in 0..<k {
        sumLeft[c] += row[c]
        wL += row[c]
      }
      countLeft &+= Int(histogramCount[r])
      previous = r
      guard let next = nextPresentValue(after: r, high: high) else { break }
      r = next
      guard splitsBetweenValues(f, previous, r, countLeft: countLeft, m: m, wL: wL) else { continue }
      let wR = weightedNode - wL
      offer(classProxy(wL, wR), feature: f, pos: start + countLeft, rank: UInt32(previous), upperRank: UInt32(r))
    }
    return false
  }

  /// ``scanClassesByValue(_:_:_:)`` for the Gini impurity of two classes, with the class sums in
  /// registers; the arithmetic is the general scan's (its sums and ``classProxy(_:_:)``), so the
  /// splits are the same.
  private func scanBinaryGiniByValue(_ f: Int, _ start: Int, _ end: Int) -> Bool {
    guard let (low, high) = fillClassHistogram(f, start, end) else { return true }
    let m = end - start
    let total0 = sumTotal[0], total1 = sumTotal[1], node = weightedNode
    var left0 = 0.0, left1 = 0.0, wL = 0.0, countLeft = 0
    var best = bestProxy, bestCount = -1, bestPrevious = 0, bestNext = 0
    var previous = low, r = low
    while true {
      let w0 = histogram[r &* 2], w1 = histogram[r &* 2 &+ 1]
      left0 += w0
      wL += w0
      left1 += w1
      wL += w1
      countLeft &+= Int(histogramCount[r])
      previous = r
      guard let next = nextPresentValue(after: r, high: high) else { break }
      r = next
      guard splitsBetweenValues(f, previous, r, countLeft: countLeft, m: m, wL: wL) else { continue }
      let wR = node - wL
      let proxy = Self.binaryGiniProxy(left0, left1, wL, right0: total0 - left0, right1: total1 - left1, wR)
      if proxy > best {
        best = proxy
        bestCount = countLeft
        bestPrevious = previous
        bestNext = r
      }
    }
    if bestCount >= 0 {
      offer(best, feature: f, pos: start + bestCount, rank: UInt32(bestPrevious), upperRank: UInt32(bestNext))
    }
    return false
  }

  /// Sorts samples `start ..< end` by feature `f` into ``sortedSamples``, leaving their ranks
  /// minus the smallest in `keys[0 ..< end - start]` (``samples`` keeps its order); returns the
  /// smallest rank, or `nil` when the feature is constant on the node (its values span at most
  /// ``tieTolerance``).
  private func sortSamples(by f: Int, _ start: Int, _ end: Int) -> UInt32? {
    let m = end - start
    let column = ranks + f &* rowCount
    let nodeSamples = samples + start
    var low = UInt32.max, high: UInt32 = 0
    for i in 0..<m {
      let key = column[Int(truncatingIfNeeded: nodeSamples[i])]
      keys[i] = key
      if key < low { low = key }
      if key > high { high = key }
    }
    if isConstant(f, low: low, high: high) { return nil }
    if m <= 24 {
      for i in 0..<m { keys[i] &-= low }
      sortedSamples.update(from: nodeSamples, count: m)
      insertionSort(m)
    } else {
      let plan = RadixPlan(m: m, range: high - low)
      countDigits(m, low: low, plan: plan)
      radixSort(m, nodeSamples, plan: plan)
    }
    return low
  }

  /// Whether feature `f` is constant on a node whose ranks run from `low` to `high`: whether
  /// its values there span at most ``tieTolerance``. Read from the ranks alone when the feature
  /// has no near ties, and otherwise from its tie limits: no value is read.
  @inline(__always)
  private func isConstant(_ f: Int, low: UInt32, high: UInt32) -> Bool {
    hasNearTies[f] ? areTied(f, low, high) : high == low
  }

  /// Whether ranks `lower ≤ upper` of feature `f` hold tied values (within ``tieTolerance``),
  /// by the tie limits that ``TrainingSet`` derives from the values once per fit.
  @inline(__always)
  private func areTied(_ f: Int, _ lower: UInt32, _ upper: UInt32) -> Bool {
    upper <= tieLimits[offsets[f] + Int(lower)]
  }

  /// Sorts `keys[0 ..< m]` with ``sortedSamples`` alongside, in place (stable).
  private func insertionSort(_ m: Int) {
    var i = 1
    while i < m {
      let key = keys[i], sample = sortedSamples[i]
      var j = i
      while j > 0 && keys[j - 1] > key {
        keys[j] = keys[j - 1]
        sortedSamples[j] = sortedSamples[j - 1]
        j -= 1
      }
      keys[j] = key
      sortedSamples[j] = sample
      i += 1
    }
  }

  /// Room for the radix sort's digit counts: up to four passes (32-bit keys in digits of at least
  /// 8 bits) of up to 2¹¹ buckets.
  static let radixCountCapacity = 4 << 11

  /// A stable least-significant-digit radix sort of `keys[0 ..< m]` with `nodeSamples` alongside,
  /// into ``keys`` and ``sortedSamples``, by the digits of `plan`, whose counts ``radixCounts``
  /// already holds. A digit equal for all keys is skipped; each other takes a prefix sum and a
  /// scatter, alternating between the two buffer pairs so that the last lands in ``keys`` and
  /// ``sortedSamples`` (`nodeSamples` is only read).
  private func radixSort(_ m: Int, _ nodeSamples: UnsafeMutablePointer<Int32>, plan: RadixPlan) {
    let buckets = plan.buckets, mask = plan.mask
    // The digits that differ between keys (bit `pass` set), found before any key moves.
    var varying = 0
    for pass in 0..<plan.passes {
      let counts = radixCounts + pass &* buckets
      let first = Int(truncatingIfNeeded: (keys[0] &>> (UInt32(pass) &* plan.width)) & mask)
      if counts[first] != m { varying |= 1 << pass }
    }
    var scatters = varying.nonzeroBitCount
    guard scatters > 0 else {
      sortedSamples.update(from: nodeSamples, count: m)
      return
    }
    // The keys are gathered in `keys`; with an odd number of scatters, they start from the
    // other buffer so the last scatter writes `keys`.
    if scatters % 2 == 1 { swap(&keys, &spareKeys) }
    var sourceKeys = scatters % 2 == 1 ? spareKeys : keys, sourceSamples = nodeSamples
    for pass in 0..<plan.passes where varying & (1 << pass) != 0 {
      let toFinal = scatters % 2 == 1
      scatters -= 1
      let targetKeys = toFinal ? keys : spareKeys, targetSamples = toFinal ? sortedSamples : spareSamples
      let shift = UInt32(pass) &* plan.width
      let counts = radixCounts + pass &* buckets
      var total = 0
      for b in 0..<buckets {
        let count = counts[b]
        counts[b] = total
        total &+= count
      }
      for i in 0..<m {
        let key = sourceKeys[i]
        let b = Int(truncatingIfNeeded: (key &>> shift) & mask)
        let at = counts[b]
        counts[b] = at &+ 1
        targetKeys[at] = key
        targetSamples[at] = sourceSamples[i]
      }
      sourceKeys = targetKeys
      sourceSamples = targetSamples
    }
  }

  /// Subtracts `low` from `keys[0 ..< m]` and counts each digit of `plan` into ``radixCounts``,
  /// one block of buckets per digit.
  private func countDigits(_ m: Int, low: UInt32, plan: RadixPlan) {
    let buckets = plan.buckets, mask = plan.mask, width = plan.width
    radixCounts.update(repeating: 0, count: buckets &* plan.passes)
    let second = radixCounts + buckets
    switch plan.passes {
    case 1:
      for i in 0..<m {
        let key = keys[i] &- low
        keys[i] = key
        radixCounts[Int(truncatingIfNeeded: key)] &+= 1
      }
    case 2:
      for i in 0..<m {
        let key = keys[i] &- low
        keys[i] = key
        radixCounts[Int(truncatingIfNeeded: key & mask)] &+= 1
        second[Int(truncatingIfNeeded: key &>> width)] &+= 1
      }
    default:
      for i in 0..<m {
        var key = keys[i] &- low
        keys[i] = key
        for pass in 0..<plan.passes {
          radixCounts[pass &* buckets &+ Int(truncatingIfNeeded: key & mask)] &+= 1
          key = key &>> width
        }
      }
    }
  }

  /// The next split position after `p` in the sorted node: skips values tied with their
  /// predecessor (equal ranks, or with near ties, ranks up to the predecessor's tie limit;
  /// `limits` is indexed by the relative keys).
  @inline(__always)
  private func nextPosition(after p: Int, _ m: Int, low: UInt32, limits: UnsafePointer<UInt32>?) -> Int {
    var q = p &+ 1
    if let limits {
      while q < m && keys[q] &+ low <= limits[Int(truncatingIfNeeded: keys[q &- 1])] { q &+= 1 }
    } else {
      while q < m && keys[q] == keys[q &- 1] { q &+= 1 }
    }
    return q
  }

  /// The Gini scan for two classes, with the class sums in registers. The arithmetic is the general
  /// scan's: adding `w · 0` to a sum leaves it unchanged, so the sums round alike.
  private func scanBinaryGiniSorted(_ f: Int, _ start: Int, _ end: Int, base: Int, low: UInt32,
                                    limits: UnsafePointer<UInt32>?) {
    let m = end - start, minLeaf = settings.minSamplesLeaf, minWeight = minWeightLeaf
    let nodeSamples = sortedSamples
    let total = SIMD2(sumTotal[0], sumTotal[1]), node = weightedNode
    var left = SIMD2<Double>(0, 0), wL = 0.0, pos = 0, p = 0
    var best = bestProxy
    var bestAt = -1
    while p < m {
      p = nextPosition(after: p, m, low: low, limits: limits)
      if p >= m { break }
      if p < minLeaf || m &- p < minLeaf { continue }
      if p == pos &+ 1 {
        // The usual step, one sample (p < m, so the left end is the nearer one): no loop.
        let pair = classWeights[Int(truncatingIfNeeded: nodeSamples[pos])]
        left += pair
        wL += pair.x + pair.y
      } else if p &- pos <= m &- p {
        for i in pos..<p {
          let pair = classWeights[Int(truncatingIfNeeded: nodeSamples[i])]
          left += pair
          wL += pair.x + pair.y
        }
      } else {
        left = total
        wL = node
        var i = m &- 1
        while i >= p {
          let pair = classWeights[Int(truncatingIfNeeded: nodeSamples[i])]
          left -= pair
          wL -= pair.x + pair.y
          i &-= 1
        }
      }
      pos = p
      let wR = node - wL
      if wL < minWeight || wR < minWeight { continue }
      let right = total - left
      let proxy = Self.binaryGiniProxy(left.x, left.y, wL, right0: right.x, right1: right.y, wR)
      if proxy > best {
        best = proxy
        bestAt = p
      }
    }
    if bestAt >= 0 {
      offer(best, feature: f, pos: start + bestAt, rank: low + keys[bestAt - 1], upperRank: low + keys[bestAt])
    }
  }

  /// Classification over the sorted node, moving samples to the left as scikit-learn's
  /// `ClassificationCriterion.update` does (from whichever end is closer), so the sums round alike.
  private func scanClassesSorted(_ f: Int, _ start: Int, _ end: Int, base: Int, low: UInt32,
                                 limits: UnsafePointer<UInt32>?) {
    let m = end - start, k = classCount, minLeaf = settings.minSamplesLeaf
    let nodeSamples = sortedSamples
    for c in 0..<k { sumLeft[c] = 0 }
    var wL = 0.0, pos = 0, p = 0
    while p < m {
      p = nextPosition(after: p, m, low: low, limits: limits)
      if p >= m { break }
      if p < minLeaf || m - p < minLeaf { continue }
      if p - pos <= m - p {
        for i in pos..<p {
          let s = Int(truncatingIfNeeded: nodeSamples[i])
          let w = weight[s]
          sumLeft[Int(truncatingIfNeeded: labels[s])] += w
          wL += w
        }
      } else {
        for c in 0..<k { sumLeft[c] = sumTotal[c] }
        wL = weightedNode
        var i = m - 1
        while i >= p {
          let s = Int(truncatingIfNeeded: nodeSamples[i])
          let w = weight[s]
          sumLeft[Int(truncatingIfNeeded: labels[s])] -= w
          wL -= w
          i -= 1
        }
      }
      pos = p
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { continue }
      let proxy = classProxy(wL, wR)
      if proxy > bestProxy {
        offer(proxy, feature: f, pos: start + p, rank: low + keys[p - 1], upperRank: low + keys[p])
      }
    }
  }

  /// Squared error over the sorted node (scikit-learn's `MSE.proxy_impurity_improvement`).
  private func scanValuesSorted(_ f: Int, _ start: Int, _ end: Int, base: Int, low: UInt32,
                                limits: UnsafePointer<UInt32>?) {
    let m = end - start, minLeaf = settings.minSamplesLeaf
    let nodeSamples = sortedSamples
    let total = sumTotal[0]
    var sumL = 0.0, wL = 0.0, pos = 0, p = 0
    while p < m {
      p = nextPosition(after: p, m, low: low, limits: limits)
      if p >= m { break }
      if p < minLeaf || m - p < minLeaf { continue }
      if p - pos <= m - p {
        for i in pos..<p {
          let s = Int(truncatingIfNeeded: nodeSamples[i])
          sumL += weightedTarget[s]
          wL += weight[s]
        }
      } else {
        sumL = total
        wL = weightedNode
        var i = m - 1
        while i >= p {
          let s = Int(truncatingIfNeeded: nodeSamples[i])
          sumL -= weightedTarget[s]
          wL -= weight[s]
          i -= 1
        }
      }
      pos = p
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { continue }
      let sumR = total - sumL
      let proxy = sumL * sumL / wL + sumR * sumR / wR
      if proxy > bestProxy {
        offer(proxy, feature: f, pos: start + p, rank: low + keys[p - 1], upperRank: low + keys[p])
      }
    }
  }

  /// Absolute error over the sorted node: the errors of every prefix and suffix come from two
  /// passes of a weighted Fenwick tree over the node's target ranks (scikit-learn's `MAE`).
  private func scanAbsoluteErrorSorted(_ f: Int, _ start: Int, _ end: Int, base: Int, low: UInt32,
                                       limits: UnsafePointer<UInt32>?) {
    let m = end - start, minLeaf = settings.minSamplesLeaf
    let nodeSamples = sortedSamples
    absoluteErrors(nodeSamples, m, forward: true, into: leftError)
    absoluteErrors(nodeSamples, m, forward: false, into: rightError)
    var wL = 0.0, pos = 0, p = 0
    while p < m {
      p = nextPosition(after: p, m, low: low, limits: limits)
      if p >= m { break }
      if p < minLeaf || m - p < minLeaf { continue }
      for i in pos..<p { wL += weight[Int(truncatingIfNeeded: nodeSamples[i])] }
      pos = p
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { continue }
      let impurityLeft = leftError[p - 1] / wL, impurityRight = rightError[p] / wR
      let proxy = -wR * impurityRight - wL * impurityLeft
      if proxy > bestProxy {
        offer(proxy, feature: f, pos: start + p, rank: low + keys[p - 1], upperRank: low + keys[p])
      }
    }
  }

  /// The random splitter (extremely randomised trees): one uniform threshold between the node's
  /// smallest and largest value of `f`.
  private func evaluateRandom(_ f: Int, _ start: Int, _ end: Int) -> Bool {
    let column = ranks + f &* rowCount
    var low = UInt32.max, high: UInt32 = 0
    for p in start..<end {
      let key = column[Int(truncatingIfNeeded: samples[p])]
      if key < low { low = key }
      if key > high { high = key }
    }
    if isConstant(f, low: low, high: high) { return true }
    let base = offsets[f]
    let minimum = values[base + Int(low)], maximum = values[base + Int(high)]
    var threshold = (Double(maximum) - Double(minimum)) * generator.nextUniform() + Double(minimum)
    if threshold == Double(maximum) { threshold = Double(minimum) }
    // The largest rank whose value is at most the threshold.
    var lo = Int(low), hi = Int(high)
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if Double(values[base + mid]) <= threshold { lo = mid } else { hi = mid - 1 }
    }
    let rank = UInt32(lo)
    let m = end - start, minLeaf = settings.minSamplesLeaf
    var countLeft = 0, wL = 0.0
    var proxy = 0.0
    switch criterion {
    case .gini, .entropy:
      for c in 0..<classCount { sumLeft[c] = 0 }
      for p in start..<end {
        let s = Int(truncatingIfNeeded: samples[p])
        if column[s] <= rank {
          let w = weight[s]
          sumLeft[Int(truncatingIfNeeded: labels[s])] += w
          wL += w
          countLeft &+= 1
        }
      }
      if countLeft < minLeaf || m - countLeft < minLeaf { return false }
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { return false }
      proxy = classProxy(wL, wR)
    case .squaredError:
      var sumL = 0.0
      for p in start..<end {
        let s = Int(truncatingIfNeeded: samples[p])
        if column[s] <= rank {
          sumL += weightedTarget[s]
          wL += weight[s]
          countLeft &+= 1
        }
      }
      if countLeft < minLeaf || m - countLeft < minLeaf { return false }
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { return false }
      let sumR = sumTotal[0] - sumL
      proxy = sumL * sumL / wL + sumR * sumR / wR
    case .absoluteError:
      var l = 0, r = m
      for p in start..<end {
        let s = samples[p]
        if column[Int(truncatingIfNeeded: s)] <= rank {
          spareSamples[l] = s
          l += 1
          wL += weight[Int(truncatingIfNeeded: s)]
        } else {
          r -= 1
          spareSamples[r] = s
        }
      }
      countLeft = l
      if countLeft < minLeaf || m - countLeft < minLeaf { return false }
      let wR = weightedNode - wL
      if wL < minWeightLeaf || wR < minWeightLeaf { return false }
      absoluteErrors(spareSamples, l, forward: true, into: leftError)
      let errorLeft = leftError[l - 1]
      absoluteErrors(spareSamples + l, m - l, forward: true, into: leftError)
      let errorRight = leftError[m - l - 1]
      proxy = -wR * (errorRight / wR) - wL * (errorLeft / wL)
    }
    if proxy > bestProxy {
      bestProxy = proxy
      best.pos = start + countLeft
      best.feature = f
      best.threshold = threshold
      best.thresholdRank = rank
      best.upperRank = nil
    }
    return false
  }

  /// Moves the left child's samples to `start ..< best.pos` and computes the children's impurities
  /// and the split's weighted impurity decrease, as scikit-learn does once the best split is known.
  private func finishSplit(_ start: Int, _ end: Int, impurity: Double) {
    let column = ranks + best.feature &* rowCount
    let rank = best.thresholdRank
    // A stable partition, so both children keep their samples in row order.
    var left = start, right = 0
    for p in start..<end {
      let s = samples[p]
      if column[Int(truncatingIfNeeded: s)] <= rank {
        samples[left] = s
        left &+= 1
      } else {
        spareSamples[right] = s
        right &+= 1
      }
    }
    (samples + left).update(from: spareSamples, count: right)
    let pos = best.pos
    var wL = 0.0, impurityLeft = 0.0, impurityRight = 0.0
    switch criterion {
    case .gini, .entropy:
      let k = classCount
      if pos - start <= end - pos {
        for c in 0..<k { sumLeft[c] = 0 }
        for p in start..<pos {
          let s = Int(truncatingIfNeeded: samples[p])
          sumLeft[Int(truncatingIfNeeded: labels[s])] += weight[s]
          wL += weight[s]
        }
      } else {
        for c in 0..<k { sumLeft[c] = sumTotal[c] }
        wL = weightedNode
        var p = end - 1
        while p >= pos {
          let s = Int(truncatingIfNeeded: samples[p])
          sumLeft[Int(truncatingIfNeeded: labels[s])] -= weight[s]
          wL -= weight[s]
          p -= 1
        }
      }
      (impurityLeft, impurityRight) = childClassImpurities(wL, weightedNode - wL)
    case .squaredError:
      var sumL = 0.0
      if pos - start <= end - pos {
        for p in start..<pos {
          let s = Int(truncatingIfNeeded: samples[p])
          sumL += weightedTarget[s]
          wL += weight[s]
        }
      } else {
        sumL = sumTotal[0]
        wL = weightedNode
        var p = end - 1
        while p >= pos {
          let s = Int(truncatingIfNeeded: samples[p])
          sumL -= weightedTarget[s]
          wL -= weight[s]
          p -= 1
        }
      }
      var squaresLeft = 0.0
      for p in start..<pos {
        let s = Int(truncatingIfNeeded: samples[p])
        squaresLeft += weightedTarget[s] * target[s]
      }
      let wR = weightedNode - wL
      let sumR = sumTotal[0] - sumL
      let meanLeft = sumL / wL, meanRight = sumR / wR
      impurityLeft = squaresLeft / wL - meanLeft * meanLeft
      impurityRight = (squaredSumTotal - squaresLeft) / wR - meanRight * meanRight
    case .absoluteError:
      for p in start..<pos { wL += weight[Int(truncatingIfNeeded: samples[p])] }
      let wR = weightedNode - wL
      absoluteErrors(samples + start, pos - start, forward: true, into: leftError)
      impurityLeft = leftError[pos - start - 1] / wL
      absoluteErrors(samples + pos, end - pos, forward: true, into: leftError)
      impurityRight = leftError[end - pos - 1] / wR
    }
    let wR = weightedNode - wL
    best.impurityLeft = impurityLeft
    best.impurityRight = impurityRight
    best.improvement = (weightedNode / totalWeight)
      * (impurity - wR / weightedNode * impurityRight - wL / weightedNode * impurityLeft)
  }

  // MARK: Absolute error

  /// Ranks the node's targets (`sortedTarget` ascending, `targetRank` per row) and sets the node's
  /// weighted median and absolute error. Heap sort: in place, no allocation.
  private func rankTargets(_ start: Int, _ end: Int) {
    let m = end - start
    rankedCount = m
    for i in 0..<m { spareSamples[i] = samples[start + i] }
    // Heap sort of spareSamples[0 ..< m] by target.
    func less(_ a: Int32, _ b: Int32) -> Bool {
      let ya = target[Int(truncatingIfNeeded: a)], yb = target[Int(truncatingIfNeeded: b)]
      return ya < yb || (ya == yb && a < b)
    }
    func siftDown(_ root: Int, _ count: Int) {
      var parent = root
      while true {
        let l = 2 * parent + 1
        if l >= count { return }
        var larger = l
        if l + 1 < count && less(spareSamples[l], spareSamples[l + 1]) { larger = l + 1 }
        if !less(spareSamples[parent], spareSamples[larger]) { return }
        spareSamples.swapAt(parent, larger)
        parent = larger
      }
    }
    var i = m / 2 - 1
    while i >= 0 {
      siftDown(i, m)
      i -= 1
    }
    var last = m - 1
    while last > 0 {
      spareSamples.swapAt(0, last)
      siftDown(0, last)
      last -= 1
    }
    var totalW = 0.0, totalWY = 0.0
    for r in 0..<m {
      let s = Int(truncatingIfNeeded: spareSamples[r])
      sortedTarget[r] = target[s]
      targetRank[s] = Int32(r)
      totalW += weight[s]
      totalWY += weightedTarget[s]
    }
    // The weighted median: the first value whose cumulative weight exceeds half the total, or the
    // midpoint with the previous value when that one's cumulative weight is exactly half.
    let half = 0.5 * totalW
    var cumulative = 0.0, cumulativeY = 0.0, r = 0
    while r < m - 1 {
      let s = Int(truncatingIfNeeded: spareSamples[r])
      let next = cumulative + weight[s]
      if next > half { break }
      cumulative = next
      cumulativeY += weightedTarget[s]
      r += 1
    }
    let median = cumulative == half && r > 0 ? (sortedTarget[r - 1] + sortedTarget[r]) / 2 : sortedTarget[r]
    let wRight = totalW - cumulative, wyRight = totalWY - cumulativeY
    nodeMedian = median
    nodeAbsoluteError = (wyRight - median * wRight) + (median * cumulative - cumulativeY)
  }

  /// For each `i`, the weighted absolute error around the weighted median of the samples added so
  /// far (`samples[0 ... i]` forward, `samples[i ..< m]` backward), written to `output[i]`.
  private func absoluteErrors(_ list: UnsafePointer<Int32>, _ m: Int, forward: Bool,
                              into output: UnsafeMutablePointer<Double>) {
    let size = m
    // Fenwick trees over the node's target ranks; ranks of samples outside `list` stay empty.
    let capacity = rankedCount
    fenwickWeight.update(repeating: 0, count: capacity + 1)
    fenwickWeightedTarget.update(repeating: 0, count: capacity + 1)
    var highestBit = 1
    while highestBit <= capacity { highestBit <<= 1 }
    highestBit >>= 1
    var totalW = 0.0, totalWY = 0.0
    for step in 0..<size {
      let i = forward ? step : size - 1 - step
      let s = Int(truncatingIfNeeded: list[i])
      let rank = Int(truncatingIfNeeded: targetRank[s])
      let w = weight[s], wy = w * sortedTarget[rank]
      var index = rank + 1
      while index <= capacity {
        fenwickWeight[index] += w
        fenwickWeightedTarget[index] += wy
        index += index & -index
      }
      totalW += w
      totalWY += wy
      // Find the first rank whose cumulative weight exceeds half the total.
      var target = 0.5 * totalW
      var position = 0, cumulative = 0.0, cumulativeY = 0.0
      var bit = highestBit, exactBit = 0
      while bit != 0 {
        let next = position + bit
        if next <= capacity {
          let nodeWeight = fenwickWeight[next]
          if target == nodeWeight {
            exactBit = bit
            break
          }
          if target > nodeWeight {
            target -= nodeWeight
            position = next
            cumulative += nodeWeight
            cumulativeY += fenwickWeightedTarget[next]
          }
        }
        bit >>= 1
      }
      var median: Double
      if exactBit == 0 {
        median = sortedTarget[position]
      } else {
        // Exactly half the weight lies at or below some rank: the median is the midpoint of that
        // rank's value and the next one present.
        var previous = position, remaining = target
        bit = exactBit
        while bit != 0 {
          let next = previous + bit
          if next <= capacity && remaining > fenwickWeight[next] {
            remaining -= fenwickWeight[next]
            previous = next
          }
          bit >>= 1
        }
        remaining = target
        bit = exactBit
        while bit != 0 {
          let next = position + bit
          if next <= capacity && remaining >= fenwickWeight[next] {
            remaining -= fenwickWeight[next]
            position = next
            cumulative += fenwickWeight[next]
            cumulativeY += fenwickWeightedTarget[next]
          }
          bit >>= 1
        }
        median = (sortedTarget[previous] + sortedTarget[position]) / 2
      }
      let wRight = totalW - cumulative, wyRight = totalWY - cumulativeY
      output[i] = (wyRight - median * wRight) + (median * cumulative - cumulativeY)
    }
  }
}

extension UnsafeMutablePointer {
  /// Exchanges the elements at offsets `i` and `j`.
  @inline(__always)
  fileprivate func swapAt(_ i: Int, _ j: Int) {
    let t = self[i]
    self[i] = self[j]
    self[j] = t
  }
}
