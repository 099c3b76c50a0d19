// A memory estimate for training a network of this shape, made before any tensor exists, so a
// network that cannot fit is refused with the numbers instead of failing to allocate mid-run.

/// Bytes that training a network of a given shape needs, split by what they hold.
public struct TrainingMemoryEstimate: Equatable, Sendable {
    /// Weights, gradients, momentum and one checkpoint copy: 4 × 4 bytes per parameter.
    public var parameterBytes: Double
    /// Values saved for the backward pass for one batch.
    public var activationBytes: Double
    /// Everything counted: parameter plus activation bytes.
    public var totalBytes: Double { parameterBytes + activationBytes }
}

extension NetworkSpec {
    /// The worst-case memory to train this network with `batchSize` images per step: every edge a
    /// 3×3 convolution (the largest cell), parameters held 4 times in float32 (weights, gradients,
    /// SGD momentum, the epoch checkpoint) and, per image, the values the tape keeps for the
    /// backward pass: 2 C·S² for the stem, 8 c·s² per cell (the fused op keeps the 6 convolution
    /// outputs; the node sums), 6 c·s² per reduction. A floor, not a bound — workspaces, the
    /// runtime and the data come on top — used to refuse shapes that cannot fit at all: for the
    /// all-3×3 C16 N5 network at batch 256 it gives 1.2 GiB where `rednas bench` measured a peak
    /// of 1.5 GiB. Computed in Double: never overflows.
    public func trainingMemoryEstimate(batchSize: Int) -> TrainingMemoryEstimate {
        let worst = Cell(repeating: .conv3x3)
        var parameters = 0.0
        for layer in layers(for: worst) {
            for p in layer.parameters { parameters += p.shape.reduce(1.0) { $0 * Double($1) } }
        }
        func plane(_ c: Int, _ s: Int) -> Double { Double(c) * Double(s) * Double(s) }
        var perImage = 2 * plane(channels, inputSize)
        for block in bodyBlocks {
            let factor: Double = block.kind == .cell ? 8 : 6
            perImage += factor * plane(block.outputChannels, block.outputSize)
        }
        return TrainingMemoryEstimate(parameterBytes: 16 * parameters,
                                      activationBytes: 4 * perImage * Double(max(batchSize, 1)))
    }
}
