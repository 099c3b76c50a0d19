/// The kernel families that can compute a convolution.
enum ConvolutionKernel: Equatable, CaseIterable {
    /// Direct 3×3 convolution in registers (`Direct3x3Kernels`).
    case direct
    /// Winograd F(2×2, 3×3) (`Winograd2x2Kernels`).
    case winograd2x2
    /// Winograd F(4×4, 3×3) (`Winograd4x4Kernels`).
    case winograd4x4
    /// im2col + GEMM (`Im2ColKernels`), for every geometry.
    case im2col

    /// The kernel family's products.
    var products: any ConvolutionProducts.Type {
        switch self {
        case .direct: Direct3x3Kernels.self
        case .winograd2x2: Winograd2x2Kernels.self
        case .winograd4x4: Winograd4x4Kernels.self
        case .im2col: Im2ColKernels.self
        }
    }
}

/// Routes a convolution to the direct kernel, Winograd F(4×4, 3×3), F(2×2, 3×3) or im2col + GEMM
/// by its geometry (pointer level, and tensor level for `Graph.conv2d`): each product looks the
/// family up once (`products(for:)`) and calls it.
enum ConvolutionDispatch: ConvolutionProducts {
    /// The kernel for `geo`: for 3×3 stride-1 padding-1 convolutions the direct kernel when neither
    /// side has more than `Direct3x3Kernels.maximumChannels` channels, else Winograd; im2col for the
    /// others. Among the Winograd ones F(4×4) where it is the faster of the two:
    /// - both sides ≥ 7: on smaller planes (1–6 pixels, ≤ 2×2 tiles of 4×4) the per-plane work
    ///   of the 6×6 transforms outweighs the saved multiplies;
    /// - 36 · tiles₄ₓ₄ ≤ 12 · tiles₂ₓ₂, i.e. F(4×4) needs at most ¾ of F(2×2)'s multiplies once
    ///   the padding of the edge tiles counts: sides ≡ 1 or 2 mod 4 pad a 4×4 tile by 3 or 2 pixels,
    ///   so 9 and 10 (ratio 0.81) stay on F(2×2) while 13 and 14 (0.73) and 8, 16, 32 (0.56) take
    ///   F(4×4). (The measurements behind these thresholds are in PERFORMANCE.md.)
    static func kernel(for geo: ConvGeometry) -> ConvolutionKernel {
        guard Winograd2x2Kernels.applies(geo) else { return .im2col }
        if max(geo.inChannels, geo.outChannels) <= Direct3x3Kernels.maximumChannels { return .direct }
        guard geo.height >= 7 && geo.width >= 7 else { return .winograd2x2 }
        let tiles4 = ((geo.height + 3) / 4) * ((geo.width + 3) / 4)
        let tiles2 = ((geo.height + 1) / 2) * ((geo.width + 1) / 2)
        return 36 * tiles4 <= 12 * tiles2 ? .winograd4x4 : .winograd2x2
    }

    /// The kernel family that computes `geo` (`kernel(for:)`).
    @inline(__always)
    static func products(for geo: ConvGeometry) -> any ConvolutionProducts.Type { kernel(for: geo).products }

    static func forward(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                        into y: UnsafeMutablePointer<Float>) {
        products(for: geo).forward(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
    }

    static func forwardAdding(input x: UnsafePointer<Float>, rectifyInput: Bool, weight: Tensor, _ geo: ConvGeometry,
                              into y: UnsafeMutablePointer<Float>) {
        products(for: geo).forwardAdding(input: x, rectifyInput: rectifyInput, weight: weight, geo, into: y)
    }

    static func weightGradient(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                               _ geo: ConvGeometry) -> Tensor {
        products(for: geo).weightGradient(input: x, rectifyInput: rectifyInput, outputGradient: dy, geo)
    }

    static func inputGradient(outputGradient dy: UnsafePointer<Float>, weight: Tensor, _ geo: ConvGeometry,
                              io: ConvIO, into dx: UnsafeMutablePointer<Float>) {
        products(for: geo).inputGradient(outputGradient: dy, weight: weight, geo, io: io, into: dx)
    }

    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         weight: Tensor, _ geo: ConvGeometry, io: ConvIO, into dx: UnsafeMutablePointer<Float>) -> Tensor {
        products(for: geo).backward(input: x, rectifyInput: rectifyInput, outputGradient: dy, weight: weight,
                                    geo, io: io, into: dx)
    }

    /// Both products with dY = `affine` applied to `dy`: the direct and F(4×4) kernels form it as
    /// they read it; the other kernels get it stored first.
    static func backward(input x: UnsafePointer<Float>, rectifyInput: Bool, outputGradient dy: UnsafePointer<Float>,
                         outputGradientAffine affine: ChannelAffine, weight: Tensor, _ geo: ConvGeometry, io: ConvIO,
                         into dx: UnsafeMutablePointer<Float>) -> Tensor {
        products(for: geo).backward(input: x, rectifyInput: rectifyInput, outputGradient: dy,
                                    outputGradientAffine: affine, weight: weight, geo, io: io, into: dx)
    }
}
