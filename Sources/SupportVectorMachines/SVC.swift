// C-support vector classification (scikit-learn's `SVC`, libsvm's C-SVC): the dual solved by
// ``SMOSolver`` for each pair of classes (one-vs-one, k(k−1)/2 problems in scikit-learn's pair
// order (0,1), (0,2), …, (1,2), …), prediction by voting, and optional Platt-scaled probabilities
// coupled across pairs. See Docs/Guides/SVM.md.

import Foundation
import LearnCore
import LinearAlgebra

/// C-support vector classification with a kernel (scikit-learn's `SVC`).
///
/// ```swift
/// let model = try SVC(c: 10, kernel: .rbf).fit(x, y)
/// let labels = try model.predict(xTest)
/// ```
///
/// Multiclass problems are solved one-vs-one, as scikit-learn does; the binary problems are
/// independent and run on up to ``parallelism`` threads, with identical results for any thread
/// count. Scale the features first (a `Pipeline` with a `StandardScaler`): the RBF kernel and the
/// solver's tolerance assume comparable feature scales.
public struct SVC: Estimator, Sendable {
  /// The shape of ``Model/decisionFunction(_:)`` for more than two classes.
  public enum DecisionFunctionShape: String, CaseIterable, Sendable {
    /// One column per class: the votes plus a confidence in (−1/3, 1/3) (scikit-learn's
    /// `_ovr_decision_function`), the default.
    case ovr
    /// One column per pair of classes: libsvm's raw pairwise decision values.
    case ovo
  }

  /// The regularisation parameter: the box constraint of the dual (scikit-learn `C`, default 1).
  public var c: Double
  /// The kernel (default RBF).
  public var kernel: SVMKernel
  /// The degree of the `poly` kernel (default 3).
  public var degree: Int
  /// γ of the `rbf`, `poly` and `sigmoid` kernels (default ``Gamma/scale``).
  public var gamma: Gamma
  /// The independent term of the `poly` and `sigmoid` kernels (default 0).
  public var coef0: Double
  /// Whether the solver shrinks the active set (default true).
  public var shrinking: Bool
  /// Whether to fit Platt scaling by internal 5-fold cross-validation, enabling
  /// ``Model/predictProbabilities(_:)`` (default false). Fitting then takes about six times longer.
  public var probability: Bool
  /// The stopping tolerance on the maximal violating pair's gap (scikit-learn `tol`, default 1e-3).
  public var tolerance: Double
  /// The kernel cache of each binary problem, in megabytes (scikit-learn `cache_size`, default 200).
  public var cacheSizeMB: Double
  /// Per-class multipliers of C (scikit-learn `class_weight`).
  public var classWeight: ClassWeight
  /// The iteration limit of each binary problem; nil (scikit-learn's −1) means none, though the
  /// solver still stops after max(10⁷, 100·n) iterations and reports non-convergence.
  public var maxIterations: Int?
  /// The shape of the decision function for more than two classes (default ``DecisionFunctionShape/ovr``).
  public var decisionFunctionShape: DecisionFunctionShape
  /// With more than two classes and the `ovr` shape, break voting ties by the decision function
  /// instead of taking the first tied class (default false; invalid with `ovo`).
  public var breakTies: Bool
  /// The seed of the fold shuffle of the probability cross-validation (scikit-learn `random_state`).
  public var seed: UInt64
  /// Threads for the binary problems and for prediction (not a hyperparameter: results do not
  /// depend on it). A search running many fits at once should set `.serial`.
  public var parallelism: Parallelism

