import XCTest
import CellSpace
import NeuralNet
import Randomness
import TensorEngine
import TestSupport
@testable import Networks

final class NetworkForwardTests: XCTestCase {
    static let tinySpec = try! NetworkSpec(channels: 2, cellsPerStage: [1, 1, 1], classes: 3, inputChannels: 3, inputSize: 8)
    /// Edges: 1←0 conv3x3, 2←0 avg pool, 2←1 skip, 3←0 none, 3←1 conv1x1, 3←2 skip.
    static let mixedCell = Cell(operations: [.conv3x3, .avgPool3x3, .skipConnect, .none, .conv1x1, .skipConnect])

    private func tinyNetwork(_ cell: Cell = mixedCell, spec: NetworkSpec = tinySpec) -> NATSNetwork {
        var generator = SeededGenerator(seed: 3)
        return NATSNetwork(cell: cell, spec: spec, generator: &generator)
    }

    private func images(_ n: Int, _ spec: NetworkSpec, seed: UInt64 = 4) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return randomTensor([n, spec.inputChannels, spec.inputSize, spec.inputSize], using: &generator)
    }

    /// Whole-network backward against finite differences, for the input and every parameter tensor.
    ///
    /// A float32 ReLU network is piecewise smooth, and on a 2×2 final map one ReLU crossing its kink
    /// moves the objective visibly, so element-wise central differences (the shared helper) measure
    /// 1–30 % errors here even though backward is right. Instead each tensor is checked along random
    /// directions: the one-sided slopes f(+ε) − f(0) and f(0) − f(−ε) must agree (else the step
    /// crossed a kink and another direction is drawn), then the central slope must match ⟨∇f, d⟩
    /// within 30 %. That bound is coarse on purpose: measured on this float32 network, correct code
    /// shows up to ~23 % (training-mode BN over few values amplifies rounding); it still catches a
    /// dropped or mis-routed path (error ≈ 100 %). The tight per-block checks follow.
    /// A mis-routed or missing gradient term gives errors of order 1; at least 80 % of the tensors
    /// must find a kink-free direction (80 % at least).
    func testWholeNetworkGradientsMatchFiniteDifferences() {
        for training in [true, false] {
            // 16×16 input: 4×4 final maps keep single ReLU kinks and BN float noise small.
            let spec = try! NetworkSpec(channels: 2, cellsPerStage: [1, 1, 1], classes: 3, inputChannels: 3, inputSize: 16)
            let net = tinyNetwork(spec: spec)
            let x = Parameter(images(4, spec))
            var generator = SeededGenerator(seed: 11)
            let projection = randomTensor([4, 3], using: &generator)
            func objective() -> Double {
                let g = Graph(recording: false)
                let y = g.value(net.forward(g.constant(x.value), in: g, training: training))
                return zip(y.data, projection.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            }
            let g = Graph(recording: true)
            g.backward(from: net.forward(g.parameter(x), in: g, training: training), seed: projection)
            var checked = 0
            for (name, p) in [("input", x)] + net.namedParameters {
                // The smallest error over up to three kink-free directions: float rounding (larger with
                // the Winograd kernels) inflates single directions, while a mis-routed path is wrong
                // by order 1 in every direction.
                var verdicts: [Double] = []
                for _ in 0..<16 where verdicts.count < 3 {
                    let d = randomTensor(p.shape, using: &generator)
                    if let e = directionalError(of: p, along: d, objective) { verdicts.append(e) }
                }
                guard let error = verdicts.min() else { continue }
                XCTAssertLessThan(error, 0.3, "gradient of \(name) (training \(training)) differs from finite differences")
                checked += 1
            }
            XCTAssertGreaterThanOrEqual(Double(checked), 0.8 * Double(net.namedParameters.count + 1))
        }
    }

    /// |⟨∇f, d⟩ − central slope| / |central slope|, or nil when the step crosses a kink.
    private func directionalError(of p: Parameter, along d: Tensor, _ f: () -> Double) -> Double? {
        let analytic = zip(p.grad.data, d.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let original = p.value, epsilon: Float = 1e-3
        let center = f()
        p.value = Tensor(shape: p.shape, data: zip(original.data, d.data).map { $0 + epsilon * $1 })
        let plus = f()
        p.value = Tensor(shape: p.shape, data: zip(original.data, d.data).map { $0 - epsilon * $1 })
        let minus = f()
        p.value = original
        let (right, left) = ((plus - center) / Double(epsilon), (center - minus) / Double(epsilon))
        let central = (plus - minus) / (2 * Double(epsilon))
        guard abs(right - left) <= 0.02 * abs(central) + 1e-4 else { return nil }
        return abs(analytic - central) / max(abs(central), 1e-3)
    }

    /// Tight checks with the shared helper on each block type alone (input gradient through a
    /// cell with conv/pool/skip/none edges, a reduction block, and the head), training and eval BN.
    func testBlockGradientsMatchFiniteDifferencesTightly() {
        var generator = SeededGenerator(seed: 21)
        let cell = NATSCell(Self.mixedCell, channels: 2, generator: &generator)
        let reduction = ReductionBlock(inChannels: 2, outChannels: 4, generator: &generator)
        let x = randomTensor([3, 2, 6, 6], using: &generator, minMagnitude: 0.05)
        for training in [true, false] {
            assertGradientsMatch(inputs: [x], tolerance: 2e-3, epsilon: 1e-3) { g, v in cell(v[0], in: g, training: training) }
            assertGradientsMatch(inputs: [x], tolerance: 2e-3, epsilon: 1e-3) { g, v in reduction(v[0], in: g, training: training) }
        }
    }

    func testTapsFollowTheSpecOrderAndShapesAndTapZeroIsTheRawStemConv() throws {
        for spec in [Self.tinySpec, try NetworkSpec(channels: 3, cellsPerStage: [2, 0, 1], classes: 4, inputChannels: 1, inputSize: 12)] {
            let net = tinyNetwork(spec: spec)
            let x = images(2, spec)
            let g = Graph(recording: false)
            var taps: [(Int, Variable)] = []
            let input = g.constant(x)
            let logits = net.forward(input, in: g, training: false) { taps.append(($0, $1)) }
            XCTAssertEqual(g.shape(logits), [2, spec.classes])
            XCTAssertEqual(taps.map(\.0), Array(0..<spec.activationTaps.count))
            XCTAssertEqual(net.tapCount, spec.searchableCellCount + 3)
            XCTAssertEqual(taps.map { g.shape($0.1) }, spec.activationTaps.map { [2, $0.channels, $0.height, $0.width] })
            let rawConv = g.value(g.conv2d(input, weight: g.constant(net.stemConv.weight.value), padding: 1))
            XCTAssertEqual(g.value(taps[0].1), rawConv, "tap 0 is the stem conv before its batch norm")
        }
    }

    /// All-skip cell: node1 = x, node2 = x + x, node3 = x + x + 2x = 4x. All-none cell: zeros.
    func testSkipAndNoneCellSemantics() throws {
        for (index, factor) in [(1835, Float(4)), (1651, Float(0))] {
            let net = tinyNetwork(try Cell(index: index))
            let g = Graph(recording: false)
            var taps: [Variable] = []
            _ = net.forward(g.constant(images(2, Self.tinySpec)), in: g, training: false) { taps.append($1) }
            // Tap 1 is cell 0 (input: the stem output, i.e. BN of tap 0 in eval mode with fresh stats).
            let stemOut = g.value(net.stemNorm(taps[0], in: g, training: false))
            XCTAssertEqual(g.value(taps[1]).data, stemOut.scaled(by: factor).data, "index \(index)")
        }
    }

    /// The count_include_pad=False pool edge: a cell with only 1←0 pool and skips to node 3.
    func testPoolEdgeUsesInImageAverage() throws {
        let cell = Cell(operations: [.avgPool3x3, .none, .none, .none, .skipConnect, .none])
        let net = tinyNetwork(cell)
        let g = Graph(recording: false)
        var taps: [Variable] = []
        _ = net.forward(g.constant(images(1, Self.tinySpec)), in: g, training: false) { taps.append($1) }
        let input = g.value(net.stemNorm(taps[0], in: g, training: false))
        let out = g.value(taps[1])
        // Corner (0,0) of channel 0 averages the 4 in-image pixels.
        let corner = (input[0, 0, 0, 0] + input[0, 0, 0, 1] + input[0, 0, 1, 0] + input[0, 0, 1, 1]) / 4
        XCTAssertEqual(out[0, 0, 0, 0], corner, accuracy: 1e-6)
        var interior: Float = 0
        for dy in -1...1 { for dx in -1...1 { interior += input[0, 1, 3 + dy, 4 + dx] } }
        XCTAssertEqual(out[0, 1, 3, 4], interior / 9, accuracy: 1e-6)
    }

    func testEvalModeIsDeterministicAndLeavesBatchNormStatisticsAlone() {
        let net = tinyNetwork()
        let x = images(4, Self.tinySpec)
        let before = net.stateDict().map(\.value)
        func run(training: Bool) -> Tensor {
            let g = Graph(recording: false)
            return g.value(net.forward(g.constant(x), in: g, training: training))
        }
        let a = run(training: false), b = run(training: false)
        XCTAssertEqual(a, b)
        XCTAssertEqual(net.stateDict().map(\.value), before, "eval mode must not touch running statistics")
        _ = run(training: true)
        let after = net.stateDict()
        XCTAssertNotEqual(after.map(\.value), before, "train mode updates running statistics")
        XCTAssertTrue(after.contains { $0.name == "stem.1.num_batches_tracked" && $0.value == .int64(1) })
        XCTAssertEqual(net.batchNormStatistics.count, Self.tinySpec.layers(for: Self.mixedCell).filter {
            if case .batchNorm = $0.kind { return true } else { return false }
        }.count)
        XCTAssertNotEqual(run(training: false), a, "eval output now uses the updated statistics")
    }
}
