import Foundation
import LinearAlgebra

// Seeded synthetic datasets after scikit-learn's `sklearn/datasets/_samples_generator.py`.
//
// Every random number comes from `Xoshiro256StarStar(seed:)` through Learn's own sampling routines
// (`nextUniform`, `nextNormal`, `nextInt(below:)`, `permutation`, `sample`), never the standard
// library's, so a seed gives the same data on every toolchain. The draws follow scikit-learn's
// order (row-major, one block after another), but the numbers differ from scikit-learn's because
// the generator differs. Arithmetic is done in plain sequential loops rather than the threaded,
// possibly fused GEMM kernel, so results do not depend on the build's CPU flags or thread count.

extension Datasets {
  /// A random `classes`-class classification problem: scikit-learn's `make_classification`.
  ///
  /// Gaussian clusters (standard deviation 1) are centred on distinct vertices of an
  /// `informative`-dimensional hypercube with sides of length `2 * classSeparation`, and an equal
  /// number of clusters is assigned to each class (cluster `k` belongs to class `k % classes`).
  /// Within each cluster the informative features are mixed by a random linear map, giving each
  /// cluster its own covariance. Before shuffling, the columns are: the `informative` features,
  /// `redundant` random linear combinations of them, `repeated` copies drawn with replacement from
  /// the informative and redundant columns, and then pure-noise standard normal features.
  ///
  /// - Parameters:
  ///   - samples: Number of rows (`n_samples`), at least 1.
  ///   - features: Total number of columns (`n_features`), at least
  ///     `informative + redundant + repeated`.
  ///   - informative: Number of informative features (`n_informative`), at least 1.
  ///   - redundant: Number of linear combinations of the informative features (`n_redundant`).
  ///   - repeated: Number of duplicated informative or redundant features (`n_repeated`).
  ///   - classes: Number of classes (`n_classes`), at least 1; labels are `0 ..< classes`.
  ///   - clustersPerClass: Gaussian clusters per class (`n_clusters_per_class`), at least 1;
  ///     `classes * clustersPerClass` must not exceed `2^informative`.
  ///   - weights: Proportion of samples in each class (`weights`), `classes` entries or
  ///     `classes - 1` (the last is then `1 - sum`); `nil` balances the classes. Samples a
  ///     proportion leaves over go round-robin to the clusters; when the proportions sum to more
  ///     than 1 the last clusters are cut short, as in scikit-learn.
  ///   - flipY: Fraction of samples whose label is replaced by a uniformly random class
  ///     (`flip_y`), in `[0, 1]`.
  ///   - classSeparation: Half the hypercube's side (`class_sep`), positive.
  ///   - hypercube: Whether clusters sit on the hypercube's vertices (`hypercube`); when `false`
  ///     the vertices are randomly scaled per cluster and per feature (a random polytope).
  ///   - shift: Added to every feature (`shift`), before scaling.
  ///   - scale: Multiplies every feature (`scale`), after shifting; positive.
  ///   - shuffle: Whether to permute the rows and then the columns (`shuffle`).
  ///   - seed: Seed of the `Xoshiro256StarStar` stream (`random_state`).
  /// - Returns: Features named `x0`, `x1`, … in final column order, integer labels as target.
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` naming the first invalid argument.
  public static func makeClassification(
    samples: Int = 100, features: Int = 20, informative: Int = 2, redundant: Int = 2,
    repeated: Int = 0, classes: Int = 2, clustersPerClass: Int = 2, weights: [Double]? = nil,
    flipY: Double = 0.01, classSeparation: Double = 1.0, hypercube: Bool = true,
    shift: Double = 0, scale: Double = 1, shuffle: Bool = true, seed: UInt64 = 0
  ) throws(LearnError) -> Dataset<Int> {
    try requireAtLeast(1, samples, name: "samples")
    try requireAtLeast(1, features, name: "features")
    try requireAtLeast(1, informative, name: "informative")
    try requireAtLeast(0, redundant, name: "redundant")
    try requireAtLeast(0, repeated, name: "repeated")
    try requireAtLeast(1, classes, name: "classes")
    try requireAtLeast(1, clustersPerClass, name: "clustersPerClass")
    guard flipY >= 0, flipY <= 1 else {
      throw .invalidArgument(name: "flipY", reason: "must be in [0, 1]; got \(flipY)")
    }
    guard classSeparation > 0, classSeparation.isFinite else {
      throw .invalidArgument(
        name: "classSeparation", reason: "must be positive and finite; got \(classSeparation)")
    }
    guard shift.isFinite else {
      throw .invalidArgument(name: "shift", reason: "must be finite; got \(shift)")
    }
    guard scale > 0, scale.isFinite else {
      throw .invalidArgument(name: "scale", reason: "must be positive and finite; got \(scale)")
    }
    let useful = informative.addingReportingOverflow(redundant)
    let usefulTotal = useful.partialValue.addingReportingOverflow(repeated)
    guard !useful.overflow, !usefulTotal.overflow, usefulTotal.partialValue <= features else {
      throw .invalidArgument(
        name: "features",
        reason: "must be at least informative + redundant + repeated "
          + "(\(informative) + \(redundant) + \(repeated)); got \(features)")
    }
    let product = classes.multipliedReportingOverflow(by: clustersPerClass)
    let clusterCount = product.partialValue
    // Distinct vertices are drawn among 2^min(informative, 30) codes (scikit-learn's scheme), so
    // that bounds the cluster count; beyond it the draw could never finish.
    let vertexBits = Swift.min(informative, 30)
    guard !product.overflow, clusterCount <= (1 << vertexBits) else {
      throw .invalidArgument(
        name: "clustersPerClass",
        reason: "classes * clustersPerClass (\(classes) * \(clustersPerClass)) must be at most "
          + "2^min(informative, 30) = 2^\(vertexBits), the number of distinct hypercube vertices")
    }
    let classWeights = try resolveWeights(weights, classes: classes)

    // Samples per cluster: floor(samples * weight / clustersPerClass), the rest round-robin.
    var perCluster = (0..<clusterCount).map { k in
      // Clamped to `samples` so a huge weight cannot overflow the conversion.
      Int(Swift.min(Double(samples), Double(samples) * classWeights[k % classes] / Double(clustersPerClass)))
    }
    let assigned = perCluster.reduce(0, +)
    if assigned < samples {
      for i in 0..<(samples - assigned) { perCluster[i % clusterCount] += 1 }
    }

    var rng = Xoshiro256StarStar(seed: seed)
    let randomCount = features - usefulTotal.partialValue
    let n = samples, p = features

    // Cluster centroids: distinct hypercube vertices, scaled to ±classSeparation.
    var centroids = hypercubeVertices(clusterCount, dimensions: informative, using: &rng)
      .map { vertex in vertex.map { $0 * 2 * classSeparation - classSeparation } }
    if !hypercube {
      let clusterFactors = (0..<clusterCount).map { _ in rng.nextUniform() }
      let featureFactors = (0..<informative).map { _ in rng.nextUniform() }
      for k in 0..<clusterCount {
        for j in 0..<informative { centroids[k][j] *= clusterFactors[k] * featureFactors[j] }
      }
    }

    var x = [Double](repeating: 0, count: n * p)
    var y = [Int](repeating: 0, count: n)
    for i in 0..<n {
      for j in 0..<informative { x[i * p + j] = rng.nextNormal() }
    }

    // Each cluster: a random linear map of its standard normal draws, moved to its vertex.
    var stop = 0
    var row = [Double](repeating: 0, count: informative)
    for k in 0..<clusterCount {
      let start = min(stop, n)
      stop = min(start + perCluster[k], n)
      var mixing = [Double](repeating: 0, count: informative * informative)
      for index in mixing.indices { mixing[index] = 2 * rng.nextUniform() - 1 }
      for i in start..<stop {
        y[i] = k % classes
        for j in 0..<informative { row[j] = x[i * p + j] }
        for j in 0..<informative {
          var sum = 0.0
          for l in 0..<informative { sum += row[l] * mixing[l * informative + j] }
          x[i * p + j] = sum + centroids[k][j]
        }
      }
    }

    // Redundant features: random linear combinations of the informative ones.
    if redundant > 0 {
      var combination = [Double](repeating: 0, count: informative * redundant)
      for index in combination.indices { combination[index] = 2 * rng.nextUniform() - 1 }
      for i in 0..<n {
        for r in 0..<redundant {
          var sum = 0.0
          for l in 0..<informative { sum += x[i * p + l] * combination[l * redundant + r] }
          x[i * p + informative + r] = sum
        }
      }
    }

    // Repeated features: copies of informative or redundant columns (with replacement).
    let source = informative + redundant
    if repeated > 0 {
      let copied = (0..<repeated).map { _ in Int(Double(source - 1) * rng.nextUniform() + 0.5) }
      for i in 0..<n {
        for (r, column) in copied.enumerated() { x[i * p + source + r] = x[i * p + column] }
      }
    }

    // Useless features: independent standard normal noise in the last columns.
    if randomCount > 0 {
      for i in 0..<n {
        for j in (p - randomCount)..<p { x[i * p + j] = rng.nextNormal() }
      }
    }

    // Label noise: each sample, with probability flipY, gets a uniformly random class.
    let flipped = (0..<n).map { _ in rng.nextUniform() < flipY }
    for i in 0..<n where flipped[i] { y[i] = rng.nextInt(below: classes) }

    for index in x.indices { x[index] = (x[index] + shift) * scale }

    if shuffle {
      let rows = rng.permutation(n)
      let columns = rng.permutation(p)
      (x, y) = permuted(x, y, columns: p, rows: rows, columnOrder: columns)
    }
    return try Dataset(x: matrix(n, p, x), y: y)
  }

  /// A random linear regression problem: scikit-learn's `make_regression` (single target).
  ///
  /// The features are independent standard normal draws, or, when `effectiveRank` is given, a
  /// matrix with a bell-shaped singular spectrum plus a fat tail (scikit-learn's
  /// `make_low_rank_matrix`). The target is `x · coefficients + bias` plus Gaussian noise, where
  /// only `informative` coefficients are non-zero, each `100 * uniform[0, 1)`.
  ///
  /// - Parameters:
  ///   - samples: Number of rows (`n_samples`), at least 1.
  ///   - features: Number of columns (`n_features`), at least 1.
  ///   - informative: Number of features with a non-zero coefficient (`n_informative`), at least
  ///     0; values above `features` are clipped to `features`, as in scikit-learn.
  ///   - bias: Intercept added to every target (`bias`).
  ///   - effectiveRank: Approximate number of singular vectors that explain most of the features
  ///     (`effective_rank`), at least 1; `nil` for well-conditioned independent features.
  ///   - tailStrength: Relative weight of the slowly decaying tail of the singular spectrum when
  ///     `effectiveRank` is given (`tail_strength`), in `[0, 1]`.
  ///   - noise: Standard deviation of the Gaussian noise added to the target (`noise`), at least 0.
  ///   - shuffle: Whether to permute the rows and then the columns (`shuffle`); the coefficients
  ///     follow the columns.
  ///   - seed: Seed of the `Xoshiro256StarStar` stream (`random_state`).
  /// - Returns: The dataset (features `x0`, `x1`, …) and the ground-truth coefficients in final
  ///   column order (scikit-learn's `coef=True` output).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` naming the first invalid argument.
  public static func makeRegression(
    samples: Int = 100, features: Int = 100, informative: Int = 10, bias: Double = 0,
    effectiveRank: Int? = nil, tailStrength: Double = 0.5, noise: Double = 0,
    shuffle: Bool = true, seed: UInt64 = 0
  ) throws(LearnError) -> (dataset: Dataset<Double>, coefficients: [Double]) {
    try requireAtLeast(1, samples, name: "samples")
    try requireAtLeast(1, features, name: "features")
    try requireAtLeast(0, informative, name: "informative")
    guard bias.isFinite else {
      throw .invalidArgument(name: "bias", reason: "must be finite; got \(bias)")
    }
    if let effectiveRank { try requireAtLeast(1, effectiveRank, name: "effectiveRank") }
    guard tailStrength >= 0, tailStrength <= 1 else {
      throw .invalidArgument(name: "tailStrength", reason: "must be in [0, 1]; got \(tailStrength)")
    }
    guard noise >= 0, noise.isFinite else {
      throw .invalidArgument(name: "noise", reason: "must be non-negative and finite; got \(noise)")
    }
    let n = samples, p = features
    let informative = min(informative, features)
    var rng = Xoshiro256StarStar(seed: seed)

    var x: [Double]
    if let effectiveRank {
      x = lowRankMatrix(
        samples: n, features: p, effectiveRank: effectiveRank, tailStrength: tailStrength,
        using: &rng)
    } else {
      x = (0..<(n * p)).map { _ in rng.nextNormal() }
    }

    var coefficients = [Double](repeating: 0, count: p)
    for j in 0..<informative { coefficients[j] = 100 * rng.nextUniform() }

    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var sum = 0.0
      for j in 0..<informative { sum += x[i * p + j] * coefficients[j] }
      y[i] = sum + bias
    }
    if noise > 0 {
      for i in 0..<n { y[i] += noise * rng.nextNormal() }
    }

