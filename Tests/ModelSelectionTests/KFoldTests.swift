import Learn
import LearnTestSupport
import Testing

@Suite struct KFoldTests {
  struct File: Decodable {
    let kfoldTestIndices: [String: [[Int]]]
    let crossValScoreDigitsMostFrequentKFold5: [Double]
  }
  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/baselines.json") }

  @Test func unshuffledFoldsMatchScikitLearn() throws {
    let cases = try Self.fixture.get().kfoldTestIndices
    #expect(cases.count == 4)
    for (key, expected) in cases {
      let parts = key.split(separator: "_").map { Int($0)! }
      let folds = try KFold(splits: parts[1]).folds(count: parts[0])
      #expect(folds.map(\.test) == expected, "n=\(parts[0]) k=\(parts[1])")
      for fold in folds {
        #expect(Set(fold.train).isDisjoint(with: fold.test))
        #expect(fold.train.count + fold.test.count == parts[0])
      }
    }
  }

  @Test func shuffledFoldsArePinnedAndPartitionTheRows() throws {
    let folds = try KFold(splits: 3, shuffle: true, seed: 42).folds(count: 10)
    #expect(folds.flatMap(\.test).sorted() == Array(0..<10))
    #expect(folds == (try KFold(splits: 3, shuffle: true, seed: 42).folds(count: 10)))
    #expect(folds != (try KFold(splits: 3, shuffle: true, seed: 43).folds(count: 10)))
  }

  @Test func badFoldCountsThrow() {
    #expect(throws: LearnError.self) { try KFold(splits: 1).folds(count: 10) }
    #expect(throws: LearnError.self) { try KFold(splits: 11).folds(count: 10) }
  }

  @Test func crossValScoreMatchesScikitLearnAndIgnoresThreadCount() throws {
    let digits = try Datasets.digits()
    let estimator = DummyClassifier(strategy: .mostFrequent)
    let serial = try crossValScore(estimator, digits.x, digits.y, cv: KFold(splits: 5), parallelism: .serial)
    let parallel = try crossValScore(estimator, digits.x, digits.y, cv: KFold(splits: 5), parallelism: .automatic)
    #expect(serial == parallel)
    #expect(allClose(serial, try Self.fixture.get().crossValScoreDigitsMostFrequentKFold5))
    let stratified = DummyClassifier(strategy: .stratified, seed: 5)
    let shuffled = KFold(splits: 4, shuffle: true, seed: 1)
    #expect(try crossValScore(stratified, digits.x, digits.y, cv: shuffled, parallelism: .serial)
            == (try crossValScore(stratified, digits.x, digits.y, cv: shuffled, parallelism: .threads(4))))
  }

  @Test func regressionScoresAreR2() throws {
    let diabetes = try Datasets.diabetes()
    let scores = try crossValScore(DummyRegressor(), diabetes.x, diabetes.y, cv: KFold(splits: 3))
    #expect(scores.count == 3 && scores.allSatisfy { $0 <= 0 && $0 > -0.1 })
  }
}
