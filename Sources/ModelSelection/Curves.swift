import LearnCore
import LinearAlgebra

/// Training-set sizes for ``learningCurve(_:_:_:trainSizes:cv:groups:scoring:shuffle:seed:parallelism:)``.
public enum TrainSizes: Sendable, Hashable {
  /// Fractions in (0, 1] of the largest training fold, rounded down (at least 1).
  case fractions([Double])
  /// Absolute counts in [1, largest training fold].
  case counts([Int])

  /// scikit-learn's default: `np.linspace(0.1, 1.0, 5)`.
  public static let `default` = TrainSizes.fractions([0.1, 0.325, 0.55, 0.775, 1.0])

  /// The distinct absolute sizes, ascending, for a largest training set of `maximum` samples.
  func absolute(maximum: Int) throws(LearnError) -> [Int] {
    let sizes: [Int]
    switch self {
    case .fractions(let fractions):
      guard !fractions.isEmpty, fractions.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
        throw .invalidArgument(name: "trainSizes", reason: "fractions must be within (0, 1], got \(fractions)")
      }
      sizes = fractions.map { Swift.min(Swift.max(Int(($0 * Double(maximum)).rounded(.down)), 1), maximum) }
    case .counts(let counts):
      guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 && $0 <= maximum }) else {
        throw .invalidArgument(name: "trainSizes", reason: "counts must be within [1, \(maximum)] (the largest training fold), got \(counts)")
      }
      sizes = counts
    }
    return Array(Set(sizes)).sorted()
  }
}

/// Scores against training-set size (scikit-learn's `learning_curve`); rows are sizes, columns folds.
public struct LearningCurve: Sendable, Hashable {
  /// The training-set sizes used, ascending.
  public let trainSizes: [Int]
  /// `trainScores[size][fold]`: the score on the rows the model was fitted on.
  public let trainScores: [[Double]]
  /// `testScores[size][fold]`: the score on the fold's test rows.
  public let testScores: [[Double]]
}

/// Fits on growing prefixes of each training fold and scores on the fold's test rows (scikit-learn's
/// `learning_curve`). Sizes are relative to the first fold's training set. With `shuffle`, each
/// fold's training rows are permuted first, by a generator seeded from `seed` and the fold index.
public func learningCurve<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], trainSizes: TrainSizes = .default,
  cv: (any Splitter)? = nil, groups: [Int]? = nil, scoring: Scorer? = nil, shuffle: Bool = false,
  seed: UInt64 = 0, parallelism: Parallelism = .automatic
) throws -> LearningCurve {
  try Validation.checkShapes(x, y)
  var folds = try makeFolds(cv, count: x.rowCount, y: y, groups: groups)
  if shuffle {
    for k in folds.indices {
      var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(k)))
      generator.shuffle(&folds[k].train)
    }
  }
  let sizes = try trainSizes.absolute(maximum: folds[0].train.count)
  let scorer = scoring ?? defaultScorer(for: E.Target.self)
  let jobs = sizes.count * folds.count
  let splits = folds
  let outcomes = try Parallel.map(jobs, parallelism: parallelism) { job in
    let (s, k) = job.quotientAndRemainder(dividingBy: splits.count)
    let train = Array(splits[k].train.prefix(sizes[s]))
    return try fitAndScore(estimator, x, y, train: train, test: splits[k].test, scorers: [scorer],
                           scoreTrain: true, keepModel: false)
  }
  for warning in outcomes.flatMap(\.warnings) { LearnWarning.emit(warning) }
  let rows = (0..<sizes.count).map { s in outcomes[(s * folds.count)..<((s + 1) * folds.count)] }
  return LearningCurve(trainSizes: sizes, trainScores: rows.map { $0.map { $0.train[0] } },
                       testScores: rows.map { $0.map { $0.test[0] } })
}

/// Scores against the values of one hyperparameter (scikit-learn's `validation_curve`); rows are
/// values, columns folds.
public struct ValidationCurve: Sendable, Hashable {
  /// The hyperparameter varied.
  public let parameter: String
  /// Its values, in the order given.
  public let values: [ParameterValue]
  /// `trainScores[value][fold]`.
  public let trainScores: [[Double]]
  /// `testScores[value][fold]`.
  public let testScores: [[Double]]
}

/// Cross-validates `estimator` once per value of `parameter` (scikit-learn's `validation_curve`).
/// Every value is validated before any fit, so a bad value throws at once with the valid range.
public func validationCurve<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], parameter: String, values: [ParameterValue],
  cv: (any Splitter)? = nil, groups: [Int]? = nil, scoring: Scorer? = nil,
  parallelism: Parallelism = .automatic
) throws -> ValidationCurve {
  try Validation.checkShapes(x, y)
  guard !values.isEmpty else { throw LearnError.emptyInput("validationCurve needs at least one value") }
  let candidates = try values.map { try estimator.setting([parameter: $0]) }
  let folds = try makeFolds(cv, count: x.rowCount, y: y, groups: groups)
  let scorer = scoring ?? defaultScorer(for: E.Target.self)
  let outcomes = try Parallel.map(candidates.count * folds.count, parallelism: parallelism) { job in
    let (v, k) = job.quotientAndRemainder(dividingBy: folds.count)
    return try fitAndScore(candidates[v], x, y, train: folds[k].train, test: folds[k].test, scorers: [scorer],
                           scoreTrain: true, keepModel: false)
  }
  for warning in outcomes.flatMap(\.warnings) { LearnWarning.emit(warning) }
  let rows = (0..<values.count).map { v in outcomes[(v * folds.count)..<((v + 1) * folds.count)] }
  return ValidationCurve(parameter: parameter, values: values, trainScores: rows.map { $0.map { $0.train[0] } },
                         testScores: rows.map { $0.map { $0.test[0] } })
}
