import CKernels

/// The F(4×4, 3×3) transforms (see `Winograd4x4Kernels`), with the interpolation points
/// 0, ±1, ±2, ∞ (Lavin & Gray):
///     Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
///     G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1],
///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
/// (Symmetric points let each 1-D transform share its even and odd parts. Measured against ±½ and
/// mixed point sets in float32, they give the same forward error and the smaller dW error.)
/// The tests check every transform here against these matrices (`WinogradReference` in TestSupport).
///
/// Transformed data is laid out [ξ][channel][tile] with tile = image-in-chunk · tilesPerImage +
/// ty · tilesX + tx, each channel's tiles a run of `ChunkLayout.run` (a whole number of SIMD8
/// vectors). The data transforms work on 8 consecutive tiles at once. The pixels of one channel
/// are first gathered into one run per patch position ([36][patchStride] for inputs, [16][…] for
/// output gradients and outputs), so that every transform load and store is one SIMD8 vector
/// whatever the image width; the gathers and the output scatter (de)interleave 8 tiles' columns
/// of one row with SIMD shuffles.
///
/// Vector stores past the last tile of a tile row land on the next row's (or image's) tiles,
/// which are written later, or in the spare lanes after a run; loads past a row read the next
/// row or zeroed slack. Those lanes never reach a GEMM or the output.
extension Winograd4x4Kernels {
    typealias Vector = SIMD8<Float>

    /// Floats of the per-chunk scratch the data transforms share: 36 patch runs, a zero-bordered
    /// plane, 36 + 24 vectors of transform temporaries (inputs, output gradients) and one row.
    static func scratchSize(_ t: Tiling, _ layout: ChunkLayout) -> Int {
        36 * patchStride(layout) + (t.paddedHeight * t.paddedWidth + planeSlack) + 60 * 8 + rowLength(t)
    }

    /// Distance between the patch-position runs of the scratch: a run and 8 spare lanes.
    @inline(__always) static func patchStride(_ layout: ChunkLayout) -> Int { layout.run + 8 }
    /// Zeros after the padded plane, for the deinterleaving loads past its last row.
    static let planeSlack = 64
    /// A row buffer holds whole groups of 8 tiles (32 pixels) plus one group of loads past them.
    @inline(__always) static func rowLength(_ t: Tiling) -> Int { 4 * t.tilesX + 64 }

    /// The parts of a chunk's transform scratch (`scratchSize`).
    struct Scratch {
        let patches, padded, temp, gradientTemp, row: UnsafeMutablePointer<Float>
        init(_ base: UnsafeMutablePointer<Float>, _ t: Tiling, _ layout: ChunkLayout) {
            patches = base
            padded = patches + 36 * patchStride(layout)
            temp = padded + t.paddedHeight * t.paddedWidth + planeSlack
            gradientTemp = temp + 36 * 8
            row = gradientTemp + 24 * 8
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// Columns 0…3 of the 8 groups of 4 floats at `p`: (p[4k], p[4k + 1], p[4k + 2], p[4k + 3]), k < 8.
    @inline(__always)
    static func deinterleave4(_ p: UnsafePointer<Float>) -> (Vector, Vector, Vector, Vector) {
        deinterleave4(p, p + 8, p + 16, p + 24)
    }

    /// `deinterleave4` of the 32 floats made of 8 at each of `p0`…`p3`, in that order.
    @inline(__always)
    static func deinterleave4(_ p0: UnsafePointer<Float>, _ p1: UnsafePointer<Float>, _ p2: UnsafePointer<Float>,
                              _ p3: UnsafePointer<Float>) -> (Vector, Vector, Vector, Vector) {
        let ab = SIMD16(lowHalf: load(p0), highHalf: load(p1)), cd = SIMD16(lowHalf: load(p2), highHalf: load(p3))
        let even = SIMD16(lowHalf: ab.evenHalf, highHalf: cd.evenHalf), odd = SIMD16(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)
        return (even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf)
    }

    /// The inverse of `deinterleave4`: p[4k + c] = v_c[k] for k < 8.
    @inline(__always)
    static func interleave4(_ v0: Vector, _ v1: Vector, _ v2: Vector, _ v3: Vector, into p: UnsafeMutablePointer<Float>) {
        @inline(__always) func zip(_ x: Vector, _ y: Vector) -> SIMD16<Float> {
            SIMD16(x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3], x[4], y[4], x[5], y[5], x[6], y[6], x[7], y[7])
        }
        let a = zip(v0, v2), b = zip(v1, v3)
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: zip(a.lowHalf, b.lowHalf), as: SIMD16<Float>.self)
        raw.storeBytes(of: zip(a.highHalf, b.highHalf), toByteOffset: 64, as: SIMD16<Float>.self)
    }

