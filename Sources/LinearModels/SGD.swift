// The stochastic-gradient-descent engine shared by SGDClassifier and SGDRegressor: one binary (or
// regression) problem, trained sample by sample exactly as scikit-learn's `_plain_sgd` does it —
// the weight vector kept as `scale · stored` so L2 decay costs O(1), the truncated-gradient
// ("cumulative penalty") L1 step of Tsuruoka et al., Bottou's lazy averaging, and the same
// learning-rate schedules and stopping rule. Everything the loop carries from one epoch to the
// next lives in `SGDState`, so a model can be continued epoch by epoch with the same result as
// one longer run.

import Foundation
import LearnCore
import LinearAlgebra

/// The regularisation term of an SGD model (scikit-learn's `penalty`).
public enum SGDPenalty: String, CaseIterable, Sendable {
  /// `alpha/2 · ‖w‖²`, applied as weight decay (the default).
  case l2
  /// `alpha · ‖w‖₁`, applied by the truncated-gradient cumulative penalty.
  case l1
  /// `alpha · (l1Ratio · ‖w‖₁ + (1 − l1Ratio)/2 · ‖w‖²)`.
  case elasticnet
  /// No penalty (scikit-learn's `None`).
  case none
}

/// How the step size `eta` evolves (scikit-learn's `learning_rate`), with `t` the number of samples
/// seen so far, starting at 1.
public enum SGDLearningRate: String, CaseIterable, Sendable {
  /// `eta = eta0`.
  case constant
  /// `eta = 1 / (alpha · (t0 + t − 1))`, with `t0` from Léon Bottou's heuristic (scikit-learn's
  /// default for classification).
  case optimal
  /// `eta = eta0 / t^powerT` (scikit-learn's default for regression).
  case invscaling
  /// `eta = eta0`, divided by 5 each time `nIterNoChange` epochs pass without improvement; training
  /// stops when `eta` falls to 1e-6 or below.
  case adaptive
}

/// Everything the SGD loop carries between samples and epochs, for one binary problem (or for a
/// regression): the weights in their scaled representation, the averaging, learning-rate and L1
/// state, and the stopping rule's memory. A fitted model keeps one per binary problem, so
/// ``SGDClassifier/continued(_:on:_:budget:)`` and ``SGDRegressor/continued(_:on:_:budget:)`` resume
/// exactly where training stopped.
public struct SGDState: Sendable, Hashable {
  /// The stored weights; the model's weights are `storedWeights · weightScale` (scikit-learn's
  /// `WeightVector.w`).
  public internal(set) var storedWeights: [Double]
  /// The scale of ``storedWeights`` (scikit-learn's `wscale`): L2 decay multiplies this scalar only.
  public internal(set) var weightScale: Double
  /// The (non-averaged) intercept.
  public internal(set) var intercept: Double
  /// The squared L2 norm of the weights as the loop tracks it for the objective (`sq_norm`).
  public internal(set) var trackedSquaredNorm: Double
  /// The L1 norm of the weights as the loop tracks it for the objective (`l1_norm`).
  public internal(set) var trackedL1Norm: Double
  /// The stored averaged weights, when averaging is on (`aw`, in Bottou's lazy representation).
  public internal(set) var storedAverage: [Double]?
  /// The lazy-averaging coefficients `average_a` and `average_b`.
  public internal(set) var averageA: Double, averageB: Double
  /// The averaged intercept.
  public internal(set) var averageIntercept: Double
  /// The sample counter of the learning-rate schedules (scikit-learn's `t_`): 1 before the first
  /// sample, then one more per training sample seen.
  public internal(set) var t: Double
  /// The current step size of the `constant` and `adaptive` schedules (the others recompute it
  /// from ``t`` at every sample).
  public internal(set) var eta: Double
  /// The total L1 penalty every weight could have received so far (`u` of the cumulative penalty).
  public internal(set) var cumulativePenalty: Double
  /// The L1 penalty each weight actually received (`q` of the cumulative penalty), when L1 is on.
  public internal(set) var appliedPenalty: [Double]?
  /// The best mean training objective of an epoch so far (without early stopping).
  public internal(set) var bestObjective: Double
  /// The best validation score of an epoch so far (with early stopping).
  public internal(set) var bestValidationScore: Double
  /// Consecutive epochs without an improvement of at least `tolerance`.
  public internal(set) var epochsWithoutImprovement: Int
  /// Epochs trained so far (scikit-learn's `n_iter_` for this problem).
  public internal(set) var epochs: Int
  /// Whether the stopping rule has fired (no improvement for `nIterNoChange` epochs).
  public internal(set) var converged: Bool

