/// Everything `rednas arch` reports about one cell in one network shape, as a Codable value
/// (JSON keys in snake_case; `params` and `flops` are exact integer counts).
public struct ArchitectureSummary: Codable, Hashable, Sendable {
    public struct Edge: Codable, Hashable, Sendable {
        public let index: Int
        public let target: Int
        public let source: Int
        public let op: String
    }

    public let index: Int
    public let arch: String
    public let canonical: String
    public let valid: Bool
    /// Trainable scalars (exact).
    public let params: Int
    /// FLOPs per image (exact).
    public let flops: Int
    /// `params` in millions (the benchmark reports 6 decimals, which is exact).
    public let paramsM: Double
    /// `flops` in millions, rounded to 4 decimals as the benchmark reports it.
    public let flopsM: Double
    public let edges: [Edge]
    /// Number of edges per operation name (all five names present).
    public let operationCounts: [String: Int]
    public let channels: Int
    /// Cells per stage when all stages agree, else `nil` (see `cellsPerStage`).
    public let cells: Int?
    public let cellsPerStage: [Int]
    public let classes: Int
    public let inputChannels: Int
    public let inputSize: Int

    private enum CodingKeys: String, CodingKey {
        case index, arch, canonical, valid, params, flops
        case paramsM = "params_m", flopsM = "flops_m", edges
        case operationCounts = "operation_counts", channels, cells
        case cellsPerStage = "cells_per_stage", classes
        case inputChannels = "input_channels", inputSize = "input_size"
    }

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
