import Datasets
import Foundation
import Networks
import Redundancy

/// Measures MSRS of a trained network exactly as RedTest does (spec msrs.md §1–§4): eval mode,
/// the L = 3N + 3 taps (stem raw conv + every body cell), each reduced to n × C by global average
/// pooling (or flattened), unbiased linear CKA per batch, MSRS averaged over the first `batches`
/// unshuffled batches of the evaluation split, NaN batches dropped, "undefined" when none is usable.
package struct NetworkRedundancy {
    package var batches: Int
    package var batchSize: Int
    package var parameters: MSRSParameters
    package var reduction: FeatureReduction

    package init(batches: Int = 10, batchSize: Int = 256, parameters: MSRSParameters = .init(),
                reduction: FeatureReduction = .globalAveragePool) {
        self.batches = batches; self.batchSize = batchSize
        self.parameters = parameters; self.reduction = reduction
    }

    /// The MSRS of `network` on the first `batches` batches of `indices` (in the given order) of `part`.
    ///
    /// Cost: `batches` eval-mode forward passes plus, per batch, one n×n Gram per tap and two
    /// L-by-L GEMMs over them (see `GramBatch`). A final partial batch with n ≤ 3 samples (too few
    /// for the unbiased estimator) is not used.
    package func measure(_ network: NATSNetwork, part: ImageSet, indices: [Int],
                        normalization: Normalization) throws -> MSRSResult {
        var accumulator = try MSRSAccumulator(layerCount: network.tapCount, parameters: parameters)
        try NetworkEvaluation.forEachBatch(of: network, on: ImageSelection(name: "msrs", part: part, indices: indices),
                                           normalization: normalization, batchSize: batchSize, limit: batches,
                                           recordingTaps: true) { pass in
            guard pass.batch.count >= parameters.estimator.minimumSampleCount else { return }
            try accumulator.add(layers: pass.taps.map { try FeatureMatrix(reducing: $0.data, shape: $0.shape, by: reduction) })
        }
        return accumulator.finish()
    }
}