  /// The state before any training: zero weights, `t = 1`, `eta = eta0`.
  init(featureCount: Int, eta0: Double) {
    storedWeights = [Double](repeating: 0, count: featureCount)
    weightScale = 1
    intercept = 0
    trackedSquaredNorm = 0
    trackedL1Norm = 0
    storedAverage = nil
    averageA = 0
    averageB = 1
    averageIntercept = 0
    t = 1
    eta = eta0
    cumulativePenalty = 0
    appliedPenalty = nil
    bestObjective = .infinity
    bestValidationScore = -.infinity
    epochsWithoutImprovement = 0
    epochs = 0
    converged = false
  }

  /// The weights, `storedWeights · weightScale` (what scikit-learn's `coef_` holds without averaging).
  public var coefficients: [Double] {
    storedWeights.map { $0 * weightScale }
  }

  /// The averaged weights (scikit-learn's averaged `coef_`), when averaging is on.
  public var averagedCoefficients: [Double]? {
    guard let storedAverage else { return nil }
    let inverse = 1.0 / averageB
    return (0..<storedWeights.count).map { (storedAverage[$0] + averageA * storedWeights[$0]) * inverse }
  }

  /// Forgets the stopping rule's memory (used when a model is continued with new hyperparameters,
  /// whose objective is not comparable with the old one).
  mutating func resetStopping(eta0: Double, learningRate: SGDLearningRate) {
    bestObjective = .infinity
    bestValidationScore = -.infinity
    epochsWithoutImprovement = 0
    converged = false
    if learningRate == .constant || learningRate == .adaptive { eta = eta0 }
  }
}

/// A loss and its derivative in the prediction `p` for a target `y` (`±1`, `0/1` for the log loss,
/// or a real value), as scikit-learn's `_sgd_fast` and `_loss` modules define them.
enum SGDLossFunction: Sendable, Hashable {
  case hinge(threshold: Double)
  case squaredHinge(threshold: Double)
  case logistic
  case modifiedHuber
  case squaredError
  case huber(delta: Double)
  case epsilonInsensitive(epsilon: Double)
  case squaredEpsilonInsensitive(epsilon: Double)

  /// The loss at prediction `p` for target `y`.
  @inline(__always)
  func loss(_ y: Double, _ p: Double) -> Double {
    switch self {
    case .hinge(let threshold):
      let z = p * y
      return z <= threshold ? threshold - z : 0
    case .squaredHinge(let threshold):
      let z = threshold - p * y
      return z > 0 ? z * z : 0
    case .logistic:
      return sgdLog1pExp(p) - y * p
    case .modifiedHuber:
      let z = p * y
      if z >= 1 { return 0 }
      if z >= -1 { return (1 - z) * (1 - z) }
      return -4 * z
    case .squaredError:
      return 0.5 * (p - y) * (p - y)
    case .huber(let delta):
      let error = abs(y - p)
      return error <= delta ? 0.5 * (error * error) : delta * (error - 0.5 * delta)
    case .epsilonInsensitive(let epsilon):
      let excess = abs(y - p) - epsilon
      return excess > 0 ? excess : 0
    case .squaredEpsilonInsensitive(let epsilon):
      let excess = abs(y - p) - epsilon
      return excess > 0 ? excess * excess : 0
    }
  }

  /// The derivative of the loss in `p`.
  @inline(__always)
  func gradient(_ y: Double, _ p: Double) -> Double {
    switch self {
    case .hinge(let threshold):
      return p * y <= threshold ? -y : 0
    case .squaredHinge(let threshold):
      let z = threshold - p * y
      return z > 0 ? -2 * y * z : 0
    case .logistic:
      // expit(p) − y, in the overflow-safe form scikit-learn's `cgradient_half_binomial` uses.
      if p > -37 {
        let e = exp(-p)
        return ((1 - y) - y * e) / (1 + e)
      }
      return exp(p) - y
    case .modifiedHuber:
      let z = p * y
      if z >= 1 { return 0 }
      if z >= -1 { return 2 * (1 - z) * -y }
      return -4 * y
    case .squaredError:
      return p - y
    case .huber(let delta):
      let residual = p - y
      if abs(residual) <= delta { return residual }
      return residual >= 0 ? delta : -delta
    case .epsilonInsensitive(let epsilon):
      if y - p > epsilon { return -1 }
      if p - y > epsilon { return 1 }
      return 0
    case .squaredEpsilonInsensitive(let epsilon):
      let z = y - p
      if z > epsilon { return -2 * (z - epsilon) }
      if z < -epsilon { return 2 * (-z - epsilon) }
      return 0
    }
  }
}

