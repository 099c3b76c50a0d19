import Datasets
import Foundation
import Networks
import Redundancy
import TensorEngine

/// Measures MSRS of a trained network exactly as RedTest does (spec msrs.md §1–§4): eval mode,
/// the L = 3N + 3 taps (stem raw conv + every body cell), each reduced to n × C by global average
/// pooling (or flattened), unbiased linear CKA per batch, MSRS averaged over the first `batches`
/// unshuffled batches of the evaluation split, NaN batches dropped, "undefined" when none is usable.
public struct NetworkRedundancy {
    public var batches: Int
    public var batchSize: Int
    public var parameters: MSRSParameters
    public var reduction: FeatureReduction

    public init(batches: Int = 10, batchSize: Int = 256, parameters: MSRSParameters = .init(),
                reduction: FeatureReduction = .globalAveragePool) {
        self.batches = batches; self.batchSize = batchSize
        self.parameters = parameters; self.reduction = reduction
    }

    /// The MSRS of `network` on the first `batches` batches of `indices` (in the given order) of `part`.
    ///
    /// Cost: `batches` eval-mode forward passes plus, per batch, one n×n Gram per tap and two
    /// L-by-L GEMMs over them (see `GramBatch`). A final partial batch with n ≤ 3 samples (too few
    /// for the unbiased estimator) is not used.
    public func measure(_ network: NATSNetwork, part: ImageSet, indices: [Int],
                        normalization: Normalization) throws -> MSRSResult {
        let loader = try BatchLoader(part: part, indices: indices, batchSize: batchSize, shuffle: false,
                                     augmentation: .none, normalization: normalization, seed: 0)
        let order = loader.order(epoch: 0)
        var accumulator = try MSRSAccumulator(layerCount: network.tapCount, parameters: parameters)
        for b in 0..<min(batches, loader.batchCount) {
            let batch = loader.makeBatch(b, of: order, epoch: 0)
            guard batch.count >= parameters.estimator.minimumSampleCount else { continue }
            try accumulator.add(layers: try representations(of: network, batch: batch))
        }
        return accumulator.finish()
    }

    /// The taps of one eval-mode forward pass, reduced to feature matrices (samples × features).
    public func representations(of network: NATSNetwork, batch: Batch) throws -> [FeatureMatrix] {
        let g = Graph(recording: false)
        let input = g.constant(Tensor(shape: [batch.count] + batch.shape.dimensions, data: batch.images))
        var taps: [FeatureMatrix?] = Array(repeating: nil, count: network.tapCount)
        var failure: Error?
        _ = network.forward(input, in: g, training: false) { tap, value in
            let t = g.value(value)
            do { taps[tap] = try FeatureMatrix(reducing: t.data, shape: t.shape, by: reduction) } catch { failure = error }
        }
        if let failure { throw failure }
        return taps.map { $0! }
    }
}
