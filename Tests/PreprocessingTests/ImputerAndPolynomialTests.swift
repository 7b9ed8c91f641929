import LearnCore
import LearnTestSupport
import LinearAlgebra
import Preprocessing
import Testing

@Suite struct ImputerAndPolynomialTests {
  @Test func simpleImputerMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    let x = try fixture.input("missing"), test = try fixture.input("missingTest")
    #expect(fixture.simpleImputer.count == 12)
    for expected in fixture.simpleImputer {
      let label = "\(expected.parameters)"
      let model = try SimpleImputer().setting(expected.parameters).fit(x)
      #expect(parity(model.statistics, expected.statistics.map { $0 ?? .nan }), "statistics, \(label)")
      let transformed = try model.transform(x)
      #expect(parity(transformed, expected.transformed.matrix),
              "transform, \(label): off by \(largestDifference(transformed, expected.transformed.matrix))")
      #expect(parity(try model.transform(test), expected.testTransformed.matrix), "test transform, \(label)")
      #expect(try model.featureNamesOut() == expected.featureNames, "names, \(label)")
      #expect(model.missingIndicatorFeatures == (expected.indicatorFeatures ?? []), "indicators, \(label)")
      if let inverse = expected.inverse {
        #expect(parity(try model.inverseTransform(transformed), inverse.matrix), "inverse, \(label)")
      }
      if model.addIndicator {
        // Every feature with a missing value has an indicator, so the inverse restores x exactly.
        #expect(parity(try model.inverseTransform(transformed), x), "round trip, \(label)")
      } else {
        #expect(throws: LearnError.self) { try model.inverseTransform(transformed) }
      }
    }
  }

  @Test func imputerHandlesEmptyColumnsTiesAndInfinity() throws {
    let nan = Double.nan
    let x = try Matrix([[1, nan, 2], [nan, nan, 2], [3, nan, 5], [3, nan, 5]])
    let frequent = try SimpleImputer(strategy: .mostFrequent).fit(x)
    #expect(frequent.statistics[0] == 3 && frequent.statistics[1].isNaN && frequent.statistics[2] == 2)
    #expect(frequent.keptFeatures == [0, 2] && frequent.outputFeatureCount == 2)
    #expect(try frequent.transform(x) == (try Matrix([[1, 2], [3, 2], [3, 5], [3, 5]])))
    let kept = try SimpleImputer(strategy: .constant, fillValue: 9, keepEmptyFeatures: true).fit(x)
    #expect(kept.statistics == [9, 9, 9])
    #expect(try kept.transform(x).column(1) == [9, 9, 9, 9])
    let median = try SimpleImputer(strategy: .median, keepEmptyFeatures: true).fit(x)
    #expect(median.statistics == [3, 0, 3.5])
    #expect(throws: LearnError.nonFiniteValue(row: 2, column: 1)) {
      try SimpleImputer().fit(try Matrix([[1, 2], [3, 4], [5, -.infinity]]))
    }
    #expect(throws: LearnError.nonFiniteValue(row: 0, column: 2)) {
      try median.transform(try Matrix([[nan, 1, .infinity]]))
    }
    #expect(throws: LearnError.self) { try median.transform(try Matrix([[1, 2]])) }
    #expect(throws: LearnError.emptyInput("x has no rows")) { try SimpleImputer().fit(Matrix(rowCount: 0, columnCount: 3)) }
    #expect(throws: LearnError.self) { try SimpleImputer().setting(["fillValue": "zero"]) }
    #expect(throws: LearnError.self) { try SimpleImputer().setting(["strategy": "mode"]) }
    #expect(try median.transform(Matrix(rowCount: 0, columnCount: 3)).shape == (0, 3))
  }

  @Test func polynomialFeaturesMatchScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    let x = try fixture.input("poly")
    #expect(fixture.polynomialFeatures.count == 10)
    for expected in fixture.polynomialFeatures {
      let label = "\(expected.parameters)"
      let model = try PolynomialFeatures().setting(expected.parameters).fit(x)
      let transformed = try model.transform(x)
      #expect(parity(transformed, expected.transformed.matrix),
              "transform, \(label): off by \(largestDifference(transformed, expected.transformed.matrix))")
      #expect(model.powers == expected.powers, "powers, \(label)")
      #expect(model.outputFeatureCount == expected.outputFeatureCount, "count, \(label)")
      #expect(try model.featureNamesOut() == expected.featureNames, "names, \(label)")
      #expect(try model.featureNamesOut(["a", "b", "c"]) == expected.namedFeatureNames, "named, \(label)")
    }
  }

  @Test func polynomialHyperparametersAreValidated() throws {
    let x = try Matrix([[1, 2]])
    #expect(throws: LearnError.invalidHyperparameter(
      name: "minDegree", estimator: "PolynomialFeatures", expected: "at most degree (2)", got: "3")) {
      try PolynomialFeatures(minDegree: 3).fit(x)
    }
    #expect(throws: LearnError.self) { try PolynomialFeatures(degree: 0, includeBias: false).fit(x) }
    #expect(throws: LearnError.self) { try PolynomialFeatures().setting(["degree": -1]) }
    #expect(throws: LearnError.self) { try PolynomialFeatures().setting(["degree": 1.5]) }
    #expect(throws: LearnError.self) { try PolynomialFeatures(degree: 40).fit(Matrix(rowCount: 1, columnCount: 60, repeating: 1)) }
    // Interactions stop at the feature count, however large the degree.
    let interactions = try PolynomialFeatures(degree: 1_000_000_000, interactionOnly: true).fit(try Matrix([[2, 3, 5]]))
    #expect(try interactions.transform(try Matrix([[2, 3, 5]])) == (try Matrix([[1, 2, 3, 5, 6, 10, 15, 30]])))
    let model = try PolynomialFeatures(degree: 3).fit(x)
    #expect(try model.transform(try Matrix([[2, 3]])) == (try Matrix([[1, 2, 3, 4, 6, 9, 8, 12, 18, 27]])))
    #expect(throws: LearnError.shapeMismatch("3 input feature names for 2 features")) {
      try model.featureNamesOut(["a", "b", "c"])
    }
  }
}
