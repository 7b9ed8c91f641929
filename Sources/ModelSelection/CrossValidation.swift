import Dispatch
import LearnCore
import LinearAlgebra

/// What a cross-validation function does when a fit or a score throws.
public enum ErrorScore: Sendable, Hashable {
  /// Rethrow the error (of the lowest failing fold) after all folds have run.
  case raise
  /// Record this score for the failed fold (scikit-learn's `error_score=np.nan` is `.value(.nan)`)
  /// and keep the reason in the result's `failures`.
  case value(Double)
}

/// The outcome of ``crossValidate(_:_:_:cv:groups:scoring:returnTrainScore:returnModels:errorScore:parallelism:)``
/// (scikit-learn's `cross_validate` dictionary).
public struct CrossValidationResult<Model: Predictor>: Sendable {
  /// The folds, in order.
  public let folds: [Fold]
  /// Names of the scorers, in the order given.
  public let scorerNames: [String]
  /// Test-fold scores per scorer name (`test_<name>`), one per fold.
  public let testScores: [String: [Double]]
  /// Training-fold scores per scorer name (`train_<name>`), when asked for; otherwise empty.
  public let trainScores: [String: [Double]]
  /// Seconds spent fitting, per fold.
  public let fitTimes: [Double]
  /// Seconds spent scoring the test fold, per fold.
  public let scoreTimes: [Double]
  /// The fitted model of each fold, when asked for (scikit-learn's `return_estimator`); otherwise empty.
  public let models: [Model]
  /// The reason each failed fold failed, by fold index (empty when every fold succeeded).
  public let failures: [Int: String]
  /// The distinct warnings of the split (a class too small for the folds) and of the folds that
  /// ran (a fit that did not converge, an undefined metric), in the order first seen.
  public let warnings: [LearnWarning]

  /// The test scores of the only scorer, or of the first one.
  public var scores: [Double] { testScores[scorerNames[0]] ?? [] }
}

/// The scorer used when none is given: accuracy for classifiers, R² for regressors (the
/// estimator's `score`, as scikit-learn's `scoring=None`).
public func defaultScorer<Target>(for _: Target.Type) -> Scorer {
  Target.self == Int.self ? .accuracy : .r2
}

/// The splitter used when none is given: scikit-learn's `cv=None`, stratified 5-fold for classifiers
/// and 5-fold otherwise.
func defaultSplitter<Target>(for _: Target.Type) -> any Splitter {
  Target.self == Int.self ? StratifiedKFold(splits: 5) : KFold(splits: 5)
}

/// The folds `cv` (or the default) makes for these samples: class labels go to stratified
/// splitters when the targets are labels.
func makeFolds<Target>(_ cv: (any Splitter)?, count: Int, y: [Target], groups: [Int]?) throws(LearnError) -> [Fold] {
  let splitter = cv ?? defaultSplitter(for: Target.self)
  if let groups, groups.count != count {
    throw .shapeMismatch("groups has \(groups.count) entries for \(count) samples")
  }
  return try splitter.folds(count: count, labels: y as? [Int], groups: groups)
}

/// One fold's fit-and-score work.
struct FoldOutcome<Model: Predictor>: Sendable {
  var test: [Double]
  var train: [Double]
  var fitTime: Double
  var scoreTime: Double
  var model: Model?
  /// The distinct warnings of the fit and the scoring.
  var warnings: [LearnWarning] = []
}

/// Seconds taken by `body`.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = DispatchTime.now().uptimeNanoseconds
  let value = try body()
  return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// Runs `body` on the sub-matrix of `rows` and reports a non-finite or too large value at the
/// original row.
func inOriginalRows<T>(_ rows: [Int], _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch LearnError.nonFiniteValue(let row, let column) where row >= 0 && row < rows.count {
    throw LearnError.nonFiniteValue(row: rows[row], column: column)
  } catch LearnError.valueTooLarge(let row, let column, let value, let limit, let model) where row >= 0 && row < rows.count {
    throw LearnError.valueTooLarge(row: rows[row], column: column, value: value, limit: limit, model: model)
  }
}

