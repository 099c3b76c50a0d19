import CKernels

/// Batch-norm kernels of the fused ReLU → conv → BN op (`reluConvBatchNormSum`), which keeps only
/// the conv output z and recomputes x̂ = (z − μ)·invstd where it needs it. The reference kernels
/// are `BatchNormKernels` (two-pass Double moments, stored x̂).
///
/// Channels run in parallel; within a channel, each plane is summed in Float over the vector lanes
/// (8 in Swift; 4, 8 or 16 in the C variants that `KernelSet.active.vectors` selects) and plane
/// totals are added in Double in plane order, so results do not depend on the thread count.
enum FusedBatchNormKernels {
    /// Per-channel Σdy and Σdy·(z − μ) of one backward pass.
    struct GradientSums {
        var outputGradient: [Double]
        var outputGradientTimesCentered: [Double]
    }

    /// Batch mean, biased variance and 1/√(var + ε) of each channel of z [N, C, H, W]. Sums are
    /// taken around the channel's first value (a shift that keeps E[d²] − E[d]² well conditioned).
    static func batchMoments(_ z: Tensor, _ layout: PlaneLayout, epsilon: Float) -> BatchNormKernels.Moments {
        let c = layout.channels
        var mean = [Float](repeating: 0, count: c), variance = mean, inverseStd = mean
        let m = Double(layout.valuesPerChannel)
        z.data.withUnsafeBufferPointer { zs in
        mean.withUnsafeMutableBufferPointer { meanOut in
        variance.withUnsafeMutableBufferPointer { varOut in
        inverseStd.withUnsafeMutableBufferPointer { invOut in
            let z = zs.baseAddress!
            Parallel.forEach(chunks: c) { ch in
                let shift = z[layout.plane(0, ch)]
                var sum = 0.0, squares = 0.0
                for n in 0..<layout.batch {
                    let (s, q) = shiftedSums(z + layout.plane(n, ch), count: layout.planeSize, shift: shift)
                    sum += s; squares += q
                }
                let d = sum / m
                let v = max(0, squares / m - d * d)
                meanOut[ch] = Float(Double(shift) + d)
                varOut[ch] = Float(v)
                invOut[ch] = Float(1 / (v + Double(epsilon)).squareRoot())
            }
        }
        }
        }
        }
        return BatchNormKernels.Moments(mean: mean, inverseStd: inverseStd, variance: variance)
    }

    /// (Σ(p − shift), Σ(p − shift)²) over `count` values.
    @inline(__always)
    static func shiftedSums(_ p: UnsafePointer<Float>, count: Int, shift: Float) -> (Double, Double) {
        let isa = KernelSet.active.vectors
        if isa != .swift {
            return withPair { rednas_bn_shifted_sums(isa.cValue, p, count, shift, $0) }
        }
        var s = SIMD8<Float>(), q = SIMD8<Float>()
        let k = SIMD8<Float>(repeating: shift)
        var i = 0
        while i + 8 <= count {
            let d = load8(p + i) - k
            s += d; q += d * d
            i += 8
        }
        var sum = Double(s.sum()), squares = Double(q.sum())
        while i < count { let d = Double(p[i] - shift); sum += d; squares += d * d; i += 1 }
        return (sum, squares)
    }

    /// out = (overwrite ? 0 : out) + γ·(z − μ)·invstd + β, per channel.
    static func addNormalized(_ z: Tensor, _ layout: PlaneLayout, _ moments: BatchNormKernels.Moments,
                              gamma: Tensor, beta: Tensor, into out: inout Tensor, overwrite: Bool) {
        precondition(out.shape == z.shape, "addNormalized: output \(out.shape) is not \(z.shape)")
        let isa = KernelSet.active.vectors
        z.data.withUnsafeBufferPointer { zs in
        out.data.withUnsafeMutableBufferPointer { ys in
            let (z, y) = (zs.baseAddress!, ys.baseAddress!)
            Parallel.forEach(chunks: layout.channels) { ch in
                let a = gamma.data[ch] * moments.inverseStd[ch]
                let b = beta.data[ch] - moments.mean[ch] * a
                for n in 0..<layout.batch {
                    let base = layout.plane(n, ch)
                    let (zp, yp) = (z + base, y + base)
                    if isa != .swift {
                        rednas_bn_affine_plane(isa.cValue, zp, layout.planeSize, a, b, overwrite ? 1 : 0, yp)
                    } else if overwrite {
                        for i in 0..<layout.planeSize { yp[i] = a * zp[i] + b }
                    } else {
                        for i in 0..<layout.planeSize { yp[i] += a * zp[i] + b }
                    }
                }
            }
        }
        }
    }

