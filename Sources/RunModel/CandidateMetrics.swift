/// What training and scoring one candidate measured. Accuracies are top-1 in percent, as the
/// benchmark reports them.
package struct CandidateMetrics: Codable, Equatable, Sendable {
    package var validAccuracy: Double
    package var validLoss: Double?
    package var testAccuracy: Double?
    package var testLoss: Double?
    package var trainAccuracy: Double?
    package var trainLoss: Double?
    /// Raw MSRS (soft count of redundant layer pairs) and MSRS / (L(L−1)/2); nil when undefined.
    package var msrs: Double?
    package var msrsNormalized: Double?
    /// Why MSRS is undefined (e.g. every batch gave NaN), when it is.
    package var msrsUndefined: String?
    /// "diverged at epoch e, step s" when training blew up; accuracies are then not meaningful.
    package var diverged: String?
    package var params: Int
    package var flops: Int
    package var epochs: Int
    package var trainSeconds: Double
    package var msrsSeconds: Double
    /// Weights file relative to the candidate folder, when written.
    package var weights: String?

    package init(validAccuracy: Double, validLoss: Double? = nil, testAccuracy: Double? = nil, testLoss: Double? = nil,
                trainAccuracy: Double? = nil, trainLoss: Double? = nil, msrs: Double? = nil,
                msrsNormalized: Double? = nil, msrsUndefined: String? = nil, diverged: String? = nil,
                params: Int, flops: Int, epochs: Int, trainSeconds: Double, msrsSeconds: Double, weights: String? = nil) {
        self.validAccuracy = validAccuracy; self.validLoss = validLoss
        self.testAccuracy = testAccuracy; self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy; self.trainLoss = trainLoss
        self.msrs = msrs; self.msrsNormalized = msrsNormalized; self.msrsUndefined = msrsUndefined
        self.diverged = diverged; self.params = params; self.flops = flops; self.epochs = epochs
        self.trainSeconds = trainSeconds; self.msrsSeconds = msrsSeconds; self.weights = weights
    }
}