/// `log(1 + exp(x))` without overflow, with scikit-learn's branch points (`log1pexp`).
@inline(__always)
func sgdLog1pExp(_ x: Double) -> Double {
  if x <= -37 { return exp(x) }
  if x <= -2 { return log1p(exp(x)) }
  if x <= 18 { return log(1 + exp(x)) }
  if x <= 33.3 { return x + exp(-x) }
  return x
}

/// The logistic function `1 / (1 + exp(−x))` (scipy's `expit`).
@inline(__always)
func sgdExpit(_ x: Double) -> Double {
  1 / (1 + exp(-x))
}

/// The hyperparameters ``SGDClassifier`` and ``SGDRegressor`` share, so one table, one check, one
/// conversion to the engine's settings and one continuation rule serve both.
protocol SGDConfiguration: Tunable {
  /// The estimator's own `Loss` enumeration.
  associatedtype Loss: RawRepresentable & CaseIterable & Sendable where Loss.RawValue == String
  var loss: Loss { get set }
  var penalty: SGDPenalty { get set }
  var alpha: Double { get set }
  var l1Ratio: Double { get set }
  var fitIntercept: Bool { get set }
  var maxIterations: Int { get set }
  var tolerance: Double? { get set }
  var shuffle: Bool { get set }
  var epsilon: Double { get set }
  var seed: UInt64 { get set }
  var learningRate: SGDLearningRate { get set }
  var eta0: Double { get set }
  var powerT: Double { get set }
  var earlyStopping: Bool { get set }
  var validationFraction: Double { get set }
  var nIterNoChange: Int { get set }
  var average: Int { get set }
  /// The engine's loss function for ``loss`` (with ``epsilon`` where the loss has one).
  var lossFunction: SGDLossFunction { get }
}

extension SGDConfiguration {
  /// The rows both tables start with, `loss` to `nIterNoChange`, in scikit-learn's order.
  static var sharedRows: [Hyperparameter<Self>] {
    [
      .choice("loss", \Self.loss),
      .choice("penalty", \Self.penalty),
      .double("alpha", \Self.alpha, .nonNegative, log: true),
      .double("l1Ratio", \Self.l1Ratio, .unitInterval),
      .bool("fitIntercept", \Self.fitIntercept),
      .int("maxIterations", \Self.maxIterations, 1...Int.max),
      .optionalDouble("tolerance", \Self.tolerance, .nonNegative, log: true),
      .bool("shuffle", \Self.shuffle),
      .double("epsilon", \Self.epsilon, .nonNegative, log: true),
      .seed("seed", \Self.seed),
      .choice("learningRate", \Self.learningRate),
      .double("eta0", \Self.eta0, .positive, log: true),
      .double("powerT", \Self.powerT, .nonNegative),
      .bool("earlyStopping", \Self.earlyStopping),
      .double("validationFraction", \Self.validationFraction,
              RealDomain(lower: 0, upper: 1, lowerClosed: false, upperClosed: false)),
      .int("nIterNoChange", \Self.nIterNoChange, 1...Int.max),
    ]
  }

  /// The default search space of both estimators: `loss` among `losses`, `penalty` one of `l2`,
  /// `l1`, `elasticnet`, `alpha` log-uniform in [1e-6, 1e-1] (above 0, so the `optimal` schedule
  /// is always valid), `l1Ratio` uniform in [0, 1].
  static func sgdSearchSpace(losses: [ParameterValue]) -> [String: Distribution] {
    [
      "loss": .choice(losses), "penalty": .choice(["l2", "l1", "elasticnet"]),
      "alpha": .logUniform(1e-6, 1e-1), "l1Ratio": .uniform(0, 1),
    ]
  }

  /// The `average` row, which both tables end with.
  static var averageRow: Hyperparameter<Self> { .int("average", \Self.average, 0...Int.max) }

  /// The engine's settings for this estimator.
  var settings: SGDSettings { SGDSettings(self) }

  /// The table's checks, then the one that relates two hyperparameters.
  func validate() throws(LearnError) {
    try validateHyperparameters()
    if learningRate == .optimal && alpha == 0 {
      throw .invalidHyperparameter(name: "alpha", estimator: Self.estimatorName,
                                   expected: "a float in (0, inf) when learningRate is \"optimal\"", got: "0.0")
    }
  }

