import CKernels

/// The F(4×4, 3×3) output-gradient transform dM = A e Aᵀ (the adjoint of the output transform),
/// used by dW; layouts and scratch as in the transforms file.
extension Winograd4x4Kernels {
    /// dM = A e Aᵀ for every 4×4 output-gradient tile e (zero outside the image): the adjoint of
    /// `transformOutputs`.
    static func transformOutputGradients(_ dy: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                         _ layout: ChunkLayout, scratch: UnsafeMutablePointer<Float>,
                                         into dm: UnsafeMutablePointer<Float>) {
        let s = Scratch(scratch, t, layout)
        let (h, w, tilesX) = (t.height, t.width, t.tilesX)
        let (run, tiles, stride) = (layout.run, layout.tiles, layout.planeStride(channels: channels))
        let patchStride = patchStride(layout)
        let grads = s.patches  // [16][patchStride]: e of every tile of one channel.
        for k in 0..<16 { (grads + k * patchStride + tiles).update(repeating: 0, count: patchStride - tiles) }
        // One row of dY at a time, zero past the image: the gather reads whole groups of 8 tiles.
        s.row.update(repeating: 0, count: rowLength(t))
        for c in 0..<channels {
            var done = 0  // Tiles transformed (a multiple of 8).
            for (local, n) in images.enumerated() {
                let plane = dy + (n * channels + c) * h * w
                let tileBase = grads + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    for r in 0..<4 {
                        let oy = 4 * ty + r
                        let dst = tileBase + 4 * r * patchStride + ty * tilesX
                        if oy < h {
                            Rows.copy(plane + oy * w, count: w, rectify: false, into: s.row)
                        } else if oy == h {
                            s.row.update(repeating: 0, count: w)
                        }
                        for tx0 in Swift.stride(from: 0, to: tilesX, by: 8) {
                            let (e0, e1, e2, e3) = deinterleave4(s.row + 4 * tx0)
                            let o = dst + tx0
                            store(e0, o); store(e1, o + patchStride); store(e2, o + 2 * patchStride); store(e3, o + 3 * patchStride)
                        }
                    }
                }
                // (A group reaching into the next image waits for it, except after the last image.)
                let ready = local == images.count - 1 ? tiles + 7 : (local + 1) * t.tilesPerImage
                let isa = KernelSet.active.vectors
                if isa != .swift {
                    let count = (ready - done) / 8 * 8
                    rednas_winograd4_gradients(isa.cValue, count, grads + done, patchStride, 4 * patchStride,
                                               dm + c * run + done, stride)
                    done += count
                }
                while done + 8 <= ready {
                    gradientTiles(grads + done, run: patchStride, rowPitch: 4 * patchStride, temp: s.temp,
                                  into: dm + c * run + done, stride: stride)
                    done += 8
                }
            }
        }
    }

    /// A e Aᵀ for the 8 tiles whose pixel (r, col) starts at `grads + r · rowPitch + col · run`;
    /// ξ plane k goes to `out + k · stride`.
    @inline(__always)
    static func gradientTiles(_ grads: UnsafePointer<Float>, run: Int, rowPitch: Int, temp: UnsafeMutablePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, stride: Int) {
        for r in 0..<4 {
            let p = grads + r * rowPitch
            gradientRow(load(p), load(p + run), load(p + 2 * run), load(p + 3 * run), r, temp: temp)
        }
        gradientColumns(temp, into: out, stride: stride)
    }

    /// The first half of A e Aᵀ: (e Aᵀ) of tile row r, whose column l goes to vector 4l + r of `temp`.
    @inline(__always)
    static func gradientRow(_ e0: Vector, _ e1: Vector, _ e2: Vector, _ e3: Vector, _ r: Int,
                            temp: UnsafeMutablePointer<Float>) {
        let g = gradientTransform(e0, e1, e2, e3)
        store(g.0, temp + r * 8); store(g.1, temp + (4 + r) * 8); store(g.2, temp + (8 + r) * 8)
        store(g.3, temp + (12 + r) * 8); store(g.4, temp + (16 + r) * 8); store(g.5, temp + (20 + r) * 8)
    }

    /// The second half: A (e Aᵀ), column by column from `temp` (`gradientRow`); ξ = 6k + l goes to
    /// `out + ξ · stride`.
    @inline(__always)
    static func gradientColumns(_ temp: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, stride: Int) {
        for l in 0..<6 {
            let q = UnsafePointer(temp + 4 * l * 8)
            let g = gradientTransform(load(q), load(q + 8), load(q + 16), load(q + 24))
            let o = out + l * stride
            store(g.0, o); store(g.1, o + 6 * stride); store(g.2, o + 12 * stride)
            store(g.3, o + 18 * stride); store(g.4, o + 24 * stride); store(g.5, o + 30 * stride)
        }
    }

    /// A (= (Aᵀ)ᵀ) applied to one 4-vector of output gradients.
    @inline(__always)
    static func gradientTransform(_ e0: Vector, _ e1: Vector, _ e2: Vector, _ e3: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector) {
        let even = e0 + e2, odd = e1 + e3, even4 = e0 + 4 * e2, odd4 = 2 * e1 + 8 * e3
        return (e0, even + odd, even - odd, even4 + odd4, even4 - odd4, e3)
    }
}
