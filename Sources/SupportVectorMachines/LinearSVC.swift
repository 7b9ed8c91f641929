import LearnCore
import LinearAlgebra

/// Linear support vector classification (scikit-learn's `LinearSVC`, liblinear's solvers).
///
/// Minimises `½‖w‖² + Σ_i C_i · loss(y_i (wᵀx_i + b))` for each one-vs-rest problem, where the
/// loss is the squared hinge `max(0, 1 − m)²` (default) or the hinge `max(0, 1 − m)` and `C_i` is
/// `c` times the weight of the sample's class. As in liblinear, the intercept is the weight of a
/// constant feature equal to ``interceptScaling`` and is regularised like the other weights.
///
/// ```swift
/// let model = try LinearSVC(c: 0.5).fit(x, y)
/// model.coefficients      // one row per class (one row for two classes)
/// try model.predict(xTest)
/// ```
///
/// Solvers, chosen by ``dual`` as scikit-learn chooses them:
/// - dual coordinate descent (Hsieh et al. 2008) for the L2 penalty, either loss;
/// - a primal Newton method for the L2 penalty with the squared hinge (liblinear uses a trust-region
///   Newton method; ours takes Newton steps with an exact line search, which stops on the same
///   gradient criterion at the same optimum, usually in far fewer steps);
/// - primal coordinate descent (Yuan et al. 2010) for the L1 penalty with the squared hinge;
/// - Crammer and Singer's multi-class formulation by dual coordinate descent.
public struct LinearSVC: Estimator, Sendable {
  /// The regulariser (scikit-learn `penalty`).
  public enum Penalty: String, CaseIterable, Sendable {
    /// `‖w‖₁`: sparse coefficients; needs the squared hinge and the primal problem.
    case l1
    /// `½‖w‖²`, the standard SVM penalty.
    case l2
  }

  /// The loss on each sample's margin `m = y·(wᵀx + b)` (scikit-learn `loss`).
  public enum Loss: String, CaseIterable, Sendable {
    /// `max(0, 1 − m)`, the standard SVM loss; solved in the dual only.
    case hinge
    /// `max(0, 1 − m)²`, scikit-learn's default.
    case squaredHinge = "squared_hinge"
  }

  /// Which optimisation problem is solved (scikit-learn `dual`).
  public enum Formulation: String, CaseIterable, Sendable {
    /// scikit-learn's `"auto"`: the dual when there are fewer samples than features and the
    /// penalty and loss allow it, otherwise the primal when they allow it, otherwise the dual.
    case auto
    /// `dual=True`.
    case dual
    /// `dual=False`.
    case primal
  }

  /// How more than two classes are handled (scikit-learn `multi_class`).
  public enum MultiClass: String, CaseIterable, Sendable {
    /// One binary problem per class against the rest.
    case ovr
    /// Crammer and Singer's joint multi-class objective; `penalty`, `loss` and `dual` are ignored.
    case crammerSinger = "crammer_singer"
  }

  /// The algorithm a fit ran (reported by ``Model/solver``).
  public enum Solver: String, CaseIterable, Sendable {
    /// Dual coordinate descent with random permutations and shrinking (liblinear solvers 1 and 3).
    case dualCoordinateDescent
    /// Newton steps with an exact line search on the primal (in place of liblinear's solver 2).
    case primalNewton
    /// Primal coordinate descent for the L1 penalty (liblinear solver 5).
    case primalCoordinateDescent
    /// Crammer–Singer dual coordinate descent (liblinear solver 4).
    case crammerSinger
  }

  /// The regulariser (scikit-learn `penalty`; default `.l2`).
  public var penalty: Penalty
  /// The loss (scikit-learn `loss`; default `.squaredHinge`).
  public var loss: Loss
  /// Which problem to solve (scikit-learn `dual`; default `.auto`, as in scikit-learn 1.9).
  public var dual: Formulation
  /// Stopping tolerance (scikit-learn `tol`; default 1e-4). The dual solvers stop when the
  /// projected-gradient gap is at most this; the primal ones when the gradient norm has fallen by
  /// `tolerance · max(min(positives, negatives), 1) / samples`, liblinear's rules.
  public var tolerance: Double
  /// Inverse regularisation strength (scikit-learn `C`; default 1).
  public var c: Double
  /// Multi-class strategy (scikit-learn `multi_class`; default `.ovr`).
  public var multiClass: MultiClass
  /// Whether to fit an intercept (scikit-learn `fit_intercept`; default `true`).
  public var fitIntercept: Bool
  /// The value of the constant feature whose weight is the intercept (scikit-learn
  /// `intercept_scaling`; default 1). Larger values regularise the intercept less.
  public var interceptScaling: Double
  /// Per-class weights multiplying `c` (scikit-learn `class_weight`; default `.uniform`). In
  /// one-vs-rest problems with three or more classes only the positive class is weighted, as in
  /// liblinear.
  public var classWeight: ClassWeight
  /// Iteration limit per problem (scikit-learn `max_iter`; default 1000): outer passes of the
  /// coordinate-descent solvers, Newton steps of the primal solver.
  public var maxIterations: Int
  /// Seed of the random visiting order of the coordinate-descent solvers (scikit-learn
  /// `random_state`). Problem `k` draws from `Xoshiro256StarStar(seed: SplitMix64.derive(seed, k))`.
  public var seed: UInt64
  /// Threads for the one-vs-rest problems (or, with two classes, for the primal solver's matrix
  /// products). Not a hyperparameter: results are identical for every setting.
  public var parallelism: Parallelism

