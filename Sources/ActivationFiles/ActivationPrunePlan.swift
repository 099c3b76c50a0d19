import Redundancy

/// RedTest's similarity-guided layer pruning plan (spec §5) for taps read from activation files.
///
/// With L taps (the stem, then one per block), block k (k = 0…L−2) is the one whose output is tap
/// k+1; its score is the mean adjacent similarity s_k = CKA(tap k, tap k+1). The plan keeps the K
/// blocks with the lowest s_k (`SimilarityPruning.select`); the stem (tap 0) and the classifier always stay.
package struct ActivationPrunePlan: Codable, Equatable, Sendable {
    package struct Block: Codable, Equatable, Sendable {
        /// k, the block's index among the L−1 blocks.
        package let index: Int
        /// The tensor name of its output tap (the module to keep or remove).
        package let tensor: String
        package let label: String
        /// s_k, the mean adjacent CKA between its input and output taps.
        package let similarity: Double
        package let keep: Bool
    }

    /// The always-kept stem tap's tensor name.
    package let stem: String
    package let blocks: [Block]
    /// Indices of kept and removed blocks, ascending.
    package let kept: [Int]
    package let removed: [Int]

    /// - Throws: `RedundancyError.invalidKeepCount`, or `.nonFiniteSimilarity` when the measurement is
    ///   undefined or an adjacent similarity is NaN.
    package init(taps: [String], labels: [String], adjacent: [Double], keep: Int) throws {
        precondition(taps.count == adjacent.count + 1 && labels.count == taps.count, "one adjacent similarity per block")
        let selection = try SimilarityPruning.select(adjacentSimilarities: adjacent, keep: keep)
        let keptSet = Set(selection.kept)
        stem = taps[0]
        blocks = adjacent.indices.map {
            Block(index: $0, tensor: taps[$0 + 1], label: labels[$0 + 1], similarity: adjacent[$0], keep: keptSet.contains($0))
        }
        kept = selection.kept
        removed = selection.removed
    }

    /// The plan for a finished measurement: K = `keep`, or K from `ratio` (`SimilarityPruning.keepCount`).
    /// - Throws: as `init`; `.nonFiniteSimilarity(index: -1, …)` when the MSRS measurement is undefined.
    package init(_ measurement: ActivationRedundancy, keep: Int?, ratio: Double?) throws {
        guard let adjacent = measurement.result.adjacent else {
            throw RedundancyError.nonFiniteSimilarity(index: -1, value: .nan)
        }
        let k = try keep ?? SimilarityPruning.keepCount(ratio: ratio ?? 1, unitCount: adjacent.count)
        try self.init(taps: measurement.taps, labels: measurement.labels, adjacent: adjacent, keep: k)
    }
}
