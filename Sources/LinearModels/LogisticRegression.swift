import Foundation
import LearnCore
import LinearAlgebra

/// Logistic regression fitted by L-BFGS (scikit-learn's `LogisticRegression(solver="lbfgs")`).
///
/// Two classes use the binary log-loss with one coefficient vector (the score of `classes[1]`);
/// three or more use the multinomial (softmax) loss with one coefficient row per class, as
/// scikit-learn 1.9 does. The minimised objective is scikit-learn's `LinearModelLoss`:
///
///     L(W, b) = (1 / S) · Σᵢ sᵢ · ℓ(yᵢ, W·xᵢ + b) + (1 / (2·C·S)) · ‖W‖²_F
///
/// where `ℓ` is the log-loss, `sᵢ` the class weight of sample `i` (1 without `classWeight`), and
/// `S = Σᵢ sᵢ` (the sample count without class weights). The intercept is not penalised; with
/// `penalty: .none` the second term is dropped. This is scikit-learn's `C·Σ loss + ½‖W‖²` divided
/// by `C·S`, so the gradient tolerance means the same thing in both.
///
/// The solver is ``LBFGS`` with scikit-learn's settings: `gtol = tolerance`, `ftol = 64·ε`,
/// `maxiter = maxIterations`, 50 line-search steps, memory 10, starting from zero coefficients.
/// See `Docs/Guides/LogisticRegression.md`.
public struct LogisticRegression: Estimator, Sendable {
  /// The regularisation term.
  public enum Penalty: String, CaseIterable, Sendable {
    /// Squared L2 norm of the coefficients, weighted by `1 / C` (scikit-learn's default).
    case l2
    /// No penalty (scikit-learn's `penalty=None`, or `C=np.inf` in 1.9); `c` is ignored.
    case none
  }

  /// The regularisation term (scikit-learn `penalty`; default `.l2`).
  public var penalty: Penalty
  /// Inverse regularisation strength; smaller is stronger (scikit-learn `C`; default 1). Must be
  /// positive.
  public var c: Double
  /// Whether to fit an (unpenalised) intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The most L-BFGS iterations (scikit-learn `max_iter`; default 100).
  public var maxIterations: Int
  /// Stop when the largest gradient component is at most this (scikit-learn `tol`; default 1e-4).
  public var tolerance: Double
  /// Per-class weights in the loss (scikit-learn `class_weight`; default uniform).
  public var classWeight: ClassWeight

  /// A logistic regression; the defaults are scikit-learn's.
  public init(
    penalty: Penalty = .l2, c: Double = 1, fitIntercept: Bool = true, maxIterations: Int = 100,
    tolerance: Double = 1e-4, classWeight: ClassWeight = .uniform
  ) {
    self.penalty = penalty
    self.c = c
    self.fitIntercept = fitIntercept
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.classWeight = classWeight
  }

  /// The hyperparameter table: `penalty`, `c`, `fitIntercept`, `maxIterations`, `tolerance`,
  /// `classWeight` (written as `"uniform"`, `"balanced"`, or `"label:weight,label:weight"`).
  public static let hyperparameters: [Hyperparameter<LogisticRegression>] = [
    .choice("penalty", \.penalty),
    .double("c", \.c, .positive, log: true),
    .bool("fitIntercept", \.fitIntercept),
    .int("maxIterations", \.maxIterations, 0...Int.max),
    .double("tolerance", \.tolerance, .nonNegative, log: true),
    .classWeight("classWeight", \.classWeight),
  ]

  /// `c` log-uniform in [1e-4, 1e4]: the range of scikit-learn's `LogisticRegressionCV`, whose
  /// default grid is `np.logspace(-4, 4, 10)`.
  public static let defaultSearchSpace: [String: Distribution] = ["c": .logUniform(1e-4, 1e4)]

