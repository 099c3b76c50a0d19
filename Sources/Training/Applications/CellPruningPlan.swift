import CellSpace
import Foundation
import Redundancy

/// One normal (searchable) cell of a network as a pruning unit.
package struct PrunableCell: Codable, Equatable, Sendable {
    /// k of `cells.k` in the network the cell comes from.
    package var bodyIndex: Int
    /// 0-based stage (0, 1, 2).
    package var stage: Int
    /// 0-based number among the normal cells (the "cell 3" label).
    package var ordinal: Int
    /// s = CKA(input tap, output tap) of the cell (see `CellPruningPlan`).
    package var similarity: Double

    enum CodingKeys: String, CodingKey { case bodyIndex = "body_index", stage, ordinal, similarity }
}

/// How many normal cells to keep: a count K, or a ratio r ∈ (0, 1] of them
/// (`SimilarityPruning.keepCount(ratio:unitCount:)`: K = round(r·m), at least 1).
package enum KeepTarget: Equatable, Sendable {
    case count(Int)
    case ratio(Double)
}

/// Which normal cells of a network a similarity-guided pruning keeps (spec msrs.md §5), and the
/// pruned network's shape.
///
/// Mapping of the MSRS measurement onto cells: the taps are 0 = stem, then tap b + 1 = the output of
/// body block b (cells and reductions); `adjacent[k]` = CKA(tap k, tap k + 1). The normal cell at
/// body index b reads tap b (the stem or the previous block's output) and writes tap b + 1, so its
/// similarity is `adjacent[b]`. Only normal cells are units; the stem, both reductions and the head
/// always stay (the similarities at reductions are not used). The K cells with the LOWEST
/// similarity are kept (ties: lower body index), via `SimilarityPruning.select`.
package struct CellPruningPlan: Equatable, Sendable {
    package var original: NetworkSpec
    /// The original shape with the kept cells per stage (a stage may end up with 0).
    package var pruned: NetworkSpec
    /// Kept and removed normal cells in body order, numbered as in the ORIGINAL network.
    package var kept: [PrunableCell]
    package var removed: [PrunableCell]
    /// Original body index → pruned body index, for every surviving body block (kept cells and
    /// both reductions), ascending in both.
    package var bodyIndexMap: [Int: Int]

    /// Plans the pruning of a network of shape `spec` from its adjacent similarities
    /// (`MSRSResult.adjacent`: `spec.bodyBlockCount` = L − 1 values).
    /// - Throws: `PruningError` for a wrong number of similarities or a keep target that does not
    ///   fit the number of normal cells or a NaN/∞ similarity of a cell (values at reductions are
    ///   not used and may be anything).
    package init(spec: NetworkSpec, adjacent: [Double], keep target: KeepTarget) throws {
        guard adjacent.count == spec.bodyBlockCount else {
            throw PruningError.similarityCount(found: adjacent.count, expected: spec.bodyBlockCount)
        }
        let cells = spec.bodyBlocks.filter { $0.kind == .cell }.map { block in
            PrunableCell(bodyIndex: block.bodyIndex, stage: block.stage, ordinal: block.ordinal,
                         similarity: adjacent[block.bodyIndex])
        }
        if let bad = cells.first(where: { !$0.similarity.isFinite }) {
            throw PruningError.nonFiniteSimilarity(bodyIndex: bad.bodyIndex, value: bad.similarity)
        }
        let keep = try Self.keepCount(target, cellCount: cells.count)
        let selection = try SimilarityPruning.select(adjacentSimilarities: cells.map(\.similarity), keep: keep)
        kept = selection.kept.map { cells[$0] }
        removed = selection.removed.map { cells[$0] }
        var perStage = [0, 0, 0]
        for cell in kept { perStage[cell.stage] += 1 }
        original = spec
        pruned = try NetworkSpec(channels: spec.channels, cellsPerStage: perStage, classes: spec.classes,
                                 inputChannels: spec.inputChannels, inputSize: spec.inputSize)
        let removedIndices = Set(removed.map(\.bodyIndex))
        let surviving = spec.bodyBlocks.map(\.bodyIndex).filter { !removedIndices.contains($0) }
        bodyIndexMap = Dictionary(uniqueKeysWithValues: surviving.enumerated().map { ($1, $0) })
    }

    /// K for a target over `cellCount` normal cells; throws a `PruningError` naming the valid range.
    package static func keepCount(_ target: KeepTarget, cellCount: Int) throws -> Int {
        switch target {
        case .count(let k):
            guard (0...cellCount).contains(k) else { throw PruningError.keepCount(k, cellCount: cellCount) }
            return k
        case .ratio(let r):
            guard r > 0, r <= 1 else { throw PruningError.keepRatio(r) }
            return try SimilarityPruning.keepCount(ratio: r, unitCount: cellCount)
        }
    }

    /// The pruned network's name for a state entry of the original network: `cells.k.…` becomes
    /// `cells.k′.…` with k′ = `bodyIndexMap[k]`; stem, head and classifier names are unchanged;
    /// nil for an entry of a removed cell.
    package func prunedName(of name: String) -> String? {
        guard name.hasPrefix("cells.") else { return name }
        let rest = name.dropFirst("cells.".count)
        guard let dot = rest.firstIndex(of: "."), let k = Int(rest[..<dot]) else { return name }
        guard let newIndex = bodyIndexMap[k] else { return nil }
        return "cells.\(newIndex)" + rest[dot...]
    }
}

/// A pruning request that cannot be carried out.
package enum PruningError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case keepCount(Int, cellCount: Int)
    case keepRatio(Double)
    case similarityCount(found: Int, expected: Int)
    case undefinedSimilarities(String)
    case nonFiniteSimilarity(bodyIndex: Int, value: Double)

    package var description: String {
        switch self {
        case let .keepCount(k, n):
            return "cannot keep \(k) cells: the network has \(n) normal cells, so --keep must be between 0 and \(n)"
        case let .keepRatio(r):
            return "keep ratio \(r) is outside (0, 1]: give the fraction of normal cells to keep, e.g. 0.5"
        case let .similarityCount(found, expected):
            return "got \(found) adjacent similarities, expected \(expected) (one per body block: L − 1)"
        case let .undefinedSimilarities(reason):
            return "cannot rank the cells: the adjacent similarities are undefined (\(reason))"
        case let .nonFiniteSimilarity(bodyIndex, value):
            return "the similarity of the cell at body index \(bodyIndex) is \(value); pruning needs finite similarities"
        }
    }

    package var errorDescription: String? { description }
}
