/// A symmetric L × L matrix of layer similarities (CKA), row-major. Entries may be NaN (degenerate layers).
public struct SimilarityMatrix: Equatable, Sendable {
    /// L, the number of layers.
    public let count: Int
    /// `count × count` values, row-major.
    public let values: [Double]

    /// Validates shape and symmetry (NaN entries must mirror NaN entries).
    /// - Throws: `RedundancyError.invalidSimilarityMatrix` naming the first offending entry.
    public init(count: Int, values: [Double]) throws {
        guard count >= 0, values.count == count * count else {
            throw RedundancyError.invalidSimilarityMatrix(reason: "\(values.count) values do not form a \(count) × \(count) matrix")
        }
        for i in 0..<count {
            for j in (i + 1)..<max(i + 1, count) {
                let a = values[i * count + j], b = values[j * count + i]
                guard a == b || (a.isNaN && b.isNaN) else {
                    throw RedundancyError.invalidSimilarityMatrix(reason: "S[\(i)][\(j)] = \(a) but S[\(j)][\(i)] = \(b)")
                }
            }
        }
        self.init(uncheckedCount: count, values: values)
    }

    /// A matrix written as rows, e.g. `[[1, 0.9], [0.9, 1]]`.
    public init(rows: [[Double]]) throws {
        guard rows.allSatisfy({ $0.count == rows.count }) else {
            throw RedundancyError.invalidSimilarityMatrix(reason: "\(rows.count) rows are not all of length \(rows.count)")
        }
        try self.init(count: rows.count, values: Array(rows.joined()))
    }

    init(uncheckedCount: Int, values: [Double]) {
        self.count = uncheckedCount
        self.values = values
    }

    /// The similarity of representations `i` and `j`.
    public subscript(i: Int, j: Int) -> Double { values[i * count + j] }

    /// The matrix as nested rows (for JSON and plotting).
    public var rows: [[Double]] {
        (0..<count).map { Array(values[($0 * count)..<(($0 + 1) * count)]) }
    }

    /// s_k = S[k][k+1] for k in 0..<L−1: the similarity of each layer to the next (spec §5).
    public var adjacent: [Double] {
        count < 2 ? [] : (0..<(count - 1)).map { self[$0, $0 + 1] }
    }
}
