/// The 3×3, stride-1, padding-1 kernel families (direct, Winograd F(2×2) and F(4×4)): each is one
/// `convolve` of the batch with weights transformed once per call, and dX is the same convolution
/// of dY with the weights flipped and transposed, so forward and dX share it.
protocol SamePadding3x3Kernels: ConvolutionProducts {
    /// The weights [Cout, Cin, 3, 3] as `convolve` reads them; `flipped`: those of the dX
    /// convolution (in and out swapped, taps rotated by 180°).
    static func transformedWeights(_ weight: Tensor, outChannels: Int, inChannels: Int, flipped: Bool) -> [Float]
    /// out [N, outC, H, W] = 3×3 same convolution of `x` [N, inC, H, W] with transformed weights
    /// `w`, reading and writing as `io` says.
    static func convolve(_ x: UnsafePointer<Float>, _ w: [Float], batch: Int, inChannels: Int, outChannels: Int,
                         height: Int, width: Int, io: ConvIO, into out: UnsafeMutablePointer<Float>)
}

extension SamePadding3x3Kernels {
    /// Whether `geo` is a convolution these kernels compute: 3×3, stride 1, padding 1.
    static func applies(_ geo: ConvGeometry) -> Bool { geo.kernel == 3 && geo.stride == 1 && geo.padding == 1 }

    /// y = (rectifyInput ? relu(x) : x) ⊛ w, written (not added) into `y` [N, Cout, H, W].
    static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                        into y: UnsafeMutablePointer<Float>) {
        precondition(applies(geo), "\(Self.self) needs a 3×3, stride-1, padding-1 convolution")
        let w = transformedWeights(weight, outChannels: geo.outChannels, inChannels: geo.inChannels, flipped: false)
        convolve(x, w, batch: geo.batch, inChannels: geo.inChannels, outChannels: geo.outChannels,
                 height: geo.height, width: geo.width, io: ConvIO(rectifyInput: rectifyInput), into: y)
    }

    /// y += (rectifyInput ? relu(x) : x) ⊛ w into `y` [N, Cout, H, W].
    static func forwardAdding(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                              into y: UnsafeMutablePointer<Float>) {
        precondition(applies(geo), "\(Self.self) needs a 3×3, stride-1, padding-1 convolution")
        let w = transformedWeights(weight, outChannels: geo.outChannels, inChannels: geo.inChannels, flipped: false)
        convolve(x, w, batch: geo.batch, inChannels: geo.inChannels, outChannels: geo.outChannels,
                 height: geo.height, width: geo.width, io: ConvIO(rectifyInput: rectifyInput, accumulate: true), into: y)
    }

    /// dX of `geo` from dY, stored in `dx` as `io` says (`io.outputMask` and `io.accumulate` fuse a
    /// ReLU backward and the gradient sum; `io.rectifyInput` must be false).
    static func inputGradient(outputGradient dy: UnsafePointer<Float>, weight: Tensor, _ geo: ConvGeometry,
                              io: ConvIO, into dx: UnsafeMutablePointer<Float>) {
        precondition(applies(geo), "\(Self.self) needs a 3×3, stride-1, padding-1 convolution")
        precondition(!io.rectifyInput, "inputGradient reads dY as is")
        let w = transformedWeights(weight, outChannels: geo.outChannels, inChannels: geo.inChannels, flipped: true)
        convolve(dy, w, batch: geo.batch, inChannels: geo.outChannels, outChannels: geo.inChannels,
                 height: geo.height, width: geo.width, io: io, into: dx)
    }
}
