import LinearAlgebra

/// A classifier that ignores the features: a baseline to beat (scikit-learn's `DummyClassifier`).
public struct DummyClassifier: Estimator, Sendable {
  /// How predictions are made.
  public enum Strategy: String, CaseIterable, Sendable {
    /// Always the most frequent training class; probabilities are that class's indicator.
    case mostFrequent = "most_frequent"
    /// Always the most frequent training class; probabilities are the class priors.
    case prior
    /// Random classes drawn with the training class frequencies.
    case stratified
    /// Random classes drawn uniformly.
    case uniform
    /// Always ``DummyClassifier/constant``, which must be a training class.
    case constant
  }

  /// How predictions are made (scikit-learn `strategy`; default `prior`, as in scikit-learn).
  public var strategy: Strategy
  /// The label predicted by the `constant` strategy (scikit-learn `constant`).
  public var constant: Int?
  /// Seed for the random strategies (scikit-learn `random_state`). Each `predict` call starts
  /// from this seed, so the same input gives the same output.
  public var seed: UInt64

  /// A dummy classifier; the defaults are scikit-learn's.
  public init(strategy: Strategy = .prior, constant: Int? = nil, seed: UInt64 = 0) {
    self.strategy = strategy
    self.constant = constant
    self.seed = seed
  }

  /// The hyperparameter table: `strategy`, `constant`, `seed`.
  public static let hyperparameters: [Hyperparameter<DummyClassifier>] = [
    .choice("strategy", \.strategy),
    .optionalInt("constant", \.constant),
    .seed("seed", \.seed),
  ]

  /// Records the classes and their frequencies in `y`.
  public func fit(_ x: Matrix, _ y: [Int]) throws(LearnError) -> Model {
    try validateHyperparameters()
    try Validation.checkSamples(x, y)
    var counts: [Int: Int] = [:]
    for label in y { counts[label, default: 0] += 1 }
    let classes = counts.keys.sorted()
    let priors = classes.map { Double(counts[$0]!) / Double(y.count) }
    if strategy == .constant {
      guard let constant else {
        throw .invalidHyperparameter(name: "constant", estimator: Self.estimatorName,
                                     expected: "a training class label when strategy is \"constant\"", got: "none")
      }
      guard classes.contains(constant) else {
        throw .invalidHyperparameter(name: "constant", estimator: Self.estimatorName,
                                     expected: "one of the training classes \(classes)", got: String(constant))
      }
    }
    return Model(strategy: strategy, classes: classes, classPriors: priors, constant: constant,
                 seed: seed, featureCount: x.columnCount)
  }

  /// A fitted ``DummyClassifier``.
  public struct Model: ProbabilisticClassifierModel {
    /// The strategy it was fitted with.
    public let strategy: Strategy
    /// Training classes, ascending (scikit-learn `classes_`).
    public let classes: [Int]
    /// Frequency of each class in training (scikit-learn `class_prior_`).
    public let classPriors: [Double]
    /// The constant label, for the `constant` strategy.
    public let constant: Int?
    /// The seed each prediction starts from.
    public let seed: UInt64
    /// Number of features seen in training (scikit-learn `n_features_in_`).
    public let featureCount: Int

    /// The most frequent class (the smallest label among ties, as scikit-learn's argmax).
    public var mostFrequentClass: Int {
      var best = 0
      for i in classPriors.indices where classPriors[i] > classPriors[best] { best = i }
      return classes[best]
    }

    /// One label per row of `x`.
    public func predict(_ x: Matrix) throws(LearnError) -> [Int] {
      try Validation.checkFeatureCount(x, expected: featureCount)
      switch strategy {
      case .mostFrequent, .prior: return Array(repeating: mostFrequentClass, count: x.rowCount)
      case .constant: return Array(repeating: constant!, count: x.rowCount)
      case .stratified, .uniform:
        let p = randomIndicators(x.rowCount)
        return (0..<x.rowCount).map { i in classes[(0..<classes.count).first { p[i, $0] == 1 }!] }
      }
    }

    /// Class probabilities, one column per entry of ``classes``.
    public func predictProbabilities(_ x: Matrix) throws(LearnError) -> Matrix {
      try Validation.checkFeatureCount(x, expected: featureCount)
      let k = classes.count
      switch strategy {
      case .mostFrequent, .constant:
        let target = strategy == .constant ? constant! : mostFrequentClass
        let column = classes.firstIndex(of: target)!
        return Matrix(rowCount: x.rowCount, columnCount: k) { _, j in j == column ? 1 : 0 }
      case .prior:
        return Matrix(rowCount: x.rowCount, columnCount: k) { _, j in classPriors[j] }
      case .uniform:
        return Matrix(rowCount: x.rowCount, columnCount: k, repeating: 1 / Double(k))
      case .stratified:
        return randomIndicators(x.rowCount)
      }
    }

    /// One-hot rows of random classes: drawn by the priors (`stratified`) or uniformly.
    private func randomIndicators(_ rows: Int) -> Matrix {
      var generator = Xoshiro256StarStar(seed: seed)
      var result = Matrix(rowCount: rows, columnCount: classes.count)
      for i in 0..<rows {
        let column: Int
        if strategy == .uniform {
          column = generator.nextInt(below: classes.count)
        } else {
          let u = generator.nextUniform()
          var cumulative = 0.0
          column = classPriors.indices.first { j in
            cumulative += classPriors[j]
            return u < cumulative
          } ?? classes.count - 1
        }
        result[i, column] = 1
      }
      return result
    }
  }
}

extension DummyClassifier.Strategy: Codable {}

extension DummyClassifier: Persistable {
  /// `"DummyClassifier"`.
  public static let typeTag = "DummyClassifier"
}

extension DummyClassifier.Model: Persistable {
  /// `"DummyClassifier.Model"`.
  public static let typeTag = "DummyClassifier.Model"

  /// Classes increasing, one finite non-negative prior per class, the constant among the classes.
  public func checkLoaded() throws(LearnError) {
    try PersistenceCheck.classes(classes, "classes", minimum: 1)
    try PersistenceCheck.count(classPriors, classes.count, "classPriors")
    try PersistenceCheck.finite(classPriors, "classPriors")
    try PersistenceCheck.require(classPriors.allSatisfy { $0 >= 0 }, "classPriors", "priors must be non-negative")
    try PersistenceCheck.featureCount(featureCount)
    if strategy == .constant {
      try PersistenceCheck.require(constant.map(classes.contains) ?? false, "constant", "must be one of the classes \(classes)")
    }
  }
}
