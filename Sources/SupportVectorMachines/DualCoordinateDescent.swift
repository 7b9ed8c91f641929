// Dual coordinate descent for linear SVMs (Hsieh, Chang, Lin, Keerthi and Sundararajan, "A dual
// coordinate descent method for large-scale linear SVM", ICML 2008: Algorithm 3 with the random
// permutation of every outer pass and the shrinking of bounded variables), the solver liblinear
// runs for scikit-learn's `LinearSVC(dual=True)`; and the coordinate descent of Crammer and
// Singer's multi-class dual (Keerthi, Sundararajan, Chang, Hsieh and Lin, KDD 2008, as in the
// appendix of the LIBLINEAR paper, Fan et al. 2008).
//
// Written from the papers; every random choice comes from Learn's xoshiro256** stream.

import LearnCore
import LinearAlgebra

// MARK: - Shared problem data

/// The training rows as the linear-SVM solvers see them: row-major, each row followed by the
/// constant intercept feature (liblinear's "bias", which is regularised like any other weight) and
/// zero padding to a multiple of four, so every dot product and update runs whole SIMD vectors.
struct LinearSVMData: Sendable {
  /// Number of samples.
  let rowCount: Int
  /// Number of features of the input (without the intercept column).
  let featureCount: Int
  /// Columns the solvers optimise: `featureCount`, plus one with an intercept.
  let width: Int
  /// Doubles from one row to the next (`width` rounded up to a multiple of 4).
  let stride: Int
  /// `rowCount × stride` values; column `featureCount` is the intercept scaling when fitted.
  let rows: [Double]
  /// `‖row‖²` of each row (intercept column included).
  let squaredNorms: [Double]

  /// The rows of `x`, with an intercept column of `interceptScaling` when it is not `nil`.
  init(_ x: Matrix, interceptScaling: Double?) {
    rowCount = x.rowCount
    featureCount = x.columnCount
    width = featureCount + (interceptScaling == nil ? 0 : 1)
    stride = (width + 3) & ~3
    let n = rowCount, d = featureCount, stride = stride
    var rows = [Double](repeating: 0, count: n * stride)
    var norms = [Double](repeating: 0, count: n)
    x.withUnsafeBufferPointer { source in
      rows.withUnsafeMutableBufferPointer { target in
        norms.withUnsafeMutableBufferPointer { norms in
          guard let from = source.baseAddress, let to = target.baseAddress else { return }
          for i in 0..<n {
            let row = to + i &* stride
            (row).update(from: from + i &* d, count: d)
            if let scaling = interceptScaling { row[d] = scaling }
            norms[i] = dot(UnsafePointer(row), UnsafePointer(row), count: stride)
          }
        }
      }
    }
    self.rows = rows
    squaredNorms = norms
  }
}

/// One binary sub-problem: labels ±1 and the cost `C_i` of each sample's loss (the class-weighted
/// C). Samples with a zero cost do not enter the objective.
struct BinaryProblem: Sendable {
  /// +1 or −1 per sample.
  let labels: [Double]
  /// `C` times the weight of the sample's class, per sample.
  let costs: [Double]