  /// A linear SVM classifier; the defaults are scikit-learn's.
  public init(
    penalty: Penalty = .l2, loss: Loss = .squaredHinge, dual: Formulation = .auto, tolerance: Double = 1e-4,
    c: Double = 1, multiClass: MultiClass = .ovr, fitIntercept: Bool = true, interceptScaling: Double = 1,
    classWeight: ClassWeight = .uniform, maxIterations: Int = 1000, seed: UInt64 = 0,
    parallelism: Parallelism = .automatic
  ) {
    self.penalty = penalty
    self.loss = loss
    self.dual = dual
    self.tolerance = tolerance
    self.c = c
    self.multiClass = multiClass
    self.fitIntercept = fitIntercept
    self.interceptScaling = interceptScaling
    self.classWeight = classWeight
    self.maxIterations = maxIterations
    self.seed = seed
    self.parallelism = parallelism
  }

  /// The hyperparameter table: `penalty`, `loss`, `dual` (`"auto"`, `"dual"`, `"primal"`, or a
  /// bool as in scikit-learn), `tolerance` (0, ∞), `c` (0, ∞), `multiClass`, `fitIntercept`,
  /// `interceptScaling` (0, ∞), `classWeight` (none, `"balanced"` or `"label:weight,…"`),
  /// `maxIterations` [0, ∞) and `seed`.
  public static let hyperparameters: [Hyperparameter<LinearSVC>] = [
    .choice("penalty", \.penalty),
    .choice("loss", \.loss),
    Hyperparameter(name: "dual", expected: "\"auto\", \"dual\", \"primal\" or a bool",
                   domain: .choices(Formulation.allCases.map { .string($0.rawValue) }),
                   read: { .string($0.dual.rawValue) }) { (model, value) throws(HyperparameterRejection) in
      switch value {
      case .bool(let isDual): model.dual = isDual ? .dual : .primal
      case .string(let name):
        guard let formulation = Formulation(rawValue: name) else { throw HyperparameterRejection(value) }
        model.dual = formulation
      default: throw HyperparameterRejection(value)
      }
    },
    .double("tolerance", \.tolerance, .positive, log: true),
    .double("c", \.c, .positive, log: true),
    .choice("multiClass", \.multiClass),
    .bool("fitIntercept", \.fitIntercept),
    .double("interceptScaling", \.interceptScaling, .positive),
    .classWeight("classWeight", \.classWeight),
    .int("maxIterations", \.maxIterations, 0...Int.max),
    .seed("seed", \.seed),
  ]

  /// `c` log-uniform in [1e-3, 1e3], as for ``SVC``. `penalty`, `loss` and `dual` are left out:
  /// some of their combinations are refused at fit time (scikit-learn's too), so a search over
  /// them needs a conditional space.
  public static let defaultSearchSpace: [String: Distribution] = ["c": .logUniform(1e-3, 1e3)]

  /// The solver `fit` runs on data with `sampleCount` rows and `featureCount` columns; throws
  /// ``LearnError/invalidHyperparameter(name:estimator:expected:got:)`` for the combinations
  /// scikit-learn rejects (the L1 penalty with the hinge loss; the L1 penalty in the dual; the
  /// hinge loss in the primal).
  public func solver(sampleCount: Int, featureCount: Int) throws(LearnError) -> Solver {
    if multiClass == .crammerSinger { return .crammerSinger }
    if penalty == .l1 && loss == .hinge {
      throw .invalidHyperparameter(name: "loss", estimator: Self.estimatorName,
                                   expected: "\"squared_hinge\" when penalty is \"l1\"", got: "\"hinge\"")
    }
    // What each formulation supports: the dual needs the L2 penalty, the primal the squared hinge.
    let dualSupported = penalty == .l2
    let primalSupported = loss == .squaredHinge
    let useDual: Bool
    switch dual {
    case .dual:
      guard dualSupported else {
        throw .invalidHyperparameter(name: "dual", estimator: Self.estimatorName,
                                     expected: "\"primal\" or \"auto\" when penalty is \"l1\"", got: "\"dual\"")
      }
      useDual = true
    case .primal:
      guard primalSupported else {
        throw .invalidHyperparameter(name: "dual", estimator: Self.estimatorName,
                                     expected: "\"dual\" or \"auto\" when loss is \"hinge\"", got: "\"primal\"")
      }
      useDual = false
    case .auto:
      useDual = sampleCount < featureCount ? dualSupported : !primalSupported
    }
    if useDual { return .dualCoordinateDescent }
    return penalty == .l1 ? .primalCoordinateDescent : .primalNewton
  }

