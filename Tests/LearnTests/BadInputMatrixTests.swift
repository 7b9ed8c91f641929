import Foundation
import Learn
import LearnTestSupport
import Testing

// The bad-input matrix of issue 19: every estimator, transformer and search strategy against
// each kind of bad input, with the expected outcome of every cell committed in
// Fixtures/reliability/bad_input_matrix.json. An outcome is `ok` (a correct result: one
// prediction per row, labels among the training labels, finite values), `warning <categories>:
// ok` (a result and the warnings that say what is wrong with it), or `error: <message>` (a thrown
// LearnError). Anything else (another error type, a wrong result) is a defect: the test fails on
// it whatever the committed table says. Run with LEARN_RECORD_MATRIX=1 to rewrite the table after
// a deliberate change, and read the diff.

/// A result that is not correct: recorded as `WRONG: …` and failed on.
private struct WrongResult: Error, CustomStringConvertible {
  var description: String
}

/// The outcome of `body`: `ok`, `warning <categories>: ok`, `error: <message>`, or `WRONG …`.
private func outcome(_ body: () throws -> Void) -> String {
  do {
    let warned = try collectingWarnings { try body() }
    let categories = warned.warnings.map(\.category.rawValue)
    return categories.isEmpty ? "ok" : "warning \(categories.joined(separator: ",")): ok"
  } catch let error as LearnError {
    return "error: \(error)"
  } catch let wrong as WrongResult {
    return "WRONG: \(wrong)"
  } catch {
    return "WRONG error type \(type(of: error)): \(error)"
  }
}

/// One kind of bad (or merely unusual) input.
private struct BadCase {
  var name: String
  var x: Matrix
  var labels: [Int]
  var targets: [Double]
  /// Cross-validated with 3 stratified folds instead of fitted once.
  var stratified = false
}

/// 24 rows of 3 features: two classes that a line separates, and a target linear in the features.
private func cleanData() -> (x: Matrix, labels: [Int], targets: [Double]) {
  let x = Matrix(rowCount: 24, columnCount: 3) { i, j in Double(i % 2) * 2 + Double((i * 5 + j * 7) % 11) / 11 - 0.5 }
  return (x, (0..<24).map { $0 % 2 }, (0..<24).map { i in 2 * x[i, 0] - x[i, 1] + 0.5 * x[i, 2] })
}

private func badCases() -> [BadCase] {
  let clean = cleanData()
  let x = clean.x, labels = clean.labels, targets = clean.targets
  func with(_ value: Double) -> Matrix {
    var copy = x
    copy[5, 1] = value
    return copy
  }
  var constant = x
  for i in 0..<x.rowCount { constant[i, 1] = 3 }
  let identical = Matrix(rowCount: 24, columnCount: 3) { _, j in Double(j) }
  var oneMember = labels
  oneMember[7] = 2
  return [
    BadCase(name: "empty", x: Matrix(rowCount: 0, columnCount: 3), labels: [], targets: []),
    BadCase(name: "one sample", x: x.rows(at: [0]), labels: [0], targets: [targets[0]]),
    BadCase(name: "mismatched lengths", x: x, labels: Array(labels.dropLast()), targets: Array(targets.dropLast())),
    BadCase(name: "NaN", x: with(.nan), labels: labels, targets: targets),
    BadCase(name: "+inf", x: with(.infinity), labels: labels, targets: targets),
    BadCase(name: "-inf", x: with(-.infinity), labels: labels, targets: targets),
    BadCase(name: "values near 1e300", x: Matrix(rowCount: 24, columnCount: 3) { i, j in x[i, j] * 1e300 }, labels: labels,
            targets: targets),
    BadCase(name: "a constant feature", x: constant, labels: labels, targets: targets),
    BadCase(name: "identical rows", x: identical, labels: labels, targets: targets),
    BadCase(name: "one class", x: x, labels: [Int](repeating: 4, count: 24), targets: [Double](repeating: 1.5, count: 24)),
    BadCase(name: "a class with one member (3-fold CV, stratified for classifiers)", x: x, labels: oneMember, targets: targets, stratified: true),
    BadCase(name: "labels not 0..<k", x: x, labels: labels.map { $0 == 0 ? -7 : 1000 }, targets: targets.map { $0 * 1e6 }),
    BadCase(name: "zero columns", x: Matrix(rowCount: 24, columnCount: 0), labels: labels, targets: targets),
    BadCase(name: "NaN target", x: x, labels: labels, targets: targets.enumerated().map { $0.offset == 3 ? .nan : $0.element }),
  ]
}

