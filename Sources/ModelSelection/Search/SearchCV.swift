import Foundation
import LearnCore
import LinearAlgebra

/// How a search picks and refits its final model.
public enum Refit: Sendable {
  /// Refit the trial ranked best by this scorer (scikit-learn's `refit=True` / `refit="name"`).
  case metric(String)
  /// Refit the trial this function picks from the results (scikit-learn's callable `refit`).
  case select(@Sendable (SearchResults) throws -> Int)
  /// Keep no final model: the search only reports its results (`refit=False`). (Named `off`
  /// rather than `none`, which in an optional `Refit?` argument would mean "the default".)
  case off

  /// The simplest model within one standard error of the best: among trials whose mean score is
  /// at least `best − std(best)/√folds`, the one `simplicity` ranks lowest (for example the
  /// smallest `c`), ties broken by score.
  public static func oneStandardError(metric: String, simplicity: @escaping @Sendable (ParameterSet) -> Double) -> Refit {
    .select { results in
      guard let best = results.bestIndex(metric) else {
        throw LearnError.invalidArgument(name: "refit", reason: "no trial completed")
      }
      let scores = results.trials[best].testScores[metric] ?? []
      let threshold = mean(scores) - standardDeviation(scores) / Double(scores.count).squareRoot()
      let eligible = results.trials.indices.filter {
        results.trials[$0].status == .complete && results.trials[$0].meanTestScore(metric) >= threshold
      }
      return eligible.min {
        let (a, b) = (simplicity(results.trials[$0].parameters), simplicity(results.trials[$1].parameters))
        return a != b ? a < b : results.trials[$0].meanTestScore(metric) > results.trials[$1].meanTestScore(metric)
      } ?? best
    }
  }
}

/// A cross-validated hyperparameter search that is itself an estimator (scikit-learn's
/// `GridSearchCV`/`RandomizedSearchCV`, Optuna's study with a CV objective): `fit` runs the
/// strategy through the engine, ranks the trials, refits the best candidate on all the data and
/// returns a model that predicts with it.
public struct SearchCV<Base: Estimator, Strategy: SearchStrategy>: Estimator {
  /// The refitted model's predictions.
  public typealias Target = Base.Target

  /// The estimator whose hyperparameters are searched.
  public var estimator: Base
  /// The strategy proposing candidates.
  public var strategy: Strategy
  /// The splitter; `nil` means stratified 5-fold for classifiers, 5-fold otherwise.
  public var cv: (any Splitter)?
  /// The scorers; empty means accuracy for classifiers and R² for regressors.
  public var scoring: [Scorer]
  /// How the final model is chosen (default: the best trial by the first scorer).
  public var refit: Refit?
  /// What a failed fit scores (default NaN, recorded as a failed trial); `.raise` stops the search.
  public var errorScore: ErrorScore
  /// Also score the training folds (scikit-learn's `return_train_score`).
  public var returnTrainScore: Bool
  /// Parallelism of the (candidate × fold) fan-out.
  public var parallelism: Parallelism
  /// When to stop early.
  public var stop: StopConditions
  /// The hyperparameter a `.units` budget sets (for example `"nEstimators"`), for multi-fidelity
  /// strategies; `nil` uses the estimator's own ``LearnCore/TrainingUnits`` (MLP epochs, SGD
  /// iterations, forest trees; through pipelines and choices). Naming one also lets an estimator
  /// that cannot continue training take unit budgets, each trial then trained from scratch.
  public var budgetParameter: String?
  /// A journal file: every finished trial is appended there, and a search run again on the same
  /// journal resumes where it stopped.
  public var journal: String?
  /// How the journal is shared with other processes (heartbeats, dead-worker timeout, locking).
  public var journalOptions = JournalOptions()
  /// Where the fold models that later trials continue are also written (by default beside the
  /// journal, when the models are ``LearnCore/Persistable``), so a resumed search or another
  /// process continues them instead of training them again.
  public var checkpoints = ModelCheckpoints.besideJournal
  /// Progress reporting.
  public var progress: SearchProgress
  /// Seed for the engine's own randomness (budget subsamples).
  public var seed: UInt64
  /// Keep every trial's fitted fold models in the fitted search (``SearchModel/foldModels``).
  public var retainFoldModels = false
  /// Which warnings fail a trial's fold (by default none: every trial records its warnings in
  /// ``TrialRecord/warnings`` and the journal). With ``WarningPolicy/error``, a candidate whose
  /// solver did not converge is a failed trial, scored by ``errorScore``.
  public var warningPolicy = WarningPolicy.record

