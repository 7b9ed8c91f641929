// libFuzzer targets for Learn's parsers, built only when the environment says LEARN_FUZZ=1 (see
// Package.swift and .ci/fuzz): the CSV reader, the model loader, the journal reader and the
// search-space JSON of `learn tune --space`. Every
// input must end in a value or a thrown LearnError: a crash, a trap or a sanitizer report is a bug.
//
// SwiftPM links an executable with its own `main`, so libFuzzer's is never run: this one picks
// the target from its first argument and hands the rest to `LLVMFuzzerRunDriver`, which calls
// the `LLVMFuzzerTestOneInput` entry below for every input.
//
//   LEARN_FUZZ=1 swift build -c release --product learn-fuzz -Xswiftc -sanitize=fuzzer,address
//   .build/release/learn-fuzz csv CORPUS_DIR -max_total_time=600

import Foundation
import Learn

/// The fuzz targets by name.
let targets: [String: @Sendable (Data) -> Void] = [
  "csv": fuzzCSV,
  "model": fuzzModel,
  "journal": fuzzJournal,
  "space": fuzzSpace,
]

/// The parser this process feeds, chosen once before fuzzing starts.
nonisolated(unsafe) var selected: @Sendable (Data) -> Void = { _ in }

/// The CSV reader: the table, then a classification and a regression dataset from its last
/// column, with missing values and categorical features allowed and refused.
@Sendable func fuzzCSV(_ data: Data) {
  let text = String(decoding: data, as: UTF8.self)
  for separator: Character in [",", ";"] {
    guard let table = try? CSVTable(parsing: text, separator: separator), let target = table.header.last else { continue }
    for missing in [MissingValuePolicy.reject, .allowAsNaN] {
      for categorical in [CategoricalPolicy.reject, .encode] {
        _ = try? Dataset<Int>(table: table, target: target, missingValues: missing, categoricalFeatures: categorical)
        _ = try? Dataset<Double>(table: table, target: target, missingValues: missing, categoricalFeatures: categorical)
      }
    }
  }
}

/// The model loader: any saved model, checked as it loads.
@Sendable func fuzzModel(_ data: Data) {
  _ = try? ModelFile.loadAny(from: data)
}

/// The journal reader, on the bytes as a journal's contents.
@Sendable func fuzzJournal(_ data: Data) {
  _ = try? JournalSnapshot(data: data, name: "fuzzed journal")
}

/// The search-space JSON of `learn tune --space`: the object, then every SPEC as an integer and
/// as a real hyperparameter's range.
@Sendable func fuzzSpace(_ data: Data) {
  guard let specs = try? SearchSpaceText.specifications(json: data, source: "fuzzed space") else { return }
  for (name, spec) in specs {
    _ = try? SearchSpaceText.distribution(spec, name: name, source: "fuzzed space", real: false)
    _ = try? SearchSpaceText.distribution(spec, name: name, source: "fuzzed space", real: true)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  selected(bytes.map { Data(bytes: $0, count: count) } ?? Data())
  return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

let arguments = CommandLine.arguments
guard arguments.count >= 2, let chosen = targets[arguments[1]] else {
  FileHandle.standardError.write(Data("usage: learn-fuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer options and corpus folders]\n".utf8))
  exit(2)
}
selected = chosen
// libFuzzer sees the program name and everything after the target's name.
var driverArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
var driverCount = Int32(driverArguments.count - 1)
let status = driverArguments.withUnsafeMutableBufferPointer { buffer in
  var base: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
  return LLVMFuzzerRunDriver(&driverCount, &base, fuzzOneInput)
}
exit(status)
