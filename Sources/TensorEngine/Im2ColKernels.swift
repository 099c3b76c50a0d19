/// Convolution kernels: im2col + GEMM forward, and both backward products
/// (dX = col2im(Wᵀ·dY), dW = Σₙ dYₙ·colsₙᵀ). Images are split into chunks processed in parallel;
/// each chunk reuses one column buffer and sums its own dW partial, and partials are added in
/// chunk order, so results do not depend on the thread count.
enum Im2ColKernels: ConvolutionProducts {
    /// y = (rectifyInput ? relu(x) : x) ⊛ w, written (not added) into `y`.
    static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool = false, weight: Tensor, _ geo: ConvGeometry,
                        into y: UnsafeMutablePointer<Float>) {
        forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, adding: false, into: y)
    }

    /// y += (rectifyInput ? relu(x) : x) ⊛ w: the GEMM adds into `y` (β = 1).
    static func forwardAdding(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                              into y: UnsafeMutablePointer<Float>) {
        forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, adding: true, into: y)
    }

    private static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                                adding: Bool, into y: UnsafeMutablePointer<Float>) {
        let chunks = Parallel.chunkCount(items: geo.batch)
        // A pointwise conv reads the image as its column matrix, unless it must be rectified first.
        let direct = geo.isPointwise && !rectifyInput
        weight.data.withUnsafeBufferPointer { w in
            let w = w.baseAddress!
            Parallel.forEach(chunks: chunks) { chunk in
                ScratchBuffer.with(direct ? 0 : geo.patchSize * geo.outPixels) { cols in
                    for n in Parallel.range(ofChunk: chunk, of: chunks, items: geo.batch) {
                        let columns = columnsOf(x + n * geo.inputImageSize, geo, rectify: rectifyInput,
                                                direct: direct, scratch: cols)
                        BLAS.sgemm(m: geo.outChannels, n: geo.outPixels, k: geo.patchSize,
                                   a: w, lda: geo.patchSize, b: columns, ldb: geo.outPixels,
                                   beta: adding ? 1 : 0, c: y + n * geo.outputImageSize, ldc: geo.outPixels)
                    }
                }
            }
        }
    }

    /// The im2col matrix of one image: the image itself when `direct`, else unfolded (and rectified)
    /// into `scratch`.
    @inline(__always)
    static func columnsOf(_ image: UnsafePointer<Float>, _ geo: ConvGeometry, rectify: Bool, direct: Bool,
                          scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if direct { return image }
        im2col(image, geo, rectify: rectify, into: scratch)
        return UnsafePointer(scratch)
    }

    static func backward(input: Tensor, weight: Tensor, outputGradient: Tensor, _ geo: ConvGeometry,
                         needInput: Bool, needWeight: Bool) -> (Tensor?, Tensor?) {
        var dx = needInput ? Tensor.zeros(input.shape) : nil
        var dxData = dx?.data ?? []
        let dw: Tensor? = input.data.withUnsafeBufferPointer { x in
            outputGradient.data.withUnsafeBufferPointer { dy in
                dxData.withUnsafeMutableBufferPointer { dxBuffer in
                    // (An empty array may still have a base address: decide by the flag, not by nil.)
                    backward(input: x.baseAddress!, weight: weight, outputGradient: dy.baseAddress!, geo,
                             inputGradient: needInput ? dxBuffer.baseAddress : nil, io: ConvIO(),
                             needWeight: needWeight)
                }
            }
        }
        if needInput { dx!.data = dxData }
        return (dx, dw)
    }

    /// Both backward products (`ConvolutionProducts.backward`): one pass over the batch.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        precondition(!io.rectifyInput, "dX reads dY as is; pass the forward's ReLU as rectifyInput")
        let io = ConvIO(rectifyInput: rectifyInput, outputMask: io.outputMask, accumulate: io.accumulate)
        return backward(input: x, weight: weight, outputGradient: dy, geo, inputGradient: dx, io: io, needWeight: true)!
    }

    /// Both backward products from pointers. When `inputGradient` is given, dX is stored into it as
    /// `io` says (`io.outputMask`: a ReLU backward; `io.accumulate`: add instead of overwrite);
    /// `io.rectifyInput` means the forward convolved relu(x), which dW then uses. Returns dW when
    /// `needWeight`.
    static func backward(input x: UnsafePointer<Float>?, weight: Tensor, outputGradient dy: UnsafePointer<Float>,
                         _ geo: ConvGeometry, inputGradient dxBase: UnsafeMutablePointer<Float>?, io: ConvIO,
                         needWeight: Bool) -> Tensor? {
        precondition(!needWeight || x != nil, "dW needs the input")
        let chunks = Parallel.chunkCount(items: geo.batch)
        let weightCount = geo.outChannels * geo.patchSize
        let needInput = dxBase != nil
        let direct = geo.isPointwise && !io.rectifyInput
        // dX lands in the target directly only when it is a plain overwrite-free sum of a pointwise GEMM.
        let dxDirect = geo.isPointwise && io.outputMask == nil && !io.accumulate
        // One dW partial per chunk, reduced in chunk order afterwards.
        var partials = [Float](repeating: 0, count: needWeight ? chunks * weightCount : 0)
        weight.data.withUnsafeBufferPointer { w in
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            let w = w.baseAddress!
            let partialBase = needWeight ? partialBuffer.baseAddress : nil
            Parallel.forEach(chunks: chunks) { chunk in
                // Every value of the three parts is written before it is read: im2col fills all of
                // cols, the GEMM all of dcols, and dimage is cleared per image before col2im adds.
                ScratchBuffer.with(needWeight && !direct ? geo.patchSize * geo.outPixels : 0,
                                   needInput && !dxDirect ? geo.patchSize * geo.outPixels : 0,
                                   needInput && !dxDirect && !geo.isPointwise ? geo.inputImageSize : 0) { cols, dcols, dimage in
                    var first = true
                    for n in Parallel.range(ofChunk: chunk, of: chunks, items: geo.batch) {
                        let dyImage = dy + n * geo.outputImageSize
                        if let dxBase {
                            let dxImage = dxBase + n * geo.inputImageSize
                            // dcols [Cin·k·k, Ho·Wo] = Wᵀ · dY
                            let target = dxDirect ? dxImage : dcols
                            BLAS.sgemm(transA: true, m: geo.patchSize, n: geo.outPixels, k: geo.outChannels,
                                       a: w, lda: geo.patchSize, b: dyImage, ldb: geo.outPixels,
                                       c: target, ldc: geo.outPixels)
                            if !dxDirect {
                                // The image's dX: the GEMM result itself (pointwise) or its col2im fold.
                                var source = UnsafePointer(target)
                                if !geo.isPointwise {
                                    let folded = dimage
                                    folded.update(repeating: 0, count: geo.inputImageSize)
                                    col2im(UnsafePointer(target), geo, addingInto: folded)
                                    source = UnsafePointer(folded)
                                }
                                store(source, count: geo.inputImageSize, into: dxImage,
                                      mask: io.outputMask.map { $0 + n * geo.inputImageSize }, accumulate: io.accumulate)
                            }
                        }
                        if let partialBase, let x {
                            let columns = columnsOf(x + n * geo.inputImageSize, geo, rectify: io.rectifyInput,
                                                    direct: direct, scratch: cols)
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
        guard needWeight else { return nil }
        return Tensor(shape: weight.shape, data: ChunkSum.ordered(partials, chunks: chunks))
    }

    /// dX alone, stored into `dx` as `io` says.
    static func inputGradient(outputGradient dy: UnsafePointer<Float>, weight: Tensor, _ geo: ConvGeometry,
                              io: ConvIO, into dx: UnsafeMutablePointer<Float>) {
        _ = backward(input: nil, weight: weight, outputGradient: dy, geo, inputGradient: dx, io: io, needWeight: false)
    }

    /// dW [Cout, Cin, k, k] alone, for input x (or relu(x) when `rectifyInput`).
    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                               _ geo: ConvGeometry) -> Tensor {
        // The weight's values only enter dX; a zero stand-in gives dW its shape.
        let shape = [geo.outChannels, geo.inChannels, geo.kernel, geo.kernel]
        return backward(input: x, weight: .zeros(shape), outputGradient: dy, geo, inputGradient: nil,
                        io: ConvIO(rectifyInput: rectifyInput), needWeight: true)!
    }

    /// target (+)= source, zeroed where `mask` ≤ 0.
    @inline(__always)
    static func store(_ source: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<Float>,
                      mask: UnsafePointer<Float>?, accumulate: Bool) {
        switch (mask, accumulate) {
        case (nil, false): target.update(from: source, count: count)
        case (nil, true): for i in 0..<count { target[i] += source[i] }
        case (let m?, false): for i in 0..<count { target[i] = m[i] > 0 ? source[i] : 0 }
        case (let m?, true): for i in 0..<count { target[i] += m[i] > 0 ? source[i] : 0 }
        }
    }

    /// Output columns `ox` whose input column `ox·stride + offset` lies in `0..<extent`.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, extent: Int, outExtent: Int) -> Range<Int> {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = extent - 1 - offset
        let hi = last < 0 ? 0 : min(outExtent, last / stride + 1)
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Unfolds one image [Cin, H, W] (or, `rectify`, its ReLU) into columns [Cin·k·k, Ho·Wo]
    /// (row = (c·k + ky)·k + kx).
    static func im2col(_ image: UnsafePointer<Float>, _ geo: ConvGeometry, rectify: Bool = false,
                       into cols: UnsafeMutablePointer<Float>) {
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
                        var first = columns.lowerBound  // The first column not yet copied.
                        if s == 2 { first = copyEvenColumns(src, columns, rectify: rectify, into: dst) }
                        if rectify {
                            for ox in first..<columns.upperBound { dst[ox] = max(src[ox * s], 0) }
                        } else if s == 1 {
                            (dst + first).update(from: src + first, count: columns.upperBound - first)
                        } else {
                            for ox in first..<columns.upperBound { dst[ox] = src[ox * s] }
                        }
                        for ox in columns.upperBound..<wo { dst[ox] = 0 }
                    }
                }
            }
        }
    }

    /// dst[ox] = src[2·ox] (or its ReLU) for the columns of `columns` in whole groups of 8, reading
    /// no further than src[2·(columns.upperBound − 1)]; returns the first column left to copy.
    @inline(__always)
    static func copyEvenColumns(_ src: UnsafePointer<Float>, _ columns: Range<Int>, rectify: Bool,
                                into dst: UnsafeMutablePointer<Float>) -> Int {
        typealias Vector = SIMD8<Float>
        var ox = columns.lowerBound
        while ox + 8 <= columns.upperBound {
            // Inputs 0…7 and 7…14 of the group: its 8 even inputs are lanes 0, 2, 4, 6 and 1, 3, 5, 7.
            let a = UnsafeRawPointer(src + 2 * ox).loadUnaligned(as: Vector.self)
            let b = UnsafeRawPointer(src + 2 * ox + 7).loadUnaligned(as: Vector.self)
            var v = Vector(a[0], a[2], a[4], a[6], b[1], b[3], b[5], b[7])
            if rectify { v = v.replacing(with: 0, where: v .< 0) }
            UnsafeMutableRawPointer(dst + ox).storeBytes(of: v, as: Vector.self)
            ox += 8
        }
        return ox
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
