import TensorEngine
import Randomness

/// Batch normalisation with affine γ, β (PyTorch `BatchNorm2d`, eps 1e-5, momentum 0.1).
public final class BatchNorm2d: NamedStateProvider {
    /// γ, initialised to 1 (PyTorch name `weight`).
    public let gamma: Parameter
    /// β, initialised to 0 (PyTorch name `bias`).
    public let beta: Parameter
    /// Running mean (0) / variance (1) and batches tracked.
    public let statistics: BatchNormStatistics

    /// A batch norm over `channels` channels: γ = 1, β = 0, fresh running statistics.
    public init(channels: Int) {
        gamma = Parameter(Tensor(repeating: 1, shape: [channels]))
        beta = Parameter(.zeros([channels]))
        statistics = BatchNormStatistics(channels: channels)
    }

    /// [N, C, H, W] → same shape. `training` selects batch statistics (and updates the running
    /// ones) versus running statistics; it is independent of whether `g` records.
    public func callAsFunction(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        g.batchNorm2d(x, gamma: g.parameter(gamma), beta: g.parameter(beta), statistics: statistics, training: training)
    }

    /// `weight` (γ), `bias` (β), `running_mean`, `running_var`, `num_batches_tracked`: PyTorch's
    /// names, in its order.
    public var namedState: [NamedStateEntry] {
        [NamedStateEntry("weight", .parameter(gamma)), NamedStateEntry("bias", .parameter(beta)),
         NamedStateEntry("running_mean", .runningMean(statistics)),
         NamedStateEntry("running_var", .runningVariance(statistics)),
         NamedStateEntry("num_batches_tracked", .batchesTracked(statistics))]
    }
}