    // MARK: Inputs

    /// V = Bᵀ d B for every tile of every channel of `images`; d is the 6×6 patch at (4ty − 1, 4tx − 1),
    /// zero outside the image, of x or (`rectify`) of relu(x). With `gradientsInto`, x is an output
    /// gradient and its dW transform A e Aᵀ (`transformOutputGradients`) goes there too: e, the 4×4
    /// tile at (4ty, 4tx), is the inner 4×4 of the same patch, so x is read and gathered once for both.
    /// With `affine`, the transformed input is a[c]·x + b[c]·z + c[c] instead of x (no `rectify`).
    ///
    /// Where every group of 8 tiles lies in one image (`groupsStayInImages`) and the Swift vector
    /// kernels run (`KernelSet.vectors`), each group is transformed straight from the
    /// zero-bordered plane as its rows are gathered; elsewhere a channel's patches are first
    /// gathered into runs, which the C kernels (`rednas_winograd4_*`) transform when selected.
    /// `inPlace` overrides the choice (for tests: with the Swift kernels both give the same bits).
    static func transformInputs(_ x: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                _ layout: ChunkLayout, rectify: Bool = false, affine: ChannelAffine? = nil,
                                scratch: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>,
                                gradientsInto dm: UnsafeMutablePointer<Float>? = nil, inPlace: Bool? = nil) {
        precondition(!(rectify && affine != nil), "transformInputs: rectify or affine, not both")
        let s = Scratch(scratch, t, layout)
        let (run, stride) = (layout.run, layout.planeStride(channels: channels))
        s.padded.update(repeating: 0, count: t.paddedHeight * t.paddedWidth + planeSlack)
        /// Copies plane (n, c) of the (mapped) input into the inside of the zero-bordered plane.
        @inline(__always) func fillPadded(image n: Int, channel c: Int) {
            let (h, w, pw) = (t.height, t.width, t.paddedWidth)
            let offset = (n * channels + c) * h * w
            let coefficients = affine.map { (a: $0.a[c], b: $0.b[c], c: $0.c[c]) }
            for y in 0..<h {
                let dst = s.padded + (y + 1) * pw + 1
                if let affine, let coefficients {
                    Rows.affine(x + offset + y * w, affine.z + offset + y * w, count: w, coefficients, into: dst)
                } else {
                    Rows.copy(x + offset + y * w, count: w, rectify: rectify, into: dst)
                }
            }
        }

        let isa = KernelSet.active.vectors
        if inPlace ?? (groupsStayInImages(t) && isa == .swift) {
            precondition(groupsStayInImages(t), "transformInputs: groups of 8 tiles cross images on this plane")
            // Image by image, so that x is read in order; no patch runs: each group's six patch rows
            // go from the gather straight into the row transforms, in registers.
            let (groupsPerRow, bundle) = (max(1, t.tilesX / 8), tileRowsPerGroup(t))
            for (local, n) in images.enumerated() {
                for c in 0..<channels {
                    fillPadded(image: n, channel: c)
                    for g in 0..<(t.tilesPerImage / 8) {
                        let (ty, tx0) = (g / groupsPerRow * bundle, 8 * (g % groupsPerRow))
                        let tile = c * run + local * t.tilesPerImage + 8 * g
                        for i in 0..<6 {
                            let d = patchRow(s.padded, t, tileRow: ty, firstTile: tx0, row: i)
                            inputRow(d, i, temp: s.temp)
                            if dm != nil, i >= 1, i <= 4 { gradientRow(d.1, d.2, d.3, d.4, i - 1, temp: s.gradientTemp) }
                        }
                        inputColumns(s.temp, into: v + tile, stride: stride)
                        if let dm { gradientColumns(s.gradientTemp, into: dm + tile, stride: stride) }
                    }
                }
            }
            return
        }

        let tiles = layout.tiles, patchStride = patchStride(layout)
        // Lanes past the last tile are transformed too (and never read): keep them defined.
        for k in 0..<36 { (s.patches + k * patchStride + tiles).update(repeating: 0, count: patchStride - tiles) }
        for c in 0..<channels {
            var done = 0  // Tiles transformed (a multiple of 8).
            for (local, n) in images.enumerated() {
                fillPadded(image: n, channel: c)
                gatherPatches(s.padded, t, stride: patchStride, into: s.patches + local * t.tilesPerImage)
                // Transform each group of 8 tiles as soon as it is gathered, while it is in L1.
                // (A group reaching into the next image waits for it, except after the last image.)
                let ready = local == images.count - 1 ? tiles + 7 : (local + 1) * t.tilesPerImage
                if isa != .swift {
                    let count = (ready - done) / 8 * 8
                    rednas_winograd4_inputs(isa.cValue, count, s.patches + done, patchStride, v + c * run + done, stride)
                    if let dm {
                        rednas_winograd4_gradients(isa.cValue, count, s.patches + 7 * patchStride + done, patchStride,
                                                   6 * patchStride, dm + c * run + done, stride)
                    }
                    done += count
                }
                while done + 8 <= ready {
                    inputTiles(s.patches + done, run: patchStride, temp: s.temp, into: v + c * run + done, stride: stride)
                    if let dm {  // Patch position (1 + r, 1 + col) is tile pixel (r, col).
                        gradientTiles(s.patches + 7 * patchStride + done, run: patchStride, rowPitch: 6 * patchStride,
                                      temp: s.temp, into: dm + c * run + done, stride: stride)
                    }
                    done += 8
                }
            }
        }
    }

