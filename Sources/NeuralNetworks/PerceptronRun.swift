// Training: the epoch loop of the stochastic solvers (scikit-learn's `_fit_stochastic`), the L-BFGS
// path (`_fit_lbfgs`), and the state carried from one training call to the next.

import Foundation
import LearnCore
import LinearAlgebra

/// What the task contributes to training: encoded targets and the validation score.
struct PerceptronTask {
  /// The output layer's activation (and so the loss).
  let output: MLPOutputActivation
  /// `n × outputs` targets, row-major: one-hot class indicators (one 0/1 column for two classes)
  /// or regression values.
  let targets: [Double]
  /// Class indices for a stratified validation split; nil for an unstratified one.
  let strata: [Int]?
  /// The validation score (accuracy or R²) of network outputs (`rows.count × outputs`) for the
  /// given rows of the training data.
  let score: (UnsafePointer<Double>, [Int]) -> Double
}

/// A training run's whole state: what a model holds and a continuation resumes.
struct PerceptronRun: Sendable {
  var layout: NetworkLayout
  var activation: MLPActivation
  var output: MLPOutputActivation
  var parameters: [Double]
  var optimizer: MLPOptimizerState
  var samplesSeen = 0
  var noImprovementCount = 0
  var bestLoss = Double.infinity
  var bestValidationScore = -Double.infinity
  var bestParameters: [Double]? = nil
  var lossCurve: [Double] = []
  var learningRateCurve: [Double] = []
  var hypergradient: MLPHypergradientState? = nil
  var validationScores: [Double] = []
  var loss = Double.nan
  var iterations = 0
  var stopped = false
  var seed: UInt64
  var trainedWith: ParameterSet
  var earlyStopping = false

  /// The weights the model predicts with: the best validation weights with early stopping.
  var predictingParameters: [Double] { earlyStopping ? (bestParameters ?? parameters) : parameters }

  /// The public view of the state.
  var trainingState: MLPTrainingState {
    MLPTrainingState(
      layerUnits: layout.units, parameters: parameters, optimizer: optimizer, hypergradient: hypergradient,
      samplesSeen: samplesSeen,
      noImprovementCount: noImprovementCount, bestLoss: bestLoss, bestValidationScore: bestValidationScore,
      bestParameters: bestParameters, seed: seed, stopped: stopped, trainedWith: trainedWith)
  }

  /// A fresh optimiser state for `solver`.
  static func freshOptimizer(_ solver: MLPSolver, parameterCount: Int, learningRateInit: Double) -> MLPOptimizerState {
    switch solver {
    case .lbfgs: return .lbfgs
    case .sgd:
      return .sgd(MLPSGDState(velocities: [Double](repeating: 0, count: parameterCount),
                              learningRate: learningRateInit, learningRateInit: learningRateInit))
    case .adam:
      return .adam(MLPAdamState(step: 0, firstMoments: [Double](repeating: 0, count: parameterCount),
                                secondMoments: [Double](repeating: 0, count: parameterCount),
                                learningRate: learningRateInit))
    }
  }

  /// Makes the optimiser state fit `settings` for a continuation: a different solver starts fresh
  /// (hypergradient descent too); a changed `sgd` `learningRateInit` restarts its schedule from
  /// the new value.
  mutating func adoptOptimizer<C: PerceptronConfiguration>(_ settings: C) {
    switch (settings.solver, optimizer) {
    case (.lbfgs, _):
      optimizer = .lbfgs
    case (.adam, .adam):
      break
    case (.sgd, .sgd(var state)):
      if state.learningRateInit != settings.learningRateInit {
        state.learningRateInit = settings.learningRateInit
        state.learningRate = scheduledRate(settings)
        optimizer = .sgd(state)
      }
    default:
      optimizer = Self.freshOptimizer(settings.solver, parameterCount: layout.parameterCount,
                                      learningRateInit: settings.learningRateInit)
      hypergradient = nil
    }
  }

  /// The `sgd` schedule's rate after the samples seen so far, from `learningRateInit`: the
  /// `invscaling` decay, else `learningRateInit` itself.
  func scheduledRate<C: PerceptronConfiguration>(_ settings: C) -> Double {
    settings.learningRate == .invscaling && samplesSeen > 0
      ? settings.learningRateInit / Foundation.pow(Double(samplesSeen + 1), settings.powerT)
      : settings.learningRateInit
  }

