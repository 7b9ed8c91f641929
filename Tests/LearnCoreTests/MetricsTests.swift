import Foundation
import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

/// Relative tolerance of the parity checks against scikit-learn (the sums follow numpy's pairwise
/// order, so most values agree to the last bit).
let parityTolerance = 1e-12

/// The metrics against scikit-learn 1.9.1 (`Fixtures/scikit-learn/metrics.json`, written by
/// `Fixtures/scripts/metrics_fixtures.py`) and their error cases.
@Suite struct MetricsTests {
  // MARK: Fixture

  struct Outcome: Decodable {
    let value: Double?
    let error: String?
  }
  struct PerClass: Decodable {
    let precision: [Double]
    let recall: [Double]
    let fScore: [Double]
    let support: [Int]
  }
  struct Averaged: Decodable {
    let average: String
    let zeroDivision: Double
    let precision: Double?
    let recall: Double?
    let f1: Double?
    let fBetaHalf: Double?
    let fBeta2: Double?
    let error: String?
    enum CodingKeys: String, CodingKey {
      case average, zeroDivision, precision, recall, f1, error
      case fBetaHalf = "fBeta0.5", fBeta2
    }
  }
  struct ClassificationCase: Decodable {
    let name: String
    let yTrue: [Int]
    let yPred: [Int]
    let positiveLabel: Int
    let accuracy: Double
    let balancedAccuracy: Double
    let balancedAccuracyAdjusted: Double
    let labels: [Int]
    let confusion: [[Int]]
    let perClass: [String: PerClass]
    let averaged: [Averaged]
  }
  struct LabelledCase: Decodable {
    let yTrue: [Int]
    let yPred: [Int]
    let labels: [Int]
    let confusion: [[Int]]?
    let confusionError: String?
    let precision: [Double]
    let recall: [Double]
    let fScore: [Double]
    let support: [Int]
  }
  struct ProbabilityCase: Decodable {
    let name: String
    let yTrue: [Int]
    let rows: Int
    let columns: Int
    let probabilities: [Double]
    let labels: [Int]?
    let value: Double?
    let error: String?
    let macro: Outcome?
    let weighted: Outcome?
    let micro: Outcome?
    var matrix: Matrix { get throws { try Matrix(rowCount: rows, columnCount: columns, elements: probabilities) } }
  }
  struct ScoreCase: Decodable {
    let name: String
    let yTrue: [Int]
    let scores: [Double]
    let positiveLabel: Int?
    let value: Double
  }
  struct RegressionCase: Decodable {
    let name: String
    let yTrue: [Double]
    let yPred: [Double]
    let r2: Double
    let meanSquaredError: Double
    let rootMeanSquaredError: Double
    let meanAbsoluteError: Double
    let explainedVariance: Double
    let medianAbsoluteError: Double
  }
  struct File: Decodable {
    let classification: [ClassificationCase]
    let labelled: [LabelledCase]
    let logLoss: [ProbabilityCase]
    let rocAUC: [ScoreCase]
    let rocAUCOneVsRest: [ProbabilityCase]
    let regression: [RegressionCase]
  }

  /// NaN and infinities are stored as the strings "nan", "inf", "-inf".
  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  static let fixture = Result { try decoder().decode(File.self, from: Fixtures.data("scikit-learn/metrics.json")) }