    /// Σdy and Σdy·(z − μ) per channel.
    static func gradientSums(_ dy: Tensor, _ z: Tensor, _ layout: PlaneLayout,
                             _ moments: BatchNormKernels.Moments) -> GradientSums {
        let c = layout.channels, isa = KernelSet.active.vectors
        var sumDy = [Double](repeating: 0, count: c), sumDyCentered = sumDy
        dy.data.withUnsafeBufferPointer { dys in
        z.data.withUnsafeBufferPointer { zs in
        sumDy.withUnsafeMutableBufferPointer { sumOut in
        sumDyCentered.withUnsafeMutableBufferPointer { centeredOut in
            let (dy, z) = (dys.baseAddress!, zs.baseAddress!)
            Parallel.forEach(chunks: c) { ch in
                let mu = SIMD8<Float>(repeating: moments.mean[ch])
                var total = 0.0, centered = 0.0
                for n in 0..<layout.batch {
                    let base = layout.plane(n, ch)
                    let (g, zp) = (dy + base, z + base)
                    if isa != .swift {
                        let (s, q) = withPair { rednas_bn_gradient_sums(isa.cValue, g, zp, layout.planeSize, mu[0], $0) }
                        total += s; centered += q
                        continue
                    }
                    var s = SIMD8<Float>(), q = SIMD8<Float>()
                    var i = 0
                    while i + 8 <= layout.planeSize {
                        let gv = load8(g + i)
                        s += gv; q += gv * (load8(zp + i) - mu)
                        i += 8
                    }
                    total += Double(s.sum()); centered += Double(q.sum())
                    while i < layout.planeSize {
                        total += Double(g[i]); centered += Double(g[i]) * Double(zp[i] - mu[0]); i += 1
                    }
                }
                sumOut[ch] = total
                centeredOut[ch] = centered
            }
        }
        }
        }
        }
        return GradientSums(outputGradient: sumDy, outputGradientTimesCentered: sumDyCentered)
    }

    /// dγ = Σdy·x̂ = invstd·Σdy·(z − μ) and dβ = Σdy, each [C].
    static func affineGradients(_ sums: GradientSums, _ moments: BatchNormKernels.Moments) -> (gamma: Tensor, beta: Tensor) {
        let c = sums.outputGradient.count
        let dgamma = (0..<c).map { Float(sums.outputGradientTimesCentered[$0] * Double(moments.inverseStd[$0])) }
        return (Tensor(shape: [c], data: dgamma), Tensor(shape: [c], data: sums.outputGradient.map { Float($0) }))
    }

    /// The per-channel (A, B, C) of dz = A·dy + B·z + C (applied by `ChannelAffine`). Training: dz = γ·invstd·(dy − Σdy/M −
    /// x̂·Σdy·x̂/M); evaluation statistics are constants, so dz = γ·invstd·dy (B = C = 0).
    static func inputGradientCoefficients(_ layout: PlaneLayout, _ moments: BatchNormKernels.Moments,
                                          _ sums: GradientSums, gamma: Tensor,
                                          training: Bool) -> (a: [Float], b: [Float], c: [Float]) {
        let m = Double(layout.valuesPerChannel)
        var (a, b, c) = ([Float](), [Float](), [Float]())
        for ch in 0..<layout.channels {
            let inv = Double(moments.inverseStd[ch])
            let k = Double(gamma.data[ch]) * inv
            a.append(Float(k))
            if training {
                let dgamma = sums.outputGradientTimesCentered[ch] * inv
                let slope = -k * inv * dgamma / m
                b.append(Float(slope))
                c.append(Float(-k * sums.outputGradient[ch] / m - slope * Double(moments.mean[ch])))
            } else {
                b.append(0); c.append(0)
            }
        }
        return (a, b, c)
    }

    /// The two values a C kernel writes to the pointer it is given.
    @inline(__always)
    static func withPair(_ body: (UnsafeMutablePointer<Double>) -> Void) -> (Double, Double) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2) { pair in
            body(pair.baseAddress!)
            return (pair[0], pair[1])
        }
    }

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
