// The fused ReLU → conv → BN sum against finite differences and against the unfused composition
// sum(of: [batchNorm2d(conv2d(relu(x)))…, terms…]) it replaces: values, every gradient, running
// statistics, in training and evaluation, for Winograd and im2col convolutions.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class ReLUConvBatchNormTests: XCTestCase {
    var generator = SeededGenerator(seed: 77)

    func random(_ shape: [Int], minMagnitude: Float = 0) -> Tensor {
        randomTensor(shape, using: &generator, minMagnitude: minMagnitude)
    }

    // MARK: Finite differences

    func testGradientsOfTwoBranchesAndATermMatchFiniteDifferences() { KernelVariants.runEach { _ in checkGradientsOfTwoBranchesAndATermMatchFiniteDifferences() } }

    func checkGradientsOfTwoBranchesAndATermMatchFiniteDifferences() {
        let (s1, s2) = (BatchNormStatistics(channels: 3), BatchNormStatistics(channels: 3))
        // x₀ feeds a branch and is also the pass-through term (a NATS skip edge beside a conv).
        let inputs = [random([2, 3, 4, 4], minMagnitude: 0.1), random([2, 3, 4, 4], minMagnitude: 0.1),
                      random([3, 3, 3, 3]), random([3, 3, 1, 1]), random([3]), random([3]), random([3]), random([3])]
        assertGradientsMatch(inputs: inputs, tolerance: 1e-3) { g, v in
            g.reluConvBatchNormSum([
                ConvBNBranch(input: v[0], weight: v[2], gamma: v[4], beta: v[5], statistics: s1, stride: 1, padding: 1),
                ConvBNBranch(input: v[1], weight: v[3], gamma: v[6], beta: v[7], statistics: s2, stride: 1, padding: 0),
            ], plus: [v[0]], training: true)
        }
    }

    func testGradientsOfAStrideTwoBranchInEvaluationMatchFiniteDifferences() { KernelVariants.runEach { _ in checkGradientsOfAStrideTwoBranchInEvaluationMatchFiniteDifferences() } }

    func checkGradientsOfAStrideTwoBranchInEvaluationMatchFiniteDifferences() {
        let statistics = BatchNormStatistics(channels: 2)
        statistics.runningMean = random([2])
        statistics.runningVariance = Tensor(shape: [2], data: [0.7, 1.8])
        assertGradientsMatch(inputs: [random([2, 3, 5, 5], minMagnitude: 0.1), random([2, 3, 3, 3]), random([2]), random([2])]) { g, v in
            g.reluConvBatchNormSum([ConvBNBranch(input: v[0], weight: v[1], gamma: v[2], beta: v[3],
                                                 statistics: statistics, stride: 2, padding: 1)], training: false)
        }
    }

    // MARK: Against the unfused composition

    struct BranchSpec { let input, cin, kernel, stride: Int }

    /// Runs the fused op and the reference on the same values and compares everything.
    func assertMatchesReference(inputShapes: [[Int]], branches specs: [BranchSpec], terms: [Int], cout: Int,
                                training: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let inputs = inputShapes.map { random($0) }
        let weights = specs.map { random([cout, $0.cin, $0.kernel, $0.kernel]) }
        let gammas = specs.map { _ in random([cout]) }, betas = specs.map { _ in random([cout]) }
        let running = specs.map { _ -> (Tensor, Tensor) in (random([cout]), random([cout]).scaled(by: 0.5).adding(1)) }

        struct Outcome { var output: Tensor; var gradients: [Tensor]; var statistics: [BatchNormStatistics] }
        func run(fused: Bool, seed: Tensor?) -> Outcome {
            let statistics = running.map { mean, variance -> BatchNormStatistics in
                let s = BatchNormStatistics(channels: cout)
                (s.runningMean, s.runningVariance) = (mean, variance)
                return s
            }
            let parameters = (inputs + weights + gammas + betas).map { Parameter($0) }
            let g = Graph(recording: true)
            let leaves = parameters.map { g.parameter($0) }
            let x = Array(leaves[0..<inputs.count])
            let w = Array(leaves[inputs.count..<(inputs.count + specs.count)])
            let gm = Array(leaves[(inputs.count + specs.count)..<(inputs.count + 2 * specs.count)])
            let bt = Array(leaves[(inputs.count + 2 * specs.count)...])
            let passthrough = terms.map { x[$0] }
            let output: Variable
            if fused {
                output = g.reluConvBatchNormSum(specs.indices.map { b in
                    ConvBNBranch(input: x[specs[b].input], weight: w[b], gamma: gm[b], beta: bt[b],
                                 statistics: statistics[b], stride: specs[b].stride, padding: (specs[b].kernel - 1) / 2)
                }, plus: passthrough, training: training)
            } else {
                let outputs = specs.indices.map { b in
                    g.batchNorm2d(g.conv2d(g.relu(x[specs[b].input]), weight: w[b], stride: specs[b].stride,
                                           padding: (specs[b].kernel - 1) / 2),
                                  gamma: gm[b], beta: bt[b], statistics: statistics[b], training: training)
                }
                output = g.sum(of: passthrough + outputs)
            }
            let y = g.value(output)
            var projectionGenerator = SeededGenerator(seed: 5)
            g.backward(from: output, seed: seed ?? randomTensor(y.shape, using: &projectionGenerator))
            return Outcome(output: y, gradients: parameters.map(\.grad), statistics: statistics)
        }
        let fused = run(fused: true, seed: nil), reference = run(fused: false, seed: nil)
        XCTAssertEqual(fused.output.shape, reference.output.shape, file: file, line: line)
        XCTAssertLessThan(maxRelativeDifference(fused.output, reference.output), 1e-4, "output", file: file, line: line)
        for (i, (a, b)) in zip(fused.gradients, reference.gradients).enumerated() {
            XCTAssertLessThan(maxRelativeDifference(a, b), 1e-3, "gradient of leaf \(i)", file: file, line: line)
        }
        for (a, b) in zip(fused.statistics, reference.statistics) {
            XCTAssertLessThan(maxRelativeDifference(a.runningMean, b.runningMean), 1e-5, file: file, line: line)
            XCTAssertLessThan(maxRelativeDifference(a.runningVariance, b.runningVariance), 1e-5, file: file, line: line)
            XCTAssertEqual(a.batchesTracked, b.batchesTracked, file: file, line: line)
        }
    }

    func testNATSNodeShapes() { KernelVariants.runEach { _ in checkNATSNodeShapes() } }

    func checkNATSNodeShapes() {
        // node₃ = skip(x₀) + conv3(x₁) + conv3(x₂) with 16 channels over 9×9 planes (odd tiles).
        assertMatchesReference(inputShapes: [[3, 16, 9, 9], [3, 16, 9, 9], [3, 16, 9, 9]],
                               branches: [BranchSpec(input: 1, cin: 16, kernel: 3, stride: 1),
                                          BranchSpec(input: 2, cin: 16, kernel: 3, stride: 1)],
                               terms: [0], cout: 16, training: true)
        // node₂ = conv1(x₀) + conv3(x₀): one input in two branches.
        assertMatchesReference(inputShapes: [[2, 8, 6, 7]],
                               branches: [BranchSpec(input: 0, cin: 8, kernel: 1, stride: 1),
                                          BranchSpec(input: 0, cin: 8, kernel: 3, stride: 1)],
                               terms: [], cout: 8, training: true)
        // F(4×4) planes (16×16, its one-pass backward with dz formed as it is read): two 3×3
        // branches on one input plus a term, in training and in evaluation.
        for training in [true, false] {
            assertMatchesReference(inputShapes: [[2, 8, 16, 16], [2, 8, 16, 16]],
                                   branches: [BranchSpec(input: 0, cin: 8, kernel: 3, stride: 1),
                                              BranchSpec(input: 0, cin: 8, kernel: 3, stride: 1)],
                                   terms: [1], cout: 8, training: training)
        }
    }

    func testReductionShapesAndEvaluationMode() { KernelVariants.runEach { _ in checkReductionShapesAndEvaluationMode() } }

    func checkReductionShapesAndEvaluationMode() {
        assertMatchesReference(inputShapes: [[4, 6, 8, 8]], branches: [BranchSpec(input: 0, cin: 6, kernel: 3, stride: 2)],
                               terms: [], cout: 12, training: true)
        assertMatchesReference(inputShapes: [[2, 5, 7, 7], [2, 5, 7, 7]],
                               branches: [BranchSpec(input: 0, cin: 5, kernel: 3, stride: 1)],
                               terms: [1, 0], cout: 5, training: false)
    }

    func testLargeMeanActivationsKeepAccurateStatistics() { KernelVariants.runEach { _ in checkLargeMeanActivationsKeepAccurateStatistics() } }

    func checkLargeMeanActivationsKeepAccurateStatistics() {
        // Moments are summed around a shift: a channel mean of 1000 with unit spread must not cancel.
        let statistics = BatchNormStatistics(channels: 1)
        let x = Tensor(shape: [8, 1, 4, 4], data: (0..<128).map { 1000 + Float($0 % 7) * 0.25 })
        let g = Graph(recording: false)
        // A 1×1 identity conv passes relu(x) = x through.
        let y = g.reluConvBatchNormSum([ConvBNBranch(input: g.constant(x), weight: g.constant(Tensor(shape: [1, 1, 1, 1], data: [1])),
                                                     gamma: g.constant(Tensor(shape: [1], data: [1])),
                                                     beta: g.constant(Tensor(shape: [1], data: [0])),
                                                     statistics: statistics, stride: 1, padding: 0)], training: true)
        let values = x.data.map(Double.init)
        let mean = values.reduce(0, +) / 128
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 128
        for (out, v) in zip(g.value(y).data, values) {
            XCTAssertEqual(Double(out), (v - mean) / (variance + 1e-5).squareRoot(), accuracy: 1e-3)
        }
    }

    func testResultsDoNotDependOnThreadCount() { KernelVariants.runEach { _ in checkResultsDoNotDependOnThreadCount() } }

    func checkResultsDoNotDependOnThreadCount() {
        let x = random([6, 16, 8, 8]), w = random([16, 16, 3, 3])
        func run() -> [Tensor] {
            let statistics = BatchNormStatistics(channels: 16)
            let parameters = [Parameter(x), Parameter(w), Parameter(Tensor(repeating: 1, shape: [16])), Parameter(.zeros([16]))]
            let g = Graph(recording: true)
            let v = parameters.map { g.parameter($0) }
            let y = g.reluConvBatchNormSum([ConvBNBranch(input: v[0], weight: v[1], gamma: v[2], beta: v[3],
                                                         statistics: statistics, stride: 1, padding: 1)],
                                           plus: [v[0]], training: true)
            g.backward(from: y, seed: g.value(y))
            return [g.value(y)] + parameters.map(\.grad) + [statistics.runningVariance]
        }
        assertSameForAnyThreadCount(run)
    }
}

private extension Tensor {
    func adding(_ value: Float) -> Tensor { Tensor(shape: shape, data: data.map { $0 + value }) }
}
