// swift-tools-version:6.0
import PackageDescription
import Foundation


// Module layering (arrows = imports, one way only); see ARCHITECTURE.md.
//   rednas (CLI) ─► RedNASCore ─► Evolution, CellSpace, Networks, Redundancy, Datasets, ConfigKit
//   rednas ─► ActivationFiles ─► Redundancy, Persistence
//   Networks ─► NeuralNet ─► TensorEngine ─► COpenBLAS
/// CI builds with REDNAS_WARNINGS_AS_ERRORS=1: a warning in the project's own targets fails the build
/// (the flag is set per target, so the dependencies' warnings do not count).
let warningsAsErrors: [SwiftSetting] =
    ProcessInfo.processInfo.environment["REDNAS_WARNINGS_AS_ERRORS"] == nil ? [] : [.unsafeFlags(["-warnings-as-errors"])]
let v6: [SwiftSetting] = [.swiftLanguageMode(.v6)] + warningsAsErrors

/// The numeric kernels' vector code is written for 8 floats at a time (SIMD8). Swift's default
/// x86-64 target has only 4-float SSE registers; when the building machine has AVX2 and FMA (the
/// Haswell feature set), the numeric targets are compiled for it, as `-march=native` would.
/// Measured on the 2-core EPYC (README, Performance): about 6% more training img/s on the full
/// network. With it comes `REDNAS_FMA`: the kernels' multiply-adds become fused instructions
/// (`MultiplyAdd.swift`; +11–17 % C8 N1 training, measured interleaved). The binary then needs
/// such a CPU: set REDNAS_PORTABLE=1 to build for any x86-64
/// (SwiftPM caches the manifest: add `--manifest-cache none` when switching).
let hostVectorFlags: [SwiftSetting] = {
    #if os(Linux) && arch(x86_64)
    guard ProcessInfo.processInfo.environment["REDNAS_PORTABLE"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    let haswell = ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "abm", "movbe", "popcnt", "pclmulqdq",
                   "rdrand", "fsgsbase", "xsave", "xsaveopt", "sse4_2", "cx16", "lahf_lm"]
    guard haswell.allSatisfy(flags.contains) else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"]), .define("REDNAS_FMA")]
    #else
    return []
    #endif
}()
let numeric = v6 + hostVectorFlags

