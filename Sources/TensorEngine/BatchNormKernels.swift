/// Per-channel batch-norm kernels. Channels run in parallel; each channel's sums are accumulated
/// in Double in a fixed order, so results do not depend on the thread count.
enum BatchNormKernels {
    /// Per-channel mean and 1/√(var + ε) used to normalise (batch or running statistics), and the
    /// biased batch variance (training only).
    struct Moments {
        var mean: [Float]
        var inverseStd: [Float]
        var variance: [Float]
    }

    static func batchMoments(_ x: Tensor, _ layout: PlaneLayout, epsilon: Float) -> Moments {
        let c = layout.channels
        var mean = [Float](repeating: 0, count: c), variance = mean, inverseStd = mean
        let m = Double(layout.valuesPerChannel)
        x.data.withUnsafeBufferPointer { xs in
            mean.withUnsafeMutableBufferPointer { meanOut in
            variance.withUnsafeMutableBufferPointer { varOut in
            inverseStd.withUnsafeMutableBufferPointer { invOut in
                Parallel.forEach(chunks: c) { ch in
                    var sum = 0.0
                    for n in 0..<layout.batch {
                        let p = xs.baseAddress! + layout.plane(n, ch)
                        for i in 0..<layout.planeSize { sum += Double(p[i]) }
                    }
                    let mu = sum / m
                    var squares = 0.0
                    for n in 0..<layout.batch {
                        let p = xs.baseAddress! + layout.plane(n, ch)
                        for i in 0..<layout.planeSize { let d = Double(p[i]) - mu; squares += d * d }
                    }
                    let v = squares / m
                    meanOut[ch] = Float(mu)
                    varOut[ch] = Float(v)
                    invOut[ch] = Float(1 / (v + Double(epsilon)).squareRoot())
                }
            }
            }
            }
        }
        return Moments(mean: mean, inverseStd: inverseStd, variance: variance)
    }

    static func runningMoments(_ s: BatchNormStatistics) -> Moments {
        let inv = s.runningVariance.data.map { Float(1 / (Double($0) + Double(s.epsilon)).squareRoot()) }
        return Moments(mean: s.runningMean.data, inverseStd: inv, variance: s.runningVariance.data)
    }

    static func updateRunningStatistics(_ s: BatchNormStatistics, with moments: Moments, valuesPerChannel m: Int) {
        let unbias = Float(Double(m) / Double(m - 1))
        let mom = s.momentum
        for c in 0..<s.channels {
            s.runningMean.data[c] = (1 - mom) * s.runningMean.data[c] + mom * moments.mean[c]
            s.runningVariance.data[c] = (1 - mom) * s.runningVariance.data[c] + mom * (moments.variance[c] * unbias)
        }
        s.batchesTracked += 1
    }

    /// y = γ·x̂ + β with x̂ = (x − mean)·invstd; also returns x̂ when backward will need it.
    static func normalize(_ x: Tensor, _ layout: PlaneLayout, _ moments: Moments, gamma: Tensor, beta: Tensor,
                          keepNormalized: Bool) -> (Tensor, Tensor?) {
        var out = x
        var normalized = keepNormalized ? x : nil
        var xhatData = normalized?.data ?? []
        out.data.withUnsafeMutableBufferPointer { y in
        xhatData.withUnsafeMutableBufferPointer { xhat in
            // (An empty array may still have a base address: decide by the flag, not by nil.)
            let (y, xh) = (y.baseAddress!, keepNormalized ? xhat.baseAddress : nil)
            Parallel.forEach(chunks: layout.channels) { c in
                let (mu, inv, g, b) = (moments.mean[c], moments.inverseStd[c], gamma.data[c], beta.data[c])
                for n in 0..<layout.batch {
                    let base = layout.plane(n, c)
                    for i in base..<(base + layout.planeSize) {
                        let v = (y[i] - mu) * inv
                        if let xh { xh[i] = v }
                        y[i] = g * v + b
                    }
                }
            }
        }
        }
        if keepNormalized { normalized!.data = xhatData }
        return (out, normalized)
    }

    static func backward(outputGradient dy: Tensor, normalized xhat: Tensor, _ layout: PlaneLayout,
                         _ moments: Moments, gamma: Tensor, training: Bool, needInput: Bool)
        -> (input: Tensor?, gamma: Tensor, beta: Tensor) {
        let c = layout.channels
        var dgamma = [Float](repeating: 0, count: c), dbeta = dgamma
        var dx = needInput ? Tensor.zeros(dy.shape) : nil
        var dxData = dx?.data ?? []
        let m = Float(layout.valuesPerChannel)
        dy.data.withUnsafeBufferPointer { dys in
        xhat.data.withUnsafeBufferPointer { xhs in
        dgamma.withUnsafeMutableBufferPointer { dg in
        dbeta.withUnsafeMutableBufferPointer { db in
        dxData.withUnsafeMutableBufferPointer { dxs in
            let (dyp, xhp, dxp) = (dys.baseAddress!, xhs.baseAddress!, needInput ? dxs.baseAddress : nil)
            Parallel.forEach(chunks: c) { ch in
                var sumDy = 0.0, sumDyXhat = 0.0
                for n in 0..<layout.batch {
                    let base = layout.plane(n, ch)
                    for i in base..<(base + layout.planeSize) {
                        sumDy += Double(dyp[i]); sumDyXhat += Double(dyp[i]) * Double(xhp[i])
                    }
                }
                dg[ch] = Float(sumDyXhat); db[ch] = Float(sumDy)
                guard let dxp else { return }
                let k = gamma.data[ch] * moments.inverseStd[ch]
                if training {
                    let meanDy = Float(sumDy) / m, meanDyXhat = Float(sumDyXhat) / m
                    for n in 0..<layout.batch {
                        let base = layout.plane(n, ch)
                        for i in base..<(base + layout.planeSize) { dxp[i] = k * (dyp[i] - meanDy - xhp[i] * meanDyXhat) }
                    }
                } else {
                    for n in 0..<layout.batch {
                        let base = layout.plane(n, ch)
                        for i in base..<(base + layout.planeSize) { dxp[i] = k * dyp[i] }
                    }
                }
            }
        }
        }
        }
        }
        }
        if needInput { dx!.data = dxData }
        return (dx, Tensor(shape: [c], data: dgamma), Tensor(shape: [c], data: dbeta))
    }
}
