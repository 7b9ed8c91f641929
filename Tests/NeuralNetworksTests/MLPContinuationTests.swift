import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import NeuralNetworks
import Testing

@Suite struct MLPContinuationTests {
  /// Continuing k epochs twice is exactly training 2k epochs at once: weights, optimiser state,
  /// counters and curves are bit-identical (shuffles come from (seed, epoch)).
  @Test(arguments: [MLPSolver.sgd, .adam], [false, true])
  func continuingTwiceEqualsTrainingOnce(solver: MLPSolver, earlyStopping: Bool) throws {
    let data = blobs(80)
    let estimator = MLPClassifier(hiddenLayerSizes: [7, 5], solver: solver, batchSize: 16, learningRateInit: 0.01,
                                  maxIterations: 4, seed: 11, tolerance: 0, earlyStopping: earlyStopping,
                                  validationFraction: 0.2)
    let atOnce = try estimator.setting("maxIterations", to: 8).fit(data.x, data.y)
    let first = try estimator.fit(data.x, data.y)
    let twice = try estimator.continued(first, on: data.x, data.y, budget: 4)
    #expect(first.iterations == 4 && twice.iterations == 8 && atOnce.iterations == 8)
    #expect(twice.trainingState == atOnce.trainingState)
    #expect(twice.lossCurve == atOnce.lossCurve)
    #expect(twice.validationScores == atOnce.validationScores)
    #expect(twice.layers == atOnce.layers)
    #expect(twice.trainingState.parameters != first.trainingState.parameters)
    // Four continuations of two epochs give the same model too.
    var model = try estimator.setting("maxIterations", to: 2).fit(data.x, data.y)
    for _ in 0..<3 { model = try estimator.continued(model, on: data.x, data.y, budget: 2) }
    #expect(model.trainingState == atOnce.trainingState)
  }

  @Test func regressorContinuationIsExactToo() throws {
    let data = wave(70)
    let estimator = MLPRegressor(hiddenLayerSizes: [6], solver: .sgd, learningRate: .invscaling,
                                 learningRateInit: 0.05, maxIterations: 3, tolerance: 0)
    let atOnce = try estimator.setting("maxIterations", to: 6).fit(data.x, data.y)
    let twice = try estimator.continued(try estimator.fit(data.x, data.y), on: data.x, data.y, budget: 3)
    #expect(twice.trainingState == atOnce.trainingState)
    #expect(twice.lossCurve == atOnce.lossCurve)
  }

  /// What carries over when hyperparameters change (PBT's explore step): Adam's moments and step
  /// and the counters do; the new learning rate, alpha and momentum take effect.
  @Test func changedHyperparametersApplyToTheContinuation() throws {
    let data = blobs(60)
    let estimator = MLPClassifier(hiddenLayerSizes: [5], learningRateInit: 0.01, maxIterations: 3, tolerance: 0)
    let model = try estimator.fit(data.x, data.y)
    let faster = try estimator.setting(["learningRateInit": 0.05, "alpha": 0.01])
    let continued = try faster.continued(model, on: data.x, data.y, budget: 2)
    guard case .adam(let before) = model.trainingState.optimizer, case .adam(let after) = continued.trainingState.optimizer
    else {
      Issue.record("expected Adam states")
      return
    }
    let batches = 60 / 60  // one batch of min(200, n) rows per epoch
    #expect(after.step == before.step + 2 * batches)
    let expectedRate = 0.05 * (1 - pow(0.999, Double(after.step))).squareRoot() / (1 - pow(0.9, Double(after.step)))
    #expect(isClose(after.learningRate, expectedRate, relative: 1e-14))
    #expect(continued.trainingState.trainedWith["alpha"] == 0.01)
    #expect(continued.lossCurve.prefix(3) == model.lossCurve[...])
    // The same continuation with the old rate is a different model.
    let same = try estimator.continued(model, on: data.x, data.y, budget: 2)
    #expect(same.trainingState.parameters != continued.trainingState.parameters)

    // An sgd learning rate changed between calls restarts the schedule from the new value.
    let sgd = MLPClassifier(hiddenLayerSizes: [5], solver: .sgd, learningRate: .adaptive, learningRateInit: 0.1,
                            maxIterations: 2)
    let sgdModel = try sgd.fit(data.x, data.y)
    let slower = try sgd.setting("learningRateInit", to: 0.02).continued(sgdModel, on: data.x, data.y, budget: 1)
    guard case .sgd(let state) = slower.trainingState.optimizer else {
      Issue.record("expected an sgd state")
      return
    }
    #expect(state.learningRate == 0.02 && state.learningRateInit == 0.02)

    // Changing the architecture cannot continue.
    #expect(throws: LearnError.self) {
      _ = try estimator.setting("hiddenLayerSizes", to: [6]).continued(model, on: data.x, data.y, budget: 1)
    }
    #expect(throws: LearnError.self) {
      _ = try estimator.setting("activation", to: "tanh").continued(model, on: data.x, data.y, budget: 1)
    }
    #expect(throws: LearnError.self) { _ = try estimator.continued(model, on: data.x, data.y, budget: -1) }
    #expect(throws: LearnError.self) {
      _ = try estimator.continued(model, on: data.x, data.y.map { $0 == 2 ? 9 : $0 }, budget: 1)
    }
  }

  @Test func aStoppedModelStaysStoppedUnlessTheHyperparametersChange() throws {
    let data = blobs(60)
    let estimator = MLPClassifier(hiddenLayerSizes: [4], tolerance: 10, nIterNoChange: 2)
    let stopped = try estimator.fit(data.x, data.y)
    #expect(stopped.converged)
    let again = try estimator.continued(stopped, on: data.x, data.y, budget: 5)
    #expect(again.iterations == stopped.iterations && again.trainingState == stopped.trainingState)
    let explored = try estimator.setting("learningRateInit", to: 0.01).continued(stopped, on: data.x, data.y, budget: 5)
    #expect(explored.iterations > stopped.iterations)
    // A zero budget changes nothing.
    let unchanged = try estimator.setting("learningRateInit", to: 0.01).continued(stopped, on: data.x, data.y, budget: 0)
    #expect(unchanged.trainingState == stopped.trainingState)
  }

  @Test func lbfgsContinuesFromTheCurrentWeights() throws {
    let data = wave(60)
    let estimator = MLPRegressor(hiddenLayerSizes: [6], activation: .tanh, solver: .lbfgs, maxIterations: 10)
    let short = try estimator.fit(data.x, data.y)
    #expect(!short.converged && short.iterations == 10)
    let longer = try estimator.continued(short, on: data.x, data.y, budget: 40)
    #expect(longer.iterations > 10 && longer.loss < short.loss)
    #expect(longer.trainingState.optimizer == .lbfgs)
  }
}
