// Winograd F(2×2, 3×3) kernels against the naive direct convolution (TestSupport), for the forward
// product and both backward products, and their independence from the thread count.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class Winograd2x2Tests: XCTestCase {
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
            XCTAssertTrue(Winograd2x2Kernels.applies(geo))
            let dy = randomTensor(geo.outputShape, using: &generator)

            let y = Winograd2x2Kernels.forward(input: x, weight: w, geo)
            let expected = NaiveConvolution.forward(x, weight: w, stride: 1, padding: 1)
            XCTAssertEqual(y.shape, expected.shape, "\(c)")
            XCTAssertLessThan(maxRelativeDifference(y, expected), 1e-5, "forward \(c)")

            let dx = Winograd2x2Kernels.inputGradient(outputGradient: dy, weight: w, geo)
            let expectedDx = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dx, expectedDx), 1e-5, "dX \(c)")

            let dw = Winograd2x2Kernels.weightGradient(input: x, outputGradient: dy, geo)
            let expectedDw = NaiveConvolution.weightGradient(dy, input: x, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), 1e-5, "dW \(c)")
        }
    }

    func testGraphConvolutionUsesWinogradAndMatchesIm2col() {
        var generator = SeededGenerator(seed: 22)
        let x = randomTensor([3, 6, 10, 10], using: &generator)
        let w = randomTensor([12, 6, 3, 3], using: &generator)  // More than 8 channels: not the direct kernel.
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        XCTAssertEqual(ConvolutionDispatch.kernel(for: geo), .winograd2x2)
        let g = Graph(recording: false)
        let y = g.value(g.conv2d(g.constant(x), weight: g.constant(w), padding: 1))
        XCTAssertEqual(y, Winograd2x2Kernels.forward(input: x, weight: w, geo))
        XCTAssertLessThan(maxRelativeDifference(y, Im2ColKernels.forward(input: x, weight: w, geo)), 1e-5)
    }

    func testResultsDoNotDependOnThreadCountAcrossSeveralChunks() {
        var generator = SeededGenerator(seed: 23)
        let x = randomTensor([40, 64, 8, 8], using: &generator)
        let w = randomTensor([64, 64, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        XCTAssertGreaterThan(Winograd2x2Kernels.Tiling(batch: 40, height: 8, width: 8, widestChannels: 64).chunks.count, 2)
        let dy = randomTensor(geo.outputShape, using: &generator)
        func run() -> [Tensor] {
            [Winograd2x2Kernels.forward(input: x, weight: w, geo),
             Winograd2x2Kernels.inputGradient(outputGradient: dy, weight: w, geo),
             Winograd2x2Kernels.weightGradient(input: x, outputGradient: dy, geo)]
        }
        assertSameForAnyThreadCount(run)
    }

    // MARK: Fused input ReLU, output mask and accumulation (ConvIO)

    /// Plane sizes for the fused paths: a single pixel, odd and even sides, and a full NATS plane.
    let ioShapes = [(1, 1), (5, 6), (7, 7), (9, 4), (32, 32)]

    func testRectifiedInputEqualsPlainKernelsOnReluOfInput() {
        var generator = SeededGenerator(seed: 24)
        for (h, w) in ioShapes {
            let x = randomTensor([3, 4, h, w], using: &generator)
            let weight = randomTensor([5, 4, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: weight.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &generator)
            let rectified = Tensor(shape: x.shape, data: x.data.map { max($0, 0) })

            var y = Tensor(repeating: .nan, shape: geo.outputShape)  // every value must be written
            x.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    Winograd2x2Kernels.forward(input: xp.baseAddress!, rectifyInput: true, weight: weight, geo,
                                            into: yp.baseAddress!)
                }
            }
            XCTAssertEqual(y, Winograd2x2Kernels.forward(input: rectified, weight: weight, geo), "forward \(h)×\(w)")
            XCTAssertNotEqual(y, Winograd2x2Kernels.forward(input: x, weight: weight, geo), "forward \(h)×\(w)")

            let dw = x.data.withUnsafeBufferPointer { xp in
                dy.data.withUnsafeBufferPointer { dyp in
                    Winograd2x2Kernels.weightGradient(input: xp.baseAddress!, rectifyInput: true,
                                                   outputGradient: dyp.baseAddress!, geo)
                }
            }
            XCTAssertEqual(dw, Winograd2x2Kernels.weightGradient(input: rectified, outputGradient: dy, geo), "dW \(h)×\(w)")
            let expectedDw = NaiveConvolution.weightGradient(dy, input: rectified, weightShape: weight.shape,
                                                             stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), 1e-5, "dW \(h)×\(w)")
        }
    }

    func testMaskedAccumulatedInputGradientAddsMaskedPlainGradient() {
        var generator = SeededGenerator(seed: 25)
        for (h, w) in ioShapes {
            let weight = randomTensor([5, 4, 3, 3], using: &generator)
            let geo = ConvGeometry(input: [3, 4, h, w], weight: weight.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &generator)
            // A ReLU output as the mask: exact zeros where its input was negative.
            let mask = Tensor(shape: [3, 4, h, w], data: randomTensor([3, 4, h, w], using: &generator).data.map { max($0, 0) })
            let existing = randomTensor(mask.shape, using: &generator)
            let plain = Winograd2x2Kernels.inputGradient(outputGradient: dy, weight: weight, geo)

            for accumulate in [false, true] {
                var dx = accumulate ? existing : Tensor(repeating: .nan, shape: mask.shape)
                dy.data.withUnsafeBufferPointer { dyp in
                    mask.data.withUnsafeBufferPointer { mp in
                        dx.data.withUnsafeMutableBufferPointer { dxp in
                            Winograd2x2Kernels.inputGradient(outputGradient: dyp.baseAddress!, weight: weight, geo,
                                                          io: ConvIO(outputMask: mp.baseAddress!, accumulate: accumulate),
                                                          into: dxp.baseAddress!)
                        }
                    }
                }
                let expected = (0..<mask.count).map { i -> Float in
                    let kept: Float = mask.data[i] > 0 ? plain.data[i] : 0
                    return accumulate ? existing.data[i] + kept : kept
                }
                XCTAssertEqual(dx.data, expected, "\(h)×\(w) accumulate \(accumulate)")
            }
        }
    }

    // MARK: Vector transforms against the scalar ones

    /// Planes with 1 to 7 vector groups per tile row, full and partial, odd and even sides.
    let transformShapes = [(1, 1), (1, 2), (2, 1), (3, 5), (2, 7), (4, 8), (3, 9), (4, 16), (5, 15), (6, 17), (7, 31),
                           (8, 32), (9, 33), (2, 34), (3, 48), (5, 50)]

    func testVectorTransformsEqualScalarTransformsBitForBit() {
        var generator = SeededGenerator(seed: 26)
        for (h, w) in transformShapes {
            let (batch, channels) = (3, 2)
            let t = Winograd2x2Kernels.Tiling(batch: batch, height: h, width: w, widestChannels: channels)
            let images = 1..<batch  // not starting at image 0
            let p = images.count * t.tilesPerImage, stride = Winograd2x2Kernels.planeStride(channels: channels, tiles: p)
            var x = randomTensor([batch, channels, h, w], using: &generator)
            x.data[channels * h * w] = -0.0  // the first pixel of `images`: relu(−0) is +0
            let transformed = randomTensor([16 * stride], using: &generator)
            let mask = Tensor(shape: x.shape, data: randomTensor(x.shape, using: &generator).data.map { max($0, 0) })
            let existing = randomTensor(x.shape, using: &generator)

            // Only the [ξ][channel][tile] values, not the planes' slack.
            func planes(_ v: [Float]) -> [Float] { (0..<16).flatMap { v[($0 * stride)..<($0 * stride + channels * p)] } }
            x.data.withUnsafeBufferPointer { xp in
                for rectify in [false, true] {
                    var fast = [Float](repeating: .nan, count: 16 * stride), slow = fast
                    var pad = [Float](repeating: .nan, count: t.paddedHeight * t.paddedWidth)
                    Winograd2x2Kernels.transformInputs(xp.baseAddress!, images, channels: channels, t, rectify: rectify,
                                                    padded: &pad, into: &fast)
                    ScalarTransforms.inputs(xp.baseAddress!, images, channels: channels, t, rectify: rectify, into: &slow)
                    XCTAssertEqual(planes(fast).map(\.bitPattern), planes(slow).map(\.bitPattern),
                                   "inputs \(h)×\(w) rectify \(rectify)")
                }
                var fast = [Float](repeating: .nan, count: 16 * stride), slow = fast
                Winograd2x2Kernels.transformOutputGradients(xp.baseAddress!, images, channels: channels, t, into: &fast)
                ScalarTransforms.outputGradients(xp.baseAddress!, images, channels: channels, t, into: &slow)
                XCTAssertEqual(planes(fast), planes(slow), "output gradients \(h)×\(w)")
            }
            for useMask in [false, true] {
                for accumulate in [false, true] {
                    var fast = accumulate ? existing.data : [Float](repeating: .nan, count: x.count), slow = fast
                    mask.data.withUnsafeBufferPointer { mp in
                        let m = useMask ? mp.baseAddress! : nil
                        Winograd2x2Kernels.transformOutputs(transformed.data, images, channels: channels, t, mask: m,
                                                         accumulate: accumulate, into: &fast)
                        ScalarTransforms.outputs(transformed.data, images, channels: channels, t, mask: m,
                                                 accumulate: accumulate, into: &slow)
                    }
                    // Image 0 is outside `images`: untouched by both (NaN or `existing`).
                    XCTAssertEqual(fast.map(\.bitPattern), slow.map(\.bitPattern),
                                   "outputs \(h)×\(w) mask \(useMask) accumulate \(accumulate)")
                }
            }
        }
    }

    func testWeightTransformsMatchTheirDefinitions() {
        var generator = SeededGenerator(seed: 27)
        let (outC, inC) = (3, 2)
        let weight = randomTensor([outC, inC, 3, 3], using: &generator)
        let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        for flipped in [false, true] {
            let u = Winograd2x2Kernels.transformedWeights(weight, outChannels: outC, inChannels: inC, flipped: flipped)
            let (rows, cols) = flipped ? (inC, outC) : (outC, inC)
            for o in 0..<outC {
                for i in 0..<inC {
                    for a in 0..<4 {
                        for b in 0..<4 {  // (G k Gᵀ)[a][b], k = g or g rotated by 180°
                            var expected = 0.0
                            for r in 0..<3 { for s in 0..<3 {
                                let k = flipped ? weight[o, i, 2 - r, 2 - s] : weight[o, i, r, s]
                                expected += g[a][r] * Double(k) * g[b][s]
                            } }
                            let (row, col) = flipped ? (i, o) : (o, i)
                            XCTAssertEqual(Double(u[((4 * a + b) * rows + row) * cols + col]), expected, accuracy: 1e-5)
                        }
                    }
                }
            }
        }
        // dW = Gᵀ dU G.
        let du = randomTensor([16 * outC * inC], using: &generator).data
        let dw = Winograd2x2Kernels.weightGradientFromTransformed(du, outChannels: outC, inChannels: inC)
        for o in 0..<outC {
            for i in 0..<inC {
                for r in 0..<3 {
                    for s in 0..<3 {
                        var expected = 0.0
                        for a in 0..<4 { for b in 0..<4 {
                            expected += g[a][r] * Double(du[(4 * a + b) * outC * inC + o * inC + i]) * g[b][s]
                        } }
                        XCTAssertEqual(Double(dw[o, i, r, s]), expected, accuracy: 1e-5)
                    }
                }
            }
        }
    }
}

