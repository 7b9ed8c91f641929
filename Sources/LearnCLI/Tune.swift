import Foundation
import Learn

/// `learn tune`: a CSV in, a tuned model out. See ``tuneUsage``.
let tuneUsage = """
  learn tune --data CSV --target COLUMN [options]
    --test CSV | --test-fraction F   held-out rows (a second file read like the first, or a
                                     stratified fraction of the data; default 0.25)
    --drop COL1,COL2                 columns to leave out (identifiers, leaks)
    --estimator NAME                 logistic, ridge, sgd, linearsvc, svc, svr, linear, lasso,
                                     elasticnet, tree, forest, extratrees, mlp (default: forest)
    --search NAME                    random, grid, bayes, tpe, hyperband, asha, halving, pbt,
                                     cmaes, evolution, nsga2 (default: random)
    --objectives A,B                 what nsga2 trades off (default: the first scorer and
                                     fit_time): scorer names (maximised), fit_time (minimised)
                                     or a hyperparameter (minimised, a size: model.maxDepth);
                                     max:NAME or min:NAME sets the direction
    --param NAME=RANGE               change the default space (repeatable): low..high,
                                     log:low..high (integers when the bounds are), a|b|c, or
                                     one fixed value; e.g. --param model.maxDepth=2..30
    --space FILE                     a JSON space instead of the default one, the same ranges
                                     by name: {"model.c": "log:0.01..100", "model.kernel": "rbf|linear"}
    --trials N                       configurations to try (default 20; PBT's population)
    --cv K                           cross-validation folds (default 3; stratified for classifiers)
    --scoring S1,S2                  scorers by scikit-learn's names; the first ranks the trials
    --seed S                         the search's, the folds' and the estimator's seed (default 0)
    --workers N                      threads in this process (default: every core)
    --journal FILE                   record every trial there: the same command resumes, and
                                     several processes on one journal share the search
    --journal-lock flock|file        how processes sharing --journal take turns: flock (default;
                                     local disks, NFSv4) or a lock file beside it (filesystems
                                     whose locks do not reach other hosts)
    --time-budget SECONDS            stop starting trials after this long (finished ones count)
    --out DIR                        where the files go (default learn-tune)
    --separator C                    the CSV's field separator (default ,)
    --json                           print one JSON object instead of the leaderboard
    --warnings record|error          keep warnings (a solver that did not converge, an
                                     undefined metric) as warnings, printed on standard error
                                     and in results.csv (default), or fail the trials that warn
    --verbose N                      progress on standard error: 0 none, 1 a live bar (default;
                                     0 with --json), 2 a line per trial, 3 with its parameters
  Text columns are categorical (one-hot encoded), numeric ones standardised; the space is the
  estimator's default one unless --space or --param change it. Writes DIR/results.csv,
  DIR/results.json, DIR/model.json (the refitted pipeline with the file's encoding: `learn
  predict` reads new rows with it) and DIR/report.html (plots of the search).
  """

/// What `learn tune` was asked to do.
struct TuneRequest {
  var data: String
  var target: String
  var test: String?
  var testFraction: Double
  var estimator: String
  var search: String
  var trials: Int
  var folds: Int
  var scoring: [String]
  var seed: UInt64
  var workers: Int
  var journal: String?
  var out: String
  var separator: Character
  var timeBudget: Double?
  var json: Bool
  var verbose: Int
  var drop: [String]
  var journalOptions = JournalOptions()
  var spaceFile: String?
  var parameterRanges: [String]
  var objectives: [String]
  var warningPolicy: WarningPolicy

