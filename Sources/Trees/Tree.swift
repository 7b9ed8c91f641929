import LearnCore
import LinearAlgebra

/// A fitted binary decision tree: an immutable set of flat arrays with one entry per node, in the
/// layout of scikit-learn's `tree_` (node 0 is the root; a node's children come after it).
///
/// A row goes to the left child of node `i` when `Double(Float(x[feature[i]])) <= threshold[i]`:
/// like scikit-learn, features are rounded to single precision (`Float`) before they are compared
/// with the double-precision thresholds, at training and at prediction.
public struct Tree: Sendable, Hashable {
  /// Marks a leaf in ``left`` and ``right`` (scikit-learn's `TREE_LEAF`).
  public static let leaf = -1
  /// The ``feature`` and ``threshold`` of a leaf (scikit-learn's `TREE_UNDEFINED`).
  public static let undefined = -2

  /// Number of features the tree was fitted on.
  public let featureCount: Int
  /// Entries of ``value`` per node: the class count for a classifier, 1 for a regressor.
  public let valueCount: Int
  /// The feature each node splits on (``undefined`` for leaves).
  public let feature: [Int]
  /// The threshold of each node's split (``undefined`` for leaves).
  public let threshold: [Double]
  /// The left child of each node (``leaf`` for leaves).
  public let left: [Int]
  /// The right child of each node (``leaf`` for leaves).
  public let right: [Int]
  /// Row-major `nodeCount × valueCount`: per node, the weighted class fractions (classifier) or the
  /// mean or median target (regressor) of the training samples that reached it.
  public let value: [Double]
  /// The impurity of each node (Gini, entropy in bits, squared or absolute error).
  public let impurity: [Double]
  /// Number of distinct training rows reaching each node (bootstrap duplicates count once).
  public let sampleCount: [Int]
  /// Total sample weight reaching each node (bootstrap duplicates count by multiplicity).
  public let weightedSampleCount: [Double]
  /// The split arrays interleaved, one 24-byte record per node, for traversal. A leaf points to
  /// itself on both sides with an infinite threshold, so a descent can run a fixed number of steps.
  let packed: [PackedNode]
  /// The longest root-to-leaf path in edges: the steps a descent takes.
  let traversalDepth: Int

  /// A tree from its arrays; `value` holds `valueCount` entries per node. A node's children must
  /// come after it (as in every tree Learn and scikit-learn build) and split features must be in
  /// `0 ..< featureCount`; both are preconditions.
  public init(
    featureCount: Int, valueCount: Int, feature: [Int], threshold: [Double], left: [Int], right: [Int],
    value: [Double], impurity: [Double], sampleCount: [Int], weightedSampleCount: [Double]
  ) {
    precondition(feature.count == threshold.count && feature.count == left.count && feature.count == right.count
                 && value.count == feature.count * valueCount && impurity.count == feature.count
                 && sampleCount.count == feature.count && weightedSampleCount.count == feature.count,
                 "tree arrays must have one entry per node")
    for i in feature.indices where left[i] != Tree.leaf || right[i] != Tree.leaf {
      precondition(left[i] > i && right[i] > i && left[i] < feature.count && right[i] < feature.count
                   && feature[i] >= 0 && feature[i] < featureCount, "node \(i) has invalid children or feature")
    }
    self.featureCount = featureCount
    self.valueCount = valueCount
    self.feature = feature
    self.threshold = threshold
    self.left = left
    self.right = right
    self.value = value
    self.impurity = impurity
    self.sampleCount = sampleCount
    self.weightedSampleCount = weightedSampleCount
    packed = (0..<feature.count).map { i in
      left[i] == Tree.leaf
        ? PackedNode(threshold: .infinity, feature: 0, left: Int32(truncatingIfNeeded: i), right: Int32(truncatingIfNeeded: i))
        : PackedNode(threshold: threshold[i], feature: Int32(truncatingIfNeeded: Swift.max(feature[i], 0)),
                     left: Int32(truncatingIfNeeded: left[i]), right: Int32(truncatingIfNeeded: right[i]))
    }
    // Children come after their parent, so one forward pass gives every node's depth.
    var levels = [Int](repeating: 0, count: feature.count)
    for i in 0..<feature.count where left[i] != Tree.leaf {
      levels[left[i]] = levels[i] + 1
      levels[right[i]] = levels[i] + 1
    }
    traversalDepth = levels.max() ?? 0
  }