/// Fits `estimator` on rows `train` (or continues `parent` for `units` more units) and scores it
/// with every scorer on rows `test`, and on `train` when asked: the one fit-and-score path of
/// cross-validation, curves and searches.
///
/// The warnings of the fit, of its model and of the scoring go to `sink` (a fresh one when not
/// given), which has no parent: callers pass them on in fold order, so their order does not
/// depend on which fold finished first, and a caller that gives its own sink still has them when
/// the fold throws. Under `policy`, a warning of one of its error categories fails the fold.
func fitAndScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], train: [Int], test: [Int], scorers: [Scorer],
  scoreTrain: Bool, keepModel: Bool, parent: E.Fitted? = nil, units: Int = 0, policy: WarningPolicy = .record,
  sink: WarningSink = WarningSink()
) throws -> FoldOutcome<E.Fitted> {
  var context = JobContext.current ?? JobContext()
  context.warnings = sink
  var outcome = try JobContext.with(context) { () throws -> FoldOutcome<E.Fitted> in
    let xTrain = x.rows(at: train), yTrain = train.map { y[$0] }
    let (model, fitTime) = try timed { () throws -> E.Fitted in
      try inOriginalRows(train) {
        guard let parent else { return try estimator.fit(xTrain, yTrain) }
        return try continueTraining(estimator, parent, xTrain, yTrain, units: units)
      }
    }
    for warning in model.warnings { LearnWarning.emit(warning) }
    let xTest = x.rows(at: test), yTest = test.map { y[$0] }
    let (testScores, scoreTime) = try timed { try inOriginalRows(test) { try scorers.map { try $0.score(model, xTest, yTest) } } }
    let trainScores = scoreTrain ? try scorers.map { try $0.score(model, xTrain, yTrain) } : []
    return FoldOutcome(test: testScores, train: trainScores, fitTime: fitTime, scoreTime: scoreTime, model: keepModel ? model : nil)
  }
  outcome.warnings = sink.warnings
  try policy.check(outcome.warnings)
  return outcome
}

/// `estimator.continued(parent, …)` for an estimator known only to be an `Estimator`.
private func continueTraining<E: Estimator>(_ estimator: E, _ parent: E.Fitted, _ x: Matrix, _ y: [E.Target], units: Int) throws -> E.Fitted {
  guard let incremental = estimator as? any IncrementallyTrainable else {
    throw LearnError.invalidArgument(name: "continuing", reason: "\(E.estimatorName) cannot continue training")
  }
  func open<T: IncrementallyTrainable>(_ estimator: T) throws -> E.Fitted {
    guard let model = parent as? T.Fitted, let targets = y as? [T.Target], let result = try estimator.continued(model, on: x, targets, budget: units) as? E.Fitted else {
      throw LearnError.invalidArgument(name: "continuing", reason: "the parent model does not belong to \(T.estimatorName)")
    }
    return result
  }
  return try open(incremental)
}

/// The folds of one evaluation gathered per metric, after failures have taken the error score.
struct FoldTable<Model: Predictor> {
  var test: [String: [Double]] = [:]
  var train: [String: [Double]] = [:]
  var fitTimes: [Double] = []
  var scoreTimes: [Double] = []
  var models: [Model] = []
  /// The reason each failed fold failed, by fold.
  var failures: [Int: String] = [:]
  /// The first failed fold's error.
  var firstError: (any Error)?
  /// The distinct warnings of the folds that ran, in fold order.
  var warnings: [LearnWarning] = []

  /// The first failure's reason, when a fold failed.
  var failure: String? { failures.keys.min().map { failures[$0]! } }
}

/// Gathers fold outcomes by metric. A fold that threw, or whose scores are not all finite, has
/// failed: its scores become the `errorScore` value, or with `.raise` its error is thrown (the
/// lowest failed fold's). A non-finite score is never kept: it would rank as a number. The
/// folds' warnings are kept in fold order, a failed fold's from `failureWarnings`.
func gatherFolds<Model>(
  _ outcomes: [Result<FoldOutcome<Model>, any Error>], metrics: [String], returnTrainScore: Bool, errorScore: ErrorScore,
  failureWarnings: [Int: [LearnWarning]] = [:]
) throws -> FoldTable<Model> {
  var table = FoldTable<Model>()
  for (k, outcome) in outcomes.enumerated() {
    var error: (any Error)?
    let warnings: [LearnWarning]
    switch outcome {
    case .success(let fold): warnings = fold.warnings
    case .failure: warnings = failureWarnings[k] ?? []
    }
    for warning in warnings where !table.warnings.contains(warning) { table.warnings.append(warning) }
    switch outcome {
    case .success(let fold):
      if let bad = metrics.indices.first(where: { !fold.test[$0].isFinite }) {
        error = LearnError.invalidArgument(name: "scoring", reason: "the \(metrics[bad]) score of fold \(k) is not finite (\(fold.test[bad]))")
        break
      }
      for (s, name) in metrics.enumerated() {
        table.test[name, default: []].append(fold.test[s])
        if returnTrainScore { table.train[name, default: []].append(fold.train[s]) }
      }
      table.fitTimes.append(fold.fitTime)
      table.scoreTimes.append(fold.scoreTime)
      if let model = fold.model { table.models.append(model) }
    case .failure(let thrown):
      error = thrown
    }
    guard let error else { continue }
    guard case .value(let score) = errorScore else { throw error }
    table.failures[k] = String(describing: error)
    if table.firstError == nil { table.firstError = error }
    for name in metrics {
      table.test[name, default: []].append(score)
      if returnTrainScore { table.train[name, default: []].append(score) }
    }
    table.fitTimes.append(0)
    table.scoreTimes.append(0)
  }
  return table
}

