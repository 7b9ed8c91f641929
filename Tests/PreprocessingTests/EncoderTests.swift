import LearnCore
import LearnTestSupport
import LinearAlgebra
import Preprocessing
import Testing

@Suite struct EncoderTests {
  @Test func oneHotEncoderMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    let codes = try fixture.input("codes"), unseen = try fixture.input("codesUnseen")
    #expect(fixture.oneHotEncoder.count == 6)
    for expected in fixture.oneHotEncoder {
      let label = "\(expected.parameters)"
      let model = try OneHotEncoder().setting(expected.parameters).fit(codes)
      #expect(model.categories == expected.categories, "categories, \(label)")
      #expect(model.droppedIndices == (expected.droppedIndices ?? Array(repeating: nil, count: 4)), "\(label)")
      let transformed = try model.transform(codes)
      #expect(transformed == expected.transformed.matrix, "transform, \(label)")
      #expect(model.outputFeatureCount == expected.transformed.columns)
      #expect(parity(try model.inverseTransform(transformed), expected.inverse.matrix), "inverse, \(label)")
      #expect(try model.featureNamesOut() == expected.featureNames, "names, \(label)")
      #expect(try model.featureNamesOut(["colour", "size", "grade", "const"]) == expected.namedFeatureNames)
      if let unseenTransformed = expected.unseenTransformed, let unseenInverse = expected.unseenInverse {
        let encoded = try model.transform(unseen)
        #expect(encoded == unseenTransformed.matrix, "unseen transform, \(label)")
        #expect(parity(try model.inverseTransform(encoded), unseenInverse.matrix), "unseen inverse, \(label)")
      } else {
        #expect(throws: LearnError.invalidArgument(
          name: "x", reason: "found unknown categories [3.0] in column 0 during transform")) {
          try model.transform(unseen)
        }
      }
    }
  }

  @Test func ordinalEncoderMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load()
    let codes = try fixture.input("codes"), unseen = try fixture.input("codesUnseen")
    #expect(fixture.ordinalEncoder.count == 3)
    for expected in fixture.ordinalEncoder {
      let label = "\(expected.parameters)"
      let model = try OrdinalEncoder().setting(expected.parameters).fit(codes)
      #expect(model.categories == expected.categories, "categories, \(label)")
      let transformed = try model.transform(codes)
      #expect(transformed == expected.transformed.matrix, "transform, \(label)")
      #expect(try model.inverseTransform(transformed) == codes, "inverse, \(label)")
      #expect(parity(try model.inverseTransform(transformed), expected.inverse.matrix))
      if let unseenTransformed = expected.unseenTransformed, let unseenInverse = expected.unseenInverse {
        let encoded = try model.transform(unseen)
        #expect(encoded == unseenTransformed.matrix, "unseen transform, \(label)")
        #expect(parity(try model.inverseTransform(encoded), unseenInverse.matrix), "unseen inverse, \(label)")
      } else {
        #expect(throws: LearnError.invalidArgument(
          name: "x", reason: "found unknown categories [3.0] in column 0 during transform")) {
          try model.transform(unseen)
        }
      }
    }
  }

  @Test func unknownCategoryErrorNamesColumnAndValues() throws {
    let x = try Matrix([[0, 1], [1, 2]])
    let unseen = try Matrix([[0, 1], [1, 9], [0, -4], [1, 9]])
    let expected = LearnError.invalidArgument(name: "x", reason: "found unknown categories [-4.0, 9.0] in column 1 during transform")
    #expect(throws: expected) { try OneHotEncoder().fit(x).transform(unseen) }
    #expect(throws: expected) { try OrdinalEncoder().fit(x).transform(unseen) }
    let ignored = try OneHotEncoder(handleUnknown: .ignore).fit(x).transform(unseen)
    #expect(ignored == (try Matrix([[1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]])))
  }

  @Test func oneHotDropVariants() throws {
    // Column 0 binary, column 1 three categories, column 2 a single category.
    let x = try Matrix([[0, 5, 7], [1, 6, 7], [0, 8, 7]])
    let first = try OneHotEncoder(drop: .first).fit(x)
    #expect(first.droppedIndices == [0, 0, 0] && first.outputCounts == [1, 2, 0])
    #expect(try first.transform(x) == (try Matrix([[0, 0, 0], [1, 1, 0], [0, 0, 1]])))
    #expect(try first.inverseTransform(try first.transform(x)) == x)
    #expect(try first.featureNamesOut() == ["x0_1.0", "x1_6.0", "x1_8.0"])
    let binary = try OneHotEncoder(drop: .ifBinary).fit(x)
    #expect(binary.droppedIndices == [0, nil, nil] && binary.outputCounts == [1, 3, 1])
    #expect(try binary.inverseTransform(try binary.transform(x)) == x)
    // With handleUnknown error and nothing dropped, an all-zero block cannot be inverted.
    let plain = try OneHotEncoder().fit(x)
    #expect(throws: LearnError.self) { try plain.inverseTransform(Matrix(rowCount: 1, columnCount: 6)) }
    // With ignore, it inverts to NaN (scikit-learn's None).
    let ignoring = try OneHotEncoder(handleUnknown: .ignore).fit(x)
    let back = try ignoring.inverseTransform(Matrix(rowCount: 1, columnCount: 6))
    #expect(back.row(0).allSatisfy { $0.isNaN })
  }

  @Test func ordinalUnknownValueIsValidated() throws {
    let x = try Matrix([[0, 1], [1, 2], [2, 2]])
    #expect(throws: LearnError.invalidHyperparameter(
      name: "unknownValue", estimator: "OrdinalEncoder", expected: "an int when handleUnknown is \"use_encoded_value\"",
      got: "none")) { try OrdinalEncoder(handleUnknown: .useEncodedValue).fit(x) }
    #expect(throws: LearnError.self) { try OrdinalEncoder(unknownValue: -1).fit(x) }
    // 2 is the code of column 0's third category.
    #expect(throws: LearnError.self) { try OrdinalEncoder(handleUnknown: .useEncodedValue, unknownValue: 2).fit(x) }
    #expect(throws: LearnError.self) { try OrdinalEncoder(handleUnknown: .useEncodedValue, unknownValue: 0).fit(x) }
    let model = try OrdinalEncoder(handleUnknown: .useEncodedValue, unknownValue: 3).fit(x)
    #expect(try model.transform(try Matrix([[5, 2]])) == (try Matrix([[3, 1]])))
    #expect(throws: LearnError.self) { try model.inverseTransform(try Matrix([[0.5, 0]])) }
    #expect(throws: LearnError.self) { try model.inverseTransform(try Matrix([[0, 2]])) }
    #expect(throws: LearnError.self) { try OrdinalEncoder().setting(["unknownValue": 0.5]) }
    #expect(throws: LearnError.self) { try OrdinalEncoder().setting(["handleUnknown": "ignore"]) }
    #expect(try OrdinalEncoder().setting(["handleUnknown": "use_encoded_value", "unknownValue": -1]).unknownValue == -1)
  }

  @Test func labelEncoderMatchesScikitLearn() throws {
    let fixture = try PreprocessingFixture.load().labelEncoder
    let strings = try LabelEncoder<String>().fit(fixture.strings.labels)
    #expect(strings.classes == fixture.strings.classes)
    #expect(try strings.transform(fixture.strings.labels) == fixture.strings.codes)
    #expect(try strings.inverseTransform(fixture.strings.codes) == fixture.strings.labels)
    let ints = try LabelEncoder<Int>().fit(fixture.ints.labels)
    #expect(ints.classes == fixture.ints.classes)
    #expect(try ints.transform(fixture.ints.labels) == fixture.ints.codes)
    #expect(try ints.inverseTransform(fixture.ints.codes) == fixture.ints.labels)
  }

  @Test func labelEncoderRejectsBadInput() throws {
    let model = try LabelEncoder<String>().fit(["b", "a", "b"])
    #expect(model.classes == ["a", "b"])
    #expect(throws: LearnError.invalidArgument(name: "labels", reason: "previously unseen labels: [c, d]")) {
      try model.transform(["a", "d", "c", "d"])
    }
    #expect(throws: LearnError.invalidArgument(name: "codes", reason: "codes [-1, 2] are not in 0..<2")) {
      try model.inverseTransform([0, 2, -1])
    }
    #expect(throws: LearnError.emptyInput("there are no labels")) { try LabelEncoder<String>().fit([]) }
    #expect(throws: LearnError.nonFiniteValue(row: 1, column: 0)) { try LabelEncoder<Double>().fit([1, .nan]) }
    #expect(try model.transform([]) == [])
    #expect(LabelEncoder<Int>().hyperparameterNames.isEmpty)
    #expect(LabelEncoder<Int>.estimatorName == "LabelEncoder")
  }
}