  /// Fits one linear SVM per class against the rest (one for two classes), or Crammer and Singer's
  /// joint model. Throws on invalid hyperparameters or combinations, empty or non-finite `x`, a
  /// length mismatch, a single class, or an invalid class weight.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    let solver = try solver(sampleCount: x.rowCount, featureCount: x.columnCount)
    let encoding = try ClassEncoding(y)
    let weights = try classWeight.weights(for: encoding)
    let k = encoding.classes.count
    let data = LinearSVMData(x, interceptScaling: fitIntercept ? interceptScaling : nil)

    if solver == .crammerSinger {
      let costs = weights.map { c * $0 }
      let solution = try CrammerSinger.solve(data, classIndices: encoding.indices, classCount: k, classCosts: costs,
                                         tolerance: tolerance, maxIterations: maxIterations,
                                         seed: SplitMix64.derive(seed, 0))
      var rows = (0..<k).map { Array(solution.weights[$0 * data.stride ..< ($0 + 1) * data.stride]) }
      if k == 2 { rows = [zip(rows[1], rows[0]).map { $0 - $1 }] }
      return makeModel(rows, data: data, classes: encoding.classes, solver: solver,
                       iterations: [solution.iterations], converged: [solution.converged])
    }

    // Two classes: one problem, classes[1] positive, both classes weighted. More: class j against
    // the rest, only class j weighted (liblinear's train()).
    let problems: [BinaryProblem] = k == 2
      ? [BinaryProblem(labels: encoding.indices.map { $0 == 1 ? 1 : -1 },
                       costs: encoding.indices.map { c * weights[$0] })]
      : (0..<k).map { j in
          BinaryProblem(labels: encoding.indices.map { $0 == j ? 1 : -1 },
                        costs: encoding.indices.map { $0 == j ? c * weights[j] : c })
        }
    let (tolerance, maxIterations, seed, cost) = (tolerance, maxIterations, seed, c)
    let squaredHinge = loss == .squaredHinge
    let inner: Parallelism = problems.count == 1 ? parallelism : .serial
    let sharesGrams = solver == .primalNewton && problems.count > 1
      && data.stride <= PrimalNewton.explicitHessianLimit
    let grams = sharesGrams
      ? PrimalNewton.classGrams(data, classIndices: encoding.indices, classCount: k, parallelism: parallelism) : nil
    let results = Parallel.mapResults(problems.count, parallelism: parallelism) { j throws(LearnError) -> LinearSolution in
      let problemSeed = SplitMix64.derive(seed, UInt64(j))
      switch solver {
      case .dualCoordinateDescent:
        return try DualCoordinateDescent.solve(data, problems[j], squaredHinge: squaredHinge, tolerance: tolerance,
                                           maxIterations: maxIterations, seed: problemSeed)
      case .primalNewton:
        let start = grams.map {
          PrimalNewton.GramStart(grams: $0, classCosts: (0..<k).map { $0 == j ? cost * weights[j] : cost })
        }
        return try PrimalNewton.solve(data, problems[j], tolerance: tolerance, maxIterations: maxIterations,
                                  parallelism: inner, start: start)
      case .primalCoordinateDescent:
        return try L1PrimalCoordinateDescent.solve(data, problems[j], tolerance: tolerance,
                                               maxIterations: maxIterations, seed: problemSeed)
      case .crammerSinger:
        preconditionFailure("handled above")
      }
    }
    // The solvers throw only `LearnError.cancelled`; the first problem's error is rethrown.
    var solutions: [LinearSolution] = []
    for result in results {
      switch result {
      case .success(let solution): solutions.append(solution)
      case .failure(let error): throw error as! LearnError
      }
    }
    return makeModel(solutions.map(\.weights), data: data, classes: encoding.classes, solver: solver,
                     iterations: solutions.map(\.iterations), converged: solutions.map(\.converged))
  }

  private func makeModel(
    _ weightRows: [[Double]], data: LinearSVMData, classes: [Int], solver: Solver, iterations: [Int], converged: [Bool]
  ) -> Model {
    let d = data.featureCount
    let coefficients = Matrix(rowCount: weightRows.count, columnCount: d) { i, j in weightRows[i][j] }
    let intercepts = weightRows.map { fitIntercept ? interceptScaling * $0[d] : 0 }
    return Model(classes: classes, coefficients: coefficients, intercepts: intercepts,
                 converged: converged.allSatisfy { $0 }, iterations: iterations.max() ?? 0,
                 problemIterations: iterations, solver: solver, featureCount: d)
  }

  /// A fitted ``LinearSVC``.
  public struct Model: DecisionFunctionModel, IterativeModel {
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// Weights, one row per class, or a single row for `classes[1]` against `classes[0]` when there
    /// are two classes (scikit-learn `coef_`).
    public let coefficients: Matrix
    /// Intercepts, one per row of ``coefficients`` (scikit-learn `intercept_`); zero without an
    /// intercept.
    public let intercepts: [Double]
    /// Whether every problem met its stopping rule within the iteration limit.
    public let converged: Bool
    /// The largest iteration count over the problems (scikit-learn `n_iter_`).
    public let iterations: Int
    /// Iterations of each problem, in row order of ``coefficients`` (one entry for two classes and
    /// for Crammer–Singer).
    public let problemIterations: [Int]
    /// The algorithm that ran.
    public let solver: Solver
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// `x · coefficientsᵀ + intercepts`: one column for two classes (positive means `classes[1]`),
    /// otherwise one column per class (scikit-learn `decision_function`).
    public func decisionFunction(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      var scores = Matrix(rowCount: x.rowCount, columnCount: coefficients.rowCount)
      do {
        try gemm(transposeB: true, x, coefficients, into: &scores)
      } catch {
        throw .linearAlgebra(error)
      }
      let k = coefficients.rowCount
      scores.withUnsafeMutableBufferPointer { buffer in
        for i in 0..<x.rowCount {
          for j in 0..<k { buffer[i &* k &+ j] += intercepts[j] }
        }
      }
      return scores
    }

    /// One label per row: `classes[1]` where the decision function is positive (two classes),
    /// otherwise the class of the largest score (the first on ties, as numpy's `argmax`).
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      let scores = try decisionFunction(x)
      let k = scores.columnCount
      return scores.withUnsafeBufferPointer { s in
        (0..<x.rowCount).map { i in
          if k == 1 { return s[i] > 0 ? classes[1] : classes[0] }
          var best = 0
          for j in 1..<k where s[i &* k &+ j] > s[i &* k &+ best] { best = j }
          return classes[best]
        }
      }
    }
  }
}

