import LearnCore
import LearnTestSupport
import LinearAlgebra
import NeuralNetworks
import Testing

#if DEBUG
let isOptimizedBuild = false
#else
let isOptimizedBuild = true
#endif

@Suite struct MLPDigitsTests {
  /// The reference tuning task (raw digits pixels, 50 epochs, 3-fold stratified CV): for each
  /// configuration in the fixture, the mean CV accuracy over five seeds is within one percentage
  /// point of scikit-learn's. The seeds draw different initial weights and shuffles on each side,
  /// so only the averages are compared. 75 fits: run in release builds
  /// (`swift test -c release --filter MLPDigitsTests`); a debug build skips it.
  @Test(.enabled(if: isOptimizedBuild, "75 digits fits: release builds only"))
  func crossValidatedAccuracyMatchesScikitLearn() throws {
    let fixture = try MLPFixture.shared.get().digits
    let digits = try Datasets.digits()
    let n = digits.x.rowCount
    let folds = fixture.testFolds.map { test -> (train: [Int], test: [Int]) in
      let held = Set(test)
      return ((0..<n).filter { !held.contains($0) }, test)
    }
    let jobs = fixture.configurations.indices.flatMap { c in fixture.seeds.map { (c, $0) } }
    let estimators = try fixture.configurations.map { configuration in
      try MLPClassifier(maxIterations: fixture.maxIterations).setting(learnParameters(configuration.parameters))
    }
    let scores = try Parallel.map(jobs.count, parallelism: .automatic) { j -> Double in
      let (c, seed) = jobs[j]
      var estimator = estimators[c]
      estimator.seed = seed
      var total = 0.0
      for fold in folds {
        let model = try estimator.fit(digits.x.rows(at: fold.train), fold.train.map { digits.y[$0] })
        total += try model.score(digits.x.rows(at: fold.test), fold.test.map { digits.y[$0] })
      }
      return total / Double(folds.count)
    }
    for (c, configuration) in fixture.configurations.enumerated() {
      let ours = jobs.indices.filter { jobs[$0].0 == c }.map { scores[$0] }
      let mean = ours.reduce(0, +) / Double(ours.count)
      let delta = mean - configuration.meanAccuracy
      let label = configuration.parameters.keys.sorted().map { "\($0)=\(configuration.parameters[$0]!)" }
      print("digits \(label.joined(separator: " ")): Learn \(mean), scikit-learn \(configuration.meanAccuracy), "
              + "delta \(delta * 100) pp")
      #expect(abs(delta) <= 0.01, "configuration \(c): Learn \(mean) vs scikit-learn \(configuration.meanAccuracy)")
    }
  }

  /// A debug-friendly check of the same kind: a small network on 600 digits reaches high accuracy
  /// on the rest.
  @Test func smallNetworkLearnsDigits() throws {
    let digits = try Datasets.digits()
    let train = Array(0..<600), test = Array(600..<900)
    let model = try MLPClassifier(hiddenLayerSizes: [24], batchSize: 50, learningRateInit: 0.01, maxIterations: 25)
      .fit(digits.x.rows(at: train), train.map { digits.y[$0] })
    let score = try model.score(digits.x.rows(at: test), test.map { digits.y[$0] })
    #expect(score > 0.85, "\(score)")
  }
}