  /// Trains for up to `budget` epochs (stochastic solvers) or iterations (L-BFGS) with `settings`.
  mutating func train<C: PerceptronConfiguration>(
    _ settings: C, x: Matrix, task: PerceptronTask, budget: Int
  ) throws(LearnError) {
    earlyStopping = settings.solver != .lbfgs && settings.earlyStopping
    if settings.solver == .lbfgs {
      try trainLBFGS(settings, x: x, task: task, budget: budget)
    } else {
      try trainStochastic(settings, x: x, task: task, budget: budget)
    }
    guard loss.isFinite, parameters.allSatisfy(\.isFinite) else {
      throw Self.divergence(iterations, loss)
    }
  }

  static func divergence(_ epoch: Int, _ loss: Double) -> LearnError {
    .invalidArgument(
      name: "x",
      reason: "training diverged at iteration \(epoch): the loss became \(loss); scale the features "
        + "(StandardScaler) or lower learningRateInit")
  }

  // MARK: L-BFGS

  private mutating func trainLBFGS<C: PerceptronConfiguration>(
    _ settings: C, x: Matrix, task: PerceptronTask, budget: Int
  ) throws(LearnError) {
    let n = x.rowCount
    let workspace = Workspace(layout: layout, capacity: n, hidden: activation, output: output,
                              parallelism: settings.parallelism, training: true)
    let count = layout.parameterCount
    let alpha = settings.alpha
    let outcome: LBFGS.Result
    do {
      outcome = try x.withUnsafeBufferPointer { px throws(LearnError) in
        try task.targets.withUnsafeBufferPointer { pt throws(LearnError) in
          // The objective reads the trial weights and writes the gradient in place: no copies.
          try LBFGS.minimize(from: parameters, maxIterations: budget, gradientTolerance: settings.tolerance,
                             maxEvaluations: settings.maxFun) { w, g in
            let value = w.withUnsafeBufferPointer { pw in
              workspace.lossAndGradient(pw.baseAddress!, input: px.baseAddress!, target: pt.baseAddress!,
                                        rows: n, alpha: alpha)
            }
            g.withUnsafeMutableBufferPointer { pg in pg.baseAddress!.update(from: workspace.gradient, count: count) }
            return value
          }
        }
      }
    } catch .invalidArgument(name: "objective", _) {
      // The loss or its gradient is not finite at the start weights: `train` reports the divergence.
      loss = .nan
      return
    }
    parameters = outcome.x
    loss = outcome.value
    iterations += outcome.iterations
    stopped = outcome.converged
  }

  // MARK: Stochastic solvers