  /// Fits the coefficients and intercepts by minimising the regularised log-loss.
  ///
  /// Throws for invalid hyperparameters, empty or non-finite `x`, `y` of the wrong length, a
  /// single class, or class weights that name a label absent from `y` or weigh every sample 0.
  /// Not converging within `maxIterations` is reported by the model, not thrown.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    let encoding = try ClassEncoding(y)
    let perClass = try classWeight.weights(for: encoding)
    let sampleWeights: [Double]? = classWeight == .uniform ? nil : encoding.indices.map { perClass[$0] }
    let weightSum = sampleWeights.map { $0.reduce(0, +) } ?? Double(x.rowCount)
    guard weightSum > 0 else {
      throw .invalidArgument(name: "classWeight", reason: "every sample has weight 0")
    }
    let l2 = penalty == .none ? 0 : 1 / (c * weightSum)
    let classCount = encoding.classes.count
    var loss = LogisticLoss(
      x: x, classIndices: encoding.indices, classCount: classCount, sampleWeights: sampleWeights,
      weightSum: weightSum, l2: l2, fitIntercept: fitIntercept)
    let result: LBFGS.Result
    do {
      result = try LBFGS.minimize(
        from: [Double](repeating: 0, count: loss.parameterCount), memory: 10, maxIterations: maxIterations,
        gradientTolerance: tolerance, relativeReductionTolerance: 64 * Double.ulpOfOne, maxLineSearchSteps: 50,
        maxEvaluations: 15000
      ) { (w, gradient) in loss.evaluate(w, gradient: &gradient) }
    } catch .invalidArgument(name: "objective", _) {
      throw .invalidArgument(name: "x", reason: "the features are too large: the log-loss gradient overflows")
    }
    let p = x.columnCount
    let rows = loss.rows
    let w = result.x
    let coefficients = try! Matrix(rowCount: rows, columnCount: p, elements: Array(w[0..<(rows * p)]))
    let intercepts = fitIntercept ? Array(w[(rows * p)...]) : [Double](repeating: 0, count: rows)
    return Model(
      classes: encoding.classes, coefficients: coefficients, intercepts: intercepts, converged: result.converged,
      iterations: result.iterations, objective: result.value, featureCount: p)
  }

  /// A fitted ``LogisticRegression``.
  public struct Model: ProbabilisticClassifierModel, DecisionFunctionModel, IterativeModel {
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// One row per class for three or more classes; one row (the score of `classes[1]`) for two
    /// (scikit-learn `coef_`, shape `(1, features)` or `(classes, features)`).
    public let coefficients: Matrix
    /// One intercept per row of ``coefficients``; zeros without `fitIntercept` (scikit-learn `intercept_`).
    public let intercepts: [Double]
    /// Whether L-BFGS met the tolerance within `maxIterations`.
    public let converged: Bool
    /// L-BFGS iterations run (scikit-learn `n_iter_`).
    public let iterations: Int
    /// The minimised objective at the fitted coefficients: weighted mean log-loss plus penalty.
    public let objective: Double
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// Raw scores `x·coefficientsᵀ + intercepts`: one column (the log-odds of `classes[1]`) for
    /// two classes, one per class otherwise (scikit-learn `decision_function`).
    public func decisionFunction(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      return scores(x)
    }

    /// Class probabilities, one column per entry of ``classes``: the logistic function of the
    /// score for two classes, the softmax of the scores otherwise.
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let raw = scores(x)
      let n = x.rowCount, k = classes.count
      var result = Matrix(rowCount: n, columnCount: k)
      result.withUnsafeMutableBufferPointer { out in
        raw.withUnsafeBufferPointer { r in
          if k == 2 {
            for i in 0..<n {
              let positive = logistic(r[i])
              out[2 &* i] = 1 - positive
              out[2 &* i &+ 1] = positive
            }
            return
          }
          for i in 0..<n {
            let base = i &* k
            var largest = -Double.infinity
            for j in 0..<k { largest = Swift.max(largest, r[base &+ j]) }
            var sum = 0.0
            for j in 0..<k {
              let e = Foundation.exp(r[base &+ j] - largest)
              out[base &+ j] = e
              sum += e
            }
            for j in 0..<k { out[base &+ j] /= sum }
          }
        }
      }
      return result
    }

    /// The class with the highest score (for two classes, `classes[1]` when its score is positive).
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let raw = scores(x)
      let n = x.rowCount, k = classes.count
      return raw.withUnsafeBufferPointer { r in
        if k == 2 { return (0..<n).map { r[$0] > 0 ? classes[1] : classes[0] } }
        return (0..<n).map { i in
          let base = i &* k
          var best = 0
          for j in 1..<k where r[base &+ j] > r[base &+ best] { best = j }
          return classes[best]
        }
      }
    }

    /// `x·coefficientsᵀ + intercepts` for a validated `x`.
    private func scores(_ x: Matrix) -> Matrix {
      let rows = coefficients.rowCount, p = featureCount, n = x.rowCount
      var raw = Matrix(rowCount: n, columnCount: rows)
      raw.withUnsafeMutableBufferPointer { out in
        x.withUnsafeBufferPointer { xb in
          coefficients.withUnsafeBufferPointer { wb in
            guard let xs = xb.baseAddress, let ws = wb.baseAddress, let o = out.baseAddress else { return }
            if rows == 1 {
              let b = intercepts[0]
              var i = 0
              while i < n {
                let block = Swift.min(4, n &- i)
                let scores = fourScores(xs + i &* p, rows: block, stride: p, w: ws, count: p)
                for t in 0..<block { o[i &+ t] = scores[t] + b }
                i &+= 4
              }
              return
            }
            gemm(transposeA: false, transposeB: true, m: n, n: rows, k: p, alpha: 1, a: xs, lda: p, b: ws, ldb: p,
                 beta: 0, c: o, ldc: rows)
            intercepts.withUnsafeBufferPointer { bb in
              for i in 0..<n {
                let row = o + i &* rows
                for j in 0..<rows { row[j] += bb[j] }
              }
            }
          }
        }
      }
      return raw
    }
  }
}

