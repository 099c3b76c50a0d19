import CellSpace
import Networks
import NeuralNet
import Randomness
import Redundancy
import TensorEngine

/// Training and inference throughput of a benchmark network on synthetic data, as the PyTorch peer
/// measures it: a training step is zero-grad + forward (batch statistics) + cross-entropy + backward
/// + SGD (Nesterov momentum 0.9, weight decay 5e-4); inference is a non-recording forward with
/// running statistics.
package enum NetworkBenchmark {
    /// Measures `mode`s ("train", "infer", "msrs") of `benchmarkCase` at `batch`.
    package static func measure(_ benchmarkCase: BenchmarkCase, batch: Int, modes: [String], threads: Int,
                               stopwatch: Stopwatch) throws -> [BenchmarkRecord] {
        let spec = try benchmarkCase.networkSpec(), cell = try benchmarkCase.cell()
        var generator = SeededGenerator(seed: 0)
        let network = NATSNetwork(cell: cell, spec: spec, generator: &generator)
        let macs = spec.flops(for: cell), params = network.parameterCount
        let images = syntheticImages(batch: batch, spec: spec, using: &generator)
        let labels = (0..<batch).map { _ in Int32(generator.int(below: spec.classes)) }
        func record(_ mode: String, _ timing: TimingSummary, images: Int, factor: Double) -> BenchmarkRecord {
            BenchmarkRecord(config: benchmarkCase.name, batch: batch, mode: mode, threads: threads, params: params,
                            macsPerImage: macs, timing: timing, imagesPerRun: images, flopFactor: factor)
        }
        var records: [BenchmarkRecord] = []
        for mode in modes {
            switch mode {
            case "train":
                let optimizer = SGD(parameters: network.parameters, learningRate: 0.1)
                let timing = stopwatch.measure {
                    optimizer.zeroGrad()
                    let g = Graph(recording: true)
                    let logits = network.forward(g.constant(images), in: g, training: true)
                    g.backward(g.softmaxCrossEntropy(logits: logits, labels: labels).loss)
                    optimizer.step()
                }
                records.append(record(mode, timing, images: batch, factor: 3))
            case "infer":
                let timing = stopwatch.measure {
                    let g = Graph(recording: false)
                    _ = network.forward(g.constant(images), in: g, training: false)
                }
                records.append(record(mode, timing, images: batch, factor: 1))
            case "msrs":
                let timing = try measureMSRS(network, spec: spec, using: &generator)
                records.append(record(mode, timing, images: 10 * 256, factor: 1))
            default:
                preconditionFailure("unknown benchmark mode \(mode)")
            }
        }
        return records
    }

    /// One MSRS measurement (10 batches of 256 synthetic images; L = 3N + 3 GAP taps per forward,
    /// streamed into a `GramBatch` and an `MSRSAccumulator`), timed once after one warm-up batch.
    static func measureMSRS(_ network: NATSNetwork, spec: NetworkSpec, using generator: inout SeededGenerator) throws
        -> TimingSummary {
        let batches = (0..<10).map { _ in syntheticImages(batch: 256, spec: spec, using: &generator) }
        func run(_ images: [Tensor]) throws {
            var accumulator = try MSRSAccumulator(layerCount: network.tapCount)
            for x in images {
                var grams = try GramBatch(sampleCount: 256)
                var failure: Error?
                let g = Graph(recording: false)
                _ = network.forward(g.constant(x), in: g, training: false) { _, tap in
                    let value = g.value(tap)
                    do { try grams.append(FeatureMatrix.globalAveragePooled(value.data, shape: value.shape)) } catch { failure = failure ?? error }
                }
                if let failure { throw failure }
                try accumulator.add(grams)
            }
        }
        try run([batches[0]])
        let start = Stopwatch.now()
        try run(batches)
        return TimingSummary(seconds: [Stopwatch.now() - start])
    }

    /// Uniform(−1, 1) images [batch, C, S, S] (the values do not affect the timing).
    static func syntheticImages(batch: Int, spec: NetworkSpec, using generator: inout SeededGenerator) -> Tensor {
        var x = Tensor.zeros([batch, spec.inputChannels, spec.inputSize, spec.inputSize])
        for i in 0..<x.count { x.data[i] = generator.nextFloat() * 2 - 1 }
        return x
    }
}
