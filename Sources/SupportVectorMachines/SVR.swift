// ε-support vector regression (scikit-learn's `SVR`, libsvm's ε-SVR): the dual over 2n variables
// (α⁺ and α⁻ of each sample) solved by the same ``SMOSolver`` as SVC. See Docs/Guides/SVM.md.

import Foundation
import LearnCore
import LinearAlgebra

/// ε-support vector regression with a kernel (scikit-learn's `SVR`).
///
/// ```swift
/// let model = try SVR(c: 10, epsilon: 0.1).fit(x, y)
/// let predicted = try model.predict(xTest)
/// ```
///
/// Errors within ``epsilon`` of the target cost nothing; larger ones cost linearly, weighted by
/// ``c``. Scale the features first, and consider the target's scale when choosing `epsilon`.
public struct SVR: Estimator, Sendable {
  /// The kernel (default RBF).
  public var kernel: SVMKernel
  /// The degree of the `poly` kernel (default 3).
  public var degree: Int
  /// γ of the `rbf`, `poly` and `sigmoid` kernels (default ``Gamma/scale``).
  public var gamma: Gamma
  /// The independent term of the `poly` and `sigmoid` kernels (default 0).
  public var coef0: Double
  /// The stopping tolerance on the maximal violating pair's gap (scikit-learn `tol`, default 1e-3).
  public var tolerance: Double
  /// The regularisation parameter: the box constraint of the dual (scikit-learn `C`, default 1).
  public var c: Double
  /// The half-width of the insensitive tube, in target units (default 0.1).
  public var epsilon: Double
  /// Whether the solver shrinks the active set (default true).
  public var shrinking: Bool
  /// The kernel cache, in megabytes (scikit-learn `cache_size`, default 200).
  public var cacheSizeMB: Double
  /// The iteration limit; nil (scikit-learn's −1) means none, though the solver still stops after
  /// max(10⁷, 200·n) iterations and reports non-convergence.
  public var maxIterations: Int?
  /// Threads for long kernel rows and for prediction (not a hyperparameter: results do not
  /// depend on it).
  public var parallelism: Parallelism

  /// An SVR; the defaults are scikit-learn's.
  public init(
    kernel: SVMKernel = .rbf, degree: Int = 3, gamma: Gamma = .scale, coef0: Double = 0, tolerance: Double = 1e-3,
    c: Double = 1, epsilon: Double = 0.1, shrinking: Bool = true, cacheSizeMB: Double = 200,
    maxIterations: Int? = nil, parallelism: Parallelism = .automatic
  ) {
    self.kernel = kernel
    self.degree = degree
    self.gamma = gamma
    self.coef0 = coef0
    self.tolerance = tolerance
    self.c = c
    self.epsilon = epsilon
    self.shrinking = shrinking
    self.cacheSizeMB = cacheSizeMB
    self.maxIterations = maxIterations
    self.parallelism = parallelism
  }

  /// The hyperparameter table, in scikit-learn's order: `kernel`, `degree` [1, inf), `gamma`
  /// ("scale", "auto" or [0, inf)), `coef0`, `tolerance` (0, inf), `c` (0, inf), `epsilon`
  /// [0, inf), `shrinking`, `cacheSizeMB` (0, inf), `maxIterations` ([0, inf), −1 or none).
  public static let hyperparameters: [Hyperparameter<SVR>] = [
    .choice("kernel", \.kernel),
    .int("degree", \.degree, 1...Int.max),
    .kernelSVMGamma("gamma", \.gamma),
    .double("coef0", \.coef0),
    .double("tolerance", \.tolerance, .positive, log: true),
    .double("c", \.c, .positive, log: true),
    .double("epsilon", \.epsilon, .nonNegative, log: true),
    .bool("shrinking", \.shrinking),
    .double("cacheSizeMB", \.cacheSizeMB, .positive),
    .kernelSVMMaxIterations("maxIterations", \.maxIterations),
  ]

  /// ``SVC``'s space (`c`, `gamma`, `kernel`, `degree`) plus `epsilon` log-uniform in
  /// [1e-3, 1], auto-sklearn's `libsvm_svr` range.
  public static let defaultSearchSpace: [String: Distribution] =
    kernelSVMSearchSpace.merging(["epsilon": .logUniform(1e-3, 1)]) { $1 }