/// Fits `estimator` on the case's `x` and `y` and returns its predictions, after checking there is
/// one per row and emitting the model's own warnings; for the one-member case, cross-validates it
/// with `cv` instead and returns `nil`.
private func fitAndPredict<T>(
  _ estimator: AnyEstimator<T>, _ c: BadCase, _ y: [T], cv: any Splitter
) throws -> [T]? {
  if c.stratified {
    _ = try crossValidate(estimator, c.x, y, cv: cv)
    return nil
  }
  let model = try estimator.fit(c.x, y)
  for warning in model.warnings { LearnWarning.emit(warning) }
  let predicted = try model.predict(c.x)
  guard predicted.count == c.x.rowCount else { throw WrongResult(description: "\(predicted.count) predictions for \(c.x.rowCount) rows") }
  return predicted
}

/// A classifier's case: stratified folds for the one-member case; labels among the training labels.
private func classify(_ estimator: AnyEstimator<Int>, _ c: BadCase) throws {
  guard let predicted = try fitAndPredict(estimator, c, c.labels, cv: StratifiedKFold(splits: 3)) else { return }
  let known = Set(c.labels)
  if let stranger = predicted.first(where: { !known.contains($0) }) {
    throw WrongResult(description: "predicted label \(stranger), not among the training labels \(known.sorted())")
  }
}

/// A regressor's case: plain folds for the one-member case; finite predictions.
private func regress(_ estimator: AnyEstimator<Double>, _ c: BadCase) throws {
  guard let predicted = try fitAndPredict(estimator, c, c.targets, cv: KFold(splits: 3)) else { return }
  if let bad = predicted.firstIndex(where: { !$0.isFinite }) {
    throw WrongResult(description: "prediction \(bad) is \(predicted[bad])")
  }
}

private func transform(_ transformer: AnyTransformer, _ c: BadCase) throws {
  let fitted = try transformer.fit(c.x)
  let out = try fitted.transform(c.x)
  guard out.rowCount == c.x.rowCount else { throw WrongResult(description: "\(out.rowCount) rows out for \(c.x.rowCount) in") }
  if let bad = out.firstNonFinite() { throw WrongResult(description: "output (\(bad.row), \(bad.column)) is not finite") }
}

private let classifiers: [(String, AnyEstimator<Int>)] = [
  ("LogisticRegression", AnyEstimator(LogisticRegression())),
  ("SGDClassifier", AnyEstimator(SGDClassifier(seed: 0))),
  ("LinearSVC", AnyEstimator(LinearSVC())),
  ("SVC", AnyEstimator(SVC())),
  ("DecisionTreeClassifier", AnyEstimator(DecisionTreeClassifier())),
  ("RandomForestClassifier", AnyEstimator(RandomForestClassifier(nEstimators: 5, seed: 0))),
  ("ExtraTreesClassifier", AnyEstimator(ExtraTreesClassifier(nEstimators: 5, seed: 0))),
  ("MLPClassifier", AnyEstimator(MLPClassifier(hiddenLayerSizes: [5], maxIterations: 50, seed: 0))),
  ("DummyClassifier", AnyEstimator(DummyClassifier())),
]

