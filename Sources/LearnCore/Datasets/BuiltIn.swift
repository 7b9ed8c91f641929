import Foundation
import LinearAlgebra

extension Datasets {
  /// The folder the built-in datasets are read from: `$LEARN_DATA_DIR` when set, otherwise
  /// `Fixtures/datasets/` of the source checkout this library was built from (found through
  /// `#filePath`, so `swift run` and `swift test` work from any directory).
  ///
  /// The CSV files there are exported once from scikit-learn 1.9.1 by
  /// `Fixtures/scripts/export_datasets.py` and committed.
  public static var directory: URL {
    if let override = ProcessInfo.processInfo.environment["LEARN_DATA_DIR"], !override.isEmpty {
      return URL(fileURLWithPath: override, isDirectory: true)
    }
    return URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // Datasets
      .deletingLastPathComponent()  // LearnCore
      .deletingLastPathComponent()  // Sources
      .deletingLastPathComponent()  // checkout
      .appendingPathComponent("Fixtures/datasets", isDirectory: true)
  }

  /// Fisher's iris: 150 samples, 4 features (cm), 3 classes labelled 0 setosa, 1 versicolor,
  /// 2 virginica (scikit-learn's `load_iris`).
  public static func iris() throws(LearnError) -> Dataset<Int> {
    try Dataset<Int>.readCSV(path("iris.csv"), target: "species")
  }

  /// Handwritten digits: 1,797 samples of 8 × 8 pixel intensities 0–16 (64 features), classes 0–9
  /// (scikit-learn's `load_digits`).
  public static func digits() throws(LearnError) -> Dataset<Int> {
    try Dataset<Int>.readCSV(path("digits.csv"), target: "digit")
  }

  /// Diabetes progression: 442 samples, 10 mean-centred, scaled features, a real target
  /// (scikit-learn's `load_diabetes` with its default scaling).
  public static func diabetes() throws(LearnError) -> Dataset<Double> {
    try Dataset<Double>.readCSV(path("diabetes.csv"), target: "progression")
  }

  private static func path(_ file: String) throws(LearnError) -> String {
    let url = directory.appendingPathComponent(file)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw .io(path: url.path, reason: "built-in dataset not found; set LEARN_DATA_DIR to a folder holding \(file)")
    }
    return url.path
  }
}
