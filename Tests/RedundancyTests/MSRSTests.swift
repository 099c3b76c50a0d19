import Foundation
import XCTest
import Randomness
@testable import Redundancy

final class MSRSTests: XCTestCase {
    private let specS = try! SimilarityMatrix(rows: [[1, 0.9, 0.5], [0.9, 1, 0.81], [0.5, 0.81, 1]])

    func testSpecVector() {
        XCTAssertEqual(MSRS.score(specS), 1.880797075917, accuracy: 1e-10)
    }

    func testScoreMatchesTanhFormOfReference() {
        // Reference form: Σ over the full off-diagonal of (tanh(β(S−τ)) + 1)/2, halved.
        var rng = SeededGenerator(seed: 21)
        let l = 6
        var values = [Double](repeating: 1, count: l * l)
        for i in 0..<l { for j in (i + 1)..<l {
            let v = 0.6 + 0.4 * rng.nextDouble()
            values[i * l + j] = v; values[j * l + i] = v
        } }
        let s = try! SimilarityMatrix(count: l, values: values)
        var tanhForm = 0.0
        for i in 0..<l { for j in 0..<l where i != j { tanhForm += (tanh(100 * (s[i, j] - 0.8)) + 1) / 2 } }
        XCTAssertEqual(MSRS.score(s), tanhForm / 2, accuracy: 1e-12)
    }

    func testParametersChangeTheScore() {
        let loose = MSRSParameters(beta: 100, threshold: 0.4)
        XCTAssertEqual(MSRS.score(specS, parameters: loose), 3, accuracy: 1e-6)
        XCTAssertThrowsError(try MSRSParameters(beta: 0).validate())
        XCTAssertThrowsError(try MSRSAccumulator(layerCount: 3, parameters: MSRSParameters(threshold: .nan)))
    }

    func testAccumulatorMeansScoresAndMatrices() throws {
        let other = try SimilarityMatrix(rows: [[1, 0.2, 0.95], [0.2, 1, 0.3], [0.95, 0.3, 1]])
        var acc = try MSRSAccumulator(layerCount: 3)
        let first = try acc.add(similarities: specS)
        let second = try acc.add(similarities: other)
        XCTAssertEqual(first!, 1.880797075917, accuracy: 1e-10)
        let result = acc.finish()
        XCTAssertEqual(result.msrs!, (first! + second!) / 2, accuracy: 1e-15)
        XCTAssertEqual(result.msrsNormalized!, result.msrs! / 3, accuracy: 1e-15)
        XCTAssertEqual(result.pairs, 3)
        XCTAssertEqual(result.batchesUsed, 2)
        XCTAssertEqual(result.cka![0][2], (0.5 + 0.95) / 2, accuracy: 1e-15)
        XCTAssertEqual(result.adjacent!.count, 2)
        XCTAssertEqual(result.adjacent![0], (0.9 + 0.2) / 2, accuracy: 1e-15)
        XCTAssertEqual(result.adjacent![1], (0.81 + 0.3) / 2, accuracy: 1e-15)
    }

    func testNaNBatchIsDropped() throws {
        let nanS = try SimilarityMatrix(rows: [[1, .nan, 0.5], [.nan, .nan, .nan], [0.5, .nan, 1]])
        var acc = try MSRSAccumulator(layerCount: 3)
        XCTAssertNil(try acc.add(similarities: nanS))
        try acc.add(similarities: specS)
        let result = acc.finish()
        XCTAssertEqual(result.batchesSeen, 2)
        XCTAssertEqual(result.batchesUsed, 1)
        XCTAssertEqual(result.batchScores.count, 2)
        XCTAssertNil(result.batchScores[0])
        XCTAssertEqual(result.msrs!, 1.880797075917, accuracy: 1e-10)
        XCTAssertEqual(result.cka!, specS.rows)   // the NaN batch left no trace in the mean matrix
    }