  /// An SVC; the defaults are scikit-learn's.
  public init(
    c: Double = 1, kernel: SVMKernel = .rbf, degree: Int = 3, gamma: Gamma = .scale, coef0: Double = 0,
    shrinking: Bool = true, probability: Bool = false, tolerance: Double = 1e-3, cacheSizeMB: Double = 200,
    classWeight: ClassWeight = .uniform, maxIterations: Int? = nil,
    decisionFunctionShape: DecisionFunctionShape = .ovr, breakTies: Bool = false, seed: UInt64 = 0,
    parallelism: Parallelism = .automatic
  ) {
    self.c = c
    self.kernel = kernel
    self.degree = degree
    self.gamma = gamma
    self.coef0 = coef0
    self.shrinking = shrinking
    self.probability = probability
    self.tolerance = tolerance
    self.cacheSizeMB = cacheSizeMB
    self.classWeight = classWeight
    self.maxIterations = maxIterations
    self.decisionFunctionShape = decisionFunctionShape
    self.breakTies = breakTies
    self.seed = seed
    self.parallelism = parallelism
  }

  /// The hyperparameter table, in scikit-learn's order: `c` (0, inf), `kernel`, `degree` [1, inf),
  /// `gamma` ("scale", "auto" or [0, inf)), `coef0`, `shrinking`, `probability`, `tolerance`
  /// (0, inf), `cacheSizeMB` (0, inf), `classWeight` (none, "balanced" or "label:weight,…"),
  /// `maxIterations` ([0, inf), −1 or none), `decisionFunctionShape`, `breakTies`, `seed`.
  public static let hyperparameters: [Hyperparameter<SVC>] = [
    .double("c", \.c, .positive, log: true),
    .choice("kernel", \.kernel),
    .int("degree", \.degree, 1...Int.max),
    .kernelSVMGamma("gamma", \.gamma),
    .double("coef0", \.coef0),
    .bool("shrinking", \.shrinking),
    .bool("probability", \.probability),
    .double("tolerance", \.tolerance, .positive, log: true),
    .double("cacheSizeMB", \.cacheSizeMB, .positive),
    .classWeight("classWeight", \.classWeight),
    .kernelSVMMaxIterations("maxIterations", \.maxIterations),
    .choice("decisionFunctionShape", \.decisionFunctionShape),
    .bool("breakTies", \.breakTies),
    .seed("seed", \.seed),
  ]

  /// The ranges of scikit-learn's SVM guides and auto-sklearn's `libsvm_svc` space: `c`
  /// log-uniform in [1e-3, 1e3], `gamma` log-uniform in [1e-4, 1e1], `kernel` any of `rbf`,
  /// `linear`, `poly`, `sigmoid`, and `degree` in 2 … 5 (auto-sklearn's; used by `poly` only).
  public static let defaultSearchSpace: [String: Distribution] = kernelSVMSearchSpace

  /// The settings the binary problems share.
  struct SolverSettings: Sendable {
    let kernel: KernelFunction
    let tolerance: Double
    let shrinking: Bool
    let cacheSizeMB: Double
    let maxIterations: Int?
    /// Threads for one binary solve: its kernel rows and passes (serial when the pairs themselves
    /// run in parallel).
    var parallelism: Parallelism = .serial
  }