// MARK: - Primal Newton solver (L2 penalty, squared hinge)

/// Newton's method on the primal L2-regularised squared-hinge objective
///
///     f(w) = ½‖w‖² + Σ_i C_i max(0, 1 − y_i wᵀx_i)²,
///
/// which is convex, piecewise quadratic and once differentiable. Each step solves
/// `H s = −∇f(w)` with the generalised Hessian `H = I + 2 Σ_{i∈I} C_i x_i x_iᵀ` over the samples
/// inside the margin, `I = {i : y_i wᵀx_i < 1}`, then moves to the exact minimum of `f` along `s`
/// (a one-dimensional piecewise quadratic); this is the finite Newton method of Mangasarian (2002)
/// and Keerthi and DeCoste (2005). `H` is formed explicitly (a GEMM over the rows of `I`) and
/// factored by Cholesky when there are at most 512 columns; wider problems solve the Newton system
/// by conjugate gradients with Hessian-vector products, as liblinear's TRON does.
///
/// It stops on liblinear's rule for this problem: `‖∇f(w)‖ ≤ ε‖∇f(0)‖` with
/// `ε = tolerance · max(min(positives, negatives), 1) / samples`.
enum PrimalNewton {
  /// Columns up to which the Hessian is formed and factored rather than applied by CG.
  static let explicitHessianLimit = 512