  private mutating func trainStochastic<C: PerceptronConfiguration>(
    _ settings: C, x fullX: Matrix, task: PerceptronTask, budget: Int
  ) throws(LearnError) {
    let outputs = layout.outputCount
    let inputs = layout.inputCount
    // The early-stopping split, fixed by the seed.
    var x = fullX
    var targets = task.targets
    var validationRows: [Int] = []
    var validationX = Matrix(rowCount: 0, columnCount: inputs)
    if earlyStopping {
      let split = try validationSplit(count: fullX.rowCount, fraction: settings.validationFraction,
                                      strata: task.strata, seed: SplitMix64.derive(seed, 1))
      validationRows = split.validation
      validationX = fullX.rows(at: split.validation)
      x = fullX.rows(at: split.train)
      targets = [Double](repeating: 0, count: split.train.count * outputs)
      for (r, i) in split.train.enumerated() {
        for k in 0..<outputs { targets[r * outputs + k] = task.targets[i * outputs + k] }
      }
    }
    let n = x.rowCount
    let batch = settings.effectiveBatchSize(n)
    let workspace = Workspace(layout: layout, capacity: batch, hidden: activation, output: output,
                              parallelism: settings.parallelism, training: true)
    var validationOutputs = [Double](repeating: 0, count: validationRows.count * outputs)
    let count = layout.parameterCount
    let alpha = settings.alpha
    var first: [Double], second: [Double]
    var learningRate: Double
    var step = 0
    switch optimizer {
    case .sgd(let state):
      first = state.velocities
      second = []
      learningRate = state.learningRate
    case .adam(let state):
      first = state.firstMoments
      second = state.secondMoments
      learningRate = state.learningRate
      step = state.step
    case .lbfgs:
      preconditionFailure("the stochastic loop needs an sgd or adam state")
    }
    let isAdam = settings.solver == .adam
    // sgd's rate is hypergradient descent's while it runs, and the schedule's again once it is off.
    let wasAdapting = hypergradient != nil
    var adaptive = try adoptHypergradient(settings)
    if !isAdam, adaptive != nil || wasAdapting { learningRate = adaptive?.rate ?? scheduledRate(settings) }
    var diverged = false
    var cancellation: LearnError?
    var checkpoint = CancellationCheckpoint()
    var params = parameters

    x.withUnsafeBufferPointer { px in
      targets.withUnsafeBufferPointer { pt in
        params.withUnsafeMutableBufferPointer { pp in
          first.withUnsafeMutableBufferPointer { pm in
            second.withUnsafeMutableBufferPointer { pv in
              let xBase = px.baseAddress!, tBase = pt.baseAddress!
              let p = pp.baseAddress!
              let m = pm.baseAddress!, v = pv.baseAddress
              for _ in 0..<budget {
                let order: [Int]? = settings.shuffle ? epochPermutation(n, seed: seed, epoch: iterations) : nil
                var accumulated = 0.0
                var start = 0
                while start < n {
                  let rows = Swift.min(batch, n - start)
                  do throws(LearnError) {
                    try checkpoint.check(after: rows &* count, "in epoch \(iterations + 1), at row \(start) of \(n)")
                  } catch {
                    cancellation = error
                    return
                  }
                  let input: UnsafePointer<Double>, target: UnsafePointer<Double>
                  if let order {
                    order.withUnsafeBufferPointer { o in
                      gatherRows(o.baseAddress! + start, count: rows, from: xBase, width: inputs, into: workspace.batchInput)
                      gatherRows(o.baseAddress! + start, count: rows, from: tBase, width: outputs,
                                 into: workspace.batchTarget)
                    }
                    input = UnsafePointer(workspace.batchInput)
                    target = UnsafePointer(workspace.batchTarget)
                  } else {
                    input = xBase + start * inputs
                    target = tBase + start * outputs
                  }
                  let batchLoss = workspace.lossAndGradient(UnsafePointer(p), input: input, target: target,
                                                            rows: rows, alpha: alpha)
                  accumulated += batchLoss * Double(rows)
                  let g = UnsafePointer(workspace.gradient)
                  if adaptive != nil {
                    adaptive!.adapt(gradient: g, weights: UnsafePointer(p), count: count, penalty: alpha / Double(rows),
                                    penalized: layout.coefficientCount)
                    if !isAdam { learningRate = adaptive!.rate }
                  }
                  if isAdam {
                    step += 1
                    learningRate = adamUpdate(p, g, m, v!, count: count, step: step, rate: adaptive?.rate ?? settings.learningRateInit,
                                              settings: settings)
                  } else {
                    sgdUpdate(p, g, m, count: count, learningRate: learningRate, momentum: settings.momentum,
                              nesterov: settings.nesterovsMomentum)
                  }
                  adaptive?.recordStep(weights: UnsafePointer(p), count: count)
                  start += rows
                }
                iterations += 1
                loss = accumulated / Double(n)
                samplesSeen += n
                lossCurve.append(loss)
                var stop = false
                if loss.isFinite {
                  let score = earlyStopping
                    ? validationScore(UnsafePointer(p), workspace: workspace, x: validationX, rows: validationRows, batch: batch,
                                      task: task, outputs: &validationOutputs)
                    : nil
                  stop = noteEpoch(validationScore: score, weights: UnsafePointer(p), count: count, settings: settings, isAdam: isAdam,
                                   learningRate: &learningRate)
                }
                // The rate in force at the end of the epoch, after the schedule's changes.
                learningRateCurve.append(isAdam ? adaptive?.rate ?? settings.learningRateInit : learningRate)
                if !loss.isFinite {
                  diverged = true
                  return
                }
                if stop {
                  stopped = true
                  return
                }
              }
            }
          }
        }
      }
    }
    if let cancellation { throw cancellation }
    parameters = params
    hypergradient = adaptive?.state
    if isAdam {
      optimizer = .adam(MLPAdamState(step: step, firstMoments: first, secondMoments: second, learningRate: learningRate))
    } else {
      optimizer = .sgd(MLPSGDState(velocities: first, learningRate: learningRate,
                                   learningRateInit: settings.learningRateInit))
    }
    if diverged { throw Self.divergence(iterations, loss) }
  }

