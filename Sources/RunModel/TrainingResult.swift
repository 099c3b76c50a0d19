/// The outcome of a whole training run (possibly continued across resumes).
package struct TrainingResult: Codable, Equatable, Sendable {
    package var totalEpochs: Int
    /// One entry per finished epoch.
    package var history: [EpochMetrics]
    /// "diverged at epoch e, step s" (1-based) when the loss or the weights became NaN/Inf.
    package var diverged: String?

    package init(totalEpochs: Int, history: [EpochMetrics], diverged: String?) {
        self.totalEpochs = totalEpochs; self.history = history; self.diverged = diverged
    }

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
