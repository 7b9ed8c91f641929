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

/// One fold model of a trial on disk, with what identifies it: the study, the trial's
/// parameters and budget, the fold.
struct FoldCheckpoint<Model: Persistable>: Persistable {
  static var typeTag: String { "FoldCheckpoint" }
  var study: String
  var trial: Int
  var fold: Int
  var parameters: ParameterSet
  var budget: Budget?
  var model: Tagged<Model>

  /// A non-negative budget (a continuation subtracts it from the child's).
  func checkLoaded() throws(LearnError) {
    switch budget {
    case .units(let n)?, .samples(let n)?: try PersistenceCheck.within(n, 0...Int(Int32.max), "budget")
    case nil: break
    }
    try PersistenceCheck.within(fold, 0...Int(Int32.max), "fold")
  }
}

/// What identifies a fold checkpoint: the trial it belongs to, as the journal records it.
struct CheckpointIdentity: Sendable {
  var trial: Int
  var parameters: ParameterSet
  var budget: Budget?
}

/// A study's fold models on disk: one file per trial and fold (`trial-<n>-fold-<k>.json`,
/// Learn's model format), written by the worker that fitted the fold (outside the executor's
/// lock) to a temporary file, flushed and renamed, before the trial's completion is recorded in
/// the journal. A file is used only when its study key, trial, parameters and budget match the
/// journal's record of the trial, so files of another study or a damaged file only cost a refit.
/// Files of trials that can no longer be continued are removed (``remove(_:folds:)``).
struct CheckpointStore<Model>: Sendable {
  let folder: String
  /// Identifies the study (a hash of the journal's fingerprint).
  let study: String
  private let encode: @Sendable (Model, CheckpointIdentity, Int, String) throws -> Data
  private let decode: @Sendable (Data) throws -> (model: Model, checkpoint: CheckpointHeader)

  /// A store in `folder` for the study `study` when `Model` can be saved (``Persistable``);
  /// `nil` otherwise.
  init?(folder: String, study: String) {
    guard let persistable = Model.self as? any Persistable.Type else { return nil }
    func coders<P: Persistable>(_: P.Type) -> (
      @Sendable (Model, CheckpointIdentity, Int, String) throws -> Data,
      @Sendable (Data) throws -> (model: Model, checkpoint: CheckpointHeader)
    ) {
      ({ model, identity, fold, study in
        try ModelFile.encode(FoldCheckpoint<P>(
          study: study, trial: identity.trial, fold: fold, parameters: identity.parameters, budget: identity.budget,
          model: Tagged(model as! P)))
      }, { data in
        let checkpoint = try ModelFile.decode(FoldCheckpoint<P>.self, from: data)
        return (checkpoint.model.value as! Model, .init(checkpoint))
      })
    }
    (encode, decode) = coders(persistable)
    self.folder = folder
    self.study = study
  }

  private func path(_ trial: Int, _ fold: Int) -> String { folder + "/trial-\(trial)-fold-\(fold).json" }

  /// Removes the temporary files of checkpoint writes that a killed process left unfinished
  /// (`trial-<n>-fold-<k>.json.tmp-<pid>-<random>`, no other file): those whose process no
  /// longer exists on this host and that are over a minute old (a writer on another host sharing
  /// the folder is never that slow). They are never read; this only reclaims their space.
  func removeAbandonedTemporaries() {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix("trial-") {
      guard let marker = name.range(of: ".json.tmp-"),
        let pid = Int32(name[marker.upperBound...].prefix { $0.isNumber }), kill(pid, 0) != 0, errno == ESRCH
      else { continue }
      let path = folder + "/" + name
      let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
      if let modified, Date().timeIntervalSince(modified) > 60 { unlink(path) }
    }
  }

  /// Writes fold `fold`'s model of the trial `identity` names.
  func save(_ model: Model, identity: CheckpointIdentity, fold: Int) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try DurableFile.write(encode(model, identity, fold, study), to: path(identity.trial, fold))
  }

  /// The `folds` fold models of the trial `identity` names, or `nil` when a file is missing,
  /// cannot be loaded, or belongs to another study, trial, configuration or budget.
  func load(_ identity: CheckpointIdentity, folds: Int) -> [Model]? {
    var models: [Model] = []
    for fold in 0..<folds {
      guard let data = try? DurableFile.read(path(identity.trial, fold), maximumBytes: ModelFile.defaultMaximumBytes),
            let (model, header) = try? decode(data),
            header.study == study, header.trial == identity.trial, header.fold == fold,
            header.parameters == identity.parameters, header.budget == identity.budget
      else { return nil }
      models.append(model)
    }
    return models
  }

  /// Removes the files of `trials` (`folds` folds each).
  func remove(_ trials: Set<Int>, folds: Int) {
    for trial in trials { for fold in 0..<folds { unlink(path(trial, fold)) } }
  }

  /// Removes every trial file (a new study on this folder's journal).
  func clear() {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix("trial-") { unlink(folder + "/" + name) }
  }
}

/// A fold checkpoint's identity fields, without its model.
struct CheckpointHeader: Sendable {
  var study: String
  var trial: Int
  var fold: Int
  var parameters: ParameterSet
  var budget: Budget?

  init<P: Persistable>(_ checkpoint: FoldCheckpoint<P>) {
    study = checkpoint.study
    trial = checkpoint.trial
    fold = checkpoint.fold
    parameters = checkpoint.parameters
    budget = checkpoint.budget
  }
}
