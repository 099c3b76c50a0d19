enum PoolingKernels {
    typealias PlaneBody = (_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>) -> Void

    /// Calls `body` for every (n, c) plane, in parallel; source and destination share `layout`.
    static func forEachPlane(_ layout: PlaneLayout, _ source: [Float], _ destination: inout [Float], _ body: PlaneBody) {
        forEachPlane(layout, layout, source, &destination, body)
    }

    /// Calls `body` for every (n, c) plane, in parallel, with differently sized planes.
    static func forEachPlane(_ sourceLayout: PlaneLayout, _ destinationLayout: PlaneLayout, _ source: [Float],
                             _ destination: inout [Float], _ body: PlaneBody) {
        let planes = sourceLayout.batch * sourceLayout.channels
        let chunks = Parallel.chunkCount(items: planes, maxChunks: 64)
        source.withUnsafeBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in
                let (s, d) = (s.baseAddress!, d.baseAddress!)
                Parallel.forEach(chunks: chunks) { chunk in
                    for p in Parallel.range(ofChunk: chunk, of: chunks, items: planes) {
                        body(s + p * sourceLayout.planeSize, d + p * destinationLayout.planeSize)
                    }
                }
            }
        }
    }

    /// Rows (or columns) of the 3×3 window centred at `i` that lie inside `0..<extent`.
    @inline(__always) static func window(_ i: Int, _ extent: Int) -> ClosedRange<Int> {
        max(0, i - 1)...min(extent - 1, i + 1)
    }

    static func average3x3(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int) {
        for oy in 0..<h {
            let rows = window(oy, h)
            for ox in 0..<w {
                let cols = window(ox, w)
                var s: Float = 0
                for y in rows { for x in cols { s += src[y * w + x] } }
                dst[oy * w + ox] = s / Float(rows.count * cols.count)
            }
        }
    }

    static func average3x3Backward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int) {
        for oy in 0..<h {
            let rows = window(oy, h)
            for ox in 0..<w {
                let cols = window(ox, w)
                let v = dy[oy * w + ox] / Float(rows.count * cols.count)
                for y in rows { for x in cols { dx[y * w + x] += v } }
            }
        }
    }
}
