// swift-tools-version: 6.2
//
// Learn: scikit-learn-style machine learning and hyperparameter search in pure Swift.
// No package dependencies: only the toolchain's own modules.

import PackageDescription
import class Foundation.ProcessInfo
import struct Foundation.Data
import class Foundation.FileManager

/// Numeric kernels are built for AVX2 + FMA (or AVX-512) when the building machine has them
/// (x86-64 Linux, read from /proc/cpuinfo) and the environment does not say `LEARN_PORTABLE=1`. Without
/// `-target-cpu`, `SIMD.addProduct` lowers to a libm call, so the fused kernel is only compiled
/// in (`LEARN_FMA`) together with the flag. See Docs/Architecture.md, "Numeric builds".
func kernelSettings() -> [SwiftSetting] {
  let environment = ProcessInfo.processInfo.environment
  if environment["LEARN_PORTABLE"] != nil { return [] }
  guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo"),
        let text = String(data: data, encoding: .utf8),
        let flagsLine = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return [] }
  let flags = Set(flagsLine.split(separator: " ").map(String.init))
  guard flags.contains("avx2"), flags.contains("fma") else { return [] }
  // AVX-512 (foundation, double-word and vector-length instructions, as Skylake-X): the GEMM
  // micro-kernel widens to 8 × 24 with the same arithmetic. `LEARN_NO_AVX512=1` keeps AVX2.
  if environment["LEARN_NO_AVX512"] == nil, flags.contains("avx512f"), flags.contains("avx512dq"), flags.contains("avx512vl") {
    return [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("LEARN_FMA"), .define("LEARN_AVX512")]
  }
  return [.unsafeFlags(["-target-cpu", "haswell"]), .define("LEARN_FMA")]
}

let kernels = kernelSettings()

let package = Package(
  name: "Learn",
  products: [
    .library(name: "Learn", targets: ["Learn"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "LearnCore", targets: ["LearnCore"]),
    .library(name: "Preprocessing", targets: ["Preprocessing"]),
    .library(name: "LinearModels", targets: ["LinearModels"]),
    .library(name: "SupportVectorMachines", targets: ["SupportVectorMachines"]),
    .library(name: "Trees", targets: ["Trees"]),
    .library(name: "NeuralNetworks", targets: ["NeuralNetworks"]),
    .library(name: "ModelSelection", targets: ["ModelSelection"]),
    .library(name: "LearnTestSupport", targets: ["LearnTestSupport"]),
    .executable(name: "learn", targets: ["LearnCLI"]),
  ],
  targets: [
    // MARK: Library modules
    .target(name: "LinearAlgebra", swiftSettings: kernels),
    .target(name: "LearnCore", dependencies: ["LinearAlgebra"], swiftSettings: kernels),
    .target(name: "Preprocessing", dependencies: ["LearnCore"], swiftSettings: kernels),
    .target(name: "LinearModels", dependencies: ["LearnCore"], swiftSettings: kernels),
    .target(name: "SupportVectorMachines", dependencies: ["LearnCore"], swiftSettings: kernels),
    .target(name: "Trees", dependencies: ["LearnCore"], swiftSettings: kernels),
    .target(name: "NeuralNetworks", dependencies: ["LearnCore"], swiftSettings: kernels),
    .target(name: "ModelSelection", dependencies: ["LearnCore", "Preprocessing"], swiftSettings: kernels),
    .target(
      name: "Learn",
      dependencies: [
        "LinearAlgebra", "LearnCore", "Preprocessing", "LinearModels", "SupportVectorMachines", "Trees",
        "NeuralNetworks", "ModelSelection",
      ]),

    // MARK: Tools
    .executableTarget(name: "LearnCLI", dependencies: ["Learn"]),
    .executableTarget(name: "Benchmarks", dependencies: ["Learn"], swiftSettings: kernels),
    .target(name: "LearnTestSupport", dependencies: ["Learn"]),

    // MARK: Tests
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "LearnTestSupport"]),
    .testTarget(name: "LearnCoreTests", dependencies: ["LearnCore", "LearnTestSupport"]),
    .testTarget(name: "PreprocessingTests", dependencies: ["Preprocessing", "LearnTestSupport"]),
    .testTarget(name: "LinearModelsTests", dependencies: ["LinearModels", "LearnTestSupport"]),
    .testTarget(name: "SupportVectorMachinesTests", dependencies: ["SupportVectorMachines", "LearnTestSupport"]),
    .testTarget(name: "TreesTests", dependencies: ["Trees", "LearnTestSupport"]),
    .testTarget(name: "NeuralNetworksTests", dependencies: ["NeuralNetworks", "LearnTestSupport"]),
    .testTarget(name: "ModelSelectionTests", dependencies: ["ModelSelection", "LearnTestSupport"]),
    // Depends on the `learn` executable so `swift test` builds it: its tests run it as a subprocess.
    .testTarget(name: "LearnTests", dependencies: ["Learn", "LearnTestSupport", "LearnCLI"]),
  ]
)

// Fuzz targets (libFuzzer), only with LEARN_FUZZ=1, so the normal build never sees them: see
// .ci/fuzz and Docs/Reliability.md.
if ProcessInfo.processInfo.environment["LEARN_FUZZ"] == "1" {
  package.targets.append(.executableTarget(name: "LearnFuzz", dependencies: ["Learn"]))
  package.products.append(.executable(name: "learn-fuzz", targets: ["LearnFuzz"]))
}
