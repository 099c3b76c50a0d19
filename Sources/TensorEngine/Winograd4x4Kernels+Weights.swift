/// The F(4×4, 3×3) weight transforms (see `Winograd4x4Kernels` and the data transforms): U = G g Gᵀ
/// before the products, dW = Gᵀ dU G after them. Both run once per step per convolution, on
/// 36 · outC · inC values, so they are cheap next to the data transforms; they are kept apart from
/// those because they work per weight pair, not per tile.
extension Winograd4x4Kernels {
    /// U [36][outC][inC] = G g Gᵀ for every (o, i); `flipped` transforms the dX weights
    /// g'[i][o] = g[o][i] rotated by 180° (then U is [36][inC][outC]). Output channels are split
    /// across the workers when there are over a thousand (o, i) pairs: at batch 64 this per-step
    /// work is noticeable on one core, while for fewer pairs waking a worker
    /// costs about as much as the work.
    static func transformedWeights(_ weight: Tensor, outChannels: Int, inChannels: Int, flipped: Bool) -> [Float] {
        let (rows, cols) = flipped ? (inChannels, outChannels) : (outChannels, inChannels)
        let plane = rows * cols
        var u = [Float](repeating: 0, count: 36 * plane)
        let chunks = Parallel.chunkCount(items: outChannels, maxChunks: plane > 1024 ? 4 : 1)
        weight.data.withUnsafeBufferPointer { w in
            u.withUnsafeMutableBufferPointer { uBuffer in
                let u = uBuffer.baseAddress!
                Parallel.forEach(chunks: chunks) { chunk in
                for o in Parallel.range(ofChunk: chunk, of: chunks, items: outChannels) {
                    for i in 0..<inChannels {
                        let g = w.baseAddress! + (o * inChannels + i) * 9
                        @inline(__always) func k(_ r: Int, _ c: Int) -> Float { flipped ? g[8 - 3 * r - c] : g[3 * r + c] }
                        // G k, column by column (lane ξr of column c).
                        let k0 = weightTransform(k(0, 0), k(1, 0), k(2, 0))
                        let k1 = weightTransform(k(0, 1), k(1, 1), k(2, 1))
                        let k2 = weightTransform(k(0, 2), k(1, 2), k(2, 2))
                        let target = u + (flipped ? i * cols + o : o * cols + i)
                        for xr in 0..<6 {  // (G k) Gᵀ, row by row.
                            let row = weightTransform(k0[xr], k1[xr], k2[xr])
                            for xc in 0..<6 { target[(6 * xr + xc) * plane] = row[xc] }
                        }
                    }
                }
                }
            }
        }
        return u
    }

    /// G applied to one 3-vector of weights (lanes 0…5 of the result).
    @inline(__always)
    static func weightTransform(_ a: Float, _ b: Float, _ c: Float) -> SIMD8<Float> {
        let outer = a + c
        return SIMD8(a / 4, -(outer + b) / 6, -(outer - b) / 6, (a + 2 * b + 4 * c) / 24, (a - 2 * b + 4 * c) / 24, c, 0, 0)
    }

    /// dW [outC, inC, 3, 3] = Gᵀ dU G for every (o, i), from dU = the sum, in order, of the
    /// `partials` [partials][36][outC][inC]. Eight consecutive (o, i) pairs at a time, one per
    /// lane (their dU values are contiguous); split across the workers above a thousand pairs
    /// (as `transformedWeights`).
    static func weightGradientFromTransformed(_ du: [Float], partials: Int = 1, outChannels: Int, inChannels: Int) -> Tensor {
        var dw = Tensor.uninitialized([outChannels, inChannels, 3, 3])
        let pairs = outChannels * inChannels, partialCount = 36 * pairs
        precondition(du.count == partials * partialCount, "dU must hold \(partials) partials of [36][\(outChannels)][\(inChannels)]")
        let groups = (pairs + 7) / 8
        let chunks = Parallel.chunkCount(items: groups, maxChunks: pairs > 1024 ? 4 : 1)
        du.withUnsafeBufferPointer { duBuffer in
            dw.data.withUnsafeMutableBufferPointer { dwBuffer in
                Parallel.forEach(chunks: chunks) { chunk in
                for group in Parallel.range(ofChunk: chunk, of: chunks, items: groups) {
                    let first = 8 * group, lanes = min(8, pairs - first)
                    let src = duBuffer.baseAddress! + first
                    /// dU[ξ] of the group's pairs (lanes past the last pair: zero).
                    @inline(__always) func at(_ xi: Int) -> Vector {
                        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Vector {
                            if lanes == 8 { return Winograd4x4Kernels.load(p) }
                            var v = Vector()
                            for lane in 0..<lanes { v[lane] = p[lane] }
                            return v
                        }
                        return ChunkSum.ordered(chunks: partials) { load(src + $0 * partialCount + xi * pairs) }
                    }
                    // Gᵀ dU, column by column (row r of column l), then each of its 3 rows times G.
                    let q = (gradientWeightTransform(at(0), at(6), at(12), at(18), at(24), at(30)),
                             gradientWeightTransform(at(1), at(7), at(13), at(19), at(25), at(31)),
                             gradientWeightTransform(at(2), at(8), at(14), at(20), at(26), at(32)),
                             gradientWeightTransform(at(3), at(9), at(15), at(21), at(27), at(33)),
                             gradientWeightTransform(at(4), at(10), at(16), at(22), at(28), at(34)),
                             gradientWeightTransform(at(5), at(11), at(17), at(23), at(29), at(35)))
                    let rows = (gradientWeightTransform(q.0.0, q.1.0, q.2.0, q.3.0, q.4.0, q.5.0),
                                gradientWeightTransform(q.0.1, q.1.1, q.2.1, q.3.1, q.4.1, q.5.1),
                                gradientWeightTransform(q.0.2, q.1.2, q.2.2, q.3.2, q.4.2, q.5.2))
                    for lane in 0..<lanes {
                        let target = dwBuffer.baseAddress! + (first + lane) * 9
                        target[0] = rows.0.0[lane]; target[1] = rows.0.1[lane]; target[2] = rows.0.2[lane]
                        target[3] = rows.1.0[lane]; target[4] = rows.1.1[lane]; target[5] = rows.1.2[lane]
                        target[6] = rows.2.0[lane]; target[7] = rows.2.1[lane]; target[8] = rows.2.2[lane]
                    }
                }
                }
            }
        }
        return dw
    }

    /// Gᵀ applied to 6-vectors of transformed gradients, lane by lane: the 3 entries of the result.
    @inline(__always)
    static func gradientWeightTransform(_ u0: Vector, _ u1: Vector, _ u2: Vector, _ u3: Vector, _ u4: Vector,
                                        _ u5: Vector) -> (Vector, Vector, Vector) {
        let sum12 = u1 + u2, sum34 = u3 + u4
        return (u0 / 4 - sum12 / 6 + sum34 / 24, (u2 - u1) / 6 + (u3 - u4) / 12, (sum34 - sum12) / 6 + u5)
    }
}
