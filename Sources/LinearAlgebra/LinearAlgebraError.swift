/// Errors thrown by the linear-algebra layer. Higher layers wrap these in their own error type.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Two operands do not have compatible shapes; the message names both.
  case dimensionMismatch(String)
  /// Rows of a nested array have different lengths: `row` is the first one that differs.
  case raggedRows(row: Int, expected: Int, got: Int)
  /// A Cholesky factorisation met a non-positive pivot at `pivot`: the matrix is not positive definite.
  case notPositiveDefinite(pivot: Int)
  /// An input holds a NaN or an infinity at (`row`, `column`).
  case nonFiniteValue(row: Int, column: Int)
  /// An iterative decomposition did not converge within its sweep limit.
  case noConvergence(String)

  /// A readable description, used in error messages and logs.
  public var description: String {
    switch self {
    case .dimensionMismatch(let message): return "dimension mismatch: \(message)"
    case .raggedRows(let row, let expected, let got):
      return "row \(row) has \(got) elements, expected \(expected) like row 0"
    case .notPositiveDefinite(let pivot):
      return "matrix is not positive definite (non-positive pivot at index \(pivot))"
    case .nonFiniteValue(let row, let column):
      return "non-finite value (NaN or infinity) at row \(row), column \(column)"
    case .noConvergence(let message): return "no convergence: \(message)"
    }
  }
}
