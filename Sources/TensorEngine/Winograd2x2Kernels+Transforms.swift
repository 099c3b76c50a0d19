/// The F(2×2, 3×3) transforms (see `Winograd2x2Kernels`), with
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
///     Aᵀ = [1 1 1 0; 0 1 −1 −1].
/// Transformed data is laid out [ξ][channel][tile], tile = image-in-chunk · tilesPerImage + ty · tilesX + tx.
///
/// The data transforms work on a group of `groupTiles` consecutive tiles of a tile row at once, one
/// SIMD lane per tile: the columns under them deinterleave into the even and odd columns of every
/// tile's patch (or pixel pair), and each ξ plane gets the group's values with one vector store.
/// The tests keep the scalar one-tile-at-a-time transforms as their oracle, bit for bit, and check
/// both against the matrices themselves (`WinogradReference` in TestSupport).
extension Winograd2x2Kernels {
    // Four lanes: with SSE (the default x86-64 target) a group's whole patch, 16 vectors, then fits
    // the 16 registers; eight lanes spilled registers and measured slower.
    typealias Lanes = SIMD4<Float>
    /// Two `Lanes` of columns side by side: the columns of one group of tiles.
    typealias Columns = SIMD8<Float>

    /// Tiles per vector group (the lane count).
    static let groupTiles = Lanes.scalarCount

    /// Vector groups per tile row; the last one may hold fewer than `groupTiles` tiles.
    @inline(__always) static func groups(tilesX: Int) -> Int { (tilesX + groupTiles - 1) / groupTiles }