  /// Solves `problem` on `data` from `w = 0`.
  static func solve(
    _ data: LinearSVMData, _ problem: BinaryProblem, tolerance: Double, maxIterations: Int, parallelism: Parallelism,
    start: GramStart? = nil
  ) throws(LearnError) -> LinearSolution {
    let n = data.rowCount, stride = data.stride
    let positives = problem.positiveCount
    let epsilon = tolerance * Double(Swift.max(Swift.min(positives, n - positives), 1)) / Double(n)
    let explicit = stride <= explicitHessianLimit
    var w = [Double](repeating: 0, count: stride)
    var outputs = [Double](repeating: 0, count: n)  // x_iᵀw
    var gradient = [Double](repeating: 0, count: stride)
    var step = [Double](repeating: 0, count: stride)
    var projected = [Double](repeating: 0, count: n)  // x_iᵀs
    var lineTerms = [Double](repeating: 0, count: 3 * n)  // y_i − x_iᵀw, 2C_i q_i, 2C_i q_i²
    var hessian = [Double](repeating: 0, count: explicit ? stride * stride : 0)  // Σ_I 2C_i x_i x_iᵀ
    var factor = hessian  // its Cholesky factor, with the identity added
    var gathered = [Double]()  // rows scaled by √(2C_i), for the explicit Hessian
    var hessianBuilt = false
    var inHessian = [Bool](repeating: false, count: explicit ? n : 0)  // the I that `hessian` sums over
    var inCurrent = inHessian
    var active = [Int]()
    active.reserveCapacity(n)
    var scratch = [Double](repeating: 0, count: explicit ? 0 : 3 * stride)
    var iterations = 0
    var converged = false
    var cancellation: LearnError?

    data.rows.withUnsafeBufferPointer { rowBuffer in
      problem.labels.withUnsafeBufferPointer { y in
        problem.costs.withUnsafeBufferPointer { costs in
          guard let rows = rowBuffer.baseAddress else { return }

          /// I = {i : C_i > 0, y_i x_iᵀw < 1}, and ∇f = w + Σ_I 2C_i (x_iᵀw − y_i) x_i; returns ‖∇f‖.
          func updateGradient() -> Double {
            active.removeAll(keepingCapacity: true)
            for i in 0..<n where costs[i] > 0 && y[i] * outputs[i] < 1 { active.append(i) }
            gradient = w
            gradient.withUnsafeMutableBufferPointer { g in
              for i in active {
                axpy(2 * costs[i] * (outputs[i] - y[i]), rows + i &* stride, g.baseAddress!, count: stride)
              }
            }
            return gradient.withUnsafeBufferPointer { g in dot(g.baseAddress!, g.baseAddress!, count: stride) }
              .squareRoot()
          }

          /// result[i] = x_iᵀv for every row.
          func multiply(_ v: [Double], into result: inout [Double]) {
            v.withUnsafeBufferPointer { v in
              result.withUnsafeMutableBufferPointer { r in
                rowProducts(rows, stride: stride, count: n, v.baseAddress!, into: r.baseAddress!)
              }
            }
          }

          /// Adds `sign · Σ 2C_i x_i x_iᵀ` over `samples` to the Hessian (one GEMM of the gathered,
          /// scaled rows), or sets it to that sum when `replace`.
          func accumulate(_ samples: [Int], sign: Double, replace: Bool) {
            let m = samples.count
            if gathered.count < m * stride { gathered = [Double](repeating: 0, count: m * stride) }
            gathered.withUnsafeMutableBufferPointer { b in
              for (r, i) in samples.enumerated() {
                let scale = (2 * costs[i]).squareRoot()
                let source = rows + i &* stride, target = b.baseAddress! + r &* stride
                for j in 0..<stride { target[j] = scale * source[j] }
              }
            }
            gathered.withUnsafeBufferPointer { b in
              hessian.withUnsafeMutableBufferPointer { h in
                if m == 0 {
                  if replace { for j in 0..<(stride * stride) { h[j] = 0 } }
                  return
                }
                gemm(transposeA: true, transposeB: false, m: stride, n: stride, k: m, alpha: sign,
                     a: b.baseAddress!, lda: stride, b: b.baseAddress!, ldb: stride,
                     beta: replace ? 0 : 1, c: h.baseAddress!, ldc: stride, parallelism: parallelism)
              }
            }
          }

          /// step = −H⁻¹∇f with H formed explicitly and factored by Cholesky. Between steps only the
          /// samples that entered or left I change H, so it is updated by their terms alone unless
          /// they outnumber the rows of I (then it is rebuilt).
          func explicitStep() {
            for i in active { inCurrent[i] = true }
            var entering: [Int] = [], leaving: [Int] = []
            if hessianBuilt {
              for i in active where !inHessian[i] { entering.append(i) }
              for i in 0..<n where inHessian[i] && !inCurrent[i] { leaving.append(i) }
            }
            if !hessianBuilt || entering.count + leaving.count >= active.count {
              accumulate(active, sign: 1, replace: true)
            } else {
              accumulate(entering, sign: 1, replace: false)
              accumulate(leaving, sign: -1, replace: false)
            }
            hessianBuilt = true
            swap(&inHessian, &inCurrent)
            for i in 0..<n { inCurrent[i] = false }
            hessian.withUnsafeBufferPointer { h in
              factor.withUnsafeMutableBufferPointer { f in
                f.baseAddress!.update(from: h.baseAddress!, count: stride * stride)
                for j in 0..<stride { f[j &* stride &+ j] += 1 }
                gradient.withUnsafeBufferPointer { g in
                  step.withUnsafeMutableBufferPointer { s in
                    choleskySolve(f.baseAddress!, g.baseAddress!, s.baseAddress!, n: stride)
                  }
                }
              }
            }
          }

          /// step ≈ −H⁻¹∇f by conjugate gradients, to a residual of 0.1‖∇f‖ (TRON's CG tolerance).
          func conjugateGradientStep(gradientNorm: Double) {
            scratch.withUnsafeMutableBufferPointer { buffer in
              step.withUnsafeMutableBufferPointer { sBuffer in
                gradient.withUnsafeBufferPointer { gBuffer in
                  let s = sBuffer.baseAddress!, g = gBuffer.baseAddress!
                  let r = buffer.baseAddress!, d = r + stride, hd = d + stride
                  for j in 0..<stride {
                    s[j] = 0
                    r[j] = -g[j]
                    d[j] = r[j]
                  }
                  var rr = dot(r, r, count: stride)
                  let target = 0.1 * gradientNorm
                  for _ in 0..<stride {
                    if rr.squareRoot() <= target { break }
                    for j in 0..<stride { hd[j] = d[j] }
                    for i in active {
                      let row = rows + i &* stride
                      axpy(2 * costs[i] * dot(row, d, count: stride), row, hd, count: stride)
                    }
                    let curvature = dot(d, hd, count: stride)
                    guard curvature > 0 else { break }
                    let a = rr / curvature
                    axpy(a, d, s, count: stride)
                    axpy(-a, hd, r, count: stride)
                    let updated = dot(r, r, count: stride)
                    let beta = updated / rr
                    rr = updated
                    for j in 0..<stride { d[j] = r[j] + beta * d[j] }
                  }
                }
              }
            }
          }

          /// φ'(t) and φ''(t) of φ(t) = f(w + t·s): with r_i = y_i − x_iᵀw, q_i = x_iᵀs and the
          /// samples still inside the margin at t, those with y_i(r_i − t q_i) > 0,
          /// φ'(t) = wᵀs + t‖s‖² − Σ 2C_i q_i (r_i − t q_i) and φ''(t) = ‖s‖² + Σ 2C_i q_i².
          func derivatives(at t: Double, ws: Double, ss: Double) -> (Double, Double) {
            var slope = SIMD4<Double>(), curvature = SIMD4<Double>()
            var first = ws + t * ss, second = ss
            let tv = SIMD4<Double>(repeating: t)
            lineTerms.withUnsafeBufferPointer { terms in
              projected.withUnsafeBufferPointer { q in
                let r = terms.baseAddress!, a = r + n, b = a + n, q = q.baseAddress!, y = y.baseAddress!
                var i = 0
                while i &+ 4 <= n {
                  let residual = load4(r + i) - tv * load4(q + i)
                  let outside = load4(y + i) * residual .<= 0
                  slope += (load4(a + i) * residual).replacing(with: 0, where: outside)
                  curvature += load4(b + i).replacing(with: 0, where: outside)
                  i &+= 4
                }
                while i < n {
                  let residual = r[i] - t * q[i]
                  if y[i] * residual > 0 {
                    first -= a[i] * residual
                    second += b[i]
                  }
                  i &+= 1
                }
              }
            }
            return (first - slope.sum(), second + curvature.sum())
          }

          /// The minimiser of the convex piecewise quadratic φ along the step: safeguarded Newton on
          /// the piecewise linear φ', exact once t lies on the root's piece.
          func lineSearch() -> Double {
            lineTerms.withUnsafeMutableBufferPointer { terms in
              projected.withUnsafeBufferPointer { q in
                outputs.withUnsafeBufferPointer { o in
                  let r = terms.baseAddress!, a = r + n, b = a + n
                  for i in 0..<n {
                    let weighted = 2 * costs[i] * q[i]
                    r[i] = y[i] - o[i]
                    a[i] = weighted
                    b[i] = weighted * q[i]
                  }
                }
              }
            }
            let ws = dot(w, step), ss = dot(step, step)
            var low = 0.0, high = Double.infinity, t = 1.0
            for _ in 0..<100 {
              let (first, second) = derivatives(at: t, ws: ws, ss: ss)
              if first == 0 { return t }
              if first < 0 { low = t } else { high = t }
              var next = t - first / second
              if !(next > low && next < high) { next = high.isFinite ? 0.5 * (low + high) : 2 * t }
              if abs(next - t) <= 1e-14 * Swift.max(1, abs(t)) { return next }
              t = next
            }
            return t
          }

          let initialNorm = updateGradient()
          if explicit, let start {
            // At w = 0 every sample with a cost is in I: the first Hessian is Σ_k 2C_k G_k.
            hessian.withUnsafeMutableBufferPointer { h in
              for (gram, cost) in zip(start.grams, start.classCosts) where cost != 0 {
                gram.withUnsafeBufferPointer { g in
                  axpy(2 * cost, g.baseAddress!, h.baseAddress!, count: stride * stride)
                }
              }
            }
            for i in active { inHessian[i] = true }
            hessianBuilt = true
          }
          var gradientNorm = initialNorm
          while true {
            if gradientNorm <= epsilon * initialNorm {
              converged = true
              break
            }
            if iterations >= maxIterations { break }
            if JobContext.isCancelled {
              cancellation = .cancelled("before Newton iteration \(iterations + 1)")
              break
            }
            if explicit { explicitStep() } else { conjugateGradientStep(gradientNorm: gradientNorm) }
            multiply(step, into: &projected)
            let t = lineSearch()
            guard t > 0, t.isFinite else { break }
            axpy(t, step, &w)
            axpy(t, projected, &outputs)
            iterations += 1
            let previous = gradientNorm
            gradientNorm = updateGradient()
            // No progress is possible in floating point (TRON's "actred and prered too small").
            if gradientNorm >= previous && t * dot(step, step).squareRoot() <= 1e-15 * dot(w, w).squareRoot() { break }
          }
        }
      }
    }
    if let cancellation { throw cancellation }
    return LinearSolution(weights: w, iterations: iterations, converged: converged)
  }

