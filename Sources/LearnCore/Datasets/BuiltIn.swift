import Foundation
import LinearAlgebra

extension Datasets {
  /// The folder the built-in datasets are read from when `$LEARN_DATA_DIR` is set; otherwise
  /// `nil`, and they are read from the copies compiled into the library
  /// (`EmbeddedDatasets.swift`, generated from `Fixtures/datasets/` by
  /// `Fixtures/scripts/embed_datasets.py`), so an installed `learn` binary needs no checkout.
  ///
  /// The CSV files are exported once from scikit-learn 1.9.1 by
  /// `Fixtures/scripts/export_datasets.py` and committed.
  public static var directory: URL? {
    guard let override = ProcessInfo.processInfo.environment["LEARN_DATA_DIR"], !override.isEmpty else { return nil }
    return URL(fileURLWithPath: override, isDirectory: true)
  }

  /// Fisher's iris: 150 samples, 4 features (cm), 3 classes labelled 0 setosa, 1 versicolor,
  /// 2 virginica (scikit-learn's `load_iris`).
  public static func iris() throws(LearnError) -> Dataset<Int> {
    try load("iris.csv", EmbeddedDatasets.iris, target: "species")
  }

  /// Handwritten digits: 1,797 samples of 8 × 8 pixel intensities 0–16 (64 features), classes 0–9
  /// (scikit-learn's `load_digits`).
  public static func digits() throws(LearnError) -> Dataset<Int> {
    try load("digits.csv", EmbeddedDatasets.digits, target: "digit")
  }

  /// Diabetes progression: 442 samples, 10 mean-centred, scaled features, a real target
  /// (scikit-learn's `load_diabetes` with its default scaling).
  public static func diabetes() throws(LearnError) -> Dataset<Double> {
    try load("diabetes.csv", EmbeddedDatasets.diabetes, target: "progression")
  }

  /// The dataset in `file` of ``directory`` when it is set, else in the embedded `text`.
  private static func load<T: CSVTarget>(_ file: String, _ text: String, target: String) throws(LearnError) -> Dataset<T> {
    guard let directory else { return try Dataset<T>(csv: text, target: target) }
    let url = directory.appendingPathComponent(file)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw .io(path: url.path, reason: "built-in dataset not found in LEARN_DATA_DIR (\(directory.path))")
    }
    return try Dataset<T>.readCSV(url.path, target: target)
  }
}
