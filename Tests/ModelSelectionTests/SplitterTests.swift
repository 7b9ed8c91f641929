import LearnCore
import LearnTestSupport
import LinearAlgebra
import ModelSelection
import Testing

/// The splitters against scikit-learn 1.9.1 (`Fixtures/scikit-learn/splitters.json`, written by
/// `Fixtures/scripts/splitter_fixtures.py`): exact folds for the deterministic ones, sizes and
/// per-class counts for the shuffled ones, and the same raise/work decision on bad inputs.
@Suite struct SplitterTests {
  // MARK: Fixture

  /// A `SplitSize` as the fixture writes it, or TimeSeriesSplit's plain integer `testSize`.
  enum Size: Decodable {
    case plain(Int)
    case size(SplitSize)

    private enum Keys: String, CodingKey { case count, fraction }

    init(from decoder: Decoder) throws {
      if let value = try? decoder.singleValueContainer().decode(Int.self) {
        self = .plain(value)
        return
      }
      let container = try decoder.container(keyedBy: Keys.self)
      if let count = try container.decodeIfPresent(Int.self, forKey: .count) {
        self = .size(.count(count))
      } else {
        self = .size(.fraction(try container.decode(Double.self, forKey: .fraction)))
      }
    }

    var splitSize: SplitSize {
      switch self {
      case .plain(let value): return .count(value)
      case .size(let size): return size
      }
    }

    var integer: Int? {
      if case .plain(let value) = self { return value }
      return nil
    }
  }

  struct Parameters: Decodable {
    var splits: Int?
    var p: Int?
    var maxTrainSize: Int?
    var testSize: Size?
    var trainSize: Size?
    var gap: Int?
    var groups: Int?
    var testFold: [Int]?
    var shuffle: Bool?
    var seed: UInt64?
    var repeats: Int?
  }

  struct ExpectedFold: Decodable {
    let train: [Int]
    let test: [Int]
  }

  struct FoldCase: Decodable {
    let splitter: String
    let params: Parameters
    let count: Int
    let labels: [Int]?
    let groups: [Int]?
    let folds: [ExpectedFold]
  }

  struct ErrorCase: Decodable {
    let splitter: String
    let params: Parameters
    let count: Int
    let labels: [Int]?
    let groups: [Int]?
    let raises: Bool
  }

  struct SizeCase: Decodable {
    let splitter: String
    let count: Int
    let testSize: Size?
    let trainSize: Size?
    let labels: [Int]?
    let groups: [Int]?
    let train: Int
    let test: Int
  }

  struct StratifiedShuffleCase: Decodable {
    let labels: [Int]
    let testSize: Size?
    let trainSize: Size?
    let deterministic: Bool
    let train: Int
    let test: Int
    let trainCounts: [Int]?
    let testCounts: [Int]?
  }

  struct StratifiedKFoldCounts: Decodable {
    let labels: [Int]
    let splits: Int
    let testCounts: [[Int]]
  }

  struct GroupKFoldCounts: Decodable {
    let groups: [Int]
    let splits: Int
    let groupsPerFold: [Int]
  }

  struct TrainTestCase: Decodable {
    let count: Int
    let testSize: Size?
    let trainSize: Size?
    let train: [Int]
    let test: [Int]
  }

  struct File: Decodable {
    let folds: [FoldCase]
    let errors: [ErrorCase]
    let shuffledSizes: [SizeCase]
    let stratifiedShuffleCounts: [StratifiedShuffleCase]
    let shuffledStratifiedKFoldCounts: [StratifiedKFoldCounts]
    let shuffledGroupKFoldGroupCounts: [GroupKFoldCounts]
    let unshuffledTrainTestSplit: [TrainTestCase]
  }

  static let fixture = Result { try Fixtures.decode(File.self, from: "scikit-learn/splitters.json") }