    if shuffle {
      let rows = rng.permutation(n)
      let columns = rng.permutation(p)
      (x, y) = permuted(x, y, columns: p, rows: rows, columnOrder: columns)
      coefficients = columns.map { coefficients[$0] }
    }
    return (try Dataset(x: matrix(n, p, x), y: y), coefficients)
  }

  /// Isotropic Gaussian blobs around random centres: scikit-learn's `make_blobs` with an integer
  /// `centers`.
  ///
  /// The centres are drawn uniformly from `centerBox` in every feature; the samples are split
  /// evenly between them, the first `samples % centers` centres getting one more. Sample `i` of
  /// centre `k` is `center[k] + clusterStandardDeviation * N(0, I)` and is labelled `k`.
  ///
  /// - Parameters:
  ///   - samples: Total number of rows (`n_samples`), at least 1.
  ///   - features: Number of columns (`n_features`), at least 1.
  ///   - centers: Number of blobs (`centers`), at least 1; labels are `0 ..< centers`.
  ///   - clusterStandardDeviation: Standard deviation of every blob (`cluster_std`), at least 0.
  ///   - centerBox: Range each centre coordinate is drawn from (`center_box`), finite bounds.
  ///   - shuffle: Whether to permute the rows (`shuffle`); otherwise rows are grouped by blob.
  ///   - seed: Seed of the `Xoshiro256StarStar` stream (`random_state`).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` naming the first invalid argument.
  public static func makeBlobs(
    samples: Int = 100, features: Int = 2, centers: Int = 3,
    clusterStandardDeviation: Double = 1.0, centerBox: ClosedRange<Double> = -10...10,
    shuffle: Bool = true, seed: UInt64 = 0
  ) throws(LearnError) -> Dataset<Int> {
    try requireAtLeast(1, samples, name: "samples")
    try requireAtLeast(1, features, name: "features")
    try requireAtLeast(1, centers, name: "centers")
    try checkStandardDeviation(clusterStandardDeviation)
    guard centerBox.lowerBound.isFinite, centerBox.upperBound.isFinite else {
      throw .invalidArgument(name: "centerBox", reason: "must have finite bounds; got \(centerBox)")
    }
    var rng = Xoshiro256StarStar(seed: seed)
    let centerValues = (0..<(centers * features)).map { _ in
      rng.nextUniform(centerBox.lowerBound, centerBox.upperBound)
    }
    return try blobs(
      samples: samples, centers: centerValues, features: features,
      standardDeviation: clusterStandardDeviation, shuffle: shuffle, using: &rng)
  }

  /// Isotropic Gaussian blobs around given centres: scikit-learn's `make_blobs` with an array
  /// `centers`.
  ///
  /// The samples are split evenly between the centres, the first `samples % centers.rowCount`
  /// centres getting one more. Sample `i` of centre `k` is
  /// `centers.row(k) + clusterStandardDeviation * N(0, I)` and is labelled `k`.
  ///
  /// - Parameters:
  ///   - samples: Total number of rows (`n_samples`), at least 1.
  ///   - centers: One row per blob centre (`centers`); its column count is the feature count.
  ///     Must have at least one row and one column, all finite.
  ///   - clusterStandardDeviation: Standard deviation of every blob (`cluster_std`), at least 0.
  ///   - shuffle: Whether to permute the rows (`shuffle`); otherwise rows are grouped by blob.
  ///   - seed: Seed of the `Xoshiro256StarStar` stream (`random_state`).
  /// - Throws: ``LearnError/invalidArgument(name:reason:)`` naming the first invalid argument.
  public static func makeBlobs(
    samples: Int = 100, centers: Matrix, clusterStandardDeviation: Double = 1.0,
    shuffle: Bool = true, seed: UInt64 = 0
  ) throws(LearnError) -> Dataset<Int> {
    try requireAtLeast(1, samples, name: "samples")
    guard centers.rowCount >= 1, centers.columnCount >= 1 else {
      throw .invalidArgument(
        name: "centers",
        reason: "must have at least one row and one column; got \(centers.rowCount) × "
          + "\(centers.columnCount)")
    }
    if let bad = centers.firstNonFinite() {
      throw .invalidArgument(
        name: "centers", reason: "must be finite; row \(bad.row), column \(bad.column) is not")
    }
    try checkStandardDeviation(clusterStandardDeviation)
    var rng = Xoshiro256StarStar(seed: seed)
    return try blobs(
      samples: samples, centers: centers.elements, features: centers.columnCount,
      standardDeviation: clusterStandardDeviation, shuffle: shuffle, using: &rng)
  }
}

