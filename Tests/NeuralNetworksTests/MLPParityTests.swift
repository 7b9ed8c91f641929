import LearnCore
import LearnTestSupport
import LinearAlgebra
import NeuralNetworks
import Testing

/// The fixture written by `Fixtures/scripts/mlp_fixtures.py`.
struct MLPFixture: Decodable {
  struct Layer: Decodable {
    let coefficients: [Double]
    let rows: Int
    let columns: Int
    let intercepts: [Double]
  }
  struct Case: Decodable {
    let name: String
    let task: String
    let parameters: [String: JSONValue]
    let x: [Double]
    let rows: Int
    let columns: Int
    let y: [Double]
    let initial: [Layer]
    let final: [Layer]
    let loss: Double
    let iterations: Int
    let lossCurve: [Double]?
    let samplesSeen: Int?
    let bestLoss: Double?
    let noImprovementCount: Int?
    let learningRate: Double?
    let adamStep: Int?
    let probabilities: [Double]?
    let predictions: [Double]?
  }
  struct DigitsConfiguration: Decodable {
    let parameters: [String: JSONValue]
    let meanAccuracyBySeed: [Double]
    let meanAccuracy: Double
  }
  struct Digits: Decodable {
    let maxIterations: Int
    let seeds: [UInt64]
    let testFolds: [[Int]]
    let configurations: [DigitsConfiguration]
  }
  let stochastic: [Case]
  let lbfgs: [Case]
  let digits: Digits

  static let shared = Result { try Fixtures.decode(MLPFixture.self, from: "scikit-learn/mlp.json") }

  static func named(_ name: String) throws -> Case {
    let fixture = try shared.get()
    return try #require((fixture.stochastic + fixture.lbfgs).first { $0.name == name })
  }
}

/// A JSON scalar or list of numbers, as the fixture's scikit-learn parameters hold them.
enum JSONValue: Decodable, CustomStringConvertible {
  case number(Double), string(String), bool(Bool), numbers([Double])

  var description: String {
    switch self {
    case .number(let d): return "\(d)"
    case .string(let s): return s
    case .bool(let b): return "\(b)"
    case .numbers(let list): return "\(list.map { Int($0) })"
    }
  }

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? container.decode(Double.self) {
      self = .number(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else {
      self = .numbers(try container.decode([Double].self))
    }
  }
}

/// scikit-learn parameter names → Learn's.
let scikitLearnNames: [String: String] = [
  "hidden_layer_sizes": "hiddenLayerSizes", "activation": "activation", "solver": "solver", "alpha": "alpha",
  "batch_size": "batchSize", "learning_rate": "learningRate", "learning_rate_init": "learningRateInit",
  "power_t": "powerT", "max_iter": "maxIterations", "shuffle": "shuffle", "random_state": "seed", "tol": "tolerance",
  "momentum": "momentum", "nesterovs_momentum": "nesterovsMomentum", "early_stopping": "earlyStopping",
  "validation_fraction": "validationFraction", "beta_1": "beta1", "beta_2": "beta2", "epsilon": "epsilon",
  "n_iter_no_change": "nIterNoChange", "max_fun": "maxFun",
]

/// The fixture's scikit-learn parameters as Learn's, through the hyperparameter table.
func learnParameters(_ parameters: [String: JSONValue]) throws -> ParameterSet {
  var result: ParameterSet = [:]
  for (name, value) in parameters {
    let learnName = try #require(scikitLearnNames[name], "no Learn name for \(name)")
    switch value {
    case .bool(let b): result[learnName] = .bool(b)
    case .string(let s): result[learnName] = .string(s)
    case .numbers(let list): result[learnName] = .ints(list.map { Int($0) })
    case .number(let d):
      let integral = ["batchSize", "maxIterations", "seed", "nIterNoChange", "maxFun"].contains(learnName)
      result[learnName] = integral ? .int(Int(d)) : .double(d)
    }
  }
  return result
}

extension MLPFixture.Case {
  var matrix: Matrix { try! Matrix(rowCount: rows, columnCount: columns, elements: x) }
  var labels: [Int] { y.map { Int($0) } }
  var initialLayers: [MLPLayer] { Self.layers(initial) }
  var finalLayers: [MLPLayer] { Self.layers(final) }
  static func layers(_ layers: [MLPFixture.Layer]) -> [MLPLayer] {
    layers.map {
      MLPLayer(coefficients: try! Matrix(rowCount: $0.rows, columnCount: $0.columns, elements: $0.coefficients),
               intercepts: $0.intercepts)
    }
  }
}

/// The largest absolute difference between two lists of layers (∞ when the shapes differ).
func maxDifference(_ a: [MLPLayer], _ b: [MLPLayer]) -> Double {
  guard a.count == b.count else { return .infinity }
  var worst = 0.0
  for (p, q) in zip(a, b) {
    guard p.coefficients.shape == q.coefficients.shape, p.intercepts.count == q.intercepts.count else { return .infinity }
    for (u, v) in zip(p.coefficients.elements + p.intercepts, q.coefficients.elements + q.intercepts) {
      worst = max(worst, abs(u - v))
    }
  }
  return worst
}

@Suite struct MLPParityTests {
  static let stochasticNames = [
    "sgd_multiclass_tanh", "sgd_multiclass_tanh_4epochs", "adam_multiclass_relu", "adam_multiclass_relu_4epochs",
    "sgd_binary_logistic_invscaling", "adam_binary_identity", "adam_regression_tanh", "sgd_regression_relu_fullbatch",
    "sgd_regression_adaptive_stops", "adam_multiclass_stops",
  ]

