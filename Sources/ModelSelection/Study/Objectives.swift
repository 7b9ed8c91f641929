import Foundation
import LearnCore
import LinearAlgebra
import Synchronization

/// Cross-validation of an estimator as a study's objective: one job per fold, folds fixed for the
/// whole study, every scorer at once, budgets by samples or units, and continuation of kept fold
/// models.
final class CrossValidationObjective<E: Estimator>: TrialObjective {
  /// A trial's configured estimator and, when it continues a parent, the parent's fold models.
  struct Prepared: Sendable {
    var estimator: Result<E, any Error>
    var parentModels: [E.Fitted]?
    var units: Int
    var keepModels: Bool
  }

  /// What is kept across trials: fold models for continuation, and each failed trial's first error.
  struct Kept {
    var models: [Int: [E.Fitted]] = [:]
    var budgets: [Int: Budget?] = [:]
    var errors: [Int: any Error] = [:]
    /// Why a trial's fold models could not be written to the checkpoint folder.
    var checkpointFailures: [Int: String] = [:]
    /// The warnings of a trial's folds that failed, by trial and fold, until the trial completes.
    var failedFoldWarnings: [Int: [Int: [LearnWarning]]] = [:]
    /// Whether the strategy may continue trials (so models of continuable configurations are kept).
    var continuesTrials = true
  }

  let estimator: E
  let x: Matrix
  let y: [E.Target]
  let folds: [Fold]
  let scorers: [Scorer]
  let errorScore: ErrorScore
  let returnTrainScore: Bool
  let budgetParameter: String?
  let retainFoldModels: Bool
  let fitTimeout: Double?
  let seed: UInt64
  /// The data's shape, for strategies (counted once: the executor asks at every decision).
  let data: DataProfile?
  /// Where kept fold models are also written, so a resumed search or another process continues them.
  let checkpoints: CheckpointStore<E.Fitted>?
  /// Which warnings fail a fold.
  let warningPolicy: WarningPolicy
  /// The warnings of making the folds (a class too small for them), which every trial shares.
  let splitWarnings: [LearnWarning]
  let kept = Mutex(Kept())

  init(
    estimator: E, x: Matrix, y: [E.Target], folds: [Fold], scorers: [Scorer], errorScore: ErrorScore, returnTrainScore: Bool,
    budgetParameter: String?, retainFoldModels: Bool, fitTimeout: Double?, seed: UInt64,
    checkpoints: CheckpointStore<E.Fitted>? = nil, warningPolicy: WarningPolicy = .record, splitWarnings: [LearnWarning] = []
  ) {
    self.checkpoints = checkpoints
    self.warningPolicy = warningPolicy
    self.splitWarnings = splitWarnings
    self.estimator = estimator
    self.x = x
    self.y = y
    self.folds = folds
    self.scorers = scorers
    self.errorScore = errorScore
    self.returnTrainScore = returnTrainScore
    self.budgetParameter = budgetParameter
    self.retainFoldModels = retainFoldModels
    self.fitTimeout = fitTimeout
    self.seed = seed
    data = DataProfile(samples: x.rowCount, splits: folds.count, classes: (y as? [Int]).map { Set($0).count })
  }

  /// Whether the running strategy may continue trials; set before each run.
  var continuesTrials: Bool {
    get { kept.withLock { $0.continuesTrials } }
    set { kept.withLock { $0.continuesTrials = newValue } }
  }

  var jobsPerTrial: Int { folds.count }
  var space: SearchSpace? { nil }
  var displayName: String { E.estimatorName }

