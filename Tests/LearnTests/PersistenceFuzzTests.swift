import Foundation
import Learn
import LearnTestSupport
import Testing

/// Damaged files, from a seeded generator: each must load to a checked value or throw a
/// `LearnError` naming a field; a loaded value must predict or throw, never trap.
@Suite struct PersistenceFuzzTests {
  /// Small fitted models of each kind of payload: packed trees, networks, support vectors,
  /// encoders inside a pipeline, erased choices.
  static func baseFiles(_ x: Matrix, _ y: [Int]) throws -> [Data] {
    let columns = try ColumnTransformer([
      .init("scaled", StandardScaler(), columns: [0, 1, 2, 3]),
      .init("codes", OneHotEncoder(), columns: [4]),
      .init("ordinal", OrdinalEncoder(), columns: [4]),
    ])
    return [
      try ModelFile.encode(RandomForestClassifier(nEstimators: 2, maxDepth: 3).fit(x, y)),
      try ModelFile.encode(MLPClassifier(hiddenLayerSizes: [3], maxIterations: 2).fit(x, y)),
      try ModelFile.encode(SVC(probability: true).fit(x, y)),
      try ModelFile.encode(Pipeline(columns, PolynomialFeatures(degree: 2), LogisticRegression()).fit(x, y)),
      try ModelFile.encode(EstimatorChoice(AnyEstimator(SGDClassifier(maxIterations: 3)), AnyEstimator(LinearSVC())).fit(x, y)),
      try ModelFile.encode(SVC()),
    ]
  }

  @Test func mutatedFilesGiveClearErrorsAndNeverTrap() throws {
    let data = try RoundTripData()
    let x = data.x
    var generator = Xoshiro256StarStar(seed: 20261207)
    var outcomes = (loaded: 0, refused: 0)
    for base in try Self.baseFiles(x, data.y) {
      for _ in 0..<60 {
        let mutated = FileMutator.mutate(base, &generator)
        do {
          let value = try ModelFile.loadAny(from: mutated)
          outcomes.loaded += 1
          if let model = value as? any Predictor { _ = try? model.predict(x) }
        } catch {
          outcomes.refused += 1
          guard case .unreadableModel(let field, let reason) = error else {
            Issue.record("a damaged file gave \(error) instead of an unreadable-model error")
            continue
          }
          #expect(!field.isEmpty && !reason.isEmpty)
        }
      }
    }
    #expect(outcomes.loaded + outcomes.refused == 360)
    #expect(outcomes.refused > 250, "most mutations must be caught: \(outcomes)")
  }

  @Test func wrongVersionWrongTypeOversizedAndDeeplyNestedFilesAreRefusedByName() throws {
    let data = try RoundTripData()
    let saved = try ModelFile.encode(DecisionTreeClassifier(maxDepth: 2).fit(data.x, data.y))
    let text = try #require(String(data: saved, encoding: .utf8))
    func field(_ bytes: Data, as type: (some Persistable).Type = DecisionTreeClassifier.Model.self) -> String? {
      do { _ = try ModelFile.load(type, from: bytes) } catch {
        if case .unreadableModel(let field, _) = error { return field }
      }
      return nil
    }
    #expect(field(Data(text.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":2").utf8)) == "formatVersion")
    #expect(field(Data(text.replacingOccurrences(of: "learn-model", with: "pickle").utf8)) == "format")
    #expect(field(saved, as: SVC.Model.self) == "model.type")
    #expect(field(Data(text.replacingOccurrences(of: "DecisionTreeClassifier.Model", with: "os.system").utf8)) == "model.type")
    #expect(throws: LearnError.unreadableModel(field: "file", reason: "\(saved.count) bytes is more than the 64 allowed")) {
      try ModelFile.load(DecisionTreeClassifier.Model.self, from: saved, maximumBytes: 64)
    }
    let nested = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
    #expect(field(nested) == "file")
    #expect(field(Data()) == "file")
  }

  @Test func aWrapperTagOrAWinnerOutsideTheTableIsRefusedNotRecursedOrTrapped() throws {
    let wrapper = Data(#"{"format":"learn-model","formatVersion":1,"learnVersion":"x","model":{"type":"AnyModel<Int>","value":{}}}"#.utf8)
    #expect(throws: LearnError.self) { try ModelFile.loadAny(from: wrapper) }
    #expect(throws: LearnError.self) { try ModelFile.load(AnyModel<Int>.self, from: wrapper) }
    let data = try RoundTripData()
    let search = try GridSearchCV(LogisticRegression(), grid: ["c": [1]], cv: KFold(splits: 2)).fit(data.x, data.y)
    var object = try #require(try JSONSerialization.jsonObject(with: ModelFile.encode(search)) as? [String: Any])
    var model = try #require(object["model"] as? [String: Any])
    var value = try #require(model["value"] as? [String: Any])
    var results = try #require(value["results"] as? [String: Any])
    results["trials"] = [Any]()
    value["results"] = results
    model["value"] = value
    object["model"] = model
    let empty = try JSONSerialization.data(withJSONObject: object)
    #expect(throws: LearnError.unreadableModel(field: "model.value.bestIndex[0]", reason: "0 is outside 0..<0")) {
      try ModelFile.load(type(of: search), from: empty)
    }
  }

  @Test func treesWithCyclesOrOutOfRangeChildrenAreRefused() throws {
    let data = try RoundTripData()
    let model = try DecisionTreeClassifier(maxDepth: 2).fit(data.x, data.y)
    var object = try #require(try JSONSerialization.jsonObject(with: ModelFile.encode(model)) as? [String: Any])
    var payload = try #require((object["model"] as? [String: Any])?["value"] as? [String: Any])
    var tree = try #require(payload["tree"] as? [String: Any])
    var left = try #require(PackedArray.ints(tree["left"] as! String))
    left[0] = 0  // the root points at itself: a walk would never end
    tree["left"] = PackedArray.encode(left)
    payload["tree"] = tree
    object["model"] = ["type": "DecisionTreeClassifier.Model", "value": payload]
    let bytes = try JSONSerialization.data(withJSONObject: object)
    #expect(throws: LearnError.unreadableModel(field: "model.value.tree.left[0]",
                                               reason: "node 0's children (0, \(model.tree.right[0])) must be nodes after it")) {
      try ModelFile.load(DecisionTreeClassifier.Model.self, from: bytes)
    }
  }
}

