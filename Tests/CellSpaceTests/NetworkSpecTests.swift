import XCTest
import CellSpace

final class NetworkSpecTests: XCTestCase {
    /// Spec §4 check table: (index, C10 params M, C10 FLOPs M, C100 params M, C100 FLOPs M,
    /// ImageNet16-120 params M, ImageNet16-120 FLOPs M), as the benchmark reports them (rounded).
    static let checkTable: [(Int, [String])] = [
        (0, ["0.129306", "15.6474", "0.135156", "15.6532", "0.136456", "3.9195"]),
        (11, ["0.802426", "113.9514", "0.808276", "113.9572", "0.809576", "28.4955"]),
        (284, ["0.101306", "11.7152", "0.107156", "11.7211", "0.108456", "2.9364"]),
        (1462, ["1.531546", "220.1197", "1.537396", "220.1255", "1.538696", "55.0376"]),
        (1651, ["0.073306", "7.7831", "0.079156", "7.7889", "0.080456", "1.9534"]),
    ]

    /// "0.129306" with 6 decimals → 129306 (exact integer units of 10^-decimals million).
    private func units(_ text: String, decimals: Int) -> Int {
        let parts = text.split(separator: ".")
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(parts[1].count, decimals, "\(text) should have \(decimals) decimals")
        return Int(parts[0])! * Int(pow(10.0, Double(decimals))) + Int(parts[1])!
    }

    func testBenchmarkParameterAndFlopTable() throws {
        let networks = [NetworkSpec.cifar10, .cifar100, .imageNet16_120]
        for (index, reported) in Self.checkTable {
            let cell = try Cell(index: index)
            for (d, network) in networks.enumerated() {
                // Params are reported to 1e-6 M = 1 parameter: they must match exactly.
                XCTAssertEqual(network.parameterCount(for: cell), units(reported[2 * d], decimals: 6),
                               "params of \(index) on network \(d)")
                // FLOPs are reported to 1e-4 M = 100 FLOPs: exact count within half a unit.
                let flops = network.flops(for: cell), reportedFlops = units(reported[2 * d + 1], decimals: 4) * 100
                XCTAssertLessThanOrEqual(abs(flops - reportedFlops), 50, "FLOPs of \(index) on network \(d): \(flops)")
            }
        }
    }

    func testHandCountedArchitecture1462() throws {
        // Stem 432+32; cells 5·6·(9C²+2C) at C=16,32,64; reductions 14,464 and 57,600; head 128+650.
        let cell = Cell(repeating: .conv3x3)
        XCTAssertEqual(NetworkSpec.cifar10.parameterCount(for: cell), 1_531_546)
        XCTAssertEqual(NetworkSpec.cifar10.flops(for: cell), 220_119_690)
    }

    func testGrayscaleFashionMNISTShape() {
        let spec = NetworkSpec.fashionMNIST
        // Only the stem conv sees the input channels: 9·(3−1)·16 = 288 fewer weights than CIFAR-10.
        XCTAssertEqual(spec.parameterCount(for: Cell(repeating: .conv3x3)), 1_531_546 - 288)
        // All-none network at 28×28: stem 144·784 + reductions (14,336·14² + 57,344·7²) + linear 650.
        XCTAssertEqual(spec.flops(for: Cell(repeating: .none)), 5_733_258)
        XCTAssertEqual(spec.stageSizes, [28, 14, 7])
    }

    func testPerStageCellCounts() throws {
        let cell = Cell(repeating: .conv3x3)
        let full = try NetworkSpec(cellsPerStage: [5, 5, 5])
        XCTAssertEqual(full, NetworkSpec.cifar10)
        XCTAssertEqual(try NetworkSpec(cells: 5), full)
        // One all-conv3x3 cell: 6·(9C² + 2C); FLOPs 6·9C²·H².
        let cellParams = [14_016, 55_680, 221_952]
        let cellFlops = [6 * 9 * 256 * 1024, 6 * 9 * 1024 * 256, 6 * 9 * 4096 * 64]
        for stage in 0..<3 {
            var counts = [5, 5, 5]
            counts[stage] = 2
            let pruned = try NetworkSpec(cellsPerStage: counts)
            XCTAssertEqual(full.parameterCount(for: cell) - pruned.parameterCount(for: cell), 3 * cellParams[stage])
            XCTAssertEqual(full.flops(for: cell) - pruned.flops(for: cell), 3 * cellFlops[stage])
            XCTAssertEqual(pruned.activationTaps.count, 12 + 3)
        }
        let empty = try NetworkSpec(cellsPerStage: [0, 0, 0])
        XCTAssertEqual(empty.parameterCount(for: cell), NetworkSpec.cifar10.parameterCount(for: Cell(repeating: .none)))
    }

