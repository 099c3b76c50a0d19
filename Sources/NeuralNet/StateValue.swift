import Foundation
import TensorEngine

/// One saved value: float32 tensors, or an integer counter.
public enum StateValue: Equatable, Codable {
    case float32(Tensor)
    case int64(Int64)
}
