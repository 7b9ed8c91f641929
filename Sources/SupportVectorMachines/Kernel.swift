// Kernel functions of the kernel SVMs (SVC, SVR): the public choices (`SVMKernel`, `Gamma`), the
// resolved function (`KernelFunction`) and the two ways it is evaluated:
// - one row at a time for the solver (`fillRow`): dot products of one sample against a block of
//   samples, four at a time so each load of the fixed sample serves four dot products, then the
//   kernel applied and the value rounded to `Float` (the solver's cache stores single precision,
//   as libsvm's `Qfloat` does);
// - a whole matrix at prediction time (`matrix`): one GEMM for the dot products, then the kernel
//   applied element-wise. The RBF kernel uses precomputed squared norms, ‖x‖² + ‖z‖² − 2·x·z.

import Foundation
import LearnCore
import LinearAlgebra

/// The kernel of a kernel SVM (scikit-learn's `kernel`).
public enum SVMKernel: String, CaseIterable, Sendable {
  /// `x · z`.
  case linear
  /// `(γ·x·z + coef0)^degree`.
  case poly
  /// `exp(−γ·‖x − z‖²)` (the default).
  case rbf
  /// `tanh(γ·x·z + coef0)`.
  case sigmoid
}

/// The kernel coefficient γ of the `rbf`, `poly` and `sigmoid` kernels (scikit-learn's `gamma`).
///
/// As a hyperparameter it is written as `"scale"`, `"auto"` or a non-negative number.
public enum Gamma: Sendable, Hashable, CustomStringConvertible {
  /// `1 / (features · Var(x))`, the variance taken over every element of the training matrix
  /// (1 when that variance is 0). scikit-learn's default.
  case scale
  /// `1 / features`.
  case auto
  /// A fixed value, at least 0.
  case value(Double)

  /// The value of γ for the training matrix `x`.
  public func resolved(for x: Matrix) -> Double {
    switch self {
    case .value(let v): return v
    case .auto: return 1 / Double(x.columnCount)
    case .scale:
      let variance = x.withUnsafeBufferPointer { p -> Double in
        guard !p.isEmpty else { return 0 }
        var sum = 0.0
        for v in p { sum += v }
        let mean = sum / Double(p.count)
        var squares = 0.0
        for v in p { squares += (v - mean) * (v - mean) }
        return squares / Double(p.count)
      }
      return variance != 0 ? 1 / (Double(x.columnCount) * variance) : 1
    }
  }

  /// `"scale"`, `"auto"` or the number.
  public var description: String {
    switch self {
    case .scale: return "scale"
    case .auto: return "auto"
    case .value(let v): return String(v)
    }
  }
}

extension Hyperparameter {
  /// The `gamma` row: `"scale"`, `"auto"` or a number in [0, inf) (scikit-learn's constraint).
  static func kernelSVMGamma(_ name: String, _ path: WritableKeyPath<Model, Gamma> & Sendable) -> Self {
    Self(name: name, expected: "\"scale\", \"auto\" or a float in [0.0, inf)",
         domain: .oneOf([.choices(["scale", "auto"]), .real(.nonNegative, log: true)]), read: { model in
      switch model[keyPath: path] {
      case .scale: return .string("scale")
      case .auto: return .string("auto")
      case .value(let v): return .double(v)
      }
    }) { (model, value) throws(HyperparameterRejection) in
      switch value {
      case .string("scale"): model[keyPath: path] = .scale
      case .string("auto"): model[keyPath: path] = .auto
      default:
        guard let v = value.doubleValue, RealDomain.nonNegative.contains(v) else { throw HyperparameterRejection(value) }
        model[keyPath: path] = .value(v)
      }
    }
  }

  /// The `maxIterations` row: a limit in [0, inf), or none (scikit-learn's `-1`, which is also
  /// accepted and stored as none) for no limit other than the solver's safety cap.
  static func kernelSVMMaxIterations(_ name: String, _ path: WritableKeyPath<Model, Int?> & Sendable) -> Self {
    Self(name: name, expected: "an int in [0, inf), -1 or none", domain: .optional(.integers(0...Int.max, log: false)),
         read: { model in
      model[keyPath: path].map(ParameterValue.int) ?? .none
    }) { (model, value) throws(HyperparameterRejection) in
      if value == .none { model[keyPath: path] = nil; return }
      guard let v = value.intValue, v >= -1 else { throw HyperparameterRejection(value) }
      model[keyPath: path] = v == -1 ? nil : v
    }
  }
}