  /// The checks a continuation adds to a fit's: the model's feature count and a budget of at least 0.
  func checkContinuation(_ x: Matrix, featureCount: Int, budget: Int) throws(LearnError) {
    try Validation.checkFeatureCount(x, expected: featureCount)
    guard budget >= 0 else { throw .invalidArgument(name: "budget", reason: "must be at least 0, got \(budget)") }
  }

  /// `states` ready to continue under these hyperparameters: unchanged when they shape training as
  /// `previous` did (all but `maxIterations` equal), else with the stopping rule (and the `eta` of
  /// the `constant` and `adaptive` schedules) restarted, as the new objective is not comparable.
  func resuming(_ states: [SGDState], trainedBy previous: Self) -> [SGDState] {
    var mine = parameters, theirs = previous.parameters
    mine["maxIterations"] = nil
    theirs["maxIterations"] = nil
    guard mine != theirs else { return states }
    var states = states
    for i in states.indices { states[i].resetStopping(eta0: eta0, learningRate: learningRate) }
    return states
  }
}

/// The hyperparameters the engine reads, resolved from an estimator.
struct SGDSettings: Sendable {
  var loss: SGDLossFunction
  var penalty: SGDPenalty
  var alpha: Double
  /// The effective L1 ratio: 0 for `l2`, 1 for `l1`, the estimator's for `elasticnet`.
  var l1Ratio: Double
  var fitIntercept: Bool
  var tolerance: Double?
  var shuffle: Bool
  var seed: UInt64
  var learningRate: SGDLearningRate
  var eta0: Double
  var powerT: Double
  var earlyStopping: Bool
  var nIterNoChange: Int
  var average: Int

  /// The settings of `estimator`.
  init(_ estimator: some SGDConfiguration) {
    loss = estimator.lossFunction
    penalty = estimator.penalty
    alpha = estimator.alpha
    switch penalty {
    case .l2: l1Ratio = 0
    case .l1: l1Ratio = 1
    case .elasticnet, .none: l1Ratio = estimator.l1Ratio
    }
    fitIntercept = estimator.fitIntercept
    tolerance = estimator.tolerance
    shuffle = estimator.shuffle
    seed = estimator.seed
    learningRate = estimator.learningRate
    eta0 = estimator.eta0
    powerT = estimator.powerT
    earlyStopping = estimator.earlyStopping
    nIterNoChange = estimator.nIterNoChange
    average = estimator.average
  }

  /// `t0` of the `optimal` schedule: the first step equals Bottou's `typw / max(1, −loss′(−typw))`
  /// estimate, with `typw = sqrt(1 / sqrt(alpha))`, as scikit-learn computes it.
  var optimalInit: Double {
    let typw = (1.0 / alpha.squareRoot()).squareRoot()
    let initialEta = typw / Swift.max(1.0, loss.gradient(1.0, -typw))
    return 1.0 / (initialEta * alpha)
  }
}

/// Which rows train and which validate (early stopping), both ascending.
struct SGDSplit: Sendable {
  var trainingRows: [Int]
  var validationRows: [Int]

  /// Every row trains.
  static func all(_ n: Int) -> SGDSplit { SGDSplit(trainingRows: Array(0..<n), validationRows: []) }

