import XCTest
import Randomness
@testable import Redundancy

/// The fast all-pairs path (one Gram per layer, two GEMMs) against the per-pair straight formula.
final class SimilarityMatrixTests: XCTestCase {
    private func checkAgainstReference(widths: [Int], samples: Int, estimator: CKAEstimator,
                                       seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = SeededGenerator(seed: seed)
        // Non-zero offsets per layer: the oracle sees raw features, the fast path shifts internally.
        let layers = widths.enumerated().map { index, width in
            Fixtures.randomMatrix(rows: samples, columns: width, using: &rng, offset: Double(index % 3) * 0.5)
        }
        // Make two layers related so the matrix is not all near 0.
        var related = layers
        if related.count > 2 {
            related[1] = ReferenceCKA.product(layers[0], Fixtures.randomMatrix(rows: widths[0], columns: widths[1], using: &rng))
        }
        let fast = try GramBatch(layers: related.map(Fixtures.features), estimator: estimator).similarityMatrix()
        let slow = ReferenceCKA.similarityMatrix(related, estimator: estimator)
        XCTAssertEqual(fast.count, related.count, file: file, line: line)
        for i in 0..<related.count {
            for j in 0..<related.count {
                XCTAssertEqual(fast[i, j], slow[i][j], accuracy: 1e-10,
                               "\(estimator) L=\(widths.count) n=\(samples) (\(i),\(j))", file: file, line: line)
            }
        }
    }

    func testUnbiasedAllPairsMatchesReference() throws {
        try checkAgainstReference(widths: [3, 5], samples: 8, estimator: .unbiased, seed: 1)
        try checkAgainstReference(widths: [4, 4, 7, 2], samples: 12, estimator: .unbiased, seed: 2)
        try checkAgainstReference(widths: [6, 9, 3, 40, 5, 8], samples: 20, estimator: .unbiased, seed: 3)  // p > n
        try checkAgainstReference(widths: [16, 16, 32, 32, 64], samples: 33, estimator: .unbiased, seed: 4) // p > n
    }

    func testBiasedGramFormMatchesFeatureSpaceForm() throws {
        try checkAgainstReference(widths: [3, 5], samples: 6, estimator: .biased, seed: 5)
        try checkAgainstReference(widths: [4, 11, 2, 30], samples: 15, estimator: .biased, seed: 6)  // p > n
        try checkAgainstReference(widths: [8, 8, 8, 8, 8, 8, 8], samples: 25, estimator: .biased, seed: 7)
    }

    func testHSICMatrixMatchesReference() throws {
        var rng = SeededGenerator(seed: 8)
        let layers = [4, 9, 2].map { Fixtures.randomMatrix(rows: 10, columns: $0, using: &rng) }
        let fast = try GramBatch(layers: layers.map(Fixtures.features)).hsicMatrix()
        for i in 0..<3 {
            for j in 0..<3 {
                XCTAssertEqual(fast[i * 3 + j], ReferenceCKA.unbiasedHSIC(layers[i], layers[j]), accuracy: 1e-12)
            }
        }
    }

    func testMatrixIsSymmetricWithUnitDiagonalAndAdjacentEntries() throws {
        var rng = SeededGenerator(seed: 9)
        let layers = (0..<5).map { _ in Fixtures.features(Fixtures.randomMatrix(rows: 16, columns: 6, using: &rng)) }
        let s = try GramBatch(layers: layers).similarityMatrix()
        for i in 0..<5 {
            XCTAssertEqual(s[i, i], 1)
            for j in 0..<5 { XCTAssertEqual(s[i, j], s[j, i]) }
        }
        XCTAssertEqual(s.adjacent, [s[0, 1], s[1, 2], s[2, 3], s[3, 4]])
        XCTAssertNoThrow(try SimilarityMatrix(count: 5, values: s.values))
    }

    func testDegenerateLayerGivesNaNRowAndColumnOnly() throws {
        var rng = SeededGenerator(seed: 10)
        let a = Fixtures.features(Fixtures.randomMatrix(rows: 10, columns: 3, using: &rng))
        let b = Fixtures.features(Fixtures.randomMatrix(rows: 10, columns: 3, using: &rng))
        let dead = try FeatureMatrix(rows: 10, columns: 4, values: [Float](repeating: 0, count: 40))
        let s = try GramBatch(layers: [a, dead, b]).similarityMatrix()
        XCTAssertTrue(s[1, 1].isNaN && s[0, 1].isNaN && s[1, 2].isNaN && s[2, 1].isNaN)
        XCTAssertFalse(s[0, 2].isNaN)
        XCTAssertEqual(s[0, 2], ReferenceCKA.unbiasedCKA(Fixtures.rows(of: a), Fixtures.rows(of: b)),
                       accuracy: 1e-12)
    }

    func testStreamedAppendEqualsBatchInit() throws {
        var rng = SeededGenerator(seed: 15)
        let layers = (0..<4).map { _ in Fixtures.features(Fixtures.randomMatrix(rows: 9, columns: 5, using: &rng)) }
        var streamed = try GramBatch(sampleCount: 9)
        for layer in layers { try streamed.append(layer) }
        XCTAssertEqual(try streamed.similarityMatrix(), try GramBatch(layers: layers).similarityMatrix())
        XCTAssertThrowsError(try streamed.append(try FeatureMatrix(rows: 8, columns: 5, values: [Double](repeating: 1, count: 40)))) {
            XCTAssertEqual($0 as? RedundancyError, .sampleCountMismatch(layer: 4, expected: 9, found: 8))
        }
    }

    func testAsymmetricMatrixIsRejected() {
        XCTAssertThrowsError(try SimilarityMatrix(rows: [[1, 0.5], [0.4, 1]])) { error in
            XCTAssertTrue("\(error)".contains("S[0][1] = 0.5 but S[1][0] = 0.4"), "\(error)")
        }
        XCTAssertThrowsError(try SimilarityMatrix(rows: [[1, 0.5], [0.5]]))
    }
}

extension Fixtures {
    static func rows(of f: FeatureMatrix) -> ReferenceCKA.Matrix {
        (0..<f.rows).map { i in (0..<f.columns).map { f[i, $0] } }
    }
}