  /// The validation score (accuracy or R²) of the weights `p` on the early-stopping rows, the
  /// network run `batch` rows at a time.
  private func validationScore(
    _ p: UnsafePointer<Double>, workspace: Workspace, x: Matrix, rows: [Int], batch: Int, task: PerceptronTask,
    outputs: inout [Double]
  ) -> Double {
    let inputs = layout.inputCount, width = layout.outputCount
    var offset = 0
    while offset < rows.count {
      let count = Swift.min(batch, rows.count - offset)
      x.withUnsafeBufferPointer { vx in workspace.forward(p, input: vx.baseAddress! + offset * inputs, rows: count) }
      outputs.withUnsafeMutableBufferPointer { out in
        (out.baseAddress! + offset * width).update(from: workspace.outputs, count: count * width)
      }
      offset += count
    }
    return outputs.withUnsafeBufferPointer { task.score($0.baseAddress!, rows) }
  }

  /// The stopping rule after an epoch (scikit-learn's `_update_no_improvement_count` and the
  /// schedules' end-of-epoch step): counts an epoch without improvement of the validation score
  /// (early stopping) or of the loss by `tolerance`, keeps the best, moves the `invscaling` rate,
  /// and after `nIterNoChange` such epochs divides an `adaptive` rate by 5 or stops. Returns
  /// whether training stops.
  private mutating func noteEpoch<C: PerceptronConfiguration>(
    validationScore score: Double?, weights p: UnsafePointer<Double>, count: Int, settings: C, isAdam: Bool,
    learningRate: inout Double
  ) -> Bool {
    if let score {
      validationScores.append(score)
      noImprovementCount = score < bestValidationScore + settings.tolerance ? noImprovementCount + 1 : 0
      if score > bestValidationScore {
        bestValidationScore = score
        bestParameters = Array(UnsafeBufferPointer(start: p, count: count))
      }
    } else {
      noImprovementCount = loss > bestLoss - settings.tolerance ? noImprovementCount + 1 : 0
      if loss < bestLoss { bestLoss = loss }
    }
    if !isAdam && settings.learningRate == .invscaling { learningRate = scheduledRate(settings) }
    guard noImprovementCount > settings.nIterNoChange else { return false }
    if !isAdam && settings.learningRate == .adaptive && learningRate > 1e-6 {
      learningRate /= 5
      noImprovementCount = 0
      return false
    }
    return true
  }
}

/// The row order of epoch `epoch` (0-based): a Fisher–Yates shuffle (from the last element down,
/// as `RandomNumberGenerator.permutation`) by a generator seeded with `SplitMix64.derive(seed,
/// epoch + 2)`, so any epoch's order is known without replaying the earlier ones.
func epochPermutation(_ n: Int, seed: UInt64, epoch: Int) -> [Int] {
  var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(epoch) &+ 2))
  var order = Array(0..<n)
  order.withUnsafeMutableBufferPointer { p in
    var i = n - 1
    while i > 0 {
      let j = generator.nextInt(below: i + 1)
      p.swapAt(i, j)
      i -= 1
    }
  }
  return order
}

/// Copies rows `rows[0 ..< count]` of a row-major array of `width` columns into consecutive rows.
@inline(__always)
func gatherRows(_ rows: UnsafePointer<Int>, count: Int, from source: UnsafePointer<Double>, width: Int,
                into target: UnsafeMutablePointer<Double>) {
  if width == 1 {
    for r in 0..<count { target[r] = source[rows[r]] }
    return
  }
  var out = target
  for r in 0..<count {
    let row = source + rows[r] &* width
    var j = 0
    while j &+ 4 <= width {
      UnsafeMutableRawPointer(out + j).storeBytes(
        of: UnsafeRawPointer(row + j).loadUnaligned(as: SIMD4<Double>.self), as: SIMD4<Double>.self)
      j &+= 4
    }
    while j < width {
      out[j] = row[j]
      j &+= 1
    }
    out += width
  }
}

