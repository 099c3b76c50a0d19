import CellSpace

/// A named network configuration of the throughput benchmark (the PyTorch peer uses the same names).
package struct BenchmarkCase: Hashable, Sendable, CustomStringConvertible {
    package let name: String
    /// NATS topology index of the cell in every searchable position.
    package let architectureIndex: Int
    package let channels: Int
    package let cellsPerStage: Int

    /// `top_C16N5` (arch 9930, C=16, N=5), `conv3_C16N5` (arch 1462, all 3×3 convs), `top_C8N1`.
    package static let all = [
        BenchmarkCase(name: "top_C16N5", architectureIndex: 9930, channels: 16, cellsPerStage: 5),
        BenchmarkCase(name: "conv3_C16N5", architectureIndex: 1462, channels: 16, cellsPerStage: 5),
        BenchmarkCase(name: "top_C8N1", architectureIndex: 9930, channels: 8, cellsPerStage: 1),
    ]

    package static func named(_ name: String) -> BenchmarkCase? { all.first { $0.name == name } }

    package var description: String { name }

    /// CIFAR-sized input (3×32×32), 10 classes.
    package func networkSpec() throws -> NetworkSpec {
        try NetworkSpec(channels: channels, cells: cellsPerStage, classes: 10, inputChannels: 3, inputSize: 32)
    }

    package func cell() throws -> Cell { try Cell(index: architectureIndex) }
}
