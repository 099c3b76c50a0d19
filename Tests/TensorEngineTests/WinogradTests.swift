// Winograd F(2×2, 3×3) kernels against the naive direct convolution (TestSupport), for the forward
// product and both backward products, and their independence from the thread count.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class WinogradTests: XCTestCase {
    struct Case { let n, cin, cout, h, w: Int }

    // Odd and even sizes, batch 1, non-square planes, 1×1 planes, more channels out than in and back,
    // and sizes that split the batch into several chunks.
    let cases = [
        Case(n: 1, cin: 3, cout: 5, h: 7, w: 7),
        Case(n: 2, cin: 4, cout: 4, h: 8, w: 8),
        Case(n: 1, cin: 16, cout: 16, h: 5, w: 6),
        Case(n: 3, cin: 2, cout: 3, h: 1, w: 1),
        Case(n: 2, cin: 5, cout: 3, h: 9, w: 4),
        Case(n: 1, cin: 1, cout: 1, h: 2, w: 3),
        Case(n: 20, cin: 64, cout: 8, h: 4, w: 4),
    ]

    func testForwardAndBothGradientsMatchNaiveConvolution() {
        var generator = SeededGenerator(seed: 21)
        for c in cases {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            XCTAssertTrue(WinogradKernels.applies(geo))
            let dy = randomTensor(geo.outputShape, using: &generator)

            let y = WinogradKernels.forward(input: x, weight: w, geo)
            let expected = NaiveConvolution.forward(x, weight: w, stride: 1, padding: 1)
            XCTAssertEqual(y.shape, expected.shape, "\(c)")
            XCTAssertLessThan(maxRelativeDifference(y, expected), 1e-5, "forward \(c)")

            let dx = WinogradKernels.inputGradient(outputGradient: dy, weight: w, geo)
            let expectedDx = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dx, expectedDx), 1e-5, "dX \(c)")

            let dw = WinogradKernels.weightGradient(input: x, outputGradient: dy, geo)
            let expectedDw = NaiveConvolution.weightGradient(dy, input: x, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), 1e-5, "dW \(c)")
        }
    }

    func testGraphConvolutionUsesWinogradAndMatchesIm2col() {
        var generator = SeededGenerator(seed: 22)
        let x = randomTensor([3, 6, 10, 10], using: &generator)
        let w = randomTensor([7, 6, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        let g = Graph(recording: false)
        let y = g.value(g.conv2d(g.constant(x), weight: g.constant(w), padding: 1))
        XCTAssertEqual(y, WinogradKernels.forward(input: x, weight: w, geo))
        XCTAssertLessThan(maxRelativeDifference(y, Conv2DKernels.forward(input: x, weight: w, geo)), 1e-5)
    }

    func testResultsDoNotDependOnThreadCountAcrossSeveralChunks() {
        var generator = SeededGenerator(seed: 23)
        let x = randomTensor([40, 64, 8, 8], using: &generator)
        let w = randomTensor([64, 64, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        XCTAssertGreaterThan(WinogradKernels.Tiling(batch: 40, height: 8, width: 8, widestChannels: 64).chunks, 2)
        let dy = randomTensor(geo.outputShape, using: &generator)
        func run() -> [Tensor] {
            [WinogradKernels.forward(input: x, weight: w, geo),
             WinogradKernels.inputGradient(outputGradient: dy, weight: w, geo),
             WinogradKernels.weightGradient(input: x, outputGradient: dy, geo)]
        }
        ComputeThreads.set(1)
        let single = run()
        ComputeThreads.set(3)
        let multi = run()
        ComputeThreads.set(1)
        XCTAssertEqual(single, multi)
    }
}
