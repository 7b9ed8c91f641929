import Foundation
import Testing
@testable import LearnCore
import LinearAlgebra

@Suite struct GeneratorTests {
  // MARK: Helpers

  /// Runs `body` and checks it throws `invalidArgument` naming `name`.
  private func expectInvalid(
    _ name: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    do {
      try body()
      Issue.record(
        "expected invalidArgument(\(name)), nothing thrown", sourceLocation: sourceLocation)
    } catch {
      guard case .invalidArgument(let got, let reason) = error as? LearnError else {
        Issue.record(
          "expected invalidArgument(\(name)), got \(error)", sourceLocation: sourceLocation)
        return
      }
      #expect(got == name, "reason: \(reason)", sourceLocation: sourceLocation)
      #expect(!reason.isEmpty, sourceLocation: sourceLocation)
    }
  }

  private func counts(_ y: [Int]) -> [Int: Int] {
    y.reduce(into: [:]) { $0[$1, default: 0] += 1 }
  }

  private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

  // MARK: Reproducibility

  @Test func sameSeedGivesIdenticalData() throws {
    let a = try Datasets.makeClassification(samples: 40, features: 6, seed: 3)
    let b = try Datasets.makeClassification(samples: 40, features: 6, seed: 3)
    #expect(a.x.elements == b.x.elements)
    #expect(a.y == b.y)

    let r1 = try Datasets.makeRegression(
      samples: 30, features: 8, informative: 3, noise: 2, seed: 5)
    let r2 = try Datasets.makeRegression(
      samples: 30, features: 8, informative: 3, noise: 2, seed: 5)
    #expect(r1.dataset.x.elements == r2.dataset.x.elements)
    #expect(r1.dataset.y == r2.dataset.y)
    #expect(r1.coefficients == r2.coefficients)

    let l1 = try Datasets.makeRegression(samples: 12, features: 6, effectiveRank: 2, seed: 5)
    let l2 = try Datasets.makeRegression(samples: 12, features: 6, effectiveRank: 2, seed: 5)
    #expect(l1.dataset.x.elements == l2.dataset.x.elements)

    let c1 = try Datasets.makeBlobs(samples: 25, features: 3, seed: 11)
    let c2 = try Datasets.makeBlobs(samples: 25, features: 3, seed: 11)
    #expect(c1.x.elements == c2.x.elements)
    #expect(c1.y == c2.y)
  }

  @Test func differentSeedsGiveDifferentData() throws {
    let a = try Datasets.makeClassification(samples: 40, features: 6, seed: 3)
    let b = try Datasets.makeClassification(samples: 40, features: 6, seed: 4)
    #expect(a.x.elements != b.x.elements)

    let r1 = try Datasets.makeRegression(samples: 30, features: 8, informative: 3, seed: 5)
    let r2 = try Datasets.makeRegression(samples: 30, features: 8, informative: 3, seed: 6)
    #expect(r1.dataset.x.elements != r2.dataset.x.elements)
    #expect(r1.coefficients != r2.coefficients)

    let c1 = try Datasets.makeBlobs(samples: 25, features: 3, seed: 11)
    let c2 = try Datasets.makeBlobs(samples: 25, features: 3, seed: 12)
    #expect(c1.x.elements != c2.x.elements)
  }