  /// Samples labelled +1 and −1 (liblinear's `pos` and `neg`).
  var positiveCount: Int { labels.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
}

/// What a solver returns for one problem: the weights over `LinearSVMData.stride` columns (the
/// intercept weight at column `featureCount`, zero padding after it), the passes or steps taken and
/// whether the stopping rule was met.
struct LinearSolution: Sendable {
  /// Weights, `stride` long (or `classes × stride` for Crammer–Singer).
  var weights: [Double]
  /// Outer iterations run (liblinear's `n_iter`).
  var iterations: Int
  /// Whether the stopping rule was met within the iteration limit.
  var converged: Bool
}

// MARK: - Binary dual coordinate descent

/// Dual coordinate descent for the L2-regularised hinge (L1-loss) and squared hinge (L2-loss) SVM:
///
///     min_α ½ αᵀ(Q + D)α − eᵀα   subject to 0 ≤ α_i ≤ U_i,   Q_ij = y_i y_j x_iᵀx_j,
///
/// with `D_ii = 0`, `U_i = C_i` for the hinge loss and `D_ii = 1/(2C_i)`, `U_i = ∞` for the squared
/// hinge. The primal weights `w = Σ α_i y_i x_i` are kept up to date, so each coordinate step costs
/// one dot product and one update of `w`.
enum DualCoordinateDescent {
  /// Solves `problem` on `data`. Each outer pass visits the active samples in a fresh random order
  /// (Fisher–Yates from the front, drawn from `Xoshiro256StarStar(seed:)`); a sample whose
  /// projected gradient shows it will stay at a bound is shrunk out of the active set, and when the
  /// projected-gradient gap `max PG − min PG` falls to `tolerance` on a shrunk set, every sample is
  /// reactivated and checked again before stopping (liblinear's rule).
  static func solve(
    _ data: LinearSVMData, _ problem: BinaryProblem, squaredHinge: Bool, tolerance: Double,
    maxIterations: Int, seed: UInt64
  ) throws(LearnError) -> LinearSolution {
    let n = data.rowCount, stride = data.stride
    var w = [Double](repeating: 0, count: stride)
    var alpha = [Double](repeating: 0, count: n)
    var diagonal = [Double](repeating: 0, count: n)
    var upper = [Double](repeating: .infinity, count: n)
    var qd = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let c = problem.costs[i]
      if squaredHinge {
        diagonal[i] = c > 0 ? 0.5 / c : 0
      } else {
        upper[i] = c
      }
      qd[i] = diagonal[i] + data.squaredNorms[i]
    }
    var index = (0..<n).filter { problem.costs[$0] > 0 }
    let l = index.count
    var generator = Xoshiro256StarStar(seed: seed)
    var iterations = 0
    var converged = l == 0
    var cancellation: LearnError?
    var checkpoint = CancellationCheckpoint()

    data.rows.withUnsafeBufferPointer { rowBuffer in
      problem.labels.withUnsafeBufferPointer { y in
        w.withUnsafeMutableBufferPointer { wBuffer in
          alpha.withUnsafeMutableBufferPointer { alpha in
            index.withUnsafeMutableBufferPointer { index in
              guard l > 0, let rows = rowBuffer.baseAddress, let w = wBuffer.baseAddress else { return }
              var active = l
              var pgMaxOld = Double.infinity, pgMinOld = -Double.infinity
              while iterations < maxIterations {
                do throws(LearnError) {
                  try checkpoint.check(after: active &* stride, "before dual coordinate descent pass \(iterations + 1)")
                } catch {
                  cancellation = error
                  break
                }
                var pgMax = -Double.infinity, pgMin = Double.infinity
                for i in 0..<active {
                  index.swapAt(i, i &+ generator.nextInt(below: active &- i))
                }
                var s = 0
                while s < active {
                  let i = index[s]
                  let row = rows + i &* stride
                  let yi = y[i]
                  let g = yi * dot(UnsafePointer(w), row, count: stride) - 1 + alpha[i] * diagonal[i]
                  let bound = upper[i]
                  var pg = 0.0
                  if alpha[i] == 0 {
                    if g > pgMaxOld {
                      active &-= 1
                      index.swapAt(s, active)
                      continue
                    }
                    if g < 0 { pg = g }
                  } else if alpha[i] == bound {
                    if g < pgMinOld {
                      active &-= 1
                      index.swapAt(s, active)
                      continue
                    }
                    if g > 0 { pg = g }
                  } else {
                    pg = g
                  }
                  pgMax = Swift.max(pgMax, pg)
                  pgMin = Swift.min(pgMin, pg)
                  if abs(pg) > 1e-12 {
                    let old = alpha[i]
                    let updated = Swift.min(Swift.max(old - g / qd[i], 0), bound)
                    alpha[i] = updated
                    axpy((updated - old) * yi, row, w, count: stride)
                  }
                  s &+= 1
                }
                iterations += 1
                if pgMax - pgMin <= tolerance {
                  if active == l {
                    converged = true
                    break
                  }
                  active = l
                  pgMaxOld = .infinity
                  pgMinOld = -.infinity
                  continue
                }
                pgMaxOld = pgMax <= 0 ? .infinity : pgMax
                pgMinOld = pgMin >= 0 ? -.infinity : pgMin
              }
            }
          }
        }
      }
    }
    if let cancellation { throw cancellation }
    return LinearSolution(weights: w, iterations: iterations, converged: converged)
  }
}

