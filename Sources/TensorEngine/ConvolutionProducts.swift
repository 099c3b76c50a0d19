/// A family of convolution kernels (im2col, Winograd F(2×2), F(4×4), or the dispatch between them)
/// that provides the three products at pointer level, for fused ops; the tensor-level forms follow
/// from those once, here.
protocol ConvolutionProducts {
    /// y = (rectifyInput ? relu(x) : x) ⊛ w, written (not added) into `y` [N, Cout, Ho, Wo].
    static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                        into y: UnsafeMutablePointer<Float>)
    /// y += (rectifyInput ? relu(x) : x) ⊛ w: the forward product added into `y` (eval-mode sums).
    static func forwardAdding(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                              into y: UnsafeMutablePointer<Float>)
    /// dX [N, Cin, H, W] from dY, stored as `io` says (`outputMask`: a ReLU backward; `accumulate`).
    static func inputGradient(outputGradient dy: UnsafePointer<Float>, weight: Tensor, _ geo: ConvGeometry,
                              io: ConvIO, into dx: UnsafeMutablePointer<Float>)
    /// dW [Cout, Cin, k, k] for input x (or relu(x) when `rectifyInput`) and dY.
    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                               _ geo: ConvGeometry) -> Tensor
    /// Both backward products at once: dX stored into `dx` as `io` says (as `inputGradient`), and
    /// dW returned (as `weightGradient`). Kernels that share work between the two (reading dY once)
    /// implement it; the default calls the two products.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor
    /// `backward` with dY = `affine` applied to `dy` (the fused op's batch-norm dz = A·dy + B·z + C).
    /// Kernels that form it as they read dY implement it; the default stores it, then calls `backward`.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine, weight: Tensor, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>) -> Tensor
}

extension ConvolutionProducts {
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        let dw = weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
        inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
        return dw
    }

    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine, weight: Tensor, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>) -> Tensor {
        affine.stored(dy, batch: geo.batch, planeSize: geo.outPixels) { dy in
            backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight, geo, io: io, into: dx)
        }
    }
}

extension ConvolutionProducts {
    /// y [N, Cout, Ho, Wo] = x ⊛ w.
    static func forward(input: Tensor, weight: Tensor, _ geo: ConvGeometry) -> Tensor {
        var out = Tensor.uninitialized(geo.outputShape)
        input.data.withUnsafeBufferPointer { x in
            out.data.withUnsafeMutableBufferPointer { y in
                forward(input: x.baseAddress!, rectifyInput: false, weight: weight, geo, into: y.baseAddress!)
            }
        }
        return out
    }

    /// dX [N, Cin, H, W] from dY.
    static func inputGradient(outputGradient: Tensor, weight: Tensor, _ geo: ConvGeometry) -> Tensor {
        var dx = Tensor.uninitialized([geo.batch, geo.inChannels, geo.height, geo.width])
        outputGradient.data.withUnsafeBufferPointer { dy in
            dx.data.withUnsafeMutableBufferPointer { d in
                inputGradient(outputGradient: dy.baseAddress!, weight: weight, geo, io: ConvIO(), into: d.baseAddress!)
            }
        }
        return dx
    }

    /// dW [Cout, Cin, k, k] from x and dY.
    static func weightGradient(input: Tensor, outputGradient: Tensor, _ geo: ConvGeometry) -> Tensor {
        input.data.withUnsafeBufferPointer { x in
            outputGradient.data.withUnsafeBufferPointer { dy in
                weightGradient(input: x.baseAddress!, rectifyInput: false, outputGradient: dy.baseAddress!, geo)
            }
        }
    }
}
