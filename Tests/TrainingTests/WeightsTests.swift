import Persistence
import XCTest
import CellSpace
import Networks
import NeuralNet
import Randomness
import TensorEngine
@testable import Training

final class WeightsTests: XCTestCase {
    private func trainedNetwork() throws -> NATSNetwork {
        let t = try Trainer(cell: try Cell(index: 9930), spec: TrainingTestData.spec,
                            recipe: TrainingRecipe(epochs: 1, batchSize: 32),
                            data: try TrainingTestData.data(trainSubset: 96), seed: 4)
        _ = try t.run()
        return t.network
    }

    private func file(_ label: String) -> URL {
        TrainingTestData.temporaryDirectory(label).appendingPathComponent("weights.safetensors")
    }

    func testRoundTripIsExactAndEvalOutputsAreIdentical() throws {
        let network = try trainedNetwork()
        let url = file("roundtrip")
        try NetworkWeights.export(network, to: url)
        let raw = try SafeTensors.read(from: url)
        XCTAssertEqual(raw.metadata["arch"], try Cell(index: 9930).architectureString)
        XCTAssertEqual(raw.metadata["index"], "9930")
        XCTAssertEqual(raw.metadata["cells_per_stage"], "1,1,1")
        XCTAssertEqual(raw["stem.1.num_batches_tracked"]?.dtype, .i64)
        XCTAssertEqual(raw["stem.1.num_batches_tracked"]?.int64s(), [3])
        XCTAssertEqual(raw["cells.0.layers.0.op.1.weight"]?.dtype, .f32)

        let loaded = try NetworkWeights.loadNetwork(from: url)
        XCTAssertEqual(loaded.cell, network.cell)
        XCTAssertEqual(loaded.spec, network.spec)
        XCTAssertEqual(loaded.stateDict().map(\.name), network.stateDict().map(\.name))
        XCTAssertEqual(loaded.stateDict().map(\.value), network.stateDict().map(\.value))
        let data = try TrainingTestData.data()
        var a: [Tensor] = [], b: [Tensor] = []
        try NetworkEvaluation.forEachBatch(of: network, on: data.test!, normalization: data.normalization, batchSize: 50) { a.append($0.logits) }
        try NetworkEvaluation.forEachBatch(of: loaded, on: data.test!, normalization: data.normalization, batchSize: 50) { b.append($0.logits) }
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 4)
    }

    private func assertLoadFails(_ file: SafeTensors, contains expected: String, line: UInt = #line) throws {
        let url = self.file("bad")
        try file.write(to: url)
        var generator = SeededGenerator(seed: 0)
        let network = NATSNetwork(cell: try Cell(index: 9930), spec: TrainingTestData.spec, generator: &generator)
        let before = network.stateDict().map(\.value)
        XCTAssertThrowsError(try NetworkWeights.load(from: url, into: network), line: line) { error in
            XCTAssertEqual("\(error)", "\(url.path): \(expected)", line: line)
        }
        XCTAssertEqual(network.stateDict().map(\.value), before, "a failed load must not change the network", line: line)
    }

    func testBadWeightFilesGiveClearErrors() throws {
        let good = SafeTensors(entries: NetworkWeights.entries(of: try trainedNetwork()))
        var missing = good
        missing.entries.removeAll { $0.name == "cells.1.conv_b.op.2.running_var" }
        try assertLoadFails(missing, contains: "tensor 'cells.1.conv_b.op.2.running_var' is missing (the file does not match this architecture)")

        var extra = good
        extra.entries.append(.float32("cells.0.layers.3.op.1.weight", shape: [4, 4, 3, 3], values: Array(repeating: 0, count: 144)))
        try assertLoadFails(extra, contains: "unexpected tensor 'cells.0.layers.3.op.1.weight' (the file does not match this architecture)")

        var shape = good
        let i = shape.entries.firstIndex { $0.name == "classifier.weight" }!
        shape.entries[i] = .float32("classifier.weight", shape: [16, 4], values: shape.entries[i].floats())
        try assertLoadFails(shape, contains: "tensor 'classifier.weight' has shape [16, 4], expected [4, 16]")

        var dtype = good
        let j = dtype.entries.firstIndex { $0.name == "lastact.0.num_batches_tracked" }!
        dtype.entries[j] = .float32("lastact.0.num_batches_tracked", shape: [], values: [3])
        try assertLoadFails(dtype, contains: "tensor 'lastact.0.num_batches_tracked' has dtype F32, expected I64")

        var f64 = good
        let k = f64.entries.firstIndex { $0.name == "stem.0.weight" }!
        f64.entries[k] = SafeTensors.Entry(name: "stem.0.weight", dtype: .f64, shape: [4, 3, 3, 3], bytes: Data(count: 108 * 8))
        try assertLoadFails(f64, contains: "tensor 'stem.0.weight' has dtype F64, expected F32")
    }

    func testTruncatedFileAndMissingMetadataAreClearErrors() throws {
        let network = try trainedNetwork()
        let url = file("truncated")
        try NetworkWeights.export(network, to: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 10).write(to: url)
        XCTAssertThrowsError(try NetworkWeights.load(from: url, into: network)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(url.path): not a valid safetensors file"), "\(error)")
        }
        try SafeTensors(entries: NetworkWeights.entries(of: network)).write(to: url)
        XCTAssertThrowsError(try NetworkWeights.loadNetwork(from: url)) { error in
            XCTAssertEqual("\(error)", "\(url.path): metadata 'arch' is missing (cannot rebuild the network; pass the architecture explicitly)")
        }
    }
}
