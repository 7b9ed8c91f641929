// Probabilities for SVC, as libsvm computes them:
// - Platt scaling: P(positive | f) = 1 / (1 + exp(A·f + B)), fitted to decision values by Newton's
//   method with a backtracking line search on the regularised targets of Platt (1999), following
//   the numerically careful version of Lin, Lin & Weng (2007), "A note on Platt's probabilistic
//   outputs for support vector machines" (their Algorithm 1, written here from the paper).
// - Pairwise coupling of the k(k−1)/2 pairwise probabilities into k class probabilities: the
//   second method of Wu, Lin & Weng (2004), "Probability estimates for multi-class classification
//   by pairwise coupling", minimising Σ_i Σ_{j≠i} (r_ji p_i − r_ij p_j)² on the simplex by the
//   fixed-point iteration of their §4.

import Foundation

/// A fitted Platt sigmoid, `P(positive | f) = 1 / (1 + exp(a·f + b))` (libsvm's `probA`, `probB`).
public struct PlattScaling: Sendable, Hashable {
  /// The slope `A` (negative when larger decision values mean the positive class).
  public let a: Double
  /// The offset `B`.
  public let b: Double

  /// A sigmoid with the given coefficients.
  public init(a: Double, b: Double) {
    self.a = a
    self.b = b
  }

  /// The probability of the positive class for decision value `f`, computed without overflow.
  public func probability(_ f: Double) -> Double {
    let z = f * a + b
    return z >= 0 ? exp(-z) / (1 + exp(-z)) : 1 / (1 + exp(z))
  }

  /// Fits the sigmoid to decision values and their labels (`true` = positive) by Newton's method
  /// on the cross-entropy with Platt's targets (N₊+1)/(N₊+2) and 1/(N₋+2): at most 100 iterations,
  /// stopping when both gradient components are below 1e−5, with a backtracking line search
  /// (sufficient decrease 1e−4, smallest step 1e−10) and 1e−12 added to the Hessian's diagonal.
  public static func fit(decisionValues f: [Double], labels: [Bool]) -> PlattScaling {
    precondition(f.count == labels.count, "one label per decision value")
    let positives = Double(labels.filter { $0 }.count)
    let negatives = Double(labels.count) - positives
    let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
    let targets = labels.map { $0 ? high : low }
    var a = 0.0, b = log((negatives + 1) / (positives + 1))

    func objective(_ a: Double, _ b: Double) -> Double {
      var value = 0.0
      for (fi, t) in zip(f, targets) {
        let z = fi * a + b
        value += z >= 0 ? t * z + log1p(exp(-z)) : (t - 1) * z + log1p(exp(z))
      }
      return value
    }

    var value = objective(a, b)
    for _ in 0..<100 {
      var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
      for (fi, t) in zip(f, targets) {
        let z = fi * a + b
        let (p, q) = z >= 0 ? (exp(-z) / (1 + exp(-z)), 1 / (1 + exp(-z))) : (1 / (1 + exp(z)), exp(z) / (1 + exp(z)))
        let d2 = p * q
        h11 += fi * fi * d2
        h22 += d2
        h21 += fi * d2
        let d1 = t - p
        g1 += fi * d1
        g2 += d1
      }
      if abs(g1) < 1e-5 && abs(g2) < 1e-5 { break }
      let determinant = h11 * h22 - h21 * h21
      let da = -(h22 * g1 - h21 * g2) / determinant
      let db = -(-h21 * g1 + h11 * g2) / determinant
      let slope = g1 * da + g2 * db
      var step = 1.0
      var accepted = false
      while step >= 1e-10 {
        let newA = a + step * da, newB = b + step * db
        let newValue = objective(newA, newB)
        if newValue < value + 1e-4 * step * slope {
          a = newA
          b = newB
          value = newValue
          accepted = true
          break
        }
        step /= 2
      }
      if !accepted { break }  // the line search failed: keep the last point
    }
    return PlattScaling(a: a, b: b)
  }
}

/// Class probabilities from pairwise probabilities `r[i][j]` ≈ P(class i | class i or j), with
/// `r[j][i] = 1 − r[i][j]` (Wu, Lin & Weng 2004, method 2). Iterates until every component of
/// the optimality condition is within 0.005/k, or max(100, k) sweeps.
func pairwiseCoupling(_ r: [[Double]]) -> [Double] {
  let k = r.count
  if k == 2 { return [r[0][1], r[1][0]] }
  var q = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
  var p = [Double](repeating: 1 / Double(k), count: k)
  for t in 0..<k {
    for j in 0..<k where j != t {
      q[t][t] += r[j][t] * r[j][t]
      q[t][j] = -r[j][t] * r[t][j]
    }
  }
  var qp = [Double](repeating: 0, count: k)
  let tolerance = 0.005 / Double(k)
  for _ in 0..<Swift.max(100, k) {
    var pqp = 0.0
    for t in 0..<k {
      qp[t] = 0
      for j in 0..<k { qp[t] += q[t][j] * p[j] }
      pqp += p[t] * qp[t]
    }
    var worst = 0.0
    for t in 0..<k { worst = Swift.max(worst, abs(qp[t] - pqp)) }
    if worst < tolerance { break }
    for t in 0..<k {
      let diff = (-qp[t] + pqp) / q[t][t]
      p[t] += diff
      pqp = (pqp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
      for j in 0..<k {
        qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff)
        p[j] /= 1 + diff
      }
    }
  }
  return p
}

extension PlattScaling: Codable {}
