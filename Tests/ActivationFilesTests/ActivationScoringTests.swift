import ActivationFiles
import Foundation
import Persistence
import Redundancy
import XCTest

/// Scores of activation files against the spec's test vector and against the in-memory path the
/// NATS networks use (FeatureMatrix → GramBatch → MSRSAccumulator) on the same values.
final class ActivationScoringTests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws { dir = try ActivationFixture.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func measure(_ urls: [URL], _ reduction: FeatureReduction = .globalAveragePool,
                         estimator: CKAEstimator = .unbiased) throws -> ActivationRedundancy {
        try ActivationRedundancy.measure(ActivationSet(urls: urls, minimumSamples: estimator.minimumSampleCount),
                                         reduction: reduction, parameters: MSRSParameters(estimator: estimator))
    }

    /// The in-memory measurement of batches given as taps.
    private func expected(_ batches: [[ActivationFixture.Tap]], _ reduction: FeatureReduction) throws -> MSRSResult {
        var acc = try MSRSAccumulator(layerCount: batches[0].count)
        for taps in batches {
            try acc.add(layers: taps.map { try FeatureMatrix(reducing: $0.values, shape: $0.shape, by: reduction) })
        }
        return acc.finish()
    }

    func testSpecTestVectorThroughAFile() throws {
        let x: [Float] = [1, 2, 3, 1, 0, -1, 2, 2, -1, 0, 4, 3]
        let y: [Float] = [1, 0, 2, 2, 1, 0, 0, 0, -1, 1, 2, 1, -1, 1, 0, 3, 1, 2]
        let url = try ActivationFixture.write([.init(name: "x", shape: [6, 2], values: x), .init(name: "y", shape: [6, 3], values: y)],
                                              to: dir.appendingPathComponent("spec.safetensors"), labels: ["X", "Y"])
        let unbiased = try measure([url])
        XCTAssertEqual(unbiased.result.cka![0][1], 0.919611882137, accuracy: 1e-11)
        XCTAssertEqual(unbiased.result.adjacent!, [unbiased.result.cka![0][1]])
        // One pair: MSRS = σ(2β(S − τ)).
        XCTAssertEqual(unbiased.result.msrs!, 1 / (1 + exp(-200 * (0.919611882137 - 0.8))), accuracy: 1e-9)
        XCTAssertEqual(unbiased.labels, ["X", "Y"])
        XCTAssertEqual(try measure([url], estimator: .biased).result.cka![0][1], 0.939546525614, accuracy: 1e-11)
    }

    func testFewResidentGramsGiveTheInMemoryResult() throws {
        let batches = [ActivationFixture.network(samples: 16, seed: 3), ActivationFixture.network(samples: 16, seed: 4)]
        let urls = try batches.enumerated().map { b, taps in
            try ActivationFixture.write(taps, to: dir.appendingPathComponent("resident-\(b).safetensors"))
        }
        let set = try ActivationSet(urls: urls)
        XCTAssertGreaterThan(set.taps.count, 2, "the fixture must have more taps than the limit below")
        let oracle = try expected(batches, .globalAveragePool)
        let spilled = try ActivationRedundancy.measure(set, residentGrams: 2).result
        XCTAssertEqual(spilled.batchesUsed, oracle.batchesUsed)
        XCTAssertEqual(spilled.msrs!, oracle.msrs!, accuracy: 1e-12)
        for (row, expectedRow) in zip(spilled.cka!, oracle.cka!) {
            for (value, expectedValue) in zip(row, expectedRow) { XCTAssertEqual(value, expectedValue, accuracy: 1e-12) }
        }
    }

