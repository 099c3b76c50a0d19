/// The fused ReLU → conv → batch-norm op, summed with other branches and pass-through terms: one
/// node of a NATS cell (`node = Σ_edges op(source)`) or a residual block in a single tape entry.
///
/// Against the composition `sum(of: [batchNorm2d(conv2d(relu(x)))…, t…])` (kept as the reference):
/// - the ReLU is applied while the convolution reads its input, and its backward while the
///   convolution's dX is stored, so neither ReLU output nor its gradient is ever materialised;
/// - batch norm keeps only the conv output z (x̂ is recomputed from z, μ and 1/σ), and writes
///   γ·x̂ + β straight into the sum; its backward computes dz = A·dy + B·z + C per channel;
/// - the tape holds one tensor per branch (z) instead of four (relu, conv, x̂, BN output).
public struct ConvBNBranch {
    /// x [N, Cin, H, W], taken through a ReLU before the convolution.
    public var input: Variable
    /// Convolution weight [Cout, Cin, k, k] (no bias).
    public var weight: Variable
    /// Batch-norm scale and shift, [Cout].
    public var gamma: Variable
    public var beta: Variable
    public var statistics: BatchNormStatistics
    public var stride: Int
    public var padding: Int

    public init(input: Variable, weight: Variable, gamma: Variable, beta: Variable,
                statistics: BatchNormStatistics, stride: Int, padding: Int) {
        (self.input, self.weight, self.gamma, self.beta) = (input, weight, gamma, beta)
        (self.statistics, self.stride, self.padding) = (statistics, stride, padding)
    }
}

extension Graph {
    /// Σ_b BN_b(conv_b(relu(x_b))) + Σ_t t over `branches` and same-shaped `passthrough` terms.
    ///
    /// Batch norm follows `batchNorm2d(_:gamma:beta:statistics:training:)`: batch statistics (and
    /// running-statistics updates) when `training`, running statistics otherwise. Needs at least one
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

/// The kernels that can compute a convolution.
enum ConvolutionKernel: Equatable {
    /// Direct 3×3 convolution in registers (`DirectKernels`).
    case direct
    /// Winograd F(2×2, 3×3) (`WinogradKernels`).
    case winograd2x2
    /// Winograd F(4×4, 3×3) (`Winograd4x4Kernels`).
    case winograd4x4
    /// im2col + GEMM (`Conv2DKernels`), for every geometry.
    case im2col
}

/// Routes a convolution to the direct kernel, Winograd F(4×4, 3×3), F(2×2, 3×3) or im2col + GEMM
/// by its geometry (pointer level, and tensor level for `Graph.conv2d`).
enum ConvolutionDispatch: ConvolutionProducts {
    /// The kernel for `geo`: for 3×3 stride-1 padding-1 convolutions the direct kernel when neither
    /// side has more than `DirectKernels.maximumChannels` channels, else Winograd; im2col for the
    /// others. Among the Winograd ones F(4×4) where it was measured faster than F(2×2):
    /// - both sides ≥ 7: on smaller planes (1–6 pixels, ≤ 2×2 tiles of 4×4) the per-plane work
    ///   of the 6×6 transforms outweighs the saved multiplies (measured 0.5–0.9× as fast);
    /// - 36 · tiles₄ₓ₄ ≤ 12 · tiles₂ₓ₂, i.e. F(4×4) needs at most ¾ of F(2×2)'s multiplies once
    ///   the padding of the edge tiles counts: sides ≡ 1 or 2 mod 4 pad a 4×4 tile by 3 or 2 pixels,
    ///   and 9 and 10 (ratio 0.81) measured 0.7× as fast at 16 channels, while 13 and 14 (0.73)
    ///   measured 1.1×, and 8, 16 and 32 (0.56) 1.2–1.8× at 8–128 channels (forward + both
    ///   gradients, one thread, batch 64–256; the NATS shapes confirmed by `rednas bench --kernels`).
    static func kernel(for geo: ConvGeometry) -> ConvolutionKernel {
        guard WinogradKernels.applies(geo) else { return .im2col }
        if max(geo.inChannels, geo.outChannels) <= DirectKernels.maximumChannels { return .direct }
        guard geo.height >= 7 && geo.width >= 7 else { return .winograd2x2 }
        let tiles4 = ((geo.height + 3) / 4) * ((geo.width + 3) / 4)
        let tiles2 = ((geo.height + 1) / 2) * ((geo.width + 1) / 2)
        return 36 * tiles4 <= 12 * tiles2 ? .winograd4x4 : .winograd2x2
    }

    static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                        into y: UnsafeMutablePointer<Float>) {
        switch kernel(for: geo) {
        case .direct: DirectKernels.forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
        case .winograd4x4: Winograd4x4Kernels.forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
        case .winograd2x2: WinogradKernels.forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
        case .im2col: Conv2DKernels.forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
        }
    }

    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                               _ geo: ConvGeometry) -> Tensor {
        switch kernel(for: geo) {
        case .direct: DirectKernels.weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
        case .winograd4x4: Winograd4x4Kernels.weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
        case .winograd2x2: WinogradKernels.weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
        case .im2col: Conv2DKernels.weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
        }
    }

    static func inputGradient(outputGradient dy: UnsafePointer<Float>, weight: Tensor, _ geo: ConvGeometry,
                              io: ConvIO, into dx: UnsafeMutablePointer<Float>) {
        switch kernel(for: geo) {
        case .direct: DirectKernels.inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
        case .winograd4x4: Winograd4x4Kernels.inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
        case .winograd2x2: WinogradKernels.inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
        case .im2col: Conv2DKernels.inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
        }
    }

    /// Both products with dY = `affine` applied to `dy`: the direct and F(4×4) kernels form it as
    /// they read it; the other kernels get it stored first.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine, weight: Tensor, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>) -> Tensor {
        switch kernel(for: geo) {
        case .direct:
            return DirectKernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy,
                                          outputGradientAffine: affine, weight: weight, geo, io: io, into: dx)
        case .winograd4x4:
            return Winograd4x4Kernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy,
                                               outputGradientAffine: affine, weight: weight, geo, io: io, into: dx)
        case .winograd2x2, .im2col: break
        }
        return affine.stored(dy, batch: geo.batch, planeSize: geo.outPixels) { dy in
            backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight, geo, io: io, into: dx)
        }
    }

    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        switch kernel(for: geo) {
        case .direct:
            return DirectKernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight,
                                          geo, io: io, into: dx)
        case .winograd4x4:
            return Winograd4x4Kernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight,
                                               geo, io: io, into: dx)
        case .winograd2x2:
            return WinogradKernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight,
                                            geo, io: io, into: dx)
        case .im2col:
            return Conv2DKernels.backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight,
                                          geo, io: io, into: dx)
        }
    }
}