    /// Whether every group of 8 consecutive tiles lies in one image: tile rows of a multiple of 8
    /// tiles (planes of 29–32 pixels), or 2 or 4 bundled tile rows (see `tileRowsPerGroup`) with
    /// the image's tile rows a multiple of that (planes of 13–16 pixels).
    @inline(__always) static func groupsStayInImages(_ t: Tiling) -> Bool {
        let bundle = tileRowsPerGroup(t)
        return bundle > 1 ? t.tilesY % bundle == 0 : t.tilesX % 8 == 0
    }

    /// Tile rows that share one group of 8 tiles: 2 or 4 on planes with 4 or 2 tiles per tile row
    /// (13–16 or 5–8 pixels wide), whose consecutive tile rows fill the group's lanes; else 1.
    @inline(__always) static func tileRowsPerGroup(_ t: Tiling) -> Int {
        t.tilesX == 4 ? 2 : t.tilesX == 2 ? 4 : 1
    }

    /// Row i (0…5) of the 6×6 patches of the group of 8 tiles that starts at tile (tileRow,
    /// firstTile): column j of the patches is element j, tile k of the group lane k. With bundled
    /// tile rows (`firstTile` 0) the group's tile rows past the last one repeat it.
    @inline(__always)
    static func patchRow(_ padded: UnsafePointer<Float>, _ t: Tiling, tileRow ty: Int, firstTile tx0: Int, row i: Int)
        -> (Vector, Vector, Vector, Vector, Vector, Vector) {
        let pw = t.paddedWidth
        if tileRowsPerGroup(t) > 1 {
            // The 4 · tilesX patch columns of the bundled tile rows, read as one row of 32: 8 tiles
            // per load instead of 2 or 4.
            let rowFloats = 4 * t.tilesX
            @inline(__always) func piece(_ q: Int) -> UnsafePointer<Float> {
                padded + (4 * min(ty + 8 * q / rowFloats, t.tilesY - 1) + i) * pw + 8 * q % rowFloats
            }
            let (p0, p1, p2, p3) = (piece(0), piece(1), piece(2), piece(3))
            let (j0, j1, j2, j3) = deinterleave4(p0, p1, p2, p3)
            let (j4, j5, _, _) = deinterleave4(p0 + 4, p1 + 4, p2 + 4, p3 + 4)
            return (j0, j1, j2, j3, j4, j5)
        }
        let p = padded + (4 * ty + i) * pw + 4 * tx0
        let (j0, j1, j2, j3) = deinterleave4(p)
        // Columns 4 and 5 of tile k are columns 0 and 1 of tile k + 1: a lane shift.
        let j4 = Vector(j0[1], j0[2], j0[3], j0[4], j0[5], j0[6], j0[7], p[32])
        let j5 = Vector(j1[1], j1[2], j1[3], j1[4], j1[5], j1[6], j1[7], p[33])
        return (j0, j1, j2, j3, j4, j5)
    }

