import Foundation
import TensorEngine

/// Errors restoring optimizer state.
public enum SGDStateError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case parameterCountMismatch(expected: Int, found: Int)
    case shapeMismatch(parameterIndex: Int, expected: [Int], found: [Int])

    /// What is wrong, in words.
    public var description: String {
        switch self {
        case let .parameterCountMismatch(expected, found):
            return "optimizer state has \(found) momentum buffers, the model has \(expected) parameters"
        case let .shapeMismatch(index, expected, found):
            return "optimizer momentum buffer \(index) has shape \(found), parameter has shape \(expected)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
