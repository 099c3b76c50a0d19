// The eval-mode fused op (batch norm folded into the convolution weights, no tape) against a naive
// reference: naive direct convolution of relu(x) (Double sums), then batch norm with running
// statistics and the pass-through terms in Double, for every convolution kernel family.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class ReLUConvBatchNormInferenceTests: XCTestCase {
    var generator = SeededGenerator(seed: 2026)

    struct BranchSpec { let input, cin, kernel, stride: Int }

    /// Folding changes only the order of rounding: the fused output is Σ (a·w)·relu(x) summed in
    /// float32 (directly or through Winograd transforms) plus the shift, the reference (w·x summed
    /// in Double) then scaled. A float32 sum of K = 9·Cin ≤ 144 products errs by at most K·2⁻²⁴
    /// ≈ 8.6e-6 of Σ|a·w·x|; Winograd F(4×4)'s transforms scale that by their coefficients (up to
    /// ~5), so each element is checked against 5e-5 × (Σ_b Σ|a·w·relu(x)| + |shift| + Σ|terms|).
    let tolerance = 5e-5

    func assertMatchesNaive(inputShapes: [[Int]], branches specs: [BranchSpec], terms: [Int], cout: Int,
                            expectKernels: [ConvolutionKernel], file: StaticString = #filePath, line: UInt = #line) {
        let inputs = inputShapes.map { randomTensor($0, using: &generator) }
        let weights = specs.map { randomTensor([cout, $0.cin, $0.kernel, $0.kernel], using: &generator) }
        let gammas = specs.map { _ in randomTensor([cout], using: &generator) }
        let betas = specs.map { _ in randomTensor([cout], using: &generator) }
        let statistics = specs.map { _ -> BatchNormStatistics in
            let s = BatchNormStatistics(channels: cout)
            s.runningMean = randomTensor([cout], using: &generator)
            s.runningVariance = Tensor(shape: [cout], data: (0..<cout).map { _ in 0.2 + 2 * generator.nextFloat() })
            return s
        }
        let geometries = specs.indices.map { b in
            ConvGeometry(input: inputShapes[specs[b].input], weight: weights[b].shape, stride: specs[b].stride,
                         padding: (specs[b].kernel - 1) / 2)
        }
        XCTAssertEqual(geometries.map(ConvolutionDispatch.kernel(for:)), expectKernels, "kernel families", file: file, line: line)

        let g = Graph(recording: false)
        let x = inputs.map { g.constant($0) }
        let output = g.reluConvBatchNormSum(specs.indices.map { b in
            ConvBNBranch(input: x[specs[b].input], weight: g.constant(weights[b]), gamma: g.constant(gammas[b]),
                         beta: g.constant(betas[b]), statistics: statistics[b], stride: specs[b].stride,
                         padding: (specs[b].kernel - 1) / 2)
        }, plus: terms.map { x[$0] }, training: false)
        let fused = g.value(output)

        // Reference and the magnitude bound, in Double.
        let shape = geometries[0].outputShape
        let layout = PlaneLayout(shape: shape)
        var reference = [Double](repeating: 0, count: fused.count), magnitude = reference
        for t in terms {
            for i in 0..<fused.count { reference[i] += Double(inputs[t].data[i]); magnitude[i] += abs(Double(inputs[t].data[i])) }
        }
        for b in specs.indices {
            let rectified = inputs[specs[b].input].data.map { max($0, 0) }
            let input = Tensor(shape: inputShapes[specs[b].input], data: rectified)
            let conv = NaiveConvolution.forward(input, weight: weights[b], stride: specs[b].stride, padding: geometries[b].padding)
            let absolute = NaiveConvolution.forward(input, weight: Tensor(shape: weights[b].shape, data: weights[b].data.map(abs)),
                                                    stride: specs[b].stride, padding: geometries[b].padding)
            for n in 0..<layout.batch {
                for c in 0..<cout {
                    let a = Double(gammas[b].data[c]) / (Double(statistics[b].runningVariance.data[c]) + 1e-5).squareRoot()
                    let shift = Double(betas[b].data[c]) - Double(statistics[b].runningMean.data[c]) * a
                    for i in layout.plane(n, c)..<(layout.plane(n, c) + layout.planeSize) {
                        reference[i] += a * Double(conv.data[i]) + shift
                        magnitude[i] += abs(a) * Double(absolute.data[i]) + abs(shift)
                    }
                }
            }
        }
        XCTAssertEqual(fused.shape, shape, file: file, line: line)
        var worst = 0.0
        for i in 0..<fused.count { worst = max(worst, abs(Double(fused.data[i]) - reference[i]) / max(magnitude[i], 1e-30)) }
        XCTAssertLessThan(worst, tolerance, "largest error relative to the element's magnitude", file: file, line: line)
        XCTAssertEqual(g.nodeCount, inputs.count + 3 * specs.count + 1, "one node for the whole sum", file: file, line: line)
    }

    func testDirectKernelNodeWithSkipTerm() {
        // node₃ = skip(x₀) + conv3(x₁) + conv1(x₂) at 8 channels (direct 3×3, im2col 1×1).
        assertMatchesNaive(inputShapes: [[3, 8, 9, 11], [3, 8, 9, 11], [3, 8, 9, 11]],
                           branches: [BranchSpec(input: 1, cin: 8, kernel: 3, stride: 1),
                                      BranchSpec(input: 2, cin: 8, kernel: 1, stride: 1)],
                           terms: [0], cout: 8, expectKernels: [.direct, .im2col])
    }

    func testWinogradKernelsWithoutTerms() {
        // 16 channels: F(2×2) on 6×6 planes, F(4×4) on 16×16 planes; two branches on one input.
        assertMatchesNaive(inputShapes: [[2, 16, 6, 6]],
                           branches: [BranchSpec(input: 0, cin: 16, kernel: 3, stride: 1),
                                      BranchSpec(input: 0, cin: 16, kernel: 3, stride: 1)],
                           terms: [], cout: 16, expectKernels: [.winograd2x2, .winograd2x2])
        assertMatchesNaive(inputShapes: [[2, 16, 16, 16], [2, 16, 16, 16]],
                           branches: [BranchSpec(input: 0, cin: 16, kernel: 3, stride: 1)],
                           terms: [1, 0], cout: 16, expectKernels: [.winograd4x4])
    }

    func testStrideTwoReductionBranch() {
        assertMatchesNaive(inputShapes: [[4, 6, 8, 8], [4, 12, 4, 4]],
                           branches: [BranchSpec(input: 0, cin: 6, kernel: 3, stride: 2)],
                           terms: [1], cout: 12, expectKernels: [.im2col])
    }

    func testResultsDoNotDependOnThreadCount() {
        let x = randomTensor([6, 16, 8, 8], using: &generator), w = randomTensor([16, 16, 3, 3], using: &generator)
        let statistics = BatchNormStatistics(channels: 16)
        statistics.runningMean = randomTensor([16], using: &generator)
        assertSameForAnyThreadCount {
            let g = Graph(recording: false)
            let v = g.constant(x)
            let y = g.reluConvBatchNormSum([ConvBNBranch(input: v, weight: g.constant(w),
                                                         gamma: g.constant(Tensor(repeating: 1.5, shape: [16])),
                                                         beta: g.constant(Tensor(repeating: 0.25, shape: [16])),
                                                         statistics: statistics, stride: 1, padding: 1)],
                                           plus: [v], training: false)
            return [g.value(y)]
        }
    }
}