  /// Number of nodes (scikit-learn's `tree_.node_count`).
  public var nodeCount: Int { feature.count }

  /// Number of leaves (scikit-learn's `get_n_leaves()`).
  public var leafCount: Int { left.reduce(0) { $0 + ($1 == Tree.leaf ? 1 : 0) } }

  /// The longest path from the root to a leaf, in edges (scikit-learn's `get_depth()`).
  public var depth: Int { traversalDepth }

  /// Whether `node` is a leaf.
  public func isLeaf(_ node: Int) -> Bool { left[node] == Tree.leaf }

  /// The ``value`` entries of `node`.
  public func values(of node: Int) -> ArraySlice<Double> {
    value[node * valueCount ..< (node + 1) * valueCount]
  }

  /// The leaf each row of `x` lands in (scikit-learn's `apply`). Throws for the wrong feature
  /// count or non-finite values.
  public func apply(_ x: Matrix) throws(LearnError) -> [Int] {
    let rows = try SinglePrecisionRows(x, featureCount: featureCount)
    var leaves = [Int](repeating: 0, count: rows.rowCount)
    rows.values.withUnsafeBufferPointer { xs in
      leaves.withUnsafeMutableBufferPointer { out in
        withNodes { nodes in
          nodes.leaves(xs.baseAddress!, rows: 0..<rows.rowCount, featureCount: featureCount, into: out.baseAddress!)
        }
      }
    }
    return leaves
  }

  /// Impurity-based feature importances (scikit-learn's `feature_importances_`): each feature's
  /// total weighted impurity decrease, divided by the root's weight and, when `normalized` and the
  /// total is positive, by the sum over features.
  public func featureImportances(normalized: Bool = true) -> [Double] {
    var importances = [Double](repeating: 0, count: featureCount)
    for node in 0..<nodeCount where left[node] != Tree.leaf {
      let l = left[node], r = right[node]
      importances[feature[node]] += weightedSampleCount[node] * impurity[node]
        - weightedSampleCount[l] * impurity[l] - weightedSampleCount[r] * impurity[r]
    }
    for j in importances.indices { importances[j] /= weightedSampleCount[0] }
    if normalized {
      let total = importances.reduce(0, +)
      if total > 0 { for j in importances.indices { importances[j] /= total } }
    }
    return importances
  }

  /// Calls `body` with a raw view of the packed nodes (for fast traversal).
  func withNodes<R>(_ body: (NodeView) -> R) -> R {
    packed.withUnsafeBufferPointer { body(NodeView(nodes: $0.baseAddress!, depth: traversalDepth)) }
  }
}

/// One node's split, packed for traversal: a leaf has itself as both children.
struct PackedNode: Sendable, Hashable {
  var threshold: Double
  var feature: Int32
  var left: Int32
  var right: Int32
}

/// A raw pointer to a tree's packed nodes, valid inside ``Tree/withNodes(_:)``.
struct NodeView {
  let nodes: UnsafePointer<PackedNode>
  /// The tree's ``Tree/traversalDepth``.
  let depth: Int

  /// The child of `node` that `row` goes to (the node itself for a leaf).
  @inline(__always)
  func step(_ node: Int, _ row: UnsafePointer<Float>) -> Int {
    let n = nodes[node]
    return Int(truncatingIfNeeded: Double(row[Int(truncatingIfNeeded: n.feature)]) <= n.threshold ? n.left : n.right)
  }

  /// The leaf a row (single-precision features) lands in.
  @inline(__always)
  func leaf(_ row: UnsafePointer<Float>) -> Int {
    var node = 0
    while true {
      let next = step(node, row)
      if next == node { return node }
      node = next
    }
  }

