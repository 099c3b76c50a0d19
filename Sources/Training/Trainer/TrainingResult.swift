import Foundation
import RunModel

/// What one epoch measured. Accuracies are top-1 in percent, losses mean cross-entropy.
/// Train figures are running averages over the epoch in train mode (as the reference logs them);
/// valid/test are evaluated after the epoch in eval mode.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based.
    public var epoch: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validLoss: Double?
    public var validAccuracy: Double?
    public var testLoss: Double?
    public var testAccuracy: Double?
    /// Wall-clock seconds of the epoch's training steps (not evaluation); informational.
    public var seconds: Double
    /// Training throughput of the epoch; informational.
    public var imagesPerSecond: Double

    /// The same with the timing fields zeroed (what determinism and resume tests compare).
    public var withoutTiming: EpochMetrics {
        var copy = self
        copy.seconds = 0; copy.imagesPerSecond = 0
        return copy
    }
}

/// The outcome of a whole training run (possibly continued across resumes).
public struct TrainingResult: Codable, Equatable, Sendable {
    public var totalEpochs: Int
    /// One entry per finished epoch.
    public var history: [EpochMetrics]
    /// "diverged at epoch e, step s" (1-based) when the loss or the weights became NaN/Inf.
    public var diverged: String?

    /// The last epoch's metrics when training finished normally; nil after divergence.
    public var final: EpochMetrics? { diverged == nil ? history.last : nil }
    public var trainSeconds: Double { history.reduce(0) { $0 + $1.seconds } }
    /// Mean training throughput over the finished epochs.
    public var imagesPerSecond: Double? {
        let rated = history.filter { $0.seconds > 0 }
        guard !rated.isEmpty else { return nil }
        let images = rated.reduce(0.0) { $0 + $1.imagesPerSecond * $1.seconds }
        return images / rated.reduce(0.0) { $0 + $1.seconds }
    }

    /// The search's record of this run (MSRS fields left empty for the caller). A diverged run
    /// reports validation accuracy 0 so that any fitness ranks it last.
    public func candidateMetrics(params: Int, flops: Int, weights: String? = nil) -> CandidateMetrics {
        let last = final
        return CandidateMetrics(validAccuracy: last?.validAccuracy ?? 0, validLoss: last?.validLoss,
                                testAccuracy: last?.testAccuracy, testLoss: last?.testLoss,
                                trainAccuracy: last?.trainAccuracy, trainLoss: last?.trainLoss,
                                diverged: diverged, params: params, flops: flops, epochs: totalEpochs,
                                trainSeconds: trainSeconds, msrsSeconds: 0, weights: weights)
    }
}

/// How `Trainer.run` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// All epochs ran, or training diverged (see `TrainingResult.diverged`).
    case finished(TrainingResult)
    /// A stop was requested; `epochsCompleted` epochs are saved in the checkpoint (if any).
    case interrupted(epochsCompleted: Int)
}
