/// A convolution input computed per channel while it is read: a[c]·x + b[c]·z + c[c], with z
/// shaped like x. The fused op's backward uses it for batch norm's dz = A·dy + B·z + C, so dz is
/// never stored (`Winograd4x4Kernels.backward`).
struct ChannelAffine {
    let z: UnsafePointer<Float>
    let a, b, c: [Float]

    /// out = a[ch]·x + b[ch]·z + c[ch] over [batch, channels, planeSize] (channels = a.count).
    func apply(to x: UnsafePointer<Float>, batch: Int, planeSize: Int, into out: UnsafeMutablePointer<Float>) {
        let channels = a.count
        Parallel.forEach(chunks: channels) { ch in
            let (ka, kb, kc) = (a[ch], b[ch], c[ch])
            for n in 0..<batch {
                let base = (n * channels + ch) * planeSize
                let (xp, zp, op) = (x + base, z + base, out + base)
                for i in 0..<planeSize { op[i] = ka * xp[i] + kb * zp[i] + kc }
            }
        }
    }

    /// Runs `body` with the map applied to `x`, stored in a temporary buffer.
    func stored<R>(_ x: UnsafePointer<Float>, batch: Int, planeSize: Int,
                   _ body: (UnsafePointer<Float>) -> R) -> R {
        ScratchBuffer.with(batch * a.count * planeSize) { buffer in
            apply(to: x, batch: batch, planeSize: planeSize, into: buffer)
            return body(buffer)
        }
    }
}
