import LearnCore
import Testing

@Suite struct ClassesTests {
  @Test func encodingMapsLabelsToDenseIndices() throws {
    let encoding = try ClassEncoding([7, -1, 7, 3])
    #expect(encoding.classes == [-1, 3, 7])
    #expect(encoding.indices == [2, 0, 2, 1])
    #expect(encoding.counts == [1, 1, 2])
    #expect(throws: LearnError.singleClass(label: 4)) { try ClassEncoding([4, 4]) }
    #expect(try ClassEncoding([4, 4], allowSingleClass: true).classes == [4])
    #expect(throws: LearnError.self) { try ClassEncoding([]) }
  }

  @Test func classWeightsFollowScikitLearn() throws {
    let encoding = try ClassEncoding([0, 0, 0, 1])
    #expect(try ClassWeight.uniform.weights(for: encoding) == [1, 1])
    #expect(try ClassWeight.balanced.weights(for: encoding) == [4.0 / 6.0, 2])  // n / (k · count)
    #expect(try ClassWeight.custom([1: 5]).weights(for: encoding) == [1, 5])
    #expect(throws: LearnError.self) { try ClassWeight.custom([2: 1]).weights(for: encoding) }
    #expect(throws: LearnError.self) { try ClassWeight.custom([1: -1]).weights(for: encoding) }
  }

  @Test func encodingAgainstKnownClassesNamesAnUnknownLabel() throws {
    let encoding = try ClassEncoding([7, 3, 7], classes: [3, 5, 7])
    #expect(encoding.classes == [3, 5, 7] && encoding.indices == [2, 0, 2])
    #expect(encoding.counts == [1, 0, 2])
    do {
      _ = try ClassEncoding([3, 4], classes: [3, 5, 7])
      Issue.record("an unknown label was accepted")
    } catch {
      #expect(error == .invalidArgument(name: "y", reason: "label 4 is not among the model's classes [3, 5, 7]"))
    }
  }
}
