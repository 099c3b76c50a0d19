// Timing of one MSRS batch at the reference size (n = 256, L = 18 GAP layers, 16/32/64 channels),
// split into its phases: global average pooling, the Gram matrices, and all pairs + score.
// `rednas bench --modes msrs` times a whole measurement on a real network; this times the phases.
//
// usage: swift run -c release msrs-batch-bench
import Foundation
import Randomness
import Redundancy
import TensorEngine

func measure() throws {
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
    for threads in [1, 2] {
        BLAS.threads = threads
        var best = (pool: Double.infinity, grams: Double.infinity, pairs: Double.infinity)
        for _ in 0..<10 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let features = try activations.map { try FeatureMatrix.globalAveragePooled($0.values, shape: $0.shape) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let batch = try GramBatch(layers: features)
            let t2 = DispatchTime.now().uptimeNanoseconds
            var acc = try MSRSAccumulator(layerCount: 18)
            let score = try acc.add(batch)
            precondition(score != nil, "the batch gave no score")
            let t3 = DispatchTime.now().uptimeNanoseconds
            best = (min(best.pool, Double(t1 - t0) / 1e6), min(best.grams, Double(t2 - t1) / 1e6),
                    min(best.pairs, Double(t3 - t2) / 1e6))
        }
        print("MSRS batch n=256 L=18 (GAP 16/32/64), BLAS threads \(threads), min of 10: "
              + "GAP \(best.pool) ms, Grams \(best.grams) ms, all pairs + score \(best.pairs) ms")
    }
}

try measure()