    /// patches[6i + j][ty · tilesX + tx] = padded[4ty + i][4tx + j] for one image (runs `stride` apart).
    /// Groups past a tile row's last tile land on the next tile row's (or image's) tiles, gathered
    /// later, or in the spare lanes.
    @inline(__always)
    static func gatherPatches(_ padded: UnsafePointer<Float>, _ t: Tiling, stride: Int,
                              into patches: UnsafeMutablePointer<Float>) {
        let bundle = tileRowsPerGroup(t)
        for ty in Swift.stride(from: 0, to: t.tilesY, by: bundle) {
            for tx0 in Swift.stride(from: 0, to: t.tilesX, by: 8) {
                for i in 0..<6 {
                    let d = patchRow(padded, t, tileRow: ty, firstTile: tx0, row: i)
                    let o = patches + 6 * i * stride + ty * t.tilesX + tx0
                    store(d.0, o); store(d.1, o + stride); store(d.2, o + 2 * stride)
                    store(d.3, o + 3 * stride); store(d.4, o + 4 * stride); store(d.5, o + 5 * stride)
                }
            }
        }
    }

    /// Bᵀ d B for the 8 tiles whose patch positions start at `patches` ([36][run]); ξ plane k of
    /// the result goes to `out + k · stride`.
    @inline(__always)
    static func inputTiles(_ patches: UnsafePointer<Float>, run: Int, temp: UnsafeMutablePointer<Float>,
                           into out: UnsafeMutablePointer<Float>, stride: Int) {
        for i in 0..<6 {
            let p = patches + 6 * i * run
            inputRow((load(p), load(p + run), load(p + 2 * run), load(p + 3 * run), load(p + 4 * run), load(p + 5 * run)),
                     i, temp: temp)
        }
        inputColumns(temp, into: out, stride: stride)
    }

    /// The first half of Bᵀ d B: (d B) of patch row i, whose column l goes to vector 6l + i of `temp`.
    @inline(__always)
    static func inputRow(_ d: (Vector, Vector, Vector, Vector, Vector, Vector), _ i: Int, temp: UnsafeMutablePointer<Float>) {
        let r = inputTransform(d.0, d.1, d.2, d.3, d.4, d.5)
        store(r.0, temp + i * 8); store(r.1, temp + (6 + i) * 8); store(r.2, temp + (12 + i) * 8)
        store(r.3, temp + (18 + i) * 8); store(r.4, temp + (24 + i) * 8); store(r.5, temp + (30 + i) * 8)
    }

    /// The second half: Bᵀ (d B), column by column from `temp` (`inputRow`); ξ = 6k + l goes to
    /// `out + ξ · stride`.
    @inline(__always)
    static func inputColumns(_ temp: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, stride: Int) {
        for l in 0..<6 {
            let q = UnsafePointer(temp + 6 * l * 8)
            let r = inputTransform(load(q), load(q + 8), load(q + 16), load(q + 24), load(q + 32), load(q + 40))
            let o = out + l * stride
            store(r.0, o); store(r.1, o + 6 * stride); store(r.2, o + 12 * stride)
            store(r.3, o + 18 * stride); store(r.4, o + 24 * stride); store(r.5, o + 30 * stride)
        }
    }

