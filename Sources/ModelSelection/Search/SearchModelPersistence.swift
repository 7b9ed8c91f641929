import LearnCore
import Preprocessing

extension SearchModel: Codable where Base: Persistable, Base.Fitted: Persistable {
  private enum CodingKeys: String, CodingKey {
    case best, bestIndex, bestParameters, bestScore, results, foldModels, execution
  }

  /// Writes the refitted model (with its tag), the winner, the results table, the retained fold
  /// models and the execution report.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(best.map(Tagged.init), forKey: .best)
    try container.encodeIfPresent(bestIndex, forKey: .bestIndex)
    try container.encode(bestParameters, forKey: .bestParameters)
    try container.encode(bestScore, forKey: .bestScore)
    try container.encode(results, forKey: .results)
    try container.encode(foldModels.mapValues { $0.map(Tagged.init) }, forKey: .foldModels)
    try container.encode(execution, forKey: .execution)
  }

  /// Reads a fitted search written by ``encode(to:)``.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      best: try container.decodeIfPresent(Tagged<Base.Fitted>.self, forKey: .best)?.value,
      bestIndex: try container.decodeIfPresent(Int.self, forKey: .bestIndex),
      bestParameters: try container.decode(ParameterSet.self, forKey: .bestParameters),
      bestScore: try container.decode(Double.self, forKey: .bestScore),
      results: try container.decode(SearchResults.self, forKey: .results),
      foldModels: try container.decode([Int: [Tagged<Base.Fitted>]].self, forKey: .foldModels).mapValues { $0.map(\.value) },
      execution: try container.decode(ExecutionReport.self, forKey: .execution))
  }
}

extension SearchModel: Persistable where Base: Persistable, Base.Fitted: Persistable {
  /// `"SearchModel<Int>"` or `"SearchModel<Double>"`, after the target type.
  public static var typeTag: String { "SearchModel<\(Base.Target.self)>" }

  /// The winner's index is a row of the results; fold models belong to rows; the metrics are
  /// distinct and the fold count is sane (the table's columns are built from both).
  public func checkLoaded() throws(LearnError) {
    if let bestIndex { try PersistenceCheck.indices([bestIndex], below: results.count, "bestIndex") }
    try PersistenceCheck.indices(foldModels.keys.sorted(), below: results.count, "foldModels")
    try PersistenceCheck.require(!results.metrics.isEmpty && Set(results.metrics).count == results.metrics.count,
                                 "results.metrics", "must be distinct names")
    try PersistenceCheck.within(results.splits, 1...(1 << 16), "results.splits")
  }
}

extension ModelRegistry {
  /// Registers this module's fitted searches over type-erased estimators, so a saved
  /// `SearchModel` loads as `any Persistable` or inside an `AnyModel`.
  public func registerModelSelectionTypes() {
    register(SearchModel<AnyEstimator<Int>>.self)
    register(SearchModel<AnyEstimator<Int>>.self, as: AnyModel<Int>.self) { AnyModel($0) }
    register(SearchModel<AnyEstimator<Double>>.self)
    register(SearchModel<AnyEstimator<Double>>.self, as: AnyModel<Double>.self) { AnyModel($0) }
  }
}