/// The default search space of ``SVC`` and ``SVR`` (see ``SVC/defaultSearchSpace``).
let kernelSVMSearchSpace: [String: Distribution] = [
  "c": .logUniform(1e-3, 1e3), "gamma": .logUniform(1e-4, 1e1),
  "kernel": .choice(["rbf", "linear", "poly", "sigmoid"]), "degree": .int(2, 5),
]

/// A kernel with its coefficients resolved: what the solver and the fitted models evaluate.
struct KernelFunction: Sendable, Hashable {
  /// Which kernel.
  let kind: SVMKernel
  /// The polynomial degree (`poly` only).
  let degree: Int
  /// γ, resolved from ``Gamma`` at fit time (unused by `linear`).
  let gamma: Double
  /// The independent term of `poly` and `sigmoid`.
  let coef0: Double

  /// The kernel value from a dot product and, for `rbf`, the two squared norms. The order of
  /// operations is libsvm's, so values agree with scikit-learn's to the last bit or two.
  @inline(__always)
  func value(dot: Double, squaredNormA: Double, squaredNormB: Double) -> Double {
    switch kind {
    case .linear: return dot
    case .poly: return integerPower(gamma * dot + coef0, degree)
    case .rbf: return exp(-gamma * ((squaredNormA + squaredNormB) - 2 * dot))
    case .sigmoid: return tanh(gamma * dot + coef0)
    }
  }

  /// `K(a_i, b_j)` for every row `i` of `a` and `j` of `b`: one GEMM for the dot products, then
  /// the kernel element-wise, in a loop per kind. `normsB`, when given, are `b`'s squared row norms
  /// (a model's support vectors' are computed once, not per block of rows).
  ///
  /// For `rbf` the exponentials are taken eight at a time with AVX-512, else four
  /// (``LinearAlgebra/exponentiate(_:)``, within 2 ulp of libm's), as in the solver's kernel rows.
  func matrix(_ a: Matrix, _ b: Matrix, normsB knownNorms: [Double]? = nil, parallelism: Parallelism = .serial) -> Matrix {
    var k = Matrix(rowCount: a.rowCount, columnCount: b.rowCount)
    guard a.rowCount > 0, b.rowCount > 0 else { return k }
    // Shapes agree by construction (callers check feature counts first).
    try? gemm(transposeB: true, a, b, into: &k, parallelism: parallelism)
    let columns = b.rowCount
    switch kind {
    case .linear:
      break
    case .rbf:
      let normsA = squaredRowNorms(a), normsB = knownNorms ?? squaredRowNorms(b), g = gamma
      k.withUnsafeMutableBufferPointer { p in
        normsB.withUnsafeBufferPointer { nb in
          for i in 0..<a.rowCount {
            let base = i &* columns, na = normsA[i]
            for j in 0..<columns { p[base &+ j] = -g * ((na + nb[j]) - 2 * p[base &+ j]) }
          }
        }
        exponentiate(p)
      }
    case .poly, .sigmoid:
      k.withUnsafeMutableBufferPointer { p in
        for index in 0..<p.count { p[index] = value(dot: p[index], squaredNormA: 0, squaredNormB: 0) }
      }
    }
    return k
  }