  init(_ options: Options) throws {
    data = try options.required("--data")
    target = try options.required("--target")
    test = options.value("--test")
    let fraction = options.value("--test-fraction").map { Double($0) } ?? 0.25
    guard let fraction, fraction > 0, fraction < 1 else {
      throw UsageError(description: "learn tune: --test-fraction expects a number in (0, 1)")
    }
    testFraction = fraction
    estimator = options.value("--estimator") ?? "forest"
    search = options.value("--search") ?? "random"
    trials = try options.positiveInteger("--trials", default: 20)
    folds = try options.positiveInteger("--cv", default: 3)
    scoring = options.value("--scoring")?.split(separator: ",").map(String.init) ?? []
    drop = options.value("--drop")?.split(separator: ",").map(String.init) ?? []
    spaceFile = options.value("--space")
    parameterRanges = options.values("--param")
    objectives = options.value("--objectives")?.split(separator: ",").map(String.init) ?? []
    if !objectives.isEmpty, search != "nsga2" {
      throw UsageError(description: "learn tune: --objectives is for --search nsga2 (got --search \(search))")
    }
    switch options.value("--journal-lock") ?? "flock" {
    case "flock": break
    case "file": journalOptions.locking = .lockFile(staleAfter: 30)
    case let other: throw UsageError(description: "learn tune: --journal-lock expects flock or file, got '\(other)'")
    }
    guard let seed = UInt64(options.value("--seed") ?? "0") else { throw UsageError(description: "learn tune: --seed expects an integer") }
    self.seed = seed
    workers = try options.positiveInteger("--workers", default: Parallel.coreCount)
    journal = options.value("--journal")
    out = options.value("--out") ?? "learn-tune"
    separator = try separatorOption(options)
    json = options.has("--json")
    guard let verbose = Int(options.value("--verbose") ?? (json ? "0" : "1")), (0...3).contains(verbose) else {
      throw UsageError(description: "learn tune: --verbose expects 0, 1, 2 or 3")
    }
    self.verbose = verbose
    warningPolicy = try warningPolicyOption(options, command: "tune")
    if let text = options.value("--time-budget") {
      guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
        throw UsageError(description: "learn tune: --time-budget expects a positive number of seconds, got '\(text)'")
      }
      timeBudget = seconds
    }
  }
}

func runTune(arguments: [String]) throws {
  let options = try Options(arguments, command: "tune", valued: [
    "--data", "--target", "--test", "--test-fraction", "--estimator", "--search", "--trials", "--cv", "--scoring", "--seed",
    "--workers", "--journal", "--out", "--separator", "--time-budget", "--verbose", "--drop",
    "--journal-lock", "--param", "--space", "--objectives", "--warnings",
  ], flags: ["--json"])
  let request = try TuneRequest(options)
  let text = try readText(request.data)
  var table = try CSVTable(parsing: text, separator: request.separator)
  for name in request.drop + [request.target] where !table.header.contains(name) {
    throw UsageError(description: "\(request.data): no column '\(name)'; the columns are \(table.header.joined(separator: ", "))")
  }
  guard !request.drop.contains(request.target) else { throw UsageError(description: "learn tune: --drop names the target '\(request.target)'") }
  table = dropping(request.drop, from: table)
  if isRegression(estimator: request.estimator, target: request.target, table) {
    try tuneRegressor(request, table)
  } else {
    try tuneClassifier(request, table)
  }
}

/// `table` without the columns `names`.
func dropping(_ names: [String], from table: CSVTable) -> CSVTable {
  guard !names.isEmpty else { return table }
  let kept = table.header.indices.filter { !names.contains(table.header[$0]) }
  var result = CSVTable(header: kept.map { table.header[$0] }, rows: table.rows.map { row in kept.map { row[$0] } })
  result.lineNumbers = table.lineNumbers
  return result
}

/// Whether `estimator` on `target` is a regression: a regressor by name, or (for names that are
/// both) a target whose values are numbers that are not all whole.
func isRegression(estimator: String, target: String, _ table: CSVTable) -> Bool {
  if ["svr", "linear", "lasso", "elasticnet"].contains(estimator) { return true }
  if ["logistic", "linearsvc", "svc"].contains(estimator) { return false }
  let column = table.header.firstIndex(of: target)!
  let values = table.rows.map { Double($0[column].trimmingCharacters(in: .whitespaces)) }
  return values.allSatisfy { $0 != nil } && values.contains { $0!.rounded() != $0! }
}

