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

    package init(epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double, validLoss: Double? = nil,
                validAccuracy: Double? = nil, testLoss: Double? = nil, testAccuracy: Double? = nil, seconds: Double,
                imagesPerSecond: Double) {
        self.epoch = epoch; self.learningRate = learningRate; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validLoss = validLoss; self.validAccuracy = validAccuracy; self.testLoss = testLoss; self.testAccuracy = testAccuracy
        self.seconds = seconds; self.imagesPerSecond = imagesPerSecond
    }

    /// The same with the timing fields zeroed (what determinism and resume tests compare).
    package var withoutTiming: EpochMetrics {
        var copy = self
        copy.seconds = 0; copy.imagesPerSecond = 0
        return copy
    }
}