  /// Solves the ε-SVR dual. Throws on invalid hyperparameters and on non-finite or mismatched input.
  public func fit(_ x: Matrix, _ y: [Double]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    try Validation.checkFiniteTargets(y)
    let n = x.rowCount
    let kernelFunction = KernelFunction(kind: kernel, degree: degree, gamma: gamma.resolved(for: x), coef0: coef0)
    let q = RegressionKernelMatrix(x: x, kernel: kernelFunction, cacheMegabytes: cacheSizeMB, parallelism: parallelism)
    var linear = [Double](repeating: 0, count: 2 * n), signs = [Double](repeating: 1, count: 2 * n)
    for i in 0..<n {
      linear[i] = epsilon - y[i]
      linear[i + n] = epsilon + y[i]
      signs[i + n] = -1
    }
    let solver = SMOSolver(
      q: q, p: linear, y: signs, c: [Double](repeating: c, count: 2 * n), alpha: [Double](repeating: 0, count: 2 * n),
      tolerance: tolerance, shrinking: shrinking, maxIterations: maxIterations)
    let solution = try solver.solve()
    let coefficients = (0..<n).map { solution.alpha[$0] - solution.alpha[$0 + n] }
    let support = (0..<n).filter { coefficients[$0] != 0 }
    let dual = support.map { coefficients[$0] }
    guard solution.rho.isFinite, dual.allSatisfy(\.isFinite) else {
      throw .invalidArgument(
        name: "x", reason: "the dual coefficients or intercept are not finite; scale the features (StandardScaler)")
    }
    return Model(
      supportIndices: support, supportVectors: x.rows(at: support), dualCoefficients: dual,
      intercept: solution.rho != 0 ? -solution.rho : 0, objective: solution.objective,
      iterations: solution.iterations, converged: solution.converged, kernel: kernel, degree: degree,
      gamma: kernelFunction.gamma, coef0: coef0, featureCount: x.columnCount, parallelism: parallelism,
      kernelFunction: kernelFunction)
  }

  /// A fitted ``SVR``.
  public struct Model: RegressorModel, IterativeModel {
    /// The training rows that are support vectors, ascending (scikit-learn `support_`).
    public let supportIndices: [Int]
    /// The support vectors, one row each (scikit-learn `support_vectors_`).
    public let supportVectors: Matrix
    /// α⁺ − α⁻ of each support vector (scikit-learn `dual_coef_`, one row).
    public let dualCoefficients: [Double]
    /// The intercept (scikit-learn `intercept_`, libsvm's −ρ).
    public let intercept: Double
    /// The dual objective at the solution (libsvm's `obj`).
    public let objective: Double
    /// Solver iterations (scikit-learn `n_iter_`).
    public let iterations: Int
    /// Whether the solver met the tolerance before its iteration limit.
    public let converged: Bool
    /// The kernel.
    public let kernel: SVMKernel
    /// The polynomial degree.
    public let degree: Int
    /// γ as resolved at fit time (scikit-learn `_gamma`).
    public let gamma: Double
    /// The kernel's independent term.
    public let coef0: Double
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int
    /// Threads used by prediction.
    public let parallelism: Parallelism
    let kernelFunction: KernelFunction

    /// Σ coef·K(sv, x) + intercept for each row of `x`.
    public func predict(_ x: Matrix) throws(LearnError) -> [Double] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let block = 256
      let blocks = (x.rowCount + block - 1) / block
      let norms = kernel == .rbf ? squaredRowNorms(supportVectors) : nil
      // One block needs no threads (and no system query for the core count).
      let parts = (try? Parallel.map(blocks, parallelism: blocks > 1 ? parallelism : .serial) { b -> [Double] in
        let rows = (b * block)..<Swift.min(x.rowCount, (b + 1) * block)
        let kernelValues = kernelFunction.matrix(x.rows(at: rows), supportVectors, normsB: norms)
        var values = [Double](repeating: intercept, count: rows.count)
        try? gemv(kernelValues, dualCoefficients, beta: 1, into: &values)
        return values
      }) ?? []
      return parts.flatMap { $0 }
    }
  }
}

extension SVR: Persistable {
  /// `"SVR"`.
  public static let typeTag = "SVR"
}

extension SVR.Model: Persistable {
  /// `"SVR.Model"`.
  public static let typeTag = "SVR.Model"

  /// Support vectors and one finite coefficient each, a finite intercept, a consistent kernel.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.featureCount(featureCount)
    let support = supportVectors.rowCount
    try PersistenceCheck.shape(supportVectors, support, featureCount, "supportVectors")
    try PersistenceCheck.finite(supportVectors.elements, "supportVectors")
    try PersistenceCheck.count(dualCoefficients, support, "dualCoefficients")
    try PersistenceCheck.finite(dualCoefficients + [intercept], "dualCoefficients")
    try PersistenceCheck.count(supportIndices, support, "supportIndices")
    try kernelFunction.checkLoaded(kind: kernel, degree: degree, gamma: gamma, coef0: coef0)
  }
}
