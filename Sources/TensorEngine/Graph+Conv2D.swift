/// 2-D convolution op (no bias, zero padding, square kernel).
extension Graph {
    /// Cross-correlation of `x` [N, Cin, H, W] with `weight` [Cout, Cin, k, k], the given `stride`
    /// and zero `padding` on every side; output [N, Cout, Ho, Wo] with Ho = (H + 2p − k)/stride + 1.
    /// 3×3 stride-1 padding-1 convolutions use Winograd F(4×4, 3×3) or F(2×2, 3×3), as
    /// `ConvolutionDispatch.kernel(for:)` picks; the others a GEMM per image over im2col columns
    /// (`Im2ColKernels`).
    public func conv2d(_ x: Variable, weight: Variable, stride: Int = 1, padding: Int = 0) -> Variable {
        let input = value(x), filters = value(weight)
        let geometry = ConvGeometry(input: input.shape, weight: filters.shape, stride: stride, padding: padding)
        if ConvolutionDispatch.kernel(for: geometry) != .im2col {
            let out = ConvolutionDispatch.forward(input: input, weight: filters, geometry)
            return record(out, inputs: [x, weight]) { grad, g in
                if g.requiresGradient(x) {
                    g.accumulate(ConvolutionDispatch.inputGradient(outputGradient: grad, weight: filters, geometry), into: x)
                }
                if g.requiresGradient(weight) {
                    g.accumulate(ConvolutionDispatch.weightGradient(input: input, outputGradient: grad, geometry),
                                 into: weight)
                }
            }
        }
        let out = Im2ColKernels.forward(input: input, weight: filters, geometry)
        return record(out, inputs: [x, weight]) { grad, g in
            let (dx, dw) = Im2ColKernels.backward(input: input, weight: filters, outputGradient: grad, geometry,
                                                  needInput: g.requiresGradient(x),
                                                  needWeight: g.requiresGradient(weight))
            if let dx { g.accumulate(dx, into: x) }
            if let dw { g.accumulate(dw, into: weight) }
        }
    }
}