private let regressors: [(String, AnyEstimator<Double>)] = [
  ("LinearRegression", AnyEstimator(LinearRegression())),
  ("Ridge", AnyEstimator(Ridge())),
  ("RidgeCV", AnyEstimator(RidgeCV())),
  ("Lasso", AnyEstimator(Lasso(alpha: 0.01))),
  ("ElasticNet", AnyEstimator(ElasticNet(alpha: 0.01))),
  ("SGDRegressor", AnyEstimator(SGDRegressor(seed: 0))),
  ("SVR", AnyEstimator(SVR())),
  ("DecisionTreeRegressor", AnyEstimator(DecisionTreeRegressor())),
  ("RandomForestRegressor", AnyEstimator(RandomForestRegressor(nEstimators: 5, seed: 0))),
  ("ExtraTreesRegressor", AnyEstimator(ExtraTreesRegressor(nEstimators: 5, seed: 0))),
  ("MLPRegressor", AnyEstimator(MLPRegressor(hiddenLayerSizes: [5], maxIterations: 50, seed: 0))),
  ("DummyRegressor", AnyEstimator(DummyRegressor())),
]

private let transformers: [(String, AnyTransformer)] = [
  ("StandardScaler", AnyTransformer(StandardScaler())),
  ("MinMaxScaler", AnyTransformer(MinMaxScaler())),
  ("RobustScaler", AnyTransformer(RobustScaler())),
  ("SimpleImputer", AnyTransformer(SimpleImputer())),
  ("PolynomialFeatures", AnyTransformer(PolynomialFeatures())),
  ("OneHotEncoder", AnyTransformer(OneHotEncoder())),
  ("OrdinalEncoder", AnyTransformer(OrdinalEncoder())),
]

/// The cases that concern targets only make no sense for a transformer.
private let targetCases: Set<String> = [
  "mismatched lengths", "one class", "a class with one member (3-fold CV, stratified for classifiers)", "labels not 0..<k", "NaN target",
]

// MARK: Searches

private let searchSpace: [String: Distribution] = ["alpha": .logUniform(1e-5, 1e-1)]

/// Runs `strategy` over SGDClassifier (which trains by units, for the multi-fidelity strategies).
private func search<S: SearchStrategy>(_ strategy: S, _ x: Matrix, _ y: [Int], cv: any Splitter) throws {
  let model = try SearchCV(SGDClassifier(maxIterations: 20, seed: 0), strategy: strategy, cv: cv, parallelism: .serial).fit(x, y)
  guard model.bestIndex != nil else { throw WrongResult(description: "no trial was chosen") }
}

/// Runs one strategy built over a space, on data, with a splitter.
private typealias StrategyRun = ([String: Distribution], Matrix, [Int], any Splitter) throws -> Void

/// Each strategy, built over `space` and run by ``search(_:_:_:cv:)``.
private func strategies() -> [(String, StrategyRun)] { [
  ("GridSearch", { space, x, y, cv in
    try search(GridSearch(space.mapValues { _ in [ParameterValue.double(1e-4), .double(1e-2)] }), x, y, cv: cv)
  }),
  ("RandomSearch", { space, x, y, cv in try search(RandomSearch(space, iterations: 4, seed: 0), x, y, cv: cv) }),
  ("BayesSearch (GP)", { space, x, y, cv in
    try search(BayesSearch(space, iterations: 5, surrogate: .gaussianProcess, initialPoints: 3, seed: 0), x, y, cv: cv)
  }),
  ("BayesSearch (TPE)", { space, x, y, cv in
    try search(BayesSearch(space, iterations: 5, surrogate: .tpe, initialPoints: 3, seed: 0), x, y, cv: cv)
  }),
  ("HyperbandSearch", { space, x, y, cv in try search(HyperbandSearch(space, maxBudget: 9, eta: 3), x, y, cv: cv) }),
  ("HalvingSearch", { space, x, y, cv in
    try search(HalvingSearch(space: space, candidates: .count(4), factor: 2, resource: .units, minBudget: .budget(2), maxBudget: 8),
               x, y, cv: cv)
  }),
  ("ASHASearch", { space, x, y, cv in try search(ASHASearch(space, candidates: 4, maxBudget: 9, eta: 3), x, y, cv: cv) }),
  ("PBTSearch", { space, x, y, cv in
    try search(PBTSearch(space, mutable: Array(space.keys), populationSize: 4, generations: 2, readyInterval: 2), x, y, cv: cv)
  }),
  ("CMAESSearch", { space, x, y, cv in try search(CMAESSearch(space, iterations: 6, populationSize: 3), x, y, cv: cv) }),
  ("EvolutionarySearch", { space, x, y, cv in
    try search(EvolutionarySearch(space, iterations: 6, populationSize: 3), x, y, cv: cv)
  }),
  ("NSGAIISearch", { space, x, y, cv in
    try search(NSGAIISearch(space, objectives: [.maximize("accuracy"), .minimize(.fitTime)], iterations: 6, populationSize: 4), x, y, cv: cv)
  }),
] }

