import CellSpace
import ConfigKit

/// The `network` section: the NATS-Bench skeleton's size (spec §3).
package struct NetworkConfig: Codable, Equatable, ConfigValidatable {
    /// Channels C of the first stage (then 2C, 4C). Benchmark: 16.
    package var channels: Int = 16
    /// Cells N per stage. Benchmark: 5.
    package var cells: Int = 5
    /// Cells per stage as [n1, n2, n3], overriding `cells` when given.
    package var cellsPerStage: [Int]? = nil

    enum CodingKeys: String, CodingKey { case channels, cells, cellsPerStage = "cells_per_stage" }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        channels = try c.decode(.channels, default: d.channels)
        cells = try c.decode(.cells, default: d.cells)
        cellsPerStage = try c.decodeIfPresent([Int].self, forKey: .cellsPerStage)
        try require(!(c.contains(.cells) && c.contains(.cellsPerStage)), "cells_per_stage",
                    "give either cells (N for every stage) or cells_per_stage ([n1, n2, n3]), not both", at: c)
    }

    // The resolved config writes the one of `cells` / `cells_per_stage` that is in force, so it
    // decodes again (both together are refused).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channels, forKey: .channels)
        if let cellsPerStage { try c.encode(cellsPerStage, forKey: .cellsPerStage) } else { try c.encode(cells, forKey: .cells) }
    }

    /// The cells of each of the three stages.
    package var stageCells: [Int] { cellsPerStage ?? [cells, cells, cells] }

    package func validate() throws {
        let maxChannels = NetworkSpec.Limits.channels, maxCells = NetworkSpec.Limits.cellsPerStage
        try require((1...maxChannels).contains(channels), "channels", "must be between 1 and \(maxChannels), found \(channels)")
        try require((1...maxCells).contains(cells), "cells", "must be between 1 and \(maxCells), found \(cells)")
        if let stages = cellsPerStage {
            try require(stages.count == 3, "cells_per_stage", "must list 3 values [n1, n2, n3], found \(stages.count)")
            for (index, n) in stages.enumerated() {
                try require((1...maxCells).contains(n), "cells_per_stage[\(index)]", "must be between 1 and \(maxCells), found \(n)")
            }
        }
    }
}

/// The `training` section: the benchmark's SGD protocol (spec §5).
package struct TrainingConfig: Codable, Equatable, ConfigValidatable {
    package enum Schedule: String, Codable, CaseIterable, ConfigEnumeration {
        /// lr(e) = lr/2 · (1 + cos(π e / T)), constant within an epoch (the benchmark's).
        case cosine
        /// lr throughout.
        case constant
    }

    /// Epochs T. The "12" proxy protocol: 12.
    package var epochs: Int = 12
    /// Mini-batch size. Benchmark: 256.
    package var batchSize: Int = 256
    /// Initial learning rate. Benchmark: 0.1.
    package var lr: Double = 0.1
    /// SGD momentum. Benchmark: 0.9.
    package var momentum: Double = 0.9
    /// Nesterov momentum. Benchmark: true.
    package var nesterov: Bool = true
    /// L2 weight decay on all parameters. Benchmark: 5e-4.
    package var weightDecay: Double = 5e-4
    /// Learning-rate schedule: `cosine` or `constant`.
    package var schedule: Schedule = .cosine

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", lr, momentum, nesterov, weightDecay = "weight_decay", schedule
    }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        epochs = try c.decode(.epochs, default: d.epochs)
        batchSize = try c.decode(.batchSize, default: d.batchSize)
        lr = try c.decode(.lr, default: d.lr)
        momentum = try c.decode(.momentum, default: d.momentum)
        nesterov = try c.decode(.nesterov, default: d.nesterov)
        weightDecay = try c.decode(.weightDecay, default: d.weightDecay)
        schedule = try c.decode(.schedule, default: d.schedule)
    }

    package func validate() throws {
        try require(epochs >= 1, "epochs", "must be at least 1, found \(epochs)")
        try require(batchSize >= 1, "batch_size", "must be at least 1, found \(batchSize)")
        try require(lr > 0, "lr", "must be > 0, found \(lr)")
        try require((0..<1).contains(momentum), "momentum", "must be in [0, 1), found \(momentum)")
        try require(!nesterov || momentum > 0, "nesterov", "needs momentum > 0")
        try require(weightDecay >= 0, "weight_decay", "must be ≥ 0, found \(weightDecay)")
    }
}
