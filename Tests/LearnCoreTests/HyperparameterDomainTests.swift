import LearnCore
import LinearAlgebra
import Testing

/// A test-only configuration with one row of each factory, and one custom row.
private struct Rows: Tunable {
  enum Kernel: String, CaseIterable, Sendable { case linear, rbf, poly }
  var c = 1.0
  var trees = 100
  var depth: Int? = nil
  var fraction: Double? = nil
  var seed: UInt64 = 0
  var shrinking = true
  var kernel = Kernel.rbf
  var note = ""

  static let hyperparameters: [Hyperparameter<Rows>] = [
    .double("c", \.c, .positive, log: true),
    .int("trees", \.trees, 1...1000, log: true),
    .optionalInt("depth", \.depth, 1...Int.max),
    .optionalDouble("fraction", \.fraction, .unitInterval),
    .seed("seed", \.seed),
    .bool("shrinking", \.shrinking),
    .choice("kernel", \.kernel),
    Hyperparameter(name: "note", expected: "any string", read: { .string($0.note) }) {
      (model, value) throws(HyperparameterRejection) in
      guard case .string(let s) = value else { throw HyperparameterRejection(value) }
      model.note = s
    },
  ]

  static let defaultSearchSpace: [String: Distribution] = ["c": .logUniform(1e-2, 1e2), "kernel": .choice(["rbf"])]
}

private struct Holder: Tunable {
  var rows = Rows()
  static let hyperparameters: [Hyperparameter<Holder>] =
    Rows.hyperparameters.map { $0.lifted(prefix: "rows", through: \.rows) }
}

private struct Plain: Tunable {
  var x = 0.0
  static let hyperparameters: [Hyperparameter<Plain>] = [.double("x", \.x)]
}

private func domain(_ name: String) -> HyperparameterDomain? {
  Rows.hyperparameters.first { $0.name == name }?.domain
}

/// (0, 1]: open below, closed above.
private let halfOpen = HyperparameterDomain.real(RealDomain(lower: 0, upper: 1, lowerClosed: false), log: false)

@Suite struct HyperparameterDomainTests {
  @Test func everyFactoryRecordsItsDomain() {
    #expect(domain("c") == .real(.positive, log: true))
    #expect(domain("trees") == .integers(1...1000, log: true))
    #expect(domain("depth") == .optional(.integers(1...Int.max, log: false)))
    #expect(domain("fraction") == .optional(.real(.unitInterval, log: false)))
    #expect(domain("seed") == .seed)
    #expect(domain("shrinking") == .bool)
    #expect(domain("kernel") == .choices(["linear", "rbf", "poly"]), "raw values in case order")
    #expect(domain("note") == .opaque, "the raw initializer defaults to opaque")
    #expect(Plain.hyperparameters[0].domain == .real(.any, log: false), "log defaults to false")
  }

  @Test func liftedAndReachedRowsKeepTheDomain() {
    for (inner, outer) in zip(Rows.hyperparameters, Holder.hyperparameters) {
      #expect(outer.name == "rows." + inner.name)
      #expect(outer.domain == inner.domain, "\(outer.name)")
    }
    let reached = Rows.hyperparameters[1].reached(get: { (h: Holder) in h.rows }, set: { $0.rows = $1 })
    #expect(reached.domain == .integers(1...1000, log: true))
  }

  @Test func realEndsOpenAndClosed() {
    #expect(!halfOpen.contains(0.0))
    #expect(halfOpen.contains(1.0) && halfOpen.contains(1))
    #expect(!halfOpen.contains(.double(1.0.nextUp)))
    #expect(!halfOpen.contains("a") && !halfOpen.contains(.double(.nan)))
    // An open end steps inside by the smallest representable amount; a closed end is kept.
    #expect(halfOpen.clamped(0.0) == .double(Double.leastNonzeroMagnitude))
    #expect(halfOpen.clamped(-3.0) == .double(Double.leastNonzeroMagnitude))
    #expect(halfOpen.clamped(7) == .double(1))
    #expect(halfOpen.clamped(0.25) == .double(0.25))
    #expect(halfOpen.clamped(.double(.nan)) == nil && halfOpen.clamped("a") == nil)
    let closedOpen = RealDomain(lower: 2, upper: 3, lowerClosed: true, upperClosed: false)
    #expect(closedOpen.clamped(1) == 2)
    #expect(closedOpen.clamped(3) == 3.0.nextDown)
    #expect(RealDomain.any.clamped(.infinity) == Double.greatestFiniteMagnitude)
    #expect(RealDomain.positive.clamped(-.infinity) == Double.leastNonzeroMagnitude)
    #expect(RealDomain(lower: 1, upper: 1, lowerClosed: false).clamped(1) == nil, "an empty interval")
  }

  @Test func integersRoundThenClamp() {
    let range = HyperparameterDomain.integers(2...20, log: false)
    #expect(range.contains(2) && range.contains(20) && range.contains(5.0))
    #expect(!range.contains(1) && !range.contains(21) && !range.contains(2.5))
    #expect(range.clamped(2.6) == .int(3))
    #expect(range.clamped(-40) == .int(2))
    #expect(range.clamped(1e300) == .int(20))
    #expect(range.clamped(5.0) == .int(5), "an integral double comes back as an int")
    #expect(range.clamped("2") == nil)
    let unbounded = HyperparameterDomain.integers(Int.min...Int.max, log: false)
    #expect(unbounded.clamped(1e300) == .int(Int.max) && unbounded.clamped(-1e300) == .int(Int.min))
  }

