/// Running statistics of one batch-norm layer (PyTorch `BatchNorm2d` buffers).
///
/// Training-mode forward passes update them in place: `running = (1 − momentum)·running +
/// momentum·batch`, with the batch's UNBIASED variance (n/(n−1)) for `runningVariance`, and
/// increment `batchesTracked`.
public final class BatchNormStatistics {
    /// Running mean, shape [C]; starts at 0.
    public var runningMean: Tensor
    /// Running (unbiased) variance, shape [C]; starts at 1.
    public var runningVariance: Tensor
    /// Number of training-mode batches seen (PyTorch `num_batches_tracked`).
    public var batchesTracked: Int64 = 0
    public let momentum: Float
    public let epsilon: Float

    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        runningMean = .zeros([channels])
        runningVariance = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var channels: Int { runningMean.count }
}
