/// Winograd F(4×4, 3×3) convolution for 3×3 kernels with stride 1 and padding 1, for the forward
/// product and both backward products.
///
/// Each 4×4 output tile is `Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` for the 6×6 input patch d around it, so a
/// tile costs 36 multiplies per (in, out) channel pair instead of 144 (F(2×2, 3×3): 64 for the same
/// four 2×2 tiles). The products are organised as in `Winograd2x2Kernels`, with 36 ξ planes:
/// transformed inputs V[ξ][Cin][tiles], weights U[ξ][Cout][Cin], 36 GEMMs M[ξ] = U[ξ]·V[ξ] per
/// chunk of images, then the output transform.
/// - dX is the same convolution of dY with the weights flipped and transposed.
/// - dW = Gᵀ[Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)]G, i.e. 36 GEMMs dU[ξ] = dM[ξ]·V[ξ]ᵀ.
///
/// Float32 error: the transforms scale values by up to 10 per dimension (Bᵀ rows) and 8 (Aᵀ), so
/// rounding errors are about 10–20× those of F(2×2) (measured relative to the largest output: a few
/// 1e-6 forward, 1e-5 for dW sums over many tiles) — fine for training, not bit-compatible with
/// the direct convolution.
///
/// Images are processed in chunks fixed by the problem size (see `Tiling`); dW partials are added
/// in chunk order, so results do not depend on the thread count. The transforms run on 8
/// consecutive tiles at once (SIMD8, see the transforms file).
enum Winograd4x4Kernels: SamePadding3x3Kernels {
    /// How one same-size 3×3 convolution is cut into 4×4 tiles and chunks of images.
    struct Tiling {
        let height, width, tilesY, tilesX: Int
        let chunks: ImageChunks
        init(batch: Int, height: Int, width: Int, widestChannels: Int) {
            (self.height, self.width) = (height, width)
            (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
            // Transformed values per ξ plane of the widest side: 8 K for OpenBLAS, whose packing
            // per call wants long rows (V and M near 1 MB each); 2 K where the products run in
            // registers, so that V and M (300 KB each) stay in L2.
            let perPlane = multipliesInRegisters(inner: widestChannels) ? 2_048 : 8_192
            let targetTiles = max(1, perPlane / max(1, widestChannels))
            chunks = ImageChunks(batch: batch, targetImages: targetTiles / (tilesY * tilesX))
        }
        var tilesPerImage: Int { tilesY * tilesX }
        /// Side lengths of a zero-bordered plane holding every tile's 6×6 patch.
        var paddedHeight: Int { 4 * tilesY + 2 }
        var paddedWidth: Int { 4 * tilesX + 2 }
    }

    /// The buffers of one chunk: `tiles` tiles stored in runs of `run` (whole SIMD8 vectors) per channel.
    struct ChunkLayout {
        let tiles, run: Int
        init(images: Int, _ t: Tiling) {
            tiles = images * t.tilesPerImage
            run = (tiles + 7) / 8 * 8
        }
        /// Distance between the ξ planes of a transformed block of `channels` channels. Not a
        /// multiple of a large power of two: every tile touches all 36 planes, and planes a large
        /// power of two apart would map to the same L1 sets (see `Winograd2x2Kernels.planeStride`).
        func planeStride(channels: Int) -> Int { channels * run + 32 }
    }

    // MARK: Products

