import LinearAlgebra

/// A fitted model together with the ``CSVEncoding`` of the file it was trained on: the column
/// names and their order, the categories' codes and the labels' names. Models keep integer class
/// codes for speed; this wrapper reads new CSV rows the way the training file was read and gives
/// predictions back as the original labels (`"setosa"`, `"10.0"`), so a saved model can be used
/// on new data without the training file. Saved and loaded like any model when `Model` is
/// ``Persistable``.
///
///     let train = try Dataset<Int>(csv: text, target: "species", categoricalFeatures: .encode)
///     let model = CSVModel(try pipeline.fit(train.x, train.y), encoding: train.csvEncoding)
///     try model.save(to: url)
///     let labels = try CSVModel<PipelineModel<LogisticRegression.Model>>.load(from: url)
///       .predictLabels(csv: newRows)
public struct CSVModel<Model: Predictor>: Predictor {
  /// The fitted model, trained on data read with ``encoding``.
  public let model: Model
  /// How the training file's columns, categories and labels became numbers.
  public let encoding: CSVEncoding

  /// `model`, trained on data read with `encoding` (a dataset's ``Dataset/csvEncoding``).
  public init(_ model: Model, encoding: CSVEncoding) {
    self.model = model
    self.encoding = encoding
  }

  /// The model's predictions for rows already encoded as the training data was.
  public func predict(_ x: Matrix) throws -> [Model.Prediction] { try model.predict(x) }

  /// The model's warnings.
  public var warnings: [LearnWarning] { model.warnings }

  /// The model's predictions for the rows of CSV `text`, read against ``encoding``
  /// (``CSVEncoding/features(csv:separator:missingValues:)``).
  public func predict(
    csv text: String, separator: Character = ",", missingValues: MissingValuePolicy = .reject
  ) throws -> [Model.Prediction] {
    try model.predict(encoding.features(csv: text, separator: separator, missingValues: missingValues))
  }
}

extension CSVModel where Model.Prediction == Int {
  /// The predicted labels of the rows of CSV `text`, spelled as in the training file.
  public func predictLabels(
    csv text: String, separator: Character = ",", missingValues: MissingValuePolicy = .reject
  ) throws -> [String] {
    encoding.labels(try predict(csv: text, separator: separator, missingValues: missingValues))
  }
}

extension CSVModel: ClassifierModel where Model: ClassifierModel {
  /// The model's class codes (``CSVEncoding/labels(_:)`` spells them).
  public var classes: [Int] { model.classes }
}

extension CSVModel: ProbabilisticClassifierModel where Model: ProbabilisticClassifierModel {
  /// The model's probabilities, one column per entry of ``classes``.
  public func predictProbabilities(_ x: Matrix) throws -> Matrix { try model.predictProbabilities(x) }
}

extension CSVModel: RegressorModel where Model: RegressorModel {}

extension CSVModel: Codable where Model: Persistable {
  private enum CodingKeys: String, CodingKey { case model, encoding }

  /// Writes the model (with its tag) and the encoding.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(Tagged(model), forKey: .model)
    try container.encode(encoding, forKey: .encoding)
  }

  /// Reads a model written by ``encode(to:)``.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(try container.decode(Tagged<Model>.self, forKey: .model).value,
              encoding: try container.decode(CSVEncoding.self, forKey: .encoding))
  }
}

extension CSVModel: Persistable where Model: Persistable {
  /// `"CSVModel<Int>"` or `"CSVModel<Double>"`, after the prediction type.
  public static var typeTag: String { "CSVModel<\(Model.Prediction.self)>" }

  /// A consistent encoding; for a classifier, a name for each class when the labels have names.
  public func checkLoaded() throws(LearnError) {
    do { try encoding.checkLoaded() } catch {
      if case .unreadableModel(let field, let reason) = error { throw .unreadableModel(field: "encoding." + field, reason: reason) }
      throw error
    }
    if let classifier = model as? any ClassifierModel, !encoding.classNames.isEmpty {
      for code in classifier.classes where encoding.classNames[code] == nil {
        throw .unreadableModel(field: "encoding.classNames", reason: "class \(code) of the model has no name")
      }
    }
  }
}
