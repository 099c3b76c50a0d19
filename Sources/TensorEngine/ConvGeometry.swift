/// Sizes of one convolution, validated once.
public struct ConvGeometry: Equatable, Sendable {
    /// The input's N, Cin, H and W.
    public let batch, inChannels, height, width: Int
    /// Cout, the square kernel's side k, the stride, and the zero padding on each side.
    public let outChannels, kernel, stride, padding: Int
    /// Output height and width: Ho = (H + 2·padding − k)/stride + 1, likewise Wo.
    public let outHeight, outWidth: Int

    /// The geometry of convolving an `input`-shaped tensor with a `weight`-shaped kernel.
    ///
    /// Precondition: 4-D shapes, matching channel counts, square kernel, positive output size.
    ///
    /// - Parameters:
    ///   - input: Input shape, [N, Cin, H, W].
    ///   - weight: Weight shape, [Cout, Cin, k, k].
    ///   - stride: Stride in both spatial dimensions, ≥ 1.
    ///   - padding: Zero padding on each side, in pixels, ≥ 0.
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
    /// Values per input image (Cin·H·W).
    public var inputImageSize: Int { inChannels * height * width }
    /// Values per output image (Cout·Ho·Wo).
    public var outputImageSize: Int { outChannels * outPixels }
    /// Shape of the output, [N, Cout, Ho, Wo].
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    /// A 1×1, stride-1, unpadded convolution reads the image itself as its im2col matrix.
    public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
}