/// Seeded damage to a file: cuts, bit flips, byte changes and deletions in the raw bytes, and
/// changes to one value of the parsed JSON (numbers set to edge values, packed arrays with a bit
/// flipped or an element cut, strings and flags changed, array entries and object keys removed).
enum FileMutator {
  static func mutate(_ data: Data, _ generator: inout Xoshiro256StarStar) -> Data {
    var bytes = [UInt8](data)
    switch generator.nextInt(below: 6) {
    case 0:
      bytes.removeLast(generator.nextInt(in: 1...bytes.count))
    case 1:
      let i = generator.nextInt(below: bytes.count)
      bytes[i] ^= UInt8(1) << UInt8(generator.nextInt(below: 8))
    case 2:
      bytes[generator.nextInt(below: bytes.count)] = UInt8(generator.nextInt(below: 256))
    case 3:
      let start = generator.nextInt(below: bytes.count)
      bytes.removeSubrange(start..<Swift.min(bytes.count, start + generator.nextInt(in: 1...40)))
    default:
      return mutateValue(data, &generator)
    }
    return Data(bytes)
  }

  /// One value of the parsed file changed.
  static func mutateValue(_ data: Data, _ generator: inout Xoshiro256StarStar) -> Data {
    guard let root = try? JSONSerialization.jsonObject(with: data) else { return data }
    var leaves: [[AnyHashable]] = []
    collect(root, [], &leaves)
    let path = leaves[generator.nextInt(below: leaves.count)]
    let changed = replace(root, path[...], &generator)
    return (try? JSONSerialization.data(withJSONObject: changed)) ?? data
  }

  private static func collect(_ value: Any, _ path: [AnyHashable], _ leaves: inout [[AnyHashable]]) {
    leaves.append(path)
    if let object = value as? [String: Any] {
      for (key, child) in object { collect(child, path + [key], &leaves) }
    } else if let array = value as? [Any] {
      for (index, child) in array.enumerated() { collect(child, path + [index], &leaves) }
    }
  }

  private static func replace(_ value: Any, _ path: ArraySlice<AnyHashable>, _ generator: inout Xoshiro256StarStar) -> Any {
    guard let head = path.first else { return damage(value, &generator) }
    if var object = value as? [String: Any], let key = head as? String, let child = object[key] {
      object[key] = replace(child, path.dropFirst(), &generator)
      return object
    }
    if var array = value as? [Any], let index = head as? Int, index < array.count {
      array[index] = replace(array[index], path.dropFirst(), &generator)
      return array
    }
    return value
  }

  private static func damage(_ value: Any, _ generator: inout Xoshiro256StarStar) -> Any {
    if var object = value as? [String: Any], let key = object.keys.sorted().first {
      object.removeValue(forKey: key)
      return object
    }
    if var array = value as? [Any], !array.isEmpty {
      if generator.nextInt(below: 2) == 0 { array.removeLast() } else { array.append(array[0]) }
      return array
    }
    if let text = value as? String {
      if var packed = PackedArray.doubles(text), !packed.isEmpty, text.count > 8 {
        let i = generator.nextInt(below: packed.count)
        if generator.nextInt(below: 3) == 0 {
          packed.removeLast()
        } else {
          packed[i] = Double(bitPattern: packed[i].bitPattern ^ (UInt64(1) << UInt64(generator.nextInt(below: 64))))
        }
        return PackedArray.encode(packed)
      }
      return ["", "x", "nan", "inf", "SVC.Model", "Pipeline<Int>"][generator.nextInt(below: 6)]
    }
    if let number = value as? NSNumber {
      if String(cString: number.objCType) == "c" { return !number.boolValue }
      return [-1, 0, 1, 3, 2_147_483_648, Int.max, Int.min, 1e308, 0.5, -7.25][generator.nextInt(below: 10)] as Any
    }
    return NSNull()
  }
}
