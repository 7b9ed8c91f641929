import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing
import Trees

/// The `LearnError` `body` throws, if any.
func error(of body: () throws -> Void) -> LearnError? {
  do {
    try body()
    return nil
  } catch {
    return error as? LearnError
  }
}

@Suite struct DecisionTreeTests {
  @Test func badInputThrowsClearErrors() throws {
    let iris = try Datasets.iris()
    // maxDepth 0 and minSamplesLeaf 0, by name and by property.
    #expect(throws: LearnError.self) { try DecisionTreeClassifier().setting("maxDepth", to: 0) }
    #expect(throws: LearnError.self) { try DecisionTreeClassifier().setting("minSamplesLeaf", to: 0) }
    if case .invalidHyperparameter(let name, _, let expected, let got)? = error(of: {
      _ = try DecisionTreeClassifier(maxDepth: 0).fit(iris.x, iris.y)
    }) {
      #expect(name == "maxDepth" && expected.contains("[1, inf)") && got == "0")
    } else {
      Issue.record("maxDepth 0 was not rejected")
    }
    if case .invalidHyperparameter(let name, _, _, let got)? = error(of: {
      _ = try DecisionTreeRegressor(minSamplesLeaf: .count(0)).fit(iris.x, iris.y.map(Double.init))
    }) {
      #expect(name == "minSamplesLeaf" && got == "0")
    } else {
      Issue.record("minSamplesLeaf 0 was not rejected")
    }
    // maxFeatures above the feature count (4).
    #expect(throws: LearnError.invalidHyperparameter(name: "maxFeatures", estimator: "DecisionTreeClassifier",
                                                     expected: "at most the number of features (4)", got: "5")) {
      try DecisionTreeClassifier(maxFeatures: .count(5)).fit(iris.x, iris.y)
    }
    #expect(throws: LearnError.self) { try RandomForestRegressor(maxFeatures: .count(11)).fit(iris.x, iris.y.map(Double.init)) }
    // NaN, and a value beyond Float's range (trees fit in single precision, as scikit-learn).
    var withNaN = iris.x
    withNaN[3, 2] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 2)) { try DecisionTreeClassifier().fit(withNaN, iris.y) }
    #expect(throws: LearnError.nonFiniteValue(row: 3, column: 2)) { try RandomForestClassifier(nEstimators: 2).fit(withNaN, iris.y) }
    var huge = iris.x
    huge[5, 1] = 1e39
    // Finite but beyond a 32-bit threshold: its own message, not "non-finite value".
    let tooLarge = LearnError.valueTooLarge(row: 5, column: 1, value: 1e39, limit: Double(Float.greatestFiniteMagnitude),
                                            model: "a tree's 32-bit thresholds")
    #expect(throws: tooLarge) { try DecisionTreeClassifier().fit(huge, iris.y) }
    let model = try DecisionTreeClassifier(maxDepth: 2).fit(iris.x, iris.y)
    #expect(throws: tooLarge) { try model.predict(huge) }
    // A class weight for a class not in y.
    #expect(throws: LearnError.self) { try DecisionTreeClassifier(classWeight: .custom([7: 2])).fit(iris.x, iris.y) }
    if case .invalidArgument(let name, let reason)? = error(of: {
      _ = try RandomForestClassifier(nEstimators: 2, classWeight: .custom([0: 1, 9: 3])).fit(iris.x, iris.y)
    }) {
      #expect(name == "classWeight" && reason.contains("class 9"))
    } else {
      Issue.record("a weight for class 9 was not rejected")
    }
    // Sample weights.
    #expect(throws: LearnError.self) { try DecisionTreeClassifier().fit(iris.x, iris.y, sampleWeights: [1, 2]) }
    #expect(throws: LearnError.self) {
      try DecisionTreeClassifier().fit(iris.x, iris.y, sampleWeights: [Double](repeating: 0, count: 150))
    }
    #expect(throws: LearnError.self) {
      try DecisionTreeClassifier().fit(iris.x, iris.y, sampleWeights: [-1] + [Double](repeating: 1, count: 149))
    }
  }

  @Test func hyperparametersRoundTripAndValidate() throws {
    let tree = try DecisionTreeClassifier().setting([
      "maxFeatures": "sqrt", "minSamplesLeaf": 0.1, "minSamplesSplit": 4, "classWeight": "0:1.5,2:3.0",
      "criterion": "log_loss", "maxLeafNodes": 10,
    ])
    #expect(tree.maxFeatures == .sqrt && tree.minSamplesLeaf == .fraction(0.1) && tree.minSamplesSplit == .count(4))
    #expect(tree.classWeight == .custom([0: 1.5, 2: 3]) && tree.criterion == .logLoss && tree.maxLeafNodes == 10)
    #expect(try tree.setting(tree.parameters).parameters == tree.parameters)
    #expect(try DecisionTreeClassifier().setting("maxFeatures", to: 0.5).maxFeatures == .fraction(0.5))
    #expect(try DecisionTreeClassifier().setting("maxFeatures", to: 3).maxFeatures == .count(3))
    #expect(try DecisionTreeClassifier().setting("maxFeatures", to: .none).maxFeatures == .all)
    #expect(try DecisionTreeClassifier().setting("maxFeatures", to: "log2").maxFeatures == .log2)
    #expect(try DecisionTreeClassifier().setting("classWeight", to: "balanced").classWeight == .balanced)
    for (name, value) in [("maxFeatures", ParameterValue.double(1.5)), ("maxFeatures", 0), ("minSamplesSplit", 1),
                          ("minSamplesLeaf", 1.0), ("minWeightFractionLeaf", 0.6), ("maxLeafNodes", 1),
                          ("ccpAlpha", -1.0), ("classWeight", "0:-1"), ("criterion", "friedman_mse")] {
      #expect(throws: LearnError.self, "\(name) = \(value)") { try DecisionTreeClassifier().setting(name, to: value) }
    }
    #expect(try RandomForestRegressor().setting("maxSamples", to: 0.5).maxSamples == .fraction(0.5))
    #expect(throws: LearnError.self) { try RandomForestRegressor().setting("nEstimators", to: 0) }
  }

  @Test func treesPassTheConformanceSuite() throws {
    let iris = try Datasets.iris()
    try checkEstimator(DecisionTreeClassifier(), x: iris.x, y: iris.y)
    try checkEstimator(DecisionTreeClassifier(criterion: .entropy, splitter: .random, maxFeatures: .count(2), seed: 3),
                       x: iris.x, y: iris.y)
    try checkEstimator(DecisionTreeClassifier(maxLeafNodes: 5, ccpAlpha: 0.01, classWeight: .balanced), x: iris.x, y: iris.y)
    let diabetes = try Datasets.diabetes().subset(0..<120)
    try checkEstimator(DecisionTreeRegressor(), x: diabetes.x, y: diabetes.y)
    try checkEstimator(DecisionTreeRegressor(criterion: .absoluteError, maxDepth: 4), x: diabetes.x, y: diabetes.y)
    try checkEstimator(DecisionTreeRegressor(splitter: .random, maxFeatures: .sqrt, maxLeafNodes: 9), x: diabetes.x, y: diabetes.y)
  }

  @Test func fullyGrownTreeFitsTheTrainingSetAndReportsItsShape() throws {
    let iris = try Datasets.iris()
    let model = try DecisionTreeClassifier().fit(iris.x, iris.y)
    // Iris has two identical rows with different species, so one leaf stays mixed.
    #expect(try model.score(iris.x, iris.y) >= 149.0 / 150)
    #expect(model.nodeCount == 2 * model.leafCount - 1)
    let leaves = try model.apply(iris.x)
    #expect(leaves.allSatisfy { model.tree.isLeaf($0) })
    let probabilities = try model.predictProbabilities(iris.x)
    #expect((0..<150).allSatisfy { abs(probabilities.row($0).reduce(0, +) - 1) < 1e-12 })
    #expect(abs(model.featureImportances.reduce(0, +) - 1) < 1e-12)
    let stump = try DecisionTreeClassifier(maxDepth: 1).fit(iris.x, iris.y)
    #expect(stump.depth == 1 && stump.leafCount == 2 && stump.nodeCount == 3)
    let bestFirst = try DecisionTreeClassifier(maxLeafNodes: 4).fit(iris.x, iris.y)
    #expect(bestFirst.leafCount == 4)
  }

  @Test func nodesWhoseRanksNeedThreeRadixDigitsSplitExactly() throws {
    // Feature 1 has a different value on each of 70,000 rows (a permutation of 0 ..< n), so the
    // 3,000 rows left of the root span ranks past 2¹⁶: a node under 4,096 samples sorts them in
    // three radix digits. Its labels split at the median of those values, so the tree is known.
    let n = 70_000, head = 3_000
    let x = Matrix(rowCount: n, columnCount: 2) { i, j in j == 0 ? Double(i) : Double(i * 7_919 % n) }
    let headValues = (0..<head).map { x[$0, 1] }.sorted()
    let median = headValues[head / 2]
    let y = (0..<n).map { i in i < head && x[i, 1] >= median ? 1 : 0 }
    let tree = try DecisionTreeClassifier().fit(x, y).tree
    // The root keeps on the left only the rows up to the last positive one (the rest are pure).
    let lastPositive = y.lastIndex(of: 1)!
    let leftNegatives = (0...lastPositive).filter { y[$0] == 0 }
    #expect(tree.nodeCount == 5)
    #expect(tree.feature[0] == 0 && tree.threshold[0] == Double(lastPositive) + 0.5)
    let left = tree.left[0]
    let largestNegative = leftNegatives.map { x[$0, 1] }.max()!
    #expect(tree.feature[left] == 1 && tree.threshold[left] == (largestNegative + median) / 2)
    #expect(tree.sampleCount[tree.left[left]] == leftNegatives.count && tree.sampleCount[tree.right[left]] == head / 2)
  }

  @Test func sampleWeightsActLikeRepeatedRows() throws {
    let diabetes = try Datasets.diabetes().subset(0..<150)
    let counts = (0..<150).map { Double($0 % 3) }  // 0, 1 or 2 copies
    let repeated = (0..<150).flatMap { i in [Int](repeating: i, count: Int(counts[i])) }
    let weighted = try DecisionTreeRegressor(maxDepth: 4).fit(diabetes.x, diabetes.y, sampleWeights: counts)
    let copied = try DecisionTreeRegressor(maxDepth: 4).fit(diabetes.x.rows(at: repeated), repeated.map { diabetes.y[$0] })
    #expect(weighted.tree.feature == copied.tree.feature)
    #expect(weighted.tree.threshold == copied.tree.threshold)
    #expect(allClose(weighted.tree.value, copied.tree.value, relative: 1e-12))
    #expect(weighted.tree.weightedSampleCount == copied.tree.weightedSampleCount)
    // Rows of weight 0 are left out: the root counts only the others.
    #expect(weighted.tree.sampleCount[0] == 100)
  }

  @Test func seedsMatterOnlyWhenFeaturesAreSampled() throws {
    let digits = try Datasets.digits().subset(0..<400)
    let a = try DecisionTreeClassifier(maxFeatures: .sqrt, seed: 1).fit(digits.x, digits.y)
    let b = try DecisionTreeClassifier(maxFeatures: .sqrt, seed: 1).fit(digits.x, digits.y)
    let c = try DecisionTreeClassifier(maxFeatures: .sqrt, seed: 2).fit(digits.x, digits.y)
    #expect(a.tree == b.tree && a.tree != c.tree)
    let all1 = try DecisionTreeClassifier(seed: 1).fit(digits.x, digits.y)
    let all2 = try DecisionTreeClassifier(seed: 2).fit(digits.x, digits.y)
    #expect(all1.tree == all2.tree)
    let random1 = try DecisionTreeClassifier(splitter: .random, seed: 1).fit(digits.x, digits.y)
    let random2 = try DecisionTreeClassifier(splitter: .random, seed: 2).fit(digits.x, digits.y)
    #expect(random1.tree != random2.tree)
  }

  @Test func absoluteErrorLeavesPredictWeightedMedians() throws {
    // Expected values from scikit-learn 1.9.1 on the same eight rows.
    let x = try Matrix([[0], [1], [2], [3], [10], [11], [12], [13]])
    let y: [Double] = [1, 2, 3, 4, 20, 21, 23, 24]
    let model = try DecisionTreeRegressor(criterion: .absoluteError, maxDepth: 1).fit(x, y)
    #expect(model.tree.threshold[0] == 6.5)
    // Medians of an even count are midpoints: (4 + 20) / 2, (2 + 3) / 2, (21 + 23) / 2.
    #expect(model.tree.value == [12, 2.5, 22])
    #expect(allClose(model.tree.impurity, [9.75, 1, 1.5], relative: 1e-14))
    // Weights move the median; exactly half the weight at a value gives the midpoint with the next.
    let four = try DecisionTreeRegressor(criterion: .absoluteError, maxDepth: 1)
      .fit(x, y, sampleWeights: [4, 1, 1, 1, 1, 1, 1, 1])
    #expect(four.tree.value == [3, 1, 22])
    #expect(allClose(four.tree.impurity, [7.818181818181818, 0.8571428571428571, 1.5], relative: 1e-14))
    let three = try DecisionTreeRegressor(criterion: .absoluteError, maxDepth: 1)
      .fit(x, y, sampleWeights: [3, 1, 1, 1, 1, 1, 1, 1])
    #expect(three.tree.value == [3.5, 1.5, 22])
    #expect(allClose(three.tree.impurity, [8.4, 1, 1.5], relative: 1e-14))
  }

  @Test func minImpurityDecreaseAndPruningShrinkTheTree() throws {
    let diabetes = try Datasets.diabetes()
    let full = try DecisionTreeRegressor().fit(diabetes.x, diabetes.y)
    let limited = try DecisionTreeRegressor(minImpurityDecrease: 50).fit(diabetes.x, diabetes.y)
    let pruned = try DecisionTreeRegressor(ccpAlpha: 50).fit(diabetes.x, diabetes.y)
    #expect(limited.nodeCount < full.nodeCount && pruned.nodeCount < full.nodeCount)
    #expect(full.tree.pruned(alpha: 50) == pruned.tree)
    let path = try DecisionTreeRegressor().costComplexityPruningPath(diabetes.x, diabetes.y)
    #expect(path.alphas.first == 0 && zip(path.alphas, path.alphas.dropFirst()).allSatisfy { $0 <= $1 })
    // Past the last alpha only the root is left.
    #expect(full.tree.pruned(alpha: path.alphas.last! * 1.01).nodeCount == 1)
  }

  @Test func singleClassAndConstantFeaturesGiveALeaf() throws {
    let x = try Matrix([[1, 2], [1, 3], [1, 4]])
    let single = try DecisionTreeClassifier().fit(x, [5, 5, 5])
    #expect(single.nodeCount == 1 && single.classes == [5])
    #expect(try single.predict(x) == [5, 5, 5])
    let constant = try DecisionTreeRegressor().fit(x.columns(at: [0]), [1, 2, 3])
    #expect(constant.nodeCount == 1 && constant.tree.value == [2])
  }
}
