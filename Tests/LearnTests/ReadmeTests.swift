import Foundation
import Learn
import LearnTestSupport
import Testing

/// The README's code example, verbatim: the body between the markers must equal the README's
/// Swift block (checked below), so the README always shows code that compiles and runs.
private func readmeExample() throws {
  // README-BEGIN
  let digits = try Datasets.digits()
  let baseline = DummyClassifier(strategy: .mostFrequent)
  let scores = try crossValScore(baseline, digits.x, digits.y, cv: KFold(splits: 5, shuffle: true, seed: 0))
  print("accuracy per fold:", scores)

  // Hyperparameters by name, validated: the way a search will set them.
  let stratified = try baseline.setting(["strategy": "stratified", "seed": 7])
  let model = try stratified.fit(digits.x, digits.y)
  print(try model.score(digits.x, digits.y))
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