    /// Bᵀ applied to one 6-vector of patch values.
    @inline(__always)
    static func inputTransform(_ d0: Vector, _ d1: Vector, _ d2: Vector, _ d3: Vector, _ d4: Vector, _ d5: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector) {
        let sum12 = d1 + d2, sum34 = d3 + d4, diff12 = d1 - d2, diff43 = d4 - d3
        let diff42 = d4 - d2, diff31 = d3 - d1
        return (4 * d0 - 5 * d2 + d4,
                sum34 - 4 * sum12,
                diff43 + 4 * diff12,
                diff42 + 2 * diff31,
                diff42 - 2 * diff31,
                4 * d1 - 5 * d3 + d5)
    }

    // MARK: Outputs

    /// y tile = Aᵀ m A for every tile; stores only the pixels inside the image. A pixel is zeroed
    /// where `mask` (same layout as y) is ≤ 0, and added to y instead of stored when `accumulate`.
    /// Where every group of 8 tiles lies in one image (`groupsStayInImages`), each group's output
    /// rows go from the transform straight to y (with the Swift vector kernels); elsewhere a
    /// channel's outputs are first stored in runs, by the C kernels when selected. `inPlace`
    /// overrides the choice (for tests: with the Swift kernels both give the same bits).
    static func transformOutputs(_ m: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                 _ layout: ChunkLayout, mask: UnsafePointer<Float>? = nil, accumulate: Bool = false,
                                 scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                 inPlace: Bool? = nil) {
        let s = Scratch(scratch, t, layout)
        let (h, w) = (t.height, t.width)
        let (run, stride) = (layout.run, layout.planeStride(channels: channels))
        let isa = KernelSet.active.vectors
        if inPlace ?? (groupsStayInImages(t) && isa == .swift) {
            precondition(groupsStayInImages(t), "transformOutputs: groups of 8 tiles cross images on this plane")
            let (groupsPerRow, bundle) = (max(1, t.tilesX / 8), tileRowsPerGroup(t))
            // Floats of one tile row's output row in the 32 a group's row holds.
            let segment = bundle > 1 ? 4 * t.tilesX : 32
            for (local, n) in images.enumerated() {
                for c in 0..<channels {
                    let plane = (n * channels + c) * h * w
                    for g in 0..<(t.tilesPerImage / 8) {
                        let (ty, tx0) = (g / groupsPerRow * bundle, 8 * (g % groupsPerRow))
                        outputColumns(m + c * run + local * t.tilesPerImage + 8 * g, stride: stride, temp: s.temp)
                        for r in 0..<min(4, h - 4 * ty) {
                            let (c0, c1, c2, c3) = outputRow(s.temp, r)
                            interleave4(c0, c1, c2, c3, into: s.row)
                            for k in 0..<bundle where 4 * (ty + k) + r < h {
                                let offset = plane + (4 * (ty + k) + r) * w + 4 * tx0
                                Rows.store(s.row + segment * k, count: min(segment, w - 4 * tx0),
                                         mask: mask.map { $0 + offset }, accumulate: accumulate, into: y + offset)
                            }
                        }
                    }
                }
            }
            return
        }

        let patchStride = patchStride(layout)
        let values = s.patches  // [16][patchStride]: the 4×4 outputs of every tile of one channel.
        for c in 0..<channels {
            var done = 0  // Tiles transformed (a multiple of 8).
            for (local, n) in images.enumerated() {
                // Transform the groups of 8 tiles this image needs, just before its scatter.
                if isa != .swift, done < (local + 1) * t.tilesPerImage {
                    let count = ((local + 1) * t.tilesPerImage - done + 7) / 8 * 8
                    rednas_winograd4_outputs(isa.cValue, count, m + c * run + done, stride, values + done, patchStride)
                    done += count
                }
                while done < (local + 1) * t.tilesPerImage {
                    outputTiles(m + c * run + done, stride: stride, temp: s.temp, into: values + done, run: patchStride)
                    done += 8
                }
                scatterImage(values + local * t.tilesPerImage, run: patchStride, t, plane: (n * channels + c) * h * w,
                             mask: mask, accumulate: accumulate, row: s.row, into: y)
            }
        }
    }

