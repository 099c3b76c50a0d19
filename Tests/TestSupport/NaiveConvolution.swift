// Slow, obviously-correct direct convolution: the oracle for the im2col + GEMM kernels.
import TensorEngine

public enum NaiveConvolution {
    /// y[n,o,oy,ox] = Σ_{c,ky,kx} w[o,c,ky,kx] · x[n,c,oy·s+ky−p, ox·s+kx−p] (zero outside), in Double.
    public static func forward(_ x: Tensor, weight w: Tensor, stride s: Int, padding p: Int) -> Tensor {
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: s, padding: p)
        var y = Tensor.zeros(g.outputShape)
        for n in 0..<g.batch { for o in 0..<g.outChannels { for oy in 0..<g.outHeight { for ox in 0..<g.outWidth {
            var acc = 0.0
            forEachTap(g, oy, ox) { c, ky, kx, iy, ix in acc += Double(w[o, c, ky, kx]) * Double(x[n, c, iy, ix]) }
            y[n, o, oy, ox] = Float(acc)
        } } } }
        return y
    }

    /// dx[n,c,iy,ix] = Σ over taps reading (iy, ix) of w · dy.
    public static func inputGradient(_ dy: Tensor, weight w: Tensor, inputShape: [Int], stride s: Int, padding p: Int) -> Tensor {
        let g = ConvGeometry(input: inputShape, weight: w.shape, stride: s, padding: p)
        var dx = [Double](repeating: 0, count: Tensor.count(of: inputShape))
        for n in 0..<g.batch { for o in 0..<g.outChannels { for oy in 0..<g.outHeight { for ox in 0..<g.outWidth {
            let d = Double(dy[n, o, oy, ox])
            forEachTap(g, oy, ox) { c, ky, kx, iy, ix in
                dx[((n * g.inChannels + c) * g.height + iy) * g.width + ix] += Double(w[o, c, ky, kx]) * d
            }
        } } } }
        return Tensor(shape: inputShape, data: dx.map { Float($0) })
    }

    /// dw[o,c,ky,kx] = Σ_{n,oy,ox} dy[n,o,oy,ox] · x[n,c,oy·s+ky−p, ox·s+kx−p].
    public static func weightGradient(_ dy: Tensor, input x: Tensor, weightShape: [Int], stride s: Int, padding p: Int) -> Tensor {
        let g = ConvGeometry(input: x.shape, weight: weightShape, stride: s, padding: p)
        var dw = [Double](repeating: 0, count: Tensor.count(of: weightShape))
        for n in 0..<g.batch { for o in 0..<g.outChannels { for oy in 0..<g.outHeight { for ox in 0..<g.outWidth {
            let d = Double(dy[n, o, oy, ox])
            forEachTap(g, oy, ox) { c, ky, kx, iy, ix in
                dw[((o * g.inChannels + c) * g.kernel + ky) * g.kernel + kx] += Double(x[n, c, iy, ix]) * d
            }
        } } } }
        return Tensor(shape: weightShape, data: dw.map { Float($0) })
    }

    /// Visits the in-image taps of output pixel (oy, ox).
    private static func forEachTap(_ g: ConvGeometry, _ oy: Int, _ ox: Int, _ body: (Int, Int, Int, Int, Int) -> Void) {
        for c in 0..<g.inChannels { for ky in 0..<g.kernel { for kx in 0..<g.kernel {
            let iy = oy * g.stride + ky - g.padding, ix = ox * g.stride + kx - g.padding
            if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width { body(c, ky, kx, iy, ix) }
        } } }
    }
}

/// Largest |a − b| relative to the largest |b| (a scale-aware comparison for whole tensors).
public func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    let scale = max(b.data.map(abs).max() ?? 0, 1e-12)
    return zip(a.data, b.data).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
