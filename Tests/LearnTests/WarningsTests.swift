import Foundation
import Learn
import Testing

/// Two well-separated classes, `n` rows of 3 features.
private func separable(_ n: Int = 60, scale: Double = 1) -> (x: Matrix, y: [Int]) {
  let x = Matrix(rowCount: n, columnCount: 3) { i, j in (Double(i % 2) * 3 + Double((i * 7 + j * 3) % 5) / 5) * scale }
  return (x, (0..<n).map { $0 % 2 })
}

@Suite struct WarningChannelTests {
  @Test func warningsReachTheSinkOnceEachAndPassOutward() throws {
    LearnWarning.emit(.convergence, "nobody gathers this")
    let outer = try collectingWarnings { () -> Int in
      let inner = try collectingWarnings { () -> Int in
        LearnWarning.emit(.smallClass, "a")
        LearnWarning.emit(.smallClass, "a")
        Parallel.forEach(8, parallelism: .threads(2)) { i in LearnWarning.emit(.undefinedMetric, "worker \(i % 2)") }
        return 1
      }
      #expect(inner.warnings.count == 3)
      #expect(inner.warnings[0] == LearnWarning(.smallClass, "a"))
      LearnWarning.emit(.dataConversion, "b")
      return inner.value + 1
    }
    #expect(outer.value == 2)
    #expect(outer.warnings.map(\.category) == [.smallClass, .undefinedMetric, .undefinedMetric, .dataConversion])
    #expect(outer.warnings[0].description == "smallClass: a")
  }