  /// Configures the trial's estimator (a bad value fails the trial, not the search) and finds
  /// the parent's models when it can continue them.
  ///
  /// A budget is the total after continuing, so the parent's models train for the difference.
  /// That needs kept models, unit budgets on both sides (the child's at least the parent's) and a
  /// configuration that can continue those models (a choice that switched alternatives cannot).
  /// Otherwise the trial is fitted afresh at its full budget, which gives the same model for
  /// estimators whose continuation equals longer training; so does a parent replayed from a
  /// journal whose models were neither in memory nor in a checkpoint on disk.
  func prepare(_ trial: TrialRecord, parent parentRecord: TrialRecord?) -> Prepared {
    let plain = Result { () throws -> E in try estimator.setting(trial.parameters) }
    var continuation: (models: [E.Fitted], units: Int)?
    if let parent = trial.parent, case .units(let total)? = trial.resource {
      var stored = kept.withLock { ($0.models[parent], $0.budgets[parent]) }
      if stored.0 == nil, let checkpoints, let parentRecord, parentRecord.status.isFinished,
        let models = checkpoints.load(
          CheckpointIdentity(trial: parent, parameters: parentRecord.parameters, budget: parentRecord.resource), folds: folds.count)
      {
        stored = (models, parentRecord.resource)
      }
      if let models = stored.0, let first = models.first, case .units(let before)?? = stored.1, total >= before,
        let configured = try? plain.get(), canContinue(configured, from: first)
      {
        let scale = budgetParameter == nil ? trainingUnits(of: configured)?.scale ?? 1 : 1
        let (difference, negative) = total.subtractingReportingOverflow(before)
        let (units, overflow) = difference.multipliedReportingOverflow(by: scale)
        if !negative, !overflow { continuation = (models, units) }
      }
    }
    let configured = plain.flatMap { estimator -> Result<E, any Error> in
      guard case .units(let n)? = trial.resource else { return .success(estimator) }
      let name = budgetParameter ?? trainingUnits(of: estimator)?.parameter
      if let name, trial.parameters[name] != nil {
        return .failure(LearnError.invalidArgument(
          name: name, reason: "is the search's budget (units); it cannot also be a searched parameter"))
      }
      guard continuation == nil else { return .success(estimator) }
      return Result { try trainingFor(n, estimator, budgetParameter: budgetParameter) }
    }
    let canContinueTraining = ((try? configured.get()) as? any IncrementallyTrainable)?.canContinueTraining == true
    return Prepared(
      estimator: configured, parentModels: continuation?.models, units: continuation?.units ?? 0,
      keepModels: retainFoldModels || (continuesTrials && canContinueTraining))
  }

  /// Fits and scores fold `job`, on a fixed per-fold subsample for a `.samples` budget.
  func run(_ prepared: Prepared, trial: TrialRecord, job k: Int) throws -> FoldOutcome<E.Fitted> {
    let estimator = try prepared.estimator.get()
    var train = folds[k].train
    if case .samples(let n)? = trial.resource {
      // A fixed shuffle per fold, so growing budgets see nested subsets.
      var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(k)))
      generator.shuffle(&train)
      train = Array(train.prefix(Swift.max(1, Swift.min(n, train.count)))).sorted()
    }
    let rows = train, test = folds[k].test, parent = prepared.parentModels?[k], units = prepared.units
    let (x, y, scorers, scoreTrain, keep, policy) = (self.x, self.y, self.scorers, returnTrainScore, prepared.keepModels, warningPolicy)
    let sink = WarningSink()
    let outcome: FoldOutcome<E.Fitted>
    do {
      outcome = try withTimeout(fitTimeout) {
        try fitAndScore(estimator, x, y, train: rows, test: test, scorers: scorers, scoreTrain: scoreTrain, keepModel: keep,
                        parent: parent, units: units, policy: policy, sink: sink)
      }
    } catch {
      // A warning often explains the failure (values beyond the arithmetic's range): keep it.
      let warnings = sink.warnings
      if !warnings.isEmpty { kept.withLock { $0.failedFoldWarnings[trial.index, default: [:]][k] = warnings } }
      throw error
    }
    // Written here, by the worker and outside the executor's lock, before the trial completes.
    if keep, let checkpoints, let model = outcome.model {
      do {
        try checkpoints.save(
          model, identity: CheckpointIdentity(trial: trial.index, parameters: trial.parameters, budget: trial.resource), fold: k)
      } catch {
        kept.withLock { $0.checkpointFailures[trial.index] = "fold \(k): \(error)" }
      }
    }
    return outcome
  }

  /// The trial's scores by scorer; its models are kept when it may be continued (and written to
  /// the checkpoint folder, before the completion reaches the journal). A trial that was to
  /// continue its parent but was trained afresh is tagged `refitted`.
  func complete(_ trial: TrialRecord, _ prepared: Prepared, _ outputs: [Result<FoldOutcome<E.Fitted>, any Error>]) throws -> TrialRecord {
    let failedWarnings = kept.withLock { $0.failedFoldWarnings.removeValue(forKey: trial.index) } ?? [:]
    let table = try gatherFolds(outputs, metrics: scorers.map(\.name), returnTrainScore: returnTrainScore, errorScore: errorScore,
                                failureWarnings: failedWarnings)
    let keep = prepared.keepModels && table.failures.isEmpty && table.models.count == folds.count
    kept.withLock { kept in
      if let error = table.firstError { kept.errors[trial.index] = error }
      if keep {
        kept.models[trial.index] = table.models
        kept.budgets[trial.index] = trial.resource
      }
    }
    var record = trial
    for warning in splitWarnings + table.warnings where !record.warnings.contains(warning.description) {
      record.warnings.append(warning.description)
    }
    if let failure = kept.withLock({ $0.checkpointFailures.removeValue(forKey: trial.index) }) {
      record.warnings.append("the fold models could not be checkpointed (\(failure)); a resumed search will train them again")
    }
    if trial.parent != nil, prepared.parentModels == nil { record.tags["refitted"] = .bool(true) }
    record.status = table.failure.map(TrialStatus.failed) ?? .complete
    record.testScores = table.test
    record.trainScores = table.train
    record.fitTimes = table.fitTimes
    record.scoreTimes = table.scoreTimes
    return record
  }

  /// The fitted fold models of trial `number`, when they were kept.
  func foldModels(of number: Int) -> [E.Fitted]? { kept.withLock { $0.models[number] } }

  /// Drops the kept models of `trials`, unless every trial's models are retained. Their
  /// checkpoint files go once no unfinished trial continues them (a trial killed while
  /// continuing one reloads it when it runs again); the strategy reports them again later.
  func releaseModels(_ trials: Set<Int>, record: [TrialRecord]) {
    guard !retainFoldModels else { return }
    kept.withLock { kept in
      for number in trials { kept.models[number] = nil }
    }
    guard let checkpoints else { return }
    let needed = Set(record.compactMap { $0.status.isFinished ? nil : $0.parent })
    checkpoints.remove(trials.subtracting(needed), folds: folds.count)
  }

  /// The first error of each failed trial, by number.
  var errors: [Int: any Error] { kept.withLock { $0.errors } }
}