    /// Stores one image's 4×4 output tiles of one channel (pixel (r, col) of tile ty · tilesX + tx at
    /// `tiles + (4r + col) · run + tile`) into the plane at `y + plane`, as `transformOutputs` says.
    @inline(__always)
    static func scatterImage(_ tiles: UnsafePointer<Float>, run: Int, _ t: Tiling, plane: Int,
                             mask: UnsafePointer<Float>?, accumulate: Bool, row: UnsafeMutablePointer<Float>,
                             into y: UnsafeMutablePointer<Float>) {
        let (h, w, tilesX) = (t.height, t.width, t.tilesX)
        let bundle = tileRowsPerGroup(t)
        for ty in Swift.stride(from: 0, to: t.tilesY, by: bundle) {
            for r in 0..<min(4, h - 4 * ty) {
                let src = tiles + 4 * r * run + ty * tilesX
                for tx0 in Swift.stride(from: 0, to: tilesX, by: 8) {  // The tiles' columns, interleaved.
                    let p = src + tx0
                    interleave4(load(p), load(p + run), load(p + 2 * run), load(p + 3 * run), into: row + 4 * tx0)
                }
                // With tile rows bundled, output row r of tile row ty + k is the k-th 4 · tilesX floats.
                for k in 0..<bundle where 4 * (ty + k) + r < h {
                    let offset = plane + (4 * (ty + k) + r) * w
                    Rows.store(row + 4 * tilesX * k, count: w, mask: mask.map { $0 + offset }, accumulate: accumulate,
                             into: y + offset)
                }
            }
        }
    }

    /// Aᵀ m A for the 8 tiles starting at `m` (ξ planes `stride` apart); output pixel (r, col) of
    /// the tiles goes to `out + (4r + col) · run`.
    @inline(__always)
    static func outputTiles(_ m: UnsafePointer<Float>, stride: Int, temp: UnsafeMutablePointer<Float>,
                            into out: UnsafeMutablePointer<Float>, run: Int) {
        outputColumns(m, stride: stride, temp: temp)
        for r in 0..<4 {
            let (c0, c1, c2, c3) = outputRow(temp, r)
            let o = out + 4 * r * run
            store(c0, o); store(c1, o + run); store(c2, o + 2 * run); store(c3, o + 3 * run)
        }
    }

    /// The first half of Aᵀ m A: (Aᵀ m) of the 8 tiles at `m`, column by column; row r, column l goes
    /// to vector 6r + l of `temp`.
    @inline(__always)
    static func outputColumns(_ m: UnsafePointer<Float>, stride: Int, temp: UnsafeMutablePointer<Float>) {
        for l in 0..<6 {
            let p = m + l * stride
            let r = outputTransform(load(p), load(p + 6 * stride), load(p + 12 * stride),
                                    load(p + 18 * stride), load(p + 24 * stride), load(p + 30 * stride))
            store(r.0, temp + l * 8); store(r.1, temp + (6 + l) * 8)
            store(r.2, temp + (12 + l) * 8); store(r.3, temp + (18 + l) * 8)
        }
    }

    /// The second half: output row r (columns 0…3) of the 8 tiles, (Aᵀ m) A from `temp` (`outputColumns`).
    @inline(__always)
    static func outputRow(_ temp: UnsafeMutablePointer<Float>, _ r: Int) -> (Vector, Vector, Vector, Vector) {
        let q = UnsafePointer(temp + 6 * r * 8)
        return outputTransform(load(q), load(q + 8), load(q + 16), load(q + 24), load(q + 32), load(q + 40))
    }

    /// Aᵀ applied to one 6-vector of products.
    @inline(__always)
    static func outputTransform(_ m0: Vector, _ m1: Vector, _ m2: Vector, _ m3: Vector, _ m4: Vector, _ m5: Vector)
        -> (Vector, Vector, Vector, Vector) {
        let sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4
        return (m0 + sum12 + sum34, diff12 + 2 * diff34, sum12 + 4 * sum34, diff12 + 8 * diff34 + m5)
    }
}