// MARK: - Helpers

extension Datasets {
  private static func requireAtLeast(
    _ minimum: Int, _ value: Int, name: String
  ) throws(LearnError) {
    guard value >= minimum else {
      throw .invalidArgument(name: name, reason: "must be at least \(minimum); got \(value)")
    }
  }

  private static func checkStandardDeviation(_ value: Double) throws(LearnError) {
    guard value >= 0, value.isFinite else {
      throw .invalidArgument(
        name: "clusterStandardDeviation", reason: "must be non-negative and finite; got \(value)")
    }
  }

  /// The class weights scikit-learn uses: balanced, as given, or with the last inferred.
  private static func resolveWeights(
    _ weights: [Double]?, classes: Int
  ) throws(LearnError) -> [Double] {
    guard let weights else { return [Double](repeating: 1 / Double(classes), count: classes) }
    guard weights.count == classes || weights.count == classes - 1 else {
      throw .invalidArgument(
        name: "weights",
        reason: "must have classes (\(classes)) or classes - 1 (\(classes - 1)) entries; got "
          + "\(weights.count)")
    }
    guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
      throw .invalidArgument(
        name: "weights", reason: "must be non-negative and finite; got \(weights)")
    }
    if weights.count == classes { return weights }
    let last = 1 - weights.reduce(0, +)
    guard last >= 0 else {
      throw .invalidArgument(
        name: "weights",
        reason: "with classes - 1 entries they must sum to at most 1 (the last class gets the "
          + "rest); got a sum of \(1 - last)")
    }
    return weights + [last]
  }

  /// `count` distinct vertices of the `dimensions`-dimensional unit hypercube, as 0/1 vectors,
  /// after scikit-learn's `_generate_hypercube`: the last (up to) 30 coordinates are the bits of
  /// distinct integers drawn without replacement, any further leading ones are random bits.
  private static func hypercubeVertices<G: RandomNumberGenerator>(
    _ count: Int, dimensions: Int, using rng: inout G
  ) -> [[Double]] {
    if dimensions > 30 {
      let leading = (0..<count).map { _ in
        (0..<(dimensions - 30)).map { _ in Double(rng.nextInt(below: 2)) }
      }
      let trailing = hypercubeVertices(count, dimensions: 30, using: &rng)
      return zip(leading, trailing).map { $0 + $1 }
    }
    let codes = distinctIntegers(count, below: 1 << dimensions, using: &rng)
    return codes.map { code in
      (0..<dimensions).map { j in Double((code >> (dimensions - 1 - j)) & 1) }
    }
  }

  /// `count` distinct integers from `0 ..< bound`, in the order drawn: a partial Fisher–Yates
  /// shuffle for small ranges, rejection sampling when the range dwarfs `count`.
  private static func distinctIntegers<G: RandomNumberGenerator>(
    _ count: Int, below bound: Int, using rng: inout G
  ) -> [Int] {
    if bound <= 4096 || bound <= 4 * count { return rng.sample(count, from: bound) }
    var seen = Set<Int>()
    var drawn: [Int] = []
    drawn.reserveCapacity(count)
    while drawn.count < count {
      let candidate = rng.nextInt(below: bound)
      if seen.insert(candidate).inserted { drawn.append(candidate) }
    }
    return drawn
  }

  /// scikit-learn's `make_low_rank_matrix`, row-major `samples × features`: `U·diag(s)·Vᵀ`
  /// with `U`, `V` orthonormal bases of random Gaussian matrices and
  /// `s_i = (1 − tail)·exp(−(i/rank)²) + tail·exp(−0.1·i/rank)`.
  private static func lowRankMatrix<G: RandomNumberGenerator>(
    samples: Int, features: Int, effectiveRank: Int, tailStrength: Double, using rng: inout G
  ) -> [Double] {
    let k = min(samples, features)
    let u = orthonormalColumns(rows: samples, columns: k, using: &rng)
    let v = orthonormalColumns(rows: features, columns: k, using: &rng)
    let rank = Double(effectiveRank)
    let singular = (0..<k).map { i in
      let index = Double(i)
      let lowRank = (1 - tailStrength) * exp(-(index / rank) * (index / rank))
      let tail = tailStrength * exp(-0.1 * index / rank)
      return lowRank + tail
    }
    var x = [Double](repeating: 0, count: samples * features)
    var scaledRow = [Double](repeating: 0, count: k)
    for a in 0..<samples {
      for i in 0..<k { scaledRow[i] = u[a * k + i] * singular[i] }
      for b in 0..<features {
        var sum = 0.0
        for i in 0..<k { sum += scaledRow[i] * v[b * k + i] }
        x[a * features + b] = sum
      }
    }
    return x
  }

  /// A row-major `rows × columns` matrix (`columns ≤ rows`) with orthonormal columns: the Q of a
  /// thin QR of a standard normal matrix, by modified Gram–Schmidt applied twice per column.
  private static func orthonormalColumns<G: RandomNumberGenerator>(
    rows: Int, columns: Int, using rng: inout G
  ) -> [Double] {
    var q = (0..<(rows * columns)).map { _ in rng.nextNormal() }
    var column = [Double](repeating: 0, count: rows)
    for j in 0..<columns {
      for i in 0..<rows { column[i] = q[i * columns + j] }
      for _ in 0..<2 {
        for previous in 0..<j {
          var dot = 0.0
          for i in 0..<rows { dot += q[i * columns + previous] * column[i] }
          for i in 0..<rows { column[i] -= dot * q[i * columns + previous] }
        }
      }
      var norm = 0.0
      for i in 0..<rows { norm += column[i] * column[i] }
      norm = norm.squareRoot()
      // A Gaussian matrix is full rank with probability 1; a zero column is left zero.
      let factor = norm > 0 ? 1 / norm : 0
      for i in 0..<rows { q[i * columns + j] = column[i] * factor }
    }
    return q
  }

  /// The blobs shared by both `makeBlobs` overloads; `centers` is row-major `k × features`.
  private static func blobs<G: RandomNumberGenerator>(
    samples: Int, centers: [Double], features: Int, standardDeviation: Double, shuffle: Bool,
    using rng: inout G
  ) throws(LearnError) -> Dataset<Int> {
    let k = centers.count / features
    var x = [Double](repeating: 0, count: samples * features)
    var y = [Int](repeating: 0, count: samples)
    var row = 0
    for center in 0..<k {
      let count = samples / k + (center < samples % k ? 1 : 0)
      for _ in 0..<count {
        for j in 0..<features {
          x[row * features + j] = centers[center * features + j]
            + standardDeviation * rng.nextNormal()
        }
        y[row] = center
        row += 1
      }
    }
    if shuffle {
      let order = rng.permutation(samples)
      (x, y) = permuted(x, y, columns: features, rows: order, columnOrder: nil)
    }
    return try Dataset(x: matrix(samples, features, x), y: y)
  }

  /// Rows reordered by `rows` (new row `i` is old row `rows[i]`) and, when given, columns by
  /// `columnOrder` (new column `j` is old column `columnOrder[j]`).
  private static func permuted<T>(
    _ x: [Double], _ y: [T], columns: Int, rows: [Int], columnOrder: [Int]?
  ) -> ([Double], [T]) {
    var newX = [Double](repeating: 0, count: x.count)
    for (i, source) in rows.enumerated() {
      for j in 0..<columns {
        newX[i * columns + j] = x[source * columns + (columnOrder?[j] ?? j)]
      }
    }
    return (newX, rows.map { y[$0] })
  }

  private static func matrix(
    _ rows: Int, _ columns: Int, _ elements: [Double]
  ) throws(LearnError) -> Matrix {
    do {
      return try Matrix(rowCount: rows, columnCount: columns, elements: elements)
    } catch {
      throw .linearAlgebra(error)
    }
  }
}
