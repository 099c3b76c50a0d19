import Foundation

/// What can be wrong with a set of activation files. Every case names the file and, where one is at
/// fault, the tensor, so the message can be shown to the user as it is.
package enum ActivationError: Error, Equatable, Sendable {
    case noFiles
    /// The file cannot be opened or is not a valid safetensors file (damaged, truncated, foreign).
    case unreadable(file: String, detail: String)
    /// The `__metadata__` entries describing the taps are missing or malformed.
    case badMetadata(file: String, key: String, detail: String)
    /// A tensor listed in the `taps` metadata is not in the file.
    case missingTensor(file: String, tensor: String)
    /// A tapped tensor is not float32, float16 or bfloat16.
    case nonFloat(file: String, tensor: String, dtype: String)
    /// A tapped tensor whose shape cannot be a batch of activations (or disagrees with other files).
    case badShape(file: String, tensor: String, shape: [Int], detail: String)
    /// A tensor whose sample count differs from the first tap's.
    case sampleCountMismatch(file: String, tensor: String, found: Int, expected: Int, reference: String)
    /// Fewer samples per batch than the CKA estimator needs.
    case tooFewSamples(file: String, tensor: String, found: Int, minimum: Int)
    /// A NaN or ±∞ activation (`batch` is the index within the file's batch axis, 0 without one).
    case nonFinite(file: String, tensor: String, batch: Int, element: Int, value: Float)
    /// A later file whose taps differ from the first file's.
    case inconsistentFiles(file: String, detail: String)
}

extension ActivationError: CustomStringConvertible, LocalizedError {
    package var description: String {
        switch self {
        case .noFiles:
            return "no activation files given"
        case let .unreadable(file, detail):
            return "\(file): \(detail)"
        case let .badMetadata(file, key, detail):
            return "\(file): metadata '\(key)' \(detail)"
        case let .missingTensor(file, tensor):
            return "\(file): tensor '\(tensor)' is listed in the 'taps' metadata but is not in the file"
        case let .nonFloat(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); activations must be F32, F16 or BF16"
        case let .badShape(file, tensor, shape, detail):
            return "\(file): tensor '\(tensor)' has shape \(shape): \(detail)"
        case let .sampleCountMismatch(file, tensor, found, expected, reference):
            return "\(file): tensor '\(tensor)' has \(found) samples but '\(reference)' has \(expected); "
                + "every tap of a batch must hold the same samples"
        case let .tooFewSamples(file, tensor, found, minimum):
            return "\(file): tensor '\(tensor)' has \(found) samples per batch; the CKA estimator needs at least \(minimum)"
        case let .nonFinite(file, tensor, batch, element, value):
            return "\(file): tensor '\(tensor)' holds \(value) (batch \(batch), element \(element)); activations must be finite"
        case let .inconsistentFiles(file, detail):
            return "\(file): \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
