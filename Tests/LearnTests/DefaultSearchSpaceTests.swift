import Learn
import LearnTestSupport
import Testing

/// A tunable value under a readable name, as a test argument.
struct TunableCase: Sendable, CustomTestStringConvertible {
  let name: String
  let value: any Tunable
  init(_ value: some Tunable, _ name: String? = nil) {
    self.value = value
    self.name = name ?? String(describing: type(of: value))
  }
  var testDescription: String { name }
}

/// Every estimator and step that declares a default search space, and composites of them.
private let withDefaultSpaces: [TunableCase] = [
  TunableCase(LinearRegression()), TunableCase(Ridge()), TunableCase(RidgeClassifier()),
  TunableCase(LogisticRegression()), TunableCase(Lasso()), TunableCase(ElasticNet()),
  TunableCase(SGDClassifier()), TunableCase(SGDRegressor()),
  TunableCase(SVC()), TunableCase(SVR()), TunableCase(LinearSVC()),
  TunableCase(DecisionTreeClassifier()), TunableCase(DecisionTreeRegressor()),
  TunableCase(RandomForestClassifier()), TunableCase(RandomForestRegressor()),
  TunableCase(ExtraTreesClassifier()), TunableCase(ExtraTreesRegressor()),
  TunableCase(MLPClassifier()), TunableCase(MLPRegressor()),
  TunableCase(PolynomialFeatures()), TunableCase(SimpleImputer()),
  TunableCase(AnyEstimator(SVR()), "AnyEstimator(SVR)"),
  TunableCase(Pipeline(SimpleImputer(), PolynomialFeatures(), StandardScaler(), SGDClassifier()), "Pipeline"),
  TunableCase(Pipeline(StandardScaler(), EstimatorChoice<Int>(
    AnyEstimator(MLPClassifier()), AnyEstimator(RandomForestClassifier()), AnyEstimator(SVC()))), "Pipeline(choice)"),
]

/// Tunable values without a default space, whose rows' domains are checked all the same.
private let withoutDefaultSpaces: [TunableCase] = [
  TunableCase(StandardScaler()), TunableCase(MinMaxScaler()), TunableCase(RobustScaler()),
  TunableCase(OneHotEncoder()), TunableCase(OrdinalEncoder()), TunableCase(DummyClassifier()),
  TunableCase(DummyRegressor()),
  TunableCase(try! ColumnTransformer([.init("numbers", SimpleImputer(), columns: [0])]), "ColumnTransformer"),
]

/// The names of rows whose values cannot be described (explicit class-weight tables).
private let opaqueNames: Set<String> = ["classWeight"]

/// Points of `distribution` a search may propose: both ends, the middle, every value of a finite
/// one, and seeded draws.
private func probes<G: RandomNumberGenerator>(
  _ distribution: Distribution, using generator: inout G
) -> [ParameterValue] {
  var points = [distribution.decode(0), distribution.decode(0.5), distribution.decode(1)]
  points += distribution.finiteValues(limit: 100) ?? []
  for _ in 0..<25 { points.append(distribution.sample(using: &generator)) }
  return points
}

/// Checks that every name of `value`'s default space is a hyperparameter, every distribution is
/// valid and inside the row's domain, and every proposed value is accepted and reads back.
private func checkDefaultSpace<T: Tunable>(_ value: T, name: String) throws {
  let space = value.defaultSearchSpace
  #expect(!space.isEmpty, "\(name) declares no default search space")
  let table = value.hyperparameterTable
  var generator = Xoshiro256StarStar(seed: 20_240_601)
  for (parameter, distribution) in space.sorted(by: { $0.key < $1.key }) {
    try distribution.validate(name: parameter)
    guard let row = table.first(where: { $0.name == parameter }) else {
      Issue.record("\(name): '\(parameter)' is not among \(value.hyperparameterNames)")
      continue
    }
    for point in probes(distribution, using: &generator) {
      #expect(row.domain.contains(point), "\(name).\(parameter) = \(point) lies outside \(row.domain)")
      do {
        let updated = try value.setting([parameter: point])
        #expect(updated.parameters[parameter] == point, "\(name).\(parameter) = \(point) does not read back")
      } catch {
        Issue.record("\(name).\(parameter) = \(point) refused: \(error)")
      }
    }
  }
  for _ in 0..<20 {  // whole candidates, as a random search sets them
    var candidate: ParameterSet = [:]
    for (parameter, distribution) in space.sorted(by: { $0.key < $1.key }) {
      candidate[parameter] = distribution.sample(using: &generator)
    }
    do { _ = try value.setting(candidate) } catch { Issue.record("\(name): \(candidate) refused: \(error)") }
  }
}

/// Values of every kind and size, to probe a domain against its row.
private let probeValues: [ParameterValue] = [
  -1e300, -1.5, -1, 0.0, 0.25, 0.5, 1.0, 2.0, 7.5, 1e300, .int(-5), .int(0), .int(1), .int(3), .int(Int.max),
  "x", "scale", "sqrt", "rbf", "mean", .none, true, false, [0, 3], [64, 64], [],
]

