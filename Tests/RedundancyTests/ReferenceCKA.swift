import Randomness
@testable import Redundancy

/// The slow, obviously-correct oracle: the spec's formulas with explicit matrix products in Double
/// loops, no shifting, no GEMM, no precomputed row sums.
enum ReferenceCKA {
    typealias Matrix = [[Double]]

    static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
        let inner = b.count, cols = b.first?.count ?? 0
        return a.map { row in
            (0..<cols).map { j in
                var s = 0.0
                for k in 0..<inner { s += row[k] * b[k][j] }
                return s
            }
        }
    }

    static func transpose(_ a: Matrix) -> Matrix {
        guard let width = a.first?.count else { return [] }
        return (0..<width).map { j in a.map { $0[j] } }
    }

    static func trace(_ a: Matrix) -> Double { a.indices.reduce(0) { $0 + a[$1][$1] } }
    static func total(_ a: Matrix) -> Double { a.joined().reduce(0, +) }
    static func frobeniusSquared(_ a: Matrix) -> Double { a.joined().reduce(0) { $0 + $1 * $1 } }

    static func zeroDiagonal(_ a: Matrix) -> Matrix {
        var a = a
        for i in a.indices { a[i][i] = 0 }
        return a
    }

    /// HSIC_u of spec §2, literally.
    static func unbiasedHSIC(_ x: Matrix, _ y: Matrix) -> Double {
        let n = Double(x.count)
        let k = zeroDiagonal(product(x, transpose(x)))
        let l = zeroDiagonal(product(y, transpose(y)))
        let kl = product(k, l)
        let value = trace(kl) + total(k) * total(l) / ((n - 1) * (n - 2)) - 2 / (n - 2) * total(kl)
        return value / (n * (n - 3))
    }

    static func unbiasedCKA(_ x: Matrix, _ y: Matrix) -> Double {
        unbiasedHSIC(x, y) / (unbiasedHSIC(x, x) * unbiasedHSIC(y, y)).squareRoot()
    }

    /// Biased CKA in feature space: ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on column-centred features.
    static func biasedCKAFeatureSpace(_ x: Matrix, _ y: Matrix) -> Double {
        let xc = centerColumns(x), yc = centerColumns(y)
        let cross = frobeniusSquared(product(transpose(yc), xc))
        let xx = frobeniusSquared(product(transpose(xc), xc)).squareRoot()
        let yy = frobeniusSquared(product(transpose(yc), yc)).squareRoot()
        return cross / (xx * yy)
    }

    static func centerColumns(_ x: Matrix) -> Matrix {
        let n = Double(x.count)
        let means = transpose(x).map { $0.reduce(0, +) / n }
        return x.map { row in zip(row, means).map { $0 - $1 } }
    }

    /// Similarity matrix by the per-pair straight formula.
    static func similarityMatrix(_ layers: [Matrix], estimator: CKAEstimator) -> Matrix {
        layers.map { a in
            layers.map { b in
                estimator == .unbiased ? unbiasedCKA(a, b) : biasedCKAFeatureSpace(a, b)
            }
        }
    }
}

/// Test data helpers.
enum Fixtures {
    static func randomMatrix(rows: Int, columns: Int, using rng: inout SeededGenerator,
                             offset: Double = 0) -> ReferenceCKA.Matrix {
        (0..<rows).map { _ in (0..<columns).map { _ in offset + 2 * rng.nextDouble() - 1 } }
    }

    static func features(_ m: ReferenceCKA.Matrix) -> FeatureMatrix {
        try! FeatureMatrix(m)
    }

    /// A random orthogonal p × p matrix (Gram–Schmidt on a random matrix).
    static func randomOrthogonal(_ p: Int, using rng: inout SeededGenerator) -> ReferenceCKA.Matrix {
        var basis: [[Double]] = []
        while basis.count < p {
            var v = (0..<p).map { _ in 2 * rng.nextDouble() - 1 }
            for b in basis {
                let d = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }
                v = zip(v, b).map { $0 - d * $1 }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-6 { basis.append(v.map { $0 / norm }) }
        }
        return basis
    }

    /// The spec §2 test vector.
    static let specX: ReferenceCKA.Matrix = [[1, 2], [3, 1], [0, -1], [2, 2], [-1, 0], [4, 3]]
    static let specY: ReferenceCKA.Matrix = [[1, 0, 2], [2, 1, 0], [0, 0, -1], [1, 2, 1], [-1, 1, 0], [3, 1, 2]]
}