  /// From scikit-learn's initial weights and without shuffling, sgd and adam reach scikit-learn's
  /// weights to 1e-10, with the same loss curve, sample count, learning rate and stopping epoch.
  @Test(arguments: stochasticNames)
  func stochasticSolversMatchScikitLearn(name: String) throws {
    let c = try MLPFixture.named(name)
    let parameters = try learnParameters(c.parameters)
    let layers: [MLPLayer], state: MLPTrainingState, lossCurve: [Double], loss: Double
    let iterations: Int, converged: Bool, bestLoss: Double?
    if c.task == "regression" {
      let model = try MLPRegressor().setting(parameters).fit(c.matrix, c.y, initialLayers: c.initialLayers)
      (layers, state, lossCurve, loss) = (model.layers, model.trainingState, model.lossCurve, model.loss)
      (iterations, converged, bestLoss) = (model.iterations, model.converged, model.bestLoss)
      let predictions = try model.predict(c.matrix.rows(at: 0..<5))
      #expect(maxRelativeError(predictions, reference: try #require(c.predictions), floor: 1) < 1e-10)
    } else {
      let model = try MLPClassifier().setting(parameters).fit(c.matrix, c.labels, initialLayers: c.initialLayers)
      (layers, state, lossCurve, loss) = (model.layers, model.trainingState, model.lossCurve, model.loss)
      (iterations, converged, bestLoss) = (model.iterations, model.converged, model.bestLoss)
      let probabilities = try model.predictProbabilities(c.matrix.rows(at: 0..<5))
      #expect(allClose(probabilities.elements, try #require(c.probabilities), relative: 0, absolute: 1e-10))
    }
    let difference = maxDifference(layers, c.finalLayers)
    #expect(difference < 1e-10, "weights differ from scikit-learn's by \(difference)")
    #expect(allClose(lossCurve, try #require(c.lossCurve), relative: 1e-11))
    #expect(isClose(loss, c.loss, relative: 1e-11))
    #expect(iterations == c.iterations)
    let maxIterations = try #require(parameters["maxIterations"]?.intValue)
    #expect(converged == (c.iterations < maxIterations))
    #expect(state.samplesSeen == c.samplesSeen)
    #expect(state.noImprovementCount == c.noImprovementCount)
    #expect(isClose(try #require(bestLoss), try #require(c.bestLoss), relative: 1e-11))
    switch state.optimizer {
    case .adam(let adam):
      #expect(adam.step == c.adamStep)
      #expect(isClose(adam.learningRate, try #require(c.learningRate), relative: 1e-13))
    case .sgd(let sgd):
      #expect(isClose(sgd.learningRate, try #require(c.learningRate), relative: 1e-13))
    case .lbfgs:
      Issue.record("a stochastic solver left an lbfgs state")
    }
  }

  /// From the same initial weights, L-BFGS reaches scikit-learn's (scipy L-BFGS-B's) loss to 1e-6.
  @Test(arguments: ["lbfgs_multiclass_tanh", "lbfgs_binary_logistic", "lbfgs_regression_tanh", "lbfgs_multiclass_short"])
  func lbfgsReachesScikitLearnsLoss(name: String) throws {
    let c = try MLPFixture.named(name)
    let parameters = try learnParameters(c.parameters)
    let loss: Double, iterations: Int, converged: Bool
    if c.task == "regression" {
      let model = try MLPRegressor().setting(parameters).fit(c.matrix, c.y, initialLayers: c.initialLayers)
      (loss, iterations, converged) = (model.loss, model.iterations, model.converged)
      #expect(model.lossCurve.isEmpty && model.bestLoss == nil)
    } else {
      let model = try MLPClassifier().setting(parameters).fit(c.matrix, c.labels, initialLayers: c.initialLayers)
      (loss, iterations, converged) = (model.loss, model.iterations, model.converged)
    }
    #expect(abs(loss - c.loss) < 1e-6, "loss \(loss), scikit-learn \(c.loss); iterations \(iterations) vs \(c.iterations)")
    let maxIterations = try #require(parameters["maxIterations"]?.intValue)
    #expect(converged == (c.iterations < maxIterations))
    // The iterates follow scipy's closely: the iteration counts agree within a few percent.
    #expect(abs(iterations - c.iterations) <= max(2, c.iterations / 10), "\(iterations) vs \(c.iterations)")
  }

  /// An ill-conditioned run (relu, 300+ iterations): Learn's evaluations agree with scipy's to
  /// about 1e-14 for the first ~170, then rounding differences between the two matrix products
  /// grow and the runs stop at different nearby points. Only the neighbourhood is compared.
  @Test func lbfgsOnAnIllConditionedProblemEndsNearby() throws {
    let c = try MLPFixture.named("lbfgs_regression_relu_chaotic")
    let model = try MLPRegressor().setting(try learnParameters(c.parameters)).fit(c.matrix, c.y, initialLayers: c.initialLayers)
    #expect(abs(model.loss - c.loss) < 0.01 * c.loss, "loss \(model.loss), scikit-learn \(c.loss)")
    #expect(model.converged)
  }

  /// The loss of one full-batch epoch is the loss at the initial weights: scikit-learn's value to
  /// rounding (data loss and L2 term).
  @Test func lossAtTheInitialWeightsMatches() throws {
    let c = try MLPFixture.named("sgd_regression_relu_fullbatch")
    let model = try MLPRegressor().setting(try learnParameters(c.parameters))
      .setting("maxIterations", to: 1).fit(c.matrix, c.y, initialLayers: c.initialLayers)
    #expect(isClose(model.lossCurve[0], try #require(c.lossCurve)[0], relative: 1e-14))
  }
}