    /// V = Bᵀ d B for every tile of every channel of `images`; d is the 4×4 patch at (2ty − 1, 2tx − 1),
    /// zero outside the image, of x or (`rectify`) of relu(x). `padded` holds `t.paddedHeight · t.paddedWidth`
    /// values (any content on entry).
    static func transformInputs(_ x: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                rectify: Bool = false,
                                padded: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let (h, w, ph, pw) = (t.height, t.width, t.paddedHeight, t.paddedWidth)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        let groups = groups(tilesX: t.tilesX)
        // Each plane is copied into the zero-bordered `padded` (rows of `pw`, image pixel (y, x) at
        // (y + 1, x + 1)), so that every group reads its patches with whole-vector loads. The border,
        // and the columns right of it that the last group reads, stay zero: only pixels are written.
        // (Reading the image directly instead, with the borders patched in by lane shifts, measured
        // slower: the copy runs from L1 at memcpy speed.)
        padded.update(repeating: 0, count: ph * pw)
        // Channel-major, then images, rows and groups: every ξ plane is written at increasing
        // addresses, which `storeGroup` relies on.
        for c in 0..<channels {
            for (local, n) in images.enumerated() {
                let plane = x + (n * channels + c) * h * w
                for y in 0..<h {
                    let (dst, src) = (padded + (y + 1) * pw + 1, plane + y * w)
                    if rectify {
                        for i in 0..<w { dst[i] = max(src[i], 0) }
                    } else {
                        dst.update(from: src, count: w)
                    }
                }
                var out = v + c * p + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    let top = UnsafePointer(padded + 2 * ty * pw)
                    for g in 0..<groups {
                        let at = top + 2 * groupTiles * g, o = out + g * groupTiles
                        // Rows of Bᵀ d, then (Bᵀ d) B row by row; rows 1 and 2 of d first, as all rows use them.
                        let (d10, d11, d12, d13) = patchRow(at + pw)
                        let (d20, d21, d22, d23) = patchRow(at + 2 * pw)
                        storeColumnsB(d10 + d20, d11 + d21, d12 + d22, d13 + d23, o, stride, base: 4)
                        storeColumnsB(d20 - d10, d21 - d11, d22 - d12, d23 - d13, o, stride, base: 8)
                        let (d00, d01, d02, d03) = patchRow(at)
                        storeColumnsB(d00 - d20, d01 - d21, d02 - d22, d03 - d23, o, stride, base: 0)
                        let (d30, d31, d32, d33) = patchRow(at + 3 * pw)
                        storeColumnsB(d10 - d30, d11 - d31, d12 - d32, d13 - d33, o, stride, base: 12)
                    }
                    out += t.tilesX
                }
            }
        }
    }

    /// Columns 0…3 of one patch row of each tile of a group, from the padded row at the group's first
    /// patch: lane l reads `at[2l…2l+3]`, the even and odd halves of the `Columns` at `at` and `at + 2`.
    @inline(__always)
    static func patchRow(_ at: UnsafePointer<Float>) -> (Lanes, Lanes, Lanes, Lanes) {
        let left = loadColumns(at), right = loadColumns(at + 2)
        return (left.evenHalf, left.oddHalf, right.evenHalf, right.oddHalf)
    }

    /// Distance between the ξ planes of a transformed block. Not a multiple of a large power of two:
    /// every tile touches all 16 planes, and planes 64 KiB apart would all map to the same L1 sets
    /// (the input transform then runs several times slower).
    /// The 32 values past the last channel also take the spill of `storeGroup` (at most `groupTiles` − 1).
    @inline(__always) static func planeStride(channels: Int, tiles: Int) -> Int { channels * tiles + 32 }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) static func loadColumns(_ p: UnsafePointer<Float>) -> Columns {
        UnsafeRawPointer(p).loadUnaligned(as: Columns.self)
    }

    /// `count` values from `p` and zeros after them (a short count: the right edge of a plane).
    @inline(__always) static func loadColumns(_ p: UnsafePointer<Float>, count: Int) -> Columns {
        if count >= Columns.scalarCount { return loadColumns(p) }
        var v = Columns()
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Stores one group's values of a ξ plane at `out`, all lanes. Lanes past the last tile of a
    /// row spill into the next tiles of the plane, which are written later (see the loop orders),
    /// or into the plane's slack after the last channel (`planeStride`).
    @inline(__always) static func storeGroup(_ value: Lanes, _ out: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(out).storeBytes(of: value, as: Lanes.self)
    }

    /// Writes row·B = [r0 − r2, r1 + r2, r2 − r1, r1 − r3] to ξ = base…base+3, for a group of tiles.
    @inline(__always)
    static func storeColumnsB(_ r0: Lanes, _ r1: Lanes, _ r2: Lanes, _ r3: Lanes,
                              _ out: UnsafeMutablePointer<Float>, _ stride: Int, base: Int) {
        storeGroup(r0 - r2, out + base * stride)
        storeGroup(r1 + r2, out + (base + 1) * stride)
        storeGroup(r2 - r1, out + (base + 2) * stride)
        storeGroup(r1 - r3, out + (base + 3) * stride)
    }

    /// Lane l of `a` and `b` at 2l and 2l + 1.
    @inline(__always) static func interleave(_ a: Lanes, _ b: Lanes) -> Columns {
        var c = Columns()
        for l in 0..<Lanes.scalarCount { (c[2 * l], c[2 * l + 1]) = (a[l], b[l]) }
        return c
    }

    /// y tile = Aᵀ m A for every tile; stores only the pixels inside the image. A pixel is zeroed
    /// where `mask` (same layout as y) is ≤ 0, and added to y instead of stored when `accumulate`.
    /// Reads up to `groupTiles` − 1 values past a ξ plane's last tile (its `planeStride` slack).
    static func transformOutputs(_ m: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                 mask: UnsafePointer<Float>? = nil, accumulate: Bool = false,
                                 into y: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        let groups = groups(tilesX: t.tilesX)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                var src = m + c * p + local * t.tilesPerImage
                let offset = (n * channels + c) * h * w
                for ty in 0..<t.tilesY {
                    let rowOffset = offset + 2 * ty * w
                    let hasBelow = 2 * ty + 1 < h
                    for g in 0..<groups {
                        let group = src + g * groupTiles
                        // Aᵀ m: rows s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (m_i = rows of m), column by column.
                        @inline(__always) func sums(column j: Int) -> (Lanes, Lanes) {
                            let m0 = load(group + j * stride), m1 = load(group + (4 + j) * stride)
                            let m2 = load(group + (8 + j) * stride), m3 = load(group + (12 + j) * stride)
                            return (m0 + m1 + m2, m1 - m2 - m3)
                        }
                        let (s00, s10) = sums(column: 0), (s01, s11) = sums(column: 1)
                        let (s02, s12) = sums(column: 2), (s03, s13) = sums(column: 3)
                        // (Aᵀ m) A: each row (a, b, c, d) gives the pixels a + b + c, b − c − d.
                        let column = 2 * g * groupTiles, count = min(Columns.scalarCount, w - column)
                        storeOutputs(interleave(s00 + s01 + s02, s01 - s02 - s03), rowOffset + column, count: count,
                                     y, mask: mask, accumulate: accumulate)
                        if hasBelow {
                            storeOutputs(interleave(s10 + s11 + s12, s11 - s12 - s13), rowOffset + w + column,
                                         count: count, y, mask: mask, accumulate: accumulate)
                        }
                    }
                    src += t.tilesX
                }
            }
        }
    }

    /// Stores the first `count` values of `value` at y[offset…], zeroed where the mask is ≤ 0, added
    /// when `accumulate`.
    @inline(__always)
    static func storeOutputs(_ value: Columns, _ offset: Int, count: Int, _ y: UnsafeMutablePointer<Float>,
                             mask: UnsafePointer<Float>?, accumulate: Bool) {
        let dst = y + offset
        if count == Columns.scalarCount {
            var value = value
            if let mask { value.replace(with: 0, where: loadColumns(mask + offset) .<= 0) }
            if accumulate { value += loadColumns(dst) }
            UnsafeMutableRawPointer(dst).storeBytes(of: value, as: Columns.self)
            return
        }
        for i in 0..<count {
            var v = value[i]
            if let mask, mask[offset + i] <= 0 { v = 0 }
            if accumulate { dst[i] += v } else { dst[i] = v }
        }
    }

    /// dM = A e Aᵀ for every 2×2 output-gradient tile e (zero outside the image): the adjoint of
    /// `transformOutputs`.
    static func transformOutputGradients(_ dy: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                         into dm: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = planeStride(channels: channels, tiles: p)
        let groups = groups(tilesX: t.tilesX)
        // Channel-major, as `storeGroup` needs.
        for c in 0..<channels {
            for (local, n) in images.enumerated() {
                let plane = dy + (n * channels + c) * h * w
                var out = dm + c * p + local * t.tilesPerImage
                for ty in 0..<t.tilesY {
                    let top = plane + 2 * ty * w
                    let hasBelow = 2 * ty + 1 < h
                    for g in 0..<groups {
                        let column = 2 * g * groupTiles, count = min(Columns.scalarCount, w - column)
                        let e0 = loadColumns(top + column, count: count)
                        let e1 = hasBelow ? loadColumns(top + w + column, count: count) : Columns()
                        let (e00, e01, e10, e11) = (e0.evenHalf, e0.oddHalf, e1.evenHalf, e1.oddHalf)
                        // Rows of A e: e0, e0 + e1, e0 − e1, −e1 (e0, e1 = rows of e); then each row (a, b)·Aᵀ
                        // = (a, a + b, a − b, −b).
                        let o = out + g * groupTiles
                        @inline(__always) func store(_ i: Int, _ a: Lanes, _ b: Lanes) {
                            storeGroup(a, o + (4 * i) * stride)
                            storeGroup(a + b, o + (4 * i + 1) * stride)
                            storeGroup(a - b, o + (4 * i + 2) * stride)
                            storeGroup(-b, o + (4 * i + 3) * stride)
                        }
                        store(0, e00, e01); store(1, e00 + e10, e01 + e11)
                        store(2, e00 - e10, e01 - e11); store(3, -e10, -e11)
                    }
                    out += t.tilesX
                }
            }
        }
    }

    /// U [16][outC][inC] = G g Gᵀ for every (o, i); `flipped` transforms the dX weights
    /// g'[i][o] = g[o][i] rotated by 180° (then U is [16][inC][outC]).
    static func transformedWeights(_ weight: Tensor, outChannels: Int, inChannels: Int, flipped: Bool) -> [Float] {
        let (rows, cols) = flipped ? (inChannels, outChannels) : (outChannels, inChannels)
        var u = [Float](repeating: 0, count: 16 * rows * cols)
        let planeSize = rows * cols
        weight.data.withUnsafeBufferPointer { wBuffer in
            u.withUnsafeMutableBufferPointer { uBuffer in
                let (w, u) = (wBuffer.baseAddress!, uBuffer.baseAddress!)
                for o in 0..<outChannels {
                    for i in 0..<inChannels {
                        let g = w + (o * inChannels + i) * 9
                        @inline(__always) func k(_ j: Int) -> Float { flipped ? g[8 - j] : g[j] }
                        // Rows of k (lane 3 unused), then G k: rows k0, (k0 + k1 + k2)/2, (k0 − k1 + k2)/2, k2.
                        let k0 = SIMD4(k(0), k(1), k(2), 0), k1 = SIMD4(k(3), k(4), k(5), 0)
                        let k2 = SIMD4(k(6), k(7), k(8), 0)
                        let gk = (k0, 0.5 * (k0 + k1 + k2), 0.5 * (k0 - k1 + k2), k2)
                        let target = u + (flipped ? i * cols + o : o * cols + i)
                        @inline(__always) func storeRow(_ row: Int, _ r: SIMD4<Float>) {
                            let (a, b, c) = (r[0], r[1], r[2])
                            let base = target + 4 * row * planeSize
                            base[0] = a
                            base[planeSize] = 0.5 * (a + b + c)
                            base[2 * planeSize] = 0.5 * (a - b + c)
                            base[3 * planeSize] = c
                        }
                        storeRow(0, gk.0); storeRow(1, gk.1); storeRow(2, gk.2); storeRow(3, gk.3)
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
        du.withUnsafeBufferPointer { duBuffer in
            dw.data.withUnsafeMutableBufferPointer { dwBuffer in
                let (du, dw) = (duBuffer.baseAddress!, dwBuffer.baseAddress!)
                for pair in 0..<pairs {
                    // Rows of dU (lane = column), then Gᵀ dU: rows u0 + (u1 + u2)/2, (u1 − u2)/2, (u1 + u2)/2 + u3.
                    @inline(__always) func row(_ r: Int) -> SIMD4<Float> {
                        let at = du + 4 * r * pairs + pair
                        return SIMD4(at[0], at[pairs], at[2 * pairs], at[3 * pairs])
                    }
                    let (u0, u1, u2, u3) = (row(0), row(1), row(2), row(3))
                    let q = (u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
                    let out = dw + pair * 9
                    @inline(__always) func store(_ r: Int, _ q: SIMD4<Float>) {  // (Gᵀ dU) G, one row
                        let (a, b, c, d) = (q[0], q[1], q[2], q[3])
                        out[3 * r] = a + 0.5 * (b + c)
                        out[3 * r + 1] = 0.5 * (b - c)
                        out[3 * r + 2] = 0.5 * (b + c) + d
                    }
                    store(0, q.0); store(1, q.1); store(2, q.2)
                }
            }
        }
        return dw
    }
}
