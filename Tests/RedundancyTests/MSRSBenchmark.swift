import Foundation
import XCTest
import Randomness
@testable import Redundancy

/// Timing of one MSRS batch at the reference size (n = 256, L = 18 GAP layers, 16/32/64 channels).
/// Runs only with REDNAS_BENCHMARK=1 (no timing assertions in unit tests); it prints the figures.
final class MSRSBenchmark: XCTestCase {
    func testOneBatchAtReferenceSize() throws {
        guard ProcessInfo.processInfo.environment["REDNAS_BENCHMARK"] == "1" else {
            throw XCTSkip("set REDNAS_BENCHMARK=1 to run the MSRS timing")
        }
        var rng = SeededGenerator(seed: 99)
        let n = 256
        // NATS N = 5: stem + 5 cells at 16 ch (32×32), reduction + 5 cells at 32 (16×16), reduction + 5 at 64 (8×8).
        let stages = [(channels: 16, side: 32), (channels: 32, side: 16), (channels: 64, side: 8)]
        let activations: [(values: [Float], shape: [Int])] = stages.flatMap { stage in
            (0..<6).map { _ in
                let shape = [n, stage.channels, stage.side, stage.side]
                return ((0..<shape.reduce(1, *)).map { _ in rng.nextFloat() }, shape)
            }
        }
        var timings: [Double] = []
        var poolTimings: [Double] = []
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let features = try activations.map { try FeatureMatrix.globalAveragePooled($0.values, shape: $0.shape) }
            let pooled = DispatchTime.now().uptimeNanoseconds
            var acc = try MSRSAccumulator(layerCount: 18)
            let score = try acc.add(layers: features)
            let end = DispatchTime.now().uptimeNanoseconds
            XCTAssertNotNil(score)
            poolTimings.append(Double(pooled - start) / 1e6)
            timings.append(Double(end - pooled) / 1e6)
        }
        print("MSRS batch n=256 L=18 (GAP 16/32/64): CKA matrix + score \(timings.min()!) ms (min of 5), "
              + "GAP of the raw activations \(poolTimings.min()!) ms")
    }
}