  /// Fits one binary SVC per pair of classes (and, with ``probability``, their Platt sigmoids).
  /// Throws on invalid hyperparameters, non-finite or mismatched input, a single class, or class
  /// weights naming absent labels.
  public func fit(_ x: Matrix, _ y: [Int]) throws -> Model {
    try validateHyperparameters()
    if breakTies && decisionFunctionShape == .ovo {
      throw LearnError.invalidHyperparameter(
        name: "breakTies", estimator: Self.estimatorName,
        expected: "false when decisionFunctionShape is \"ovo\"", got: "true")
    }
    try Validation.checkSamples(x, y)
    let encoding = try ClassEncoding(y)
    let weights = try classWeight.weights(for: encoding)
    let k = encoding.classes.count
    let kernelFunction = KernelFunction(kind: kernel, degree: degree, gamma: gamma.resolved(for: x), coef0: coef0)
    var settings = SolverSettings(kernel: kernelFunction, tolerance: tolerance, shrinking: shrinking,
                                  cacheSizeMB: cacheSizeMB, maxIterations: maxIterations)

    // Samples grouped by class, in their original order within a class (libsvm's grouping).
    var members = [[Int]](repeating: [], count: k)
    for (index, label) in encoding.indices.enumerated() { members[label].append(index) }
    var pairs: [(Int, Int)] = []
    for a in 0..<k { for b in (a + 1)..<k { pairs.append((a, b)) } }

    let weightedC = weights.map { c * $0 }
    let probability = self.probability, seed = self.seed
    let pairList = pairs, groups = members
    // Parallelise the outer level: the pairs when there are several, else the kernel rows.
    let pairParallelism: Parallelism = pairs.count > 1 ? parallelism : .serial
    settings.parallelism = pairs.count > 1 ? .serial : parallelism
    let pairSettings = settings
    let results = try Parallel.map(pairs.count, parallelism: pairParallelism) { p -> PairResult in
      let (a, b) = pairList[p]
      let rows = groups[a] + groups[b]
      let subX = x.rows(at: rows)
      let labels = [Double](repeating: 1, count: groups[a].count) + [Double](repeating: -1, count: groups[b].count)
      var calibration: PlattScaling?
      if probability {
        var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(p)))
        let decisions = try crossValidatedDecisionValues(
          subX, labels, cPositive: weightedC[a], cNegative: weightedC[b], settings: pairSettings, generator: &generator)
        calibration = PlattScaling.fit(decisionValues: decisions, labels: labels.map { $0 > 0 })
      }
      let solution = try solveBinarySVC(subX, labels, cPositive: weightedC[a], cNegative: weightedC[b],
                                    settings: pairSettings)
      return PairResult(solution: solution, calibration: calibration)
    }

    // Support vectors: samples with a non-zero coefficient in any pair, class by class.
    var isSupport = members.map { [Bool](repeating: false, count: $0.count) }
    for (p, (a, b)) in pairs.enumerated() {
      let coefficients = results[p].solution.alpha
      let na = members[a].count
      for m in 0..<na where coefficients[m] != 0 { isSupport[a][m] = true }
      for m in 0..<members[b].count where coefficients[na + m] != 0 { isSupport[b][m] = true }
    }
    var supportIndices: [Int] = []
    var position = members.map { [Int](repeating: -1, count: $0.count) }
    var supportCounts = [Int](repeating: 0, count: k)
    for a in 0..<k {
      for m in 0..<members[a].count where isSupport[a][m] {
        position[a][m] = supportIndices.count
        supportIndices.append(members[a][m])
        supportCounts[a] += 1
      }
    }
    let svCount = supportIndices.count
    var dual = Matrix(rowCount: k - 1, columnCount: svCount)
    var pairCoefficients = Matrix(rowCount: svCount, columnCount: pairs.count)
    var rho: [Double] = []
    for (p, (a, b)) in pairs.enumerated() {
      let solution = results[p].solution
      let na = members[a].count
      for m in 0..<na where isSupport[a][m] {
        dual[b - 1, position[a][m]] = solution.alpha[m]
        pairCoefficients[position[a][m], p] = solution.alpha[m]
      }
      for m in 0..<members[b].count where isSupport[b][m] {
        dual[a, position[b][m]] = solution.alpha[na + m]
        pairCoefficients[position[b][m], p] = solution.alpha[na + m]
      }
      rho.append(solution.rho)
    }
    guard rho.allSatisfy(\.isFinite), pairCoefficients.firstNonFinite() == nil else {
      throw LearnError.invalidArgument(
        name: "x", reason: "the dual coefficients or intercepts are not finite; scale the features (StandardScaler)")
    }
    // scikit-learn's public signs: intercept −ρ, and for two classes both flipped so that positive
    // decision values mean classes[1].
    var intercepts = rho.map { $0 != 0 ? -$0 : 0 }
    if k == 2 {
      intercepts = intercepts.map { $0 != 0 ? -$0 : 0 }
      dual = Matrix(rowCount: 1, columnCount: svCount) { _, j in -dual[0, j] }
    }
    return Model(
      classes: encoding.classes, supportIndices: supportIndices, supportVectors: x.rows(at: supportIndices),
      supportCounts: supportCounts, dualCoefficients: dual, intercepts: intercepts,
      objectives: results.map(\.solution.objective), pairIterations: results.map(\.solution.iterations),
      converged: results.allSatisfy(\.solution.converged), kernel: kernel, degree: degree, gamma: kernelFunction.gamma,
      coef0: coef0, probabilityCalibrations: probability ? results.map { $0.calibration! } : nil,
      decisionFunctionShape: decisionFunctionShape, breakTies: breakTies, featureCount: x.columnCount,
      parallelism: parallelism, kernelFunction: kernelFunction, pairCoefficients: pairCoefficients, rho: rho)
  }

  /// One binary problem's solution (coefficients α·y) and its Platt sigmoid.
  struct PairResult: Sendable {
    let solution: SMOSolution
    let calibration: PlattScaling?
  }

  /// A fitted ``SVC``.
  public struct Model: ProbabilisticClassifierModel, DecisionFunctionModel, IterativeModel {
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// The training rows that are support vectors, grouped by class and ascending within a class
    /// (scikit-learn `support_`).
    public let supportIndices: [Int]
    /// The support vectors, one row each, in ``supportIndices`` order (scikit-learn `support_vectors_`).
    public let supportVectors: Matrix
    /// The number of support vectors of each class (scikit-learn `n_support_`).
    public let supportCounts: [Int]
    /// The dual coefficients y·α, (classes − 1) × support vectors, laid out as libsvm's and
    /// scikit-learn's `dual_coef_`: the coefficient of a class-i support vector in the pair (i, j)
    /// is in row j − 1 when j > i and in row j when j < i. For two classes, the signs are flipped
    /// as scikit-learn's, so positive values pull towards `classes[1]`.
    public let dualCoefficients: Matrix
    /// The intercept of each pairwise classifier, in pair order (scikit-learn `intercept_`; for
    /// two classes, the intercept of the `classes[1]` decision function).
    public let intercepts: [Double]
    /// The dual objective ½αᵀQα − Σα of each pair at the solution (libsvm's `obj`).
    public let objectives: [Double]
    /// The solver iterations of each pair (scikit-learn `n_iter_`).
    public let pairIterations: [Int]
    /// Whether every pair's solver met the tolerance before its iteration limit.
    public let converged: Bool
    /// The kernel.
    public let kernel: SVMKernel
    /// The polynomial degree.
    public let degree: Int
    /// γ as resolved at fit time (scikit-learn `_gamma`).
    public let gamma: Double
    /// The kernel's independent term.
    public let coef0: Double
    /// The Platt sigmoid of each pair (scikit-learn's `probA_`, `probB_`), when fitted with
    /// `probability`.
    public let probabilityCalibrations: [PlattScaling]?
    /// The decision function's shape for more than two classes.
    public let decisionFunctionShape: DecisionFunctionShape
    /// Whether prediction breaks voting ties by the decision function.
    public let breakTies: Bool
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int
    /// Threads used by prediction.
    public let parallelism: Parallelism
    let kernelFunction: KernelFunction
    /// Support vectors × pairs: each pair's coefficients in libsvm's orientation (positive for the
    /// pair's first class), zero for support vectors outside the pair.
    let pairCoefficients: Matrix
    /// libsvm's offsets ρ (the pairwise decision values are Σ coef·K − ρ).
    let rho: [Double]

    /// Total solver iterations over all pairs.
    public var iterations: Int { pairIterations.reduce(0, +) }

    /// The pairs of class indices in decision-column order: (0, 1), (0, 2), …, (1, 2), ….
    public var classPairs: [(Int, Int)] {
      var pairs: [(Int, Int)] = []
      for a in 0..<classes.count { for b in (a + 1)..<classes.count { pairs.append((a, b)) } }
      return pairs
    }

    /// For the linear kernel, the weight vector of each pairwise classifier, pairs × features
    /// (scikit-learn `coef_`): the decision value of pair p is `x · w_p + intercepts[p]`. For two
    /// classes, one row, positive towards `classes[1]`. Nil for other kernels.
    public var linearCoefficients: Matrix? {
      guard kernel == .linear else { return nil }
      let d = featureCount
      let pairs = rho.count
      var w = Matrix(rowCount: pairs, columnCount: d)
      for p in 0..<pairs {
        for s in 0..<supportVectors.rowCount where pairCoefficients[s, p] != 0 {
          // libsvm's orientation; two classes are flipped below to scikit-learn's.
          let coefficient = classes.count == 2 ? -pairCoefficients[s, p] : pairCoefficients[s, p]
          for f in 0..<d { w[p, f] += coefficient * supportVectors[s, f] }
        }
      }
      return w
    }

    /// libsvm's pairwise decision values: one column per pair, positive for the pair's first class.
    func pairwiseDecisionValues(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let block = 256
      let blocks = (x.rowCount + block - 1) / block
      let pairs = rho.count
      let norms = kernel == .rbf ? squaredRowNorms(supportVectors) : nil
      // One block needs no threads (and no system query for the core count).
      let parts = (try? Parallel.map(blocks, parallelism: blocks > 1 ? parallelism : .serial) { b -> Matrix in
        let rows = (b * block)..<Swift.min(x.rowCount, (b + 1) * block)
        let kernelValues = kernelFunction.matrix(x.rows(at: rows), supportVectors, normsB: norms)
        var values: Matrix
        if pairs == 1 {
          // One pair: a dot product per row. The GEMM would copy the whole kernel block into its
          // packed panels to use one lane of sixteen (it took a quarter of synth20k's prediction).
          var column = [Double](repeating: 0, count: rows.count)
          try? gemv(kernelValues, pairCoefficients.elements, into: &column)
          values = (try? Matrix(rowCount: rows.count, columnCount: 1, elements: column))
            ?? Matrix(rowCount: rows.count, columnCount: 1)
        } else {
          values = Matrix(rowCount: rows.count, columnCount: pairs)
          try? gemm(kernelValues, pairCoefficients, into: &values)
        }
        values.withUnsafeMutableBufferPointer { p in
          for i in 0..<rows.count { for q in 0..<pairs { p[i &* pairs &+ q] -= rho[q] } }
        }
        return values
      }) ?? []
      var elements: [Double] = []
      elements.reserveCapacity(x.rowCount * pairs)
      for part in parts { elements += part.elements }
      return (try? Matrix(rowCount: x.rowCount, columnCount: pairs, elements: elements))
        ?? Matrix(rowCount: x.rowCount, columnCount: pairs)
    }

    /// The decision function in the model's ``decisionFunctionShape`` (scikit-learn's
    /// `decision_function`): for two classes one column, positive for `classes[1]`; otherwise one
    /// column per class (`ovr`) or per pair (`ovo`).
    public func decisionFunction(_ x: Matrix) throws(LearnError) -> Matrix {
      try decisionFunction(x, shape: decisionFunctionShape)
    }

    /// The decision function in the given shape (see ``decisionFunction(_:)``).
    public func decisionFunction(_ x: Matrix, shape: DecisionFunctionShape) throws(LearnError) -> Matrix {
      let values = try pairwiseDecisionValues(x)
      let k = classes.count
      if k == 2 { return Matrix(rowCount: x.rowCount, columnCount: 1) { i, _ in -values[i, 0] } }
      if shape == .ovo { return values }
      let pairs = classPairs
      var result = Matrix(rowCount: x.rowCount, columnCount: k)
      var votes = [Double](repeating: 0, count: k), confidence = [Double](repeating: 0, count: k)
      for i in 0..<x.rowCount {
        for a in 0..<k {
          votes[a] = 0
          confidence[a] = 0
        }
        for (q, (a, b)) in pairs.enumerated() {
          let value = values[i, q]
          confidence[a] += value
          confidence[b] -= value
          if value < 0 { votes[b] += 1 } else { votes[a] += 1 }
        }
        for a in 0..<k { result[i, a] = votes[a] + confidence[a] / (3 * (abs(confidence[a]) + 1)) }
      }
      return result
    }

    /// One label per row: the class with the most pairwise votes, the first (smallest) class among
    /// ties, or, with ``breakTies`` and more than two classes, the largest `ovr` decision value.
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      let k = classes.count
      if breakTies && decisionFunctionShape == .ovr && k > 2 {
        let scores = try decisionFunction(x, shape: .ovr)
        return (0..<x.rowCount).map { i in
          var best = 0
          for a in 1..<k where scores[i, a] > scores[i, best] { best = a }
          return classes[best]
        }
      }
      let values = try pairwiseDecisionValues(x)
      let pairs = classPairs
      var votes = [Int](repeating: 0, count: k)
      var labels: [Int] = []
      labels.reserveCapacity(x.rowCount)
      for i in 0..<x.rowCount {
        for a in 0..<k { votes[a] = 0 }
        for (q, (a, b)) in pairs.enumerated() {
          if values[i, q] > 0 { votes[a] += 1 } else { votes[b] += 1 }
        }
        var best = 0
        for a in 1..<k where votes[a] > votes[best] { best = a }
        labels.append(classes[best])
      }
      return labels
    }

    /// Class probabilities, one column per class: each pair's Platt sigmoid (clipped to
    /// [1e−7, 1 − 1e−7]) coupled across pairs. Throws unless fitted with `probability`. Like
    /// libsvm's, they come from cross-validation and may disagree with ``predict(_:)`` on a few
    /// samples.
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      guard let calibrations = probabilityCalibrations else {
        throw .invalidArgument(name: "probability", reason: "predictProbabilities needs an SVC fitted with probability = true")
      }
      let values = try pairwiseDecisionValues(x)
      let k = classes.count
      let pairs = classPairs
      var result = Matrix(rowCount: x.rowCount, columnCount: k)
      for i in 0..<x.rowCount {
        var r = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (q, (a, b)) in pairs.enumerated() {
          let p = Swift.min(Swift.max(calibrations[q].probability(values[i, q]), 1e-7), 1 - 1e-7)
          r[a][b] = p
          r[b][a] = 1 - p
        }
        let probabilities = pairwiseCoupling(r)
        for a in 0..<k { result[i, a] = probabilities[a] }
      }
      return result
    }
  }
}