// MARK: - Crammer–Singer multi-class dual coordinate descent

/// Coordinate descent on the dual of Crammer and Singer's multi-class SVM,
///
///     min_α ½ Σ_m ‖w_m‖² + Σ_i Σ_{m ≠ y_i} α_i^m   with   w_m = Σ_i α_i^m x_i,
///     subject to α_i^m ≤ 0 for m ≠ y_i, α_i^{y_i} ≤ C_i, Σ_m α_i^m = 0,
///
/// one sample's `k` variables at a time (each sub-problem solved exactly by sorting), visiting the
/// active samples in a fresh random order each pass. Classes whose variable sits at its bound with
/// a small gradient are shrunk per sample, samples with one class left are shrunk out, and the
/// shrinking tolerance halves from `max(10·tolerance, 1)` down to `tolerance` (liblinear's rule).
enum CrammerSinger {
  /// Solves the problem for samples of class indices `classIndices` (0 ..< `classCount`) with the
  /// cost `classCosts[y_i]` of each sample. The weights are returned class by class, `stride` each.
  static func solve(
    _ data: LinearSVMData, classIndices labels: [Int], classCount k: Int, classCosts: [Double],
    tolerance: Double, maxIterations: Int, seed: UInt64
  ) throws(LearnError) -> LinearSolution {
    let n = data.rowCount, stride = data.stride
    var w = [Double](repeating: 0, count: k * stride)
    var alpha = [Double](repeating: 0, count: n * k)
    var alphaIndex = [Int](repeating: 0, count: n * k)  // per sample: active classes first
    for i in 0..<n {
      for m in 0..<k { alphaIndex[i * k + m] = m }
    }
    var activeClasses = [Int](repeating: k, count: n)
    var yPosition = labels  // where y_i sits in the sample's class order
    let costs = labels.map { classCosts[$0] }
    var index = Array(0..<n)
    var gradient = [Double](repeating: 0, count: k)
    var shifted = [Double](repeating: 0, count: k)  // B_m = G_m − A_i α_i^m
    var sorted = [Double](repeating: 0, count: k)
    var updated = [Double](repeating: 0, count: k)
    var generator = Xoshiro256StarStar(seed: seed)
    var activeSize = n
    var shrinkTolerance = Swift.max(10 * tolerance, 1)
    var startFromAll = true
    var iterations = 0
    var converged = false
    var cancellation: LearnError?
    var checkpoint = CancellationCheckpoint()

    data.rows.withUnsafeBufferPointer { rowBuffer in
      w.withUnsafeMutableBufferPointer { wBuffer in
        guard let rows = rowBuffer.baseAddress, let weights = wBuffer.baseAddress else { return }

        /// Whether class position `m` of sample `i` is at its bound with a gradient below `minG`.
        func shrinkable(_ i: Int, _ m: Int, _ minG: Double) -> Bool {
          let bound = m == yPosition[i] ? costs[i] : 0
          return alpha[i * k + alphaIndex[i * k + m]] == bound && gradient[m] < minG
        }

        while iterations < maxIterations {
          do throws(LearnError) {
            try checkpoint.check(after: activeSize &* k &* stride, "before Crammer-Singer pass \(iterations + 1)")
          } catch {
            cancellation = error
            break
          }
          var stopping = -Double.infinity
          for i in 0..<activeSize { index.swapAt(i, i + generator.nextInt(below: activeSize - i)) }
          var s = 0
          while s < activeSize {
            let i = index[s]
            let a = data.squaredNorms[i]
            guard a > 0 else {
              s += 1
              continue
            }
            let base = i * k
            let row = rows + i &* stride
            for m in 0..<activeClasses[i] {
              let cls = alphaIndex[base + m]
              gradient[m] = (m == yPosition[i] ? 0 : 1)
                + dot(UnsafePointer(weights + cls &* stride), row, count: stride)
            }
            var minG = Double.infinity, maxG = -Double.infinity
            for m in 0..<activeClasses[i] {
              if alpha[base + alphaIndex[base + m]] < 0 && gradient[m] < minG { minG = gradient[m] }
              if gradient[m] > maxG { maxG = gradient[m] }
            }
            if yPosition[i] < activeClasses[i] && alpha[base + labels[i]] < costs[i]
              && gradient[yPosition[i]] < minG
            {
              minG = gradient[yPosition[i]]
            }
            var m = 0
            while m < activeClasses[i] {
              if shrinkable(i, m, minG) {
                activeClasses[i] -= 1
                while activeClasses[i] > m {
                  let last = activeClasses[i]
                  if !shrinkable(i, last, minG) {
                    alphaIndex.swapAt(base + m, base + last)
                    gradient.swapAt(m, last)
                    if yPosition[i] == last {
                      yPosition[i] = m
                    } else if yPosition[i] == m {
                      yPosition[i] = last
                    }
                    break
                  }
                  activeClasses[i] -= 1
                }
              }
              m += 1
            }
            let active = activeClasses[i]
            if active <= 1 {
              activeSize -= 1
              index.swapAt(s, activeSize)
              continue
            }
            if maxG - minG <= 1e-12 {
              s += 1
              continue
            }
            stopping = Swift.max(stopping, maxG - minG)
            for m in 0..<active { shifted[m] = gradient[m] - a * alpha[base + alphaIndex[base + m]] }
            solveSubproblem(a, yPosition[i], costs[i], active, shifted, &sorted, &updated)
            for m in 0..<active {
              let cls = alphaIndex[base + m]
              let d = updated[m] - alpha[base + cls]
              alpha[base + cls] = updated[m]
              if abs(d) >= 1e-12 { axpy(d, row, weights + cls &* stride, count: stride) }
            }
            s += 1
          }
          iterations += 1
          if stopping < shrinkTolerance {
            if stopping < tolerance && startFromAll {
              converged = true
              break
            }
            activeSize = n
            for i in 0..<n { activeClasses[i] = k }
            shrinkTolerance = Swift.max(shrinkTolerance / 2, tolerance)
            startFromAll = true
          } else {
            startFromAll = false
          }
        }
      }
    }
    if let cancellation { throw cancellation }
    return LinearSolution(weights: w, iterations: iterations, converged: converged)
  }