  /// The Learn splitter a fixture row describes (scikit-learn's defaults where it gives none).
  static func splitter(_ name: String, _ p: Parameters) -> any Splitter {
    let seed = p.seed ?? 0
    switch name {
    case "KFold": return KFold(splits: p.splits ?? 5, shuffle: p.shuffle ?? false, seed: seed)
    case "StratifiedKFold": return StratifiedKFold(splits: p.splits ?? 5, shuffle: p.shuffle ?? false, seed: seed)
    case "GroupKFold": return GroupKFold(splits: p.splits ?? 5, shuffle: p.shuffle ?? false, seed: seed)
    case "StratifiedGroupKFold":
      return StratifiedGroupKFold(splits: p.splits ?? 5, shuffle: p.shuffle ?? false, seed: seed)
    case "TimeSeriesSplit":
      return TimeSeriesSplit(splits: p.splits ?? 5, maxTrainSize: p.maxTrainSize, testSize: p.testSize?.integer,
                             gap: p.gap ?? 0)
    case "LeaveOneOut": return LeaveOneOut()
    case "LeavePOut": return LeavePOut(p: p.p!)
    case "LeaveOneGroupOut": return LeaveOneGroupOut()
    case "LeavePGroupsOut": return LeavePGroupsOut(groups: p.groups!)
    case "PredefinedSplit": return PredefinedSplit(testFold: p.testFold!)
    case "ShuffleSplit":
      return ShuffleSplit(splits: p.splits ?? 10, testSize: p.testSize?.splitSize, trainSize: p.trainSize?.splitSize,
                          seed: seed)
    case "StratifiedShuffleSplit":
      return StratifiedShuffleSplit(splits: p.splits ?? 10, testSize: p.testSize?.splitSize,
                                    trainSize: p.trainSize?.splitSize, seed: seed)
    case "GroupShuffleSplit":
      return GroupShuffleSplit(splits: p.splits ?? 5, testSize: p.testSize?.splitSize,
                               trainSize: p.trainSize?.splitSize, seed: seed)
    default: fatalError("unknown splitter \(name) in the fixture")
    }
  }

  // MARK: Helpers

  /// Per-class counts of `rows`, classes ascending.
  static func classCounts(_ labels: [Int], _ rows: [Int]) -> [Int] {
    let classes = Array(Set(labels)).sorted()
    return classes.map { c in rows.count(where: { labels[$0] == c }) }
  }

  /// Checks every fold is a valid split of `count` rows: disjoint, no duplicates, in range.
  static func checkDisjoint(_ folds: [Fold], count: Int, _ comment: String) {
    for fold in folds {
      #expect(Set(fold.train).count == fold.train.count, "\(comment): duplicate training rows")
      #expect(Set(fold.test).count == fold.test.count, "\(comment): duplicate test rows")
      #expect(Set(fold.train).isDisjoint(with: fold.test), "\(comment): train and test overlap")
      #expect((fold.train + fold.test).allSatisfy { $0 >= 0 && $0 < count }, "\(comment): row out of range")
    }
  }

  /// Checks the test folds partition `0 ..< count` and each training set is the complement.
  static func checkPartition(_ folds: [Fold], count: Int, _ comment: String) {
    #expect(folds.flatMap(\.test).sorted() == Array(0..<count), "\(comment): test folds do not partition the rows")
    for fold in folds {
      #expect((fold.train + fold.test).sorted() == Array(0..<count), "\(comment): train is not the complement")
    }
  }