  /// Per-class Gram matrices `G_k = Σ_{i in class k} x_i x_iᵀ`, shared by the one-vs-rest problems:
  /// at `w = 0` every sample is inside the margin, so each problem's first Hessian is a weighted sum
  /// of these, and the `n × stride²` work is done once instead of once per class.
  struct GramStart: Sendable {
    /// `classes × (stride × stride)` row-major matrices.
    let grams: [[Double]]
    /// The cost `C_k` of class `k`'s samples in this problem.
    let classCosts: [Double]
  }

  /// The class Gram matrices of `data` for samples of class indices `classIndices`.
  static func classGrams(
    _ data: LinearSVMData, classIndices: [Int], classCount: Int, parallelism: Parallelism
  ) -> [[Double]] {
    let stride = data.stride
    var members = [[Int]](repeating: [], count: classCount)
    for (i, k) in classIndices.enumerated() { members[k].append(i) }
    return members.map { samples in
      var gathered = [Double](repeating: 0, count: Swift.max(1, samples.count) * stride)
      var gram = [Double](repeating: 0, count: stride * stride)
      data.rows.withUnsafeBufferPointer { rows in
        gathered.withUnsafeMutableBufferPointer { b in
          for (r, i) in samples.enumerated() {
            b.baseAddress!.advanced(by: r * stride).update(from: rows.baseAddress! + i * stride, count: stride)
          }
        }
      }
      guard !samples.isEmpty else { return gram }
      gathered.withUnsafeBufferPointer { b in
        gram.withUnsafeMutableBufferPointer { g in
          gemm(transposeA: true, transposeB: false, m: stride, n: stride, k: samples.count, alpha: 1,
               a: b.baseAddress!, lda: stride, b: b.baseAddress!, ldb: stride, beta: 0, c: g.baseAddress!, ldc: stride,
               parallelism: parallelism)
        }
      }
      return gram
    }
  }

