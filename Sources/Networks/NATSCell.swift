import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// A searchable cell (reference `InferCell`): node_i = Σ_{j<i} op_{i←j}(node_j), output node 3.
public final class NATSCell: NamedStateProvider {
    /// The architecture this cell builds: one operation on each of its 6 edges.
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
