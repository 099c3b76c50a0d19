import Foundation
import TensorEngine

/// Errors loading a state dict.
public enum StateDictError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case missing(names: [String])
    case unexpected(names: [String])
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case typeMismatch(name: String, expected: String)

    /// What is wrong, in words.
    public var description: String {
        switch self {
        case .missing(let names): return "state dict is missing \(names.count) entr\(names.count == 1 ? "y" : "ies"): \(names.joined(separator: ", "))"
        case .unexpected(let names): return "state dict has \(names.count) unexpected entr\(names.count == 1 ? "y" : "ies"): \(names.joined(separator: ", "))"
        case let .shapeMismatch(name, expected, found): return "state dict entry '\(name)' has shape \(found), expected \(expected)"
        case let .typeMismatch(name, expected): return "state dict entry '\(name)' must be \(expected)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
