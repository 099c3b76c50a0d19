// The body's block sequence and the activation taps MSRS scores (one per stem and body block).

/// One block of the network body, in forward order.
public struct BodyBlock: Hashable, Sendable {
    /// A searchable cell or a residual reduction block.
    public enum Kind: String, Hashable, Sendable { case cell, reduction }

    /// Whether the block is a searchable cell or a reduction.
    public let kind: Kind
    /// k in the reference's `cells.k` module names: 0 ... (3N + 1), reductions at N and 2N + 1.
    public let bodyIndex: Int
    /// 0-based stage of the block's output (a reduction outputs into the next stage).
    public let stage: Int
    /// For a cell: its 0-based number among the searchable cells; for a reduction: 1 or 2.
    public let ordinal: Int
    /// Channels of the block's input.
    public let inputChannels: Int
    /// Channels of the block's output.
    public let outputChannels: Int
    /// Side of the block's output feature map.
    public let outputSize: Int

    /// "cell 7" or "reduction 1".
    public var label: String { "\(kind.rawValue) \(ordinal)" }
}

/// A point where MSRS records activations: the stem's raw conv output or one body block's output.
public struct ActivationTap: Hashable, Sendable {
    /// Where the tap sits: after the stem, a cell or a reduction block.
    public enum Kind: String, Hashable, Sendable { case stem, cell, reduction }

    /// Where the tap sits.
    public let kind: Kind
    /// "stem", "cell 0", ..., "reduction 1", ...
    public let label: String
    /// The body block's k (`cells.k`), `nil` for the stem.
    public let bodyIndex: Int?
    /// Channels of the tapped activation.
    public let channels: Int
    /// Height of the tapped activation.
    public let height: Int
    /// Width of the tapped activation.
    public let width: Int
}

extension NetworkSpec {
    /// The 3N + 2 body blocks in forward order (with per-stage counts: n1 cells, reduction 1,
    /// n2 cells, reduction 2, n3 cells).
    public var bodyBlocks: [BodyBlock] {
        var blocks: [BodyBlock] = []
        var cellOrdinal = 0
        for stage in 0..<3 {
            if stage > 0 {
                blocks.append(BodyBlock(kind: .reduction, bodyIndex: blocks.count, stage: stage, ordinal: stage,
                                        inputChannels: stageChannels[stage - 1], outputChannels: stageChannels[stage],
                                        outputSize: stageSizes[stage]))
            }
            for _ in 0..<cellsPerStage[stage] {
                blocks.append(BodyBlock(kind: .cell, bodyIndex: blocks.count, stage: stage, ordinal: cellOrdinal,
                                        inputChannels: stageChannels[stage], outputChannels: stageChannels[stage],
                                        outputSize: stageSizes[stage]))
                cellOrdinal += 1
            }
        }
        return blocks
    }

    /// The L = 3N + 3 activation taps in forward order: the stem's conv output (before its BN),
    /// then the output of every body block, reductions included.
    public var activationTaps: [ActivationTap] {
        let stem = ActivationTap(kind: .stem, label: "stem", bodyIndex: nil, channels: channels,
                                 height: inputSize, width: inputSize)
        return [stem] + bodyBlocks.map { block in
            ActivationTap(kind: block.kind == .cell ? .cell : .reduction, label: block.label,
                          bodyIndex: block.bodyIndex, channels: block.outputChannels,
                          height: block.outputSize, width: block.outputSize)
        }
    }
}
