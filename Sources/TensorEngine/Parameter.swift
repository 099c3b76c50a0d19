/// A trainable tensor together with the gradient that backward passes accumulate into it.
///
/// `Graph.backward` ADDS into `grad`; the caller clears it with `zeroGrad()` before the next
/// forward/backward (as PyTorch's `optimizer.zero_grad()`), so gradients of several passes can be
/// accumulated on purpose.
public final class Parameter {
    /// The current value; optimizers update it in place.
    public var value: Tensor
    /// Accumulated gradient, same shape as `value`.
    public var grad: Tensor

    /// A parameter holding `value`, with a zero gradient of the same shape.
    ///
    /// - Parameter value: The initial value.
    public init(_ value: Tensor) {
        self.value = value
        self.grad = .zeros(value.shape)
    }

    /// Shape of `value` (and of `grad`).
    public var shape: [Int] { value.shape }

    /// Sets `grad` to zeros.
    public func zeroGrad() {
        grad.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
