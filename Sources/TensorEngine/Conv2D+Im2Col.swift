/// Convolution kernels: im2col + GEMM forward, and both backward products
/// (dX = col2im(Wᵀ·dY), dW = Σₙ dYₙ·colsₙᵀ). Images are split into chunks processed in parallel;
/// each chunk reuses one column buffer and sums its own dW partial, and partials are added in
/// chunk order, so results do not depend on the thread count.
enum Conv2DKernels {
    static func forward(input: Tensor, weight: Tensor, _ geo: ConvGeometry) -> Tensor {
        var out = Tensor.zeros(geo.outputShape)
        let chunks = Parallel.chunkCount(items: geo.batch)
        input.data.withUnsafeBufferPointer { x in
            weight.data.withUnsafeBufferPointer { w in
                out.data.withUnsafeMutableBufferPointer { y in
                    let (x, w, y) = (x.baseAddress!, w.baseAddress!, y.baseAddress!)
                    Parallel.forEach(chunks: chunks) { chunk in
                        var cols = [Float](repeating: 0, count: geo.isPointwise ? 0 : geo.patchSize * geo.outPixels)
                        cols.withUnsafeMutableBufferPointer { colsBuffer in
                            for n in Parallel.range(ofChunk: chunk, of: chunks, items: geo.batch) {
                                let image = x + n * geo.inputImageSize
                                let columns: UnsafePointer<Float>
                                if geo.isPointwise {
                                    columns = image
                                } else {
                                    im2col(image, geo, into: colsBuffer.baseAddress!)
                                    columns = UnsafePointer(colsBuffer.baseAddress!)
                                }
                                BLAS.sgemm(m: geo.outChannels, n: geo.outPixels, k: geo.patchSize,
                                           a: w, lda: geo.patchSize, b: columns, ldb: geo.outPixels,
                                           c: y + n * geo.outputImageSize, ldc: geo.outPixels)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func backward(input: Tensor, weight: Tensor, outputGradient: Tensor, _ geo: ConvGeometry,
                         needInput: Bool, needWeight: Bool) -> (Tensor?, Tensor?) {
        var dx = needInput ? Tensor.zeros(input.shape) : nil
        let chunks = Parallel.chunkCount(items: geo.batch)
        let weightCount = geo.outChannels * geo.patchSize
        // One dW partial per chunk, reduced in chunk order afterwards.
        var partials = [Float](repeating: 0, count: needWeight ? chunks * weightCount : 0)
        var dxData = dx?.data ?? []
        input.data.withUnsafeBufferPointer { x in
        weight.data.withUnsafeBufferPointer { w in
        outputGradient.data.withUnsafeBufferPointer { dy in
        dxData.withUnsafeMutableBufferPointer { dxBuffer in
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            let (x, w, dy) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!)
            // (An empty array may still have a base address: decide by the flags, not by nil.)
            let dxBase = needInput ? dxBuffer.baseAddress : nil
            let partialBase = needWeight ? partialBuffer.baseAddress : nil
            Parallel.forEach(chunks: chunks) { chunk in
                let scratchCount = geo.isPointwise ? 0 : geo.patchSize * geo.outPixels
                var cols = [Float](repeating: 0, count: needWeight ? scratchCount : 0)
                var dcols = [Float](repeating: 0, count: needInput ? scratchCount : 0)
                cols.withUnsafeMutableBufferPointer { colsBuffer in
                dcols.withUnsafeMutableBufferPointer { dcolsBuffer in
                    var first = true
                    for n in Parallel.range(ofChunk: chunk, of: chunks, items: geo.batch) {
                        let dyImage = dy + n * geo.outputImageSize
                        if needInput, let dxBase {
                            let dxImage = dxBase + n * geo.inputImageSize
                            // dcols [Cin·k·k, Ho·Wo] = Wᵀ · dY
                            let target = geo.isPointwise ? dxImage : dcolsBuffer.baseAddress!
                            BLAS.sgemm(transA: true, m: geo.patchSize, n: geo.outPixels, k: geo.outChannels,
                                       a: w, lda: geo.patchSize, b: dyImage, ldb: geo.outPixels,
                                       c: target, ldc: geo.outPixels)
                            if !geo.isPointwise { col2im(UnsafePointer(target), geo, addingInto: dxImage) }
                        }
                        if needWeight, let partialBase {
                            let image = x + n * geo.inputImageSize
                            let columns: UnsafePointer<Float>
                            if geo.isPointwise {
                                columns = image
                            } else {
                                im2col(image, geo, into: colsBuffer.baseAddress!)
                                columns = UnsafePointer(colsBuffer.baseAddress!)
                            }
                            // partial [Cout, Cin·k·k] += dY [Cout, Ho·Wo] · colsᵀ
                            BLAS.sgemm(transB: true, m: geo.outChannels, n: geo.patchSize, k: geo.outPixels,
                                       a: dyImage, lda: geo.outPixels, b: columns, ldb: geo.outPixels,
                                       beta: first ? 0 : 1, c: partialBase + chunk * weightCount, ldc: geo.patchSize)
                        }
                        first = false
                    }
                }
                }
            }
        }
        }
        }
        }
        }
        if needInput { dx!.data = dxData }
        guard needWeight else { return (dx, nil) }
        var dw = Tensor.zeros(weight.shape)
        dw.data.withUnsafeMutableBufferPointer { d in
            partials.withUnsafeBufferPointer { p in
                for c in 0..<chunks {
                    let base = c * weightCount
                    for i in 0..<weightCount { d[i] += p[base + i] }
                }
            }
        }
        return (dx, dw)
    }

    /// Output columns `ox` whose input column `ox·stride + offset` lies in `0..<extent`.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, extent: Int, outExtent: Int) -> Range<Int> {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = extent - 1 - offset
        let hi = last < 0 ? 0 : min(outExtent, last / stride + 1)
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Unfolds one image [Cin, H, W] into columns [Cin·k·k, Ho·Wo] (row = (c·k + ky)·k + kx).
    static func im2col(_ image: UnsafePointer<Float>, _ geo: ConvGeometry, into cols: UnsafeMutablePointer<Float>) {
        let (k, s, p, h, w) = (geo.kernel, geo.stride, geo.padding, geo.height, geo.width)
        let (ho, wo) = (geo.outHeight, geo.outWidth)
        for c in 0..<geo.inChannels {
            let plane = image + c * h * w
            for ky in 0..<k {
                let rows = validRange(offset: ky - p, stride: s, extent: h, outExtent: ho)
                for kx in 0..<k {
                    let row = cols + ((c * k + ky) * k + kx) * ho * wo
                    let columns = validRange(offset: kx - p, stride: s, extent: w, outExtent: wo)
                    for oy in 0..<ho {
                        let dst = row + oy * wo
                        guard rows.contains(oy), !columns.isEmpty else {
                            dst.update(repeating: 0, count: wo); continue
                        }
                        let src = plane + (oy * s + ky - p) * w + (kx - p)
                        for ox in 0..<columns.lowerBound { dst[ox] = 0 }
                        if s == 1 {
                            (dst + columns.lowerBound).update(from: src + columns.lowerBound, count: columns.count)
                        } else {
                            for ox in columns { dst[ox] = src[ox * s] }
                        }
                        for ox in columns.upperBound..<wo { dst[ox] = 0 }
                    }
                }
            }
        }
    }

    /// Folds columns [Cin·k·k, Ho·Wo] back onto one image [Cin, H, W], adding overlapping entries
    /// (the adjoint of `im2col`).
    static func col2im(_ cols: UnsafePointer<Float>, _ geo: ConvGeometry, addingInto image: UnsafeMutablePointer<Float>) {
        let (k, s, p, h, w) = (geo.kernel, geo.stride, geo.padding, geo.height, geo.width)
        let (ho, wo) = (geo.outHeight, geo.outWidth)
        for c in 0..<geo.inChannels {
            let plane = image + c * h * w
            for ky in 0..<k {
                let rows = validRange(offset: ky - p, stride: s, extent: h, outExtent: ho)
                for kx in 0..<k {
                    let row = cols + ((c * k + ky) * k + kx) * ho * wo
                    let columns = validRange(offset: kx - p, stride: s, extent: w, outExtent: wo)
                    for oy in rows {
                        let src = row + oy * wo
                        let dst = plane + (oy * s + ky - p) * w + (kx - p)
                        for ox in columns { dst[ox * s] += src[ox] }
                    }
                }
            }
        }
    }
}
