/// Average pooling ops over NCHW tensors. Planes (n, c) are independent and run in parallel.
extension Graph {
    /// 3×3 average pool, stride 1, padding 1, dividing by the number of IN-IMAGE pixels in each
    /// window (PyTorch `count_include_pad=False`: corners /4, edges /6, interior /9).
    /// [N, C, H, W] → [N, C, H, W].
    public func avgPool3x3(_ x: Variable) -> Variable {
        let input = value(x)
        let layout = PlaneLayout(shape: input.shape)
        let (h, w) = (input.shape[2], input.shape[3])
        var out = Tensor.zeros(input.shape)
        PoolingKernels.forEachPlane(layout, input.data, &out.data) { src, dst in
            PoolingKernels.average3x3(src, dst, h, w)
        }
        return record(out, inputs: [x]) { grad, g in
            var dx = Tensor.zeros(input.shape)
            PoolingKernels.forEachPlane(layout, grad.data, &dx.data) { dy, dxPlane in
                PoolingKernels.average3x3Backward(dy, dxPlane, h, w)
            }
            g.accumulate(dx, into: x)
        }
    }

    /// 2×2 average pool, stride 2, no padding: [N, C, H, W] → [N, C, ⌊H/2⌋, ⌊W/2⌋] (a trailing odd
    /// row/column is dropped, as PyTorch's floor mode).
    public func avgPool2x2(_ x: Variable) -> Variable {
        let input = value(x)
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (h / 2, w / 2)
        precondition(ho > 0 && wo > 0, "avgPool2x2 needs H, W ≥ 2, got \(input.shape)")
        var out = Tensor.zeros([n, c, ho, wo])
        let inLayout = PlaneLayout(shape: input.shape), outLayout = PlaneLayout(shape: out.shape)
        PoolingKernels.forEachPlane(inLayout, outLayout, input.data, &out.data) { src, dst in
            for oy in 0..<ho {
                for ox in 0..<wo {
                    let i = 2 * oy * w + 2 * ox
                    dst[oy * wo + ox] = 0.25 * (src[i] + src[i + 1] + src[i + w] + src[i + w + 1])
                }
            }
        }
        return record(out, inputs: [x]) { grad, g in
            var dx = Tensor.zeros(input.shape)
            PoolingKernels.forEachPlane(outLayout, inLayout, grad.data, &dx.data) { dy, dxPlane in
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let v = 0.25 * dy[oy * wo + ox], i = 2 * oy * w + 2 * ox
                        dxPlane[i] = v; dxPlane[i + 1] = v; dxPlane[i + w] = v; dxPlane[i + w + 1] = v
                    }
                }
            }
            g.accumulate(dx, into: x)
        }
    }

    /// Mean over H and W: [N, C, H, W] → [N, C].
    public func globalAvgPool(_ x: Variable) -> Variable {
        let input = value(x)
        let layout = PlaneLayout(shape: input.shape)
        let size = layout.planeSize
        var out = Tensor.zeros([layout.batch, layout.channels])
        input.data.withUnsafeBufferPointer { xs in
            out.data.withUnsafeMutableBufferPointer { ys in
                for p in 0..<(layout.batch * layout.channels) {
                    var s: Float = 0
                    for i in (p * size)..<((p + 1) * size) { s += xs[i] }
                    ys[p] = s / Float(size)
                }
            }
        }
        return record(out, inputs: [x]) { grad, g in
            var dx = Tensor.zeros(input.shape)
            dx.data.withUnsafeMutableBufferPointer { d in
                grad.data.withUnsafeBufferPointer { dy in
                    for p in 0..<(layout.batch * layout.channels) {
                        let v = dy[p] / Float(size)
                        for i in (p * size)..<((p + 1) * size) { d[i] = v }
                    }
                }
            }
            g.accumulate(dx, into: x)
        }
    }
}
