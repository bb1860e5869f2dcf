// swift-tools-version:6.0
import PackageDescription

// edgec: a compiler from TensorFlow Lite models to static C for Cortex-M.
// The module graph mirrors the pipeline (see DESIGN.md): only `edgec` knows
// about the command line; the libraries know nothing of it.
let package = Package(
  name: "edgec",
  products: [
    .executable(name: "edgec", targets: ["edgec"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "EdgeCore"),
    .target(name: "EdgeImport", dependencies: ["EdgeCore"]),
    // LAPACKE for the low-rank pass's SVD. On Debian liblapacke must be
    // linked explicitly: the module map's `link` alone does not reach the link.
    .systemLibrary(name: "CLapacke", path: "Sources/CLapacke"),
    .target(
      name: "EdgePasses", dependencies: ["EdgeCore", "CLapacke"],
      linkerSettings: [.linkedLibrary("lapacke"), .linkedLibrary("openblas")]),
    .target(name: "EdgePlan", dependencies: ["EdgeCore"]),
    .target(name: "EdgeReference", dependencies: ["EdgeCore"]),
    .target(name: "EdgeTargets", dependencies: ["EdgeCore"]),
    .target(name: "EdgeExport", dependencies: ["EdgeCore", "EdgeImport"]),
    // Compression that needs calibration data: low rank whitened by layer
    // inputs, int8 quantization, the flash-budget search (runs the reference).
    .target(name: "EdgeCompression", dependencies: ["EdgeCore", "EdgePasses", "EdgeReference"]),
    .target(
      name: "EdgeCodegen",
      dependencies: ["EdgeCore", "EdgePasses", "EdgePlan", "EdgeReference", "EdgeTargets"]),
    .executableTarget(
      name: "edgec",
      dependencies: [
        "EdgeCore", "EdgeImport", "EdgePasses", "EdgePlan", "EdgeReference", "EdgeCodegen", "EdgeTargets",
        "EdgeExport", "EdgeCompression", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "EdgeCoreTests", dependencies: ["EdgeCore"]),
    .testTarget(name: "EdgeImportTests", dependencies: ["EdgeCore", "EdgeImport"]),
    .testTarget(name: "EdgePlanTests", dependencies: ["EdgeCore", "EdgePlan"]),
    .testTarget(
      name: "EdgeExportTests", dependencies: ["EdgeCore", "EdgeImport", "EdgeExport", "EdgeReference"]),
    .testTarget(
      name: "EdgePassesTests",
      dependencies: ["EdgeCore", "EdgeImport", "EdgePasses", "EdgeReference"]),
    .testTarget(
      name: "EdgeReferenceTests", dependencies: ["EdgeCore", "EdgeImport", "EdgeReference"]),
    .testTarget(
      name: "EdgeCodegenTests",
      dependencies: ["EdgeCore", "EdgeImport", "EdgePlan", "EdgeCodegen", "EdgeTargets"]),
    .testTarget(
      name: "EdgeTargetsTests", dependencies: ["EdgeCore", "EdgeImport", "EdgeCodegen", "EdgeTargets"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "EdgeCore", "EdgeImport", "EdgePasses", "EdgePlan", "EdgeReference", "EdgeCodegen", "EdgeTargets",
        "EdgeCompression",
      ]),
  ],
  swiftLanguageModes: [.v5]
)