/// Checks that each row's domain agrees with its `write`: the current value is inside it, every
/// value inside it is accepted, and every clamped probe is inside it and accepted.
private func checkDomains<T: Tunable>(_ value: T, name: String) {
  for row in value.hyperparameterTable {
    let label = "\(name).\(row.name)"
    let isOpaqueName = opaqueNames.contains(row.name.split(separator: ".").last.map(String.init) ?? row.name)
    #expect((row.domain == .opaque) == isOpaqueName, "\(label) has domain \(row.domain)")
    guard row.domain != .opaque else { continue }
    let current = row.read(value)
    #expect(row.domain.contains(current), "\(label): the current value \(current) lies outside \(row.domain)")
    for probe in probeValues {
      if row.domain.contains(probe) {
        #expect((try? value.setting([row.name: probe])) != nil, "\(label) = \(probe) is in \(row.domain) but refused")
      }
      guard let clamped = row.domain.clamped(probe) else { continue }
      #expect(row.domain.contains(clamped), "\(label): \(probe) clamps to \(clamped), outside \(row.domain)")
      #expect((try? value.setting([row.name: clamped])) != nil, "\(label): \(probe) clamps to \(clamped), refused")
    }
  }
}

@Suite struct DefaultSearchSpaceTests {
  @Test(arguments: withDefaultSpaces)
  func everyDefaultSpaceIsAcceptedAndInsideTheDomains(_ tunable: TunableCase) throws {
    try checkDefaultSpace(tunable.value, name: tunable.name)
  }

  @Test(arguments: withDefaultSpaces + withoutDefaultSpaces)
  func domainsAgreeWithTheRows(_ tunable: TunableCase) {
    checkDomains(tunable.value, name: tunable.name)
  }

  @Test func aPipelineSpaceIsPrefixedWithTheStepNames() {
    let pipeline = Pipeline(SimpleImputer(), PolynomialFeatures(), SVC())
    var expected: [String: Distribution] = [:]
    for (name, d) in SimpleImputer.defaultSearchSpace { expected["simpleimputer." + name] = d }
    for (name, d) in PolynomialFeatures.defaultSearchSpace { expected["polynomialfeatures." + name] = d }
    for (name, d) in SVC.defaultSearchSpace { expected["svc." + name] = d }
    #expect(pipeline.defaultSearchSpace == expected)
    #expect(pipeline.defaultSearchSpace["svc.c"] == .logUniform(1e-3, 1e3))
    #expect(pipeline.defaultSearchSpace["c"] == nil)
  }

  @Test func theReferenceTaskIsTheMLPDefault() throws {
    let pipeline = try Pipeline(
      steps: [PipelineStep("scaler", StandardScaler())], final: MLPClassifier(), finalName: "mlp")
    let space = pipeline.defaultSearchSpace
    #expect(Set(space.keys) == ["mlp.learningRateInit", "mlp.hiddenLayerSizes", "mlp.alpha", "mlp.activation"])
    #expect(space["mlp.learningRateInit"] == .logUniform(1e-3, 1e-1))
    #expect(space["mlp.alpha"] == .logUniform(1e-4, 1e-2))
    #expect(space["mlp.hiddenLayerSizes"]?.finiteValues()?.count == 8)
    #expect(space["mlp.activation"] == .choice(["identity", "logistic", "tanh", "relu"]))
  }

  @Test func choicesAddTheirSelectorAndPrefixEachAlternative() throws {
    let choice = try EstimatorChoice<Int>(["svc": AnyEstimator(SVC()), "logistic": AnyEstimator(LogisticRegression())])
    let space = choice.defaultSearchSpace
    #expect(space["estimator"] == .choice(["svc", "logistic"]))
    #expect(space["svc.gamma"] == SVC.defaultSearchSpace["gamma"])
    #expect(space["logistic.c"] == .logUniform(1e-4, 1e4))
    #expect(space.count == 1 + SVC.defaultSearchSpace.count + LogisticRegression.defaultSearchSpace.count)
    let inPipeline = Pipeline(StandardScaler(), choice).defaultSearchSpace
    #expect(inPipeline["model.estimator"] == .choice(["svc", "logistic"]) && inPipeline["model.logistic.c"] != nil)

    let transforms = TransformerChoice(AnyTransformer(PolynomialFeatures()), AnyTransformer(Passthrough()))
    #expect(transforms.defaultSearchSpace["transformer"] == .choice(["polynomialfeatures", "passthrough"]))
    #expect(transforms.defaultSearchSpace["polynomialfeatures.degree"] == .int(1, 3))
    #expect(transforms.defaultSearchSpace.count == 3)
  }

  @Test func wrappersAndColumnTransformersForwardTheirParts() throws {
    #expect(AnyEstimator(RandomForestRegressor()).defaultSearchSpace == RandomForestRegressor.defaultSearchSpace)
    #expect(AnyTransformer(SimpleImputer()).defaultSearchSpace == SimpleImputer.defaultSearchSpace)
    #expect(AnyTransformer(StandardScaler()).defaultSearchSpace.isEmpty)
    let columns = try ColumnTransformer([
      .init("numbers", SimpleImputer(), columns: [0]), .init("expanded", PolynomialFeatures(), columns: [1, 2]),
    ])
    #expect(Set(columns.defaultSearchSpace.keys) == ["numbers.strategy", "expanded.degree", "expanded.interactionOnly"])
  }
}