    func testFilesGiveTheInMemoryResultForEveryDtypeAndLayout() throws {
        let batches = [ActivationFixture.network(samples: 16, seed: 1), ActivationFixture.network(samples: 16, seed: 2)]
        for reduction in FeatureReduction.allCases {
            let oracle = try expected(batches, reduction)
            XCTAssertNotNil(oracle.msrs)
            for dtype in [SafeTensors.DType.f32, .f16, .bf16] {
                let perBatch = try batches.enumerated().map { b, taps in
                    try ActivationFixture.write(taps, to: dir.appendingPathComponent("b\(b)-\(dtype.rawValue).safetensors"), dtype: dtype)
                }
                // Values are exact in every dtype, so the results are identical, not merely close.
                XCTAssertEqual(try measure(perBatch, reduction).result, oracle, "\(dtype) \(reduction) one file per batch")
                let stacked = batches[0].indices.map { t in
                    ActivationFixture.Tap(name: batches[0][t].name, shape: [2] + batches[0][t].shape,
                                          values: batches[0][t].values + batches[1][t].values)
                }
                let one = try ActivationFixture.write(stacked, to: dir.appendingPathComponent("all-\(dtype.rawValue).safetensors"),
                                                      dtype: dtype, batched: true)
                let m = try measure([one], reduction)
                XCTAssertEqual(m.result, oracle, "\(dtype) \(reduction) batch axis")
                // CKA is scale-invariant, so also check the decoded values themselves.
                let set = try ActivationSet(urls: [one])
                XCTAssertEqual(try set.activation(batch: set.batches[1], tap: 2).values, batches[1][2].values, "\(dtype)")
                XCTAssertEqual(try set.activation(batch: set.batches[1], tap: 2).shape, batches[1][2].shape)
                XCTAssertEqual(m.samples, 32)
                XCTAssertEqual(m.taps, ["block0", "block1", "block2", "block3"])
            }
        }
    }

    func testADegenerateBatchIsDroppedAndAllDegenerateIsUndefined() throws {
        let good = ActivationFixture.network(samples: 8, seed: 3)
        var constant = ActivationFixture.network(samples: 8, seed: 4)
        constant[2].values = [Float](repeating: 1.5, count: constant[2].values.count)
        let bad = try ActivationFixture.write(constant, to: dir.appendingPathComponent("bad.safetensors"))
        let fine = try ActivationFixture.write(good, to: dir.appendingPathComponent("fine.safetensors"))

        let mixed = try measure([bad, fine]).result
        XCTAssertEqual(mixed.batchesSeen, 2)
        XCTAssertEqual(mixed.batchesUsed, 1)
        XCTAssertNil(mixed.batchScores[0])
        XCTAssertEqual(mixed.msrs, try expected([good], .globalAveragePool).msrs)

        let none = try measure([bad, bad]).result
        XCTAssertNil(none.msrs)
        XCTAssertNil(none.cka)
        guard case let .undefined(reason) = none.score else { return XCTFail("expected undefined") }
        XCTAssertTrue(reason.contains("NaN"), reason)
    }

    func testWideFlattenedTapStreamsThroughGramPanels() throws {
        // 4 × 300,000 features: wider than one widening panel (2^20 / n columns), read in several chunks.
        let n = 4, p = 300_000
        let a = ActivationFixture.eighths(count: n * p, seed: 9)
        let b = zip(a, ActivationFixture.eighths(count: n * p, seed: 10, limit: 16)).map { $0 + $1 }
        let taps = [ActivationFixture.Tap(name: "a", shape: [n, p], values: a), .init(name: "b", shape: [n, p], values: b)]
        let url = try ActivationFixture.write(taps, to: dir.appendingPathComponent("wide.safetensors"), dtype: .bf16)
        let m = try measure([url], .flatten)
        // Oracle: HSIC_u from its definition in Double, with K = X Xᵀ by explicit sums.
        func gram(_ x: [Float]) -> [[Double]] {
            var k = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for c in 0..<p { s += Double(x[i * p + c]) * Double(x[j * p + c]) }
                    k[i][j] = s
                }
            }
            return k
        }
        func hsic(_ k: [[Double]], _ l: [[Double]]) -> Double {
            var tr = 0.0, sk = 0.0, sl = 0.0, kl1 = 0.0
            for i in 0..<n {
                var rk = 0.0, rl = 0.0
                for j in 0..<n where j != i {
                    tr += k[i][j] * l[j][i]
                    rk += k[i][j]
                    rl += l[i][j]
                }
                sk += rk; sl += rl; kl1 += rk * rl
            }
            let nn = Double(n)
            let numerator: Double = tr + sk * sl / ((nn - 1) * (nn - 2)) - 2 / (nn - 2) * kl1
            return numerator / (nn * (nn - 3))
        }
        let ka = gram(a), kb = gram(b)
        let cka = hsic(ka, kb) / (hsic(ka, ka) * hsic(kb, kb)).squareRoot()
        XCTAssertEqual(m.result.cka![0][1], cka, accuracy: 1e-9)
    }
}