  /// The generator of the validation split: a stream of its own, apart from the epochs' shuffles.
  static func generator(seed: UInt64) -> Xoshiro256StarStar {
    Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64.max))
  }

  /// A random `fraction` of the rows (rounded up) for validation, as scikit-learn's `ShuffleSplit`.
  static func shuffled(_ n: Int, fraction: Double, seed: UInt64) throws(LearnError) -> SGDSplit {
    let validationCount = Int((fraction * Double(n)).rounded(.up))
    try checkSizes(n, validationCount, fraction)
    var generator = generator(seed: seed)
    let order = generator.permutation(n)
    return SGDSplit(trainingRows: order[validationCount...].sorted(),
                    validationRows: order[..<validationCount].sorted())
  }

  /// A validation set with each class in proportion (scikit-learn's `StratifiedShuffleSplit`): each
  /// class gets `⌊count · v / n⌋` validation rows, and the rows left over go to the classes with the
  /// largest remainders (lower class index first among ties).
  static func stratified(_ classIndices: [Int], classCount: Int, fraction: Double, seed: UInt64) throws(LearnError)
    -> SGDSplit
  {
    let n = classIndices.count
    let validationCount = Int((fraction * Double(n)).rounded(.up))
    try checkSizes(n, validationCount, fraction)
    guard validationCount >= classCount, n - validationCount >= classCount else {
      throw .invalidArgument(
        name: "validationFraction",
        reason: "a stratified validation set of \(validationCount) of \(n) samples cannot hold all "
          + "\(classCount) classes in both parts; use more samples, another fraction, or earlyStopping: false")
    }
    var members = [[Int]](repeating: [], count: classCount)
    for (row, c) in classIndices.enumerated() { members[c].append(row) }
    var quota = members.map { $0.count * validationCount / n }
    let remainders = members.indices.map { ($0, members[$0].count * validationCount % n) }
      .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    var missing = validationCount - quota.reduce(0, +)
    for (c, _) in remainders where missing > 0 && quota[c] < members[c].count {
      quota[c] += 1
      missing -= 1
    }
    var generator = generator(seed: seed)
    var validation: [Int] = []
    for c in 0..<classCount {
      var rows = members[c]
      generator.shuffle(&rows)
      validation += rows.prefix(quota[c])
    }
    let isValidation = Set(validation)
    return SGDSplit(trainingRows: (0..<n).filter { !isValidation.contains($0) }, validationRows: validation.sorted())
  }

  private static func checkSizes(_ n: Int, _ validationCount: Int, _ fraction: Double) throws(LearnError) {
    guard validationCount >= 1, validationCount < n else {
      throw .invalidArgument(
        name: "validationFraction",
        reason: "splitting \(n) samples with validationFraction \(fraction) leaves an empty training or "
          + "validation set; use more samples, another fraction, or earlyStopping: false")
    }
  }
}

/// How early stopping scores the validation rows.
enum SGDValidationMetric: Sendable {
  /// The share of rows on the right side of the decision boundary (targets > 0 are positive).
  case accuracy
  /// The coefficient of determination R², with scikit-learn's constant-target rule.
  case r2
}

/// The data of one problem: features, per-row targets and the class weights of the positive
/// (target > 0) and other rows.
struct SGDProblem {
  let x: Matrix
  let targets: [Double]
  let positiveWeight: Double
  let negativeWeight: Double
  let split: SGDSplit
  let metric: SGDValidationMetric
}

extension SGDState {
  /// Trains up to `epochs` more epochs (fewer if the stopping rule fires). The shuffle of epoch `e`
  /// (counted over the model's whole life) comes from `SplitMix64.derive(seed, e)`, so splitting
  /// the epochs over several calls gives the same result as one call. Throws
  /// ``LearnError/cancelled(_:)`` between epochs when the job is cancelled.
  mutating func train(_ problem: SGDProblem, settings: SGDSettings, epochs budget: Int) throws(LearnError) {
    guard budget > 0, !converged else { return }
    let p = problem.x.columnCount
    let usesL1 = settings.penalty == .l1 || settings.penalty == .elasticnet
    if usesL1 && appliedPenalty == nil { appliedPenalty = [Double](repeating: 0, count: p) }
    if settings.average > 0 && storedAverage == nil { storedAverage = [Double](repeating: 0, count: p) }
    let optimalInit = settings.learningRate == .optimal ? settings.optimalInit : 0
    let trackObjective = !settings.earlyStopping && settings.tolerance != nil
    let trainCount = Double(problem.split.trainingRows.count)
    var order = problem.split.trainingRows
    var checkpoint = CancellationCheckpoint()
    for _ in 0..<budget {
      try checkpoint.check(after: order.count &* Swift.max(p, 1), "before SGD epoch \(epochs + 1)")
      if settings.shuffle {
        order = problem.split.trainingRows
        sgdShuffle(&order, seed: SplitMix64.derive(settings.seed, UInt64(epochs)))
      }
      let objective = runEpoch(problem, order: order, settings: settings, optimalInit: optimalInit,
                               trackObjective: trackObjective)
      epochs += 1
      guard intercept.isFinite, storedWeights.allSatisfy(\.isFinite) else {
        throw .invalidArgument(
          name: "x",
          reason: "floating-point overflow during SGD epoch \(epochs); scale the features (StandardScaler) "
            + "or lower eta0")
      }
      if settings.earlyStopping {
        let score = validationScore(problem)
        if let tolerance = settings.tolerance, score < bestValidationScore + tolerance {
          epochsWithoutImprovement += 1
        } else {
          epochsWithoutImprovement = 0
        }
        if score > bestValidationScore { bestValidationScore = score }
      } else {
        let mean = objective / trainCount
        if let tolerance = settings.tolerance, mean > bestObjective - tolerance {
          epochsWithoutImprovement += 1
        } else {
          epochsWithoutImprovement = 0
        }
        if mean < bestObjective { bestObjective = mean }
      }
      if epochsWithoutImprovement >= settings.nIterNoChange {
        if settings.learningRate == .adaptive && eta > 1e-6 {
          eta = eta / 5
          epochsWithoutImprovement = 0
        } else {
          converged = true
          return
        }
      }
    }
  }

