import Datasets
import Foundation
import NeuralNet

/// The training protocol of one candidate (NATS-Bench spec §5 by default): SGD with Nesterov
/// momentum, weight decay on every parameter, batch 256, per-epoch cosine learning rate
/// lr(e) = ½·lr₀·(1 + cos(π·e/T)), plain mean cross-entropy.
package struct TrainingRecipe: Codable, Equatable, Sendable {
    package var epochs: Int
    package var batchSize: Int
    package var learningRate: Double
    package var momentum: Double
    package var nesterov: Bool
    package var weightDecay: Double
    /// Batch size of the evaluation passes (no effect on results, only on speed and memory).
    package var evaluationBatchSize: Int
    /// `true` (default): per-epoch cosine decay; `false`: the initial rate throughout.
    package var cosineSchedule: Bool = true

    package init(epochs: Int, batchSize: Int = 256, learningRate: Double = 0.1, momentum: Double = 0.9,
                nesterov: Bool = true, weightDecay: Double = 5e-4, evaluationBatchSize: Int = 500) {
        self.epochs = epochs; self.batchSize = batchSize; self.learningRate = learningRate
        self.momentum = momentum; self.nesterov = nesterov; self.weightDecay = weightDecay
        self.evaluationBatchSize = evaluationBatchSize
    }

    /// Throws `TrainingError.invalidRecipe` naming the first bad field.
    package func validate() throws {
        func bad(_ field: String, _ value: Any, _ requirement: String) -> TrainingError {
            .invalidRecipe("\(field) \(value) must be \(requirement)")
        }
        guard epochs >= 1 else { throw bad("epochs", epochs, "at least 1") }
        guard batchSize >= 2 else { throw bad("batch size", batchSize, "at least 2 (batch norm needs 2 images)") }
        guard evaluationBatchSize >= 1 else { throw bad("evaluation batch size", evaluationBatchSize, "at least 1") }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("learning rate", learningRate, "a positive number") }
        guard momentum.isFinite, (0..<1).contains(momentum) else { throw bad("momentum", momentum, "in [0, 1)") }
        guard !nesterov || momentum > 0 else { throw bad("momentum", momentum, "positive with Nesterov") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw bad("weight decay", weightDecay, "≥ 0") }
    }

    /// The learning rate of epoch `epoch` (0-based).
    package func learningRate(epoch: Int) -> Float {
        guard cosineSchedule else { return Float(learningRate) }
        return CosineSchedule(baseLearningRate: learningRate, totalEpochs: epochs).learningRate(epoch: epoch)
    }
}
