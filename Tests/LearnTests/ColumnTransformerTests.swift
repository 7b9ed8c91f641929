import Learn
import LearnTestSupport
import Testing

@Suite struct ColumnTransformerTests {
  let csv = """
    age,city,income,label
    30,paris,100,yes
    40,rome,200,no
    50,paris,NA,yes
    60,oslo,400,no
    """

  @Test func categoricalColumnsAreReadAsSortedCodes() throws {
    let data = try Dataset<Int>(csv: csv, target: "label", missingValues: .allowAsNaN, categoricalFeatures: .encode)
    #expect(data.categories == [1: ["oslo", "paris", "rome"]])
    #expect(data.x.column(1) == [1, 2, 1, 0])
    #expect(data.x[2, 2].isNaN)
    #expect(data.y == [1, 0, 1, 0] && data.classNames == [0: "no", 1: "yes"])
    #expect(throws: LearnError.malformedCSV(
      line: 2, column: "city",
      reason: "'paris' is not a number; pass categoricalFeatures: .encode to read text columns as categories")) {
      try Dataset<Int>(csv: csv, target: "label", missingValues: .allowAsNaN)
    }
  }

  @Test func partsTransformTheirColumnsAndTheRestPassesThrough() throws {
    let x = try Matrix([[1, 10, 100], [3, 20, 200], [5, 30, 300]])
    let dropped = try ColumnTransformer([.init("c", Center(), columns: [2, 0])]).fit(x)
    #expect(try dropped.transform(x) == (try Matrix([[-100, -2], [0, 0], [100, 2]])))
    let kept = try ColumnTransformer([.init("c", Center(shift: 1), columns: [0])], remainder: .passthrough).fit(x)
    #expect(try kept.transform(x) == (try Matrix([[-1, 10, 100], [1, 20, 200], [3, 30, 300]])))
    #expect(throws: LearnError.self) { try kept.transform(Matrix(rowCount: 1, columnCount: 2)) }
  }

  @Test func hyperparametersArePrefixedWithPartNames() throws {
    let names = ["age", "city", "income"]
    let columns = try ColumnTransformer([
      .init("numeric", Center(), columns: ["age", "income"], in: names),
      .init("other", Center(), columns: [1]),
    ])
    #expect(columns.parts[0].columns == [0, 2])
    #expect(columns.hyperparameterNames == ["remainder", "numeric.shift", "other.shift"])
    let changed = try columns.setting(["numeric.shift": 3, "remainder": "passthrough"])
    #expect((changed.parts[0].transformer.base as? Center)?.shift == 3 && changed.remainder == .passthrough)
    #expect(throws: LearnError.missingColumn(name: "zip", available: names)) {
      try ColumnTransformer.Part("bad", Center(), columns: ["zip"], in: names)
    }
    #expect(throws: LearnError.self) { try ColumnTransformer([.init("a", Center(), columns: [0]), .init("a", Center(), columns: [1])]) }
    #expect(throws: LearnError.self) { try ColumnTransformer([.init("a", Center(), columns: [5])]).fit(Matrix(rowCount: 2, columnCount: 2, repeating: 1)) }
  }

  @Test func aColumnTransformerIsAPipelineStep() throws {
    let columns = try ColumnTransformer([.init("centered", Center(), columns: [0])], remainder: .passthrough)
    let pipeline = Pipeline(columns, FirstFeature())
    #expect(pipeline.hyperparameterNames == ["columntransformer.remainder", "columntransformer.centered.shift", "firstfeature.scale"])
    let model = try pipeline.setting(["columntransformer.centered.shift": 1]).fit(try Matrix([[2, 7], [4, 9]]), [0, 0])
    #expect(try model.predict(try Matrix([[3, 0]])) == [2])  // (3 − 3 + 1) + 1 training unit
  }

  @Test func mixedCSVThroughScalerAndOneHotEncoder() throws {
    // The example of Docs/Guides/Pipelines.md, on inline data.
    let data = try Dataset<Int>(csv: """
      age,city,income,label
      30,paris,100,yes
      40,rome,200,no
      50,paris,300,yes
      60,oslo,400,no
      """, target: "label", categoricalFeatures: .encode)
    let columns = try ColumnTransformer([
      .init("numeric", StandardScaler(), columns: ["age", "income"], in: data.featureNames),
      .init("categorical", OneHotEncoder(handleUnknown: .ignore), columns: ["city"], in: data.featureNames),
    ])
    let fitted = try columns.fit(data.x)
    let transformed = try fitted.transform(data.x)
    #expect(transformed.columnCount == 5)
    #expect(transformed.row(1).suffix(3) == [0, 0, 1], "rome is the third category")
    #expect(allClose(transformed.columnMeans().prefix(2).map { $0 }, [0, 0], absolute: 1e-15))
    let model = try Pipeline(columns, DummyClassifier()).fit(data.x, data.y)
    #expect(try model.predict(data.x) == [0, 0, 0, 0])
    #expect(try model.score(data.x, data.y) == 0.5)
  }

  @Test func columnTransformerPassesTheTransformerConformanceSuite() throws {
    let x = try Matrix([[1.5, -2, 0], [0, 3, 4], [2, 2.5, -1], [7, 0.5, 4]])
    try checkTransformer(try ColumnTransformer([
      .init("scaled", StandardScaler(), columns: [0, 2]), .init("ranged", MinMaxScaler(), columns: [1]),
    ]), x: x)
    // Passed-through columns are untouched, NaN included (as in scikit-learn), so a later imputer
    // can still see it; the parts still check their own columns.
    var withNaN = x
    withNaN[0, 0] = .nan
    let passthrough = try ColumnTransformer([.init("scaled", StandardScaler(), columns: [1])], remainder: .passthrough)
    #expect(try passthrough.fit(withNaN).transform(withNaN)[0, 1].isNaN)
    withNaN[0, 1] = .nan
    #expect(throws: LearnError.nonFiniteValue(row: 0, column: 1)) { try passthrough.fit(withNaN) }
  }
}
