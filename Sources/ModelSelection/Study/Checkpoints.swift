import Foundation
import LearnCore

/// Where a search keeps the fold models that later trials may continue (Hyperband and ASHA
/// promotions, population-based training): in memory only, or also on disk, so that a resumed
/// search, or another worker process on the same journal, continues them instead of training
/// them again.
public enum ModelCheckpoints: Sendable, Hashable {
  /// In memory only: a resumed search trains a promoted trial afresh (same scores for estimators
  /// whose continuation equals longer training, more work) and records it as `refitted`.
  case off
  /// In the folder `<journal>.models` beside the search's journal, when it has one (the default).
  case besideJournal
  /// In the given folder; use one folder per journal.
  case folder(String)

  /// The folder for a search writing `journal`, if any.
  func folder(journal: String?) -> String? {
    switch self {
    case .off: return nil
    case .besideJournal: return journal.map { $0 + ".models" }
    case .folder(let path): return path
    }
  }
}

/// One trial's fold models on disk, with the budget they were trained to.
struct FoldCheckpoint<Model: Persistable>: Persistable {
  static var typeTag: String { "FoldCheckpoint" }
  var budget: Budget?
  var models: [Tagged<Model>]

  func checkLoaded() throws(LearnError) {}
}

/// A study's fold models on disk: one file per trial (`trial-<number>.json`, Learn's model
/// format), written to a temporary file, flushed and renamed before the trial's completion is
/// recorded in the journal, so a file that exists is whole and belongs to a finished trial.
/// Files of trials that can no longer be continued are removed (``remove(_:)``).
struct CheckpointStore<Model>: Sendable {
  let folder: String
  private let encode: @Sendable ([Model], Budget?) throws -> Data
  private let decode: @Sendable (Data) throws -> (models: [Model], budget: Budget?)

  /// A store in `folder` when `Model` can be saved (``Persistable``); `nil` otherwise.
  init?(folder: String) {
    guard let persistable = Model.self as? any Persistable.Type else { return nil }
    func coders<P: Persistable>(_: P.Type) -> (
      @Sendable ([Model], Budget?) throws -> Data, @Sendable (Data) throws -> (models: [Model], budget: Budget?)
    ) {
      ({ models, budget in
        try ModelFile.encode(FoldCheckpoint<P>(budget: budget, models: models.map { Tagged($0 as! P) }))
      }, { data in
        let checkpoint = try ModelFile.decode(FoldCheckpoint<P>.self, from: data)
        return (checkpoint.models.map { $0.value as! Model }, checkpoint.budget)
      })
    }
    (encode, decode) = coders(persistable)
    self.folder = folder
  }

  private func path(_ trial: Int) -> String { folder + "/trial-\(trial).json" }

  /// Writes trial `trial`'s fold models, trained to `budget`.
  func save(_ models: [Model], budget: Budget?, trial: Int) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try DurableFile.write(encode(models, budget), to: path(trial))
  }

  /// Trial `trial`'s fold models and budget, or `nil` when there is no file or it cannot be
  /// loaded (the trial that wanted them then trains afresh).
  func load(trial: Int) -> (models: [Model], budget: Budget?)? {
    guard let data = try? DurableFile.read(path(trial), maximumBytes: ModelFile.defaultMaximumBytes) else { return nil }
    return try? decode(data)
  }

  /// Removes the files of `trials`.
  func remove(_ trials: Set<Int>) {
    for trial in trials { unlink(path(trial)) }
  }

  /// Removes every trial file (a new study on this folder's journal).
  func clear() {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix("trial-") { unlink(folder + "/" + name) }
  }
}
