import Foundation
import Learn
import Testing

/// The text form of values and spaces that `learn tune --param` and `--space` read (a fuzz target).
@Suite struct SearchSpaceTextTests {
  @Test func valuesAndRangesReadAsWritten() throws {
    #expect(SearchSpaceText.value("3") == .int(3) && SearchSpaceText.value("0.5") == .double(0.5))
    #expect(SearchSpaceText.value("true") == .bool(true) && SearchSpaceText.value("none") == .none)
    #expect(SearchSpaceText.value("rbf") == .string("rbf"))
    func read(_ spec: String, real: Bool = false) throws -> Distribution {
      try SearchSpaceText.distribution(spec, name: "p", source: "--param", real: real)
    }
    #expect(try read("2..30") == .int(2, 30))
    #expect(try read("2..30", real: true) == .uniform(2, 30))
    #expect(try read("log:1..64") == .logInt(1, 64))
    #expect(try read("log:0.01..100") == .logUniform(0.01, 100))
    #expect(try read(" rbf|linear ") == .choice(["rbf", "linear"]))
    #expect(try read("7") == .choice([7]))
    for bad in ["5..2", "log:0..4", "a..b", "1..inf", "log:5"] {
      #expect { _ = try read(bad) } throws: { "\($0)".contains("'p'") }
    }
  }

  @Test func aJSONSpaceGivesItsSpecifications() throws {
    let specs = try SearchSpaceText.specifications(json: Data(#"{"model.c": "log:0.01..100", "model.gamma": 0.5}"#.utf8), source: "space.json")
    #expect(specs == ["model.c": "log:0.01..100", "model.gamma": "0.5"])
    for bad in [#"[1, 2]"#, #"{"model.c": [1]}"#, "not json", ""] {
      #expect { _ = try SearchSpaceText.specifications(json: Data(bad.utf8), source: "space.json") } throws: { "\($0)".contains("space.json") }
    }
  }
}
