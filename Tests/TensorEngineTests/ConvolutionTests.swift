// The im2col + GEMM convolution against the naive direct convolution (TestSupport).
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class ConvolutionTests: XCTestCase {
    struct Case { let n, cin, cout, h, w, k, stride, padding: Int }

    let cases = [
        Case(n: 2, cin: 3, cout: 5, h: 6, w: 6, k: 3, stride: 1, padding: 1),
        Case(n: 3, cin: 4, cout: 2, h: 7, w: 5, k: 3, stride: 2, padding: 1),
        Case(n: 2, cin: 3, cout: 4, h: 5, w: 5, k: 1, stride: 1, padding: 0),
        Case(n: 1, cin: 2, cout: 3, h: 7, w: 7, k: 3, stride: 1, padding: 0),
        Case(n: 5, cin: 2, cout: 3, h: 6, w: 6, k: 1, stride: 2, padding: 0),
        Case(n: 17, cin: 3, cout: 3, h: 9, w: 8, k: 5, stride: 2, padding: 2),
        // Output rows of 16–17 columns: the vectorised stride-2 unfold.
        Case(n: 2, cin: 3, cout: 4, h: 9, w: 34, k: 3, stride: 2, padding: 1),
        Case(n: 2, cin: 2, cout: 3, h: 6, w: 32, k: 3, stride: 2, padding: 0),
    ]

    /// im2col (plain and rectified) against a scalar unfold, on stride-2 rows long enough for its
    /// 8-column groups, with every padding and odd and even widths.
    func testIm2colMatchesScalarUnfold() {
        var generator = SeededGenerator(seed: 12)
        for (h, w, k, stride, padding) in [(5, 32, 3, 2, 1), (4, 33, 3, 2, 1), (3, 34, 3, 2, 0), (6, 17, 3, 2, 1),
                                           (2, 40, 1, 2, 0), (3, 35, 5, 2, 2), (4, 19, 3, 1, 1)] {
            let x = randomTensor([1, 2, h, w], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: [3, 2, k, k], stride: stride, padding: padding)
            for rectify in [false, true] {
                var cols = [Float](repeating: .nan, count: geo.patchSize * geo.outPixels)
                x.data.withUnsafeBufferPointer { Im2ColKernels.im2col($0.baseAddress!, geo, rectify: rectify, into: &cols) }
                var expected: [Float] = []
                for c in 0..<2 {
                    for ky in 0..<k {
                        for kx in 0..<k {
                            for oy in 0..<geo.outHeight {
                                for ox in 0..<geo.outWidth {
                                    let (iy, ix) = (oy * stride + ky - padding, ox * stride + kx - padding)
                                    let inside = (0..<h).contains(iy) && (0..<w).contains(ix)
                                    let value = inside ? x.data[(c * h + iy) * w + ix] : 0
                                    expected.append(rectify ? max(value, 0) : value)
                                }
                            }
                        }
                    }
                }
                XCTAssertEqual(cols, expected, "\(h)×\(w) k\(k) s\(stride) p\(padding) rectify \(rectify)")
            }
        }
    }

    func testFastPathMatchesNaiveForwardAndBothGradients() {
        var generator = SeededGenerator(seed: 11)
        for c in cases {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = Parameter(randomTensor([c.cout, c.cin, c.k, c.k], using: &generator))
            let input = Parameter(x)
            let g = Graph(recording: true)
            let y = g.conv2d(g.parameter(input), weight: g.parameter(w), stride: c.stride, padding: c.padding)
            let dy = randomTensor(g.shape(y), using: &generator)
            g.backward(from: y, seed: dy)

            let expected = NaiveConvolution.forward(x, weight: w.value, stride: c.stride, padding: c.padding)
            XCTAssertEqual(g.shape(y), expected.shape, "\(c)")
            XCTAssertLessThan(maxRelativeDifference(g.value(y), expected), 1e-5, "forward \(c)")
            let dx = NaiveConvolution.inputGradient(dy, weight: w.value, inputShape: x.shape, stride: c.stride, padding: c.padding)
            XCTAssertLessThan(maxRelativeDifference(input.grad, dx), 1e-5, "dX \(c)")
            let dw = NaiveConvolution.weightGradient(dy, input: x, weightShape: w.shape, stride: c.stride, padding: c.padding)
            XCTAssertLessThan(maxRelativeDifference(w.grad, dw), 1e-5, "dW \(c)")
        }
    }

    func testResultsDoNotDependOnThreadCount() {
        var generator = SeededGenerator(seed: 12)
        let x = randomTensor([9, 3, 8, 8], using: &generator)
        let w = randomTensor([4, 3, 3, 3], using: &generator)
        func run() -> (Tensor, Tensor) {
            let weight = Parameter(w)
            let g = Graph(recording: true)
            let y = g.conv2d(g.constant(x), weight: g.parameter(weight), padding: 1)
            g.backward(from: y, seed: g.value(y))
            return (g.value(y), weight.grad)
        }
        assertSameForAnyThreadCount { let (y, dw) = run(); return [y, dw] }
    }
}