  /// One pass over `order`; returns the summed objective (loss plus penalty at each sample) when
  /// `trackObjective`, else 0.
  private mutating func runEpoch(
    _ problem: SGDProblem, order: [Int], settings: SGDSettings, optimalInit: Double, trackObjective: Bool
  ) -> Double {
    // Move the arrays out so the loop owns them uniquely (no copy-on-write checks).
    var w = storedWeights, aw = storedAverage ?? [], q = appliedPenalty ?? []
    storedWeights = []
    storedAverage = nil
    appliedPenalty = nil
    var scalars = SGDScalars(
      wscale: weightScale, intercept: intercept, squaredNorm: trackedSquaredNorm, l1Norm: trackedL1Norm,
      averageA: averageA, averageB: averageB, averageIntercept: averageIntercept, t: t, eta: eta,
      u: cumulativePenalty, objective: 0)
    let p = problem.x.columnCount
    problem.x.withUnsafeBufferPointer { xBuffer in
      problem.targets.withUnsafeBufferPointer { yBuffer in
        order.withUnsafeBufferPointer { rows in
          w.withUnsafeMutableBufferPointer { wBuffer in
            aw.withUnsafeMutableBufferPointer { awBuffer in
              q.withUnsafeMutableBufferPointer { qBuffer in
                sgdEpochKernel(
                  x: xBuffer.baseAddress!, featureCount: p, targets: yBuffer.baseAddress!, rows: rows,
                  // An empty array's buffer may point at the shared empty storage: pass nil instead.
                  weights: wBuffer.baseAddress!, average: awBuffer.isEmpty ? nil : awBuffer.baseAddress,
                  penalty: qBuffer.isEmpty ? nil : qBuffer.baseAddress,
                  positiveWeight: problem.positiveWeight, negativeWeight: problem.negativeWeight,
                  settings: settings, optimalInit: optimalInit, trackObjective: trackObjective, &scalars)
              }
            }
          }
        }
      }
    }
    storedWeights = w
    if !aw.isEmpty { storedAverage = aw }
    if !q.isEmpty { appliedPenalty = q }
    weightScale = scalars.wscale
    intercept = scalars.intercept
    trackedSquaredNorm = scalars.squaredNorm
    trackedL1Norm = scalars.l1Norm
    averageA = scalars.averageA
    averageB = scalars.averageB
    averageIntercept = scalars.averageIntercept
    t = scalars.t
    eta = scalars.eta
    cumulativePenalty = scalars.u
    return scalars.objective
  }

  /// The validation score of the current weights (accuracy or R²) on the split's validation rows.
  func validationScore(_ problem: SGDProblem) -> Double {
    let rows = problem.split.validationRows
    let p = problem.x.columnCount
    let predictions: [Double] = problem.x.withUnsafeBufferPointer { xs in
      storedWeights.withUnsafeBufferPointer { ws in
        rows.map { dot(ws.baseAddress!, xs.baseAddress! + $0 &* p, count: p) * weightScale + intercept }
      }
    }
    let targets = rows.map { problem.targets[$0] }
    switch problem.metric {
    case .accuracy:
      let correct = zip(predictions, targets).filter { ($0 > 0) == ($1 > 0) }.count
      return Double(correct) / Double(rows.count)
    case .r2:
      let mean = targets.reduce(0, +) / Double(targets.count)
      var residual = 0.0, total = 0.0
      for (prediction, target) in zip(predictions, targets) {
        residual += (target - prediction) * (target - prediction)
        total += (target - mean) * (target - mean)
      }
      if total == 0 { return residual == 0 ? 1 : 0 }
      return 1 - residual / total
    }
  }
}

/// The scalar state of the SGD loop, held in registers during an epoch.
struct SGDScalars {
  var wscale, intercept, squaredNorm, l1Norm, averageA, averageB, averageIntercept, t, eta, u, objective: Double
  /// A sum of the prefetched values, kept only so the touches are not optimised away.
  var touched: UInt64 = 0
}

