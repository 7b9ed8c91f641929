import Foundation
import Learn

/// Save and load times and file sizes (issue 15) for a 100-tree random forest and an MLP(100,)
/// fitted on digits; the peers (pickle, joblib, skops) are timed by
/// Fixtures/scripts/bench_persistence.py on the same models. Saving is encoding plus a durable
/// write (temporary file, fsync, rename); loading is reading plus decoding with every check.
func runPersistenceBenchmarks(repeats: Int) throws {
  let digits = try Datasets.digits()
  let forest = try RandomForestClassifier(nEstimators: 100, seed: 0).fit(digits.x, digits.y)
  let mlp = try MLPClassifier(hiddenLayerSizes: [100], seed: 0).fit(digits.x, digits.y)
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("learn-persistence-bench-\(getpid())")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  try benchmarkPersistence("RandomForestClassifier(100)", forest, digits.x, folder: folder, repeats: repeats)
  try benchmarkPersistence("MLPClassifier(100,)", mlp, digits.x, folder: folder, repeats: repeats)
}

private func benchmarkPersistence<M: Persistable & Predictor>(
  _ name: String, _ model: M, _ x: Matrix, folder: URL, repeats: Int
) throws where M.Prediction: Equatable {
  let url = folder.appendingPathComponent("model.json")
  // Warm the allocator and the page cache first: the first saves of a process grow the heap.
  for _ in 0..<3 { try model.save(to: url); _ = try M.load(from: url) }
  let save = time(repeats: repeats) { try! model.save(to: url) }
  let load = time(repeats: repeats) { _ = try! M.load(from: url) }
  let encode = time(repeats: repeats) { _ = try! ModelFile.encode(model) }
  let bytes = try ModelFile.encode(model)
  let decode = time(repeats: repeats) { _ = try! ModelFile.load(M.self, from: bytes) }
  let write = time(repeats: repeats) { try! DurableFile.write(bytes, to: url.path) }
  let same = try M.load(from: url).predict(x) == model.predict(x)
  emit([("benchmark", "\"persistence\""), ("model", "\"\(name)\""), ("library", "\"learn\""),
        ("save_seconds", "\(save.median)"), ("load_seconds", "\(load.median)"),
        ("encode_seconds", "\(encode.median)"), ("decode_seconds", "\(decode.median)"), ("write_seconds", "\(write.median)"),
        ("bytes", "\(bytes.count)"), ("same_predictions", "\(same)")])
}
