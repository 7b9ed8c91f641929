import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import NeuralNetworks
import Testing

/// Hypergradient descent on the MLP's learning rate: it raises a rate far too small and lowers
/// one that makes the weights oscillate, continues exactly, is the same on any thread count, is
/// saved with the model, and refuses a schedule that also sets the rate.
@Suite struct HypergradientTests {
  @Test(arguments: [MLPSolver.sgd, .adam]) func aRateFarTooSmallGrowsAndTrainsFurther(solver: MLPSolver) throws {
    let data = blobs(120)
    let slow = MLPClassifier(hiddenLayerSizes: [8], solver: solver, batchSize: 20, learningRateInit: 1e-4, maxIterations: 30,
                             seed: 3, nIterNoChange: 31)
    let fixed = try slow.fit(data.x, data.y)
    let adapted = try slow.setting("hypergradientRate", to: 0.05).fit(data.x, data.y)
    #expect(fixed.learningRateCurve == [Double](repeating: 1e-4, count: 30))
    #expect(adapted.learningRateCurve.count == 30 && adapted.learningRateCurve.last! > 1e-3, "\(adapted.learningRateCurve)")
    #expect(adapted.loss < 0.5 * fixed.loss, "loss \(adapted.loss) against \(fixed.loss)")
  }

  @Test func aRateThatOscillatesShrinks() throws {
    // Full-batch gradient descent on a linear network: at 0.3 the loss first jumps up and down.
    let data = wave(100)
    let estimator = MLPRegressor(hiddenLayerSizes: [4], activation: .identity, solver: .sgd, batchSize: 100, learningRateInit: 0.3,
                                 maxIterations: 40, momentum: 0, nesterovsMomentum: false, nIterNoChange: 41)
    let fixed = try estimator.fit(data.x, data.y)
    let adapted = try estimator.setting("hypergradientRate", to: 0.05).fit(data.x, data.y)
    #expect(fixed.lossCurve[2] > fixed.lossCurve[1], "the fixed rate oscillates: \(fixed.lossCurve.prefix(4))")
    #expect(adapted.learningRateCurve.last! < 0.2, "\(adapted.learningRateCurve)")
    #expect(adapted.loss <= fixed.loss)
  }

  @Test(arguments: [MLPSolver.sgd, .adam]) func continuingAndThreadsChangeNothing(solver: MLPSolver) throws {
    let data = blobs(90)
    let estimator = MLPClassifier(hiddenLayerSizes: [6, 4], solver: solver, batchSize: 16, learningRateInit: 0.003, maxIterations: 5,
                                  seed: 5, tolerance: 0, hypergradientRate: 0.1)
    let atOnce = try estimator.setting("maxIterations", to: 10).fit(data.x, data.y)
    let twice = try estimator.continued(try estimator.fit(data.x, data.y), on: data.x, data.y, budget: 5)
    #expect(twice.trainingState == atOnce.trainingState && twice.learningRateCurve == atOnce.learningRateCurve)
    #expect(atOnce.trainingState.hypergradient?.lastStep.count == atOnce.trainingState.parameters.count)
    #expect(Set(atOnce.learningRateCurve).count == 10, "the rate moves every epoch")
    var threaded = estimator.setting(maxIterations: 10)
    threaded.parallelism = .threads(2)
    #expect(try threaded.fit(data.x, data.y).trainingState == atOnce.trainingState)
    // A continuation with another starting rate starts the adaptation again from it.
    let restarted = try estimator.setting("learningRateInit", to: 0.05).continued(atOnce, on: data.x, data.y, budget: 1)
    #expect(restarted.trainingState.hypergradient?.initialRate == 0.05)
    // Turned off, the state is dropped and the rate is learningRateInit again.
    let off = try estimator.setting("hypergradientRate", to: 0.0).continued(atOnce, on: data.x, data.y, budget: 1)
    #expect(off.trainingState.hypergradient == nil && off.learningRateCurve.last == 0.003)
  }

