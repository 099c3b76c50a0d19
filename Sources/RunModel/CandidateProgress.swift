/// Live progress of the candidate being trained (for the progress line and `rednas status`).
/// Epochs count from 1, as in every log: `epoch` is the one being trained, 1…`epochs`.
package struct CandidateProgress: Codable, Equatable, Sendable {
    package var epoch: Int
    package var epochs: Int
    package var step: Int
    package var steps: Int
    package var loss: Double?
    package var imagesPerSecond: Double?

    package init(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double? = nil, imagesPerSecond: Double? = nil) {
        self.epoch = epoch; self.epochs = epochs; self.step = step; self.steps = steps
        self.loss = loss; self.imagesPerSecond = imagesPerSecond
    }

    /// Fraction of the candidate's training done, 0…1.
    package var fraction: Double {
        guard epochs > 0, steps > 0 else { return 0 }
        return (Double(max(epoch - 1, 0)) + Double(step) / Double(steps)) / Double(epochs)
    }
}
