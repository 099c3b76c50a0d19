import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// ReLU → Conv2d (no bias) → BatchNorm2d: the reference `ReLUConvBN`, whose state is named
/// `op.1.weight` (conv) and `op.2.*` (batch norm); `op.0` is the parameter-free ReLU.
public final class ReLUConvBN: NamedStateProvider {
    /// The convolution, without bias (`op.1`).
    public let conv: Conv2d
    /// The batch norm over the output channels (`op.2`).
    public let norm: BatchNorm2d

    /// Conv with `kernelSize`, `stride` and padding (k − 1)/2, as the reference builds it.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1,
                generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                      padding: (kernelSize - 1) / 2, generator: &generator)
        norm = BatchNorm2d(channels: outChannels)
    }

    /// [N, Cin, H, W] → [N, Cout, H/stride, W/stride], as one fused op.
    public func callAsFunction(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        g.reluConvBatchNormSum([branch(x, in: g)], training: training)
    }

    /// This layer applied to `x`, as a branch of a fused sum (`Graph.reluConvBatchNormSum`).
    public func branch(_ x: Variable, in g: Graph) -> ConvBNBranch {
        ConvBNBranch(input: x, weight: g.parameter(conv.weight), gamma: g.parameter(norm.gamma),
                     beta: g.parameter(norm.beta), statistics: norm.statistics,
                     stride: conv.stride, padding: conv.padding)
    }

    /// `op.1.weight`, then the batch norm's entries under `op.2`.
    public var namedState: [NamedStateEntry] {
        conv.namedState.prefixed(by: "op.1") + norm.namedState.prefixed(by: "op.2")
    }
}
