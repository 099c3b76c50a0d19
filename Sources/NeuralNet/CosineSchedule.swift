import Foundation
import TensorEngine

/// Per-epoch cosine annealing without warm-up: lr(e) = ½·lr₀·(1 + cos(π·e/T)), e = 0 … T−1
/// (NATS-Bench: lr₀ = 0.1, so lr(0) = 0.1 and the last epoch is just above 0).
public struct CosineSchedule: Codable, Equatable {
    /// lr₀, the learning rate of epoch 0.
    public let baseLearningRate: Double
    /// T, the number of epochs the cosine spans.
    public let totalEpochs: Int

    /// A schedule from `baseLearningRate` over `totalEpochs` epochs; `totalEpochs` must be positive.
    public init(baseLearningRate: Double, totalEpochs: Int) {
        precondition(totalEpochs > 0, "CosineSchedule needs at least one epoch")
        self.baseLearningRate = baseLearningRate
        self.totalEpochs = totalEpochs
    }

    /// Learning rate for epoch `epoch` (0-based), computed in Double then rounded to Float.
    public func learningRate(epoch: Int) -> Float {
        precondition(epoch >= 0, "epoch must be ≥ 0")
        return Float(0.5 * baseLearningRate * (1 + cos(Double.pi * Double(epoch) / Double(totalEpochs))))
    }
}
