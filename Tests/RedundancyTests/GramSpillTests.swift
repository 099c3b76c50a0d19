import XCTest
import Randomness
@testable import Redundancy

/// A batch whose Grams exceed its resident limit keeps them in a temporary file and computes the
/// pair statistics block by block: the same similarities as the all-in-memory path and the oracle.
final class GramSpillTests: XCTestCase {
    private func layers(_ widths: [Int], samples: Int, seed: UInt64) -> [[[Double]]] {
        var rng = SeededGenerator(seed: seed)
        var out = widths.enumerated().map { index, width in
            Fixtures.randomMatrix(rows: samples, columns: width, using: &rng, offset: Double(index % 3) * 0.5)
        }
        // Related neighbours, so the similarities are not all near 0.
        for l in stride(from: 1, to: out.count, by: 2) {
            out[l] = ReferenceCKA.product(out[l - 1], Fixtures.randomMatrix(rows: widths[l - 1], columns: widths[l], using: &rng))
        }
        return out
    }

    func testSpilledBatchMatchesMemoryAndReferenceForEveryLimit() throws {
        let raw = layers([5, 7, 3, 12, 6, 9, 4], samples: 14, seed: 31)
        for estimator in [CKAEstimator.unbiased, .biased] {
            let memory = try GramBatch(layers: raw.map(Fixtures.features), estimator: estimator)
            let inMemory = try memory.similarityMatrix()
            let reference = ReferenceCKA.similarityMatrix(raw, estimator: estimator)
            for limit in [2, 3, 4, 6] {
                var spilled = try GramBatch(sampleCount: 14, estimator: estimator, residentLimit: limit)
                for layer in raw { try spilled.append(Fixtures.features(layer)) }
                XCTAssertNotNil(spilled.spill, "limit \(limit)")
                XCTAssertTrue(spilled.grams.isEmpty, "no Gram stays in memory once spilled")
                XCTAssertEqual(spilled.spill?.count, raw.count)
                let s = try spilled.similarityMatrix()
                for i in 0..<raw.count {
                    for j in 0..<raw.count {
                        XCTAssertEqual(s[i, j], inMemory[i, j], accuracy: 1e-12, "\(estimator) limit \(limit) (\(i),\(j))")
                        XCTAssertEqual(s[i, j], reference[i][j], accuracy: 1e-10, "\(estimator) limit \(limit) (\(i),\(j))")
                    }
                }
            }
        }
    }

    func testBatchWithinItsLimitStaysInMemory() throws {
        let raw = layers([4, 4, 4], samples: 8, seed: 32)
        let batch = try GramBatch(sampleCount: 8, residentLimit: 3)
        var filled = batch
        for layer in raw { try filled.append(Fixtures.features(layer)) }
        XCTAssertNil(filled.spill)
        XCTAssertEqual(filled.grams.count, 3 * 64)
    }

    func testCopiesOfASpilledBatchDoNotShareAppends() throws {
        let raw = layers([3, 5, 4, 6, 2, 7], samples: 10, seed: 33)
        var first = try GramBatch(sampleCount: 10, residentLimit: 2)
        for layer in raw[0..<3] { try first.append(Fixtures.features(layer)) }
        var second = first
        try first.append(Fixtures.features(raw[3]))
        try second.append(Fixtures.features(raw[4]))
        try second.append(Fixtures.features(raw[5]))
        XCTAssertEqual(try first.similarityMatrix(), try GramBatch(layers: raw[0..<4].map(Fixtures.features)).similarityMatrix())
        let secondLayers = Array(raw[0..<3]) + [raw[4], raw[5]]
        let expected = try GramBatch(layers: secondLayers.map(Fixtures.features)).similarityMatrix()
        let found = try second.similarityMatrix()
        for i in 0..<5 { for j in 0..<5 { XCTAssertEqual(found[i, j], expected[i, j], accuracy: 1e-12) } }
    }

    func testResidentLimitBelowTwoIsRejected() {
        XCTAssertThrowsError(try GramBatch(sampleCount: 8, residentLimit: 1)) { error in
            guard case .invalidParameter(let name, _, _)? = error as? RedundancyError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "resident Grams")
        }
    }

    func testUnusableTemporaryFolderIsAClearError() throws {
        let saved = getenv("TMPDIR").map { String(cString: $0) }
        setenv("TMPDIR", "/nonexistent-rednas-folder", 1)
        defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
        let raw = layers([3, 3, 3], samples: 8, seed: 34)
        var batch = try GramBatch(sampleCount: 8, residentLimit: 2)
        try batch.append(Fixtures.features(raw[0]))
        try batch.append(Fixtures.features(raw[1]))
        XCTAssertThrowsError(try batch.append(Fixtures.features(raw[2]))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-rednas-folder"), "\(error)")
            XCTAssertTrue("\(error)".contains("TMPDIR"), "\(error)")
        }
    }
}
