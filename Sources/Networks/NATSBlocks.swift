import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// ReLU → Conv2d (no bias) → BatchNorm2d: the reference `ReLUConvBN`, whose state is named
/// `op.1.weight` (conv) and `op.2.*` (batch norm); `op.0` is the parameter-free ReLU.
public final class ReLUConvBN: NamedStateProvider {
    /// The convolution (state `op.1`).
    public let conv: Conv2d
    /// The batch normalisation (state `op.2`).
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

    /// The unfused composition relu → conv2d → batchNorm2d: the reference the fused op is tested against.
    public func reference(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        norm(conv(g.relu(x), in: g), in: g, training: training)
    }

    /// `op.1.weight` and `op.2.*`.
    public var namedState: [NamedStateEntry] {
        conv.namedState.prefixed(by: "op.1") + norm.namedState.prefixed(by: "op.2")
    }
}

/// One edge of a searchable cell: its operation and, for convolutions, the layer that runs it.
enum EdgeModule {
    case zero
    case identity
    case pool
    case convolution(ReLUConvBN)

    init(_ operation: CellSpace.Operation, channels: Int, generator: inout SeededGenerator) {
        switch operation {
        case .none: self = .zero
        case .skipConnect: self = .identity
        case .avgPool3x3: self = .pool
        case .conv1x1, .conv3x3:
            self = .convolution(ReLUConvBN(inChannels: channels, outChannels: channels,
                                           kernelSize: operation.convolutionKernelSize!, generator: &generator))
        }
    }
}

/// A searchable cell (reference `InferCell`): node_i = Σ_{j<i} op_{i←j}(node_j), output node 3.
public final class NATSCell: NamedStateProvider {
    /// The architecture this cell computes.
    public let cell: Cell
    let edges: [EdgeModule]

    /// Builds the edges in string order (1←0, 2←0, 2←1, 3←0, 3←1, 3←2), drawing conv weights from
    /// `generator` in that order.
    public init(_ cell: Cell, channels: Int, generator: inout SeededGenerator) {
        self.cell = cell
        edges = cell.operations.map { EdgeModule($0, channels: channels, generator: &generator) }
    }

    /// [N, C, H, W] → same shape. `none` edges cost nothing (they are left out of the sum);
    /// `skip_connect` reuses the source variable; a node whose inputs are all `none` is zeros.
    /// A node with convolution edges is one fused op: its ReLU-conv-BN branches summed with the
    /// other terms (`Graph.reluConvBatchNormSum`).
    public func callAsFunction(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        var nodes = [x]
        for target in 1..<Cell.nodeCount {
            var terms: [Variable] = [], branches: [ConvBNBranch] = []
            for e in Cell.incomingEdgeIndices(of: target) {
                let source = nodes[Cell.edges[e].source]
                switch edges[e] {
                case .zero: continue
                case .identity: terms.append(source)
                case .pool: terms.append(g.avgPool3x3(source))
                case .convolution(let layer): branches.append(layer.branch(source, in: g))
                }
            }
            if !branches.isEmpty {
                nodes.append(g.reluConvBatchNormSum(branches, plus: terms, training: training))
            } else {
                switch terms.count {
                case 0: nodes.append(g.zeros(g.shape(x)))
                case 1: nodes.append(terms[0])
                default: nodes.append(g.sum(of: terms))
                }
            }
        }
        return nodes[Cell.nodeCount - 1]
    }

    /// `layers.e.op.{1,2}.*` for every convolution edge e.
    public var namedState: [NamedStateEntry] {
        edges.enumerated().flatMap { e, edge -> [NamedStateEntry] in
            guard case .convolution(let layer) = edge else { return [] }
            return layer.namedState.prefixed(by: "layers.\(e)")
        }
    }
}

/// The residual reduction block (reference `ResNetBasicblock`, stride 2):
/// out = Conv1x1(AvgPool2x2(x)) + conv_b(conv_a(x)), no ReLU after the sum.
public final class ReductionBlock: NamedStateProvider {
    /// The first 3×3 convolution, stride 2 (state `conv_a`).
    public let convA: ReLUConvBN
    /// The second 3×3 convolution, stride 1 (state `conv_b`).
    public let convB: ReLUConvBN
    /// The shortcut's 1×1 conv (`downsample.1`; `downsample.0` is the pool). No BN.
    public let shortcut: Conv2d

    /// A freshly initialised block from `inChannels` to `outChannels` channels at half the resolution.
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

    /// `conv_a.*`, `conv_b.*` and `downsample.1.weight`.
    public var namedState: [NamedStateEntry] {
        convA.namedState.prefixed(by: "conv_a") + convB.namedState.prefixed(by: "conv_b")
            + shortcut.namedState.prefixed(by: "downsample.1")
    }
}
