import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

@testable import Trees

/// The histogram splitter (`maxBins`): bins against scikit-learn's `HistGradientBoosting` edges
/// (`Fixtures/scripts/histogram_fixtures.py`), thresholds mapped back to raw values, and trees
/// equal to exact ones where nothing is binned.
@Suite struct HistogramSplitterTests {
  struct Case: Decodable {
    let max_bins: Int
    let thresholds: [[Double]]
    let bins: [[Int]]
  }
  struct File: Decodable {
    let X: [[Double]]
    let cases: [Case]
  }
  static let fixture = Result { try Fixtures.decode(File.self, from: "trees/histogram_bins.json") }

  static func close(_ a: Double, _ b: Double) -> Bool { a == b || Swift.abs(a - b) <= 1e-12 * Swift.max(1, Swift.abs(b)) }

  @Test func binsMatchScikitLearnsEdges() throws {
    let file = try Self.fixture.get()
    let x = try Matrix(file.X)
    for c in file.cases {
      let data = try TrainingSet(x, maxBins: c.max_bins)
      for j in 0..<3 {
        let distinct = Set(file.X.map { $0[j] }).count
        // Binned exactly when there are more distinct values than bins.
        #expect(data.isBinned[j] == (distinct > c.max_bins), "column \(j), \(c.max_bins) bins")
        #expect(data.distinctCount(j) <= c.max_bins)
        guard data.isBinned[j] else { continue }
        for i in 0..<x.rowCount {
          // The row's bin has scikit-learn's threshold above it (none for the last bin).
          let rank = Int(data.ranks[j * x.rowCount + i])
          let edge = data.binEdges[data.valueOffsets[j] + rank]
          let bin = c.bins[j][i]
          let expected = bin < c.thresholds[j].count ? c.thresholds[j][bin] : .infinity
          #expect(Self.close(edge, expected), "row \(i) column \(j): \(edge) against \(expected)")
          if !Self.close(edge, expected) { return }
        }
        // Ranks are dense and keep the order of the values.
        let order = (0..<x.rowCount).sorted { file.X[$0][j] < file.X[$1][j] }
        var previous: UInt32 = 0
        for i in order {
          let rank = data.ranks[j * x.rowCount + i]
          #expect(rank == previous || rank == previous + 1)
          previous = rank
        }
        #expect(Int(previous) == data.distinctCount(j) - 1)
      }
    }
  }

  @Test func splitsFallOnBinEdgesAndPartitionTheTrainingRows() throws {
    let file = try Self.fixture.get()
    let x = try Matrix(file.X)
    // A target that needs many splits on every column.
    let y: [Int] = file.X.map { row in
      let score: Double = sin(3 * row[0]) + 0.3 * row[1] + (row[2] > 5 ? 1.0 : 0.0)
      return score > 0.5 ? 1 : 0
    }
    let c = try #require(file.cases.first { $0.max_bins == 16 })
    let tree = try DecisionTreeClassifier(maxBins: 16).fit(x, y).tree
    #expect(tree.nodeCount > 20)
    for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
      let f = tree.feature[node]
      if f < 2 {
        // Binned columns: a threshold is one of scikit-learn's edges.
        #expect(c.thresholds[f].contains { Self.close(tree.threshold[node], $0) },
                "node \(node) splits column \(f) at \(tree.threshold[node])")
      }
    }
    // Sent down the tree by value, the training rows land in leaves exactly as they were grown.
    let leaves = try tree.apply(x)
    var counts = [Int](repeating: 0, count: tree.nodeCount)
    for leaf in leaves { counts[leaf] += 1 }
    for node in 0..<tree.nodeCount where tree.isLeaf(node) { #expect(counts[node] == tree.sampleCount[node]) }
    // Fully grown on bins that separate every row's class? Not always; but the training accuracy
    // of a tree grown to purity on the bins is that of the leaves' majority.
    let predicted = try DecisionTreeClassifier(maxBins: 16).fit(x, y).predict(x)
    #expect(zip(predicted, y).filter { $0 == $1 }.count > y.count * 9 / 10)
  }

  @Test func nothingBinnedGivesTheExactTree() throws {
    let iris = try Datasets.iris()  // at most 43 distinct values per feature
    let exact = try DecisionTreeClassifier(seed: 3).fit(iris.x, iris.y).tree
    let histogram = try DecisionTreeClassifier(maxBins: 64, seed: 3).fit(iris.x, iris.y).tree
    #expect(histogram.threshold == exact.threshold && histogram.feature == exact.feature && histogram.value == exact.value)
    let forest = try RandomForestClassifier(nEstimators: 5, seed: 1).fit(iris.x, iris.y)
    let binnedForest = try RandomForestClassifier(nEstimators: 5, maxBins: 255, seed: 1).fit(iris.x, iris.y)
    #expect(forest.trees.map(\.threshold) == binnedForest.trees.map(\.threshold))
  }

  @Test func binnedForestsContinueExactlyAndIgnoreThreads() throws {
    let digits = try Datasets.digits()
    let x = digits.x.rows(at: 0..<400), y = Array(digits.y[0..<400])
    // Digits' pixels have at most 17 values: bin them to 8.
    let estimator = RandomForestClassifier(nEstimators: 6, maxBins: 8, seed: 2, parallelism: .threads(2))
    let whole = try estimator.fit(x, y)
    var half = estimator
    half.nEstimators = 3
    half.parallelism = .serial
    let continued = try half.continued(try half.fit(x, y), on: x, y, budget: 3)
    #expect(continued.trees.map(\.threshold) == whole.trees.map(\.threshold))
    #expect(try continued.predictProbabilities(x) == whole.predictProbabilities(x))
    // Regression and extra trees split binned features on bin edges as well.
    func checkEdges(_ trees: [Tree], _ name: String, maxBins: Int = 4) throws {
      let data = try TrainingSet(x, maxBins: maxBins)
      var binnedSplits = 0
      for tree in trees {
        for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
          let f = tree.feature[node]
          guard data.isBinned[f] else { continue }
          let edges = data.binEdges[data.valueOffsets[f]..<data.valueOffsets[f + 1]]
          #expect(edges.contains(tree.threshold[node]), "\(name): node \(node) splits feature \(f) at \(tree.threshold[node])")
          binnedSplits += 1
        }
      }
      #expect(binnedSplits > 10, "\(name) split binned features \(binnedSplits) times")
    }
    try checkEdges(try RandomForestRegressor(nEstimators: 3, maxBins: 4, seed: 2).fit(x, y.map(Double.init)).trees, "regressor")
    try checkEdges(try ExtraTreesClassifier(nEstimators: 3, maxBins: 4, seed: 2).fit(x, y).trees, "extra trees")
    try checkEdges(whole.trees, "forest", maxBins: 8)
  }

  @Test func maxBinsIsChecked() throws {
    let iris = try Datasets.iris()
    for bad in [1, 0, 65_537] {
      #expect(throws: LearnError.self) { _ = try DecisionTreeClassifier(maxBins: bad).fit(iris.x, iris.y) }
      let e = #expect(throws: LearnError.self) { _ = try RandomForestClassifier(nEstimators: 2, maxBins: bad).fit(iris.x, iris.y) }
      #expect("\(e.map { "\($0)" } ?? "")".contains("maxBins"))
    }
    #expect(throws: LearnError.self) { try RandomForestRegressor().setting("maxBins", to: 1) }
    let set = try RandomForestRegressor().setting("maxBins", to: 256)
    #expect(set.maxBins == 256)
  }
}