/// One SGD step, as scikit-learn's `SGDOptimizer`: `v ← μ·v − η·g`, then `w += v` or, with
/// Nesterov's momentum, `w += μ·v − η·g`. Four lanes at a time; each element gets exactly the
/// scalar operations.
@inline(__always)
func sgdUpdate(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ velocity: UnsafeMutablePointer<Double>,
               count: Int, learningRate: Double, momentum: Double, nesterov: Bool) {
  let mu = SIMD4(repeating: momentum), eta = SIMD4(repeating: learningRate)
  var i = 0
  while i &+ 4 <= count {
    let gi = load4(g + i)
    let v = mu * load4(velocity + i) - eta * gi
    store4(v, velocity + i)
    store4(load4(p + i) + (nesterov ? mu * v - eta * gi : v), p + i)
    i &+= 4
  }
  while i < count {
    let v = momentum * velocity[i] - learningRate * g[i]
    velocity[i] = v
    p[i] += nesterov ? momentum * v - learningRate * g[i] : v
    i &+= 1
  }
}

/// One Adam step, as scikit-learn's `AdamOptimizer`, with step size `η` = `base`
/// (`learningRateInit`, or the rate hypergradient descent learned); returns the bias-corrected
/// step size `η · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)`. Four lanes at a time, each element exactly as the
/// scalar formula.
@inline(__always)
func adamUpdate<C: PerceptronConfiguration>(
  _ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ m: UnsafeMutablePointer<Double>,
  _ v: UnsafeMutablePointer<Double>, count: Int, step: Int, rate base: Double, settings: C
) -> Double {
  let beta1 = settings.beta1, beta2 = settings.beta2, epsilon = settings.epsilon
  let rate = base * (1 - Foundation.pow(beta2, Double(step))).squareRoot()
    / (1 - Foundation.pow(beta1, Double(step)))
  let keep1 = 1 - beta1, keep2 = 1 - beta2
  let b1 = SIMD4(repeating: beta1), b2 = SIMD4(repeating: beta2), k1 = SIMD4(repeating: keep1)
  let k2 = SIMD4(repeating: keep2), r = SIMD4(repeating: -rate), e = SIMD4(repeating: epsilon)
  var i = 0
  while i &+ 4 <= count {
    let gi = load4(g + i)
    let mi = b1 * load4(m + i) + k1 * gi
    let vi = b2 * load4(v + i) + k2 * (gi * gi)
    store4(mi, m + i)
    store4(vi, v + i)
    store4(load4(p + i) + (r * mi) / (vi.squareRoot() + e), p + i)
    i &+= 4
  }
  while i < count {
    let gi = g[i]
    let mi = beta1 * m[i] + keep1 * gi
    let vi = beta2 * v[i] + keep2 * (gi * gi)
    m[i] = mi
    v[i] = vi
    p[i] += (-rate * mi) / (vi.squareRoot() + epsilon)
    i &+= 1
  }
  return rate
}

@inline(__always)
func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
func load4(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
func store4(_ value: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
  UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD4<Double>.self)
}

/// The early-stopping split (scikit-learn's `train_test_split(test_size=fraction, stratify=…)`):
/// `ceil(fraction · n)` validation rows, allocated to classes in proportion when `strata` is given
/// (largest remainders, ties to the lower class), drawn by a generator seeded with `seed`. Both
/// index lists are ascending.
func validationSplit(count n: Int, fraction: Double, strata: [Int]?, seed: UInt64)
  throws(LearnError) -> (train: [Int], validation: [Int])
{
  let validationCount = Int((fraction * Double(n)).rounded(.up))
  guard validationCount >= 2, n - validationCount >= 1 else {
    throw .invalidArgument(
      name: "validationFraction",
      reason: "the validation set would have \(validationCount) of \(n) rows; early stopping needs at least 2 "
        + "and a non-empty training set (increase validationFraction or the data)")
  }
  var generator = Xoshiro256StarStar(seed: seed)
  var validation: [Int] = []
  if let strata {
    let classCount = (strata.max() ?? 0) + 1
    var members = [[Int]](repeating: [], count: classCount)
    for (i, c) in strata.enumerated() { members[c].append(i) }
    let present = members.filter { !$0.isEmpty }.count
    guard validationCount >= present, n - validationCount >= present else {
      throw .invalidArgument(
        name: "validationFraction",
        reason: "a stratified validation split of \(validationCount) rows (training \(n - validationCount)) "
          + "needs at least one row of each of the \(present) classes on each side")
    }
    var quota = members.map { validationCount * $0.count / n }
    let remaining = validationCount - quota.reduce(0, +)
    let byRemainder = (0..<classCount).sorted { a, b in
      let ra = validationCount * members[a].count % n, rb = validationCount * members[b].count % n
      return ra != rb ? ra > rb : a < b
    }
    // Fewer than `classCount` rows are left; the largest remainders get one each.
    for c in byRemainder.prefix(remaining) { quota[c] += 1 }
    for c in 0..<classCount where quota[c] > 0 {
      var rows = members[c]
      generator.shuffle(&rows)
      validation += rows.prefix(quota[c])
    }
  } else {
    validation = Array(generator.permutation(n).prefix(validationCount))
  }
  validation.sort()
  var isValidation = [Bool](repeating: false, count: n)
  for i in validation { isValidation[i] = true }
  return ((0..<n).filter { !isValidation[$0] }, validation)
}