  /// A fixed call's exact output, so any change to the random stream or the algorithm shows.
  @Test func pinnedValues() throws {
    let blobs = try Datasets.makeBlobs(samples: 4, features: 2, centers: 2, seed: 42)
    #expect(blobs.x.elements == [
      -9.788701001747146, -2.8033249858486364, 2.8213591629702446, 9.62744741718475,
      4.424699857842182, 8.083216423168032, -7.939278787534662, -1.4834325617207322,
    ])
    #expect(blobs.y == [0, 1, 1, 0])

    let classification = try Datasets.makeClassification(
      samples: 5, features: 3, informative: 2, redundant: 1, clustersPerClass: 1, seed: 7)
    #expect(classification.x.elements == [
      0.25148012017115295, -3.41795667329883, 2.7027294478866057,
      -0.012589565115162182, -1.559608161554729, 1.3876296765382732,
      0.11531495026662242, -2.2241878706785023, 1.8173586960343837,
      0.14161450065526882, 1.084895088213256, -1.1263308731806443,
      -0.9626536848068672, 0.8465553318944877, 0.4221407996383768,
    ])
    #expect(classification.y == [0, 0, 0, 1, 1])

    let regression = try Datasets.makeRegression(
      samples: 3, features: 2, informative: 1, noise: 1, seed: 7)
    #expect(regression.dataset.x.elements == [
      2.136306014732201, 0.2805221356340433, 0.5882808046444099, -0.14201819214651945,
      -0.2790239910251981, 1.8997685786889567,
    ])
    #expect(regression.dataset.y == [200.53780897621695, 55.85863756008792, -28.166750620392612])
    #expect(regression.coefficients == [93.8965598715603, 0.0])
  }

  // MARK: makeClassification

  @Test func classificationShapesAndLabels() throws {
    let data = try Datasets.makeClassification(
      samples: 120, features: 9, informative: 3, redundant: 2, repeated: 1, classes: 3, seed: 1)
    #expect(data.x.rowCount == 120)
    #expect(data.x.columnCount == 9)
    #expect(data.y.count == 120)
    #expect(data.classes == [0, 1, 2])
    #expect(data.featureNames == (0..<9).map { "x\($0)" })
    #expect(data.x.firstNonFinite() == nil)
  }

  @Test func classificationWeightsSetProportions() throws {
    let data = try Datasets.makeClassification(
      samples: 1000, features: 4, informative: 3, redundant: 0, classes: 3,
      weights: [0.6, 0.3, 0.1], flipY: 0, seed: 2)
    let c = counts(data.y)
    #expect(abs(c[0, default: 0] - 600) <= 5)
    #expect(abs(c[1, default: 0] - 300) <= 5)
    #expect(abs(c[2, default: 0] - 100) <= 5)

    // classes − 1 weights: the last class gets the rest.
    let inferred = try Datasets.makeClassification(
      samples: 400, features: 4, weights: [0.25], flipY: 0, seed: 2)
    let d = counts(inferred.y)
    #expect(abs(d[0, default: 0] - 100) <= 4)
    #expect(abs(d[1, default: 0] - 300) <= 4)

    // Default: balanced.
    let balanced = try Datasets.makeClassification(
      samples: 301, features: 5, classes: 3, clustersPerClass: 1, flipY: 0, seed: 2)
    #expect(counts(balanced.y).values.sorted() == [100, 100, 101])
  }

  @Test func classificationClustersSitOnDistinctVertices() throws {
    // Four classes of one cluster each on the four vertices of the square [−5, 5]².
    let data = try Datasets.makeClassification(
      samples: 400, features: 2, informative: 2, redundant: 0, classes: 4, clustersPerClass: 1,
      flipY: 0, classSeparation: 5, shuffle: false, seed: 8)
    var signs = Set<[Bool]>()
    for label in 0..<4 {
      let rows = data.y.indices.filter { data.y[$0] == label }
      #expect(rows.count == 100)
      let sub = data.x.rows(at: rows)
      let means = sub.columnMeans()
      for m in means { #expect(abs(abs(m) - 5) < 1) }
      signs.insert(means.map { $0 > 0 })
    }
    #expect(signs.count == 4)
    // Unshuffled rows are grouped by cluster.
    #expect(data.y == data.y.sorted())
  }

  @Test func classificationFeatureStructure() throws {
    let informative = 3, redundant = 2, repeated = 2, noise = 3
    let data = try Datasets.makeClassification(
      samples: 300, features: informative + redundant + repeated + noise,
      informative: informative, redundant: redundant, repeated: repeated, flipY: 0, shuffle: false,
      seed: 9)
    let x = data.x
    // Redundant columns lie in the span of the informative ones: the Gram matrix of the first
    // informative + redundant columns has `redundant` (numerically) zero eigenvalues.
    let useful = x.columns(at: 0..<(informative + redundant))
    let eigen = try SymmetricEigen(useful.transposed() * useful)
    let largest = eigen.values.last!
    for value in eigen.values.prefix(redundant) { #expect(abs(value) < 1e-9 * largest) }
    for value in eigen.values.dropFirst(redundant) { #expect(value > 1e-3 * largest) }
    // Repeated columns are exact copies of informative or redundant ones.
    for r in 0..<repeated {
      let copy = x.column(informative + redundant + r)
      #expect((0..<(informative + redundant)).contains { x.column($0) == copy })
    }
    // Noise columns are standard normal.
    for j in (informative + redundant + repeated)..<x.columnCount {
      let column = x.column(j)
      let m = mean(column)
      let variance = column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(column.count)
      #expect(abs(m) < 0.3)
      #expect(abs(variance - 1) < 0.3)
    }
  }

  @Test func classificationShuffleOnlyPermutes() throws {
    let plain = try Datasets.makeClassification(samples: 50, features: 7, shuffle: false, seed: 4)
    let shuffled = try Datasets.makeClassification(samples: 50, features: 7, shuffle: true, seed: 4)
    #expect(plain.x.elements != shuffled.x.elements)
    #expect(plain.x.elements.sorted() == shuffled.x.elements.sorted())
    #expect(plain.y.sorted() == shuffled.y.sorted())
    // Every shuffled column is some unshuffled column with its rows permuted.
    for j in 0..<7 {
      let column = shuffled.x.column(j).sorted()
      #expect((0..<7).contains { plain.x.column($0).sorted() == column })
    }
  }

  @Test func classificationShiftAndScale() throws {
    let base = try Datasets.makeClassification(samples: 30, features: 5, seed: 6)
    let moved = try Datasets.makeClassification(
      samples: 30, features: 5, shift: 2, scale: 3, seed: 6)
    #expect(moved.y == base.y)
    #expect(moved.x.elements == base.x.elements.map { ($0 + 2) * 3 })
  }

  @Test func classificationFlipYRandomisesLabels() throws {
    let clean = try Datasets.makeClassification(
      samples: 2000, features: 4, flipY: 0, shuffle: false, seed: 5)
    let noisy = try Datasets.makeClassification(
      samples: 2000, features: 4, flipY: 1, shuffle: false, seed: 5)
    #expect(clean.x.elements == noisy.x.elements)
    let changed = zip(clean.y, noisy.y).filter { $0 != $1 }.count
    // Every label is redrawn uniformly from two classes: about half change.
    #expect(abs(Double(changed) / 2000 - 0.5) < 0.05)
  }

  @Test func classificationPolytopeAndManyInformativeFeatures() throws {
    let polytope = try Datasets.makeClassification(
      samples: 60, features: 4, classes: 3, clustersPerClass: 1, hypercube: false, seed: 1)
    #expect(polytope.x.firstNonFinite() == nil)
    #expect(Set(polytope.y).isSubset(of: [0, 1, 2]))
    // More than 30 informative features takes the random-leading-bits path.
    let wide = try Datasets.makeClassification(
      samples: 20, features: 34, informative: 33, redundant: 0, classes: 5, flipY: 0, seed: 1)
    #expect(wide.x.columnCount == 34)
    #expect(wide.classes == [0, 1, 2, 3, 4])
  }

  @Test func classificationRejectsInvalidArguments() {
    expectInvalid("samples") { _ = try Datasets.makeClassification(samples: 0) }
    expectInvalid("features") { _ = try Datasets.makeClassification(features: 0) }
    expectInvalid("informative") { _ = try Datasets.makeClassification(informative: 0) }
    expectInvalid("redundant") { _ = try Datasets.makeClassification(redundant: -1) }
    expectInvalid("repeated") { _ = try Datasets.makeClassification(repeated: -1) }
    expectInvalid("classes") { _ = try Datasets.makeClassification(classes: 0) }
    expectInvalid("clustersPerClass") { _ = try Datasets.makeClassification(clustersPerClass: 0) }
    expectInvalid("features") {
      _ = try Datasets.makeClassification(features: 5, informative: 3, redundant: 2, repeated: 1)
    }
    expectInvalid("clustersPerClass") {
      _ = try Datasets.makeClassification(informative: 2, classes: 3, clustersPerClass: 2)
    }
    expectInvalid("clustersPerClass") {
      // More clusters than the 2^30 distinct vertex codes: rejected, not an endless draw.
      _ = try Datasets.makeClassification(
        samples: 10, features: 40, informative: 40, redundant: 0, classes: 2, clustersPerClass: 1 << 30)
    }
    expectInvalid("weights") {
      _ = try Datasets.makeClassification(classes: 3, clustersPerClass: 1, weights: [0.5])
    }
    expectInvalid("weights") { _ = try Datasets.makeClassification(weights: [0.5, -0.1]) }
    expectInvalid("weights") {
      _ = try Datasets.makeClassification(classes: 3, clustersPerClass: 1, weights: [0.8, 0.7])
    }
    expectInvalid("flipY") { _ = try Datasets.makeClassification(flipY: 1.5) }
    expectInvalid("classSeparation") { _ = try Datasets.makeClassification(classSeparation: 0) }
    expectInvalid("shift") { _ = try Datasets.makeClassification(shift: .nan) }
    expectInvalid("scale") { _ = try Datasets.makeClassification(scale: 0) }
  }

  // MARK: makeRegression

  @Test func regressionTargetIsLinearInFeatures() throws {
    let (data, coefficients) = try Datasets.makeRegression(
      samples: 50, features: 12, informative: 4, seed: 10)
    #expect(data.x.rowCount == 50)
    #expect(data.x.columnCount == 12)
    #expect(coefficients.count == 12)
    #expect(coefficients.filter { $0 != 0 }.count == 4)
    #expect(coefficients.allSatisfy { $0 >= 0 && $0 < 100 })
    let predicted = data.x.multiplied(by: coefficients)
    for (p, y) in zip(predicted, data.y) { #expect(abs(p - y) <= 1e-9 * max(1, abs(y))) }

    let biased = try Datasets.makeRegression(
      samples: 50, features: 12, informative: 4, bias: 7.5, seed: 10)
    #expect(biased.dataset.x.elements == data.x.elements)
    for (a, b) in zip(biased.dataset.y, data.y) { #expect(abs(a - b - 7.5) < 1e-9) }
  }

  @Test func regressionNoiseHasTheRequestedSpread() throws {
    let clean = try Datasets.makeRegression(samples: 2000, features: 3, informative: 2, seed: 4)
    let noisy = try Datasets.makeRegression(
      samples: 2000, features: 3, informative: 2, noise: 2, shuffle: false, seed: 4)
    let residuals = zip(noisy.dataset.x.multiplied(by: noisy.coefficients), noisy.dataset.y)
      .map { $1 - $0 }
    let m = mean(residuals)
    let sd = (residuals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(residuals.count))
      .squareRoot()
    #expect(abs(m) < 0.2)
    #expect(abs(sd - 2) < 0.15)
    #expect(clean.coefficients.filter { $0 != 0 }.count == 2)
  }

  @Test func regressionClipsInformativeToFeatures() throws {
    let (data, coefficients) = try Datasets.makeRegression(
      samples: 10, features: 3, informative: 8, seed: 1)
    #expect(coefficients.filter { $0 != 0 }.count == 3)
    #expect(data.x.columnCount == 3)
  }

  @Test func regressionEffectiveRankGivesADecayingSpectrum() throws {
    let rank = 3, tail = 0.01
    let (data, coefficients) = try Datasets.makeRegression(
      samples: 40, features: 20, informative: 5, effectiveRank: rank, tailStrength: tail, seed: 2)
    let x = data.x
    let eigen = try SymmetricEigen(x.transposed() * x)
    // xᵀx = V·diag(s²)·Vᵀ: its eigenvalues are exactly the squared singular profile.
    let expected = (0..<20).map { i -> Double in
      let t = Double(i) / Double(rank)
      let s = (1 - tail) * exp(-t * t) + tail * exp(-0.1 * t)
      return s * s
    }.sorted()
    for (value, target) in zip(eigen.values, expected) { #expect(abs(value - target) < 1e-9) }
    #expect(eigen.values.first! < 1e-4 * eigen.values.last!)
    let predicted = x.multiplied(by: coefficients)
    for (p, y) in zip(predicted, data.y) { #expect(abs(p - y) <= 1e-9 * max(1, abs(y))) }
  }

  @Test func regressionRejectsInvalidArguments() {
    expectInvalid("samples") { _ = try Datasets.makeRegression(samples: 0) }
    expectInvalid("features") { _ = try Datasets.makeRegression(features: 0) }
    expectInvalid("informative") { _ = try Datasets.makeRegression(informative: -1) }
    expectInvalid("bias") { _ = try Datasets.makeRegression(bias: .infinity) }
    expectInvalid("effectiveRank") { _ = try Datasets.makeRegression(effectiveRank: 0) }
    expectInvalid("tailStrength") { _ = try Datasets.makeRegression(tailStrength: 1.1) }
    expectInvalid("noise") { _ = try Datasets.makeRegression(noise: -1) }
  }

  // MARK: makeBlobs

  @Test func blobsSplitEvenlyWithRemainderFirst() throws {
    let data = try Datasets.makeBlobs(
      samples: 302, features: 3, centers: 4, shuffle: false, seed: 3)
    #expect(data.x.rowCount == 302)
    #expect(data.x.columnCount == 3)
    #expect(data.featureNames == ["x0", "x1", "x2"])
    #expect(data.y == Array(repeating: 0, count: 76) + Array(repeating: 1, count: 76)
      + Array(repeating: 2, count: 75) + Array(repeating: 3, count: 75))
    let shuffled = try Datasets.makeBlobs(samples: 302, features: 3, centers: 4, seed: 3)
    let c = counts(shuffled.y)
    #expect([c[0], c[1], c[2], c[3]] == [76, 76, 75, 75])
    #expect(shuffled.y != shuffled.y.sorted())
  }

  @Test func blobsLieNearGivenCenters() throws {
    let centers = try Matrix([[0, 0], [10, -10], [-20, 5]])
    let std = 0.5, n = 200
    let data = try Datasets.makeBlobs(
      samples: 3 * n, centers: centers, clusterStandardDeviation: std, seed: 21)
    #expect(data.x.columnCount == 2)
    for k in 0..<3 {
      let rows = data.y.indices.filter { data.y[$0] == k }
      #expect(rows.count == n)
      let sub = data.x.rows(at: rows)
      for (j, m) in sub.columnMeans().enumerated() {
        #expect(abs(m - centers[k, j]) < 4 * std / Double(n).squareRoot())
      }
      for s in sub.columnStandardDeviations() { #expect(abs(s - std) < 0.1) }
    }
  }

  @Test func blobsCentersComeFromTheBox() throws {
    let data = try Datasets.makeBlobs(
      samples: 30, features: 4, centers: 5, clusterStandardDeviation: 0, centerBox: 2...3, seed: 8)
    #expect(data.x.elements.allSatisfy { $0 >= 2 && $0 <= 3 })
    // With zero spread, every sample of a blob is its centre.
    for k in 0..<5 {
      let rows = data.y.indices.filter { data.y[$0] == k }
      #expect(rows.count == 6)
      #expect(Set(rows.map { data.x.row($0) }).count == 1)
    }
  }

  @Test func blobsRejectInvalidArguments() throws {
    expectInvalid("samples") { _ = try Datasets.makeBlobs(samples: 0) }
    expectInvalid("features") { _ = try Datasets.makeBlobs(features: 0) }
    expectInvalid("centers") { _ = try Datasets.makeBlobs(centers: 0) }
    expectInvalid("clusterStandardDeviation") {
      _ = try Datasets.makeBlobs(clusterStandardDeviation: -1)
    }
    expectInvalid("centerBox") { _ = try Datasets.makeBlobs(centerBox: -Double.infinity...0) }
    let empty = Matrix(rowCount: 0, columnCount: 2)
    expectInvalid("centers") { _ = try Datasets.makeBlobs(centers: empty) }
    let bad = try Matrix([[0, .nan]])
    expectInvalid("centers") { _ = try Datasets.makeBlobs(centers: bad) }
    let good = try Matrix([[0, 1]])
    expectInvalid("samples") { _ = try Datasets.makeBlobs(samples: -3, centers: good) }
  }
}