  /// The error `body` throws, or nil.
  static func error<T>(_ body: () throws -> T) -> LearnError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? LearnError
    }
  }

  /// The name of an `invalidArgument` error, or nil for other errors.
  static func invalidArgumentName(_ error: LearnError?) -> String? {
    if case .invalidArgument(let name, _) = error { return name }
    return nil
  }

  static func isShapeMismatch(_ error: LearnError?) -> Bool {
    if case .shapeMismatch = error { return true }
    return false
  }

  // MARK: Classification parity

  @Test func accuracyAndConfusionMatchScikitLearn() throws {
    let cases = try Self.fixture.get().classification
    #expect(cases.count == 13)
    for c in cases {
      #expect(try accuracy(c.yTrue, c.yPred) == c.accuracy, "\(c.name)")
      #expect(isClose(try balancedAccuracy(c.yTrue, c.yPred), c.balancedAccuracy, relative: parityTolerance), "\(c.name)")
      let adjusted = try balancedAccuracy(c.yTrue, c.yPred, adjusted: true)
      #expect(isClose(adjusted, c.balancedAccuracyAdjusted, relative: parityTolerance),
              "\(c.name): \(adjusted) vs \(c.balancedAccuracyAdjusted)")
      let matrix = try confusionMatrix(c.yTrue, c.yPred)
      #expect(matrix.labels == c.labels, "\(c.name)")
      #expect(matrix.counts == c.confusion, "\(c.name)")
    }
  }

  @Test func perClassScoresMatchScikitLearn() throws {
    for c in try Self.fixture.get().classification {
      for (betaText, expected) in c.perClass {
        let beta = try #require(Double(betaText))
        let result = try precisionRecallFScoreSupport(c.yTrue, c.yPred, beta: beta)
        #expect(result.labels == c.labels, "\(c.name)")
        #expect(allClose(result.precision, expected.precision, relative: parityTolerance), "\(c.name) precision")
        #expect(allClose(result.recall, expected.recall, relative: parityTolerance), "\(c.name) recall")
        #expect(allClose(result.fScore, expected.fScore, relative: parityTolerance),
                "\(c.name) β=\(beta): \(result.fScore) vs \(expected.fScore)")
        #expect(result.support == expected.support, "\(c.name) support")
      }
    }
  }

  @Test func averagedScoresMatchScikitLearn() throws {
    var compared = 0, rejected = 0
    for c in try Self.fixture.get().classification {
      for row in c.averaged {
        let average = try #require(Average(rawValue: row.average))
        let label = "\(c.name) \(row.average) zeroDivision=\(row.zeroDivision)"
        let (t, p, z, positive) = (c.yTrue, c.yPred, row.zeroDivision, c.positiveLabel)
        func fBeta(_ beta: Double) throws -> Double {
          try fBetaScore(t, p, beta: beta, average: average, positiveLabel: positive, zeroDivision: z)
        }
        let results: [(String, () throws -> Double, Double?)] = [
          ("precision", { try precision(t, p, average: average, positiveLabel: positive, zeroDivision: z) }, row.precision),
          ("recall", { try recall(t, p, average: average, positiveLabel: positive, zeroDivision: z) }, row.recall),
          ("f1", { try f1Score(t, p, average: average, positiveLabel: positive, zeroDivision: z) }, row.f1),
          ("f0.5", { try fBeta(0.5) }, row.fBetaHalf),
          ("f2", { try fBeta(2) }, row.fBeta2),
        ]
        for (metric, body, expected) in results {
          if let message = row.error {
            let error = Self.error(body)
            let expectedName = message.contains("pos_label") ? "positiveLabel" : "average"
            #expect(Self.invalidArgumentName(error) == expectedName, "\(label) \(metric): \(String(describing: error))")
            rejected += 1
          } else {
            let expected = try #require(expected, "\(label) \(metric)")
            let actual = try body()
            #expect(isClose(actual, expected, relative: parityTolerance), "\(label) \(metric): \(actual) vs \(expected)")
            compared += 1
          }
        }
      }
    }
    #expect(compared == 690 && rejected == 90)
  }

  @Test func explicitLabelsMatchScikitLearn() throws {
    for c in try Self.fixture.get().labelled {
      if let expected = c.confusion {
        let matrix = try confusionMatrix(c.yTrue, c.yPred, labels: c.labels)
        #expect(matrix.labels == c.labels)
        #expect(matrix.counts == expected, "labels \(c.labels)")
      } else {
        #expect(c.confusionError != nil)
        #expect(Self.invalidArgumentName(Self.error {
          try confusionMatrix(c.yTrue, c.yPred, labels: c.labels)
        }) == "labels")
      }
      let result = try precisionRecallFScoreSupport(c.yTrue, c.yPred, labels: c.labels)
      #expect(result.labels == c.labels)
      #expect(allClose(result.precision, c.precision, relative: parityTolerance), "labels \(c.labels)")
      #expect(allClose(result.recall, c.recall, relative: parityTolerance), "labels \(c.labels)")
      #expect(allClose(result.fScore, c.fScore, relative: parityTolerance), "labels \(c.labels)")
      #expect(result.support == c.support, "labels \(c.labels)")
    }
  }

  // MARK: Log loss and ROC AUC parity

  @Test func logLossMatchesScikitLearn() throws {
    let expectedErrors: [String: String] = [
      "wrongColumnCount": "shape", "wrongColumnCountWithLabels": "shape", "singleClass": "yTrue",
      "singleLabelGiven": "labels", "labelNotInLabels": "labels", "probabilityAboveOne": "probabilities",
    ]
    let cases = try Self.fixture.get().logLoss
    #expect(cases.count == 15)
    for c in cases {
      let matrix = try c.matrix
      if let value = c.value {
        let actual = try logLoss(c.yTrue, probabilities: matrix, labels: c.labels)
        #expect(isClose(actual, value, relative: parityTolerance), "\(c.name): \(actual) vs \(value)")
      } else {
        let error = Self.error { try logLoss(c.yTrue, probabilities: matrix, labels: c.labels) }
        let kind = try #require(expectedErrors[c.name], "\(c.name) has no expected error")
        if kind == "shape" {
          #expect(Self.isShapeMismatch(error), "\(c.name): \(String(describing: error))")
        } else {
          #expect(Self.invalidArgumentName(error) == kind, "\(c.name): \(String(describing: error))")
        }
      }
    }
  }

  @Test func rocAUCMatchesScikitLearn() throws {
    let cases = try Self.fixture.get().rocAUC
    #expect(cases.count == 10)
    for c in cases {
      if c.value.isNaN {  // scikit-learn 1.9 warns and returns NaN for a single class; we throw
        let error = Self.error { try rocAUC(c.yTrue, scores: c.scores) }
        guard case .invalidArgument(_, let reason) = error else {
          Issue.record("\(c.name): expected invalidArgument, got \(String(describing: error))")
          continue
        }
        #expect(reason.contains("ROC AUC is not defined"), "\(reason)")
      } else {
        let actual = try rocAUC(c.yTrue, scores: c.scores, positiveLabel: c.positiveLabel)
        #expect(isClose(actual, c.value, relative: parityTolerance), "\(c.name): \(actual) vs \(c.value)")
      }
    }
  }

  @Test func rocAUCOneVsRestMatchesScikitLearn() throws {
    let cases = try Self.fixture.get().rocAUCOneVsRest
    #expect(cases.count == 7)
    for c in cases {
      let matrix = try c.matrix
      for (average, outcome) in [(Average.macro, c.macro), (.weighted, c.weighted), (.micro, c.micro)] {
        let outcome = try #require(outcome)
        let label = "\(c.name) \(average)"
        if let value = outcome.value {
          let actual = try rocAUCOneVsRest(c.yTrue, probabilities: matrix, labels: c.labels, average: average)
          #expect(isClose(actual, value, relative: parityTolerance), "\(label): \(actual) vs \(value)")
        } else {
          let error = Self.error {
            try rocAUCOneVsRest(c.yTrue, probabilities: matrix, labels: c.labels, average: average)
          }
          if c.name == "wrongColumnCount" {
            #expect(Self.isShapeMismatch(error), "\(label): \(String(describing: error))")
          } else {
            #expect(Self.invalidArgumentName(error) == "probabilities", "\(label): \(String(describing: error))")
          }
        }
      }
    }
  }

  // MARK: Regression parity

  @Test func regressionMetricsMatchScikitLearn() throws {
    let cases = try Self.fixture.get().regression
    #expect(cases.count == 9)
    for c in cases {
      let pairs: [(String, Double, Double)] = [
        ("r2", try r2Score(c.yTrue, c.yPred), c.r2),
        ("mse", try meanSquaredError(c.yTrue, c.yPred), c.meanSquaredError),
        ("rmse", try rootMeanSquaredError(c.yTrue, c.yPred), c.rootMeanSquaredError),
        ("mae", try meanAbsoluteError(c.yTrue, c.yPred), c.meanAbsoluteError),
        ("explained variance", try explainedVarianceScore(c.yTrue, c.yPred), c.explainedVariance),
        ("median absolute error", try medianAbsoluteError(c.yTrue, c.yPred), c.medianAbsoluteError),
      ]
      for (metric, actual, expected) in pairs {
        #expect(isClose(actual, expected, relative: parityTolerance), "\(c.name) \(metric): \(actual) vs \(expected)")
      }
    }
  }

  // MARK: Hand-checked values

  @Test func smallExamplesFromScikitLearnsDocumentation() throws {
    #expect(try accuracy([0, 1, 2, 3], [0, 2, 1, 3]) == 0.5)
    #expect(try balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]) == 0.625)
    let matrix = try confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    #expect(matrix.labels == [0, 1, 2] && matrix.counts == [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    #expect(try rocAUC([0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
    #expect(try rocAUC([0, 1], scores: [0.5, 0.5]) == 0.5)
    #expect(try r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.9486081370449679)
    #expect(try medianAbsoluteError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.5)
    let yTrue = [0, 1, 2, 0, 1, 2], yPred = [0, 2, 1, 0, 0, 1]
    #expect(isClose(try f1Score(yTrue, yPred, average: .macro), 0.26666666666666666, relative: parityTolerance))
    #expect(isClose(try precision(yTrue, yPred, average: .weighted), 0.2222222222222222, relative: parityTolerance))
    // β = 0 is precision, β = ∞ is recall.
    #expect(try fBetaScore(yTrue, yPred, beta: 0, average: .macro) == (try precision(yTrue, yPred, average: .macro)))
    #expect(try fBetaScore(yTrue, yPred, beta: .infinity, average: .macro) == (try recall(yTrue, yPred, average: .macro)))
    // Perfect probabilities are clipped to 1 − ε: the loss is ε, not 0.
    let certain = try Matrix([[1, 0], [0, 1]])
    #expect(try logLoss([0, 1], probabilities: certain) == -log(1 - Double.ulpOfOne))
  }

  @Test func zeroDivisionSetsTheScoreOfAClassNeverPredicted() throws {
    let yTrue = [0, 1, 2, 2], yPred = [0, 1, 1, 1]  // class 2 never predicted
    let perClass = try precisionRecallFScoreSupport(yTrue, yPred, zeroDivision: 1)
    #expect(perClass.precision == [1, 1.0 / 3, 1] && perClass.recall == [1, 1, 0])
    #expect(try precisionRecallFScoreSupport(yTrue, yPred).precision == [1, 1.0 / 3, 0])
    // NaN entries are left out of the macro average.
    let macro = try precision(yTrue, yPred, average: .macro, zeroDivision: .nan)
    let third: Double = 1.0 / 3
    #expect(macro == (1 + third) / 2)
    // A binary target whose positive label is absent from both arrays scores zeroDivision.
    #expect(try recall([0, 0, 0], [0, 0, 0], zeroDivision: 1) == 1)
    #expect(try recall([0, 0, 0], [0, 0, 0]) == 0)
  }

  // MARK: Errors

  @Test func lengthMismatchAndEmptyInputThrow() {
    let mismatches: [() throws -> Void] = [
      { _ = try accuracy([0, 1], [0]) },
      { _ = try balancedAccuracy([0, 1], [0]) },
      { _ = try confusionMatrix([0, 1], [0]) },
      { _ = try precision([0, 1], [0]) },
      { _ = try precisionRecallFScoreSupport([0, 1], [0]) },
      { _ = try logLoss([0, 1, 1], probabilities: Matrix(rowCount: 2, columnCount: 2, repeating: 0.5)) },
      { _ = try rocAUC([0, 1], scores: [0.5]) },
      {
        _ = try rocAUCOneVsRest([0, 1, 2], probabilities: Matrix(rowCount: 2, columnCount: 3, repeating: 1.0 / 3)) },
      { _ = try r2Score([1, 2], [1]) },
      { _ = try meanSquaredError([1, 2], [1]) },
      { _ = try rootMeanSquaredError([1, 2], [1]) },
      { _ = try meanAbsoluteError([1, 2], [1]) },
      { _ = try explainedVarianceScore([1, 2], [1]) },
      { _ = try medianAbsoluteError([1, 2], [1]) },
    ]
    for (index, body) in mismatches.enumerated() {
      #expect(Self.isShapeMismatch(Self.error(body)), "metric \(index)")
    }
    let empties: [() throws -> Void] = [
      { _ = try accuracy([], []) },
      { _ = try balancedAccuracy([], []) },
      { _ = try confusionMatrix([], []) },
      { _ = try f1Score([], [], average: .macro) },
      { _ = try precisionRecallFScoreSupport([], []) },
      { _ = try logLoss([], probabilities: Matrix(rowCount: 0, columnCount: 2)) },
      { _ = try rocAUC([], scores: []) },
      { _ = try rocAUCOneVsRest([], probabilities: Matrix(rowCount: 0, columnCount: 3)) },
      { _ = try r2Score([], []) },
      { _ = try meanSquaredError([], []) },
      { _ = try medianAbsoluteError([], []) },
    ]
    for (index, body) in empties.enumerated() {
      guard case .emptyInput = Self.error(body) else {
        Issue.record("metric \(index) did not throw emptyInput")
        continue
      }
    }
  }

  @Test func nonFiniteValuesThrowWithTheirPosition() throws {
    #expect(throws: LearnError.nonFiniteValue(row: 1, column: 0)) { try r2Score([1, .nan, 3], [1, 2, 3]) }
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 1)) { try meanSquaredError([1, 2, 3], [1, 2, .infinity]) }
    #expect(throws: LearnError.nonFiniteValue(row: 0, column: 0)) { try rocAUC([0, 1], scores: [.nan, 1]) }
    var probabilities = try Matrix([[0.5, 0.5], [0.2, 0.8]])
    probabilities[1, 0] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 1, column: 0)) { try logLoss([0, 1], probabilities: probabilities) }
  }

  @Test func binaryAverageNeedsABinaryTargetWithThePositiveLabel() throws {
    let multiclass = Self.error { try precision([0, 1, 2], [0, 1, 1]) }
    guard case .invalidArgument("average", let reason) = multiclass else {
      Issue.record("expected invalidArgument(average), got \(String(describing: multiclass))")
      return
    }
    #expect(reason.contains("multiclass"))
    let wrongPositive = Self.error { try f1Score([3, 7, 7], [3, 3, 7]) }
    #expect(wrongPositive == .invalidArgument(
      name: "positiveLabel", reason: "positiveLabel=1 is not a valid label; it should be one of [3, 7]"))
    #expect(try f1Score([3, 7, 7], [3, 3, 7], positiveLabel: 7) == 2.0 / 3)
  }

  @Test func badArgumentsThrowInvalidArgument() throws {
    let outOfRange = try Matrix([[0.5, 0.5], [-0.1, 1.1]])
    let cases: [(String, () throws -> Void)] = [
      ("zeroDivision", { _ = try precision([0, 1], [0, 1], zeroDivision: 0.5) }),
      ("beta", { _ = try fBetaScore([0, 1], [0, 1], beta: -1) }),
      ("labels", { _ = try confusionMatrix([0, 1], [0, 1], labels: []) }),
      ("labels", { _ = try confusionMatrix([0, 1], [0, 1], labels: [1, 1]) }),
      ("labels", { _ = try confusionMatrix([0, 1], [0, 1], labels: [5]) }),
      ("labels", { _ = try precisionRecallFScoreSupport([0, 1], [0, 1], labels: [0, 0]) }),
      ("yTrue", { _ = try rocAUC([0, 1, 2], scores: [0.1, 0.2, 0.3]) }),
      ("positiveLabel", { _ = try rocAUC([0, 1], scores: [0.1, 0.2], positiveLabel: 2) }),
      ("average", {
        _ = try rocAUCOneVsRest([0, 1, 2], probabilities: Matrix(rowCount: 3, columnCount: 3, repeating: 1.0 / 3),
                            average: .binary) }),
      ("labels", {
        _ = try rocAUCOneVsRest([0, 1, 2], probabilities: Matrix(rowCount: 3, columnCount: 3, repeating: 1.0 / 3),
                            labels: [2, 1, 0]) }),
      ("yTrue", {
        _ = try rocAUCOneVsRest([1, 1, 1], probabilities: Matrix(rowCount: 3, columnCount: 3, repeating: 1.0 / 3),
                            labels: [0, 1, 2]) }),
      ("probabilities", {
        _ = try logLoss([0, 1], probabilities: outOfRange) }),
    ]
    for (name, body) in cases {
      let error = Self.error(body)
      #expect(Self.invalidArgumentName(error) == name, "expected invalidArgument(\(name)), got \(String(describing: error))")
    }
  }

  @Test func singleClassROCAUCIsUndefined() {
    let error = Self.error { try rocAUC([1, 1, 1], scores: [0.2, 0.5, 0.9]) }
    #expect(error == .invalidArgument(
      name: "yTrue", reason: "only one class (1) is present in yTrue; ROC AUC is not defined in that case"))
  }

  @Test func wrongProbabilityColumnCountIsAShapeMismatch() throws {
    let twoColumns = try Matrix([[0.5, 0.5], [0.2, 0.8], [0.3, 0.7]])
    #expect(Self.isShapeMismatch(Self.error {
      try logLoss([0, 1, 2], probabilities: twoColumns) }))
    #expect(Self.isShapeMismatch(Self.error {
      try logLoss([0, 1, 1], probabilities: twoColumns, labels: [0, 1, 2]) }))
    #expect(Self.isShapeMismatch(Self.error {
      try rocAUCOneVsRest([0, 1, 2], probabilities: twoColumns) }))
  }

  @Test func constantTargetsFollowForceFinite() throws {
    #expect(try r2Score([2, 2, 2], [2, 2, 2]) == 1)
    #expect(try r2Score([2, 2, 2], [2, 3, 2]) == 0)
    #expect(try explainedVarianceScore([2, 2, 2], [3, 3, 3]) == 1)  // constant residuals
    #expect(try explainedVarianceScore([2, 2, 2], [3, 2, 3]) == 0)
    #expect(try r2Score([1], [1]).isNaN)  // not defined for one sample, as in scikit-learn
  }
}
