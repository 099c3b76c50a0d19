import Foundation
import TensorEngine

/// Stochastic gradient descent with exactly PyTorch's `torch.optim.SGD` update (dampening 0),
/// applied in float32 to every parameter:
///
///     g = ∇θ + wd·θ
///     b = g                (first step)      b = μ·b + g   (later steps)
///     g = g + μ·b          (nesterov)        g = b         (otherwise)
///     θ = θ − lr·g
public final class SGD {
    /// The parameters this optimizer updates, in the order of ``SGDState/momentumBuffers``.
    public let parameters: [Parameter]
    /// Set per epoch by the caller (e.g. from `CosineSchedule`).
    public var learningRate: Float
    /// Momentum μ (0 disables it).
    public let momentum: Float
    /// Whether the update uses Nesterov momentum.
    public let nesterov: Bool
    /// L2 weight decay added to each gradient (`wd·θ`).
    public let weightDecay: Float
    /// The momentum buffers, to checkpoint and restore.
    public private(set) var state: SGDState

    /// An optimizer over `parameters` with empty momentum buffers.
    ///
    /// - Parameters:
    ///   - parameters: The parameters to update, in a fixed order.
    ///   - learningRate: The initial learning rate.
    ///   - momentum: Momentum μ; must be positive when `nesterov` is true.
    ///   - nesterov: Whether to use Nesterov momentum.
    ///   - weightDecay: L2 weight decay.
    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0.9, nesterov: Bool = true,
                weightDecay: Float = 5e-4) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum requires momentum > 0")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        state = SGDState(momentumBuffers: Array(repeating: nil, count: parameters.count))
    }

    /// Applies one update to every parameter from its accumulated `grad`.
    public func step() {
        for (i, p) in parameters.enumerated() {
            var buffer = state.momentumBuffers[i]
            update(p, buffer: &buffer)
            state.momentumBuffers[i] = buffer
        }
    }

    /// Zeroes every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// Replaces the momentum buffers (e.g. from a checkpoint) after checking count and shapes.
    public func restore(_ saved: SGDState) throws {
        guard saved.momentumBuffers.count == parameters.count else {
            throw SGDStateError.parameterCountMismatch(expected: parameters.count, found: saved.momentumBuffers.count)
        }
        for (i, (buffer, p)) in zip(saved.momentumBuffers, parameters).enumerated() {
            if let buffer, buffer.shape != p.shape {
                throw SGDStateError.shapeMismatch(parameterIndex: i, expected: p.shape, found: buffer.shape)
            }
        }
        state = saved
    }

    private func update(_ p: Parameter, buffer: inout Tensor?) {
        let (wd, mu, lr, count) = (weightDecay, momentum, learningRate, p.value.count)
        var direction = p.grad  // becomes g
        direction.data.withUnsafeMutableBufferPointer { g in
            p.value.data.withUnsafeBufferPointer { theta in
                for j in 0..<count { g[j] = g[j] + wd * theta[j] }
            }
        }
        guard mu != 0 else { return apply(direction, to: p, learningRate: lr) }
        if buffer == nil {
            buffer = direction
        } else {
            buffer!.data.withUnsafeMutableBufferPointer { b in
                direction.data.withUnsafeBufferPointer { g in
                    for j in 0..<count { b[j] = b[j] * mu + g[j] }
                }
            }
        }
        if nesterov {
            direction.data.withUnsafeMutableBufferPointer { g in
                buffer!.data.withUnsafeBufferPointer { b in
                    for j in 0..<count { g[j] = g[j] + mu * b[j] }
                }
            }
        } else {
            direction = buffer!
        }
        apply(direction, to: p, learningRate: lr)
    }

    private func apply(_ direction: Tensor, to p: Parameter, learningRate lr: Float) {
        p.value.data.withUnsafeMutableBufferPointer { theta in
            direction.data.withUnsafeBufferPointer { g in
                for j in theta.indices { theta[j] = theta[j] - lr * g[j] }
            }
        }
    }
}