extension PerceptronRun: Codable {
  private enum CodingKeys: String, CodingKey {
    case units, activation, output, parameters, optimizer, step, velocities, firstMoments, secondMoments,
      learningRate, learningRateInit, samplesSeen, noImprovementCount, bestLoss, bestValidationScore,
      bestParameters, lossCurve, validationScores, loss, iterations, stopped, seed, trainedWith, earlyStopping,
      learningRateCurve, hypergradientRate, hypergradientInitialRate, hypergradientLastStep
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(layout.units, forKey: .units)
    try c.encode(activation, forKey: .activation)
    try c.encode(output, forKey: .output)
    try c.encodePacked(parameters, forKey: .parameters)
    switch optimizer {
    case .lbfgs:
      try c.encode("lbfgs", forKey: .optimizer)
    case .sgd(let state):
      try c.encode("sgd", forKey: .optimizer)
      try c.encodePacked(state.velocities, forKey: .velocities)
      try c.encode(state.learningRate, forKey: .learningRate)
      try c.encode(state.learningRateInit, forKey: .learningRateInit)
    case .adam(let state):
      try c.encode("adam", forKey: .optimizer)
      try c.encode(state.step, forKey: .step)
      try c.encodePacked(state.firstMoments, forKey: .firstMoments)
      try c.encodePacked(state.secondMoments, forKey: .secondMoments)
      try c.encode(state.learningRate, forKey: .learningRate)
    }
    try c.encode(samplesSeen, forKey: .samplesSeen)
    try c.encode(noImprovementCount, forKey: .noImprovementCount)
    try c.encode(bestLoss, forKey: .bestLoss)
    try c.encode(bestValidationScore, forKey: .bestValidationScore)
    if let bestParameters { try c.encodePacked(bestParameters, forKey: .bestParameters) }
    try c.encodePacked(lossCurve, forKey: .lossCurve)
    try c.encodePacked(learningRateCurve, forKey: .learningRateCurve)
    if let hypergradient {
      try c.encode(hypergradient.rate, forKey: .hypergradientRate)
      try c.encode(hypergradient.initialRate, forKey: .hypergradientInitialRate)
      try c.encodePacked(hypergradient.lastStep, forKey: .hypergradientLastStep)
    }
    try c.encodePacked(validationScores, forKey: .validationScores)
    try c.encode(loss, forKey: .loss)
    try c.encode(iterations, forKey: .iterations)
    try c.encode(stopped, forKey: .stopped)
    try c.encode(seed, forKey: .seed)
    try c.encode(trainedWith, forKey: .trainedWith)
    try c.encode(earlyStopping, forKey: .earlyStopping)
  }