/// The logistic function `1 / (1 + e^(−z))`, without overflow.
@inline(__always)
private func logistic(_ z: Double) -> Double {
  if z >= 0 { return 1 / (1 + Foundation.exp(-z)) }
  let e = Foundation.exp(z)
  return e / (1 + e)
}

/// The objective and its gradient, with buffers allocated once per fit.
///
/// Parameters are laid out as the coefficients (row-major, `rows × features`) followed by the
/// intercepts when fitted; `rows` is 1 for two classes and the class count otherwise.
struct LogisticLoss {
  let x: Matrix
  let classIndices: [Int]
  let classCount: Int
  let sampleWeights: [Double]?
  let weightSum: Double
  let l2: Double
  let fitIntercept: Bool
  let rows: Int
  /// Scores, then residuals `(p − y)·s / S`: `samples × rows`.
  var raw: [Double]

  init(x: Matrix, classIndices: [Int], classCount: Int, sampleWeights: [Double]?, weightSum: Double, l2: Double,
       fitIntercept: Bool) {
    self.x = x
    self.classIndices = classIndices
    self.classCount = classCount
    self.sampleWeights = sampleWeights
    self.weightSum = weightSum
    self.l2 = l2
    self.fitIntercept = fitIntercept
    rows = classCount == 2 ? 1 : classCount
    raw = [Double](repeating: 0, count: x.rowCount * rows)
  }

  /// Coefficients plus intercepts.
  var parameterCount: Int { rows * x.columnCount + (fitIntercept ? rows : 0) }

