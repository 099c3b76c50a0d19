import Foundation
import RunModel

/// What one epoch measured. Accuracies are top-1 in percent, losses mean cross-entropy.
/// Train figures are running averages over the epoch in train mode (as the reference logs them);
/// valid/test are evaluated after the epoch in eval mode.
package struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based.
    package var epoch: Int
    package var learningRate: Double
    package var trainLoss: Double
    package var trainAccuracy: Double
    package var validLoss: Double?
    package var validAccuracy: Double?
    package var testLoss: Double?
    package var testAccuracy: Double?
    /// Wall-clock seconds of the epoch's training steps (not evaluation); informational.
    package var seconds: Double
    /// Training throughput of the epoch; informational.
    package var imagesPerSecond: Double

    /// The same with the timing fields zeroed (what determinism and resume tests compare).
    package var withoutTiming: EpochMetrics {
        var copy = self
        copy.seconds = 0; copy.imagesPerSecond = 0
        return copy
    }
}

/// The outcome of a whole training run (possibly continued across resumes).
package struct TrainingResult: Codable, Equatable, Sendable {
    package var totalEpochs: Int
    /// One entry per finished epoch.
    package var history: [EpochMetrics]
    /// "diverged at epoch e, step s" (1-based) when the loss or the weights became NaN/Inf.
    package var diverged: String?

    /// The last epoch's metrics when training finished normally; nil after divergence.
    package var final: EpochMetrics? { diverged == nil ? history.last : nil }
    package var trainSeconds: Double { history.reduce(0) { $0 + $1.seconds } }
    /// Mean training throughput over the finished epochs.
    package var imagesPerSecond: Double? {
        let rated = history.filter { $0.seconds > 0 }
        guard !rated.isEmpty else { return nil }
        let images = rated.reduce(0.0) { $0 + $1.imagesPerSecond * $1.seconds }
        return images / rated.reduce(0.0) { $0 + $1.seconds }
    }

    /// The search's record of this run (MSRS fields left empty for the caller). A diverged run
    /// reports validation accuracy 0 so that any fitness ranks it last.
    package func candidateMetrics(params: Int, flops: Int, weights: String? = nil) -> CandidateMetrics {
        let last = final
        return CandidateMetrics(validAccuracy: last?.validAccuracy ?? 0, validLoss: last?.validLoss,
                                testAccuracy: last?.testAccuracy, testLoss: last?.testLoss,
                                trainAccuracy: last?.trainAccuracy, trainLoss: last?.trainLoss,
                                diverged: diverged, params: params, flops: flops, epochs: totalEpochs,
                                trainSeconds: trainSeconds, msrsSeconds: 0, weights: weights)
    }
}

/// How `Trainer.run` ended.
package enum TrainingOutcome: Equatable, Sendable {
    /// All epochs ran, or training diverged (see `TrainingResult.diverged`).
    case finished(TrainingResult)
    /// A stop was requested; `epochsCompleted` epochs are saved in the checkpoint (if any).
    case interrupted(epochsCompleted: Int)
}