    /// dW [Cout, Cin, 3, 3] for input `x` (taken through a ReLU first when `rectifyInput`) and dY.
    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool = false,
                               outputGradient dy: UnsafePointer<Float>, _ geo: ConvGeometry) -> Tensor {
        precondition(applies(geo), "Winograd F(4×4, 3×3) needs a 3×3, stride-1, padding-1 convolution")
        let (cin, cout) = (geo.inChannels, geo.outChannels)
        let tiling = Tiling(batch: geo.batch, height: geo.height, width: geo.width, widestChannels: max(cin, cout))
        let chunks = tiling.chunks.count, uCount = 36 * cout * cin
        // Chunks are summed in a few groups of consecutive chunks, each into its own partial (the
        // GEMMs accumulate in chunk order), so the partials stay few whatever the batch.
        let groups = Parallel.chunkCount(items: chunks, maxChunks: maximumGroups)
        var partials = [Float](repeating: 0, count: groups * uCount)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            let partialBase = partialBuffer.baseAddress!
            Parallel.forEach(chunks: groups) { group in
                let largest = ChunkLayout(images: min(geo.batch, tiling.chunks.imagesPerChunk), tiling)
                ScratchBuffer.with(36 * largest.planeStride(channels: cin), 36 * largest.planeStride(channels: cout),
                            scratchSize(tiling, largest)) { v, dm, scratch in
                    let target = partialBase + group * uCount
                    for chunk in Parallel.range(ofChunk: group, of: groups, items: chunks) {
                        let images = tiling.chunks.images(ofChunk: chunk)
                        let layout = ChunkLayout(images: images.count, tiling)
                        let (vStride, mStride) = (layout.planeStride(channels: cin), layout.planeStride(channels: cout))
                        transformInputs(x, images, channels: cin, tiling, layout, rectify: rectifyInput,
                                        scratch: scratch, into: v)
                        transformOutputGradients(dy, images, channels: cout, tiling, layout, scratch: scratch, into: dm)
                        accumulateWeightProducts(dm, mStride, v, vStride, outChannels: cout, inChannels: cin, layout,
                                                 into: target)
                    }
                }
            }
        }
        return weightGradientFromTransformed(partials, partials: groups, outChannels: cout, inChannels: cin)
    }

    /// dX (stored as `io` says) and dW in one pass over the chunks: each chunk of dY is read and
    /// gathered into 6×6 patches once, for both its dX transform Bᵀ e B and its dW transform
    /// A e Aᵀ (see `transformInputs`). The chunks run in the groups of `weightGradient`, and every
    /// product is the one `inputGradient` and `weightGradient` compute, so the results are
    /// bit-identical to calling those two. With `outputGradientAffine`, dY is that affine map of
    /// `dy` (computed as it is read; bit-identical to passing the stored result).
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        products(x, rectifyInput: rectifyInput, dy, affine: nil, weight: weight, geo, io: io, into: dx)
    }

    /// `backward` with dY = `affine` applied to `dy`.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        products(x, rectifyInput: rectifyInput, dy, affine: affine, weight: weight, geo, io: io, into: dx)
    }

    /// The one-pass backward of `backward`, with dY the `affine` map of `dy` when given.
    static func products(_ x: UnsafePointer<Float>, rectifyInput: Bool, _ dy: UnsafePointer<Float>,
                         affine: ChannelAffine?, weight: Tensor, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>) -> Tensor {
        precondition(applies(geo), "Winograd F(4×4, 3×3) needs a 3×3, stride-1, padding-1 convolution")
        precondition(!io.rectifyInput, "dX reads dY as is; pass the forward's ReLU as rectifyInput")
        let (cin, cout) = (geo.inChannels, geo.outChannels)
        let flipped = transformedWeights(weight, outChannels: cout, inChannels: cin, flipped: true)  // [36][Cin][Cout]
        let tiling = Tiling(batch: geo.batch, height: geo.height, width: geo.width, widestChannels: max(cin, cout))
        let chunks = tiling.chunks.count, uCount = 36 * cout * cin
        let groups = Parallel.chunkCount(items: chunks, maxChunks: maximumGroups)
        var partials = [Float](repeating: 0, count: groups * uCount)
        flipped.withUnsafeBufferPointer { flippedBuffer in
            partials.withUnsafeMutableBufferPointer { partialBuffer in
                let (u, partialBase) = (flippedBuffer.baseAddress!, partialBuffer.baseAddress!)
                Parallel.forEach(chunks: groups) { group in
                    let largest = ChunkLayout(images: min(geo.batch, tiling.chunks.imagesPerChunk), tiling)
                    let (inSize, outSize) = (36 * largest.planeStride(channels: cin), 36 * largest.planeStride(channels: cout))
                    // dY's two transforms; then the dX products, whose buffer then takes x's transform.
                    ScratchBuffer.with(outSize, outSize, inSize + scratchSize(tiling, largest)) { vdy, dm, rest in
                        let (products, scratch) = (rest, rest + inSize)
                        for chunk in Parallel.range(ofChunk: group, of: groups, items: chunks) {
                            let images = tiling.chunks.images(ofChunk: chunk)
                            let layout = ChunkLayout(images: images.count, tiling)
                            let (inStride, outStride) = (layout.planeStride(channels: cin), layout.planeStride(channels: cout))
                            transformInputs(dy, images, channels: cout, tiling, layout, affine: affine, scratch: scratch,
                                            into: vdy, gradientsInto: dm)
                            multiply(u, vdy, outStride, rows: cin, inner: cout, layout, into: products, inStride)
                            transformOutputs(products, images, channels: cin, tiling, layout, mask: io.outputMask,
                                             accumulate: io.accumulate, scratch: scratch, into: dx)
                            let v = products
                            transformInputs(x, images, channels: cin, tiling, layout, rectify: rectifyInput,
                                            scratch: scratch, into: v)
                            accumulateWeightProducts(dm, outStride, v, inStride, outChannels: cout, inChannels: cin,
                                                     layout, into: partialBase + group * uCount)
                        }
                    }
                }
            }
        }
        return weightGradientFromTransformed(partials, partials: groups, outChannels: cout, inChannels: cin)
    }

    /// The most groups of chunks a backward pass sums dW over, one partial each: as many as
    /// `ImageChunks.minimumCount`, so that two workers can still even out a core that is busy
    /// elsewhere (with 4, one late group left the other core idle for up to a quarter of the pass).
    static let maximumGroups = ImageChunks.minimumCount

    /// Whether the products of a chunk run in `SmallProducts` instead of OpenBLAS: M[ξ] = U[ξ]·V[ξ]
    /// with at most 16 channels summed, dU[ξ] with at most 16 × 16 entries. There OpenBLAS packs
    /// its operands about as long as it multiplies; from 32 channels on it is as fast as the
    /// register products.
    static func multipliesInRegisters(inner: Int) -> Bool { inner <= 16 }
    static func multipliesInRegisters(rows: Int, cols: Int) -> Bool { rows * cols <= 256 }

    /// dU[ξ] [Cout, Cin] += dM[ξ] [Cout, P] · V[ξ]ᵀ [P, Cin] for the 36 ξ planes of one chunk.
    @inline(__always)
    static func accumulateWeightProducts(_ dm: UnsafePointer<Float>, _ mStride: Int, _ v: UnsafePointer<Float>,
                                         _ vStride: Int, outChannels cout: Int, inChannels cin: Int,
                                         _ layout: ChunkLayout, into du: UnsafeMutablePointer<Float>) {
        let inRegisters = multipliesInRegisters(rows: cout, cols: cin)
        for xi in 0..<36 {
            if inRegisters {
                SmallProducts.accumulateTransposed(rows: cout, cols: cin, inner: layout.tiles, dm + xi * mStride,
                                                   lda: layout.run, v + xi * vStride, ldb: layout.run,
                                                   into: du + xi * cout * cin, ldc: cin)
            } else {
                BLAS.sgemm(transB: true, m: cout, n: cin, k: layout.tiles, a: dm + xi * mStride, lda: layout.run,
                           b: v + xi * vStride, ldb: layout.run, beta: 1, c: du + xi * cout * cin, ldc: cin)
            }
        }
    }

    /// M[ξ] [rows, P] = U[ξ] [rows, inner] · V[ξ] [inner, P] for the 36 ξ planes of one chunk. The
    /// spare lanes after each run of M are defined (the output transform reads them): computed
    /// from V's in registers, zeroed for OpenBLAS.
    @inline(__always)
    static func multiply(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ vStride: Int, rows: Int, inner: Int,
                         _ layout: ChunkLayout, into m: UnsafeMutablePointer<Float>, _ mStride: Int) {
        if multipliesInRegisters(inner: inner) {
            // Whole runs: the spare lanes of V are finite, so M's get defined values too.
            for xi in 0..<36 {
                SmallProducts.multiply(rows: rows, cols: layout.run, inner: inner, u + xi * rows * inner, lda: inner,
                                       v + xi * vStride, ldb: layout.run, into: m + xi * mStride, ldc: layout.run)
            }
            return
        }
        for xi in 0..<36 {
            for o in 0..<rows {
                (m + xi * mStride + o * layout.run + layout.tiles).update(repeating: 0, count: layout.run - layout.tiles)
            }
            BLAS.sgemm(m: rows, n: layout.tiles, k: inner, a: u + xi * rows * inner, lda: inner,
                       b: v + xi * vStride, ldb: layout.run, c: m + xi * mStride, ldc: layout.run)
        }
    }

    // MARK: Core

    /// out [N, outC, H, W] = 3×3 same convolution of `x` [N, inC, H, W] with transformed weights
    /// `u` [36][outC][inC], reading and writing as `io` says.
    static func convolve(_ x: UnsafePointer<Float>, _ u: [Float], batch: Int, inChannels: Int, outChannels: Int,
                         height: Int, width: Int, io: ConvIO, into out: UnsafeMutablePointer<Float>) {
        let tiling = Tiling(batch: batch, height: height, width: width, widestChannels: max(inChannels, outChannels))
        u.withUnsafeBufferPointer { uBuffer in
            let u = uBuffer.baseAddress!
            Parallel.forEach(chunks: tiling.chunks.count) { chunk in
                let images = tiling.chunks.images(ofChunk: chunk)
                let layout = ChunkLayout(images: images.count, tiling)
                let (vStride, mStride) = (layout.planeStride(channels: inChannels), layout.planeStride(channels: outChannels))
                ScratchBuffer.with(36 * vStride, 36 * mStride, scratchSize(tiling, layout)) { v, m, scratch in
                    transformInputs(x, images, channels: inChannels, tiling, layout, rectify: io.rectifyInput,
                                    scratch: scratch, into: v)
                    multiply(u, v, vStride, rows: outChannels, inner: inChannels, layout, into: m, mStride)
                    transformOutputs(m, images, channels: outChannels, tiling, layout, mask: io.outputMask,
                                     accumulate: io.accumulate, scratch: scratch, into: out)
                }
            }
        }
    }
}