/// One epoch of scikit-learn's `_plain_sgd` inner loop over `rows`, on raw storage.
@inline(never)
func sgdEpochKernel(
  x xs: UnsafePointer<Double>, featureCount p: Int, targets ys: UnsafePointer<Double>,
  rows: UnsafeBufferPointer<Int>, weights ws: UnsafeMutablePointer<Double>,
  average aws: UnsafeMutablePointer<Double>?, penalty qs: UnsafeMutablePointer<Double>?,
  positiveWeight: Double, negativeWeight: Double, settings: SGDSettings, optimalInit: Double,
  trackObjective: Bool, _ state: inout SGDScalars
) {
  var s = state
  let loss = settings.loss, alpha = settings.alpha, l1Ratio = settings.l1Ratio
  let learningRate = settings.learningRate, eta0 = settings.eta0, powerT = settings.powerT
  let decays = settings.penalty == .l2 || settings.penalty == .elasticnet
  let usesL1 = settings.penalty == .l1 || settings.penalty == .elasticnet
  let penalised = settings.penalty != .none
  let fitIntercept = settings.fitIntercept
  let average = Double(settings.average), averaging = settings.average > 0
  var touched: UInt64 = 0
  let rowCount = rows.count
  for k in 0..<rowCount {
    let row = rows[k]
    if k &+ 2 < rowCount {
      // Touch each cache line of the row after next, so its loads overlap this row's work.
      let ahead = xs + rows[k &+ 2] &* p
      var j = 0
      while j < p {
        touched &+= ahead[j].bitPattern
        j &+= 8
      }
    }
    let x = xs + row &* p
    let y = ys[row]
    let prediction = sgdSequentialDot(ws, x, count: p) * s.wscale + s.intercept
    switch learningRate {
    case .optimal: s.eta = 1.0 / (alpha * (optimalInit + s.t - 1))
    case .invscaling: s.eta = eta0 / pow(s.t, powerT)
    case .constant, .adaptive: break
    }
    if trackObjective {
      s.objective += loss.loss(y, prediction)
      if penalised {
        let norm = s.squaredNorm.squareRoot()
        s.objective += alpha * ((1 - l1Ratio) * 0.5 * (norm * norm) + l1Ratio * s.l1Norm)
      }
    }
    let classWeight = y > 0 ? positiveWeight : negativeWeight
    var dloss = loss.gradient(y, prediction)
    if dloss < -1e12 { dloss = -1e12 } else if dloss > 1e12 { dloss = 1e12 }
    let update = -s.eta * dloss * classWeight

    if decays {
      // Weight decay: scale, never below zero when eta · alpha is too large.
      let factor = 1.0 - ((1.0 - l1Ratio) * s.eta * alpha)
      let c = factor > 0 ? factor : 0
      s.wscale *= c
      s.squaredNorm *= c * c
      s.l1Norm *= abs(c)
      if s.wscale < 1e-9 { sgdResetScale(ws, aws, p, &s) }
    }
    if update != 0 {
      let absolutes = sgdAddTrackingNorms(ws, x, count: p, update / s.wscale, &s.squaredNorm)
      s.squaredNorm *= s.wscale * s.wscale
      s.l1Norm = absolutes * s.wscale
      if fitIntercept { s.intercept += update }
    }
    if averaging && average <= s.t, let aws {
      // Bottou's lazy averaging (scikit-learn's `WeightVector.add_average`).
      let count = s.t - average + 1
      let mu = 1.0 / count
      let k = -update / s.wscale
      let a = s.averageA
      for j in 0..<p { aws[j] += a * x[j] * k }
      if count > 1 { s.averageB /= (1.0 - mu) }
      s.averageA += mu * s.averageB * s.wscale
      s.averageIntercept += (s.intercept - s.averageIntercept) / count
    }
    if usesL1, let qs {
      // Truncated gradient with the cumulative penalty (Tsuruoka, Tsujii and Ananiadou, 2009).
      s.u += l1Ratio * s.eta * alpha
      let u = s.u, wscale = s.wscale
      for j in 0..<p {
        let z = ws[j]
        if wscale * z > 0 {
          let v = z - ((u + qs[j]) / wscale)
          ws[j] = v > 0 ? v : 0
        } else if wscale * z < 0 {
          let v = z + ((u - qs[j]) / wscale)
          ws[j] = v < 0 ? v : 0
        }
        qs[j] += wscale * (ws[j] - z)
      }
    }
    s.t += 1
  }
  s.touched = touched
  state = s
}