let package = Package(
    name: "RedNAS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rednas", targets: ["rednas"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // postgres-nio's own dependencies, named because PostgresStore imports their modules.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Leaves: pure value types and algorithms.
        .target(name: "Randomness", swiftSettings: v6),
        .target(name: "ConfigKit", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: v6),
        .target(name: "CellSpace", dependencies: ["Randomness"], swiftSettings: v6),
        .target(name: "Evolution", dependencies: ["Randomness"], swiftSettings: v6),
        .target(name: "Datasets", dependencies: ["Randomness", "CZlib"], swiftSettings: v6),
        .target(name: "Persistence", swiftSettings: v6),
        .target(name: "Statistics", dependencies: ["Randomness"], swiftSettings: v6),

        // Numerics. CKernels: CPUID and the vector kernels compiled per instruction set.
        .target(name: "CKernels", path: "Sources/CKernels"),
        .target(name: "TensorEngine", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: numeric),
        .target(name: "NeuralNet", dependencies: ["TensorEngine", "Randomness"], swiftSettings: v6),
        .target(name: "Networks", dependencies: ["NeuralNet", "TensorEngine", "CellSpace", "Randomness"], swiftSettings: v6),
        .target(name: "Redundancy", dependencies: ["TensorEngine"], swiftSettings: numeric),
        // Activation files from other frameworks (safetensors) → the Redundancy path.
        .target(name: "ActivationFiles", dependencies: ["Redundancy", "Persistence"], swiftSettings: v6),

        // Run vocabulary and the modules above it (see ARCHITECTURE.md).
        .target(name: "RunModel", dependencies: ["CellSpace", "Evolution", "Persistence"], swiftSettings: v6),
        .target(name: "Configuration", dependencies: ["ConfigKit", "Evolution", "CellSpace"], swiftSettings: v6),
        .target(name: "Training", dependencies: [
            "CKernels", "CellSpace", "Configuration", "Datasets", "Networks", "NeuralNet", "Persistence", "Randomness",
            "Redundancy", "RunModel", "TensorEngine",
        ], swiftSettings: v6),
        .target(name: "Search", dependencies: [
            "CellSpace", "ConfigKit", "Configuration", "Evolution", "Persistence", "Randomness", "RunModel",
        ], swiftSettings: v6),
        .target(name: "Reports", dependencies: [
            "CellSpace", "Evolution", "Persistence", "Redundancy", "RunModel", "Search",
        ], swiftSettings: v6),
        // Studies: many searches per method, final re-training, statistics (no tensors).
        .target(name: "Study", dependencies: [
            "CellSpace", "ConfigKit", "Configuration", "Evolution", "Persistence", "Reports", "RunModel", "Search",
            "Statistics",
        ], swiftSettings: v6),
        .target(name: "Benchmark", dependencies: [
            "CellSpace", "Networks", "NeuralNet", "Persistence", "Randomness", "Redundancy", "TensorEngine", "Datasets",
        ], swiftSettings: v6),
        // The search in a PostgreSQL database: many workers on many machines (README, "Search on a cluster").
        .target(name: "PostgresStore", dependencies: [
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            "CellSpace", "Persistence", "RunModel", "Search",
        ], swiftSettings: v6),
        .target(name: "RedNASCore", dependencies: [
            "CellSpace", "ConfigKit", "Configuration", "Evolution", "Persistence", "PostgresStore", "Redundancy", "Reports",
            "RunModel", "Search", "Study", "Training", "Datasets",
        ], swiftSettings: v6),
        .executableTarget(name: "rednas", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"), "Benchmark",
            "Configuration", "Persistence", "PostgresStore", "RedNASCore", "Reports", "RunModel",
            "Search", "Study", "Training", "ActivationFiles",
        ], swiftSettings: v6),

        // Benchmarks that are not `rednas bench` cases (Benchmarks/, see README "Performance").
        .executableTarget(name: "msrs-batch-bench", dependencies: ["Randomness", "Redundancy", "TensorEngine"],
                          path: "Benchmarks/MSRSBatch", swiftSettings: v6),

        .executableTarget(name: "coordination-bench", dependencies: [
            "CellSpace", "Configuration", "PostgresStore", "RunModel", "Search",
        ], path: "Benchmarks/Coordination", swiftSettings: v6),

        // Oracles and test doubles (finite differences, naive kernels, fake evaluators).
        .target(name: "TestSupport", dependencies: ["TensorEngine", "Randomness", "Evolution"],
                path: "Tests/TestSupport", swiftSettings: v6),

        .testTarget(name: "ActivationFilesTests", dependencies: [
            "ActivationFiles", "Persistence", "Redundancy",
        ], swiftSettings: v6),
        .testTarget(name: "CLITests", dependencies: ["rednas"], swiftSettings: v6),
        .testTarget(name: "CellSpaceTests", dependencies: ["CellSpace", "Persistence", "Randomness"], swiftSettings: v6),
        .testTarget(name: "ConfigKitTests", dependencies: ["ConfigKit"], swiftSettings: v6),
        .testTarget(name: "ConfigurationTests", dependencies: [
            "ConfigKit", "Configuration", "Evolution",
        ], swiftSettings: v6),
        .testTarget(name: "DatasetsTests", dependencies: ["CZlib", "Datasets", "Randomness"], swiftSettings: v6),
        .testTarget(name: "EvolutionTests", dependencies: [
            "Evolution", "Randomness", "TestSupport",
        ], swiftSettings: v6),
        .testTarget(name: "NetworksTests", dependencies: [
            "CellSpace", "Networks", "NeuralNet", "Randomness", "TensorEngine", "TestSupport",
        ], swiftSettings: v6),
        .testTarget(name: "NeuralNetTests", dependencies: [
            "NeuralNet", "Randomness", "TensorEngine",
        ], swiftSettings: v6),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence"], swiftSettings: v6),
        .testTarget(name: "PostgresStoreTests", dependencies: [
            "PostgresStore", .product(name: "PostgresNIO", package: "postgres-nio"),
        ], swiftSettings: v6),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"], swiftSettings: v6),
        .testTarget(name: "RedundancyTests", dependencies: [
            "Randomness", "Redundancy",
        ], swiftSettings: v6),
        .testTarget(name: "ReportsTests", dependencies: [
            "CellSpace", "Configuration", "Evolution", "Randomness", "Redundancy", "Reports", "RunModel",
            "Search", "TestSupport",
        ], swiftSettings: v6),
        .testTarget(name: "StatisticsTests", dependencies: ["Randomness", "Statistics"], swiftSettings: v6),
        .testTarget(name: "StudyTests", dependencies: [
            "CellSpace", "ConfigKit", "Persistence", "RunModel", "Search", "Study",
        ], swiftSettings: v6),
        .testTarget(name: "SearchTests", dependencies: [
            "CellSpace", "Configuration", "Evolution", "Persistence", "Randomness", "RunModel", "Search",
        ], swiftSettings: v6),
        .testTarget(name: "TensorEngineTests", dependencies: [
            "Randomness", "TensorEngine", "TestSupport",
        ], swiftSettings: v6),
        .testTarget(name: "TrainingTests", dependencies: [
            "CellSpace", "Datasets", "Networks", "NeuralNet", "Persistence", "Randomness", "Redundancy",
            "RunModel", "TensorEngine", "Training", "ConfigKit", "Configuration",
        ], swiftSettings: v6),
    ]
)
