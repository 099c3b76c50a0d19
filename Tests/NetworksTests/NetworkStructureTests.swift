import XCTest
import CellSpace
import NeuralNet
import Randomness
import TensorEngine
@testable import Networks

final class NetworkStructureTests: XCTestCase {
    static let cells: [Int] = [0, 9, 123, 1462, 1651, 1835, 4317, 9930, 15624]

    private func network(_ index: Int, _ spec: NetworkSpec, seed: UInt64 = 1) throws -> NATSNetwork {
        var generator = SeededGenerator(seed: seed)
        return NATSNetwork(cell: try Cell(index: index), spec: spec, generator: &generator)
    }

    /// The built network's trainable tensors are exactly the reference layers `NetworkSpec` lists
    /// (same names, same shapes, same order), and its buffers are the BN statistics of those layers.
    func testNamedStateMatchesTheReferenceLayerList() throws {
        let specs = [NetworkSpec.cifar10, try NetworkSpec(channels: 4, cellsPerStage: [2, 0, 1], classes: 7,
                                                          inputChannels: 1, inputSize: 12)]
        for spec in specs {
            for index in Self.cells {
                let net = try network(index, spec)
                let cell = try Cell(index: index)
                let expected = spec.layers(for: cell).flatMap(\.parameters)
                XCTAssertEqual(net.namedParameters.map(\.name), expected.map(\.name), "index \(index)")
                XCTAssertEqual(net.namedParameters.map(\.parameter.shape), expected.map(\.shape), "index \(index)")
                var bnBuffers: [String] = []
                for layer in spec.layers(for: cell) {
                    if case .batchNorm = layer.kind {
                        bnBuffers += ["running_mean", "running_var", "num_batches_tracked"].map { layer.name + "." + $0 }
                    }
                }
                XCTAssertEqual(net.namedState.filter { !$0.slot.isParameter }.map(\.name), bnBuffers, "index \(index)")
            }
        }
    }

    func testParameterCountsEqualTheBenchmarkCounts() throws {
        // Spec §4 table (CIFAR-10, C 16, N 5), then NetworkSpec's own count for other shapes.
        let table: [Int: Int] = [0: 129_306, 1462: 1_531_546, 1651: 73_306]
        for (index, count) in table { XCTAssertEqual(try network(index, .cifar10).parameterCount, count) }
        let shapes = [NetworkSpec.cifar100, .fashionMNIST,
                      try NetworkSpec(channels: 8, cellsPerStage: [2, 0, 1], classes: 10, inputChannels: 3, inputSize: 16),
                      try NetworkSpec(channels: 3, cellsPerStage: [0, 0, 0], classes: 2, inputChannels: 1, inputSize: 8)]
        for spec in shapes {
            for index in [1462, 1651, 1835, 9930] {
                XCTAssertEqual(try network(index, spec).parameterCount, spec.parameterCount(for: try Cell(index: index)),
                               "index \(index), spec \(spec)")
            }
        }
    }

    func testReferenceNamesOfAReductionAndAConvEdge() throws {
        let net = try network(9930, .cifar10)
        let shapes = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.name, $0.parameter.shape) })
        XCTAssertEqual(shapes["stem.0.weight"], [16, 3, 3, 3])
        XCTAssertEqual(shapes["cells.5.conv_a.op.1.weight"], [32, 16, 3, 3])
        XCTAssertEqual(shapes["cells.5.downsample.1.weight"], [32, 16, 1, 1])
        XCTAssertEqual(shapes["cells.11.conv_b.op.2.bias"], [64])
        XCTAssertEqual(shapes["cells.0.layers.0.op.1.weight"], [16, 16, 3, 3])
        XCTAssertNil(shapes["cells.0.layers.3.op.1.weight"], "edge 3←0 of 9930 is skip_connect: no tensors")
        XCTAssertEqual(shapes["classifier.weight"], [10, 64])
        XCTAssertTrue(net.namedState.contains { $0.name == "lastact.0.num_batches_tracked" })
    }

    func testSameSeedGivesSameWeightsAndDifferentSeedDifferent() throws {
        let a = try network(9930, .cifar10, seed: 5), b = try network(9930, .cifar10, seed: 5)
        let c = try network(9930, .cifar10, seed: 6)
        XCTAssertEqual(a.stateDict().map(\.value), b.stateDict().map(\.value))
        XCTAssertNotEqual(a.stateDict().map(\.value), c.stateDict().map(\.value))
    }

    /// PyTorch default init: conv weights uniform(±1/√fan_in).
    func testInitialisationBounds() throws {
        let net = try network(1462, .cifar10)
        for (name, p) in net.namedParameters where name.hasSuffix("op.1.weight") {
            let fanIn = p.shape[1] * p.shape[2] * p.shape[3]
            let bound = 1 / Float(fanIn).squareRoot()
            XCTAssertLessThanOrEqual(p.value.data.map(abs).max()!, bound, name)
            XCTAssertGreaterThan(p.value.data.map(abs).max()!, 0.8 * bound, name)
        }
    }
}
