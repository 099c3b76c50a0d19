import Foundation

/// Everything that can be wrong with the input of a redundancy measurement.
/// Each case says what is wrong and where (layer, batch, index) so a caller can report it as is.
public enum RedundancyError: Error, Equatable, Sendable {
    /// A feature buffer whose element count does not match the shape it came with.
    case invalidShape(shape: [Int], valueCount: Int, reason: String)
    /// Too few samples for the estimator (unbiased CKA needs n > 3, biased n > 1).
    case tooFewSamples(sampleCount: Int, minimum: Int, estimator: CKAEstimator)
    /// A layer's feature matrix has a different number of samples than the batch.
    case sampleCountMismatch(layer: Int, expected: Int, found: Int)
    /// A batch with a different number of representations than the accumulator expects.
    case layerCountMismatch(batch: Int, expected: Int, found: Int)
    /// MSRS needs at least two layers (one pair).
    case tooFewLayers(count: Int)
    /// A similarity matrix that is not square or not symmetric.
    case invalidSimilarityMatrix(reason: String)
    /// A parameter outside its domain (MSRS β, τ).
    case invalidParameter(name: String, value: Double, reason: String)
    /// Pruning asked to keep a number of units that does not exist.
    case invalidKeepCount(keep: Int, unitCount: Int)
    /// Pruning ratio outside (0, 1].
    case invalidKeepRatio(Double)
    /// A NaN or infinite adjacent similarity given to the pruning selector.
    case nonFiniteSimilarity(index: Int, value: Double)
    /// The temporary file that holds a batch's Grams beyond its resident limit could not be used.
    case gramSpillFailed(operation: String, detail: String)
}

extension RedundancyError: CustomStringConvertible, LocalizedError {
    /// What is wrong, with the offending values.
    public var description: String {
        switch self {
        case let .invalidShape(shape, count, reason):
            return "invalid feature shape \(shape) for \(count) values: \(reason)"
        case let .tooFewSamples(n, minimum, estimator):
            return "\(estimator.rawValue) linear CKA needs at least \(minimum) samples per batch, got \(n)"
        case let .sampleCountMismatch(layer, expected, found):
            return "layer \(layer) has \(found) samples but the batch has \(expected); "
                + "all representations of a batch must come from the same samples"
        case let .layerCountMismatch(batch, expected, found):
            return "batch \(batch) has \(found) representations, expected \(expected) (one per tapped layer)"
        case let .tooFewLayers(count):
            return "MSRS needs at least 2 layers (one pair), got \(count)"
        case let .invalidSimilarityMatrix(reason):
            return "invalid similarity matrix: \(reason)"
        case let .invalidParameter(name, value, reason):
            return "invalid MSRS parameter \(name) = \(value): \(reason)"
        case let .invalidKeepCount(keep, unitCount):
            return "cannot keep \(keep) of \(unitCount) units: keep must be in 0...\(unitCount)"
        case let .invalidKeepRatio(ratio):
            return "keep ratio \(ratio) is outside (0, 1]"
        case let .nonFiniteSimilarity(index, value):
            return "adjacent similarity at index \(index) is \(value); pruning needs finite similarities"
        case let .gramSpillFailed(operation, detail):
            return "could not \(operation): \(detail) (set TMPDIR to a folder with free space)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
