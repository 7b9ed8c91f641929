import LearnCore
import LearnTestSupport
import LinearAlgebra
import Testing

/// A test-only estimator configuration with one hyperparameter of each kind.
private struct Toy: Tunable {
  enum Kernel: String, CaseIterable, Sendable { case linear, rbf }
  var c = 1.0
  var depth: Int? = nil
  var iterations = 100
  var kernel = Kernel.rbf
  var shrinking = true
  var seed: UInt64 = 0

  static let hyperparameters: [Hyperparameter<Toy>] = [
    .double("c", \.c, .positive),
    .optionalInt("depth", \.depth, 1...Int.max),
    .int("iterations", \.iterations, 1...10_000),
    .choice("kernel", \.kernel),
    .bool("shrinking", \.shrinking),
    .seed("seed", \.seed),
  ]
}

private struct Outer: Tunable {
  var toy = Toy()
  static let hyperparameters: [Hyperparameter<Outer>] = Toy.hyperparameters.map { $0.lifted(prefix: "toy", through: \.toy) }
}

@Suite struct TunableTests {
  @Test func readsEveryParameter() {
    let p = Toy().parameters
    #expect(p == ["c": 1.0, "depth": nil, "iterations": 100, "kernel": "rbf", "shrinking": true, "seed": 0])
  }

  @Test func settingReturnsAValidatedCopy() throws {
    let original = Toy()
    let changed = try original.setting(["c": 2, "depth": 3, "kernel": "linear", "shrinking": false, "seed": 9])
    #expect(changed.c == 2 && changed.depth == 3 && changed.kernel == .linear && !changed.shrinking && changed.seed == 9)
    #expect(original.c == 1 && original.kernel == .rbf, "the original is untouched")
    #expect(try changed.setting("depth", to: nil).depth == nil)
    #expect(try original.setting("iterations", to: 5.0).iterations == 5, "an integral double is accepted as an int")
  }

  @Test func unknownNameListsTheValidOnes() {
    #expect(throws: LearnError.unknownHyperparameter(
      name: "gamma", estimator: "Toy", valid: ["c", "depth", "iterations", "kernel", "shrinking", "seed"])) {
      try Toy().setting(["gamma": 1])
    }
  }

  @Test func outOfRangeValuesNameTheRange() {
    #expect(throws: LearnError.invalidHyperparameter(name: "c", estimator: "Toy", expected: "a float in (0.0, inf)", got: "-1.0")) {
      try Toy().setting(["c": -1.0])
    }
    #expect(throws: LearnError.invalidHyperparameter(name: "c", estimator: "Toy", expected: "a float in (0.0, inf)", got: "0")) {
      try Toy().setting(["c": 0])
    }
    #expect(throws: LearnError.invalidHyperparameter(name: "iterations", estimator: "Toy", expected: "an int in [1, 10000]", got: "0")) {
      try Toy().setting(["iterations": 0])
    }
    #expect(throws: LearnError.invalidHyperparameter(name: "iterations", estimator: "Toy", expected: "an int in [1, 10000]", got: "2.5")) {
      try Toy().setting(["iterations": 2.5])
    }
    #expect(throws: LearnError.invalidHyperparameter(name: "kernel", estimator: "Toy", expected: "one of \"linear\", \"rbf\"", got: "\"poly\"")) {
      try Toy().setting(["kernel": "poly"])
    }
    #expect(throws: LearnError.self) { try Toy().setting(["c": .double(.nan)]) }
    #expect(throws: LearnError.self) { try Toy().setting(["seed": 1.5]) }
    #expect(throws: LearnError.self) { try Toy().setting(["shrinking": 1]) }
  }

  @Test func validateCatchesValuesSetDirectly() {
    var toy = Toy()
    toy.c = -3
    #expect(throws: LearnError.self) { try toy.validateHyperparameters() }
  }

  @Test func liftedParametersArePrefixed() throws {
    let outer = try Outer().setting(["toy.c": 5, "toy.kernel": "linear"])
    #expect(outer.toy.c == 5 && outer.toy.kernel == .linear)
    #expect(Outer().hyperparameterNames.first == "toy.c")
    #expect(throws: LearnError.self) { try Outer().setting(["toy.c": 0]) }
  }

  @Test func errorMessagesReadWell() {
    let error = LearnError.invalidHyperparameter(name: "c", estimator: "SVC", expected: "a float in (0.0, inf)", got: "-1.0")
    #expect(error.description == "the 'c' hyperparameter of SVC must be a float in (0.0, inf); got -1.0 instead")
    #expect(RealDomain.unitInterval.description == "[0.0, 1.0]")
  }
}
