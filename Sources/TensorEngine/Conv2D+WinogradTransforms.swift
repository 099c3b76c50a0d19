/// The F(2×2, 3×3) transforms (see `WinogradKernels`), with
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
///     Aᵀ = [1 1 1 0; 0 1 −1 −1].
/// Transformed data is laid out [ξ][channel][tile], tile = image-in-chunk · tilesPerImage + ty · tilesX + tx.
extension WinogradKernels {
    /// V = Bᵀ d B for every tile of every channel of `images`; d is the 4×4 patch at (2ty − 1, 2tx − 1),
    /// zero outside the image, of x or (`rectify`) of relu(x).
    static func transformInputs(_ x: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                rectify: Bool = false,
                                padded: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let (h, w, ph, pw) = (t.height, t.width, t.paddedHeight, t.paddedWidth)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        padded.update(repeating: 0, count: ph * pw)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                let plane = x + (n * channels + c) * h * w
                if rectify {
                    for y in 0..<h {
                        let (dst, src) = (padded + (y + 1) * pw + 1, plane + y * w)
                        for i in 0..<w { dst[i] = max(src[i], 0) }
                    }
                } else {
                    for y in 0..<h { (padded + (y + 1) * pw + 1).update(from: plane + y * w, count: w) }
                }
                var out = v + c * p + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        let d = UnsafePointer(padded + 2 * ty * pw + 2 * tx)
                        // Rows of Bᵀ d.
                        var r = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
                        let d0 = load4(d), d1 = load4(d + pw), d2 = load4(d + 2 * pw), d3 = load4(d + 3 * pw)
                        r.0 = d0 - d2; r.1 = d1 + d2; r.2 = d2 - d1; r.3 = d1 - d3
                        // (Bᵀ d) B, row by row.
                        storeColumnsB(r.0, out, stride, base: 0)
                        storeColumnsB(r.1, out, stride, base: 4)
                        storeColumnsB(r.2, out, stride, base: 8)
                        storeColumnsB(r.3, out, stride, base: 12)
                        out += 1
                    }
                }
            }
        }
    }

    /// Distance between the ξ planes of a transformed block. Not a multiple of a large power of two:
    /// every tile touches all 16 planes, and planes 64 KiB apart would all map to the same L1 sets
    /// (measured: the input transform of a 16-channel 32×32 batch ran 5× slower that way).
    @inline(__always) static func planeStride(channels: Int, tiles: Int) -> Int { channels * tiles + 32 }

    @inline(__always) static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        SIMD4(p[0], p[1], p[2], p[3])
    }

    /// Writes row·B = [r0 − r2, r1 + r2, r2 − r1, r1 − r3] to ξ = base…base+3.
    @inline(__always)
    static func storeColumnsB(_ r: SIMD4<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int, base: Int) {
        out[base * stride] = r[0] - r[2]
        out[(base + 1) * stride] = r[1] + r[2]
        out[(base + 2) * stride] = r[2] - r[1]
        out[(base + 3) * stride] = r[1] - r[3]
    }

    /// y tile = Aᵀ m A for every tile; stores only the pixels inside the image. A pixel is zeroed
    /// where `mask` (same layout as y) is ≤ 0, and added to y instead of stored when `accumulate`.
    static func transformOutputs(_ m: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                 mask: UnsafePointer<Float>? = nil, accumulate: Bool = false,
                                 into y: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                var src = m + c * p + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        @inline(__always) func row(_ i: Int) -> SIMD4<Float> {
                            SIMD4(src[(4 * i) * stride], src[(4 * i + 1) * stride], src[(4 * i + 2) * stride], src[(4 * i + 3) * stride])
                        }
                        let m0 = row(0), m1 = row(1), m2 = row(2), m3 = row(3)
                        let s0 = m0 + m1 + m2, s1 = m1 - m2 - m3
                        let (oy, ox) = (2 * ty, 2 * tx)
                        let offset = (n * channels + c) * h * w + oy * w + ox
                        let top = y + offset
                        @inline(__always) func store(_ i: Int, _ value: Float) {
                            var value = value
                            if let mask, mask[offset + i] <= 0 { value = 0 }
                            if accumulate { top[i] += value } else { top[i] = value }
                        }
                        store(0, s0[0] + s0[1] + s0[2])
                        if ox + 1 < w { store(1, s0[1] - s0[2] - s0[3]) }
                        if oy + 1 < h {
                            store(w, s1[0] + s1[1] + s1[2])
                            if ox + 1 < w { store(w + 1, s1[1] - s1[2] - s1[3]) }
                        }
                        src += 1
                    }
                }
            }
        }
    }

    /// dM = A e Aᵀ for every 2×2 output-gradient tile e (zero outside the image): the adjoint of
    /// `transformOutputs`.
    static func transformOutputGradients(_ dy: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                         into dm: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                let plane = dy + (n * channels + c) * h * w
                var out = dm + c * p + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        let (oy, ox) = (2 * ty, 2 * tx)
                        let top = plane + oy * w + ox
                        let hasRight = ox + 1 < w, hasBelow = oy + 1 < h
                        let e00 = top[0], e01 = hasRight ? top[1] : 0
                        let e10 = hasBelow ? top[w] : 0, e11 = hasBelow && hasRight ? top[w + 1] : 0
                        // Rows of A e: e0, e0 + e1, e0 − e1, −e1 (e0, e1 = rows of e); then each row (a, b)·Aᵀ
                        // = (a, a + b, a − b, −b).
                        @inline(__always) func store(_ i: Int, _ a: Float, _ b: Float) {
                            out[(4 * i) * stride] = a
                            out[(4 * i + 1) * stride] = a + b
                            out[(4 * i + 2) * stride] = a - b
                            out[(4 * i + 3) * stride] = -b
                        }
                        store(0, e00, e01); store(1, e00 + e10, e01 + e11)
                        store(2, e00 - e10, e01 - e11); store(3, -e10, -e11)
                        out += 1
                    }
                }
            }
        }
    }

    /// U [16][outC][inC] = G g Gᵀ for every (o, i); `flipped` transforms the dX weights
    /// g'[i][o] = g[o][i] rotated by 180° (then U is [16][inC][outC]).
    static func transformedWeights(_ weight: Tensor, outChannels: Int, inChannels: Int, flipped: Bool) -> [Float] {
        let (rows, cols) = flipped ? (inChannels, outChannels) : (outChannels, inChannels)
        var u = [Float](repeating: 0, count: 16 * rows * cols)
        weight.data.withUnsafeBufferPointer { w in
            for o in 0..<outChannels {
                for i in 0..<inChannels {
                    let g = w.baseAddress! + (o * inChannels + i) * 9
                    var k = [Float](repeating: 0, count: 9)
                    for j in 0..<9 { k[j] = flipped ? g[8 - j] : g[j] }
                    // G k: rows k0, (k0 + k1 + k2)/2, (k0 − k1 + k2)/2, k2 (k_j = rows of k).
                    var gk = [Float](repeating: 0, count: 12)
                    for col in 0..<3 {
                        let (a, b, c) = (k[col], k[3 + col], k[6 + col])
                        gk[col] = a; gk[3 + col] = 0.5 * (a + b + c); gk[6 + col] = 0.5 * (a - b + c); gk[9 + col] = c
                    }
                    let (r, cIndex) = flipped ? (i, o) : (o, i)
                    for row in 0..<4 {
                        let (a, b, c) = (gk[3 * row], gk[3 * row + 1], gk[3 * row + 2])
                        let values = [a, 0.5 * (a + b + c), 0.5 * (a - b + c), c]
                        for col in 0..<4 { u[((4 * row + col) * rows + r) * cols + cIndex] = values[col] }
                    }
                }
            }
        }
        return u
    }

    /// dW [outC, inC, 3, 3] = Gᵀ dU G for every (o, i), from dU [16][outC][inC].
    static func weightGradientFromTransformed(_ du: [Float], outChannels: Int, inChannels: Int) -> Tensor {
        var dw = Tensor.zeros([outChannels, inChannels, 3, 3])
        let pairs = outChannels * inChannels
        for pair in 0..<pairs {
            var q = [Float](repeating: 0, count: 12)  // Gᵀ dU, 3×4
            for col in 0..<4 {
                let (u0, u1, u2, u3) = (du[col * pairs + pair], du[(4 + col) * pairs + pair],
                                        du[(8 + col) * pairs + pair], du[(12 + col) * pairs + pair])
                q[col] = u0 + 0.5 * (u1 + u2); q[4 + col] = 0.5 * (u1 - u2); q[8 + col] = 0.5 * (u1 + u2) + u3
            }
            for row in 0..<3 {  // (Gᵀ dU) G
                let (a, b, c, d) = (q[4 * row], q[4 * row + 1], q[4 * row + 2], q[4 * row + 3])
                dw.data[pair * 9 + 3 * row] = a + 0.5 * (b + c)
                dw.data[pair * 9 + 3 * row + 1] = 0.5 * (b - c)
                dw.data[pair * 9 + 3 * row + 2] = 0.5 * (b + c) + d
            }
        }
        return dw
    }
}