/// The classifier `name` stands for (`learn tune --estimator`), seeded with `seed`.
func classifier(_ name: String, seed: UInt64, command: String) throws -> AnyEstimator<Int> {
  switch name {
  case "logistic": return AnyEstimator(LogisticRegression())
  case "ridge": return AnyEstimator(RidgeClassifier())
  case "sgd": return AnyEstimator(SGDClassifier(seed: seed))
  case "linearsvc": return AnyEstimator(LinearSVC())
  case "svc": return AnyEstimator(SVC())
  case "tree": return AnyEstimator(DecisionTreeClassifier(seed: seed))
  case "forest": return AnyEstimator(RandomForestClassifier(seed: seed, parallelism: .serial))
  case "extratrees": return AnyEstimator(ExtraTreesClassifier(seed: seed, parallelism: .serial))
  case "mlp": return AnyEstimator(MLPClassifier(seed: seed))
  default: throw UsageError(description: "learn \(command): unknown classifier '\(name)'")
  }
}

/// The regressor `name` stands for, seeded with `seed`.
func regressor(_ name: String, seed: UInt64, command: String) throws -> AnyEstimator<Double> {
  switch name {
  case "linear": return AnyEstimator(LinearRegression())
  case "ridge": return AnyEstimator(Ridge())
  case "lasso": return AnyEstimator(Lasso())
  case "elasticnet": return AnyEstimator(ElasticNet())
  case "sgd": return AnyEstimator(SGDRegressor(seed: seed))
  case "svr": return AnyEstimator(SVR())
  case "tree": return AnyEstimator(DecisionTreeRegressor(seed: seed))
  case "forest": return AnyEstimator(RandomForestRegressor(seed: seed, parallelism: .serial))
  case "extratrees": return AnyEstimator(ExtraTreesRegressor(seed: seed, parallelism: .serial))
  case "mlp": return AnyEstimator(MLPRegressor(seed: seed))
  default: throw UsageError(description: "learn \(command): unknown regressor '\(name)'")
  }
}

func tuneClassifier(_ request: TuneRequest, _ table: CSVTable) throws {
  let estimator = try classifier(request.estimator, seed: request.seed, command: "tune")
  let (fit, test) = try datasets(Int.self, request, table) { data in
    try trainTestSplit(data, testFraction: request.testFraction, stratified: true, seed: request.seed)
  }
  let cv = StratifiedKFold(splits: request.folds, shuffle: true, seed: request.seed)
  try tune(estimator, request, fit, test, cv: cv) { model, x, y in try accuracy(y, model.predict(x)) }
}

func tuneRegressor(_ request: TuneRequest, _ table: CSVTable) throws {
  let estimator = try regressor(request.estimator, seed: request.seed, command: "tune")
  let (fit, test) = try datasets(Double.self, request, table) { data in
    try trainTestSplit(data, testFraction: request.testFraction, seed: request.seed)
  }
  let cv = KFold(splits: request.folds, shuffle: true, seed: request.seed)
  try tune(estimator, request, fit, test, cv: cv) { model, x, y in try r2Score(y, model.predict(x)) }
}

/// The rows to tune on and the held-out rows: the whole file and `--test` read against its
/// encoding, or the file divided by `split`.
func datasets<T: CSVTarget>(
  _: T.Type, _ request: TuneRequest, _ table: CSVTable, split: (Dataset<T>) throws -> (train: Dataset<T>, test: Dataset<T>)
) throws -> (train: Dataset<T>, test: Dataset<T>) {
  let data = try Dataset<T>(table: table, target: request.target, categoricalFeatures: .encode)
  guard let path = request.test else { return try split(data) }
  return (data, try Dataset<T>.readCSV(path, target: request.target, separator: request.separator, encoding: data.csvEncoding))
}

/// The pipeline for `data`: its text columns one-hot encoded (unknown categories ignored), its
/// numeric columns standardised, then `estimator`.
func pipeline<T>(_ estimator: AnyEstimator<T>, for data: Dataset<T>) throws -> Pipeline<AnyEstimator<T>> {
  let categorical = data.categories.keys.sorted()
  let numeric = (0..<data.x.columnCount).filter { data.categories[$0] == nil }
  var parts: [ColumnTransformer.Part] = []
  if !numeric.isEmpty { parts.append(.init("numbers", StandardScaler(), columns: numeric)) }
  if !categorical.isEmpty { parts.append(.init("categories", OneHotEncoder(handleUnknown: .ignore), columns: categorical)) }
  return try Pipeline(steps: [PipelineStep("columns", ColumnTransformer(parts))], final: estimator, finalName: "model")
}