  /// The objective at `w`; writes its gradient into `gradient`.
  mutating func evaluate(_ w: [Double], gradient: inout [Double]) -> Double {
    let n = x.rowCount, p = x.columnCount, rows = self.rows, k = classCount
    let fitIntercept = self.fitIntercept, weightSum = self.weightSum, l2 = self.l2
    let x = self.x, classIndices = self.classIndices, sampleWeights = self.sampleWeights
    var lossSum = 0.0, penaltyValue = 0.0
    raw.withUnsafeMutableBufferPointer { rb in
      let r = rb.baseAddress!
      x.withUnsafeBufferPointer { xb in
        let xs = xb.baseAddress!
        w.withUnsafeBufferPointer { wb in
          let ws = wb.baseAddress!
          classIndices.withUnsafeBufferPointer { yb in
            gradient.withUnsafeMutableBufferPointer { gb in
              let gs = gb.baseAddress!
              if rows == 1 {
                // Binary: z = x·w + b; residual = s·(σ(z) − y) / S; ∇w = Xᵀ·residual. One pass
                // over X, four rows at a time: their scores share the loads of w, and their
                // residual-weighted sum is added to the gradient while they are still in cache.
                let b = fitIntercept ? ws[p] : 0
                gs.update(repeating: 0, count: p)
                var interceptSlope = 0.0
                var residuals = SIMD4<Double>()
                var i = 0
                while i < n {
                  let block = Swift.min(4, n &- i)
                  let scores = fourScores(xs + i &* p, rows: block, stride: p, w: ws, count: p)
                  for t in 0..<block {
                    let (loss, slope) = binomialLossAndSlope(scores[t] + b, positive: yb[i &+ t] == 1)
                    let s = sampleWeights?[i &+ t] ?? 1
                    lossSum += s * loss
                    let residual = s * slope / weightSum
                    r[i &+ t] = residual
                    interceptSlope += residual
                    residuals[t] = residual
                  }
                  addFourRows(xs + i &* p, rows: block, stride: p, weights: residuals, into: gs, count: p)
                  i &+= 4
                }
                if fitIntercept { gs[p] = interceptSlope }
              } else {
                // Multinomial: Z = X·Wᵀ + b; residual = s·(softmax(Z) − onehot(y)) / S; ∇W = residualᵀ·X.
                gemm(transposeA: false, transposeB: true, m: n, n: rows, k: p, alpha: 1, a: xs, lda: p, b: ws,
                     ldb: p, beta: 0, c: r, ldc: rows)
                let intercepts = ws + rows &* p
                for i in 0..<n {
                  let row = r + i &* k
                  if fitIntercept { for j in 0..<k { row[j] += intercepts[j] } }
                  var largest = row[0]
                  for j in 1..<k { largest = Swift.max(largest, row[j]) }
                  let label = yb[i]
                  let trueScore = row[label]
                  var sum = 0.0
                  for j in 0..<k {
                    let e = Foundation.exp(row[j] - largest)
                    row[j] = e
                    sum += e
                  }
                  let s = sampleWeights?[i] ?? 1
                  lossSum += s * (Foundation.log(sum) + largest - trueScore)
                  for j in 0..<k { row[j] = row[j] / sum }
                  row[label] -= 1
                  if sampleWeights != nil { for j in 0..<k { row[j] *= s } }
                  for j in 0..<k { row[j] /= weightSum }
                }
                gemm(transposeA: true, transposeB: false, m: rows, n: p, k: n, alpha: 1, a: r, lda: rows, b: xs,
                     ldb: p, beta: 0, c: gs, ldc: p)
                if fitIntercept {
                  let gb = gs + rows &* p
                  gb.update(repeating: 0, count: rows)
                  for i in 0..<n {
                    let row = r + i &* k
                    for j in 0..<k { gb[j] += row[j] }
                  }
                }
              }
              // Penalty on the coefficients only: ½·l2·‖W‖², gradient l2·W.
              if l2 != 0 {
                let count = rows &* p
                penaltyValue = 0.5 * l2 * LinearAlgebra.dot(ws, ws, count: count)
                axpy(l2, ws, gs, count: count)
              }
            }
          }
        }
      }
    }
    return lossSum / weightSum + penaltyValue
  }
}