  /// Solves `A s = −g` for a symmetric positive-definite `n × n` row-major `A` (overwritten by its
  /// Cholesky factor in the lower triangle).
  static func choleskySolve(
    _ a: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ s: UnsafeMutablePointer<Double>, n: Int
  ) {
    for i in 0..<n {
      let rowI = a + i &* n
      for j in 0...i {
        let rowJ = a + j &* n
        let value = rowI[j] - dot(UnsafePointer(rowI), UnsafePointer(rowJ), count: j)
        if i == j {
          rowI[i] = Swift.max(value, 1e-300).squareRoot()
        } else {
          rowI[j] = value / rowJ[j]
        }
      }
    }
    // L z = −g, then Lᵀ s = z.
    for i in 0..<n {
      let rowI = a + i &* n
      s[i] = (-g[i] - dot(UnsafePointer(rowI), UnsafePointer(s), count: i)) / rowI[i]
    }
    var i = n - 1
    while i >= 0 {
      var value = s[i]
      for k in (i + 1)..<Swift.max(i + 1, n) { value -= a[k &* n &+ i] * s[k] }
      s[i] = value / a[i &* n &+ i]
      i -= 1
    }
  }
}

/// `result[i] = row_iᵀv` for `count` rows of `stride` doubles (a multiple of 4), four rows at a
/// time so each load of `v` serves four products.
private func rowProducts(
  _ rows: UnsafePointer<Double>, stride: Int, count: Int, _ v: UnsafePointer<Double>,
  into result: UnsafeMutablePointer<Double>
) {
  var i = 0
  while i &+ 4 <= count {
    let r0 = rows + i &* stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride
    var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
    var j = 0
    while j < stride {
      let x = load4(v + j)
      multiplyAdd(&a0, load4(r0 + j), x)
      multiplyAdd(&a1, load4(r1 + j), x)
      multiplyAdd(&a2, load4(r2 + j), x)
      multiplyAdd(&a3, load4(r3 + j), x)
      j &+= 4
    }
    result[i] = a0.sum()
    result[i &+ 1] = a1.sum()
    result[i &+ 2] = a2.sum()
    result[i &+ 3] = a3.sum()
    i &+= 4
  }
  while i < count {
    result[i] = dot(rows + i &* stride, v, count: stride)
    i &+= 1
  }
}

/// `acc += a·b`, fused where the build targets FMA (see Package.swift).
@inline(__always)
private func multiplyAdd(_ acc: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
  #if LEARN_FMA
  acc.addProduct(a, b)
  #else
  acc += a * b
  #endif
}

/// Four doubles from `p` (unaligned).
@inline(__always)
private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

// MARK: - Primal coordinate descent (L1 penalty, squared hinge)