  @Test func aNewSolverOrScheduleStartsTheRateAfresh() throws {
    let data = blobs(60)
    let adam = MLPClassifier(hiddenLayerSizes: [4], batchSize: 20, learningRateInit: 0.01, maxIterations: 3, tolerance: 0,
                             hypergradientRate: 0.1)
    let model = try adam.fit(data.x, data.y)
    #expect(model.learningRateCurve.last != 0.01)
    // sgd after adam: a fresh optimiser, and hypergradient descent from learningRateInit again.
    let sgd = try adam.setting("solver", to: "sgd").continued(model, on: data.x, data.y, budget: 1)
    #expect(sgd.trainingState.hypergradient?.lastStep.count == model.trainingState.parameters.count)
    let fresh = try adam.setting(["solver": "sgd", "maxIterations": 1]).fit(data.x, data.y)
    #expect(sgd.learningRateCurve.last != model.learningRateCurve.last)
    #expect(fresh.trainingState.hypergradient?.initialRate == sgd.trainingState.hypergradient?.initialRate)
    // Off, an sgd continuation with invscaling takes the schedule's rate, not learningRateInit.
    let plain = try adam.setting(["solver": "sgd", "hypergradientRate": 0.0, "learningRate": "invscaling"])
      .continued(sgd, on: data.x, data.y, budget: 1)
    let samples = Double(60 * 5)
    #expect(abs(plain.learningRateCurve.last! - 0.01 / pow(samples + 1, 0.5)) < 1e-15)
  }

  @Test func aModelSavedBeforeHypergradientsContinuesAsBefore() throws {
    // A stopped model continued with the same settings is returned unchanged; one saved before
    // hypergradientRate existed has no such entry in what it was trained with.
    let data = blobs(60)
    let estimator = MLPClassifier(hiddenLayerSizes: [4], learningRateInit: 0.05, maxIterations: 200, tolerance: 0.01, nIterNoChange: 2)
    let model = try estimator.fit(data.x, data.y)
    #expect(model.converged)
    let encoder = JSONEncoder(), decoder = JSONDecoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    var json = try JSONSerialization.jsonObject(with: encoder.encode(model)) as! [String: Any]
    var run = json["run"] as! [String: Any]
    var trainedWith = run["trainedWith"] as! [String: Any]
    trainedWith["hypergradientRate"] = nil
    run["trainedWith"] = trainedWith
    run["learningRateCurve"] = nil
    json["run"] = run
    let old = try decoder.decode(MLPClassifier.Fitted.self, from: JSONSerialization.data(withJSONObject: json))
    let continued = try estimator.continued(old, on: data.x, data.y, budget: 5)
    #expect(continued.iterations == model.iterations && continued.learningRateCurve.isEmpty)
  }

  @Test func badSettingsAreRefused() throws {
    let data = blobs(30)
    let scheduled = MLPClassifier(hiddenLayerSizes: [3], solver: .sgd, learningRate: .invscaling, maxIterations: 2, hypergradientRate: 0.02)
    #expect { _ = try scheduled.fit(data.x, data.y) } throws: { "\($0)".contains("hypergradientRate") && "\($0)".contains("invscaling") }
    #expect(throws: LearnError.self) { _ = try MLPClassifier().setting("hypergradientRate", to: 1.0) }
    #expect(throws: LearnError.self) { _ = try MLPClassifier().setting("hypergradientRate", to: -0.1) }
    // adam ignores the schedule, as scikit-learn's does, so any schedule goes with it.
    _ = try MLPClassifier(hiddenLayerSizes: [3], learningRate: .adaptive, maxIterations: 2, hypergradientRate: 0.02).fit(data.x, data.y)
  }
}

private extension MLPClassifier {
  func setting(maxIterations: Int) -> MLPClassifier {
    var copy = self
    copy.maxIterations = maxIterations
    return copy
  }
}
