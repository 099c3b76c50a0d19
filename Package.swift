// swift-tools-version:6.0
import PackageDescription

// Module layering (arrows = imports, one way only); see ARCHITECTURE.md.
//   rednas (CLI) ─► RedNASCore ─► Evolution, CellSpace, Networks, Redundancy, Datasets, ConfigKit
//   Networks ─► NeuralNet ─► TensorEngine ─► COpenBLAS
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "RedNAS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rednas", targets: ["rednas"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Leaves: pure value types and algorithms.
        .target(name: "Randomness", swiftSettings: v5),
        .target(name: "ConfigKit", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: v5),
        .target(name: "CellSpace", dependencies: ["Randomness"], swiftSettings: v5),
        .target(name: "Evolution", dependencies: ["Randomness"], swiftSettings: v5),
        .target(name: "Datasets", dependencies: ["Randomness", "CZlib"], swiftSettings: v5),

        // Numerics.
        .target(name: "TensorEngine", dependencies: ["COpenBLAS", "Randomness"], swiftSettings: v5),
        .target(name: "NeuralNet", dependencies: ["TensorEngine", "Randomness"], swiftSettings: v5),
        .target(name: "Networks", dependencies: ["NeuralNet", "TensorEngine", "CellSpace"], swiftSettings: v5),
        .target(name: "Redundancy", dependencies: ["TensorEngine"], swiftSettings: v5),

        // Wiring and CLI.
        .target(name: "RedNASCore", dependencies: [
            "Randomness", "ConfigKit", "CellSpace", "Evolution", "Datasets",
            "TensorEngine", "NeuralNet", "Networks", "Redundancy",
        ], swiftSettings: v5),
        .executableTarget(name: "rednas", dependencies: [
            "RedNASCore", "CellSpace", "Datasets", "Redundancy", "ConfigKit", "NeuralNet", "TensorEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: v5),

        // Oracles and test doubles (finite differences, naive kernels, fake evaluators).
        .target(name: "TestSupport", dependencies: ["TensorEngine", "Randomness", "Evolution"],
                path: "Tests/TestSupport", swiftSettings: v5),

        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"], swiftSettings: v5),
        .testTarget(name: "ConfigKitTests", dependencies: ["ConfigKit"], swiftSettings: v5),
        .testTarget(name: "CellSpaceTests", dependencies: ["CellSpace", "Randomness"], swiftSettings: v5),
        .testTarget(name: "EvolutionTests", dependencies: ["Evolution", "Randomness", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Randomness"], swiftSettings: v5),
        .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine", "Randomness", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorEngine", "Randomness", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "NeuralNet", "TensorEngine", "CellSpace", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "RedundancyTests", dependencies: ["Redundancy", "TensorEngine", "Randomness"], swiftSettings: v5),
        .testTarget(name: "RedNASCoreTests", dependencies: ["RedNASCore", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "CLITests", dependencies: ["rednas"], swiftSettings: v5),
    ]
)