/// Solves the C-SVC dual for labels ±1 with C₊ for positive and C₋ for negative samples; the
/// returned `alpha` holds the coefficients α·y. Throws ``LearnError/cancelled(_:)`` when the job is
/// cancelled.
func solveBinarySVC(_ x: Matrix, _ y: [Double], cPositive: Double, cNegative: Double,
                 settings: SVC.SolverSettings) throws(LearnError) -> SMOSolution {
  let q = ClassificationKernelMatrix(x: x, y: y, kernel: settings.kernel, cacheMegabytes: settings.cacheSizeMB,
                                     parallelism: settings.parallelism)
  let n = x.rowCount
  let solver = SMOSolver(
    q: q, p: [Double](repeating: -1, count: n), y: y, c: y.map { $0 > 0 ? cPositive : cNegative },
    alpha: [Double](repeating: 0, count: n), tolerance: settings.tolerance, shrinking: settings.shrinking,
    maxIterations: settings.maxIterations)
  var solution = try solver.solve()
  for t in 0..<n { solution.alpha[t] *= y[t] }
  return solution
}

/// Decision values of every sample from 5-fold cross-validation (libsvm's
/// `svm_binary_svc_probability`): the samples are shuffled with `generator`, fold f holds
/// positions [f·n/5, (f+1)·n/5) of the shuffle, and each fold is predicted by an SVC trained on the
/// others (±1 when those hold a single class). Throws ``LearnError/cancelled(_:)`` when the job
/// is cancelled.
func crossValidatedDecisionValues(
  _ x: Matrix, _ y: [Double], cPositive: Double, cNegative: Double, settings: SVC.SolverSettings,
  generator: inout Xoshiro256StarStar
) throws(LearnError) -> [Double] {
  let n = x.rowCount
  var order = Array(0..<n)
  for i in 0..<n {
    let j = i + generator.nextInt(below: n - i)
    order.swapAt(i, j)
  }
  var decisions = [Double](repeating: 0, count: n)
  for fold in 0..<5 {
    let begin = fold * n / 5, end = (fold + 1) * n / 5
    let test = Array(order[begin..<end])
    let train = Array(order[0..<begin] + order[end..<n])
    let positives = train.filter { y[$0] > 0 }.count, negatives = train.count - positives
    if positives == 0 || negatives == 0 {
      let constant: Double = positives > 0 ? 1 : (negatives > 0 ? -1 : 0)
      for t in test { decisions[t] = constant }
      continue
    }
    let trainX = x.rows(at: train)
    let solution = try solveBinarySVC(trainX, train.map { y[$0] }, cPositive: cPositive, cNegative: cNegative,
                               settings: settings)
    let support = solution.alpha.indices.filter { solution.alpha[$0] != 0 }
    guard !test.isEmpty else { continue }
    let kernelValues = settings.kernel.matrix(x.rows(at: test), trainX.rows(at: support))
    for (row, t) in test.enumerated() {
      var value = 0.0
      for (column, s) in support.enumerated() { value += solution.alpha[s] * kernelValues[row, column] }
      decisions[t] = value - solution.rho
    }
  }
  return decisions
}

