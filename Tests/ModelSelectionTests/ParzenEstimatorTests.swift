import Foundation
import LearnTestSupport
import Testing

@testable import LearnCore
@testable import ModelSelection

/// The TPE surrogate's mixture: log densities against Optuna 5's `_ParzenEstimator` (with
/// Optuna's settings) and against the script's own estimator with Learn's defaults (the clip
/// floor and expected-improvement weights Optuna does not have), from
/// `Fixtures/scripts/tpe_fixtures.py`.
@Suite struct ParzenEstimatorTests {
  struct Case: Decodable {
    let name: String
    let kind: String
    let dimensions: [String]
    let points: [[Double]]
    let values: [Double]?
    let threshold: Double?
    let queries: [[Double]]
    let log_density: [Double]
  }
  struct File: Decodable { let cases: [Case] }
  static let fixture = Result { try Fixtures.decode(File.self, from: "bayes/tpe_parzen.json") }

  static func distribution(_ name: String) -> Distribution {
    switch name {
    case "int5": return .int(0, 4)
    case "int40": return .int(0, 39)
    case "choice3": return .choice([.string("a"), .string("b"), .string("c")])
    default: return .uniform(0, 1)
    }
  }

  @Test func optunaSettingsMatchOptunasEstimator() throws {
    let optuna = TPESettings(clipExponent: 1, clipFloor: 0.01, goodWeights: .uniform)
    let cases = try Self.fixture.get().cases.filter { $0.kind == "optuna" }
    #expect(cases.count == 3)
    for c in cases {
      let estimator = ParzenEstimator(dimensions: c.dimensions.map(Self.distribution), points: c.points, settings: optuna)
      for (query, expected) in zip(c.queries, c.log_density) {
        let got = estimator.logDensity(query)
        #expect(abs(got - expected) <= 1e-10 * Swift.max(1, abs(expected)), "\(c.name) at \(query): \(got) against \(expected)")
      }
    }
  }

  @Test func defaultsClipAndWeighByImprovement() throws {
    let cases = try Self.fixture.get().cases.filter { $0.kind == "clipped" }
    #expect(cases.count == 2)
    for c in cases {
      let values = try #require(c.values), threshold = try #require(c.threshold)
      let proposer = TPEProposer(settings: TPESettings(), spaces: [])
      let weights = try #require(proposer.expectedImprovementWeights(values, threshold: threshold))
      #expect(weights.count == values.count + 1)
      let estimator = ParzenEstimator(
        dimensions: c.dimensions.map(Self.distribution), points: c.points, settings: TPESettings(), weights: weights)
      for (query, expected) in zip(c.queries, c.log_density) {
        let got = estimator.logDensity(query)
        #expect(abs(got - expected) <= 1e-10 * Swift.max(1, abs(expected)), "\(c.name) at \(query): \(got) against \(expected)")
      }
    }
  }

  @Test func weightsFollowTheSetting() throws {
    let values = [-2.0, -1.5, -1.0]
    let ei = TPEProposer(settings: TPESettings(priorWeight: 2), spaces: [])
    // Gains over the best bad trial (−0.5): 1.5, 1, 0.5; the prior twice their mean.
    #expect(ei.expectedImprovementWeights(values, threshold: -0.5) == [1.5, 1, 0.5, 2])
    // A good trial no better than the threshold keeps a tiny weight, never zero or negative.
    #expect(ei.expectedImprovementWeights([0, 1], threshold: 0)?.prefix(2).allSatisfy { $0 == 1e-12 } == true)
    // No bad trial yet, or uniform weights: the settings' own weights.
    #expect(ei.expectedImprovementWeights(values, threshold: nil) == nil)
    #expect(TPEProposer(settings: TPESettings(goodWeights: .uniform), spaces: []).expectedImprovementWeights(values, threshold: 0) == nil)
  }

  @Test func theClipFloorBoundsBandwidths() {
    // Two close points: their gap (0.001) is below every floor, so the bandwidth is the floor.
    let points = [[0.5], [0.501]]
    func bandwidth(_ settings: TPESettings) -> Double {
      ParzenEstimator(dimensions: [.uniform(0, 1)], points: points, settings: settings).bandwidths[0][0]
    }
    // Optuna's: 1 / min(100, 1 + kernels) with 3 kernels.
    #expect(bandwidth(TPESettings(clipExponent: 1, clipFloor: 0.01)) == 0.25)
    // Learn's: max(0.03, 4⁻²) = 0.0625; with more kernels the floor 0.03 takes over.
    #expect(bandwidth(TPESettings()) == 0.0625)
    let many = (0..<10).map { [0.5 + Double($0) * 1e-4] }
    #expect(ParzenEstimator(dimensions: [.uniform(0, 1)], points: many, settings: TPESettings()).bandwidths[0][0] == 0.03)
    #expect(abs(bandwidth(TPESettings(magicClip: false)) - 0.001) < 1e-15)
  }

  @Test func tiesTakeGapsInObservationOrder() {
    // Three equal values between the bounds: the first takes the edge rule's inner gap (0),
    // the middle one the larger of its gaps (0), the last the gap to the bound it faces.
    let gaps = ParzenEstimator.neighbourGaps([0.25, 0.25, 0.25, 0.75])
    #expect(gaps == [0, 0, 0.5, 0.5])
    #expect(ParzenEstimator.neighbourGaps([0.25, 0.75], endpoints: true) == [0.5, 0.5])
  }

  @Test func settingsAreValidated() {
    for (bad, name) in [(TPESettings(clipExponent: 0), "clipExponent"), (TPESettings(clipFloor: 1), "clipFloor"),
                        (TPESettings(clipFloor: -0.1), "clipFloor"), (TPESettings(clipExponent: .nan), "clipExponent")] {
      let error = #expect(throws: LearnError.self) { try bad.validate() }
      #expect("\(error.map { "\($0)" } ?? "")".contains(name))
    }
  }

  @Test func optunasSettingsKeepTheirJournalText() {
    // Journals written before the clip and weights existed fingerprint Optuna's estimator with
    // this text; the new defaults are a different search, so their text differs.
    let optuna = TPESettings(clipExponent: 1, clipFloor: 0.01, goodWeights: .uniform)
    #expect(optuna.description == "candidates 24, multivariate true, split linear(0.1, 25), prior 1.0, clip true, forgetting 25, liar true")
    #expect(TPESettings().description.hasSuffix(", clip 2.0 0.03, weights ei"))
  }
}
