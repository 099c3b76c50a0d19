/// The one reduction of per-chunk partial results: chunk 0's value + chunk 1's + … in chunk
/// order, whichever worker computed each chunk and in whatever order. Chunks are fixed by the
/// problem size (`ImageChunks`, `Parallel.chunkCount`), so sums reduced here do not depend on the
/// thread count.
enum ChunkSum {
    /// partial(0) + partial(1) + … + partial(chunks − 1), added in that order (`chunks` ≥ 1). Works
    /// on floats and on SIMD vectors of them (lane by lane the same sum).
    @inline(__always)
    static func ordered<V: ChunkSummable>(chunks: Int, _ partial: (Int) -> V) -> V {
        var sum = partial(0)
        for chunk in 1..<max(1, chunks) { sum += partial(chunk) }
        return sum
    }

    /// sum[i] = Σ in chunk order of `partials`[chunk · count + i] for i in 0..<count
    /// (`ordered(chunks:_:)` on 8 values at a time).
    static func ordered(_ partials: UnsafePointer<Float>, chunks: Int, count: Int, into sum: UnsafeMutablePointer<Float>) {
        typealias Vector = SIMD8<Float>
        var i = 0
        while i + 8 <= count {
            let v = ordered(chunks: chunks) { UnsafeRawPointer(partials + $0 * count + i).loadUnaligned(as: Vector.self) }
            UnsafeMutableRawPointer(sum + i).storeBytes(of: v, as: Vector.self)
            i += 8
        }
        while i < count {
            sum[i] = ordered(chunks: chunks) { partials[$0 * count + i] }
            i += 1
        }
    }

    /// The ordered sum of `partials` [chunks][count] (count = partials.count / chunks).
    static func ordered(_ partials: [Float], chunks: Int) -> [Float] {
        precondition(chunks >= 1 && partials.count % chunks == 0, "partials must hold \(chunks) equal parts")
        let count = partials.count / chunks
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { sum, initialized in
            partials.withUnsafeBufferPointer { ordered($0.baseAddress!, chunks: chunks, count: count, into: sum.baseAddress!) }
            initialized = count
        }
    }
}

/// Values `ChunkSum` adds: floats, and SIMD8 vectors of them (lane by lane).
protocol ChunkSummable {
    static func += (lhs: inout Self, rhs: Self)
}

extension Float: ChunkSummable {}
extension SIMD8: ChunkSummable where Scalar == Float {}