/// Evaluates `estimator` by cross-validation with several scorers at once (scikit-learn's
/// `cross_validate`).
///
/// Folds run in parallel; each fold writes only its own slot and estimators carry their own seeds,
/// so results are identical for any `parallelism`.
///
/// - Parameters:
///   - cv: the splitter; `nil` means stratified 5-fold for classifiers, 5-fold otherwise.
///   - groups: group ids for group splitters.
///   - scoring: the scorers; empty means the estimator's default (accuracy or R²).
///   - returnTrainScore: also score each fold's training rows.
///   - returnModels: keep each fold's fitted model.
///   - errorScore: `.raise` (the default: a failure is never a silent number) or a score to record.
public func crossValidate<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], cv: (any Splitter)? = nil, groups: [Int]? = nil,
  scoring: [Scorer] = [], returnTrainScore: Bool = false, returnModels: Bool = false,
  errorScore: ErrorScore = .raise, parallelism: Parallelism = .automatic
) throws -> CrossValidationResult<E.Fitted> {
  try Validation.checkShapes(x, y)
  let scorers = scoring.isEmpty ? [defaultScorer(for: E.Target.self)] : scoring
  let names = scorers.map(\.name)
  guard Set(names).count == names.count else {
    throw LearnError.invalidArgument(name: "scoring", reason: "scorer names must be unique, got \(names)")
  }
  let split = try collectingWarnings { try makeFolds(cv, count: x.rowCount, y: y, groups: groups) }
  let folds = split.value
  let sinks = folds.map { _ in WarningSink() }
  let outcomes = Parallel.mapResults(folds.count, parallelism: parallelism) { k in
    try fitAndScore(estimator, x, y, train: folds[k].train, test: folds[k].test, scorers: scorers,
                    scoreTrain: returnTrainScore, keepModel: returnModels, sink: sinks[k])
  }
  let foldWarnings = Dictionary(uniqueKeysWithValues: sinks.indices.map { ($0, sinks[$0].warnings) })
  let table = try gatherFolds(outcomes, metrics: names, returnTrainScore: returnTrainScore, errorScore: errorScore,
                              failureWarnings: foldWarnings)
  for warning in table.warnings { LearnWarning.emit(warning) }
  if table.failures.count == folds.count {
    throw LearnError.invalidArgument(
      name: "estimator", reason: "every fold failed; the first: \(table.failure ?? "unknown")")
  }
  return CrossValidationResult(folds: folds, scorerNames: names, testScores: table.test, trainScores: table.train,
                               fitTimes: table.fitTimes, scoreTimes: table.scoreTimes, models: table.models,
                               failures: table.failures,
                               warnings: split.warnings + table.warnings.filter { !split.warnings.contains($0) })
}

/// Scores of `estimator` on each fold with one scorer (scikit-learn's `cross_val_score`).
///
/// - Parameter scoring: `nil` means the estimator's default (accuracy or R²).
public func crossValScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], cv: (any Splitter)? = nil, groups: [Int]? = nil,
  scoring: Scorer? = nil, parallelism: Parallelism = .automatic
) throws -> [Double] {
  try crossValidate(estimator, x, y, cv: cv, groups: groups, scoring: scoring.map { [$0] } ?? [],
                    parallelism: parallelism).scores
}

/// Scores of `estimator` on each fold, with `scoring` given as a list the way searches take it
/// (one scorer; empty means the estimator's default).
public func crossValScore<E: Estimator>(
  _ estimator: E, _ x: Matrix, _ y: [E.Target], cv: (any Splitter)? = nil, groups: [Int]? = nil,
  scoring: [Scorer], parallelism: Parallelism = .automatic
) throws -> [Double] {
  guard scoring.count <= 1 else {
    throw LearnError.invalidArgument(
      name: "scoring", reason: "crossValScore takes one scorer, got \(scoring.map(\.name)); use crossValidate for several")
  }
  return try crossValScore(estimator, x, y, cv: cv, groups: groups, scoring: scoring.first, parallelism: parallelism)
}
