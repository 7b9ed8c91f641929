import Foundation
import LearnCore
import LinearAlgebra

/// A fitted transformation that can be undone (scikit-learn's `inverse_transform`): scalers map
/// back to the original units, encoders back to the category codes.
public protocol InvertibleTransformer: FittedTransformer {
  /// `x` mapped back to the input space, one output row per input row.
  func inverseTransform(_ x: Matrix) throws -> Matrix
}

/// A fitted transformation that names its output columns (scikit-learn's
/// `get_feature_names_out`), so pipelines and column transformers can name theirs.
public protocol FeatureNamingTransformer: FittedTransformer {
  /// The names of the output columns given the names of the input columns; `nil` stands for
  /// scikit-learn's default names `x0`, `x1`, …. Throws when `input` has the wrong length.
  func featureNamesOut(_ input: [String]?) throws(LearnError) -> [String]
}

/// Input checks and small numeric routines shared by the transformers of this module.
enum PreprocessingSupport {
  /// scikit-learn's default input names, `x0`, `x1`, … (`_check_feature_names_in`).
  static func defaultFeatureNames(_ count: Int) -> [String] {
    (0..<count).map { "x\($0)" }
  }

  /// `input`, or the default names, after checking there is one name per input feature.
  static func inputFeatureNames(_ input: [String]?, featureCount: Int) throws(LearnError) -> [String] {
    guard let input else { return defaultFeatureNames(featureCount) }
    guard input.count == featureCount else {
      throw .shapeMismatch("\(input.count) input feature names for \(featureCount) features")
    }
    return input
  }

  /// Checks a matrix given to `transform` (or `inverseTransform`): `expected` columns, every value
  /// finite. A matrix with no rows is accepted and gives an output with no rows, as `predict` does.
  static func checkTransformInput(_ x: Matrix, expected: Int) throws(LearnError) {
    try Validation.checkFeatureCount(x, expected: expected)
  }

  /// Checks a matrix whose NaNs mark missing values (``SimpleImputer``): rows and columns present
  /// when `requireRows`, no infinities.
  static func checkAllowingNaN(_ x: Matrix, requireRows: Bool) throws(LearnError) {
    if requireRows {
      guard x.rowCount > 0 else { throw .emptyInput("x has no rows") }
      guard x.columnCount > 0 else { throw .emptyInput("x has no columns") }
    }
    let columns = x.columnCount
    let bad: (row: Int, column: Int)? = x.withUnsafeBufferPointer { a in
      for index in 0..<a.count where a[index].isInfinite { return (index / columns, index % columns) }
      return nil
    }
    if let bad { throw .nonFiniteValue(row: bad.row, column: bad.column) }
  }

  /// Column `j` of `x` in ascending order.
  static func sortedColumn(_ x: Matrix, _ j: Int) -> [Double] {
    x.column(j).sorted()
  }

  /// numpy's median of ascending `sorted` (see `NumpyStatistics`).
  static func median(sorted: [Double]) -> Double { NumpyStatistics.median(sorted: sorted) }

  /// numpy's linear quantile of ascending `sorted` (see `NumpyStatistics`).
  static func quantile(sorted: [Double], _ q: Double) -> Double { NumpyStatistics.quantile(sorted: sorted, q) }

  /// Scales that are zero or nearly so (below ten machine epsilons) replaced by 1, as
  /// scikit-learn's `_handle_zeros_in_scale`, so constant features are not divided by zero.
  static func handlingZeros(_ scale: [Double]) -> [Double] {
    scale.map { $0 < 10 * Double.ulpOfOne ? 1 : $0 }
  }

  /// The sorted distinct values of each column of `x` (numpy's `unique`, column by column).
  static func columnCategories(_ x: Matrix) -> [[Double]] {
    (0..<x.columnCount).map { j in Array(Set(x.column(j))).sorted() }
  }

  /// For each column, a map from category to its index in `categories[j]`.
  static func categoryIndex(_ categories: [[Double]]) -> [[Double: Int]] {
    categories.map { list in
      var index: [Double: Int] = [:]
      for (k, value) in list.enumerated() { index[value] = k }
      return index
    }
  }

  /// The first column of `x` holding a value absent from `index`, with its distinct unknown
  /// values in ascending order, or `nil` when every value is known.
  static func firstUnknown(_ x: Matrix, _ index: [[Double: Int]]) -> (column: Int, values: [Double])? {
    for j in 0..<x.columnCount {
      var unknown = Set<Double>()
      for i in 0..<x.rowCount where index[j][x[i, j]] == nil { unknown.insert(x[i, j]) }
      if !unknown.isEmpty { return (j, unknown.sorted()) }
    }
    return nil
  }

  /// The unknown-category error for `x`, built from ``firstUnknown(_:_:)`` once a lookup has
  /// missed: encoders look each value up once and pay for the full scan only on that error path.
  static func unknownCategoryError(in x: Matrix, _ index: [[Double: Int]]) -> LearnError {
    let unknown = firstUnknown(x, index)!
    return unknownCategoryError(column: unknown.column, values: unknown.values, during: "transform")
  }

  /// The `.invalidArgument` error scikit-learn raises for unknown categories ("Found unknown
  /// categories [7.0] in column 1 during transform").
  static func unknownCategoryError(column: Int, values: [Double], during phase: String) -> LearnError {
    let list = "[" + values.map { String($0) }.joined(separator: ", ") + "]"
    return .invalidArgument(name: "x", reason: "found unknown categories \(list) in column \(column) during \(phase)")
  }
}