  /// The leaves of `rows` (row `i` starts at `xs + i · featureCount`), written to
  /// `output[i − rows.lowerBound]`. Four rows descend together for the tree's depth, without
  /// branches (a leaf keeps a row where it is), so their node loads overlap.
  func leaves(_ xs: UnsafePointer<Float>, rows: Range<Int>, featureCount: Int, into output: UnsafeMutablePointer<Int>) {
    var i = rows.lowerBound
    while i &+ 4 <= rows.upperBound {
      let r0 = xs + i &* featureCount, r1 = r0 + featureCount, r2 = r1 + featureCount, r3 = r2 + featureCount
      var n0 = 0, n1 = 0, n2 = 0, n3 = 0
      for _ in 0..<depth {
        n0 = step(n0, r0)
        n1 = step(n1, r1)
        n2 = step(n2, r2)
        n3 = step(n3, r3)
      }
      let out = output + (i &- rows.lowerBound)
      out[0] = n0
      out[1] = n1
      out[2] = n2
      out[3] = n3
      i &+= 4
    }
    while i < rows.upperBound {
      output[i &- rows.lowerBound] = leaf(xs + i &* featureCount)
      i &+= 1
    }
  }
}

extension Tree {
  /// The error for a value with no finite `Float`: a NaN or infinity, or a finite `Double` beyond
  /// the 32-bit range, which gets its own message.
  static func narrowingFailure(_ value: Double, row: Int, column: Int) -> LearnError {
    guard value.isFinite else { return .nonFiniteValue(row: row, column: column) }
    return .valueTooLarge(row: row, column: column, value: value, limit: Double(Float.greatestFiniteMagnitude),
                          model: "a tree's 32-bit thresholds")
  }
}

/// The rows of a matrix rounded to `Float`, as trees compare them (scikit-learn converts `X` to
/// float32). Validation: the feature count must match and every value must be finite as a `Float`.
struct SinglePrecisionRows {
  let rowCount: Int
  let values: [Float]

  init(_ x: Matrix, featureCount: Int) throws(LearnError) {
    try Validation.checkFeatureCount(x, expected: featureCount)
    rowCount = x.rowCount
    var converted = [Float](repeating: 0, count: x.rowCount * featureCount)
    var bad: Int? = nil
    x.withUnsafeBufferPointer { source in
      converted.withUnsafeMutableBufferPointer { target in
        for k in 0..<source.count {
          let v = Float(source[k])
          target[k] = v
          if !v.isFinite && bad == nil { bad = k }
        }
      }
    }
    if let bad { throw Tree.narrowingFailure(x.withUnsafeBufferPointer { $0[bad] }, row: bad / featureCount, column: bad % featureCount) }
    values = converted
  }
}

// MARK: - Minimal cost-complexity pruning

extension Tree {
  /// The subtree kept by minimal cost-complexity pruning with complexity parameter `alpha`
  /// (scikit-learn's `ccp_alpha`): the weakest links are pruned while their effective alpha is at
  /// most `alpha`. Node order is depth-first, left before right, as scikit-learn rebuilds it.
  public func pruned(alpha: Double) -> Tree {
    guard alpha > 0, nodeCount > 1 else { return self }
    var pruning = CostComplexityPruning(self)
    pruning.run(stop: { alpha < $0 }, record: { _, _ in })
    return rebuilt(keepingLeaves: pruning.leavesInSubtree)
  }

  /// The effective alphas at which subtrees are pruned and the total leaf impurity of each subtree
  /// (scikit-learn's `cost_complexity_pruning_path`), starting at alpha 0 with the whole tree.
  public func pruningPath() -> (alphas: [Double], impurities: [Double]) {
    var alphas: [Double] = [], impurities: [Double] = []
    var pruning = CostComplexityPruning(self)
    pruning.run(stop: { _ in false }, record: { alpha, total in
      alphas.append(alpha)
      impurities.append(total)
    })
    return (alphas, impurities)
  }

