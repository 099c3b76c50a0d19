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
    /// Weight of the current batch in the running-statistics update, in [0, 1] (PyTorch `momentum`).
    public let momentum: Float
    /// Added to the variance before the square root when normalising: x̂ = (x − mean)/√(var + ε).
    public let epsilon: Float

    /// Fresh statistics for `channels` channels: running mean 0, running variance 1, no batches tracked.
    ///
    /// - Parameters:
    ///   - channels: Number of channels C, the length of both running tensors.
    ///   - momentum: Weight of each new batch in the running update (PyTorch's default 0.1).
    ///   - epsilon: Variance stabiliser used when normalising (PyTorch's default 1e-5).
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        runningMean = .zeros([channels])
        runningVariance = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Number of channels C (the length of `runningMean`).
    public var channels: Int { runningMean.count }
}
