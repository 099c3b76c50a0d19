import CKernels

/// Direct 3×3 convolution (stride 1, padding 1) for layers of at most 8 channels in and out, the
/// forward product and both backward products.
///
/// With so few channels the Winograd transforms cost more than the multiplies they save (in the
/// 8-channel layers of the C8 N1 proxy the F(4×4) products are under a tenth of the work), while
/// a direct kernel keeps every operand in registers: an output block of 4 channels × 16 pixels of
/// one row is 8 SIMD8 accumulators, and each of the 9 · Cin taps adds a broadcast weight times two
/// input vectors loaded from a zero-bordered copy of the image, with fused multiply-adds
/// (`addProduct`). (Its timings against F(4×4) are in PERFORMANCE.md.)
/// - dX is the same convolution of dY with the weights flipped and transposed.
/// - dW[o][i][ky][kx] = Σ dY[o][y][x] · x[i][y + ky − 1][x + kx − 1]: SIMD8 accumulators per
///   (o, i, tap) over the pixels, summed across lanes per image.
///
/// Images are processed in chunks fixed by the batch size (`ImageChunks`); dW partials are added
/// in chunk order, so results do not depend on the thread count. Results match the direct sum up
/// to float rounding (products summed tap by tap, in a fixed order).
enum Direct3x3Kernels: SamePadding3x3Kernels {
    typealias Vector = SIMD8<Float>

    /// The widest side (in or out channels) these kernels are used for.
    static let maximumChannels = 8

    /// Zero-bordered copies of one image's planes: `channels` planes of (height + 2) rows of `pitch`
    /// floats, pixel (y, x) at row y + 1, column x + 1. Columns past the image stay zero: the
    /// kernels read whole blocks of 16 (8) pixels past its right edge.
    struct Planes {
        let channels, height, width, pitch: Int
        init(channels: Int, height: Int, width: Int) {
            (self.channels, self.height, self.width) = (channels, height, width)
            pitch = (width + 15) / 16 * 16 + 2
        }
        var planeSize: Int { (height + 2) * pitch }
        var count: Int { channels * planeSize }

        /// Copies image `n` of `x` [N, channels, H, W] into the inside of `planes` (zeroed once by
        /// the caller): x itself, relu(x) when `rectify`, or the `affine` map of x.
        @inline(__always)
        func fill(from x: UnsafePointer<Float>, image n: Int, rectify: Bool, affine: ChannelAffine?,
                  into planes: UnsafeMutablePointer<Float>) {
            for c in 0..<channels {
                let coefficients = affine.map { (a: $0.a[c], b: $0.b[c], c: $0.c[c]) }
                for y in 0..<height {
                    let offset = ((n * channels + c) * height + y) * width
                    let dst = planes + c * planeSize + (y + 1) * pitch + 1
                    if let affine, let coefficients {
                        Rows.affine(x + offset, affine.z + offset, count: width, coefficients, into: dst)
                    } else {
                        Rows.copy(x + offset, count: width, rectify: rectify, into: dst)
                    }
                }
            }
        }
    }

