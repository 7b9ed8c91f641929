import Dispatch
import Foundation
import Learn
import LearnTestSupport
import Testing

/// Fits check the cancellation flag of their `JobContext` between trees, epochs and solver
/// iterations, and a cancelled fit throws `LearnError.cancelled` instead of returning a model.
@Suite struct FitCancellationTests {
  /// Every iterative fit path, one case per solver loop that checks the flag.
  enum Fit: String, CaseIterable, CustomTestStringConvertible {
    case randomForest, extraTreesRegressor, decisionTree, bestFirstDecisionTree, decisionTreeRegressor
    case mlpAdam, mlpSGD, mlpLBFGS, mlpRegressor
    case sgdClassifier, sgdRegressor
    case svc, svcWithProbabilities, svr
    case logisticRegression
    case lassoGram, lassoData, elasticNet
    case linearSVCDual, linearSVCPrimal, linearSVCL1, linearSVCCrammerSinger

    var testDescription: String { rawValue }

    /// Fits the estimator on small data (well under a second in a debug build).
    func run() throws {
      let c = try Datasets.makeClassification(samples: 150, features: 8, informative: 4, classes: 3, seed: 1)
      let r = try Datasets.makeRegression(samples: 150, features: 8, informative: 4, noise: 1, seed: 2).dataset
      switch self {
      case .randomForest: _ = try RandomForestClassifier(nEstimators: 8).fit(c.x, c.y)
      case .extraTreesRegressor: _ = try ExtraTreesRegressor(nEstimators: 8).fit(r.x, r.y)
      case .decisionTree: _ = try DecisionTreeClassifier().fit(c.x, c.y)
      case .bestFirstDecisionTree: _ = try DecisionTreeClassifier(maxLeafNodes: 10).fit(c.x, c.y)
      case .decisionTreeRegressor: _ = try DecisionTreeRegressor().fit(r.x, r.y)
      case .mlpAdam: _ = try MLPClassifier(hiddenLayerSizes: [8], maxIterations: 20).fit(c.x, c.y)
      case .mlpSGD: _ = try MLPClassifier(hiddenLayerSizes: [8], solver: .sgd, maxIterations: 20).fit(c.x, c.y)
      case .mlpLBFGS: _ = try MLPClassifier(hiddenLayerSizes: [8], solver: .lbfgs, maxIterations: 20).fit(c.x, c.y)
      case .mlpRegressor: _ = try MLPRegressor(hiddenLayerSizes: [8], maxIterations: 20).fit(r.x, r.y)
      case .sgdClassifier: _ = try SGDClassifier().fit(c.x, c.y)
      case .sgdRegressor: _ = try SGDRegressor().fit(r.x, r.y)
      case .svc: _ = try SVC().fit(c.x, c.y)
      case .svcWithProbabilities: _ = try SVC(probability: true).fit(c.x, c.y)
      case .svr: _ = try SVR().fit(r.x, r.y)
      case .logisticRegression: _ = try LogisticRegression().fit(c.x, c.y)
      case .lassoGram: _ = try Lasso(alpha: 0.01, precompute: .always).fit(r.x, r.y)
      case .lassoData: _ = try Lasso(alpha: 0.01, precompute: .never).fit(r.x, r.y)
      case .elasticNet: _ = try ElasticNet(alpha: 0.01).fit(r.x, r.y)
      case .linearSVCDual: _ = try LinearSVC(dual: .dual).fit(c.x, c.y)
      case .linearSVCPrimal: _ = try LinearSVC(dual: .primal).fit(c.x, c.y)
      case .linearSVCL1: _ = try LinearSVC(penalty: .l1, dual: .primal).fit(c.x, c.y)
      case .linearSVCCrammerSinger: _ = try LinearSVC(multiClass: .crammerSinger).fit(c.x, c.y)
      }
    }
  }

  /// The message of the `LearnError.cancelled` that `body` throws, or `nil` (recording an issue)
  /// when it throws something else or nothing.
  static func cancellationMessage(_ body: () throws -> Void) -> String? {
    do {
      try body()
      Issue.record("the fit returned instead of throwing LearnError.cancelled")
    } catch LearnError.cancelled(let message) {
      return message
    } catch {
      Issue.record("expected LearnError.cancelled, got \(error)")
    }
    return nil
  }