  /// Checks no group has rows on both sides of any fold.
  static func checkGroupsWhole(_ folds: [Fold], groups: [Int], _ comment: String) {
    for fold in folds {
      #expect(Set(fold.train.map { groups[$0] }).isDisjoint(with: fold.test.map { groups[$0] }),
              "\(comment): a group is split between train and test")
    }
  }

  /// The `name` of the `invalidArgument` thrown by `body`, "shapeMismatch" for a shape mismatch,
  /// nil when nothing is thrown.
  static func thrownName(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch LearnError.invalidArgument(let name, _) {
      return name
    } catch LearnError.shapeMismatch {
      return "shapeMismatch"
    } catch {
      return "\(error)"
    }
  }

  // MARK: Deterministic splitters equal scikit-learn

  @Test func deterministicFoldsEqualScikitLearn() throws {
    let cases = try Self.fixture.get().folds
    #expect(cases.count == 58)
    #expect(Set(cases.map(\.splitter)) == [
      "KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "TimeSeriesSplit", "LeaveOneOut",
      "LeavePOut", "LeaveOneGroupOut", "LeavePGroupsOut", "PredefinedSplit",
    ])
    for (index, test) in cases.enumerated() {
      let folds = try Self.splitter(test.splitter, test.params).folds(count: test.count, labels: test.labels,
                                                                     groups: test.groups)
      let expected = test.folds.map { Fold(train: $0.train, test: $0.test) }
      #expect(folds == expected, "case \(index): \(test.splitter) on \(test.count) samples")
    }
  }

  @Test func unshuffledTrainTestSplitEqualsScikitLearn() throws {
    for test in try Self.fixture.get().unshuffledTrainTestSplit {
      let fold = try trainTestSplit(count: test.count, testSize: test.testSize?.splitSize,
                                    trainSize: test.trainSize?.splitSize, shuffle: false)
      #expect(fold == Fold(train: test.train, test: test.test), "n=\(test.count)")
    }
  }

  @Test func scikitLearnDocstringExamples() throws {
    // StratifiedKFold, GroupKFold, TimeSeriesSplit and PredefinedSplit examples of scikit-learn's docs.
    #expect(try StratifiedKFold(splits: 2).folds(count: 4, labels: [0, 0, 1, 1], groups: nil)
            == [Fold(train: [1, 3], test: [0, 2]), Fold(train: [0, 2], test: [1, 3])])
    #expect(try GroupKFold(splits: 2).folds(count: 6, labels: nil, groups: [0, 0, 2, 2, 3, 3])
            == [Fold(train: [2, 3], test: [0, 1, 4, 5]), Fold(train: [0, 1, 4, 5], test: [2, 3])])
    #expect(try TimeSeriesSplit(splits: 3, testSize: 2, gap: 2).folds(count: 12).map(\.train)
            == [[0, 1, 2, 3], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 6, 7]])
    #expect(try PredefinedSplit(testFold: [0, 1, -1, 1]).folds(count: 4)
            == [Fold(train: [1, 2, 3], test: [0]), Fold(train: [0, 2], test: [1, 3])])
    #expect(try LeavePOut(p: 2).folds(count: 4).map(\.test) == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
  }

  // MARK: Errors

  @Test func raisesWhereScikitLearnRaisesAndWorksWhereItWarns() throws {
    let cases = try Self.fixture.get().errors
    #expect(cases.count == 59)
    #expect(cases.contains { $0.raises } && cases.contains { !$0.raises })
    for (index, test) in cases.enumerated() {
      let splitter = Self.splitter(test.splitter, test.params)
      let name = Self.thrownName { _ = try splitter.folds(count: test.count, labels: test.labels, groups: test.groups) }
      if test.raises {
        #expect(name != nil, "case \(index): \(test.splitter) should throw like scikit-learn")
      } else {
        #expect(name == nil, "case \(index): \(test.splitter) threw \(name ?? "") where scikit-learn works")
      }
    }
  }

  @Test func errorsNameTheArgument() {
    let labels = [0, 1, 0, 1, 0, 1]
    let groups = [0, 0, 1, 1, 2, 2]
    func name(_ body: () throws -> Void) -> String? { Self.thrownName(body) }
    // Fold counts.
    #expect(name { _ = try KFold(splits: 1).folds(count: 6) } == "splits")
    #expect(name { _ = try KFold(splits: 7).folds(count: 6) } == "splits")
    #expect(name { _ = try StratifiedKFold(splits: 1).folds(count: 6, labels: labels, groups: nil) } == "splits")
    #expect(name { _ = try StratifiedKFold(splits: 4).folds(count: 6, labels: labels, groups: nil) } == "splits")
    #expect(name { _ = try GroupKFold(splits: 4).folds(count: 6, labels: nil, groups: groups) } == "splits")
    #expect(name { _ = try StratifiedGroupKFold(splits: 4).folds(count: 6, labels: labels, groups: groups) }
            == "splits")
    #expect(name { _ = try RepeatedKFold(splits: 2, repeats: 0).folds(count: 6) } == "repeats")
    #expect(name { _ = try RepeatedStratifiedKFold(splits: 2, repeats: 0).folds(count: 6, labels: labels, groups: nil) }
            == "repeats")
    #expect(name { _ = try RepeatedKFold(splits: 1).folds(count: 6) } == "splits")
    // Missing or mismatched labels and groups.
    #expect(name { _ = try StratifiedKFold(splits: 2).folds(count: 6) } == "labels")
    #expect(name { _ = try RepeatedStratifiedKFold(splits: 2).folds(count: 6) } == "labels")
    #expect(name { _ = try StratifiedShuffleSplit().folds(count: 6) } == "labels")
    #expect(name { _ = try StratifiedGroupKFold(splits: 2).folds(count: 6, labels: nil, groups: groups) } == "labels")
    #expect(name { _ = try StratifiedGroupKFold(splits: 2).folds(count: 6, labels: labels, groups: nil) } == "groups")
    #expect(name { _ = try GroupKFold(splits: 2).folds(count: 6) } == "groups")
    #expect(name { _ = try GroupShuffleSplit().folds(count: 6) } == "groups")
    #expect(name { _ = try LeaveOneGroupOut().folds(count: 6) } == "groups")
    #expect(name { _ = try LeavePGroupsOut(groups: 1).folds(count: 6) } == "groups")
    #expect(name { _ = try StratifiedKFold(splits: 2).folds(count: 7, labels: labels, groups: nil) } == "shapeMismatch")
    #expect(name { _ = try GroupKFold(splits: 2).folds(count: 5, labels: nil, groups: groups) } == "shapeMismatch")
    #expect(name { _ = try StratifiedShuffleSplit().folds(count: 5, labels: labels, groups: nil) } == "shapeMismatch")
    #expect(name { _ = try GroupShuffleSplit().folds(count: 7, labels: nil, groups: groups) } == "shapeMismatch")
    #expect(name { _ = try PredefinedSplit(testFold: [0, 1, 0]).folds(count: 4) } == "shapeMismatch")
    #expect(name { _ = try PredefinedSplit(testFold: [-1, -1]).folds(count: 2) } == "testFold")
    // Empty data.
    #expect(name { _ = try GroupKFold(splits: 2).folds(count: 0, labels: nil, groups: []) } == "splits")
    #expect(name { _ = try StratifiedKFold(splits: 2).folds(count: 0, labels: [], groups: nil) } == "splits")
    #expect(name { _ = try GroupShuffleSplit().folds(count: 0, labels: nil, groups: []) } == "testSize")
    #expect(name { _ = try ShuffleSplit().folds(count: 0) } == "testSize")
    #expect(name { _ = try KFold(splits: 2).folds(count: -1) } == "count")
    // Shuffle-split settings.
    #expect(name { _ = try ShuffleSplit(splits: 0).folds(count: 6) } == "splits")
    #expect(name { _ = try ShuffleSplit(testSize: .fraction(1)).folds(count: 6) } == "testSize")
    #expect(name { _ = try ShuffleSplit(testSize: .fraction(.nan)).folds(count: 6) } == "testSize")
    #expect(name { _ = try ShuffleSplit(trainSize: .count(6)).folds(count: 6) } == "trainSize")
    #expect(name { _ = try ShuffleSplit(testSize: .count(3), trainSize: .count(4)).folds(count: 6) } == "trainSize")
    #expect(name { _ = try ShuffleSplit(testSize: .fraction(0.5), trainSize: .fraction(0.6)).folds(count: 6) }
            == "trainSize")
    #expect(name { _ = try ShuffleSplit(testSize: .fraction(0.95)).folds(count: 10) } == "testSize")
    #expect(name { _ = try StratifiedShuffleSplit(testSize: .count(1)).folds(count: 6, labels: labels, groups: nil) }
            == "testSize")
    #expect(name { _ = try StratifiedShuffleSplit(trainSize: .count(1)).folds(count: 6, labels: labels, groups: nil) }
            == "trainSize")
    #expect(name { _ = try StratifiedShuffleSplit().folds(count: 6, labels: [0, 0, 0, 0, 0, 1], groups: nil) }
            == "labels")
    // Time series, leave-out.
    #expect(name { _ = try TimeSeriesSplit(splits: 5).folds(count: 5) } == "splits")
    #expect(name { _ = try TimeSeriesSplit(splits: 3, testSize: 3, gap: 1).folds(count: 10) } == "splits")
    #expect(name { _ = try TimeSeriesSplit(splits: 2, testSize: .max).folds(count: 10) } == "splits")
    #expect(name { _ = try TimeSeriesSplit(splits: 2, gap: .max).folds(count: 10) } == "splits")
    #expect(name { _ = try TimeSeriesSplit(splits: 2, testSize: 0).folds(count: 10) } == "testSize")
    #expect(name { _ = try TimeSeriesSplit(splits: 2, maxTrainSize: 0).folds(count: 10) } == "maxTrainSize")
    #expect(name { _ = try TimeSeriesSplit(splits: 2, gap: -1).folds(count: 10) } == "gap")
    #expect(name { _ = try LeaveOneOut().folds(count: 1) } == "count")
    #expect(name { _ = try LeavePOut(p: 0).folds(count: 3) } == "p")
    #expect(name { _ = try LeavePOut(p: 3).folds(count: 3) } == "p")
    #expect(name { _ = try LeavePOut(p: 10).folds(count: 100) } == "p")  // C(100, 10) folds: refused, not built
    #expect(name { _ = try LeavePOut(p: 40).folds(count: 1_000) } == "p")  // would overflow Int
    #expect(name { _ = try LeavePGroupsOut(groups: 0).folds(count: 6, labels: nil, groups: groups) } == "groups")
    #expect(name { _ = try LeavePGroupsOut(groups: 3).folds(count: 6, labels: nil, groups: groups) } == "groups")
    #expect(name { _ = try LeaveOneGroupOut().folds(count: 3, labels: nil, groups: [4, 4, 4]) } == "groups")
  }

  @Test func errorMessagesStateTheValidRange() {
    do {
      _ = try KFold(splits: 9).folds(count: 4)
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("2 ... 4"))
    }
    do {
      _ = try TimeSeriesSplit(splits: 3, testSize: 3, gap: 1).folds(count: 10)
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("too many splits=3 for number of samples=10 with testSize=3 and gap=1"))
    }
    do {
      _ = try ShuffleSplit(testSize: .count(12)).folds(count: 10)
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("1 ..< 10"))
    }
    do {
      _ = try GroupShuffleSplit(testSize: .count(3)).folds(count: 6, labels: nil, groups: [0, 0, 1, 1, 2, 2])
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("1 ..< 3 (the number of groups)"))
    }
  }

  // MARK: Shuffled splitters: sizes and counts equal scikit-learn's

  @Test func shuffledSetSizesEqualScikitLearn() throws {
    let cases = try Self.fixture.get().shuffledSizes
    #expect(cases.count == 36)
    for test in cases {
      let comment = "\(test.splitter) n=\(test.count)"
      if test.splitter == "trainTestSplit" {
        let fold = try trainTestSplit(count: test.count, testSize: test.testSize?.splitSize,
                                      trainSize: test.trainSize?.splitSize, seed: 3)
        #expect(fold.train.count == test.train && fold.test.count == test.test, "\(comment)")
        Self.checkDisjoint([fold], count: test.count, comment)
        continue
      }
      var parameters = Parameters()
      parameters.splits = 4
      parameters.seed = 11
      parameters.testSize = test.testSize
      parameters.trainSize = test.trainSize
      let folds = try Self.splitter(test.splitter, parameters).folds(count: test.count, labels: test.labels,
                                                                     groups: test.groups)
      #expect(folds.count == 4)
      Self.checkDisjoint(folds, count: test.count, comment)
      for fold in folds {
        if let groups = test.groups {
          #expect(Set(fold.train.map { groups[$0] }).count == test.train, "\(comment): training groups")
          #expect(Set(fold.test.map { groups[$0] }).count == test.test, "\(comment): test groups")
        } else {
          #expect(fold.train.count == test.train && fold.test.count == test.test, "\(comment)")
        }
      }
    }
  }

  @Test func stratifiedShuffleSplitClassCountsEqualScikitLearn() throws {
    let cases = try Self.fixture.get().stratifiedShuffleCounts
    #expect(cases.count == 7 && cases.contains { $0.deterministic } && cases.contains { !$0.deterministic })
    for test in cases {
      let splitter = StratifiedShuffleSplit(splits: 12, testSize: test.testSize?.splitSize,
                                            trainSize: test.trainSize?.splitSize, seed: 5)
      let folds = try splitter.folds(count: test.labels.count, labels: test.labels, groups: nil)
      Self.checkDisjoint(folds, count: test.labels.count, "stratified shuffle")
      let total = Self.classCounts(test.labels, Array(test.labels.indices))
      var seen: Set<[[Int]]> = []
      for fold in folds {
        #expect(fold.train.count == test.train && fold.test.count == test.test)
        let trainCounts = Self.classCounts(test.labels, fold.train)
        let testCounts = Self.classCounts(test.labels, fold.test)
        if test.deterministic {
          #expect(trainCounts == test.trainCounts && testCounts == test.testCounts)
        } else {
          // A random tie-break: every class still gets its proportional share, rounded down or up.
          for c in total.indices {
            let share = Double(total[c]) / Double(test.labels.count) * Double(test.train)
            #expect(trainCounts[c] == Int(share.rounded(.down)) || trainCounts[c] == Int(share.rounded(.up)))
          }
          #expect(zip(trainCounts, testCounts).map { $0 + $1 }.allSatisfy { $0 >= 1 })
          seen.insert([trainCounts, testCounts])
        }
      }
      if !test.deterministic {
        #expect(seen.count > 1, "ties should be broken differently across splits: \(test.labels)")
      }
    }
  }

  @Test func shuffledStratifiedKFoldClassCountsEqualScikitLearn() throws {
    for test in try Self.fixture.get().shuffledStratifiedKFoldCounts {
      for seed: UInt64 in [0, 1, 2] {
        let folds = try StratifiedKFold(splits: test.splits, shuffle: true, seed: seed)
          .folds(count: test.labels.count, labels: test.labels, groups: nil)
        #expect(folds.map { Self.classCounts(test.labels, $0.test) } == test.testCounts)
        Self.checkPartition(folds, count: test.labels.count, "shuffled StratifiedKFold")
        #expect(folds.allSatisfy { $0.test == $0.test.sorted() && $0.train == $0.train.sorted() })
      }
    }
  }

  @Test func shuffledGroupKFoldDealsAsManyGroupsAsScikitLearn() throws {
    for test in try Self.fixture.get().shuffledGroupKFoldGroupCounts {
      for seed: UInt64 in [0, 1, 2] {
        let folds = try GroupKFold(splits: test.splits, shuffle: true, seed: seed)
          .folds(count: test.groups.count, labels: nil, groups: test.groups)
        #expect(folds.map { Set($0.test.map { test.groups[$0] }).count } == test.groupsPerFold)
        Self.checkPartition(folds, count: test.groups.count, "shuffled GroupKFold")
        Self.checkGroupsWhole(folds, groups: test.groups, "shuffled GroupKFold")
      }
    }
  }

  // MARK: Shuffled splitters: properties

  /// 40 samples, 3 imbalanced classes, 13 groups of uneven size.
  static let labels = (0..<40).map { $0 % 5 == 0 ? 2 : $0 % 3 == 0 ? 1 : 0 }
  static let groups = (0..<40).map { ($0 * 7) % 13 }

  static func shuffled(seed: UInt64) -> [(String, any Splitter)] {
    [
      ("KFold", KFold(splits: 4, shuffle: true, seed: seed)),
      ("StratifiedKFold", StratifiedKFold(splits: 4, shuffle: true, seed: seed)),
      ("GroupKFold", GroupKFold(splits: 4, shuffle: true, seed: seed)),
      ("StratifiedGroupKFold", StratifiedGroupKFold(splits: 4, shuffle: true, seed: seed)),
      ("RepeatedKFold", RepeatedKFold(splits: 4, repeats: 3, seed: seed)),
      ("RepeatedStratifiedKFold", RepeatedStratifiedKFold(splits: 4, repeats: 3, seed: seed)),
      ("ShuffleSplit", ShuffleSplit(splits: 5, testSize: .fraction(0.3), seed: seed)),
      ("StratifiedShuffleSplit", StratifiedShuffleSplit(splits: 5, testSize: .fraction(0.3), seed: seed)),
      ("GroupShuffleSplit", GroupShuffleSplit(splits: 5, testSize: .count(4), seed: seed)),
    ]
  }

  @Test func shuffledSplittersArePureFunctionsOfTheirSeed() throws {
    for ((name, first), (_, again)) in zip(Self.shuffled(seed: 42), Self.shuffled(seed: 42)) {
      let folds = try first.folds(count: 40, labels: Self.labels, groups: Self.groups)
      #expect(folds == (try again.folds(count: 40, labels: Self.labels, groups: Self.groups)), "\(name)")
      Self.checkDisjoint(folds, count: 40, name)
    }
    for ((name, a), (_, b)) in zip(Self.shuffled(seed: 1), Self.shuffled(seed: 2)) {
      #expect(try a.folds(count: 40, labels: Self.labels, groups: Self.groups)
              != (try b.folds(count: 40, labels: Self.labels, groups: Self.groups)), "\(name)")
    }
  }

  @Test func kFoldFamiliesPartitionTheRows() throws {
    for (name, splitter) in Self.shuffled(seed: 9).prefix(4) {
      let folds = try splitter.folds(count: 40, labels: Self.labels, groups: Self.groups)
      #expect(folds.count == 4)
      Self.checkPartition(folds, count: 40, name)
      #expect(folds.allSatisfy { $0.test == $0.test.sorted() && $0.train == $0.train.sorted() }, "\(name)")
    }
    // Unshuffled KFold-style splitters give exactly k ascending blocks as fold sizes.
    let sizes = try KFold(splits: 4, shuffle: true, seed: 3).folds(count: 10).map(\.test.count)
    #expect(sizes == [3, 3, 2, 2])
  }

  @Test func groupSplittersNeverSplitAGroup() throws {
    let splitters: [any Splitter] = [
      GroupKFold(splits: 4), GroupKFold(splits: 5, shuffle: true, seed: 3), StratifiedGroupKFold(splits: 3),
      StratifiedGroupKFold(splits: 3, shuffle: true, seed: 4), GroupShuffleSplit(splits: 6, seed: 5),
      GroupShuffleSplit(splits: 3, testSize: .fraction(0.5), trainSize: .count(3), seed: 6), LeaveOneGroupOut(),
      LeavePGroupsOut(groups: 2),
    ]
    for splitter in splitters {
      let folds = try splitter.folds(count: 40, labels: Self.labels, groups: Self.groups)
      Self.checkDisjoint(folds, count: 40, "\(splitter)")
      Self.checkGroupsWhole(folds, groups: Self.groups, "\(splitter)")
    }
    // Each group is tested in exactly one fold of a group k-fold.
    for splitter in splitters.prefix(4) {
      let folds = try splitter.folds(count: 40, labels: Self.labels, groups: Self.groups)
      Self.checkPartition(folds, count: 40, "\(splitter)")
    }
  }

  @Test func repeatedSplittersRoundsAreShuffledKFolds() throws {
    let repeated = try RepeatedKFold(splits: 3, repeats: 4, seed: 8).folds(count: 11)
    #expect(repeated.count == 12)
    let rounds = (0..<4).map { Array(repeated[$0 * 3..<$0 * 3 + 3]) }
    for (round, folds) in rounds.enumerated() {
      Self.checkPartition(folds, count: 11, "round \(round)")
      let single = KFold(splits: 3, shuffle: true, seed: SplitMix64.derive(8, UInt64(round)))
      #expect(folds == (try single.folds(count: 11)))
    }
    #expect(Set(rounds).count == 4, "rounds must differ from each other")

    let stratified = try RepeatedStratifiedKFold(splits: 2, repeats: 5, seed: 8).folds(count: 40, labels: Self.labels,
                                                                                      groups: nil)
    #expect(stratified.count == 10)
    let expectedCounts = try StratifiedKFold(splits: 2).folds(count: 40, labels: Self.labels, groups: nil)
      .map { Self.classCounts(Self.labels, $0.test) }
    let stratifiedRounds = (0..<5).map { Array(stratified[$0 * 2..<$0 * 2 + 2]) }
    for (round, folds) in stratifiedRounds.enumerated() {
      Self.checkPartition(folds, count: 40, "stratified round \(round)")
      #expect(folds.map { Self.classCounts(Self.labels, $0.test) } == expectedCounts)
      let single = StratifiedKFold(splits: 2, shuffle: true, seed: SplitMix64.derive(8, UInt64(round)))
      #expect(folds == (try single.folds(count: 40, labels: Self.labels, groups: nil)))
    }
    #expect(Set(stratifiedRounds).count == 5)
  }

  @Test func shuffleSplitsDrawIndependentSplits() throws {
    let folds = try ShuffleSplit(splits: 20, testSize: .count(3), trainSize: .count(5), seed: 1).folds(count: 12)
    #expect(folds.allSatisfy { $0.train.count == 5 && $0.test.count == 3 })
    #expect(Set(folds).count == 20)
    // A prefix of the splits does not depend on how many are asked for.
    let fewer = try ShuffleSplit(splits: 4, testSize: .count(3), trainSize: .count(5), seed: 1).folds(count: 12)
    #expect(Array(folds.prefix(4)) == fewer)
    // Every row is tested sometime over many splits.
    #expect(Set(folds.flatMap(\.test)).count == 12)
  }

  @Test func stratifiedShuffleSplitKeepsProportions() throws {
    // 100 samples: 50/30/20; a 30 % test set takes 15/9/6 and the training set 35/21/14.
    let labels = [Int](repeating: 0, count: 50) + [Int](repeating: 1, count: 30) + [Int](repeating: 2, count: 20)
    let folds = try StratifiedShuffleSplit(splits: 5, testSize: .fraction(0.3), seed: 2)
      .folds(count: 100, labels: labels, groups: nil)
    for fold in folds {
      #expect(Self.classCounts(labels, fold.test) == [15, 9, 6])
      #expect(Self.classCounts(labels, fold.train) == [35, 21, 14])
    }
  }

  // MARK: Train/test splitting

  @Test func trainTestSplitSizesAndStratification() throws {
    let fold = try trainTestSplit(count: 10)
    #expect(fold.train.count == 7 && fold.test.count == 3)  // ceil(0.25 · 10) = 3
    #expect(try trainTestSplit(count: 10, seed: 0) == fold)
    #expect(try trainTestSplit(count: 10, seed: 1) != fold)
    #expect((fold.train + fold.test).sorted() == Array(0..<10))
    let sub = try trainTestSplit(count: 20, testSize: .count(4), trainSize: .fraction(0.5), seed: 2)
    #expect(sub.train.count == 10 && sub.test.count == 4)
    Self.checkDisjoint([sub], count: 20, "subsampled")
    // 0.14 · 50 is 7.000000000000001 in floating point: scikit-learn's test set has 8 rows.
    #expect(try trainTestSplit(count: 50, testSize: .fraction(0.14)).test.count == 8)

    let labels = [Int](repeating: 0, count: 60) + [Int](repeating: 1, count: 30) + [Int](repeating: 7, count: 10)
    let stratified = try trainTestSplit(count: 100, testSize: .fraction(0.2), labels: labels, seed: 4)
    #expect(Self.classCounts(labels, stratified.test) == [12, 6, 2])
    #expect(Self.classCounts(labels, stratified.train) == [48, 24, 8])

    let constant = [Int](repeating: 0, count: 10)
    #expect(Self.thrownName { _ = try trainTestSplit(count: 10, shuffle: false, labels: constant) } == "labels")
    #expect(Self.thrownName { _ = try trainTestSplit(count: 10, labels: [0, 1]) } == "shapeMismatch")
    #expect(Self.thrownName { _ = try trainTestSplit(count: 10, testSize: .count(10)) } == "testSize")
    #expect(Self.thrownName { _ = try trainTestSplit(count: 1) } == "testSize")
  }

  static func dataset(_ count: Int) throws -> Dataset<Int> {
    let x = Matrix(rowCount: count, columnCount: 2) { row, column in Double(row * 10 + column) }
    return try Dataset(x: x, y: (0..<count).map { $0 % 4 == 0 ? 1 : 0 })
  }

  @Test func datasetSplitsCarryTheirRows() throws {
    let data = try Self.dataset(20)
    let (train, test) = try trainTestSplit(data, testFraction: 0.25, stratified: true, seed: 3)
    #expect(train.count == 15 && test.count == 5)
    #expect(test.y.filter { $0 == 1 }.count == 1 && train.y.filter { $0 == 1 }.count == 4)
    for part in [train, test] {
      for row in 0..<part.count { #expect(part.y[row] == (Int(part.x[row, 0]) / 10 % 4 == 0 ? 1 : 0)) }
    }
    let firstColumn = (train.x.elements + test.x.elements).enumerated().filter { $0.offset % 2 == 0 }
    let rows = firstColumn.map { Int($0.element) / 10 }
    #expect(rows.sorted() == Array(0..<20))

    let (first, rest) = try trainTestSplit(data, testFraction: 0.3, shuffle: false)
    #expect(first.y == Array(data.y[..<14]) && rest.y == Array(data.y[14...]))
    let regression = try Dataset(x: data.x, y: data.y.map(Double.init))
    let (regressionTrain, regressionTest) = try trainTestSplit(regression, testFraction: 0.5, seed: 1)
    #expect(regressionTrain.count == 10 && regressionTest.count == 10)
    #expect(Self.thrownName { _ = try trainTestSplit(regression, testFraction: 1.5) } == "testFraction")
    #expect(Self.thrownName { _ = try trainTestSplit(data, testFraction: 0, stratified: true) } == "testFraction")
    #expect(Self.thrownName { _ = try trainTestSplit(data, stratified: true, shuffle: false) } == "labels")
  }

  @Test func threeWaySplits() throws {
    let split = try trainValidationTestSplit(count: 50, seed: 6)
    #expect(split.train.count == 30 && split.validation.count == 10 && split.test.count == 10)
    #expect((split.train + split.validation + split.test).sorted() == Array(0..<50))
    let again = try trainValidationTestSplit(count: 50, seed: 6)
    #expect(again.train == split.train && again.validation == split.validation && again.test == split.test)
    let other = try trainValidationTestSplit(count: 50, seed: 7)
    #expect(other.test != split.test)
    // Composition: the test set is the first split (derived seed 0), validation the second (seed 1).
    let outer = try trainTestSplit(count: 50, testSize: .count(10), seed: SplitMix64.derive(6, 0))
    let inner = try trainTestSplit(count: 40, testSize: .count(10), seed: SplitMix64.derive(6, 1))
    #expect(split.test == outer.test && split.validation == inner.test.map { outer.train[$0] })

    let ordered = try trainValidationTestSplit(count: 10, validationSize: .count(2), testSize: .fraction(0.3),
                                               shuffle: false)
    #expect(ordered.train == [0, 1, 2, 3, 4] && ordered.validation == [5, 6] && ordered.test == [7, 8, 9])

    let labels = (0..<100).map { $0 % 5 == 0 ? 1 : 0 }  // 20 % positives
    let stratified = try trainValidationTestSplit(count: 100, validationSize: .fraction(0.25),
                                                  testSize: .fraction(0.15), labels: labels, seed: 2)
    #expect(Self.classCounts(labels, stratified.test) == [12, 3])
    #expect(Self.classCounts(labels, stratified.validation) == [20, 5])
    #expect(Self.classCounts(labels, stratified.train) == [48, 12])

    let data = try Self.dataset(40)
    let (train, validation, test) = try trainValidationTestSplit(data, validationFraction: 0.25, testFraction: 0.25,
                                                                 stratified: true, seed: 1)
    #expect(train.count == 20 && validation.count == 10 && test.count == 10)
    #expect([train, validation, test].map { $0.y.filter { $0 == 1 }.count } == [5, 2, 3] ||
            [train, validation, test].map { $0.y.filter { $0 == 1 }.count } == [5, 3, 2])
    let regression = try Dataset(x: data.x, y: data.y.map(Double.init))
    #expect(try trainValidationTestSplit(regression, shuffle: false).test.y == Array(regression.y[32...]))

    #expect(Self.thrownName { _ = try trainValidationTestSplit(count: 10, validationSize: .fraction(0.5),
                                                               testSize: .fraction(0.5)) } == "validationSize")
    #expect(Self.thrownName { _ = try trainValidationTestSplit(count: 10, validationSize: .count(0)) }
            == "validationSize")
    #expect(Self.thrownName { _ = try trainValidationTestSplit(count: 10, testSize: .fraction(1)) } == "testSize")
    #expect(Self.thrownName { _ = try trainValidationTestSplit(data, testFraction: -0.1) } == "testFraction")
    #expect(Self.thrownName { _ = try trainValidationTestSplit(data, validationFraction: 0.7, testFraction: 0.3) }
            == "validationFraction")
    #expect(Self.thrownName { _ = try trainValidationTestSplit(count: 10, labels: [1]) } == "shapeMismatch")
  }
}
