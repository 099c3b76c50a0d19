/// Live progress of the candidate being trained (for the progress line and `rednas status`).
public struct CandidateProgress: Codable, Equatable, Sendable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var steps: Int
    public var loss: Double?
    public var imagesPerSecond: Double?

    public init(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double? = nil, imagesPerSecond: Double? = nil) {
        self.epoch = epoch; self.epochs = epochs; self.step = step; self.steps = steps
        self.loss = loss; self.imagesPerSecond = imagesPerSecond
    }

    /// Fraction of the candidate's training done, 0…1.
    public var fraction: Double {
        guard epochs > 0, steps > 0 else { return 0 }
        return (Double(epoch) + Double(step) / Double(steps)) / Double(epochs)
    }
}
