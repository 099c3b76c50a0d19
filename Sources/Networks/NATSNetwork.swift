import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// Receives the MSRS activation taps during a forward pass: `tap` is the position in
/// `NetworkSpec.activationTaps` (0 = the stem conv's raw output, then one per body block) and
/// `value` the tapped variable on the pass's graph.
public typealias ActivationRecorder = (_ tap: Int, _ value: Variable) -> Void

/// The NATS-Bench topology-space network (reference xautodl `TinyNetwork`, spec §3), with `cell` in
/// every searchable position:
///
///     stem: Conv3x3(in→C) → BN            (no ReLU)
///     n₁ cells at C,  reduction C→2C,  n₂ cells at 2C,  reduction 2C→4C,  n₃ cells at 4C
///     head: BN(4C) → ReLU → global average pool → Linear(4C → classes)
///
/// Its named state uses the reference `state_dict` names (`stem.0.weight`, `cells.k.layers.e.op.1.weight`,
/// `cells.k.conv_a.op.2.running_mean`, `lastact.0.*`, `classifier.*`), in module construction order.
public final class NATSNetwork: NamedStateProvider {
    /// The architecture used in every searchable position.
    public let cell: Cell
    /// The skeleton: channels, cells per stage, classes and input size.
    public let spec: NetworkSpec
    /// The stem's 3×3 convolution (state `stem.0`).
    public let stemConv: Conv2d
    /// The stem's batch normalisation (state `stem.1`).
    public let stemNorm: BatchNorm2d
    let body: [Block]
    /// The head's batch normalisation before the final ReLU (state `lastact.0`).
    public let lastNorm: BatchNorm2d
    /// The linear classifier on the pooled features (state `classifier`).
    public let classifier: Linear

    enum Block {
        case cell(NATSCell)
        case reduction(ReductionBlock)
    }

    /// Builds the network with PyTorch's default initialisation, drawing every weight from
    /// `generator` in module construction order (stem, body blocks in order, classifier).
    public init(cell: Cell, spec: NetworkSpec, generator: inout SeededGenerator) {
        self.cell = cell
        self.spec = spec
        stemConv = Conv2d(inChannels: spec.inputChannels, outChannels: spec.channels, kernelSize: 3, padding: 1,
                          generator: &generator)
        stemNorm = BatchNorm2d(channels: spec.channels)
        var blocks: [Block] = []
        for block in spec.bodyBlocks {
            switch block.kind {
            case .cell:
                blocks.append(.cell(NATSCell(cell, channels: block.outputChannels, generator: &generator)))
            case .reduction:
                blocks.append(.reduction(ReductionBlock(inChannels: block.inputChannels,
                                                        outChannels: block.outputChannels, generator: &generator)))
            }
        }
        body = blocks
        let last = spec.stageChannels[2]
        lastNorm = BatchNorm2d(channels: last)
        classifier = Linear(inFeatures: last, outFeatures: spec.classes, generator: &generator)
    }

    /// Logits [N, classes] for images `x` [N, inputChannels, S, S].
    ///
    /// `training` selects batch-norm batch statistics (and updates the running ones) versus running
    /// statistics; gradients are recorded only if `g` records. `recorder`, when given, receives the
    /// L = 3N + 3 activation taps in `NetworkSpec.activationTaps` order.
    public func forward(_ x: Variable, in g: Graph, training: Bool, recorder: ActivationRecorder? = nil) -> Variable {
        precondition(g.shape(x).count == 4 && Array(g.shape(x).dropFirst())
                        == [spec.inputChannels, spec.inputSize, spec.inputSize],
                     "NATSNetwork input must be [N, \(spec.inputChannels), \(spec.inputSize), \(spec.inputSize)], got \(g.shape(x))")
        let stemOutput = stemConv(x, in: g)
        recorder?(0, stemOutput)
        var h = stemNorm(stemOutput, in: g, training: training)
        for (k, block) in body.enumerated() {
            switch block {
            case .cell(let cellModule): h = cellModule(h, in: g, training: training)
            case .reduction(let reduction): h = reduction(h, in: g, training: training)
            }
            recorder?(k + 1, h)
        }
        let features = g.globalAvgPool(g.relu(lastNorm(h, in: g, training: training)))
        return classifier(features, in: g)
    }

    /// Number of activation taps the recorder receives per forward pass (3N + 3).
    public var tapCount: Int { body.count + 1 }

    /// Every entry under the reference `state_dict` names, in module construction order.
    public var namedState: [NamedStateEntry] {
        var entries = stemConv.namedState.prefixed(by: "stem.0") + stemNorm.namedState.prefixed(by: "stem.1")
        for (k, block) in body.enumerated() {
            switch block {
            case .cell(let cellModule): entries += cellModule.namedState.prefixed(by: "cells.\(k)")
            case .reduction(let reduction): entries += reduction.namedState.prefixed(by: "cells.\(k)")
            }
        }
        return entries + lastNorm.namedState.prefixed(by: "lastact.0") + classifier.namedState.prefixed(by: "classifier")
    }

    /// Every batch-norm layer's running statistics, in state order.
    public var batchNormStatistics: [BatchNormStatistics] {
        namedState.compactMap { entry in
            if case .runningMean(let s) = entry.slot { return s } else { return nil }
        }
    }
}
