import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// The residual reduction block (reference `ResNetBasicblock`, stride 2):
/// out = Conv1x1(AvgPool2x2(x)) + conv_b(conv_a(x)), no ReLU after the sum.
public final class ReductionBlock: NamedStateProvider {
    /// The first ReLU-conv-BN (`conv_a`): 3×3, stride 2, Cin → Cout.
    public let convA: ReLUConvBN
    /// The second ReLU-conv-BN (`conv_b`): 3×3, stride 1, Cout → Cout.
    public let convB: ReLUConvBN
    /// The shortcut's 1×1 conv (`downsample.1`; `downsample.0` is the pool). No BN.
    public let shortcut: Conv2d

    /// A block from `inChannels` to `outChannels` at half the spatial size, drawing the weights of
    /// `conv_a`, `conv_b` and the shortcut from `generator` in that order.
    public init(inChannels: Int, outChannels: Int, generator: inout SeededGenerator) {
        convA = ReLUConvBN(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, stride: 2,
                           generator: &generator)
        convB = ReLUConvBN(inChannels: outChannels, outChannels: outChannels, kernelSize: 3, generator: &generator)
        shortcut = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, generator: &generator)
    }

    /// [N, Cin, H, W] → [N, Cout, H/2, W/2]; conv_b and the sum are one fused op.
    public func callAsFunction(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        let a = convA(x, in: g, training: training)
        return g.reluConvBatchNormSum([convB.branch(a, in: g)], plus: [shortcut(g.avgPool2x2(x), in: g)],
                                      training: training)
    }

    /// `conv_a.*`, `conv_b.*`, then `downsample.1.weight`.
    public var namedState: [NamedStateEntry] {
        convA.namedState.prefixed(by: "conv_a") + convB.namedState.prefixed(by: "conv_b")
            + shortcut.namedState.prefixed(by: "downsample.1")
    }
}