  /// A search; see the properties for the meaning and defaults of each argument.
  public init(
    _ estimator: Base, strategy: Strategy, cv: (any Splitter)? = nil, scoring: [Scorer] = [], refit: Refit? = nil,
    errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false, parallelism: Parallelism = .automatic,
    stop: StopConditions = StopConditions(), budgetParameter: String? = nil, journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) {
    self.estimator = estimator
    self.strategy = strategy
    self.cv = cv
    self.scoring = scoring
    self.refit = refit
    self.errorScore = errorScore
    self.returnTrainScore = returnTrainScore
    self.parallelism = parallelism
    self.stop = stop
    self.budgetParameter = budgetParameter
    self.journal = journal
    self.progress = progress
    self.seed = seed
  }

  /// No rows of its own: see ``hyperparameterTable``.
  public static var hyperparameters: [Hyperparameter<SearchCV>] { [] }

  /// The searched estimator's hyperparameters, prefixed `estimator.` (scikit-learn's `estimator__…`).
  public var hyperparameterTable: [Hyperparameter<SearchCV>] {
    let path: WritableKeyPath<SearchCV, Base> & Sendable = \SearchCV.estimator
    return estimator.hyperparameterTable.map { $0.lifted(prefix: "estimator", through: path) }
  }

  /// `SearchCV[<strategy kind>, <estimator structure>]`.
  public var structureDescription: String { "SearchCV[\(Strategy.self), \(estimator.structureDescription)]" }

  /// Runs the search, then refits the chosen candidate on all of `x`, `y`.
  ///
  /// Throws before anything runs when the strategy's spaces name a hyperparameter the estimator
  /// does not have; after, when every trial failed (listing the reasons), when refitting fails
  /// (refit errors always raise), or with `errorScore: .raise` at the first failure.
  public func fit(_ x: Matrix, _ y: [Target]) throws -> SearchModel<Base> {
    try strategy.validate(parameterNames: estimator.hyperparameterNames, estimator: Base.estimatorName)
    try strategy.validate(fixedWhileContinuing: (estimator as? any IncrementallyTrainable)?.fixedWhileContinuing ?? [],
                          estimator: Base.estimatorName)
    if strategy.budgetResource == .units, budgetParameter == nil, !(estimator is any IncrementallyTrainable) {
      throw LearnError.invalidArgument(
        name: "resource", reason: "budgets in training units need an estimator that trains by units (MLP epochs, SGD "
          + "iterations, forest trees) or a budgetParameter; \(Base.estimatorName) has neither: use resource .samples")
    }
    let session = try SearchSession(
      estimator, x: x, y: y, cv: cv, scoring: scoring, errorScore: errorScore, returnTrainScore: returnTrainScore,
      retainFoldModels: retainFoldModels, parallelism: parallelism, stop: stop, budgetParameter: budgetParameter,
      journal: journal, journalOptions: journalOptions, checkpoints: checkpoints, strategyName: strategy.fingerprint,
      objectives: strategy.objectives, progress: progress, seed: seed, warningPolicy: warningPolicy)
    let execution = try session.run(strategy)
    let results = session.results
    try checkSomeTrialCompleted(results, errors: session.errors)
    let choice = refit ?? .metric(session.scorers[0].name)
    let best = try pick(choice, in: results, scorers: session.scorers)
    var model: Base.Fitted?
    var bestParameters: ParameterSet = [:]
    if let best {
      bestParameters = results.trials[best].parameters
      if case .off = choice {} else {
        model = try refitted(best, in: results, x, y)
      }
    }
    let metric: String
    if case .metric(let name) = choice { metric = name } else { metric = session.scorers[0].name }
    var foldModels: [Int: [Base.Fitted]] = [:]
    if retainFoldModels {
      for index in results.trials.indices { foldModels[index] = session.foldModels(of: index) }
    }
    // The chosen trial's, when the search still holds them (strategies that continue trials).
    if let best, foldModels[best] == nil, let kept = session.foldModels(of: best) { foldModels[best] = kept }
    return SearchModel(
      best: model, bestIndex: best, bestParameters: bestParameters,
      bestScore: best.map { results.trials[$0].meanTestScore(metric) } ?? .nan, results: results, foldModels: foldModels,
      execution: execution)
  }

