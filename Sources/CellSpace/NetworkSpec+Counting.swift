// Every trainable layer of the network with its parameter shapes, and the benchmark's
// parameter and FLOP counts summed from that list (spec §4).

/// A trainable tensor: its reference state-dict name and shape.
public struct ParameterShape: Hashable, Sendable {
    /// e.g. `cells.3.layers.2.op.1.weight`.
    public let name: String
    /// The tensor's shape, e.g. [out, in, k, k] for a convolution weight.
    public let shape: [Int]

    /// Number of scalars: the product of ``shape``.
    public var scalarCount: Int { shape.reduce(1, *) }
}

/// A Conv2d, BatchNorm2d or Linear layer of the network, named as in the reference `TinyNetwork`.
public struct LayerShape: Hashable, Sendable {
    /// The layer type and the sizes its parameter and FLOP counts depend on.
    public enum Kind: Hashable, Sendable {
        /// No bias; `outputSize` is the output's height = width.
        case convolution(kernel: Int, stride: Int, inChannels: Int, outChannels: Int, outputSize: Int)
        /// Affine (γ, β).
        case batchNorm(channels: Int)
        /// With bias.
        case linear(inFeatures: Int, outFeatures: Int)
    }

    /// Module path, e.g. `stem.0`, `cells.5.conv_a.op.1`, `classifier`.
    public let name: String
    /// The layer type and its sizes.
    public let kind: Kind

    /// The trainable tensors (BN running statistics are buffers, not parameters).
    public var parameters: [ParameterShape] {
        switch kind {
        case let .convolution(k, _, cin, cout, _):
            return [ParameterShape(name: name + ".weight", shape: [cout, cin, k, k])]
        case let .batchNorm(c):
            return [ParameterShape(name: name + ".weight", shape: [c]), ParameterShape(name: name + ".bias", shape: [c])]
        case let .linear(inFeatures, outFeatures):
            return [ParameterShape(name: name + ".weight", shape: [outFeatures, inFeatures]),
                    ParameterShape(name: name + ".bias", shape: [outFeatures])]
        }
    }

    /// Trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.scalarCount } }

    /// The benchmark's FLOPs per image: k·k·Cin·Cout·Hout·Wout for a conv, in·out + out for a
    /// linear layer, 0 for batch norm.
    public var flops: Int {
        switch kind {
        case let .convolution(k, _, cin, cout, size): return k * k * cin * cout * size * size
        case .batchNorm: return 0
        case let .linear(inFeatures, outFeatures): return inFeatures * outFeatures + outFeatures
        }
    }
}

extension NetworkSpec {
    /// Every Conv2d, BatchNorm2d and Linear layer of the network with `cell` in all searchable
    /// positions, in forward order. `none`, `skip_connect` and `avg_pool_3x3` edges have none.
    public func layers(for cell: Cell) -> [LayerShape] {
        var layers = [
            LayerShape(name: "stem.0", kind: .convolution(kernel: 3, stride: 1, inChannels: inputChannels,
                                                           outChannels: channels, outputSize: inputSize)),
            LayerShape(name: "stem.1", kind: .batchNorm(channels: channels)),
        ]
        for block in bodyBlocks {
            let prefix = "cells.\(block.bodyIndex)"
            switch block.kind {
            case .cell: layers += cellLayers(cell, prefix: prefix, channels: block.outputChannels, size: block.outputSize)
            case .reduction: layers += reductionLayers(prefix: prefix, block: block)
            }
        }
        let last = stageChannels[2]
        layers.append(LayerShape(name: "lastact.0", kind: .batchNorm(channels: last)))
        layers.append(LayerShape(name: "classifier", kind: .linear(inFeatures: last, outFeatures: classes)))
        return layers
    }

    /// Trainable scalars, BN γ/β included, exactly as the benchmark counts them.
    public func parameterCount(for cell: Cell) -> Int {
        layers(for: cell).reduce(0) { $0 + $1.parameterCount }
    }

    /// FLOPs (multiply-accumulates) per image of convolutions and linear layers, as the benchmark
    /// counts them.
    public func flops(for cell: Cell) -> Int {
        layers(for: cell).reduce(0) { $0 + $1.flops }
    }

    // A normal cell: each conv edge e is ReLU → conv (`layers.e.op.1`) → BN (`layers.e.op.2`).
    private func cellLayers(_ cell: Cell, prefix: String, channels c: Int, size: Int) -> [LayerShape] {
        cell.operations.enumerated().flatMap { e, op -> [LayerShape] in
            guard let k = op.convolutionKernelSize else { return [] }
            return [
                LayerShape(name: "\(prefix).layers.\(e).op.1",
                           kind: .convolution(kernel: k, stride: 1, inChannels: c, outChannels: c, outputSize: size)),
                LayerShape(name: "\(prefix).layers.\(e).op.2", kind: .batchNorm(channels: c)),
            ]
        }
    }

    // A reduction: conv_a (3×3, stride 2) + BN, conv_b (3×3) + BN, shortcut avgpool 2 → conv 1×1 (no BN).
    private func reductionLayers(prefix: String, block: BodyBlock) -> [LayerShape] {
        let cin = block.inputChannels, cout = block.outputChannels, size = block.outputSize
        return [
            LayerShape(name: "\(prefix).conv_a.op.1",
                       kind: .convolution(kernel: 3, stride: 2, inChannels: cin, outChannels: cout, outputSize: size)),
            LayerShape(name: "\(prefix).conv_a.op.2", kind: .batchNorm(channels: cout)),
            LayerShape(name: "\(prefix).conv_b.op.1",
                       kind: .convolution(kernel: 3, stride: 1, inChannels: cout, outChannels: cout, outputSize: size)),
            LayerShape(name: "\(prefix).conv_b.op.2", kind: .batchNorm(channels: cout)),
            LayerShape(name: "\(prefix).downsample.1",
                       kind: .convolution(kernel: 1, stride: 1, inChannels: cin, outChannels: cout, outputSize: size)),
        ]
    }
}
