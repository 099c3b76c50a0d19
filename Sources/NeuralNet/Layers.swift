import TensorEngine
import Randomness

/// 2-D convolution without bias (PyTorch `Conv2d(bias=False)`); weight [out, in, k, k].
public final class Conv2d: NamedStateProvider {
    /// The convolution kernel, shape [out, in, k, k] (state name `weight`).
    public let weight: Parameter
    /// Step between kernel positions, the same along both axes.
    public let stride: Int
    /// Zero padding added on every side of the input planes.
    public let padding: Int

    /// Weight initialised kaiming-uniform (a = √5): uniform(±1/√(inChannels·k·k)).
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                generator: inout SeededGenerator) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(Initialization.kaimingUniform([outChannels, inChannels, kernelSize, kernelSize],
                                                         fanIn: fanIn, using: &generator))
        self.stride = stride
        self.padding = padding
    }

    /// [N, in, H, W] → [N, out, Ho, Wo].
    public func callAsFunction(_ x: Variable, in g: Graph) -> Variable {
        g.conv2d(x, weight: g.parameter(weight), stride: stride, padding: padding)
    }

    /// One entry: `weight`.
    public var namedState: [NamedStateEntry] { [NamedStateEntry("weight", .parameter(weight))] }
}

/// Batch normalisation with affine γ, β (PyTorch `BatchNorm2d`, eps 1e-5, momentum 0.1).
public final class BatchNorm2d: NamedStateProvider {
    /// γ, initialised to 1 (PyTorch name `weight`).
    public let gamma: Parameter
    /// β, initialised to 0 (PyTorch name `bias`).
    public let beta: Parameter
    /// Running mean (0) / variance (1) and batches tracked.
    public let statistics: BatchNormStatistics

    /// A layer for `channels` channels: γ = 1, β = 0, running mean 0, running variance 1.
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

    /// `weight` (γ), `bias` (β), `running_mean`, `running_var` and `num_batches_tracked`, as PyTorch names them.
    public var namedState: [NamedStateEntry] {
        [NamedStateEntry("weight", .parameter(gamma)), NamedStateEntry("bias", .parameter(beta)),
         NamedStateEntry("running_mean", .runningMean(statistics)),
         NamedStateEntry("running_var", .runningVariance(statistics)),
         NamedStateEntry("num_batches_tracked", .batchesTracked(statistics))]
    }
}

/// Fully connected layer with bias (PyTorch `Linear`); weight [out, in], bias [out].
public final class Linear: NamedStateProvider {
    /// The weight matrix, shape [out, in].
    public let weight: Parameter
    /// The bias, shape [out].
    public let bias: Parameter

    /// Weight kaiming-uniform (a = √5) = uniform(±1/√in), then bias uniform(±1/√in).
    public init(inFeatures: Int, outFeatures: Int, generator: inout SeededGenerator) {
        weight = Parameter(Initialization.kaimingUniform([outFeatures, inFeatures], fanIn: inFeatures, using: &generator))
        bias = Parameter(Initialization.uniform([outFeatures], bound: 1 / Float(inFeatures).squareRoot(), using: &generator))
    }

    /// [N, in] → [N, out].
    public func callAsFunction(_ x: Variable, in g: Graph) -> Variable {
        g.linear(x, weight: g.parameter(weight), bias: g.parameter(bias))
    }

    /// Two entries: `weight` and `bias`.
    public var namedState: [NamedStateEntry] {
        [NamedStateEntry("weight", .parameter(weight)), NamedStateEntry("bias", .parameter(bias))]
    }
}
