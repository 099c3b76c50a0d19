import Foundation

/// The shape of a NATS-Bench `TinyNetwork` (spec §3), independent of any tensors:
/// stem conv (input channels → C) + BN; stage 1 of cells at C; reduction C→2C; stage 2 at 2C;
/// reduction 2C→4C; stage 3 at 4C; head BN → ReLU → global average pool → linear.
///
/// The benchmark uses N = 5 cells in each stage; `cellsPerStage` may differ per stage (pruned
/// networks). Spatial size halves at each reduction, so the input size must be a multiple of 4.
public struct NetworkSpec: Hashable, Sendable {
    /// C, the channel count of stage 1 (stages 2 and 3 use 2C and 4C).
    public let channels: Int
    /// Number of searchable cells in stages 1, 2, 3 (3 entries, each ≥ 0).
    public let cellsPerStage: [Int]
    /// Output classes of the linear classifier.
    public let classes: Int
    /// Image channels entering the stem: 1 (grayscale) or 3 (RGB).
    public let inputChannels: Int
    /// Input height = width in pixels; a positive multiple of 4.
    public let inputSize: Int

    /// The largest shape accepted. Far beyond anything trainable here (C = 16, N = 5, 32 pixels is
    /// the benchmark), they keep every count finite: with C ≤ 4096, ≤ 1000 cells a stage and 1024
    /// pixels a side, the FLOPs of a network stay below 3·10¹⁸ (< Int.max ≈ 9.2·10¹⁸), so the
    /// parameter and FLOP sums cannot overflow, and a stage list of 1000 cells is built at once.
    public enum Limits {
        /// The most stage-1 channels C.
        public static let channels = 4096
        /// The most cells in one stage.
        public static let cellsPerStage = 1000
        /// The most output classes.
        public static let classes = 100_000
        /// The largest input height = width, in pixels.
        public static let inputSize = 1024
    }

    /// Throws `NetworkSpecError` naming the bad field unless 1 ≤ C ≤ 4096, 3 stage counts in
    /// 0...1000, 1 ≤ classes ≤ 100,000, input channels 1 or 3, and input size a multiple of 4 in
    /// 4...1024 (see `Limits`).
    public init(channels: Int = 16, cellsPerStage: [Int] = [5, 5, 5], classes: Int = 10,
                inputChannels: Int = 3, inputSize: Int = 32) throws {
        guard (1...Limits.channels).contains(channels) else {
            throw NetworkSpecError.invalid(field: "channels", value: "\(channels)", requirement: "between 1 and \(Limits.channels)")
        }
        guard cellsPerStage.count == 3, cellsPerStage.allSatisfy({ (0...Limits.cellsPerStage).contains($0) }) else {
            throw NetworkSpecError.invalid(field: "cells per stage", value: "\(cellsPerStage)",
                                           requirement: "3 counts (one per stage), each between 0 and \(Limits.cellsPerStage)")
        }
        guard (1...Limits.classes).contains(classes) else {
            throw NetworkSpecError.invalid(field: "classes", value: "\(classes)", requirement: "between 1 and \(Limits.classes)")
        }
        guard inputChannels == 1 || inputChannels == 3 else {
            throw NetworkSpecError.invalid(field: "input channels", value: "\(inputChannels)", requirement: "1 (grayscale) or 3 (RGB)")
        }
        guard inputSize >= 4, inputSize <= Limits.inputSize, inputSize % 4 == 0 else {
            throw NetworkSpecError.invalid(field: "input size", value: "\(inputSize)",
                                           requirement: "a multiple of 4 (the two reductions halve it) between 4 and \(Limits.inputSize)")
        }
        self.channels = channels
        self.cellsPerStage = cellsPerStage
        self.classes = classes
        self.inputChannels = inputChannels
        self.inputSize = inputSize
    }

    /// The same with N cells in every stage.
    public init(channels: Int = 16, cells: Int, classes: Int = 10, inputChannels: Int = 3,
                inputSize: Int = 32) throws {
        try self.init(channels: channels, cellsPerStage: [cells, cells, cells], classes: classes,
                      inputChannels: inputChannels, inputSize: inputSize)
    }

    private init(known channels: Int, cells: Int, classes: Int, inputChannels: Int, inputSize: Int) {
        self.channels = channels
        cellsPerStage = [cells, cells, cells]
        self.classes = classes
        self.inputChannels = inputChannels
        self.inputSize = inputSize
    }

    /// The benchmark's CIFAR-10 network: C 16, N 5, 10 classes, 3×32×32.
    public static let cifar10 = NetworkSpec(known: 16, cells: 5, classes: 10, inputChannels: 3, inputSize: 32)
    /// The benchmark's CIFAR-100 network: 100 classes, 3×32×32.
    public static let cifar100 = NetworkSpec(known: 16, cells: 5, classes: 100, inputChannels: 3, inputSize: 32)
    // swift-format-ignore: AlwaysUseLowerCamelCase
    /// The benchmark's ImageNet16-120 network: 120 classes, 3×16×16.
    public static let imageNet16_120 = NetworkSpec(known: 16, cells: 5, classes: 120, inputChannels: 3, inputSize: 16)
    /// The same skeleton for Fashion-MNIST: 10 classes, 1×28×28.
    public static let fashionMNIST = NetworkSpec(known: 16, cells: 5, classes: 10, inputChannels: 1, inputSize: 28)

    /// Channels of stages 1, 2, 3: C, 2C, 4C.
    public var stageChannels: [Int] { [channels, 2 * channels, 4 * channels] }
    /// Feature-map side of stages 1, 2, 3: S, S/2, S/4.
    public var stageSizes: [Int] { [inputSize, inputSize / 2, inputSize / 4] }
    /// Number of searchable cells (3N for the benchmark).
    public var searchableCellCount: Int { cellsPerStage.reduce(0, +) }
    /// Number of body blocks: searchable cells plus the 2 reductions (3N + 2).
    public var bodyBlockCount: Int { searchableCellCount + 2 }
}

// Encodes field by field; decoding validates like the throwing initialiser.
extension NetworkSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case channels, cellsPerStage = "cells_per_stage", classes
        case inputChannels = "input_channels", inputSize = "input_size"
    }

    /// Decodes the snake_case keys and validates like the memberwise initialiser.
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the invalid field.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(channels: c.decode(Int.self, forKey: .channels),
                          cellsPerStage: c.decode([Int].self, forKey: .cellsPerStage),
                          classes: c.decode(Int.self, forKey: .classes),
                          inputChannels: c.decode(Int.self, forKey: .inputChannels),
                          inputSize: c.decode(Int.self, forKey: .inputSize))
        } catch let error as NetworkSpecError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes the five fields under their snake_case keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channels, forKey: .channels)
        try c.encode(cellsPerStage, forKey: .cellsPerStage)
        try c.encode(classes, forKey: .classes)
        try c.encode(inputChannels, forKey: .inputChannels)
        try c.encode(inputSize, forKey: .inputSize)
    }
}

/// A network shape that cannot be built.
public enum NetworkSpecError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case invalid(field: String, value: String, requirement: String)

    /// The field, its value and what it must be.
    public var description: String {
        switch self {
        case .invalid(let field, let value, let requirement):
            return "invalid network \(field) \(value): it must be \(requirement)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