/// Runs the search, prints the leaderboard and the held-out score, and writes the results and
/// the refitted model.
func tune<T: CSVTarget>(
  _ estimator: AnyEstimator<T>, _ request: TuneRequest, _ train: Dataset<T>, _ test: Dataset<T>, cv: any Splitter,
  score: (PipelineModel<AnyModel<T>>, Matrix, [T]) throws -> Double
) throws {
  let pipeline = try pipeline(estimator, for: train)
  var space = try searchSpace(default: pipeline.defaultSearchSpace, file: request.spaceFile, overrides: request.parameterRanges,
                              estimator: pipeline)
  // Multi-fidelity searches set the training units themselves (epochs, trees).
  if ["hyperband", "asha", "pbt"].contains(request.search), let units = pipeline.trainingUnits { space[units.parameter] = nil }
  guard !space.isEmpty else { throw UsageError(description: "learn tune: \(request.estimator) has no default search space; give one with --param or --space") }
  var scorers = try request.scoring.map { try Scorer.named($0) }
  let objectives = try tuneObjectives(request, scorers: &scorers, default: defaultScorer(for: T.self), estimator: pipeline)
  let strategy = try searchStrategy(request, space: space, objectives: objectives)
  if !request.json {
    print("tuning \(request.estimator) on \(train.count) rows × \(train.x.columnCount) columns by \(request.search) search,"
      + " \(request.folds)-fold CV; \(test.count) rows held out")
  }
  if strategy.budgetResource == .units, pipeline.trainingUnits == nil {
    throw UsageError(description: "learn tune: \(request.search) needs an estimator that trains by units (sgd, forest, extratrees, mlp)")
  }
  func run<S: SearchStrategy>(_ strategy: S) throws -> SearchModel<Pipeline<AnyEstimator<T>>> {
    var search = SearchCV(pipeline, strategy: strategy, cv: cv, scoring: scorers, parallelism: .threads(request.workers),
                          stop: StopConditions(timeBudget: request.timeBudget, stopRequest: interruption), journal: request.journal,
                          progress: SearchProgress(verbose: request.verbose), seed: request.seed)
    search.journalOptions = request.journalOptions
    search.warningPolicy = request.warningPolicy
    return try search.fit(train.x, train.y)
  }
  catchInterrupt()
  let model = try run(strategy)
  printWarnings(trials: model.results.trials.map(\.warnings), refit: model.warnings)
  if interruption.isCancelled {
    FileHandle.standardError.write(("interrupted: the \(model.results.count) trials that finished are recorded"
      + (request.journal.map { "; the same command resumes from \($0)" } ?? "") + "\n").data(using: .utf8)!)
  }
  let heldOut = try model.best.map { try score($0, test.x, test.y) }
  try report(model, request: request, heldOut: heldOut)
  let facts = [SearchReport.Fact("data", "\(request.data): \(train.count) rows to tune on, \(test.count) held out"),
               SearchReport.Fact("search", "\(request.search), \(request.folds)-fold CV, seed \(request.seed)")]
    + (heldOut.map { [SearchReport.Fact("held-out score of the refitted best", formatScore($0))] } ?? [])
  let searchReport = SearchReport(title: "learn tune: \(request.estimator) on \((request.data as NSString).lastPathComponent)",
                                  results: model.results, facts: facts)
  try write(model, encoding: train.csvEncoding, report: searchReport, to: request.out, json: request.json)
}

/// Set by the first Ctrl-C during `learn tune`: the search starts no new trial, finishes and
/// records the running ones, refits and writes its files. A second Ctrl-C ends the process.
let interruption = CancellationFlag()

/// Installs the Ctrl-C handler (``interruption``).
func catchInterrupt() {
  _ = interruption  // initialised before the handler can run
  // A parent may start us with SIGINT blocked (it is then never delivered): unblock it here,
  // before the worker threads, which inherit this thread's mask, are started.
  var signals = sigset_t()
  sigemptyset(&signals)
  sigaddset(&signals, SIGINT)
  pthread_sigmask(SIG_UNBLOCK, &signals, nil)
  signal(SIGINT) { _ in
    interruption.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
