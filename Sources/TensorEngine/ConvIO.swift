/// How a convolution kernel reads its input and stores its output, so that a ReLU before it and
/// the gradient bookkeeping after it cost no extra pass over memory.
struct ConvIO {
    /// Convolve relu(x) instead of x (the ReLU of ReLU → conv → BN).
    var rectifyInput = false
    /// Zero each output value where this same-shaped tensor is ≤ 0 (a ReLU's backward).
    var outputMask: UnsafePointer<Float>? = nil
    /// Add into the output instead of overwriting it (gradient accumulation).
    var accumulate = false
}