  /// The tree whose leaves are the nodes marked in `keep`, renumbered depth-first.
  private func rebuilt(keepingLeaves keep: [Bool]) -> Tree {
    var f: [Int] = [], t: [Double] = [], l: [Int] = [], r: [Int] = [], v: [Double] = [], imp: [Double] = []
    var n: [Int] = [], w: [Double] = []
    var stack: [(original: Int, parent: Int, isLeft: Bool)] = [(0, -1, false)]
    while let (original, parent, isLeft) = stack.popLast() {
      let id = f.count
      if parent >= 0 {
        if isLeft { l[parent] = id } else { r[parent] = id }
      }
      let becomesLeaf = keep[original]
      f.append(becomesLeaf ? Tree.undefined : feature[original])
      t.append(becomesLeaf ? Double(Tree.undefined) : threshold[original])
      l.append(Tree.leaf)
      r.append(Tree.leaf)
      v.append(contentsOf: values(of: original))
      imp.append(impurity[original])
      n.append(sampleCount[original])
      w.append(weightedSampleCount[original])
      if !becomesLeaf {
        stack.append((right[original], id, false))
        stack.append((left[original], id, true))
      }
    }
    return Tree(featureCount: featureCount, valueCount: valueCount, feature: f, threshold: t, left: l, right: r,
                value: v, impurity: imp, sampleCount: n, weightedSampleCount: w)
  }
}

/// The weakest-link pruning loop of minimal cost-complexity pruning (Breiman et al. 1984, §3.3),
/// in scikit-learn's formulation: `R(t) = w(t)/w(root) · impurity(t)`, and the effective alpha of
/// an internal node is `(R(t) − R(branch)) / (leaves(branch) − 1)`.
private struct CostComplexityPruning {
  let tree: Tree
  var leavesInSubtree: [Bool]
  var parent: [Int]
  var nodeRisk: [Double]
  var branchRisk: [Double]
  var leafCount: [Int]

  init(_ tree: Tree) {
    self.tree = tree
    let n = tree.nodeCount
    leavesInSubtree = [Bool](repeating: false, count: n)
    parent = [Int](repeating: -1, count: n)
    let total = tree.weightedSampleCount[0]
    nodeRisk = (0..<n).map { tree.weightedSampleCount[$0] * tree.impurity[$0] / total }
    branchRisk = [Double](repeating: 0, count: n)
    leafCount = [Int](repeating: 0, count: n)
    for node in 0..<n {
      if tree.left[node] == Tree.leaf {
        leavesInSubtree[node] = true
      } else {
        parent[tree.left[node]] = node
        parent[tree.right[node]] = node
      }
    }
    for leaf in 0..<n where leavesInSubtree[leaf] {
      branchRisk[leaf] = nodeRisk[leaf]
      let risk = nodeRisk[leaf]
      var node = leaf
      while node != 0 {
        let p = parent[node]
        branchRisk[p] += risk
        leafCount[p] += 1
        node = p
      }
    }
  }

  /// Prunes the weakest link repeatedly until the root is a leaf or `stop(alpha)` says so for the
  /// weakest link's effective alpha; `record(alpha, totalLeafRisk)` sees the unpruned tree (alpha
  /// 0) and the tree after each pruning.
  mutating func run(stop: (Double) -> Bool, record: (Double, Double) -> Void) {
    let n = tree.nodeCount
    var candidate = leavesInSubtree.map { !$0 }
    var inSubtree = [Bool](repeating: true, count: n)
    record(0, branchRisk[0])
    while candidate[0] {
      var effective = Double.greatestFiniteMagnitude
      var weakest = 0
      for i in 0..<n where candidate[i] {
        let alpha = (nodeRisk[i] - branchRisk[i]) / Double(leafCount[i] - 1)
        if alpha < effective {
          effective = alpha
          weakest = i
        }
      }
      if stop(effective) { break }
      var stack = [weakest]
      while let node = stack.popLast() {
        guard inSubtree[node] else { continue }
        candidate[node] = false
        leavesInSubtree[node] = false
        inSubtree[node] = false
        if tree.left[node] != Tree.leaf {
          stack.append(tree.left[node])
          stack.append(tree.right[node])
        }
      }
      leavesInSubtree[weakest] = true
      inSubtree[weakest] = true
      let prunedLeaves = leafCount[weakest] - 1
      leafCount[weakest] = 0
      let riskIncrease = nodeRisk[weakest] - branchRisk[weakest]
      branchRisk[weakest] = nodeRisk[weakest]
      var node = parent[weakest]
      while node != -1 {
        leafCount[node] -= prunedLeaves
        branchRisk[node] += riskIncrease
        node = parent[node]
      }
      record(effective, branchRisk[0])
    }
  }
}

