import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing
import Trees

/// Single trees against scikit-learn 1.9.1: the same structure (split features, thresholds to
/// 1e-12, children), node statistics and predictions. The fixture's cases give the same tree for
/// every random_state in scikit-learn (checked by the script), so no tie-breaking is involved.
@Suite struct TreeParityTests {
  static let classifierCases = ["iris-gini-depth4", "iris-entropy-depth4", "iris-leaf3", "iris-bestfirst8", "iris-ccp",
                                "iris-classweight", "iris-balanced-split0.1"]
  static let regressorCases = ["diabetes-squared-depth5", "diabetes-absolute-depth3", "diabetes-bestfirst12",
                               "diabetes-ccp", "diabetes-impurity-decrease"]

  /// Checks everything a tree case stores except the predictions.
  func expectSameTree(_ tree: Tree, _ expected: TreeFixture.TreeCase) {
    #expect(tree.feature == expected.feature, "\(expected.name): split features")
    #expect(tree.left == expected.left && tree.right == expected.right, "\(expected.name): children")
    #expect(allClose(tree.threshold, expected.threshold, relative: 1e-12),
            "\(expected.name): thresholds differ by \(maxRelativeError(tree.threshold, reference: expected.threshold))")
    #expect(tree.sampleCount == expected.sampleCount, "\(expected.name): node sample counts")
    #expect(allClose(tree.weightedSampleCount, expected.weightedSampleCount, relative: 1e-12), "\(expected.name): node weights")
    #expect(allClose(tree.value, expected.value, relative: 1e-12, absolute: 1e-14),
            "\(expected.name): node values differ by \(maxRelativeError(tree.value, reference: expected.value))")
    #expect(allClose(tree.impurity, expected.impurity, relative: 1e-9, absolute: 1e-12),
            "\(expected.name): impurities differ by \(maxRelativeError(tree.impurity, reference: expected.impurity))")
    #expect(tree.depth == expected.depth && tree.leafCount == expected.leafCount, "\(expected.name): depth and leaves")
    #expect(allClose(tree.featureImportances(), expected.featureImportances, relative: 1e-9, absolute: 1e-12),
            "\(expected.name): importances")
  }

  @Test(arguments: classifierCases)
  func classifierMatchesScikitLearn(name: String) throws {
    let expected = try TreeFixture.treeCase(name)
    let iris = try TreeFixture.shared.get().iris.dataset
    let model = try DecisionTreeClassifier().setting(expected.parameterSet).fit(iris.x, iris.y)
    expectSameTree(model.tree, expected)
    #expect(try model.apply(iris.x) == expected.apply)
    #expect(try model.predict(iris.x).map(Double.init) == expected.predictions)
    #expect(allClose(try model.predictProbabilities(iris.x).elements, expected.probabilities!, relative: 1e-12,
                     absolute: 1e-14))
    // No seed dependence: with every feature examined, ties go to the lowest feature index.
    let reseeded = try DecisionTreeClassifier().setting(expected.parameterSet).setting("seed", to: 12345).fit(iris.x, iris.y)
    #expect(reseeded.tree == model.tree)
  }

  @Test(arguments: regressorCases)
  func regressorMatchesScikitLearn(name: String) throws {
    let expected = try TreeFixture.treeCase(name)
    let diabetes = try Datasets.diabetes()
    let estimator = try DecisionTreeRegressor().setting(expected.parameterSet)
    let model = try estimator.fit(diabetes.x, diabetes.y)
    expectSameTree(model.tree, expected)
    #expect(try model.apply(diabetes.x) == expected.apply)
    #expect(allClose(try model.predict(diabetes.x), expected.predictions, relative: 1e-12))
    if let alphas = expected.pruningAlphas, let impurities = expected.pruningImpurities {
      let path = try estimator.costComplexityPruningPath(diabetes.x, diabetes.y)
      #expect(allClose(path.alphas, alphas, relative: 1e-8, absolute: 1e-10),
              "alphas differ by \(maxRelativeError(path.alphas, reference: alphas))")
      #expect(allClose(path.impurities, impurities, relative: 1e-9))
    }
  }

  @Test func thresholdsAreSinglePrecisionMidpoints() throws {
    // Features are rounded to Float before thresholds are formed, as scikit-learn does.
    let x = try Matrix([[0.1], [0.2], [0.30000001], [0.7]])
    let model = try DecisionTreeRegressor(maxDepth: 1).fit(x, [0, 0, 1, 1])
    let expected = Double(Float(0.2)) / 2 + Double(Float(0.30000001)) / 2
    #expect(model.tree.threshold[0] == expected)
    // Values within 1e-7 (in Float arithmetic) of each other are not split apart.
    // At 1.0 the next Float is 1 + 2⁻²³ ≈ 1 + 1.19e-7, and 1 + 1e-7 rounds up to it: a tie.
    let close = try Matrix([[1.0], [1.0 + 1.2e-7], [2.0], [2.0]])
    #expect(Float(1.0 + 1.2e-7) > 1)
    let tied = try DecisionTreeClassifier().fit(close, [0, 1, 1, 1])
    #expect(tied.nodeCount == 3 && tied.tree.threshold[0] == Double(Float(1.0 + 1.2e-7)) / 2 + 1.0)
  }
}
