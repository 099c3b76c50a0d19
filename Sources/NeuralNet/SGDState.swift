import Foundation
import TensorEngine

/// Momentum buffers of an `SGD` optimizer, one per parameter in optimizer order (`nil` before the
/// parameter's first step). Codable so checkpoints resume bit-exactly.
public struct SGDState: Codable, Equatable {
    /// One buffer per parameter, in optimizer order; `nil` until that parameter's first step.
    public var momentumBuffers: [Tensor?]
    /// State holding `momentumBuffers`.
    public init(momentumBuffers: [Tensor?]) { self.momentumBuffers = momentumBuffers }
}
