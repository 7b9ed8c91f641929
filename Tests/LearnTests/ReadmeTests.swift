import Foundation
import Learn
import LearnTestSupport
import Testing

/// The README's code example, verbatim: the body between the markers must equal the README's
/// Swift block (checked below), so the README always shows code that compiles and runs.
private func readmeExample() throws {
  // README-BEGIN
  let iris = try Datasets.iris()
  let (train, test) = try trainTestSplit(iris, testFraction: 0.25, stratified: true, seed: 0)

  // A pipeline, tuned by a cross-validated grid search. The search is itself an estimator.
  let pipeline = Pipeline(StandardScaler(), LogisticRegression())
  let search = try GridSearchCV(pipeline, grid: ["logisticregression.c": [0.01, 0.1, 1, 10]],
                                cv: StratifiedKFold(splits: 5), scoring: [.accuracy, .f1(.macro)])
  let model = try search.fit(train.x, train.y)
  print(model.bestParameters, model.bestScore)
  print("test accuracy:", try model.score(test.x, test.y))
  print(model.results.csvText())  // scikit-learn's cv_results_ columns, one row per candidate
  // README-END
}

@Suite struct ReadmeTests {
  @Test func exampleRuns() throws {
    try readmeExample()
  }

  @Test func readmeShowsTheCompiledExample() throws {
    let root = Fixtures.directory.deletingLastPathComponent()
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let block = try #require(readme.components(separatedBy: "```swift\nimport Learn\n\n").dropFirst().first)
      .components(separatedBy: "```").first
    let body = try #require(source.components(separatedBy: "// README-BEGIN\n").dropFirst().first)
      .components(separatedBy: "  // README-END").first
    let dedented = try #require(body).split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
    #expect(block == dedented)
  }
}
