import Foundation
import TensorEngine

/// Where one named state value lives (references, so loading writes through to the layer).
public enum StateSlot {
    case parameter(Parameter)
    case runningMean(BatchNormStatistics)
    case runningVariance(BatchNormStatistics)
    /// PyTorch `num_batches_tracked`, an integer (I64 in safetensors).
    case batchesTracked(BatchNormStatistics)

    /// Whether this slot is a trainable parameter rather than a batch-norm buffer.
    public var isParameter: Bool { if case .parameter = self { return true } else { return false } }
}