/// `x_t·w` for `rows` (1 to 4) consecutive rows of stride `stride` starting at `x`; unused lanes are 0.
@inline(__always)
private func fourScores(
  _ x: UnsafePointer<Double>, rows: Int, stride: Int, w: UnsafePointer<Double>, count: Int
) -> SIMD4<Double> {
  // Rows past `rows` alias the last real row; their lanes are discarded.
  let x0 = x, x1 = x + (rows > 1 ? stride : 0), x2 = x + (rows > 2 ? 2 &* stride : 0)
  let x3 = x + (rows > 3 ? 3 &* stride : 0)
  var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
  var j = 0
  while j &+ 4 <= count {
    let wj = load4(w + j)
    a0 += load4(x0 + j) * wj
    a1 += load4(x1 + j) * wj
    a2 += load4(x2 + j) * wj
    a3 += load4(x3 + j) * wj
    j &+= 4
  }
  var result = SIMD4<Double>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
  while j < count {
    let wj = w[j]
    result += SIMD4(x0[j], x1[j], x2[j], x3[j]) * wj
    j &+= 1
  }
  return result
}

/// `g += Σ_t weights[t]·x_t` over `rows` (1 to 4) consecutive rows, summed in row order.
@inline(__always)
private func addFourRows(
  _ x: UnsafePointer<Double>, rows: Int, stride: Int, weights: SIMD4<Double>, into g: UnsafeMutablePointer<Double>,
  count: Int
) {
  let x0 = x, x1 = x + (rows > 1 ? stride : 0), x2 = x + (rows > 2 ? 2 &* stride : 0)
  let x3 = x + (rows > 3 ? 3 &* stride : 0)
  let e0 = weights[0], e1 = rows > 1 ? weights[1] : 0, e2 = rows > 2 ? weights[2] : 0, e3 = rows > 3 ? weights[3] : 0
  let v0 = SIMD4(repeating: e0), v1 = SIMD4(repeating: e1), v2 = SIMD4(repeating: e2), v3 = SIMD4(repeating: e3)
  var j = 0
  while j &+ 4 <= count {
    var sum = load4(UnsafePointer(g + j))
    sum += v0 * load4(x0 + j)
    sum += v1 * load4(x1 + j)
    sum += v2 * load4(x2 + j)
    sum += v3 * load4(x3 + j)
    UnsafeMutableRawPointer(g + j).storeBytes(of: sum, as: SIMD4<Double>.self)
    j &+= 4
  }
  while j < count {
    g[j] = (((g[j] + e0 * x0[j]) + e1 * x1[j]) + e2 * x2[j]) + e3 * x3[j]
    j &+= 1
  }
}

@inline(__always)
private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

/// The binomial log-loss `log(1 + e^z) − y·z` and its derivative `σ(z) − y`, computed in the
/// four ranges scikit-learn uses so that neither overflows nor loses precision.
@inline(__always)
private func binomialLossAndSlope(_ z: Double, positive: Bool) -> (Double, Double) {
  let y: Double = positive ? 1 : 0
  if z <= -37 {
    let e = Foundation.exp(z)
    return (e - y * z, e - y)
  }
  if z <= -2 {
    let e = Foundation.exp(z)
    return (Foundation.log1p(e) - y * z, ((1 - y) * e - y) / (1 + e))
  }
  let e = Foundation.exp(-z)
  let slope = ((1 - y) - y * e) / (1 + e)
  if z <= 18 { return (Foundation.log1p(e) + (1 - y) * z, slope) }
  return (e + (1 - y) * z, slope)
}

extension LogisticRegression.Penalty: Codable {}

extension LogisticRegression: Persistable {
  /// `"LogisticRegression"`.
  public static let typeTag = "LogisticRegression"
}

extension LogisticRegression.Model: Persistable {
  /// `"LogisticRegression.Model"`.
  public static let typeTag = "LogisticRegression.Model"

  /// Increasing classes; one finite coefficient row and intercept per class (one for two classes).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes")
    try PersistenceCheck.linear(coefficients, intercepts, classCount: classes.count, featureCount: featureCount)
  }
}
