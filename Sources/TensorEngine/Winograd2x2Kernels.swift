/// Winograd F(2×2, 3×3) convolution for 3×3 kernels with stride 1 and padding 1, for the forward
/// product and both backward products.
///
/// Each 2×2 output tile is `Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` for the 4×4 input patch d around it, so a
/// tile costs 16 multiplies per (in, out) channel pair instead of 36. With the transformed inputs
/// laid out as V[ξ][Cin][tiles] and weights as U[ξ][Cout][Cin] (ξ = the 16 tile positions), the
/// multiplies are 16 GEMMs M[ξ] = U[ξ]·V[ξ] over a chunk of images.
/// - dX is the same convolution of dY with the weights flipped and transposed.
/// - dW = G ᵀ[Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G, i.e. 16 GEMMs dU[ξ] = dM[ξ]·V[ξ]ᵀ.
/// Images are processed in chunks fixed by the problem size (see `Tiling`); dW partials are added
/// in chunk order, so results do not depend on the thread count.
enum Winograd2x2Kernels: SamePadding3x3Kernels {
    /// How one same-size 3×3 convolution is cut into tiles and chunks of images.
    struct Tiling {
        let height, width, tilesY, tilesX: Int
        let chunks: ImageChunks
        init(batch: Int, height: Int, width: Int, widestChannels: Int) {
            (self.height, self.width) = (height, width)
            (tilesY, tilesX) = ((height + 1) / 2, (width + 1) / 2)
            // About 16 K values per transform row block: V stays near 1 MB whatever the width.
            let targetTiles = max(1, 16_384 / max(1, widestChannels))
            chunks = ImageChunks(batch: batch, targetImages: targetTiles / (tilesY * tilesX))
        }
        var tilesPerImage: Int { tilesY * tilesX }
        /// Side lengths of a zero-bordered plane holding every tile's 4×4 patch; the width also covers
        /// the patches of the lanes past the last tile of a row's last vector group.
        var paddedHeight: Int { 2 * tilesY + 2 }
        var paddedWidth: Int { 2 * groupTiles * groups(tilesX: tilesX) + 2 }
    }

    // MARK: Products

    /// dW [Cout, Cin, 3, 3] for input `x` (taken through a ReLU first when `rectifyInput`) and dY.
    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool = false,
                               outputGradient dy: UnsafePointer<Float>, _ geo: ConvGeometry) -> Tensor {
        let (cin, cout) = (geo.inChannels, geo.outChannels)
        let tiling = Tiling(batch: geo.batch, height: geo.height, width: geo.width, widestChannels: max(cin, cout))
        let chunks = tiling.chunks.count, uCount = 16 * cout * cin
        var partials = [Float](repeating: 0, count: chunks * uCount)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            let partialBase = partialBuffer.baseAddress!
            Parallel.forEach(chunks: chunks) { chunk in
                let images = tiling.chunks.images(ofChunk: chunk)
                let p = images.count * tiling.tilesPerImage
                let (vStride, mStride) = (planeStride(channels: cin, tiles: p), planeStride(channels: cout, tiles: p))
                ScratchBuffer.with(16 * vStride, 16 * mStride, tiling.paddedHeight * tiling.paddedWidth) { v, dm, pad in
                    transformInputs(x, images, channels: cin, tiling, rectify: rectifyInput, padded: pad, into: v)
                    transformOutputGradients(dy, images, channels: cout, tiling, into: dm)
                    let target = partialBase + chunk * uCount
                    for xi in 0..<16 {  // dU[ξ] [Cout, Cin] = dM[ξ] [Cout, P] · V[ξ]ᵀ [P, Cin]
                        BLAS.sgemm(transB: true, m: cout, n: cin, k: p, a: dm + xi * mStride, lda: p,
                                   b: v + xi * vStride, ldb: p, c: target + xi * cout * cin, ldc: cin)
                    }
                }
            }
        }
        return weightGradientFromTransformed(ChunkSum.ordered(partials, chunks: chunks), outChannels: cout, inChannels: cin)
    }

    // MARK: Core

    /// out [N, outC, H, W] = 3×3 same convolution of `x` [N, inC, H, W] with transformed weights
    /// `u` [16][outC][inC], reading and writing as `io` says.
    static func convolve(_ x: UnsafePointer<Float>, _ u: [Float], batch: Int, inChannels: Int, outChannels: Int,
                         height: Int, width: Int, io: ConvIO, into out: UnsafeMutablePointer<Float>) {
        let tiling = Tiling(batch: batch, height: height, width: width, widestChannels: max(inChannels, outChannels))
        u.withUnsafeBufferPointer { uBuffer in
            let u = uBuffer.baseAddress!
            Parallel.forEach(chunks: tiling.chunks.count) { chunk in
                let images = tiling.chunks.images(ofChunk: chunk)
                let p = images.count * tiling.tilesPerImage
                let vStride = planeStride(channels: inChannels, tiles: p), mStride = planeStride(channels: outChannels, tiles: p)
                ScratchBuffer.with(16 * vStride, 16 * mStride, tiling.paddedHeight * tiling.paddedWidth) { v, m, pad in
                    transformInputs(x, images, channels: inChannels, tiling, rectify: io.rectifyInput, padded: pad, into: v)
                    for xi in 0..<16 {  // M[ξ] [outC, P] = U[ξ] [outC, inC] · V[ξ] [inC, P]
                        BLAS.sgemm(m: outChannels, n: p, k: inChannels, a: u + xi * outChannels * inChannels, lda: inChannels,
                                   b: v + xi * vStride, ldb: p, c: m + xi * mStride, ldc: p)
                    }
                    transformOutputs(m, images, channels: outChannels, tiling, mask: io.outputMask,
                                     accumulate: io.accumulate, into: out)
                }
            }
        }
    }
}