  @Test(arguments: Fit.allCases)
  func fitInACancelledJobThrows(_ fit: Fit) throws {
    // Under a flag that is not set, the fit succeeds: the checks do not fire spuriously.
    try JobContext.with(JobContext(cancellation: CancellationFlag())) { try fit.run() }
    let flag = CancellationFlag()
    flag.cancel()
    let message = Self.cancellationMessage {
      try JobContext.with(JobContext(cancellation: flag)) { try fit.run() }
    }
    #expect(message.map { !$0.isEmpty } == true)
  }

  /// Seconds `body` takes.
  static func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Runs `fit` under a flag that another thread sets after 50 ms; returns the seconds until the
  /// fit threw and the cancellation message.
  static func cancelledAfter50ms(_ fit: () throws -> Void) -> (seconds: Double, message: String?) {
    let flag = CancellationFlag()
    var message: String?
    let elapsed = seconds {
      // A thread of its own: the dispatch pool may be busy with the fit's own workers.
      Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 0.05)
        flag.cancel()
      }
      message = cancellationMessage { try JobContext.with(JobContext(cancellation: flag)) { try fit() } }
    }
    return (elapsed, message)
  }

  /// A forest of 10 000 trees would take many seconds; cancelled after 50 ms it stops within a tree
  /// or so.
  @Test func forestStopsSoonAfterTheFlagIsSet() throws {
    let data = try Datasets.makeClassification(samples: 300, features: 10, informative: 5, seed: 3)
    let trees = 10_000
    let perTree = try Self.seconds { _ = try RandomForestClassifier(nEstimators: 20).fit(data.x, data.y) } / 20
    let (elapsed, message) = Self.cancelledAfter50ms {
      _ = try RandomForestClassifier(nEstimators: trees).fit(data.x, data.y)
    }
    #expect(message != nil)
    #expect(elapsed < 1.0, "stopped after \(elapsed) s")
    // An uncancelled fit (estimated on 2 threads at most) would take far longer.
    #expect(perTree * Double(trees) / 2 > 3 * elapsed, "per tree \(perTree) s")
  }

  /// An MLP trained for 5000 epochs without early stopping, cancelled after 50 ms, stops within an
  /// epoch or so.
  @Test func mlpStopsSoonAfterTheFlagIsSet() throws {
    let data = try Datasets.makeClassification(samples: 400, features: 10, informative: 5, seed: 4)
    let epochs = 5000
    func network(_ epochs: Int) -> MLPClassifier {
      MLPClassifier(hiddenLayerSizes: [32], maxIterations: epochs, tolerance: 0, nIterNoChange: 1_000_000)
    }
    let perEpoch = try Self.seconds { _ = try network(10).fit(data.x, data.y) } / 10
    let (elapsed, message) = Self.cancelledAfter50ms { _ = try network(epochs).fit(data.x, data.y) }
    #expect(message?.hasPrefix("in epoch") == true, "\(String(describing: message))")
    #expect(elapsed < 1.0, "stopped after \(elapsed) s")
    #expect(perEpoch * Double(epochs) > 3 * elapsed, "per epoch \(perEpoch) s")
  }

  /// A search job runs its fit with one thread: the forest grown under `maxThreads: 1` is the one
  /// grown on every core.
  @Test func forestIsTheSameWithOneThread() throws {
    let data = try Datasets.makeClassification(samples: 200, features: 8, informative: 4, classes: 3, seed: 5)
    let estimator = RandomForestClassifier(nEstimators: 16, seed: 7, parallelism: .automatic)
    let free = try estimator.fit(data.x, data.y)
    let serial = try JobContext.with(JobContext(maxThreads: 1)) { try estimator.fit(data.x, data.y) }
    #expect(free.trees.map(\.nodeCount) == serial.trees.map(\.nodeCount))
    #expect(free.treeSeeds == serial.treeSeeds)
    #expect(try free.predictProbabilities(data.x) == serial.predictProbabilities(data.x))
    #expect(free.featureImportances == serial.featureImportances)
  }
}
