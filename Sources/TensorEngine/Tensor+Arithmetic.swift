extension Tensor {
    /// `self += other` element-wise (same shape), split across the workers (gradient sums of
    /// whole activations are a memory pass each).
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "add: shapes \(shape) and \(other.shape) differ")
        let n = count
        guard n > 0 else { return }
        let chunks = Parallel.chunkCount(items: n / 16_384)
        data.withUnsafeMutableBufferPointer { dstBuffer in
            other.data.withUnsafeBufferPointer { srcBuffer in
                let (dst, src) = (dstBuffer.baseAddress!, srcBuffer.baseAddress!)
                Parallel.forEach(chunks: chunks) { chunk in
                    for i in Parallel.range(ofChunk: chunk, of: chunks, items: n) { dst[i] += src[i] }
                }
            }
        }
    }
}

extension Tensor {
    /// `factor · self`.
    public func scaled(by factor: Float) -> Tensor {
        var out = self
        out.data.withUnsafeMutableBufferPointer { o in
            for i in o.indices { o[i] *= factor }
        }
        return out
    }
}