  /// Fills `output[j]` with `Float(sign · signs[j] · K(x_i, x_j))` for `j` in `range`, where `x` is
  /// a row-major block of `dimension`-wide rows (`signs` nil means all +1). `norms` holds the squared
  /// row norms (read for `rbf` only); `scratch` has room for `range.upperBound` doubles.
  ///
  /// Two passes: the dot products (four rows at a time), then the kernel, in a loop specialised
  /// for each kind so it has no branch per element. RBF's exponentials go several at a time
  /// (``LinearAlgebra/exponentiate(_:)``, within 2 ulp of libm's `exp`, which libsvm calls): the
  /// rows are stored in single precision, so they almost never differ from libsvm's, and every
  /// RBF parity case keeps libsvm's iteration counts and dual coefficients bit for bit.
  func fillRow(
    _ i: Int, x: UnsafePointer<Double>, dimension d: Int, norms: UnsafePointer<Double>,
    sign: Double, signs: UnsafePointer<Double>?, range: Range<Int>, scratch: UnsafeMutablePointer<Double>,
    into output: UnsafeMutablePointer<Float>
  ) {
    let xi = x + i &* d
    var j = range.lowerBound
    let end = range.upperBound
    while j &+ 4 <= end {
      let dots = kernelDot4(xi, x + j &* d, d)
      scratch[j] = dots.0
      scratch[j &+ 1] = dots.1
      scratch[j &+ 2] = dots.2
      scratch[j &+ 3] = dots.3
      j &+= 4
    }
    while j < end {
      scratch[j] = kernelDot(xi, x + j &* d, d)
      j &+= 1
    }
    switch kind {
    case .linear:
      break
    case .poly:
      for t in range { scratch[t] = integerPower(gamma * scratch[t] + coef0, degree) }
    case .rbf:
      let normI = norms[i]
      for t in range { scratch[t] = -gamma * ((normI + norms[t]) - 2 * scratch[t]) }
      exponentiate(UnsafeMutableBufferPointer(start: scratch + range.lowerBound, count: range.count))
    case .sigmoid:
      for t in range { scratch[t] = tanh(gamma * scratch[t] + coef0) }
    }
    if let signs {
      for t in range { output[t] = Float(sign * signs[t] * scratch[t]) }
    } else {
      for t in range { output[t] = Float(sign * scratch[t]) }
    }
  }
}

extension KernelFunction {
  /// ``fillRow(_:x:dimension:norms:sign:signs:range:scratch:into:)`` over a matrix: on the calling
  /// thread, or, for rows with at least `minimumWork` multiply-adds left, in column slices split
  /// between `team`'s threads. Each slice runs the serial code on its own columns of `output`
  /// and `scratch`, with slice boundaries on groups of four, so the values do not depend on the
  /// team's size.
  func fillRow(
    _ i: Int, x: Matrix, norms: [Double], sign: Double, signs: [Double]?, range: Range<Int>,
    scratch: UnsafeMutablePointer<Double>, into output: UnsafeMutablePointer<Float>, team: SpinTeam?,
    minimumWork: Int = SpinTeam.minimumRowWork
  ) {
    let d = x.columnCount
    x.withUnsafeBufferPointer { px in
      norms.withUnsafeBufferPointer { pn in
        let base = px.baseAddress ?? UnsafePointer(scratch), normBase = pn.baseAddress ?? UnsafePointer(scratch)
        func fill(_ signBase: UnsafePointer<Double>?) {
          let slice = { (_: Int, columns: Range<Int>) in
            self.fillRow(i, x: base, dimension: d, norms: normBase, sign: sign, signs: signBase, range: columns,
                         scratch: scratch, into: output)
          }
          team.slices(of: range, work: range.count * Swift.max(d, 1), minimumWork: minimumWork, slice)
        }
        if let signs {
          signs.withUnsafeBufferPointer { ps in fill(ps.baseAddress) }
        } else {
          fill(nil)
        }
      }
    }
  }
}

extension SpinTeam {
  /// Multiply-adds of a kernel row below which one thread computes it alone: splitting costs
  /// about a microsecond, which a row of 16,384 multiply-adds (a few microseconds) repays.
  static var minimumRowWork: Int { 1 << 14 }
  /// Elements of a solver pass (a few operations each) below which one thread runs it alone.
  static var minimumPassLength: Int { 1 << 11 }
  /// Floats of a growing cache row's copy below which one thread copies it alone.
  static var minimumCopyLength: Int { 1 << 13 }
  /// Element visits of the cache's column exchanges (rows × exchanges) below which one thread
  /// applies them alone.
  static var minimumExchangeWork: Int { 1 << 12 }
}

