/// The eval-mode form of `reluConvBatchNormSum` on a graph that does not record (validation, test
/// and MSRS passes): with running statistics batch norm is a per-channel affine map, so it is
/// folded into the convolution:
///
///     BN(conv(relu(x), W)) = conv(relu(x), a·W) + (β − μ·a),   a = γ / √(σ² + ε) per output channel.
///
/// The output starts as the pass-through sum plus every branch's shift, and each branch's
/// convolution with folded weights adds straight into it: no conv output z is stored, no
/// batch-norm pass reads it, and nothing is kept for a backward pass.
extension Graph {
    /// Σ_b BN_b(conv_b(relu(x_b))) + Σ_t t with running statistics, by folding (see above).
    func reluConvBatchNormSumInference(_ branches: [ConvBNBranch], _ geometries: [ConvGeometry],
                                       plus passthrough: [Variable], outputShape: [Int]) -> Variable {
        let layout = PlaneLayout(shape: outputShape)
        let folded = branches.map {
            BatchNormFolding(weight: value($0.weight), gamma: value($0.gamma), beta: value($0.beta),
                             statistics: $0.statistics)
        }
        var shift = [Float](repeating: 0, count: layout.channels)
        for f in folded { for c in 0..<layout.channels { shift[c] += f.shift[c] } }
        var out = Tensor.uninitialized(outputShape)
        BatchNormFolding.fill(&out, layout, shift: shift, plus: passthrough.map { value($0) })
        out.data.withUnsafeMutableBufferPointer { ys in
            for (b, branch) in branches.enumerated() {
                value(branch.input).data.withUnsafeBufferPointer { xs in
                    ConvolutionDispatch.forwardAdding(input: xs.baseAddress!, rectifyInput: true,
                                                      weight: folded[b].weight, geometries[b], into: ys.baseAddress!)
                }
            }
        }
        return constant(out)
    }
}

/// A convolution + batch norm (running statistics) as one convolution with a per-channel shift.
struct BatchNormFolding {
    /// a·W: output channel o of the weight [Cout, Cin, k, k] scaled by a[o] = γ[o] / √(σ²[o] + ε).
    let weight: Tensor
    /// β − μ·a per output channel.
    let shift: [Float]

    /// Folds with the scale and shift `BatchNormKernels.runningMoments` + `addNormalized` use
    /// (a = γ·invstd, shift = β − μ·a), so only the order of the rounding differs from the unfused op.
    init(weight w: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics) {
        let moments = BatchNormKernels.runningMoments(statistics)
        let channels = w.shape[0], perChannel = w.count / channels
        var scaled = w
        var shift = [Float](repeating: 0, count: channels)
        for o in 0..<channels {
            let a = gamma.data[o] * moments.inverseStd[o]
            shift[o] = beta.data[o] - moments.mean[o] * a
            for i in o * perChannel..<(o + 1) * perChannel { scaled.data[i] *= a }
        }
        (weight, self.shift) = (scaled, shift)
    }

    /// out = Σ terms + shift[c] per channel, written (terms may be empty: then the shift alone).
    static func fill(_ out: inout Tensor, _ layout: PlaneLayout, shift: [Float], plus terms: [Tensor]) {
        for t in terms { precondition(t.shape == out.shape, "fill: term \(t.shape) is not \(out.shape)") }
        out.data.withUnsafeMutableBufferPointer { ys in
            let y = ys.baseAddress!
            Parallel.forEach(chunks: layout.channels) { ch in
                let s = shift[ch]
                for n in 0..<layout.batch {
                    let yp = y + layout.plane(n, ch)
                    if terms.isEmpty {
                        yp.update(repeating: s, count: layout.planeSize)
                        continue
                    }
                    terms[0].data.withUnsafeBufferPointer { t0 in
                        let tp = t0.baseAddress! + layout.plane(n, ch)
                        for i in 0..<layout.planeSize { yp[i] = tp[i] + s }
                    }
                    for t in terms.dropFirst() {
                        t.data.withUnsafeBufferPointer { ts in
                            let tp = ts.baseAddress! + layout.plane(n, ch)
                            for i in 0..<layout.planeSize { yp[i] += tp[i] }
                        }
                    }
                }
            }
        }
    }
}