    func testActivationTapsForMSRS() throws {
        let taps = try NetworkSpec(channels: 8, cells: 2, inputSize: 32).activationTaps
        XCTAssertEqual(taps.map(\.label), ["stem", "cell 0", "cell 1", "reduction 1", "cell 2", "cell 3",
                                           "reduction 2", "cell 4", "cell 5"])
        XCTAssertEqual(taps.map(\.channels), [8, 8, 8, 16, 16, 16, 32, 32, 32])
        XCTAssertEqual(taps.map(\.height), [32, 32, 32, 16, 16, 16, 8, 8, 8])
        XCTAssertEqual(taps.map(\.width), taps.map(\.height))
        XCTAssertEqual(taps.map(\.bodyIndex), [nil, 0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(taps.map(\.kind), [.stem, .cell, .cell, .reduction, .cell, .cell, .reduction, .cell, .cell])
        XCTAssertEqual(NetworkSpec.cifar10.activationTaps.count, 3 * 5 + 3)
        let blocks = NetworkSpec.cifar10.bodyBlocks
        XCTAssertEqual(blocks.filter { $0.kind == .reduction }.map(\.bodyIndex), [5, 11])
    }

    func testLayerNamesAndShapesFollowTheReferenceStateDict() throws {
        let cell = try Cell(index: 0)  // conv1x1 on edges 1 (2←0) and 3 (3←0)
        let parameters = NetworkSpec.cifar10.layers(for: cell).flatMap(\.parameters)
        let shapes = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.shape) })
        XCTAssertEqual(parameters.count, shapes.count, "names are unique")
        XCTAssertEqual(shapes["stem.0.weight"], [16, 3, 3, 3])
        XCTAssertEqual(shapes["stem.1.bias"], [16])
        XCTAssertEqual(shapes["cells.0.layers.1.op.1.weight"], [16, 16, 1, 1])
        XCTAssertEqual(shapes["cells.0.layers.3.op.2.weight"], [16])
        XCTAssertNil(shapes["cells.0.layers.0.op.1.weight"], "avg_pool has no parameters")
        XCTAssertEqual(shapes["cells.5.conv_a.op.1.weight"], [32, 16, 3, 3])
        XCTAssertEqual(shapes["cells.5.conv_b.op.1.weight"], [32, 32, 3, 3])
        XCTAssertEqual(shapes["cells.11.downsample.1.weight"], [64, 32, 1, 1])
        XCTAssertNil(shapes["cells.11.downsample.2.weight"], "the shortcut has no BN")
        XCTAssertEqual(shapes["cells.16.layers.3.op.1.weight"], [64, 64, 1, 1])
        XCTAssertEqual(shapes["lastact.0.weight"], [64])
        XCTAssertEqual(shapes["classifier.weight"], [10, 64])
        XCTAssertEqual(shapes["classifier.bias"], [10])
        // Stem conv + BN γ/β; 15 cells × 2 conv edges × (weight, γ, β); 2 reductions × 7; BN γ/β + linear w/b.
        XCTAssertEqual(parameters.count, 3 + 15 * 2 * 3 + 2 * 7 + 4)
    }

    func testInvalidShapesAreClearErrors() {
        let cases: [(() throws -> NetworkSpec, String)] = [
            ({ try NetworkSpec(channels: 0) }, "channels 0"),
            ({ try NetworkSpec(cellsPerStage: [5, 5]) }, "3 counts"),
            ({ try NetworkSpec(cellsPerStage: [5, -1, 5]) }, "each between 0 and 1000"),
            ({ try NetworkSpec(classes: 0) }, "classes 0"),
            ({ try NetworkSpec(inputChannels: 2) }, "1 (grayscale) or 3 (RGB)"),
            ({ try NetworkSpec(inputSize: 30) }, "multiple of 4"),
            ({ try NetworkSpec(inputSize: 0) }, "input size 0"),
        ]
        for (make, phrase) in cases {
            XCTAssertThrowsError(try make()) { error in
                XCTAssertTrue(error is NetworkSpecError)
                XCTAssertTrue("\(error)".contains(phrase), "'\(phrase)' not in \(error)")
            }
        }
    }

    func testCodableRoundTripValidates() throws {
        let spec = try NetworkSpec(channels: 8, cellsPerStage: [1, 2, 3], classes: 10, inputChannels: 1, inputSize: 28)
        let data = try JSONEncoder().encode(spec)
        XCTAssertEqual(try JSONDecoder().decode(NetworkSpec.self, from: data), spec)
        let bad = Data(#"{"channels":8,"cells_per_stage":[1,2,3],"classes":10,"input_channels":2,"input_size":28}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(NetworkSpec.self, from: bad))
    }

    func testSummaryCarriesExactCountsAndRoundedMillions() throws {
        let summary = ArchitectureSummary(cell: try Cell(index: 1462), network: .cifar10)
        XCTAssertEqual(summary.params, 1_531_546)
        XCTAssertEqual(summary.flops, 220_119_690)
        XCTAssertEqual(summary.paramsM, 1.531546)
        XCTAssertEqual(summary.flopsM, 220.1197)
        XCTAssertEqual(summary.cells, 5)
        XCTAssertEqual(summary.operationCounts["nor_conv_3x3"], 6)
        XCTAssertEqual(summary.edges.map(\.op), Array(repeating: "nor_conv_3x3", count: 6))
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        for key in ["\"index\":1462", "\"params\":1531546", "\"flops\":220119690", "\"valid\":true", "\"canonical\""] {
            XCTAssertTrue(json.contains(key), "\(key) missing from \(json)")
        }
    }
}