  @Test func optionalChoicesBoolAndSeed() {
    let depth = domain("depth")!
    #expect(depth.contains(nil) && depth.contains(3) && !depth.contains(0))
    #expect(depth.clamped(nil) == ParameterValue.none && depth.clamped(0) == .int(1))
    let kernel = domain("kernel")!
    #expect(kernel.contains("rbf") && !kernel.contains("sigmoid") && !kernel.contains(1))
    #expect(kernel.clamped("poly") == "poly" && kernel.clamped("sigmoid") == nil)
    #expect(HyperparameterDomain.bool.contains(true) && !HyperparameterDomain.bool.contains(1))
    #expect(HyperparameterDomain.bool.clamped(false) == false)
    #expect(HyperparameterDomain.bool.clamped("true") == Optional<ParameterValue>.none, "no value, not the value none")
    #expect(HyperparameterDomain.seed.contains(-7) && !HyperparameterDomain.seed.contains(1.0))
  }

  @Test func oneOfPicksTheMemberOfTheValuesKind() {
    // A tree's minSamplesSplit: a count ≥ 2 or a fraction in (0, 1].
    let split = HyperparameterDomain.oneOf([.integers(2...Int.max, log: false), halfOpen])
    #expect(split.contains(2) && split.contains(0.5) && split.contains(1.0))
    #expect(!split.contains(1), "the count 1 is not the fraction 1.0")
    #expect(!split.contains(2.0), "the fraction 2.0 is out of range although 2 is a count")
    #expect(split.clamped(2.0) == .double(1))
    #expect(split.clamped(0) == .int(2))
    // SVC's gamma: names or a real ≥ 0; an int is read as a real when no integer member exists.
    let gamma = HyperparameterDomain.oneOf([.choices(["scale", "auto"]), .real(.nonNegative, log: true)])
    #expect(gamma.contains("scale") && gamma.contains(1) && gamma.contains(0.0))
    #expect(!gamma.contains("rbf") && !gamma.contains(-1.0))
    #expect(gamma.clamped(-1.0) == .double(0) && gamma.clamped("auto") == "auto" && gamma.clamped("rbf") == nil)
  }

  @Test func integerListsAndOpaque() {
    let layers = HyperparameterDomain.integerLists(element: 1...Int.max, count: 1...3)
    #expect(layers.contains([64, 64]) && !layers.contains([]) && !layers.contains([0]))
    #expect(!layers.contains([1, 2, 3, 4]) && !layers.contains(64))
    #expect(layers.clamped([0, 5, 7, 9]) == [1, 5, 7])
    #expect(layers.clamped([]) == [1])
    #expect(layers.clamped(32) == [32])
    #expect(HyperparameterDomain.opaque.contains("anything") == false)
    #expect(HyperparameterDomain.opaque.clamped("anything") == nil)
    #expect(HyperparameterDomain.opaque.distribution == nil && layers.distribution == nil)
  }

  @Test func distributionsOverBoundedDomains() throws {
    #expect(HyperparameterDomain.real(.closed(1e-3...1e1), log: true).distribution == .logUniform(1e-3, 1e1))
    #expect(halfOpen.distribution == .uniform(Double.leastNonzeroMagnitude, 1))
    #expect(HyperparameterDomain.real(.positive, log: true).distribution == nil, "unbounded")
    #expect(HyperparameterDomain.real(.unitInterval, log: true).distribution == nil, "a log scale reaching 0")
    #expect(domain("trees")?.distribution == .logInt(1, 1000))
    #expect(domain("depth")?.distribution == nil, "unbounded above")
    #expect(HyperparameterDomain.optional(.integers(1...3, log: false)).distribution == .choice([1, 2, 3, nil]))
    #expect(domain("kernel")?.distribution == .choice(["linear", "rbf", "poly"]))
    #expect(HyperparameterDomain.bool.distribution == .choice([false, true]))
    #expect(HyperparameterDomain.seed.distribution == .int(0, Int.max))
    let mixed = HyperparameterDomain.oneOf([.choices(["a", "b"]), .integers(1...2, log: false), .choices(["a"])])
    #expect(mixed.distribution == .choice(["a", "b", 1, 2]), "members joined, repeats dropped")
    // Every derived distribution is valid and its ends lie inside the domain.
    let domains: [HyperparameterDomain] = Rows.hyperparameters.map(\.domain) + [halfOpen, mixed]
    for d in domains {
      guard let distribution = d.distribution else { continue }
      try distribution.validate(name: d.description)
      for u in [0.0, 0.5, 1.0] { #expect(d.contains(distribution.decode(u)), "\(d) at \(u)") }
    }
  }

  @Test func defaultSearchSpaces() {
    #expect(Plain().defaultSearchSpace.isEmpty, "empty unless declared")
    #expect(Rows().defaultSearchSpace == Rows.defaultSearchSpace)
    let prefixed = Rows().defaultSearchSpace(prefixedWith: "svc")
    #expect(prefixed == ["svc.c": .logUniform(1e-2, 1e2), "svc.kernel": .choice(["rbf"])])
  }

  @Test func descriptionsAreReadable() {
    #expect(domain("c")?.description == "real (0.0, inf) log")
    #expect(domain("depth")?.description == "int [1, inf) or none")
    #expect(HyperparameterDomain.oneOf([.choices(["scale"]), .bool]).description == "one of [\"scale\"] | bool")
  }
}
