import CellSpace
import Foundation
import Networks
import Persistence
import Redundancy
import RunModel

/// Size, accuracy and redundancy of one network state in a pruning run.
package struct PruneSnapshot: Codable, Equatable {
    package var cellsPerStage: [Int]
    /// Trainable scalars (`NetworkSpec.parameterCount(for:)`).
    package var params: Int
    /// Multiply-accumulates of one forward pass (`NetworkSpec.flops(for:)`).
    package var flops: Int
    /// Top-1 test accuracy in percent and mean test loss (nil without a test split).
    package var testAccuracy: Double?
    package var testLoss: Double?
    /// MSRS and normalised MSRS on the config's MSRS images (nil when undefined).
    package var msrs: Double?
    package var msrsNormalized: Double?
    /// L, the number of activation taps MSRS scored.
    package var layers: Int

    enum CodingKeys: String, CodingKey {
        case cellsPerStage = "cells_per_stage", params, flops, testAccuracy = "test_accuracy", testLoss = "test_loss"
        case msrs, msrsNormalized = "msrs_normalized", layers
    }

    /// Encodes nil values as JSON null so every key is always present.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cellsPerStage, forKey: .cellsPerStage)
        try c.encode(params, forKey: .params)
        try c.encode(flops, forKey: .flops)
        try c.encode(testAccuracy, forKey: .testAccuracy)
        try c.encode(testLoss, forKey: .testLoss)
        try c.encode(msrs, forKey: .msrs)
        try c.encode(msrsNormalized, forKey: .msrsNormalized)
        try c.encode(layers, forKey: .layers)
    }
}

/// `prune.json`: what a similarity-guided pruning run kept, removed and measured.
package struct PruneReport: Codable, Equatable {
    package var arch: String
    package var index: Int
    /// Normal cells kept (K) out of the original count.
    package var keep: Int
    package var cellCount: Int
    /// Kept and removed normal cells, numbered as in the original network, with their similarity.
    package var kept: [PrunableCell]
    package var removed: [PrunableCell]
    /// The trained network, the pruned one before fine-tuning, and after fine-tuning.
    package var before: PruneSnapshot
    package var pruned: PruneSnapshot
    package var after: PruneSnapshot
    package var finetuneEpochs: Int
    /// Per-epoch fine-tuning figures (empty for 0 epochs).
    package var finetune: [EpochMetrics]
    /// Fine-tuning stopped on a non-finite loss or weight (the message), else nil.
    package var diverged: String?
    package var seconds: Double

    enum CodingKeys: String, CodingKey {
        case arch, index, keep, cellCount = "cell_count", kept, removed, before, pruned, after
        case finetuneEpochs = "finetune_epochs", finetune, diverged, seconds
    }

    /// Encodes nil values as JSON null so every key is always present.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(arch, forKey: .arch)
        try c.encode(index, forKey: .index)
        try c.encode(keep, forKey: .keep)
        try c.encode(cellCount, forKey: .cellCount)
        try c.encode(kept, forKey: .kept)
        try c.encode(removed, forKey: .removed)
        try c.encode(before, forKey: .before)
        try c.encode(pruned, forKey: .pruned)
        try c.encode(after, forKey: .after)
        try c.encode(finetuneEpochs, forKey: .finetuneEpochs)
        try c.encode(finetune, forKey: .finetune)
        try c.encode(diverged, forKey: .diverged)
        try c.encode(seconds, forKey: .seconds)
    }

    /// Pretty, key-sorted JSON.
    package func json() throws -> Data {
        try JSONStyle.document(self)
    }
}
