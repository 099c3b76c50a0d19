import Foundation
import Redundancy

/// MSRS of activations written by another framework, through the same path as RedNAS's own networks:
/// each tap → `FeatureMatrix` (GAP or flatten) → `GramBatch.append` → `MSRSAccumulator` (spec §2–§5).
///
/// Streaming: per batch the taps are read one at a time; each is reduced, its Gram formed, and the
/// activation released before the next is read. At most `residentGrams` prepared Grams (n² Doubles
/// each; 0.5 MiB at n = 256) are held in memory: a batch with more taps keeps its Grams in an
/// unlinked temporary file and computes the pair statistics block by block (`GramBatch`).
/// Peak memory is therefore one tap's activation (4 bytes/element, plus a bounded widening panel,
/// see `GramBatch.append`) plus residentGrams + 1 Grams, plus L·(n + 1) row sums and the
/// accumulator's L² sums. Batches are processed one after another and only their L × L similarity
/// matrices are kept.
package struct ActivationRedundancy: Sendable {
    package let result: MSRSResult
    /// One label per tap.
    package let labels: [String]
    /// Tensor names in tap order.
    package let taps: [String]
    package let reduction: FeatureReduction
    /// Samples over all batches (including dropped ones).
    package let samples: Int
    package let seconds: Double

    /// Grams held in memory by default: 16 × n² Doubles (8 MiB at n = 256). A network with more taps
    /// than this is scored from a temporary file, reading it about 2L/16 times.
    package static let defaultResidentGrams = 16

    /// Measures MSRS over every batch of `set`.
    /// - Parameters:
    ///   - set: the activation files, validated.
    ///   - reduction: how each (n, C, …) tap becomes an n × p feature matrix.
    ///   - parameters: β, τ and the CKA estimator.
    ///   - residentGrams: the most Grams in memory at once (≥ 2; `defaultResidentGrams` by default).
    ///   - progress: called after each batch with (batches done, total).
    /// - Returns: the MSRS result with the taps' labels, the sample count and the seconds taken.
    /// - Throws: `ActivationError` for bad values (naming file and tensor); `RedundancyError` for bad parameters.
    package static func measure(_ set: ActivationSet, reduction: FeatureReduction = .globalAveragePool,
                               parameters: MSRSParameters = .init(), residentGrams: Int = defaultResidentGrams,
                               progress: ((Int, Int) -> Void)? = nil) throws -> ActivationRedundancy {
        let started = Date()
        var accumulator = try MSRSAccumulator(layerCount: set.taps.count, parameters: parameters)
        for (b, batch) in set.batches.enumerated() {
            var grams = try GramBatch(sampleCount: batch.sampleCount, estimator: parameters.estimator,
                                      residentLimit: residentGrams)
            for tap in set.taps.indices {
                let (values, shape) = try set.activation(batch: batch, tap: tap)
                try grams.append(FeatureMatrix(reducing: values, shape: shape, by: reduction))
            }
            try accumulator.add(grams)
            progress?(b + 1, set.batches.count)
        }
        return ActivationRedundancy(result: accumulator.finish(), labels: set.labels, taps: set.taps, reduction: reduction,
                                    samples: set.batches.reduce(0) { $0 + $1.sampleCount },
                                    seconds: Date().timeIntervalSince(started))
    }
}
