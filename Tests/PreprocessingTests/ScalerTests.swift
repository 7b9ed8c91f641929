import LearnCore
import LearnTestSupport
import LinearAlgebra
@testable import Preprocessing
import Testing

@Suite struct ScalerTests {
  @Test func standardScalerMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    #expect(fixture.standardScaler.count == 8)
    for entry in fixture.standardScaler {
      let (out, expected) = (entry.outputs, entry.statistics)
      let label = "\(out.input) \(out.params.keys.sorted())"
      let model = try StandardScaler().setting(out.parameters).fit(try fixture.input(out.input))
      #expect(parity(model.mean, expected.mean), "mean, \(label)")
      #expect(parity(model.variance, expected.variance), "variance, \(label)")
      #expect(parity(model.scale, expected.scale), "scale, \(label)")
      #expect(model.sampleCount == expected.sampleCount)
      // Computed the way scikit-learn's _incremental_mean_and_var computes them (column sums in
      // row order, corrected two-pass variance), the statistics are bit-identical.
      #expect(model.mean == expected.mean, "bit-identical mean, \(label)")
      #expect(model.variance == expected.variance, "bit-identical variance, \(label)")
      #expect(model.scale == expected.scale, "bit-identical scale, \(label)")
      #expect(try model.transform(try fixture.input(out.input)) == out.transformed.matrix, "bit-identical, \(label)")
      try expectOutputs(model, out, label)
    }
  }

  @Test func minMaxScalerMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    #expect(fixture.minMaxScaler.count == 6)
    for entry in fixture.minMaxScaler {
      let (out, expected) = (entry.outputs, entry.statistics)
      let label = "\(out.input) \(out.params.keys.sorted())"
      let model = try MinMaxScaler().setting(out.parameters).fit(try fixture.input(out.input))
      #expect(parity(model.dataMin, expected.dataMin), "dataMin, \(label)")
      #expect(parity(model.dataMax, expected.dataMax), "dataMax, \(label)")
      #expect(parity(model.dataRange, expected.dataRange), "dataRange, \(label)")
      #expect(parity(model.scale, expected.scale), "scale, \(label)")
      #expect(parity(model.offset, expected.offset), "offset, \(label)")
      try expectOutputs(model, out, label)
    }
  }

  @Test func robustScalerMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    #expect(fixture.robustScaler.count == 14)
    for entry in fixture.robustScaler {
      let (out, expected) = (entry.outputs, entry.statistics)
      let label = "\(out.input) \(out.params.keys.sorted())"
      let model = try RobustScaler().setting(out.parameters).fit(try fixture.input(out.input))
      #expect(parity(model.center, expected.center), "center, \(label)")
      #expect(parity(model.scale, expected.scale), "scale, \(label)")
      try expectOutputs(model, out, label)
    }
  }

  /// The transform of the training input and of the test input, and the inverse of the former,
  /// against scikit-learn's.
  private func expectOutputs<F: InvertibleTransformer>(_ model: F, _ out: PreprocessingFixture.Outputs,
                                                        _ label: String) throws {
    let fixture = try PreprocessingFixture.load()
    let transformed = try model.transform(try fixture.input(out.input))
    #expect(parity(transformed, out.transformed.matrix),
            "transform, \(label): off by \(largestDifference(transformed, out.transformed.matrix))")
    let test = try model.transform(out.test.matrix)
    #expect(parity(test, out.testTransformed.matrix),
            "test transform, \(label): off by \(largestDifference(test, out.testTransformed.matrix))")
    let inverse = try model.inverseTransform(transformed)
    #expect(parity(inverse, out.inverse.matrix),
            "inverse, \(label): off by \(largestDifference(inverse, out.inverse.matrix))")
  }

  @Test func constantAndNearConstantFeaturesGetUnitScale() throws {
    let x = try Matrix([[3, 1e8, 1], [3, 1e8.nextUp, 2], [3, 1e8, 4]])
    let standard = try StandardScaler().fit(x)
    #expect(standard.scale?[0] == 1 && standard.scale?[1] == 1)
    #expect(try standard.transform(x).column(0) == [0, 0, 0])
    let minMax = try MinMaxScaler().fit(x)
    #expect(minMax.scale[0] == 1 && minMax.offset[0] == -3)
    #expect(try minMax.transform(x).column(0) == [0, 0, 0])
    let robust = try RobustScaler().fit(x)
    #expect(robust.scale == [1, 1, 1.5])
    #expect(robust.center == [3, 1e8, 2])
  }

  @Test func inverseTransformsRoundTrip() throws {
    let iris = try PreprocessingFixture.load().input("iris")
    let models: [any InvertibleTransformer] = [
      try StandardScaler().fit(iris), try StandardScaler(withMean: false).fit(iris),
      try MinMaxScaler(featureRangeLower: -2, featureRangeUpper: 5).fit(iris),
      try RobustScaler(quantileRangeLower: 5, quantileRangeUpper: 95, unitVariance: true).fit(iris),
    ]
    for model in models {
      let back = try model.inverseTransform(try model.transform(iris))
      #expect(allClose(back, iris, relative: 1e-14, absolute: 1e-14), "\(type(of: model))")
    }
  }

  @Test func minMaxClipKeepsOutputInRange() throws {
    let x = try Matrix([[0, 10], [1, 20]])
    let model = try MinMaxScaler(featureRangeLower: -1, featureRangeUpper: 1, clip: true).fit(x)
    #expect(try model.transform(try Matrix([[-1, 30], [0.5, 15]])) == (try Matrix([[-1, 1], [0, 0]])))
    let unclipped = try MinMaxScaler(featureRangeLower: -1, featureRangeUpper: 1).fit(x)
    #expect(try unclipped.transform(try Matrix([[-1, 30]])) == (try Matrix([[-3, 3]])))
  }

  @Test func normalQuantileMatchesScipy() {
    let expected: [(Double, Double)] = [
      (0.75, 0.6744897501960817), (0.25, -0.6744897501960817), (0.9, 1.2815515655446004),
      (0.025, -1.9599639845400545), (1e-10, -6.361340902404056), (0.999999, 4.753424308817087),
      (0.3, -0.5244005127080409),
    ]
    for (p, x) in expected {
      #expect(isClose(NormalDistribution.quantile(p), x, relative: 1e-14), "Φ⁻¹(\(p))")
    }
    #expect(abs(NormalDistribution.quantile(0.5)) < 1e-16)
  }

  @Test func quantileUsesNumpyLinearInterpolation() {
    let sorted: [Double] = [1, 2, 4, 8, 16]
    #expect(PreprocessingSupport.quantile(sorted: sorted, 0) == 1)
    #expect(PreprocessingSupport.quantile(sorted: sorted, 1) == 16)
    #expect(PreprocessingSupport.quantile(sorted: sorted, 0.25) == 2)
    #expect(PreprocessingSupport.quantile(sorted: sorted, 0.1) == 1.4)
    #expect(PreprocessingSupport.quantile(sorted: sorted, 0.9) == 16 - 8 * (1 - 0.6000000000000001))
    #expect(PreprocessingSupport.median(sorted: [1, 2, 4, 8]) == 3)
    #expect(PreprocessingSupport.median(sorted: [1, 2, 4]) == 2)
  }

  @Test func scalerHyperparametersAreValidated() throws {
    let x = try Matrix([[1, 2], [3, 5]])
    #expect(throws: LearnError.invalidHyperparameter(
      name: "featureRangeLower", estimator: "MinMaxScaler", expected: "less than featureRangeUpper (1.0)", got: "1.0")) {
      try MinMaxScaler(featureRangeLower: 1, featureRangeUpper: 1).fit(x)
    }
    #expect(throws: LearnError.self) { try MinMaxScaler(featureRangeLower: 2).fit(x) }
    #expect(throws: LearnError.self) { try MinMaxScaler(featureRangeLower: .nan).fit(x) }
    #expect(throws: LearnError.self) { try RobustScaler(quantileRangeLower: 80, quantileRangeUpper: 20).fit(x) }
    #expect(throws: LearnError.self) { try RobustScaler().setting(["quantileRangeUpper": 101]) }
    #expect(throws: LearnError.self) { try RobustScaler().setting(["quantileRangeLower": -1]) }
    #expect(throws: LearnError.self) {
      try RobustScaler(quantileRangeLower: 0, quantileRangeUpper: 100, unitVariance: true).fit(x)
    }
    #expect(throws: LearnError.self) {
      try RobustScaler(quantileRangeLower: 50, quantileRangeUpper: 50, unitVariance: true).fit(x)
    }
    // An equal lower and upper quantile is valid without unit variance (scale 0 → 1).
    #expect(try RobustScaler(quantileRangeLower: 50, quantileRangeUpper: 50).fit(x).scale == [1, 1])
    #expect(try RobustScaler(quantileRangeLower: 0, quantileRangeUpper: 100).fit(x).scale == [2, 3])
    #expect(throws: LearnError.self) { try StandardScaler().setting(["withMean": 1]) }
  }

  @Test func disabledStepsLeaveStatisticsOut() throws {
    let x = try Matrix([[1, 2], [3, 6]])
    let neither = try StandardScaler(withMean: false, withStd: false).fit(x)
    #expect(neither.mean == nil && neither.variance == nil && neither.scale == nil)
    #expect(try neither.transform(x) == x)
    let meanOnly = try StandardScaler(withStd: false).fit(x)
    #expect(meanOnly.mean == [2, 4] && meanOnly.scale == nil)
    #expect(try meanOnly.transform(x) == (try Matrix([[-1, -2], [1, 2]])))
    let scaleOnly = try StandardScaler(withMean: false).fit(x)
    #expect(scaleOnly.mean == [2, 4] && scaleOnly.variance == [1, 4])
    #expect(try scaleOnly.transform(x) == (try Matrix([[1, 1], [3, 3]])))
    let robust = try RobustScaler(withCentering: false, withScaling: false).fit(x)
    #expect(robust.center == nil && robust.scale == nil)
    #expect(try robust.inverseTransform(x) == x)
  }
}