extension SVC.DecisionFunctionShape: Codable {}

extension SVC: Persistable {
  /// `"SVC"`.
  public static let typeTag = "SVC"
}

extension SVC.Model: Persistable {
  /// `"SVC.Model"`.
  public static let typeTag = "SVC.Model"

  /// Increasing classes; support vectors, their pairwise coefficients, offsets and calibrations
  /// whose shapes agree (one column per pair of classes); finite values; a consistent kernel.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes")
    try PersistenceCheck.featureCount(featureCount)
    let k = classes.count, pairs = k * (k - 1) / 2, support = supportVectors.rowCount
    try PersistenceCheck.require(k <= 1024, "classes", "has \(k) classes; at most 1024 are supported")
    try PersistenceCheck.shape(supportVectors, support, featureCount, "supportVectors")
    try PersistenceCheck.finite(supportVectors.elements, "supportVectors")
    try PersistenceCheck.shape(pairCoefficients, support, pairs, "pairCoefficients")
    try PersistenceCheck.finite(pairCoefficients.elements, "pairCoefficients")
    try PersistenceCheck.shape(dualCoefficients, k - 1, support, "dualCoefficients")
    try PersistenceCheck.count(rho, pairs, "rho")
    try PersistenceCheck.finite(rho, "rho")
    try PersistenceCheck.count(intercepts, pairs, "intercepts")
    try PersistenceCheck.count(supportIndices, support, "supportIndices")
    try PersistenceCheck.count(supportCounts, k, "supportCounts")
    try PersistenceCheck.require(supportCounts.allSatisfy { $0 >= 0 } && supportCounts.reduce(0, &+) == support,
                                 "supportCounts", "must add up to the \(support) support vectors")
    if let probabilityCalibrations {
      try PersistenceCheck.count(probabilityCalibrations, pairs, "probabilityCalibrations")
      try PersistenceCheck.finite(probabilityCalibrations.flatMap { [$0.a, $0.b] }, "probabilityCalibrations")
    }
    try kernelFunction.checkLoaded(kind: kernel, degree: degree, gamma: gamma, coef0: coef0)
  }
}