extension Optional where Wrapped == SpinTeam {
  /// ``SpinTeam/slices(of:work:minimumWork:_:)`` on the team, or `body(0, range)` on the calling
  /// thread without one; returns the number of pieces.
  @discardableResult
  func slices(of range: Range<Int>, work: Int, minimumWork: Int, _ body: (Int, Range<Int>) -> Void) -> Int {
    guard let team = self else {
      body(0, range)
      return 1
    }
    return team.slices(of: range, work: work, minimumWork: minimumWork, body)
  }
}

/// `base^exponent` by repeated squaring (libsvm's `powi`), for `exponent ≥ 0`.
@inline(__always)
func integerPower(_ base: Double, _ exponent: Int) -> Double {
  var result = 1.0, square = base, e = exponent
  while e > 0 {
    if e & 1 == 1 { result *= square }
    square *= square
    e >>= 1
  }
  return result
}

/// `‖row_i‖²` for every row of `x`, with ``kernelDot(_:_:_:)`` (so `K(x, x)` is exactly 1 for RBF).
func squaredRowNorms(_ x: Matrix) -> [Double] {
  let d = x.columnCount
  return x.withUnsafeBufferPointer { p in
    guard let base = p.baseAddress else { return [Double](repeating: 0, count: x.rowCount) }
    return (0..<x.rowCount).map { i in kernelDot(base + i &* d, base + i &* d, d) }
  }
}

/// The dot product the solver uses for every kernel value: one `SIMD4` accumulator over whole
/// groups of four, then the remaining elements. Each lane of ``kernelDot4(_:_:_:)`` performs exactly
/// these operations, and the products commute, so the kernel rows are exactly symmetric whatever
/// block a value is computed in.
@inline(__always)
func kernelDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
  var s = SIMD4<Double>()
  var k = 0
  while k &+ 4 <= d {
    #if LEARN_FMA
    s.addProduct(kernelLoad4(a + k), kernelLoad4(b + k))
    #else
    s += kernelLoad4(a + k) * kernelLoad4(b + k)
    #endif
    k &+= 4
  }
  var r = s.sum()
  while k < d {
    r += a[k] * b[k]
    k &+= 1
  }
  return r
}

/// The dot products of `a` with four consecutive `d`-wide rows starting at `b`, sharing each load
/// of `a` between them.
@inline(__always)
func kernelDot4(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> (Double, Double, Double, Double) {
  let b0 = b, b1 = b + d, b2 = b + 2 &* d, b3 = b + 3 &* d
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
  var k = 0
  while k &+ 4 <= d {
    let av = kernelLoad4(a + k)
    #if LEARN_FMA
    s0.addProduct(av, kernelLoad4(b0 + k))
    s1.addProduct(av, kernelLoad4(b1 + k))
    s2.addProduct(av, kernelLoad4(b2 + k))
    s3.addProduct(av, kernelLoad4(b3 + k))
    #else
    s0 += av * kernelLoad4(b0 + k)
    s1 += av * kernelLoad4(b1 + k)
    s2 += av * kernelLoad4(b2 + k)
    s3 += av * kernelLoad4(b3 + k)
    #endif
    k &+= 4
  }
  var r0 = s0.sum(), r1 = s1.sum(), r2 = s2.sum(), r3 = s3.sum()
  while k < d {
    let av = a[k]
    r0 += av * b0[k]
    r1 += av * b1[k]
    r2 += av * b2[k]
    r3 += av * b3[k]
    k &+= 1
  }
  return (r0, r1, r2, r3)
}

@inline(__always)
func kernelLoad4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

extension SVMKernel: Codable {}
extension Gamma: Codable {}
extension KernelFunction: Codable {}

extension KernelFunction {
  /// A kernel whose coefficients agree with a model's public fields and can be evaluated.
  func checkLoaded(kind: SVMKernel, degree: Int, gamma: Double, coef0: Double) throws(LearnError) {
    try PersistenceCheck.require(self.kind == kind && self.degree == degree && self.gamma.bitPattern == gamma.bitPattern
                                   && self.coef0.bitPattern == coef0.bitPattern,
                                 "kernelFunction", "disagrees with the kernel, degree, gamma and coef0 fields")
    try PersistenceCheck.within(degree, 0...Int(Int32.max), "degree")
    try PersistenceCheck.finite([gamma, coef0], "kernelFunction")
  }
}