/// The training units `estimator` declares, when it is incrementally trainable and its current
/// configuration can train by units.
func trainingUnits<E: Estimator>(of estimator: E) -> TrainingUnits? {
  (estimator as? any IncrementallyTrainable)?.trainingUnits
}

/// `estimator` set to train `units` budget units from scratch: `budgetParameter` set to `units`
/// when the search names one, else the estimator's declared ``TrainingUnits`` (its parameter set
/// to `units × scale`). The one rule for trials and for the refit.
/// - Throws: ``LearnError/invalidArgument(name:reason:)`` when neither applies (a units budget on
///   an estimator that cannot train by units is refused, not ignored); errors setting the value.
func trainingFor<E: Estimator>(_ units: Int, _ estimator: E, budgetParameter: String?) throws -> E {
  if let name = budgetParameter { return try estimator.setting(name, to: .int(units)) }
  guard let declared = trainingUnits(of: estimator) else {
    throw LearnError.invalidArgument(
      name: "budget", reason: "a .units(\(units)) budget needs an estimator that trains by units (IncrementallyTrainable: "
        + "MLP epochs, SGD iterations, forest trees) or the search's budgetParameter (such as \"nEstimators\"); "
        + "\(E.estimatorName) is neither")
  }
  let (scaled, overflow) = units.multipliedReportingOverflow(by: declared.scale)
  guard !overflow, declared.scale >= 1 else {
    throw LearnError.invalidArgument(name: "budget", reason: "\(units) units × scale \(declared.scale) is out of range")
  }
  return try estimator.setting(declared.parameter, to: .int(scaled))
}

/// Whether `estimator` can continue `model`: it is incrementally trainable, and (for a choice)
/// the model came from its chosen alternative.
func canContinue<E: Estimator>(_ estimator: E, from model: E.Fitted) -> Bool {
  guard let incremental = estimator as? any IncrementallyTrainable else { return false }
  func accepts<T: IncrementallyTrainable>(_ estimator: T) -> Bool {
    guard let fitted = model as? T.Fitted else { return false }
    return estimator.canContinue(from: fitted)
  }
  return accepts(incremental)
}