/// The scalar tile transforms, one tile at a time: the oracle for the vector ones.
private enum ScalarTransforms {
    typealias Tiling = Winograd2x2Kernels.Tiling

    static func inputs(_ x: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                       rectify: Bool, into v: UnsafeMutablePointer<Float>) {
        let (h, w, ph, pw) = (t.height, t.width, 2 * t.tilesY + 2, 2 * t.tilesX + 2)
        let p = images.count * t.tilesPerImage, stride = Winograd2x2Kernels.planeStride(channels: channels, tiles: p)
        var padded = [Float](repeating: 0, count: ph * pw)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                for y in 0..<h {
                    for i in 0..<w {
                        let value = x[((n * channels + c) * h + y) * w + i]
                        padded[(y + 1) * pw + 1 + i] = rectify ? max(value, 0) : value
                    }
                }
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        func d(_ r: Int, _ col: Int) -> Float { padded[(2 * ty + r) * pw + 2 * tx + col] }
                        // Rows of Bᵀ d, then each row times B.
                        let rows = (0..<4).map { col in [d(0, col) - d(2, col), d(1, col) + d(2, col),
                                                         d(2, col) - d(1, col), d(1, col) - d(3, col)] }
                        let tile = c * p + local * t.tilesPerImage + ty * t.tilesX + tx
                        for i in 0..<4 {
                            let r = (0..<4).map { rows[$0][i] }
                            let values = [r[0] - r[2], r[1] + r[2], r[2] - r[1], r[1] - r[3]]
                            for j in 0..<4 { v[(4 * i + j) * stride + tile] = values[j] }
                        }
                    }
                }
            }
        }
    }

    static func outputs(_ m: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                        mask: UnsafePointer<Float>?, accumulate: Bool, into y: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = Winograd2x2Kernels.planeStride(channels: channels, tiles: p)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        let tile = c * p + local * t.tilesPerImage + ty * t.tilesX + tx
                        func value(_ i: Int, _ j: Int) -> Float { m[(4 * i + j) * stride + tile] }
                        let s0 = (0..<4).map { value(0, $0) + value(1, $0) + value(2, $0) }
                        let s1 = (0..<4).map { value(1, $0) - value(2, $0) - value(3, $0) }
                        let tileValues = [[s0[0] + s0[1] + s0[2], s0[1] - s0[2] - s0[3]],
                                          [s1[0] + s1[1] + s1[2], s1[1] - s1[2] - s1[3]]]
                        for dy in 0..<2 {
                            for dx in 0..<2 where 2 * ty + dy < h && 2 * tx + dx < w {
                                let at = ((n * channels + c) * h + 2 * ty + dy) * w + 2 * tx + dx
                                var value = tileValues[dy][dx]
                                if let mask, mask[at] <= 0 { value = 0 }
                                if accumulate { y[at] += value } else { y[at] = value }
                            }
                        }
                    }
                }
            }
        }
    }

    static func outputGradients(_ dy: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, _ t: Tiling,
                                into dm: UnsafeMutablePointer<Float>) {
        let (h, w) = (t.height, t.width)
        let p = images.count * t.tilesPerImage, stride = Winograd2x2Kernels.planeStride(channels: channels, tiles: p)
        for (local, n) in images.enumerated() {
            for c in 0..<channels {
                for ty in 0..<t.tilesY {
                    for tx in 0..<t.tilesX {
                        func e(_ r: Int, _ col: Int) -> Float {
                            let (y, x) = (2 * ty + r, 2 * tx + col)
                            return y < h && x < w ? dy[((n * channels + c) * h + y) * w + x] : 0
                        }
                        // Rows of A e, then each row (a, b)·Aᵀ = (a, a + b, a − b, −b).
                        let rows = [(e(0, 0), e(0, 1)), (e(0, 0) + e(1, 0), e(0, 1) + e(1, 1)),
                                    (e(0, 0) - e(1, 0), e(0, 1) - e(1, 1)), (-e(1, 0), -e(1, 1))]
                        let tile = c * p + local * t.tilesPerImage + ty * t.tilesX + tx
                        for (i, (a, b)) in rows.enumerated() {
                            for (j, value) in [a, a + b, a - b, -b].enumerated() { dm[(4 * i + j) * stride + tile] = value }
                        }
                    }
                }
            }
        }
    }
}