  /// The chosen trial trained on all of `x`, `y`: its schedule replayed when the strategy asks
  /// for it (``SearchStrategy/refitReplaysSchedule``), else its hyperparameters at its budget.
  private func refitted(_ best: Int, in results: SearchResults, _ x: Matrix, _ y: [Target]) throws -> Base.Fitted {
    if strategy.refitReplaysSchedule, let schedule = results.schedule(of: best),
       let incremental = estimator as? any IncrementallyTrainable {
      func replay<I: IncrementallyTrainable>(_ estimator: I) throws -> Base.Fitted {
        guard let y = y as? [I.Target] else { throw LearnError.invalidArgument(name: "y", reason: "mismatched targets") }
        return try schedule.replay(with: estimator, on: x, y, budgetParameter: budgetParameter) as! Base.Fitted
      }
      return try replay(incremental)
    }
    var configured = try estimator.setting(results.trials[best].parameters)
    if case .units(let units)? = results.trials[best].resource {
      configured = try trainingFor(units, configured, budgetParameter: budgetParameter)
    }
    return try configured.fit(x, y)
  }

  /// Throws when the search has no trial, or when every trial failed: the shared error itself
  /// when all failed for one reason (NaN in x, a bad shape), else the list of reasons.
  private func checkSomeTrialCompleted(_ results: SearchResults, errors: [Int: any Error]) throws {
    guard !results.trials.isEmpty else { throw LearnError.emptyInput("the search evaluated no candidates") }
    let failures = results.trials.compactMap { trial -> String? in
      if case .failed(let reason) = trial.status { return "trial \(trial.index): \(reason)" }
      return nil
    }
    guard failures.count == results.trials.count else { return }
    let causes = errors.values.map { String(describing: $0) }
    if Set(causes).count == 1, let only = errors.values.first { throw only }
    throw LearnError.invalidArgument(
      name: "estimator", reason: "all \(results.trials.count) trials failed:\n" + failures.prefix(10).joined(separator: "\n"))
  }

  /// The trial `choice` picks: by a metric among the strategy's comparable trials (the largest
  /// budget), or by the user's function.
  private func pick(_ choice: Refit, in results: SearchResults, scorers: [Scorer]) throws -> Int? {
    switch choice {
    case .metric(let name):
      guard scorers.contains(where: { $0.name == name }) else {
        throw LearnError.invalidArgument(name: "refit", reason: "'\(name)' is not one of the scorers \(scorers.map(\.name))")
      }
      return results.bestIndex(name, among: strategy.refitPool(results))
    case .select(let pick):
      let index = try pick(results)
      guard results.trials.indices.contains(index) else {
        throw LearnError.invalidArgument(name: "refit", reason: "the refit function chose trial \(index) of \(results.count)")
      }
      return index
    case .off:
      return results.bestIndex(scorers[0].name, among: strategy.refitPool(results))
    }
  }
}

/// A fitted search: the results table and, unless refit was off, the best candidate refitted on
/// all the data, through which it predicts.
public struct SearchModel<Base: Estimator>: Predictor {
  /// The refitted best model (`nil` with `refit: .off`).
  public let best: Base.Fitted?
  /// The chosen trial (scikit-learn's `best_index_`).
  public let bestIndex: Int?
  /// Its hyperparameters (`best_params_`).
  public let bestParameters: ParameterSet
  /// Its mean cross-validated score by the refit metric (`best_score_`).
  public let bestScore: Double
  /// Every trial (`cv_results_`).
  public let results: SearchResults
  /// Each trial's fitted fold models, when the search retained them (scikit-learn's
  /// `return_estimator` of `cross_validate`, per candidate), and the chosen trial's when the
  /// search still held them for continuation (Hyperband's, ASHA's and PBT's final trials).
  public let foldModels: [Int: [Base.Fitted]]
  /// How the search used its workers (wall time, summed job time, cores busy).
  public let execution: ExecutionReport

  /// The refitted model's predictions; throws when the search kept no model.
  public func predict(_ x: Matrix) throws -> [Base.Target] {
    try refitted().predict(x)
  }

  /// The refitted model's warnings (each trial's are in ``results``).
  public var warnings: [LearnWarning] { best?.warnings ?? [] }

  /// The refitted model, or an error saying refit was off.
  public func refitted() throws -> Base.Fitted {
    guard let best else {
      throw LearnError.invalidArgument(name: "refit", reason: "the search was run with refit: .off, so it has no model to predict with")
    }
    return best
  }
}

extension SearchModel: ClassifierModel where Base.Fitted: ClassifierModel {
  /// The refitted model's classes (empty without one).
  public var classes: [Int] { best?.classes ?? [] }
}

extension SearchModel: ProbabilisticClassifierModel where Base.Fitted: ProbabilisticClassifierModel {
  /// The refitted model's probabilities.
  public func predictProbabilities(_ x: Matrix) throws -> Matrix { try refitted().predictProbabilities(x) }
}

extension SearchModel: DecisionFunctionModel where Base.Fitted: DecisionFunctionModel {
  /// Whether the refitted model has a decision function.
  public var hasDecisionFunction: Bool { best?.hasDecisionFunction ?? true }