  /// Reads a run, checking the layer sizes before the layout is built and every parameter
  /// array's length against it.
  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let units = try c.decode([Int].self, forKey: .units)
    try PersistenceCheck.run(at: c.codingPath) { () throws(LearnError) in try Self.checkUnits(units) }
    layout = NetworkLayout(units: units)
    let count = layout.parameterCount
    activation = try c.decode(MLPActivation.self, forKey: .activation)
    output = try c.decode(MLPOutputActivation.self, forKey: .output)
    parameters = try c.decodePackedDoubles(forKey: .parameters, count: count)
    switch try c.decode(String.self, forKey: .optimizer) {
    case "lbfgs": optimizer = .lbfgs
    case "sgd":
      optimizer = .sgd(MLPSGDState(
        velocities: try c.decodePackedDoubles(forKey: .velocities, count: count),
        learningRate: try c.decode(Double.self, forKey: .learningRate),
        learningRateInit: try c.decode(Double.self, forKey: .learningRateInit)))
    case "adam":
      optimizer = .adam(MLPAdamState(
        step: try c.decode(Int.self, forKey: .step),
        firstMoments: try c.decodePackedDoubles(forKey: .firstMoments, count: count),
        secondMoments: try c.decodePackedDoubles(forKey: .secondMoments, count: count),
        learningRate: try c.decode(Double.self, forKey: .learningRate)))
    case let other:
      throw DecodingError.dataCorruptedError(forKey: .optimizer, in: c, debugDescription: "'\(other)' is not lbfgs, sgd or adam")
    }
    samplesSeen = try c.decode(Int.self, forKey: .samplesSeen)
    noImprovementCount = try c.decode(Int.self, forKey: .noImprovementCount)
    bestLoss = try c.decode(Double.self, forKey: .bestLoss)
    bestValidationScore = try c.decode(Double.self, forKey: .bestValidationScore)
    bestParameters = c.contains(.bestParameters) ? try c.decodePackedDoubles(forKey: .bestParameters, count: count) : nil
    lossCurve = try c.decodePackedDoubles(forKey: .lossCurve)
    // Models saved before hypergradient descent have neither field.
    learningRateCurve = c.contains(.learningRateCurve) ? try c.decodePackedDoubles(forKey: .learningRateCurve) : []
    if c.contains(.hypergradientRate) {
      let lastStep = try c.decodePackedDoubles(forKey: .hypergradientLastStep)
      guard lastStep.isEmpty || lastStep.count == count else {
        throw DecodingError.dataCorruptedError(
          forKey: .hypergradientLastStep, in: c, debugDescription: "has \(lastStep.count) values; the network has \(count) parameters")
      }
      hypergradient = MLPHypergradientState(
        rate: try c.decode(Double.self, forKey: .hypergradientRate),
        initialRate: try c.decode(Double.self, forKey: .hypergradientInitialRate), lastStep: lastStep)
    }
    validationScores = try c.decodePackedDoubles(forKey: .validationScores)
    loss = try c.decode(Double.self, forKey: .loss)
    iterations = try c.decode(Int.self, forKey: .iterations)
    stopped = try c.decode(Bool.self, forKey: .stopped)
    seed = try c.decode(UInt64.self, forKey: .seed)
    trainedWith = try c.decode(ParameterSet.self, forKey: .trainedWith)
    // Saved before hypergradient descent existed: it was off.
    if trainedWith["hypergradientRate"] == nil { trainedWith["hypergradientRate"] = .double(0) }
    earlyStopping = try c.decode(Bool.self, forKey: .earlyStopping)
    let predicting = predictingParameters
    let counters = [("samplesSeen", samplesSeen), ("noImprovementCount", noImprovementCount), ("iterations", iterations)]
    let step: Int = if case .adam(let state) = optimizer { state.step } else { 0 }
    try PersistenceCheck.run(at: c.codingPath) { () throws(LearnError) in
      try PersistenceCheck.finite(predicting, "parameters")
      for (field, value) in counters + [("step", step)] { try PersistenceCheck.counter(value, field) }
    }
  }

  /// At least an input and an output layer, each of 1 to 2²⁴ units, with at most 2³¹ parameters
  /// in all (checked before anything that size is allocated).
  static func checkUnits(_ units: [Int]) throws(LearnError) {
    try PersistenceCheck.within(units.count, 2...1024, "units")
    var total = 0
    for (l, u) in units.enumerated() {
      try PersistenceCheck.within(u, 1...(1 << 24), "units[\(l)]")
      if l > 0 { total += units[l - 1] * u + u }
    }
    try PersistenceCheck.within(total, 1...Int(Int32.max), "units")
  }

  /// A run whose output layer has `outputs` units over `featureCount` inputs, with the activation
  /// the model type needs.
  func checkShape(featureCount: Int, outputs: Int, output allowed: [MLPOutputActivation]) throws(LearnError) {
    try PersistenceCheck.require(layout.units.first == featureCount && layout.units.last == outputs, "run.units",
                                 "must start with the \(featureCount) features and end with \(outputs) outputs")
    try PersistenceCheck.require(allowed.contains(output), "run.output", "must be one of \(allowed.map(\.rawValue))")
  }
}