extension Tree: Codable {
  private enum CodingKeys: String, CodingKey {
    case featureCount, valueCount, nodeCount, feature, threshold, left, right, value, impurity, sampleCount,
      weightedSampleCount
  }

  /// Writes the counts and the node arrays, packed (``PackedArray``).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(featureCount, forKey: .featureCount)
    try container.encode(valueCount, forKey: .valueCount)
    try container.encode(nodeCount, forKey: .nodeCount)
    try container.encodePacked(feature, forKey: .feature)
    try container.encodePacked(threshold, forKey: .threshold)
    try container.encodePacked(left, forKey: .left)
    try container.encodePacked(right, forKey: .right)
    try container.encodePacked(value, forKey: .value)
    try container.encodePacked(impurity, forKey: .impurity)
    try container.encodePacked(sampleCount, forKey: .sampleCount)
    try container.encodePacked(weightedSampleCount, forKey: .weightedSampleCount)
  }

  /// Reads a tree written by ``encode(to:)``, checking every array's length, every child and
  /// split feature (``checkNodes(featureCount:valueCount:feature:left:right:value:)``) before
  /// building it.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let featureCount = try container.decode(Int.self, forKey: .featureCount)
    let valueCount = try container.decode(Int.self, forKey: .valueCount)
    let nodes = try container.decode(Int.self, forKey: .nodeCount)
    try PersistenceCheck.run(at: container.codingPath) { () throws(LearnError) in
      try PersistenceCheck.featureCount(featureCount)
      try PersistenceCheck.within(valueCount, 1...(1 << 20), "valueCount")
      try PersistenceCheck.within(nodes, 1...Int(Int32.max), "nodeCount")
    }
    let feature = try container.decodePackedInts(forKey: .feature, count: nodes)
    let threshold = try container.decodePackedDoubles(forKey: .threshold, count: nodes)
    let left = try container.decodePackedInts(forKey: .left, count: nodes)
    let right = try container.decodePackedInts(forKey: .right, count: nodes)
    let value = try container.decodePackedDoubles(forKey: .value, count: nodes * valueCount)
    let impurity = try container.decodePackedDoubles(forKey: .impurity, count: nodes)
    let sampleCount = try container.decodePackedInts(forKey: .sampleCount, count: nodes)
    let weightedSampleCount = try container.decodePackedDoubles(forKey: .weightedSampleCount, count: nodes)
    try PersistenceCheck.run(at: container.codingPath) { () throws(LearnError) in
      try Tree.checkNodes(featureCount: featureCount, feature: feature, left: left, right: right)
      try PersistenceCheck.finite(value, "value")
    }
    self.init(featureCount: featureCount, valueCount: valueCount, feature: feature, threshold: threshold, left: left,
              right: right, value: value, impurity: impurity, sampleCount: sampleCount,
              weightedSampleCount: weightedSampleCount)
  }

  /// Throws unless each node is a leaf (both children ``leaf``) or splits on a feature in
  /// `0 ..< featureCount` into two children that come after it: then every walk from the root
  /// ends at a leaf, within the arrays.
  static func checkNodes(featureCount: Int, feature: [Int], left: [Int], right: [Int]) throws(LearnError) {
    let count = feature.count
    for i in 0..<count where left[i] != Tree.leaf || right[i] != Tree.leaf {
      guard left[i] > i, right[i] > i, left[i] < count, right[i] < count else {
        throw .unreadableModel(field: "left[\(i)]", reason: "node \(i)'s children (\(left[i]), \(right[i])) must be nodes after it")
      }
      guard feature[i] >= 0, feature[i] < featureCount else {
        throw .unreadableModel(field: "feature[\(i)]", reason: "\(feature[i]) is not one of the \(featureCount) features")
      }
    }
  }
}
