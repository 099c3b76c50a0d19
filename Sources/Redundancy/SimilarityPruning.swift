/// Which units a similarity-guided pruning keeps (spec §5). Indices are sorted ascending.
public struct PruningSelection: Codable, Equatable, Sendable {
    /// Indices of the units kept.
    public let kept: [Int]
    /// Indices of the units removed.
    public let removed: [Int]
}

/// Similarity-guided layer pruning: keep the units that change the representation most.
public enum SimilarityPruning {
    /// Keeps the `keep` units with the LOWEST adjacent similarity s_k (ties: lower index first).
    /// Complexity O(m log m) for m similarities.
    /// - Throws: `.invalidKeepCount` unless 0 ≤ keep ≤ m; `.nonFiniteSimilarity` for a NaN/∞ entry.
    public static func select(adjacentSimilarities s: [Double], keep: Int) throws -> PruningSelection {
        guard (0...s.count).contains(keep) else {
            throw RedundancyError.invalidKeepCount(keep: keep, unitCount: s.count)
        }
        if let bad = s.firstIndex(where: { !$0.isFinite }) {
            throw RedundancyError.nonFiniteSimilarity(index: bad, value: s[bad])
        }
        let order = s.indices.sorted { s[$0] != s[$1] ? s[$0] < s[$1] : $0 < $1 }
        return PruningSelection(kept: order.prefix(keep).sorted(), removed: order.dropFirst(keep).sorted())
    }

    /// Keeps `keepCount(ratio:unitCount:)` units; see there for the rounding.
    public static func select(adjacentSimilarities s: [Double], keepRatio ratio: Double) throws -> PruningSelection {
        try select(adjacentSimilarities: s, keep: keepCount(ratio: ratio, unitCount: s.count))
    }

    /// K = round(ratio · m), halves rounded up, and at least 1 when m > 0: a ratio in (0, 1] never
    /// prunes everything. (Rounding rather than ceil keeps e.g. 0.1 × 30 = 3.0000000000000004 at 3.)
    /// - Throws: `.invalidKeepRatio` unless 0 < ratio ≤ 1.
    public static func keepCount(ratio: Double, unitCount: Int) throws -> Int {
        guard ratio > 0, ratio <= 1 else { throw RedundancyError.invalidKeepRatio(ratio) }
        let k = Int((ratio * Double(unitCount)).rounded(.toNearestOrAwayFromZero))
        return unitCount == 0 ? 0 : min(unitCount, max(1, k))
    }
}
