/// 2-D convolution op (no bias, zero padding, square kernel).
extension Graph {
    /// Cross-correlation of `x` [N, Cin, H, W] with `weight` [Cout, Cin, k, k], the given `stride`
    /// and zero `padding` on every side; output [N, Cout, Ho, Wo] with Ho = (H + 2p − k)/stride + 1.
    /// 3×3 stride-1 padding-1 convolutions use Winograd F(4×4, 3×3) or F(2×2, 3×3), as
    /// `ConvolutionDispatch.kernel(for:)` picks; the others a GEMM per image over im2col columns
    /// (`Conv2DKernels`).
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
        let out = Conv2DKernels.forward(input: input, weight: filters, geometry)
        return record(out, inputs: [x, weight]) { grad, g in
            let (dx, dw) = Conv2DKernels.backward(input: input, weight: filters, outputGradient: grad, geometry,
                                                  needInput: g.requiresGradient(x),
                                                  needWeight: g.requiresGradient(weight))
            if let dx { g.accumulate(dx, into: x) }
            if let dw { g.accumulate(dw, into: weight) }
        }
    }
}

/// Sizes of one convolution, validated once.
public struct ConvGeometry: Equatable, Sendable {
    public let batch, inChannels, height, width: Int
    public let outChannels, kernel, stride, padding: Int
    public let outHeight, outWidth: Int

    /// Precondition: 4-D shapes, matching channel counts, square kernel, positive output size.
    public init(input: [Int], weight: [Int], stride: Int, padding: Int) {
        precondition(input.count == 4, "conv2d input must be [N, C, H, W], got \(input)")
        precondition(weight.count == 4 && weight[2] == weight[3], "conv2d weight must be [Cout, Cin, k, k], got \(weight)")
        precondition(weight[1] == input[1], "conv2d: weight expects \(weight[1]) input channels, input has \(input[1])")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride must be ≥ 1 and padding ≥ 0")
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outChannels, kernel) = (weight[0], weight[2])
        (self.stride, self.padding) = (stride, padding)
        outHeight = (height + 2 * padding - kernel) / stride + 1
        outWidth = (width + 2 * padding - kernel) / stride + 1
        precondition(height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                     "conv2d: kernel \(kernel) larger than padded input \(input)")
    }

    /// Rows of the im2col matrix (Cin·k·k) = columns of the weight matrix.
    public var patchSize: Int { inChannels * kernel * kernel }
    /// Output pixels per image (Ho·Wo) = columns of the im2col matrix.
    public var outPixels: Int { outHeight * outWidth }
    public var inputImageSize: Int { inChannels * height * width }
    public var outputImageSize: Int { outChannels * outPixels }
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    /// A 1×1, stride-1, unpadded convolution reads the image itself as its im2col matrix.
    public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
}
