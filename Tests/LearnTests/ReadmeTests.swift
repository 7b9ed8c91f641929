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

  // Bayesian search (TPE) over a distribution; a fitted search saves like any model, and its
  // report draws what it did.
  let bayes = try BayesSearchCV(pipeline, space: ["logisticregression.c": .logUniform(1e-3, 1e3)], iterations: 12,
                                surrogate: .tpe, cv: StratifiedKFold(splits: 5)).fit(train.x, train.y)
  let folder = FileManager.default.temporaryDirectory
  try bayes.save(to: folder.appendingPathComponent("iris-search.json"))
  let loaded = try SearchModel<Pipeline<LogisticRegression>>.load(from: folder.appendingPathComponent("iris-search.json"))
  print("same predictions:", try loaded.predict(test.x) == bayes.predict(test.x))
  try SearchReport(title: "Logistic regression on iris", results: bayes.results)
    .write(to: folder.appendingPathComponent("iris-report.html").path)
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
    let block = try #require(readme.components(separatedBy: "```swift\nimport Foundation\nimport Learn\n\n").dropFirst().first)
      .components(separatedBy: "```").first
    let body = try #require(source.components(separatedBy: "// README-BEGIN\n").dropFirst().first)
      .components(separatedBy: "  // README-END").first
    let dedented = try #require(body).split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
    #expect(block == dedented)
  }
}
