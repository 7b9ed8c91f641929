import LearnCore

/// Cross-validation on folds given in advance (scikit-learn's `PredefinedSplit`): `testFold[i]` is
/// the test fold of row `i`, or -1 for a row that is only ever trained on. There is one fold per
/// distinct value other than -1, in ascending order; train and test lists are ascending.
///
/// scikit-learn yields no folds at all when every entry is -1; Learn throws instead, since such a
/// splitter cannot cross-validate anything.
public struct PredefinedSplit: Splitter, Hashable {
  /// The test fold of each row, -1 for none (scikit-learn `test_fold`).
  public var testFold: [Int]

  /// A splitter with the given fold of each row.
  public init(testFold: [Int]) {
    self.testFold = testFold
  }

  /// The predefined folds; `count` must equal `testFold.count` (labels and groups are ignored).
  ///
  /// - Throws: `shapeMismatch` when `count` differs from `testFold.count`; `invalidArgument` when
  ///   every entry is -1.
  public func folds(count: Int, labels: [Int]?, groups: [Int]?) throws(LearnError) -> [Fold] {
    guard count == testFold.count else {
      throw .shapeMismatch("testFold has \(testFold.count) entries for \(count) samples")
    }
    let foldIds = Array(Set(testFold).subtracting([-1])).sorted()
    guard !foldIds.isEmpty else {
      throw .invalidArgument(name: "testFold", reason: "no row is in a test fold (every entry is -1)")
    }
    var position: [Int: Int] = [:]
    for (index, id) in foldIds.enumerated() { position[id] = index }
    return Fold.fromAssignment(testFold.map { position[$0] ?? -1 }, foldCount: foldIds.count)
  }
}