/// One evaluation of a plain objective: its value, or values for several objectives.
struct ObjectiveOutput: Sendable {
  var values: [Double]
  var seconds: Double
}

/// `trial` with a plain objective's outcome, one value per metric: complete with finite values;
/// failed with a value that is not finite, the wrong number of values, or an error; pruned
/// (``TrialPruned``) with its last reported value (as the first metric's).
func recorded(_ trial: TrialRecord, _ output: Result<ObjectiveOutput, any Error>, metrics: [String]) -> TrialRecord {
  var record = trial
  let missing = Dictionary(uniqueKeysWithValues: metrics.map { ($0, [Double.nan]) })
  switch output {
  case .success(let output) where output.values.count == metrics.count && output.values.allSatisfy(\.isFinite):
    record.status = .complete
    record.testScores = Dictionary(uniqueKeysWithValues: zip(metrics, output.values.map { [$0] }))
    record.fitTimes = [output.seconds]
  case .success(let output):
    record.status = .failed(output.values.count == metrics.count
      ? "the objective returned \(output.values.count == 1 ? "\(output.values[0])" : "\(output.values)")"
      : "the objective returned \(output.values.count) values for \(metrics.count) objectives")
    record.testScores = missing
    record.fitTimes = [output.seconds]
  case .failure(let error as PrunedAfter):
    record.status = .pruned
    record.testScores = missing
    record.testScores[metrics[0]] = [trial.intermediateValues.max { $0.key < $1.key }?.value ?? .nan]
    record.fitTimes = [error.seconds]
  case .failure(let error):
    record.status = .failed(String(describing: error))
    record.testScores = missing
    record.fitTimes = [0]
  }
  record.scoreTimes = [0]
  return record
}

/// A ``TrialPruned`` thrown after `seconds` of evaluation.
struct PrunedAfter: Error {
  let seconds: Double
}

/// A plain closure as a study's objective (``minimize``, ``maximize``, multi-objective
/// ``optimize(_:directions:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``):
/// one job per trial, its values recorded under the study's metrics; the closure sees its trial
/// (``TrialContext``: parameters, budget, reports and pruning). A value that is not finite, or a
/// thrown error, fails the trial; ``TrialPruned`` prunes it.
struct ContextObjective: TrialObjective {
  let body: @Sendable (TrialContext) throws -> [Double]
  let study: Study
  let pruner: (any Pruner)?
  let space: SearchSpace?
  let timeout: Double?

  var jobsPerTrial: Int { 1 }
  var displayName: String { "objective" }
  var data: DataProfile? { nil }
  func releaseModels(_ trials: Set<Int>, record: [TrialRecord]) {}

  func prepare(_ trial: TrialRecord, parent: TrialRecord?) -> Bool { true }

