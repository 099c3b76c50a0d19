// ConvolutionDispatch: which kernel family each geometry takes, and that the dispatch computes what
// the chosen family computes.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class ConvolutionDispatchTests: XCTestCase {
    func geometry(_ n: Int, _ c: Int, _ h: Int, _ w: Int, kernel: Int = 3, stride: Int = 1, padding: Int = 1) -> ConvGeometry {
        ConvGeometry(input: [n, c, h, w], weight: [c, c, kernel, kernel], stride: stride, padding: padding)
    }

    /// The one lookup names each kind's family, and the affine (batch-norm dz) backward of every
    /// family and of the dispatch equals the products of the stored map: formed as dY is read in the
    /// direct and F(4×4) kernels, stored first by the protocol's default in the others.
    func testLookupAndAffineBackwardOfEveryFamily() {
        let families: [(ConvolutionKernel, any ConvolutionProducts.Type)] = [
            (.direct, Direct3x3Kernels.self), (.winograd2x2, Winograd2x2Kernels.self),
            (.winograd4x4, Winograd4x4Kernels.self), (.im2col, Im2ColKernels.self),
        ]
        for (kind, family) in families {
            XCTAssertEqual(ObjectIdentifier(kind.products), ObjectIdentifier(family), "\(kind)")
        }
        var generator = SeededGenerator(seed: 71)
        // Direct (8 channels), F(2×2) (5²), F(4×4) (8²) through the dispatch; the families on their own.
        for (cin, cout, side) in [(3, 8, 9), (16, 12, 5), (12, 16, 8)] {
            let x = randomTensor([3, cin, side, side], using: &generator)
            let w = randomTensor([cout, cin, 3, 3], using: &generator)
            Winograd4x4Tests.assertAffineBackwardEqualsStoredMap(ConvolutionDispatch.self, x: x, weight: w,
                                                                 using: &generator, "dispatch \(cin)→\(cout) at \(side)²")
            Winograd4x4Tests.assertAffineBackwardEqualsStoredMap(Winograd2x2Kernels.self, x: x, weight: w,
                                                                 using: &generator, "F(2×2) \(cin)→\(cout) at \(side)²")
            Winograd4x4Tests.assertAffineBackwardEqualsStoredMap(Im2ColKernels.self, x: x, weight: w,
                                                                 using: &generator, "im2col \(cin)→\(cout) at \(side)²")
        }
    }

    /// The rule of `ConvolutionDispatch.kernel(for:)` on the NATS planes and around its edges.
    func testKernelChoice() {
        for side in [8, 16, 32, 7, 11, 12, 13, 14, 33] {
            XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, side, side)), .winograd4x4, "\(side)²")
        }
        for side in [1, 2, 3, 4, 5, 6, 9, 10] {
            XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, side, side)), .winograd2x2, "\(side)²")
        }
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, 32, 6)), .winograd2x2)
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, 32, 9)), .winograd4x4)
        // At most 8 channels on either side: the direct kernel, whatever the plane.
        for (c, side) in [(8, 32), (8, 16), (3, 32), (1, 28), (8, 5)] {
            let geo = ConvGeometry(input: [2, c, side, side], weight: [8, c, 3, 3], stride: 1, padding: 1)
            XCTAssertEqual(ConvolutionDispatch.kernel(for: geo), .direct, "\(c) → 8 at \(side)²")
        }
        XCTAssertEqual(ConvolutionDispatch.kernel(for: ConvGeometry(input: [2, 8, 16, 16], weight: [9, 8, 3, 3],
                                                                    stride: 1, padding: 1)), .winograd4x4)
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, 32, 32, stride: 2)), .im2col)
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, 32, 32, kernel: 1, padding: 0)), .im2col)
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geometry(2, 16, 32, 32, padding: 0)), .im2col)
    }

    /// Graph.conv2d runs the chosen kernel, forward and backward: F(4×4) past 8 channels, the
    /// direct kernel up to 8.
    func testGraphConvolutionUsesTheChosenKernel() {
        var generator = SeededGenerator(seed: 44)
        func check<K: ConvolutionProducts>(_ kernels: K.Type, _ kernel: ConvolutionKernel, inChannels: Int, outChannels: Int) {
            let x = randomTensor([3, inChannels, 16, 12], using: &generator)
            let w = randomTensor([outChannels, inChannels, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            XCTAssertEqual(ConvolutionDispatch.kernel(for: geo), kernel)
            let dy = randomTensor(geo.outputShape, using: &generator)
            let (px, pw) = (Parameter(x), Parameter(w))
            let g = Graph(recording: true)
            let y = g.conv2d(g.parameter(px), weight: g.parameter(pw), padding: 1)
            g.backward(from: y, seed: dy)
            XCTAssertEqual(g.value(y), K.forward(input: x, weight: w, geo), "\(kernel)")
            XCTAssertEqual(px.grad, K.inputGradient(outputGradient: dy, weight: w, geo), "\(kernel)")
            XCTAssertEqual(pw.grad, K.weightGradient(input: x, outputGradient: dy, geo), "\(kernel)")
        }
        check(Winograd4x4Kernels.self, .winograd4x4, inChannels: 5, outChannels: 10)
        check(Direct3x3Kernels.self, .direct, inChannels: 5, outChannels: 6)
    }

    /// The fused ReLU → conv → BN op on planes routed to F(4×4) and to the direct kernel, against
    /// finite differences.
    func testFusedOpThroughEachKernelMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 45)
        for (inChannels, kernel) in [(9, ConvolutionKernel.winograd4x4), (2, .direct)] {
            let statistics = BatchNormStatistics(channels: 3)
            let x = randomTensor([2, inChannels, 8, 7], using: &generator, minMagnitude: 0.1)
            XCTAssertEqual(ConvolutionDispatch.kernel(for: ConvGeometry(input: x.shape, weight: [3, inChannels, 3, 3],
                                                                        stride: 1, padding: 1)), kernel)
            let inputs = [x, randomTensor([3, inChannels, 3, 3], using: &generator), randomTensor([3], using: &generator),
                          randomTensor([3], using: &generator)]
            assertGradientsMatch(inputs: inputs, tolerance: 1e-3) { g, v in
                g.reluConvBatchNormSum([ConvBNBranch(input: v[0], weight: v[1], gamma: v[2], beta: v[3],
                                                     statistics: statistics, stride: 1, padding: 1)],
                                       training: true)
            }
        }
    }
}