  /// The exact minimiser of one sample's sub-problem over its `active` classes:
  /// `min ½A‖α‖² + Bᵀα` subject to `α_m ≤ bound_m`, `Σ α_m = 0`, by sorting `D = B + A·C·e_y` and
  /// finding the threshold β (Crammer and Singer's fixed-point rule).
  static func solveSubproblem(
    _ a: Double, _ yPosition: Int, _ cost: Double, _ active: Int, _ shifted: [Double],
    _ sorted: inout [Double], _ result: inout [Double]
  ) {
    for m in 0..<active { sorted[m] = shifted[m] }
    if yPosition < active { sorted[yPosition] += a * cost }
    // Descending insertion sort: `active` is the number of classes, small.
    for m in 1..<Swift.max(1, active) {
      let value = sorted[m]
      var j = m - 1
      while j >= 0 && sorted[j] < value {
        sorted[j + 1] = sorted[j]
        j -= 1
      }
      sorted[j + 1] = value
    }
    var beta = sorted[0] - a * cost
    var r = 1
    while r < active && beta < Double(r) * sorted[r] {
      beta += sorted[r]
      r += 1
    }
    beta /= Double(r)
    for m in 0..<active {
      let candidate = (beta - shifted[m]) / a
      result[m] = m == yPosition ? Swift.min(cost, candidate) : Swift.min(0, candidate)
    }
  }
}