  func run(_ prepared: Bool, trial: TrialRecord, job: Int) throws -> ObjectiveOutput {
    let context = TrialContext(number: trial.index, parameters: trial.parameters, budget: trial.resource, study: study, pruner: pruner)
    let body = self.body
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      let (values, seconds) = try timed { try withTimeout(timeout) { try body(context) } }
      return ObjectiveOutput(values: values, seconds: seconds)
    } catch is TrialPruned {
      throw PrunedAfter(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
  }

  func complete(_ trial: TrialRecord, _ prepared: Bool, _ outputs: [Result<ObjectiveOutput, any Error>]) throws -> TrialRecord {
    // The values reported while it ran are in the study's copy of the trial.
    var current = trial
    if let reported = study.trial(trial.index)?.intermediateValues { current.intermediateValues = reported }
    return recorded(current, outputs[0], metrics: study.metrics)
  }
}

/// Finds the parameters in `space` that minimise `objective` (Optuna's
/// `study.optimize(objective, n_trials)` on a minimising study, scikit-optimize's `*_minimize`).
///
/// - Parameters:
///   - objective: the function of the parameters; a thrown error or a value that is not finite
///     fails that trial, and the search goes on.
///   - space: the parameters and their distributions.
///   - trials: the number of trials the study holds when done (a resumed study runs the rest).
///   - strategy: proposes the trials; by default random search over `space`. A strategy built
///     without a space of its own (`RandomSearch(iterations:seed:)`) draws from `space`.
///   - seed: the study's seed (and the default random search's).
///   - journal: a file recording every trial; running again on it resumes, and several
///     processes running the same study on it share the work. Needs `studyName`.
///   - journalOptions: heartbeats, when a silent trial counts as dead, and the locking.
///   - studyName: identifies the study in its journal (a closure cannot be fingerprinted).
/// - Returns: the study: its trials, ``Study/bestParameters``, ``Study/bestValue``.
@discardableResult
public func minimize(
  _ objective: @escaping @Sendable (ParameterSet) throws -> Double, space: [String: Distribution], trials: Int,
  strategy: (any SearchStrategy)? = nil, seed: UInt64 = 0, parallelism: Parallelism = .serial,
  stop: StopConditions = StopConditions(), journal: String? = nil, journalOptions: JournalOptions = JournalOptions(),
  studyName: String? = nil, progress: SearchProgress = SearchProgress()
) throws -> Study {
  try minimize({ try objective($0.parameters) }, space: space, trials: trials, strategy: strategy, seed: seed,
               parallelism: parallelism, stop: stop, journal: journal, journalOptions: journalOptions, studyName: studyName,
               progress: progress)
}

/// Finds the parameters in `space` that maximise `objective`; see ``minimize(_:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``.
@discardableResult
public func maximize(
  _ objective: @escaping @Sendable (ParameterSet) throws -> Double, space: [String: Distribution], trials: Int,
  strategy: (any SearchStrategy)? = nil, seed: UInt64 = 0, parallelism: Parallelism = .serial,
  stop: StopConditions = StopConditions(), journal: String? = nil, journalOptions: JournalOptions = JournalOptions(),
  studyName: String? = nil, progress: SearchProgress = SearchProgress()
) throws -> Study {
  try maximize({ try objective($0.parameters) }, space: space, trials: trials, strategy: strategy, seed: seed,
               parallelism: parallelism, stop: stop, journal: journal, journalOptions: journalOptions, studyName: studyName,
               progress: progress)
}

/// Finds the parameters in `space` that minimise `objective`, which sees its trial (Optuna's
/// `objective(trial)`): the parameters, the budget a multi-fidelity strategy set, and
/// ``TrialContext/report(_:step:)`` with ``TrialContext/shouldPrune`` for `pruner`. Throwing
/// ``TrialPruned`` stops the trial, recorded as pruned with its last reported value. The other
/// arguments are those of ``minimize(_:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``.
@discardableResult
public func minimize(
  _ objective: @escaping @Sendable (TrialContext) throws -> Double, space: [String: Distribution], trials: Int,
  strategy: (any SearchStrategy)? = nil, pruner: (any Pruner)? = nil, seed: UInt64 = 0, parallelism: Parallelism = .serial,
  stop: StopConditions = StopConditions(), journal: String? = nil, journalOptions: JournalOptions = JournalOptions(),
  studyName: String? = nil, progress: SearchProgress = SearchProgress()
) throws -> Study {
  try optimize({ [try objective($0)] }, directions: [.minimize], space: space, trials: trials, strategy: strategy, pruner: pruner, seed: seed,
               parallelism: parallelism, stop: stop, journal: journal.map { ($0, journalOptions) }, studyName: studyName,
               progress: progress)
}

/// Finds the parameters in `space` that maximise `objective`, which sees its trial; see
/// ``minimize(_:space:trials:strategy:pruner:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``.
@discardableResult
public func maximize(
  _ objective: @escaping @Sendable (TrialContext) throws -> Double, space: [String: Distribution], trials: Int,
  strategy: (any SearchStrategy)? = nil, pruner: (any Pruner)? = nil, seed: UInt64 = 0, parallelism: Parallelism = .serial,
  stop: StopConditions = StopConditions(), journal: String? = nil, journalOptions: JournalOptions = JournalOptions(),
  studyName: String? = nil, progress: SearchProgress = SearchProgress()
) throws -> Study {
  try optimize({ [try objective($0)] }, directions: [.maximize], space: space, trials: trials, strategy: strategy, pruner: pruner, seed: seed,
               parallelism: parallelism, stop: stop, journal: journal.map { ($0, journalOptions) }, studyName: studyName,
               progress: progress)
}

/// Finds the trade-offs between several objectives of the parameters in `space` (Optuna's
/// `create_study(directions=[…])` with `study.optimize`): `objective` returns one value per
/// direction, recorded as the metrics `value0`, `value1`, …, and the study's
/// ``Study/bestTrials`` are its Pareto front. A thrown error, a value that is not finite or the
/// wrong number of values fails that trial, and the search goes on.
///
/// - Parameters:
///   - directions: which way each value is better (at least two).
///   - strategy: proposes the trials; by default NSGA-II (``NSGAIISearch``) over `space`, with
///     the study's objectives. A single-objective strategy (random, TPE…) optimises the first
///     value and still records the others.
///   - The others are those of ``minimize(_:space:trials:strategy:seed:parallelism:stop:journal:journalOptions:studyName:progress:)``.
/// - Returns: the study: its trials, ``Study/bestTrials``, ``Study/results`` (whose
///   ``SearchResults/paretoFront(_:)`` and ``SearchResults/hypervolume(reference:objectives:)``
///   measure the front).
@discardableResult
public func optimize(
  _ objective: @escaping @Sendable (ParameterSet) throws -> [Double], directions: [StudyDirection],
  space: [String: Distribution], trials: Int, strategy: (any SearchStrategy)? = nil, seed: UInt64 = 0,
  parallelism: Parallelism = .serial, stop: StopConditions = StopConditions(), journal: String? = nil,
  journalOptions: JournalOptions = JournalOptions(), studyName: String? = nil, progress: SearchProgress = SearchProgress()
) throws -> Study {
  guard directions.count >= 2 else {
    throw LearnError.invalidArgument(
      name: "directions", reason: "a multi-objective study needs at least two, got \(directions.count) (use minimize or maximize for one)")
  }
  let strategy = try strategy ?? NSGAIISearch(iterations: trials)
  return try optimize({ try objective($0.parameters) }, directions: directions, space: space, trials: trials, strategy: strategy,
                      pruner: nil, seed: seed, parallelism: parallelism, stop: stop, journal: journal.map { ($0, journalOptions) },
                      studyName: studyName, progress: progress)
}

private func optimize(
  _ objective: @escaping @Sendable (TrialContext) throws -> [Double], directions: [StudyDirection], space: [String: Distribution],
  trials: Int, strategy: (any SearchStrategy)?, pruner: (any Pruner)?, seed: UInt64, parallelism: Parallelism,
  stop: StopConditions, journal: (path: String, options: JournalOptions)?, studyName: String?, progress: SearchProgress
) throws -> Study {
  guard trials >= 1 else { throw LearnError.invalidArgument(name: "trials", reason: "must be at least 1, got \(trials)") }
  let searchSpace = try SearchSpace(space)
  let strategy = try strategy ?? RandomSearch(iterations: trials, seed: seed)
  let metrics = directions.count == 1 ? ["value"] : directions.indices.map { "value\($0)" }
  let objectives = directions.count == 1 ? [] : zip(metrics, directions).map { Objective(.metric($0), $1) }
  try Objective.check(strategy.objectives, metrics: metrics, searched: searchSpace.names)
  var file: StudyJournal?
  if let journal {
    guard let studyName, !studyName.isEmpty else {
      throw LearnError.invalidArgument(name: "studyName", reason: "a journaled study needs a name: a closure cannot be fingerprinted")
    }
    var fields = [
      "study": studyName, "direction": directions[0].rawValue, "space": searchSpace.description, "strategy": strategy.fingerprint,
      "seed": String(seed),
    ]
    if !objectives.isEmpty { fields["objectives"] = Objective.headerText(objectives) }
    file = try StudyJournal(path: journal.path, fingerprint: StudyFingerprint(fields: fields), options: journal.options)
  }
  let study = Study(direction: directions[0], metrics: metrics, splits: 1, seed: seed, objectives: objectives, journal: file)
  var limits = stop
  limits.maxTrials = Swift.min(trials, stop.maxTrials ?? trials)
  let executor = Executor(
    study: study, strategy: strategy,
    objective: ContextObjective(body: objective, study: study, pruner: pruner, space: searchSpace, timeout: stop.fitTimeout),
    stop: limits, progress: progress, parallelism: parallelism)
  try executor.run()
  return study
}