    func testAllNaNBatchesAreUndefinedNotZero() throws {
        // Real features: one layer is constant, so its self-HSIC is 0 and every batch is NaN.
        var rng = SeededGenerator(seed: 22)
        var acc = try MSRSAccumulator(layerCount: 3)
        for _ in 0..<3 {
            let a = Fixtures.features(Fixtures.randomMatrix(rows: 8, columns: 4, using: &rng))
            let dead = try FeatureMatrix(rows: 8, columns: 4, values: [Float](repeating: 2.5, count: 32))
            XCTAssertNil(try acc.add(layers: [a, dead, a]))
        }
        let result = acc.finish()
        XCTAssertNil(result.msrs)
        XCTAssertNil(result.msrsNormalized)
        guard case let .undefined(reason) = result.score else { return XCTFail("expected undefined, got \(result.score)") }
        XCTAssertTrue(reason.contains("all 3 batches"), reason)
        XCTAssertEqual(result.batchesUsed, 0)
        XCTAssertNil(result.cka)
        XCTAssertNil(result.adjacent)
        XCTAssertNil(try MSRSAccumulator(layerCount: 2).finish().msrs)   // nothing measured
    }

    func testFeatureBatchesMatchReference() throws {
        var rng = SeededGenerator(seed: 23)
        var acc = try MSRSAccumulator(layerCount: 4)
        var expected: [Double] = []
        for _ in 0..<3 {
            let base = Fixtures.randomMatrix(rows: 12, columns: 5, using: &rng)
            let layers = [base, base.map { $0.map { 2 * $0 + 1 } },
                          Fixtures.randomMatrix(rows: 12, columns: 7, using: &rng),
                          Fixtures.randomMatrix(rows: 12, columns: 3, using: &rng)]
            try acc.add(layers: layers.map(Fixtures.features))
            let s = ReferenceCKA.similarityMatrix(layers, estimator: .unbiased)
            var score = 0.0
            for i in 0..<4 { for j in (i + 1)..<4 { score += 1 / (1 + exp(-200 * (s[i][j] - 0.8))) } }
            expected.append(score)
        }
        let result = acc.finish()
        XCTAssertEqual(result.msrs!, expected.reduce(0, +) / 3, accuracy: 1e-9)
        XCTAssertGreaterThan(result.msrs!, 0.99)   // layers 0 and 1 are an affine copy: CKA = 1
    }

    func testBatchShapeErrors() throws {
        var acc = try MSRSAccumulator(layerCount: 3)
        let a = Fixtures.features(Fixtures.specX)
        XCTAssertThrowsError(try acc.add(layers: [a, a])) {
            XCTAssertEqual($0 as? RedundancyError, .layerCountMismatch(batch: 0, expected: 3, found: 2))
        }
        XCTAssertThrowsError(try acc.add(layers: [a, a, try FeatureMatrix(Array(Fixtures.specY.prefix(4)))])) {
            XCTAssertEqual($0 as? RedundancyError, .sampleCountMismatch(layer: 2, expected: 6, found: 4))
        }
        XCTAssertEqual(acc.batchScores.count, 0)   // failed batches are not recorded
        XCTAssertThrowsError(try MSRSAccumulator(layerCount: 1))
    }

    func testResultJSONRoundTrip() throws {
        var acc = try MSRSAccumulator(layerCount: 3)
        try acc.add(similarities: specS)
        try acc.add(similarities: try SimilarityMatrix(rows: [[1, .nan, .nan], [.nan, .nan, .nan], [.nan, .nan, 1]]))
        let defined = acc.finish()
        let undefined = try MSRSAccumulator(layerCount: 3).finish()
        for result in [defined, undefined] {
            let data = try JSONEncoder().encode(result)
            XCTAssertEqual(try JSONDecoder().decode(MSRSResult.self, from: data), result)
        }
        let json = String(decoding: try JSONEncoder().encode(undefined), as: UTF8.self)
        XCTAssertTrue(json.contains("\"msrs\":null") && json.contains("undefinedReason"), json)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defined)) as! [String: Any]
        XCTAssertEqual(object["msrs"] as? Double, defined.msrs)
        XCTAssertEqual((object["batchScores"] as? [Any])?.count, 2)
    }
}