/// The search cases: an empty space, more folds than samples, every candidate failing.
private func searchCases() -> [(String, (StrategyRun) -> String)] {
  let clean = cleanData()
  var broken = clean.x
  broken[5, 1] = .nan
  return [
    ("empty space", { run in outcome { try run([:], clean.x, clean.labels, KFold(splits: 3)) } }),
    ("more folds than samples", { run in outcome { try run(searchSpace, clean.x.rows(at: Array(0..<6)), Array(clean.labels.prefix(6)),
                                                         KFold(splits: 10)) } }),
    ("every candidate failing", { run in outcome { try run(searchSpace, broken, clean.labels, KFold(splits: 3)) } }),
  ]
}

@Suite(.timeLimit(.minutes(3 * testTimeScale))) struct BadInputMatrixTests {
  /// Every cell's outcome, by subject then case.
  static func matrix() -> [String: [String: String]] {
    var table: [String: [String: String]] = [:]
    let cases = badCases()
    for (name, estimator) in classifiers {
      for c in cases where c.name != "NaN target" { table["classifier " + name, default: [:]][c.name] = outcome { try classify(estimator, c) } }
    }
    for (name, estimator) in regressors {
      for c in cases { table["regressor " + name, default: [:]][c.name] = outcome { try regress(estimator, c) } }
    }
    for (name, transformer) in transformers {
      for c in cases where !targetCases.contains(c.name) {
        table["transformer " + name, default: [:]][c.name] = outcome { try transform(transformer, c) }
      }
    }
    for (name, run) in strategies() {
      for (caseName, cell) in searchCases() { table["search " + name, default: [:]][caseName] = cell(run) }
    }
    return table
  }

  @Test func everyCellHasItsCommittedOutcome() throws {
    let table = Self.matrix()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let url = Fixtures.url("reliability/bad_input_matrix.json")
    if ProcessInfo.processInfo.environment["LEARN_RECORD_MATRIX"] == "1" {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try encoder.encode(table).write(to: url)
    }
    let cells = table.values.flatMap(\.values)
    #expect(cells.count == 9 * 13 + 12 * 14 + 7 * 9 + 11 * 3)
    for (subject, row) in table.sorted(by: { $0.key < $1.key }) {
      for (name, cell) in row.sorted(by: { $0.key < $1.key }) where cell.hasPrefix("WRONG") {
        Issue.record("\(subject) × \(name): \(cell)")
      }
    }
    let committed = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: url))
    #expect(Set(committed.keys) == Set(table.keys))
    for (subject, row) in table.sorted(by: { $0.key < $1.key }) {
      for (name, cell) in row.sorted(by: { $0.key < $1.key }) {
        #expect(committed[subject]?[name] == cell, "\(subject) × \(name)")
      }
    }
  }
}