    // MARK: Products

    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                               _ geo: ConvGeometry) -> Tensor {
        precondition(applies(geo), "direct convolution needs a 3×3, stride-1, padding-1 convolution")
        return products(x, rectifyInput: rectifyInput, dy, affine: nil, weight: nil, geo, io: ConvIO(), into: nil)
    }

    /// dX (stored as `io` says) and dW in one pass over the images: each image's dY is copied into
    /// zero-bordered planes once, for both. Bit-identical to `inputGradient` and `weightGradient`.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        precondition(applies(geo), "direct convolution needs a 3×3, stride-1, padding-1 convolution")
        precondition(!io.rectifyInput, "dX reads dY as is; pass the forward's ReLU as rectifyInput")
        return products(x, rectifyInput: rectifyInput, dy, affine: nil, weight: weight, geo, io: io, into: dx)
    }

    /// `backward` with dY = `affine` applied to `dy`, formed as each image's dY is copied
    /// (bit-identical to passing the stored map).
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        precondition(applies(geo), "direct convolution needs a 3×3, stride-1, padding-1 convolution")
        precondition(!io.rectifyInput, "dX reads dY as is; pass the forward's ReLU as rectifyInput")
        return products(x, rectifyInput: rectifyInput, dy, affine: affine, weight: weight, geo, io: io, into: dx)
    }

    // MARK: Core

    /// out [N, outC, H, W] = 3×3 same convolution of `x` [N, inC, H, W] with packed weights `w`
    /// (`transformedWeights`), reading and writing as `io` says.
    static func convolve(_ x: UnsafePointer<Float>, _ w: [Float], batch: Int, inChannels: Int, outChannels: Int,
                         height: Int, width: Int, io: ConvIO, into out: UnsafeMutablePointer<Float>) {
        let planes = Planes(channels: inChannels, height: height, width: width)
        let chunks = ImageChunks(batch: batch, targetImages: 4)
        let isa = KernelSet.active.direct3x3
        w.withUnsafeBufferPointer { wBuffer in
            let w = wBuffer.baseAddress!
            Parallel.forEach(chunks: chunks.count) { chunk in
                ScratchBuffer.with(planes.count, zeroed: true) { padded in
                    for n in chunks.images(ofChunk: chunk) {
                        planes.fill(from: x, image: n, rectify: io.rectifyInput, affine: nil, into: padded)
                        convolveImage(isa, padded, planes, weights: w, outChannels: outChannels, image: n,
                                      mask: io.outputMask, accumulate: io.accumulate, into: out)
                    }
                }
            }
        }
    }

    /// dW, and dX into `dx` when given (then `weight` too): per chunk of images, x (rectified) and
    /// dY (mapped) are copied into zero-bordered planes; dW partials are summed in chunk order.
    static func products(_ x: UnsafePointer<Float>, rectifyInput: Bool, _ dy: UnsafePointer<Float>,
                         affine: ChannelAffine?, weight: Tensor?, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>?) -> Tensor {
        let (cin, cout) = (geo.inChannels, geo.outChannels)
        let flipped = weight.map { transformedWeights($0, outChannels: cout, inChannels: cin, flipped: true) } ?? []
        let (xPlanes, dyPlanes) = (Planes(channels: cin, height: geo.height, width: geo.width),
                                   Planes(channels: cout, height: geo.height, width: geo.width))
        // At most 8 chunks, one dW partial each (see `ImageChunks.minimumCount`).
        let chunks = ImageChunks(batch: geo.batch, targetImages: (geo.batch + 7) / 8)
        let wCount = cout * cin * 9
        var partials = [Float](repeating: 0, count: chunks.count * wCount)
        let isa = KernelSet.active.direct3x3
        flipped.withUnsafeBufferPointer { flippedBuffer in
            partials.withUnsafeMutableBufferPointer { partialBuffer in
                let partialBase = partialBuffer.baseAddress!
                Parallel.forEach(chunks: chunks.count) { chunk in
                    ScratchBuffer.with(xPlanes.count + dyPlanes.count, zeroed: true) { scratch in
                        let (xs, ds) = (scratch, scratch + xPlanes.count)
                        for n in chunks.images(ofChunk: chunk) {
                            dyPlanes.fill(from: dy, image: n, rectify: false, affine: affine, into: ds)
                            if let dx, let w = flippedBuffer.baseAddress {
                                convolveImage(isa, ds, dyPlanes, weights: w, outChannels: cin, image: n,
                                              mask: io.outputMask, accumulate: io.accumulate, into: dx)
                            }
                            xPlanes.fill(from: x, image: n, rectify: rectifyInput, affine: nil, into: xs)
                            accumulateWeightGradient(xs, xPlanes, ds, dyPlanes, into: partialBase + chunk * wCount)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [cout, cin, 3, 3], data: ChunkSum.ordered(partials, chunks: chunks.count))
    }

    /// The weights as the kernel reads them: [inC][3][3][outC rounded up to 4], zero past outC, so
    /// that the 4 output channels of a block are adjacent for each tap. `flipped` packs the dX
    /// convolution's weights (in and out swapped, taps rotated by 180°).
    static func transformedWeights(_ weight: Tensor, outChannels cout: Int, inChannels cin: Int, flipped: Bool) -> [Float] {
        let (rows, cols) = flipped ? (cin, cout) : (cout, cin)  // The convolution's out and in channels.
        let pitch = (rows + 3) / 4 * 4
        var packed = [Float](repeating: 0, count: cols * 9 * pitch)
        for o in 0..<cout {
            for i in 0..<cin {
                for tap in 0..<9 {
                    let value = weight.data[(o * cin + i) * 9 + tap]
                    let (row, col, at) = flipped ? (i, o, 8 - tap) : (o, i, tap)
                    packed[(col * 9 + at) * pitch + row] = value
                }
            }
        }
        return packed
    }

    /// `convolveImage` in the variant `isa`: the Swift kernel below, or the C kernel
    /// `rednas_direct3x3_image` (same blocks and summation order) for the portable, AVX2 and
    /// AVX-512 variants.
    @inline(__always)
    static func convolveImage(_ isa: KernelISA, _ src: UnsafePointer<Float>, _ planes: Planes,
                              weights w: UnsafePointer<Float>, outChannels: Int, image n: Int,
                              mask: UnsafePointer<Float>?, accumulate: Bool, into out: UnsafeMutablePointer<Float>) {
        guard isa != .swift else {
            return convolveImage(src, planes, weights: w, outChannels: outChannels, image: n, mask: mask,
                                 accumulate: accumulate, into: out)
        }
        let offset = n * outChannels * planes.height * planes.width
        rednas_direct3x3_image(isa.cValue, src, planes.height, planes.width, planes.pitch, planes.planeSize,
                               planes.channels, w, outChannels, mask.map { $0 + offset }, accumulate ? 1 : 0,
                               out + offset)
    }

    /// One image of the convolution from its zero-bordered planes `src`: output channel o of image
    /// `n` in `out` [N, outChannels, H, W], stored (or added, masked) as `transformOutputs` says.
    /// Blocks of 4 output channels × 16 pixels of one row, 8 accumulators in registers.
    @inline(__always)
    static func convolveImage(_ src: UnsafePointer<Float>, _ planes: Planes, weights w: UnsafePointer<Float>,
                              outChannels: Int, image n: Int, mask: UnsafePointer<Float>?, accumulate: Bool,
                              into out: UnsafeMutablePointer<Float>) {
        let (h, width, pitch, planeSize, channels) = (planes.height, planes.width, planes.pitch, planes.planeSize,
                                                      planes.channels)
        let wPitch = (outChannels + 3) / 4 * 4
        var span = (Vector(), Vector())  // One output channel's 16 pixels, for partial or masked stores.
        for y in 0..<h {
            for x0 in Swift.stride(from: 0, to: width, by: 16) {
                for block in Swift.stride(from: 0, to: outChannels, by: 4) {
                    var (a0, a1, a2, a3) = (Vector(), Vector(), Vector(), Vector())
                    var (b0, b1, b2, b3) = (Vector(), Vector(), Vector(), Vector())
                    // Wrapping index arithmetic: checked products in this loop kept overflow tests
                    // and spilled accumulators (measured 1.8× slower).
                    var row = src + (y &* pitch &+ x0), taps = w + block
                    for _ in 0..<channels {
                        for ky in 0..<3 {
                            let r = row + ky &* pitch, t = taps + (3 &* ky) &* wPitch
                            for kx in 0..<3 {
                                let (v, u) = (load(r + kx), load(r + (kx &+ 8)))
                                let k = t + kx &* wPitch
                                let (k0, k1, k2, k3) = (Vector(repeating: k[0]), Vector(repeating: k[1]),
                                                        Vector(repeating: k[2]), Vector(repeating: k[3]))
                                a0.addProduct(k0, v); b0.addProduct(k0, u)
                                a1.addProduct(k1, v); b1.addProduct(k1, u)
                                a2.addProduct(k2, v); b2.addProduct(k2, u)
                                a3.addProduct(k3, v); b3.addProduct(k3, u)
                            }
                        }
                        row += planeSize; taps += 9 &* wPitch
                    }
                    let count = min(16, width - x0)
                    @inline(__always) func emit(_ k: Int, _ a: Vector, _ b: Vector) {
                        guard block + k < outChannels else { return }
                        let offset = ((n * outChannels + block + k) * h + y) * width + x0
                        if count == 16 && mask == nil && !accumulate {
                            store(a, out + offset); store(b, out + offset + 8)
                            return
                        }
                        span = (a, b)
                        withUnsafeBytes(of: &span) { raw in
                            Rows.store(raw.baseAddress!.assumingMemoryBound(to: Float.self), count: count,
                                                        mask: mask.map { $0 + offset }, accumulate: accumulate,
                                                        into: out + offset)
                        }
                    }
                    emit(0, a0, b0); emit(1, a1, b1); emit(2, a2, b2); emit(3, a3, b3)
                }
            }
        }
    }

    /// dw[o][i][ky][kx] += Σ_{y,x} dY[o][y][x] · x[i][y + ky − 1][x + kx − 1] for one image, from the
    /// zero-bordered planes of x and of dY (zero past the image, so whole 8-pixel blocks add nothing
    /// there). Per (o, i): 9 accumulators over the pixels, then summed across lanes.
    @inline(__always)
    static func accumulateWeightGradient(_ xs: UnsafePointer<Float>, _ xPlanes: Planes, _ ds: UnsafePointer<Float>,
                                         _ dyPlanes: Planes, into dw: UnsafeMutablePointer<Float>) {
        let (h, width, pitch) = (xPlanes.height, xPlanes.width, xPlanes.pitch)
        let (cin, cout) = (xPlanes.channels, dyPlanes.channels)
        // Four output channels × three kernel rows: 12 independent accumulators, enough to hide the
        // multiply-add latency, and 7 loads per 12 multiply-adds. One sweep per kernel column kx:
        // loads at offsets kx, kx + 1, kx + 2 in one sweep were merged by the compiler into
        // shuffles (measured 3–4× slower).
        for o in Swift.stride(from: 0, to: cout, by: 4) {
            // Offsets of the block's dY planes from the first; past the last channel, the last one
            // again (its sums are not stored).
            let (last, size) = (cout - 1, dyPlanes.planeSize)
            let (p1, p2, p3) = ((min(o + 1, last) - o) * size, (min(o + 2, last) - o) * size, (min(o + 3, last) - o) * size)
            for i in 0..<cin {
                for kx in 0..<3 {
                    var (t0, t1, t2, u0, u1, u2) = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
                    var (q0, q1, q2, s0, s1, s2) = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
                    var d = ds + o * size + (pitch + 1), r = xs + i * xPlanes.planeSize + kx
                    for _ in 0..<h {
                        for x0 in Swift.stride(from: 0, to: width, by: 8) {
                            // Wrapping index arithmetic, as in `convolveImage`.
                            let (v0, v1, v2) = (load(r + x0), load(r + (pitch &+ x0)), load(r + (2 &* pitch &+ x0)))
                            let e0 = load(d + x0)
                            t0.addProduct(e0, v0); t1.addProduct(e0, v1); t2.addProduct(e0, v2)
                            let e1 = load(d + (p1 &+ x0))
                            u0.addProduct(e1, v0); u1.addProduct(e1, v1); u2.addProduct(e1, v2)
                            let e2 = load(d + (p2 &+ x0))
                            q0.addProduct(e2, v0); q1.addProduct(e2, v1); q2.addProduct(e2, v2)
                            let e3 = load(d + (p3 &+ x0))
                            s0.addProduct(e3, v0); s1.addProduct(e3, v1); s2.addProduct(e3, v2)
                        }
                        d += pitch; r += pitch
                    }
                    @inline(__always) func add(_ k: Int, _ a: Vector, _ b: Vector, _ c: Vector) {
                        guard o + k < cout else { return }
                        let target = dw + ((o + k) * cin + i) * 9
                        target[kx] += a.sum(); target[3 + kx] += b.sum(); target[6 + kx] += c.sum()
                    }
                    add(0, t0, t1, t2); add(1, u0, u1, u2); add(2, q0, q1, q2); add(3, s0, s1, s2)
                }
            }
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
}