/// Coordinate descent on the primal L1-regularised squared-hinge objective
///
///     f(w) = ‖w‖₁ + Σ_i C_i max(0, 1 − y_i wᵀx_i)²
///
/// (Yuan, Chang, Hsieh and Lin, "A comparison of optimization methods and software for large-scale
/// L1-regularized linear classification", JMLR 2010, and the LIBLINEAR paper's appendix). Each
/// coordinate takes a one-variable Newton step on the loss with the soft threshold of the L1 term,
/// then a backtracking line search; coordinates are visited in a fresh random order each pass and
/// those at zero with a comfortably small gradient are shrunk. It stops when the sum of the
/// minimum-norm subgradients falls to `ε` times its value on the first pass, with liblinear's
/// `ε = tolerance · max(min(positives, negatives), 1) / samples`.
enum L1PrimalCoordinateDescent {
  /// Solves `problem` on `data` from `w = 0`.
  static func solve(
    _ data: LinearSVMData, _ problem: BinaryProblem, tolerance: Double, maxIterations: Int, seed: UInt64
  ) throws(LearnError) -> LinearSolution {
    let n = data.rowCount, stride = data.stride, width = data.width
    let positives = problem.positiveCount
    let epsilon = tolerance * Double(Swift.max(Swift.min(positives, n - positives), 1)) / Double(n)
    // Column-major copy with labels folded in: columns[j][i] = y_i x_ij.
    var columns = [Double](repeating: 0, count: width * n)
    var columnCurvature = [Double](repeating: 0, count: width)  // Σ_i C_i x_ij²
    for i in 0..<n {
      let yi = problem.labels[i], ci = problem.costs[i]
      for j in 0..<width {
        let value = yi * data.rows[i * stride + j]
        columns[j * n + i] = value
        columnCurvature[j] += ci * value * value
      }
    }
    var w = [Double](repeating: 0, count: stride)
    var b = [Double](repeating: 1, count: n)  // 1 − y_i wᵀx_i
    var index = Array(0..<width)
    var generator = Xoshiro256StarStar(seed: seed)
    var iterations = 0
    var converged = false
    var cancellation: LearnError?
    var checkpoint = CancellationCheckpoint()
    let sigma = 0.01
    let maxLineSearch = 20

    columns.withUnsafeBufferPointer { columnBuffer in
      problem.costs.withUnsafeBufferPointer { costs in
        b.withUnsafeMutableBufferPointer { b in
          let columnBase = columnBuffer.baseAddress!
          var active = width
          var gMaxOld = Double.infinity
          var gNorm1Initial = -1.0
          while iterations < maxIterations {
            do throws(LearnError) {
              try checkpoint.check(after: active &* n, "before primal coordinate descent pass \(iterations + 1)")
            } catch {
              cancellation = error
              break
            }
            var gMax = 0.0, gNorm1 = 0.0
            for j in 0..<active { index.swapAt(j, j + generator.nextInt(below: active - j)) }
            var s = 0
            while s < active {
              let j = index[s]
              let column = columnBase + j &* n
              var lossGradient = 0.0, curvature = 0.0
              for i in 0..<n where b[i] > 0 {
                let weighted = costs[i] * column[i]
                lossGradient -= weighted * b[i]
                curvature += weighted * column[i]
              }
              lossGradient *= 2
              curvature = Swift.max(2 * curvature, 1e-12)
              let gPlus = lossGradient + 1, gMinus = lossGradient - 1
              var violation = 0.0
              if w[j] == 0 {
                if gPlus < 0 {
                  violation = -gPlus
                } else if gMinus > 0 {
                  violation = gMinus
                } else if gPlus > gMaxOld / Double(n) && gMinus < -gMaxOld / Double(n) {
                  active -= 1
                  index.swapAt(s, active)
                  continue
                }
              } else if w[j] > 0 {
                violation = abs(gPlus)
              } else {
                violation = abs(gMinus)
              }
              gMax = Swift.max(gMax, violation)
              gNorm1 += violation

              // Newton direction of the one-variable model with the soft threshold.
              var d: Double
              if gPlus < curvature * w[j] {
                d = -gPlus / curvature
              } else if gMinus > curvature * w[j] {
                d = -gMinus / curvature
              } else {
                d = -w[j]
              }
              if abs(d) < 1e-12 {
                s += 1
                continue
              }
              var delta = abs(w[j] + d) - abs(w[j]) + lossGradient * d
              var dOld = 0.0, lossOld = 0.0
              var attempt = 0
              while attempt < maxLineSearch {
                let dDiff = dOld - d
                let condition = abs(w[j] + d) - abs(w[j]) - sigma * delta
                // The quadratic upper bound of the loss change, Σ C_i x_ij² d² + G d, settles most steps.
                if columnCurvature[j] * d * d + lossGradient * d + condition <= 0 {
                  for i in 0..<n { b[i] += dDiff * column[i] }
                  break
                }
                var lossNew = 0.0
                for i in 0..<n {
                  if attempt == 0 && b[i] > 0 { lossOld += costs[i] * b[i] * b[i] }
                  let updated = b[i] + dDiff * column[i]
                  b[i] = updated
                  if updated > 0 { lossNew += costs[i] * updated * updated }
                }
                if condition + lossNew - lossOld <= 0 { break }
                dOld = d
                d *= 0.5
                delta *= 0.5
                attempt += 1
              }
              w[j] += d
              if attempt >= maxLineSearch {
                // Too many halvings: recompute b = 1 − y·Xw from w, as liblinear does.
                for i in 0..<n { b[i] = 1 }
                for k in 0..<width where w[k] != 0 {
                  let other = columnBase + k &* n
                  for i in 0..<n { b[i] -= w[k] * other[i] }
                }
              }
              s += 1
            }
            if iterations == 0 { gNorm1Initial = gNorm1 }
            iterations += 1
            if gNorm1 <= epsilon * gNorm1Initial {
              if active == width {
                converged = true
                break
              }
              active = width
              gMaxOld = .infinity
              continue
            }
            gMaxOld = gMax
          }
        }
      }
    }
    if let cancellation { throw cancellation }
    return LinearSolution(weights: w, iterations: iterations, converged: converged)
  }
}

extension LinearSVC.Penalty: Codable {}
extension LinearSVC.Loss: Codable {}
extension LinearSVC.Formulation: Codable {}
extension LinearSVC.MultiClass: Codable {}
extension LinearSVC.Solver: Codable {}

extension LinearSVC: Persistable {
  /// `"LinearSVC"`.
  public static let typeTag = "LinearSVC"
}

extension LinearSVC.Model: Persistable {
  /// `"LinearSVC.Model"`.
  public static let typeTag = "LinearSVC.Model"

  /// Increasing classes; one finite coefficient row and intercept per class (one for two classes).
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes")
    try PersistenceCheck.linear(coefficients, intercepts, classCount: classes.count, featureCount: featureCount)
  }
}