  @Test func aPolicyTurnsChosenCategoriesIntoErrors() throws {
    #expect(throws: LearnError.warning(LearnWarning(.smallClass, "x"))) {
      try collectingWarnings(.error) { LearnWarning.emit(.smallClass, "x") }
    }
    let kept = try collectingWarnings(WarningPolicy(errors: [.convergence])) { LearnWarning.emit(.smallClass, "x") }
    #expect(kept.warnings.count == 1)
    let error = #expect(throws: LearnError.self) {
      try collectingWarnings(WarningPolicy(errors: [.convergence])) { try LogisticRegression(maxIterations: 1).fit(separable().x, separable().y) }
    }
    guard case .warning(let warning)? = error else {
      Issue.record("expected a warning turned into an error, got \(String(describing: error))")
      return
    }
    #expect(warning.category == .convergence)
  }

  @Test func modelsCarryTheirConvergence() throws {
    let data = separable()
    let stopped = try LogisticRegression(maxIterations: 1).fit(data.x, data.y)
    #expect(!stopped.converged)
    #expect(stopped.warnings.map(\.category) == [.convergence])
    #expect(stopped.warnings[0].message.contains("after 1 iterations"))
    #expect(try LogisticRegression().fit(data.x, data.y).warnings.isEmpty)
    let mlp = try MLPClassifier(hiddenLayerSizes: [4], maxIterations: 2, seed: 1).fit(data.x, data.y)
    #expect(mlp.warnings.map(\.category) == [.convergence])
    // Wrappers pass them on; collecting adds the model's own to those emitted.
    let pipeline = try Pipeline(steps: [PipelineStep("scale", StandardScaler())], final: LogisticRegression(maxIterations: 1))
    let fitted = try collectingWarnings { try pipeline.fit(data.x, data.y) }
    #expect(fitted.value.warnings.map(\.category) == [.convergence])
    #expect(fitted.warnings.map(\.category) == [.convergence])
  }

  @Test func valuesBeyondTheSquareRangeWarnAndTreesRefuseThem() throws {
    let data = separable(scale: 1e300)
    let logistic = try collectingWarnings { try LogisticRegression().fit(data.x, data.y) }
    #expect(logistic.warnings.first?.category == .numericalRange)
    #expect(logistic.warnings.first?.message.hasPrefix("x holds values beyond ±1.3e154") == true)
    let mlp = try collectingWarnings { try MLPClassifier(hiddenLayerSizes: [4], maxIterations: 5, seed: 0).fit(data.x, data.y) }
    #expect(mlp.warnings.contains { $0.category == .numericalRange })
    let moderate = separable(scale: 1e100)
    #expect(try collectingWarnings { try LogisticRegression().fit(moderate.x, moderate.y) }.warnings
      .allSatisfy { $0.category != .numericalRange })
    for x in [data.x, moderate.x] {
      let error = #expect(throws: LearnError.self) { try DecisionTreeClassifier().fit(x, data.y) }
      #expect(error == .valueTooLarge(row: 1, column: 0, value: x[1, 0], limit: Double(Float.greatestFiniteMagnitude),
                                      model: "a tree's 32-bit thresholds"))
    }
    let tree = try DecisionTreeClassifier().fit(separable().x, data.y)
    #expect(throws: LearnError.self) { try tree.predict(moderate.x) }
    #expect("\(LearnError.valueTooLarge(row: 1, column: 0, value: 1e100, limit: 3.4e38, model: "a tree"))".contains("row 1, column 0"))
  }

  @Test func treesWarnWhenNarrowingMergesDistinctValues() throws {
    let close = Matrix(rowCount: 40, columnCount: 2) { i, j in j == 0 ? 1e8 + Double(i) * 0.25 : Double(i) }
    let y = (0..<40).map { $0 % 2 }
    let merged = try collectingWarnings { try RandomForestClassifier(nEstimators: 3, seed: 0).fit(close, y) }
    #expect(merged.warnings.map(\.category) == [.dataConversion])
    #expect(merged.warnings[0].message.hasPrefix("feature 0 has"))
    let iris = try Datasets.iris()
    #expect(try collectingWarnings { try DecisionTreeClassifier().fit(iris.x, iris.y) }.warnings.isEmpty)
  }

  @Test func undefinedMetricsWarn() throws {
    let none = try collectingWarnings { try precision([0, 1, 1], [0, 0, 0]) }
    #expect(none.value == 0)
    #expect(none.warnings == [LearnWarning(.undefinedMetric,
      "precision is not defined for label 1 (no sample was predicted as it) and is set to 0.0")])
    #expect(try collectingWarnings { try recall([0, 1, 1], [0, 0, 0]) }.warnings.isEmpty)
    // An explicit zeroDivision is a choice, not a surprise: no warning (scikit-learn warns only for "warn").
    #expect(try collectingWarnings { try precision([0, 1, 1], [0, 0, 0], zeroDivision: 0) }.warnings.isEmpty)
    let table = try collectingWarnings { try precisionRecallFScoreSupport([0, 1], [0, 0], labels: [0, 1, 2]) }
    #expect(table.warnings.map { String($0.message.prefix(9)) } == ["precision", "recall is", "F-score i"])
    let macro = try collectingWarnings { try recall([0, 0], [0, 2], average: .macro) }
    #expect(macro.warnings.first?.message.hasPrefix("recall is not defined for label 2") == true)
    let single = try collectingWarnings { try r2Score([1], [2]) }
    #expect(single.value.isNaN && single.warnings.first?.category == .undefinedMetric)
    #expect(try collectingWarnings { try f1Score([0, 1, 1], [0, 1, 0]) }.warnings.isEmpty)
  }

  @Test func crossValidationReportsSmallClassesAndFoldWarnings() throws {
    let data = separable(30)
    var y = data.y
    y[0] = 7  // a class with one member
    let result = try crossValidate(LogisticRegression(maxIterations: 1), data.x, y, cv: StratifiedKFold(splits: 3))
    #expect(result.warnings.map(\.category) == [.smallClass, .convergence])
    #expect(result.warnings[0].message.contains("only 1 member,"))
    let clean = try crossValidate(LogisticRegression(), data.x, data.y, cv: StratifiedKFold(splits: 3))
    #expect(clean.warnings.isEmpty)
  }

  @Test func aFailedFoldKeepsTheWarningThatExplainsIt() throws {
    let data = separable(scale: 1e300)
    let choice = EstimatorChoice(AnyEstimator(SVC()), AnyEstimator(LogisticRegression()))
    let search = try GridSearchCV(choice, grid: ["estimator": ["svc", "logisticregression"]], cv: StratifiedKFold(splits: 3))
    let model = try search.fit(data.x, data.y)
    let svc = model.results.trials[0], logistic = model.results.trials[1]
    guard case .failed = svc.status else {
      Issue.record("an SVC on values near 1e300 should fail")
      return
    }
    // One warning for all three folds: the message names no row.
    #expect(svc.warnings.filter { $0.hasPrefix("numericalRange:") }.count == 1)
    #expect(logistic.status == .complete && logistic.warnings.contains { $0.hasPrefix("numericalRange:") })
  }

  @Test func searchesRecordWarningsPerTrialAndCanFailThem() throws {
    let data = separable()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-warnings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = folder.appendingPathComponent("journal.jsonl").path
    var search = try GridSearchCV(LogisticRegression(), grid: ["maxIterations": [1, 100]], cv: StratifiedKFold(splits: 3),
                                  journal: journal)
    let model = try search.fit(data.x, data.y)
    let trials = model.results.trials
    #expect(trials[0].warnings.count == 1 && trials[0].warnings[0].hasPrefix("convergence: "))
    #expect(trials[1].warnings.isEmpty)
    #expect(model.results.columns.contains("warnings"))
    #expect(model.results.csvText().contains("convergence: the solver stopped"))
    // Resumed from the journal, the warnings are still there.
    let resumed = try search.fit(data.x, data.y)
    #expect(resumed.results.trials.map(\.warnings) == trials.map(\.warnings))
    // As errors: the warning trial fails and the search goes on.
    search.journal = nil
    search.warningPolicy = .error
    let strict = try search.fit(data.x, data.y)
    guard case .failed(let reason) = strict.results.trials[0].status else {
      Issue.record("the non-converging trial did not fail")
      return
    }
    #expect(reason.contains("warning treated as an error: convergence"))
    #expect(strict.results.trials[1].status == .complete)
    #expect(strict.bestParameters["maxIterations"] == .int(100))
    // A warning of the split concerns every trial: under the policy the search does not start.
    var small = data.y
    small[0] = 7
    let refused = #expect(throws: LearnError.self) { try search.fit(data.x, small) }
    guard case .warning(let warning)? = refused else {
      Issue.record("expected the split's warning as an error, got \(String(describing: refused))")
      return
    }
    #expect(warning.category == .smallClass)
  }
}
