/// Everything `rednas arch` reports about one cell in one network shape, as a Codable value
/// (JSON keys in snake_case; `params` and `flops` are exact integer counts).
public struct ArchitectureSummary: Codable, Hashable, Sendable {
    /// One of the six edges with its operation.
    public struct Edge: Codable, Hashable, Sendable {
        /// Position in string order (0 … 5).
        public let index: Int
        /// The node the edge feeds.
        public let target: Int
        /// The node the edge starts from.
        public let source: Int
        /// The operation's name, e.g. `nor_conv_3x3`.
        public let op: String
    }

    /// The benchmark index (0 … 15,624).
    public let index: Int
    /// The NATS architecture string.
    public let arch: String
    /// The canonical form's string (equivalent cells share it).
    public let canonical: String
    /// Whether the cell connects its input to its output.
    public let valid: Bool
    /// Trainable scalars (exact).
    public let params: Int
    /// FLOPs per image (exact).
    public let flops: Int
    /// `params` in millions (the benchmark reports 6 decimals, which is exact).
    public let paramsM: Double
    /// `flops` in millions, rounded to 4 decimals as the benchmark reports it.
    public let flopsM: Double
    /// The six edges in string order.
    public let edges: [Edge]
    /// Number of edges per operation name (all five names present).
    public let operationCounts: [String: Int]
    /// Channels C of the first stage.
    public let channels: Int
    /// Cells per stage when all stages agree, else `nil` (see `cellsPerStage`).
    public let cells: Int?
    /// Cells in each of the three stages.
    public let cellsPerStage: [Int]
    /// Number of classes (logits).
    public let classes: Int
    /// Channels of the input images.
    public let inputChannels: Int
    /// Side of the square input images.
    public let inputSize: Int

    private enum CodingKeys: String, CodingKey {
        case index, arch, canonical, valid, params, flops
        case paramsM = "params_m", flopsM = "flops_m", edges
        case operationCounts = "operation_counts", channels, cells
        case cellsPerStage = "cells_per_stage", classes
        case inputChannels = "input_channels", inputSize = "input_size"
    }

    /// The summary of `cell` in the network shape `network`.
    public init(cell: Cell, network: NetworkSpec) {
        index = cell.index
        arch = cell.architectureString
        canonical = cell.canonicalString
        valid = cell.isValid
        params = network.parameterCount(for: cell)
        flops = network.flops(for: cell)
        paramsM = Double(params) / 1e6  // already exact to 6 decimals
        flopsM = (Double(flops) / 1e6 * 1e4).rounded() / 1e4
        edges = Cell.edges.enumerated().map { e, edge in
            Edge(index: e, target: edge.target, source: edge.source, op: cell[edge: e].rawValue)
        }
        operationCounts = Dictionary(uniqueKeysWithValues: cell.operationCounts.map { ($0.key.rawValue, $0.value) })
        channels = network.channels
        cells = Set(network.cellsPerStage).count == 1 ? network.cellsPerStage[0] : nil
        cellsPerStage = network.cellsPerStage
        classes = network.classes
        inputChannels = network.inputChannels
        inputSize = network.inputSize
    }
}
