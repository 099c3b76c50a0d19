/// The fused ReLU → conv → batch-norm op, summed with other branches and pass-through terms: one
/// node of a NATS cell (`node = Σ_edges op(source)`) or a residual block in a single tape entry.
///
/// Against the composition `sum(of: [batchNorm2d(conv2d(relu(x)))…, t…])` (kept as the reference):
/// - the ReLU is applied while the convolution reads its input, and its backward while the
///   convolution's dX is stored, so neither ReLU output nor its gradient is ever materialised;
/// - batch norm keeps only the conv output z (x̂ is recomputed from z, μ and 1/σ), and writes
///   γ·x̂ + β straight into the sum; its backward computes dz = A·dy + B·z + C per channel;
/// - the tape holds one tensor per branch (z) instead of four (relu, conv, x̂, BN output).
extension Graph {
    /// Σ_b BN_b(conv_b(relu(x_b))) + Σ_t t over `branches` and same-shaped `passthrough` terms.
    ///
    /// Batch norm follows `batchNorm2d(_:gamma:beta:statistics:training:)`: batch statistics (and
    /// running-statistics updates) when `training`, running statistics otherwise; in eval mode on a
    /// graph that does not record, batch norm is folded into the convolution weights
    /// (`reluConvBatchNormSumInference`). Needs at least one
    /// branch; every branch's output and every pass-through term must have the same shape.
    public func reluConvBatchNormSum(_ branches: [ConvBNBranch], plus passthrough: [Variable] = [],
                                     training: Bool) -> Variable {
        precondition(!branches.isEmpty, "reluConvBatchNormSum needs at least one branch")
        let geometries = branches.map {
            ConvGeometry(input: shape($0.input), weight: shape($0.weight), stride: $0.stride, padding: $0.padding)
        }
        let outputShape = geometries[0].outputShape
        for (b, geo) in geometries.enumerated() {
            precondition(geo.outputShape == outputShape,
                         "reluConvBatchNormSum: branch \(b) gives \(geo.outputShape), branch 0 gives \(outputShape)")
            let channels = geo.outChannels
            precondition(shape(branches[b].gamma) == [channels] && shape(branches[b].beta) == [channels]
                            && branches[b].statistics.channels == channels,
                         "reluConvBatchNormSum: branch \(b) batch norm must be [\(channels)]")
        }
        for t in passthrough {
            precondition(shape(t) == outputShape, "reluConvBatchNormSum: term \(shape(t)) is not \(outputShape)")
        }
        if !training && !isRecording {
            return reluConvBatchNormSumInference(branches, geometries, plus: passthrough, outputShape: outputShape)
        }
        let layout = PlaneLayout(shape: outputShape)
        if training {
            precondition(layout.valuesPerChannel > 1, "batch norm in training needs more than one value per channel")
        }

        // The pass-through terms start the sum (copied on first write); without any, the first
        // branch stores into an uninitialised buffer.
        var out = passthrough.first.map { value($0) } ?? Tensor.uninitialized(outputShape)
        for t in passthrough.dropFirst() { out.add(value(t)) }
        var filled = !passthrough.isEmpty
        var saved: [(z: Tensor, moments: BatchNormKernels.Moments)] = []
        for (branch, geo) in zip(branches, geometries) {
            var z = Tensor.uninitialized(outputShape)
            value(branch.input).data.withUnsafeBufferPointer { x in
                z.data.withUnsafeMutableBufferPointer { zs in
                    ConvolutionDispatch.forward(input: x.baseAddress!, rectifyInput: true, weight: value(branch.weight),
                                                geo, into: zs.baseAddress!)
                }
            }
            let moments: BatchNormKernels.Moments
            if training {
                moments = FusedBatchNormKernels.batchMoments(z, layout, epsilon: branch.statistics.epsilon)
                BatchNormKernels.updateRunningStatistics(branch.statistics, with: moments,
                                                         valuesPerChannel: layout.valuesPerChannel)
            } else {
                moments = BatchNormKernels.runningMoments(branch.statistics)
            }
            FusedBatchNormKernels.addNormalized(z, layout, moments, gamma: value(branch.gamma), beta: value(branch.beta),
                                                into: &out, overwrite: !filled)
            filled = true
            if isRecording { saved.append((z, moments)) }
        }

        let inputs = passthrough + branches.flatMap { [$0.input, $0.weight, $0.gamma, $0.beta] }
        return record(out, inputs: inputs) { grad, g in
            for t in passthrough { g.accumulate(grad, into: t) }
            for (b, branch) in branches.enumerated() {
                g.reluConvBatchNormBackward(branch, geometries[b], layout, z: saved[b].z, moments: saved[b].moments,
                                            outputGradient: grad, training: training)
            }
        }
    }

    /// One branch's backward: dγ, dβ, then dz, then dW and the ReLU-masked dX (added in place).
    private func reluConvBatchNormBackward(_ branch: ConvBNBranch, _ geo: ConvGeometry, _ layout: PlaneLayout,
                                           z: Tensor, moments: BatchNormKernels.Moments,
                                           outputGradient dy: Tensor, training: Bool) {
        let gamma = value(branch.gamma)
        let sums = FusedBatchNormKernels.gradientSums(dy, z, layout, moments)
        let (dgamma, dbeta) = FusedBatchNormKernels.affineGradients(sums, moments)
        accumulate(dgamma, into: branch.gamma)
        accumulate(dbeta, into: branch.beta)
        let needInput = requiresGradient(branch.input), needWeight = requiresGradient(branch.weight)
        guard needInput || needWeight else { return }
        let x = value(branch.input), weight = value(branch.weight)
        let k = FusedBatchNormKernels.inputGradientCoefficients(layout, moments, sums, gamma: gamma, training: training)
        x.data.withUnsafeBufferPointer { xs in
        dy.data.withUnsafeBufferPointer { dys in
        z.data.withUnsafeBufferPointer { zs in
            let x = xs.baseAddress!
            // dz = A·dy + B·z + C per channel: formed by the kernel as it reads it where it can.
            let dz = ChannelAffine(z: zs.baseAddress!, a: k.a, b: k.b, c: k.c)
            switch (needInput, needWeight) {
            case (true, true):
                var dw: Tensor?
                accumulateInPlace(into: branch.input) { dx, add in
                    dw = ConvolutionDispatch.backward(input: x, rectifyInput: true, outputGradient: dys.baseAddress!,
                                                      outputGradientAffine: dz, weight: weight, geo,
                                                      io: ConvIO(outputMask: x, accumulate: add), into: dx)
                }
                accumulate(dw!, into: branch.weight)
            case (true, false):
                dz.stored(dys.baseAddress!, batch: geo.batch, planeSize: geo.outPixels) { dz in
                    accumulateInPlace(into: branch.input) { dx, add in
                        ConvolutionDispatch.inputGradient(outputGradient: dz, weight: weight, geo,
                                                          io: ConvIO(outputMask: x, accumulate: add), into: dx)
                    }
                }
            case (false, _):
                dz.stored(dys.baseAddress!, batch: geo.batch, planeSize: geo.outPixels) { dz in
                    accumulate(ConvolutionDispatch.weightGradient(input: x, rectifyInput: true, outputGradient: dz, geo),
                               into: branch.weight)
                }
            }
        }
        }
        }
    }
}