/// Multiplies the stored weights into their scale (scikit-learn's `reset_wscale`), flushing the
/// lazy average first.
@inline(__always)
func sgdResetScale(
  _ ws: UnsafeMutablePointer<Double>, _ aws: UnsafeMutablePointer<Double>?, _ p: Int, _ s: inout SGDScalars
) {
  if let aws {
    let inverse = 1.0 / s.averageB
    let a = s.averageA
    for j in 0..<p { aws[j] = (aws[j] + a * ws[j]) * inverse }
    s.averageA = 0
    s.averageB = 1
  }
  let scale = s.wscale
  for j in 0..<p { ws[j] *= scale }
  s.wscale = 1
}

/// `Σ w[j]·x[j]` summed in index order, as scikit-learn's `WeightVector.dot` sums it. A blocked
/// (SIMD) sum is faster but rounds differently, and over many epochs the difference can grow to
/// 1e-7 of the weights; summing in order keeps the weights bit-identical to scikit-learn's.
@inline(__always)
func sgdSequentialDot(_ w: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, count: Int) -> Double {
  var sum = 0.0
  var j = 0
  while j < count {
    sum += w[j] * x[j]
    j &+= 1
  }
  return sum
}

/// `w ← w + k·x`, returning `Σ|w|` and adding `Σw²` into `squaredNorm` (which it overwrites): the
/// fused update and norm tracking of scikit-learn's `WeightVector.add`.
@inline(__always)
func sgdAddTrackingNorms(
  _ w: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, count: Int, _ k: Double,
  _ squaredNorm: inout Double
) -> Double {
  let kv = SIMD4<Double>(repeating: k)
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), a0 = SIMD4<Double>(), a1 = SIMD4<Double>()
  var j = 0
  while j &+ 8 <= count {
    let v0 = sgdLoad(w + j) + sgdLoad(x + j) * kv
    let v1 = sgdLoad(w + (j &+ 4)) + sgdLoad(x + (j &+ 4)) * kv
    sgdStore(v0, w + j)
    sgdStore(v1, w + (j &+ 4))
    s0 += v0 * v0
    s1 += v1 * v1
    a0 += sgdAbs(v0)
    a1 += sgdAbs(v1)
    j &+= 8
  }
  var squares = (s0 + s1).sum(), absolutes = (a0 + a1).sum()
  while j < count {
    let v = w[j] + x[j] * k
    w[j] = v
    squares += v * v
    absolutes += abs(v)
    j &+= 1
  }
  squaredNorm = squares
  return absolutes
}

/// `|v|` lane by lane, by clearing the sign bits.
@inline(__always)
func sgdAbs(_ v: SIMD4<Double>) -> SIMD4<Double> {
  let magnitude = unsafeBitCast(v, to: SIMD4<UInt64>.self) & SIMD4(repeating: 0x7FFF_FFFF_FFFF_FFFF)
  return unsafeBitCast(magnitude, to: SIMD4<Double>.self)
}

/// Shuffles `rows` with `Xoshiro256StarStar(seed:)`: the same Fisher–Yates (from the last element
/// down, Lemire's bounded integers) as LinearAlgebra's `shuffle(_:)`, specialised for the hot path.
func sgdShuffle(_ rows: inout [Int], seed: UInt64) {
  var generator = Xoshiro256StarStar(seed: seed)
  rows.withUnsafeMutableBufferPointer { buffer in
    var i = buffer.count - 1
    while i > 0 {
      let j = generator.nextInt(below: i + 1)
      buffer.swapAt(i, j)
      i -= 1
    }
  }
}

@inline(__always)
func sgdLoad(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
func sgdLoad(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
func sgdStore(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
}

extension SGDPenalty: Codable {}
extension SGDLearningRate: Codable {}
extension SGDState: Codable {}

extension SGDState {
  /// The weights, averages and schedule of one binary problem over `featureCount` features.
  func checkLoaded(featureCount: Int, field: String) throws(LearnError) {
    try PersistenceCheck.count(storedWeights, featureCount, field + ".storedWeights")
    try PersistenceCheck.finite(storedWeights, field + ".storedWeights")
    if let storedAverage { try PersistenceCheck.count(storedAverage, featureCount, field + ".storedAverage") }
    if let appliedPenalty { try PersistenceCheck.count(appliedPenalty, featureCount, field + ".appliedPenalty") }
    try PersistenceCheck.finite([weightScale, intercept, averageA, averageB, averageIntercept, t, eta], field)
    try PersistenceCheck.counter(epochs, field + ".epochs")
    try PersistenceCheck.counter(epochsWithoutImprovement, field + ".epochsWithoutImprovement")
    try PersistenceCheck.require(t >= 1 && t <= 0x1p53, field + ".t", "must be a sample count from 1 to 2⁵³")
  }
}