  /// The refitted model's decision function.
  public func decisionFunction(_ x: Matrix) throws -> Matrix { try refitted().decisionFunction(x) }
}

extension SearchModel: RegressorModel where Base.Fitted: RegressorModel {}

/// scikit-learn's `GridSearchCV`: a ``SearchCV`` with a ``GridSearch`` strategy.
public typealias GridSearchCV<Base: Estimator> = SearchCV<Base, GridSearch>
/// scikit-learn's `RandomizedSearchCV`: a ``SearchCV`` with a ``RandomSearch`` strategy.
public typealias RandomizedSearchCV<Base: Estimator> = SearchCV<Base, RandomSearch>

extension SearchCV where Strategy == GridSearch {
  /// A grid search over `grid` (scikit-learn's `GridSearchCV(estimator, param_grid)`).
  public init(
    _ estimator: Base, grid: [String: [ParameterValue]], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress()
  ) throws(LearnError) {
    self.init(estimator, strategy: try GridSearch(grid), cv: cv, scoring: scoring, refit: refit, errorScore: errorScore,
              returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop, journal: journal, progress: progress)
  }
}

extension SearchCV where Strategy == GridSearch {
  /// A grid search over a list of grids, one after the other (scikit-learn's `param_grid` as a
  /// list of dicts): conditional sub-spaces, such as each alternative of an ``EstimatorChoice``
  /// with its own hyperparameters.
  public init(
    _ estimator: Base, grids: [[String: [ParameterValue]]], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress()
  ) throws(LearnError) {
    self.init(estimator, strategy: try GridSearch(grids: grids), cv: cv, scoring: scoring, refit: refit,
              errorScore: errorScore, returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop,
              journal: journal, progress: progress)
  }
}

extension SearchCV where Strategy == GridSearch {
  /// A grid search over a grid whose values are plain arrays: `["alpha": alphas]` with
  /// `alphas: [Double]`, `["kernel": kernels]` with `kernels: [String]`.
  public init(
    _ estimator: Base, grid: [String: any ParameterValueList], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress()
  ) throws(LearnError) {
    try self.init(estimator, grid: grid.mapValues(\.parameterValues), cv: cv, scoring: scoring, refit: refit,
                  errorScore: errorScore, returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop,
                  journal: journal, progress: progress)
  }

  /// A grid search over a list of grids whose values are plain arrays.
  public init(
    _ estimator: Base, grids: [[String: any ParameterValueList]], cv: (any Splitter)? = nil, scoring: [Scorer] = [],
    refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress()
  ) throws(LearnError) {
    try self.init(estimator, grids: grids.map { $0.mapValues(\.parameterValues) }, cv: cv, scoring: scoring, refit: refit,
                  errorScore: errorScore, returnTrainScore: returnTrainScore, parallelism: parallelism, stop: stop,
                  journal: journal, progress: progress)
  }
}

extension SearchCV where Strategy == RandomSearch {
  /// A random search over a list of spaces (scikit-learn's `param_distributions` as a list of
  /// dicts). When every space is finite, the candidates of all spaces are pooled and drawn without
  /// replacement (so a space with more candidates is drawn more often), as scikit-learn does;
  /// otherwise each draw first picks a space uniformly, then samples it.
  public init(
    _ estimator: Base, spaces: [[String: Distribution]], iterations: Int = 10, cv: (any Splitter)? = nil,
    scoring: [Scorer] = [], refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    self.init(estimator, strategy: try RandomSearch(spaces: spaces, iterations: iterations, seed: seed), cv: cv,
              scoring: scoring, refit: refit, errorScore: errorScore, returnTrainScore: returnTrainScore,
              parallelism: parallelism, stop: stop, journal: journal, progress: progress, seed: seed)
  }

  /// A random search drawing `iterations` candidates from `space` (scikit-learn's
  /// `RandomizedSearchCV(estimator, param_distributions, n_iter)`).
  public init(
    _ estimator: Base, space: [String: Distribution], iterations: Int = 10, cv: (any Splitter)? = nil,
    scoring: [Scorer] = [], refit: Refit? = nil, errorScore: ErrorScore = .value(.nan), returnTrainScore: Bool = false,
    parallelism: Parallelism = .automatic, stop: StopConditions = StopConditions(), journal: String? = nil,
    progress: SearchProgress = SearchProgress(), seed: UInt64 = 0
  ) throws(LearnError) {
    self.init(estimator, strategy: try RandomSearch(space, iterations: iterations, seed: seed), cv: cv, scoring: scoring,
              refit: refit, errorScore: errorScore, returnTrainScore: returnTrainScore, parallelism: parallelism,
              stop: stop, journal: journal, progress: progress, seed: seed)
  }
}
