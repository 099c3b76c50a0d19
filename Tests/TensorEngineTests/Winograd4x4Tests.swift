// Winograd F(4×4, 3×3) kernels against the naive direct convolution (TestSupport), for the forward
// product, both backward products, the ConvIO paths of the fused ReLU → conv → BN op, and their
// independence from the thread count.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class Winograd4x4Tests: XCTestCase {
    struct Case { let n, cin, cout, h, w: Int }

    // Planes smaller than one tile, edge tiles cut by the image on one or both sides, non-square
    // planes, channels 1…64 in and out, batches 1…20, and sizes that split the batch into chunks.
    let cases = [
        Case(n: 3, cin: 2, cout: 3, h: 1, w: 1),
        Case(n: 1, cin: 1, cout: 1, h: 2, w: 3),
        Case(n: 1, cin: 16, cout: 16, h: 5, w: 6),
        Case(n: 1, cin: 3, cout: 5, h: 7, w: 7),
        Case(n: 2, cin: 5, cout: 3, h: 9, w: 4),
        Case(n: 2, cin: 7, cout: 9, h: 13, w: 13),
        Case(n: 2, cin: 8, cout: 4, h: 32, w: 32),
        Case(n: 20, cin: 64, cout: 8, h: 4, w: 4),
        Case(n: 5, cin: 1, cout: 64, h: 6, w: 11),
        Case(n: 3, cin: 64, cout: 64, h: 8, w: 8),
        // The Fashion-MNIST network's planes (28, 14, 7) at training and MSRS batch sizes: many chunks.
        Case(n: 64, cin: 8, cout: 8, h: 28, w: 28),
        Case(n: 40, cin: 16, cout: 16, h: 14, w: 14),
        Case(n: 128, cin: 32, cout: 32, h: 7, w: 7),
        // Planes whose groups of 8 tiles are transformed in place: 8 tiles a row with cut edge
        // tiles, and 4 bundled tile rows of 2 tiles.
        Case(n: 2, cin: 4, cout: 3, h: 30, w: 29),
        Case(n: 3, cin: 3, cout: 4, h: 16, w: 7),
    ]

    /// Largest error relative to the largest expected value. F(4×4) rounds 10–20× worse than the
    /// direct sum: Bᵀ rows sum to |10| (so V is up to 100× the pixels), Aᵀ rows to |19|, and the
    /// GEMM sums over up to 64 channels (forward, dX) or thousands of tiles (dW) in float32.
    /// Measured worst here: about 2e-6 (forward, dX) and 5e-6 (dW); 1e-4 leaves room for other
    /// data. One coefficient off by 1 % (e.g. 4 → 4.04 in Bᵀ) gives errors above 1e-3.
    let tolerance: Float = 1e-4

    func testForwardAndBothGradientsMatchNaiveConvolution() { KernelVariants.runEach { _ in checkForwardAndBothGradientsMatchNaiveConvolution() } }

    func checkForwardAndBothGradientsMatchNaiveConvolution() {
        Self.assertProductsMatchNaiveConvolution(Winograd4x4Kernels.self, cases, tolerance: tolerance, seed: 41,
                                                 applies: Winograd4x4Kernels.applies)
    }

    /// Forward, dX and dW of `kernels` against the naive direct convolution on random data, for
    /// every case (each of which `applies` must accept), within `tolerance` relative to the
    /// largest expected value.
    static func assertProductsMatchNaiveConvolution<K: SamePadding3x3Kernels>(
        _ kernels: K.Type, _ cases: [Case], tolerance: Float, seed: UInt64, applies: (ConvGeometry) -> Bool,
        file: StaticString = #filePath, line: UInt = #line) {
        var generator = SeededGenerator(seed: seed)
        for c in cases {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            XCTAssertTrue(applies(geo), "\(K.self) does not take \(c)", file: file, line: line)
            let dy = randomTensor(geo.outputShape, using: &generator)

            let y = K.forward(input: x, weight: w, geo)
            let expected = NaiveConvolution.forward(x, weight: w, stride: 1, padding: 1)
            XCTAssertEqual(y.shape, expected.shape, "\(c)", file: file, line: line)
            XCTAssertLessThan(maxRelativeDifference(y, expected), tolerance, "forward \(c)", file: file, line: line)

            let dx = K.inputGradient(outputGradient: dy, weight: w, geo)
            let expectedDx = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            XCTAssertEqual(dx.shape, x.shape, "\(c)", file: file, line: line)
            XCTAssertLessThan(maxRelativeDifference(dx, expectedDx), tolerance, "dX \(c)", file: file, line: line)

            let dw = K.weightGradient(input: x, outputGradient: dy, geo)
            let expectedDw = NaiveConvolution.weightGradient(dy, input: x, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertEqual(dw.shape, w.shape, "\(c)", file: file, line: line)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), tolerance, "dW \(c)", file: file, line: line)
        }
    }

    /// The pointer-level paths the fused ReLU → conv → BN op uses: relu(x) read on the fly (forward
    /// and dW), and dX zeroed where the mask is ≤ 0 and added into what the buffer held.
    func testConvIORectifyMaskAndAccumulate() { KernelVariants.runEach { _ in checkConvIORectifyMaskAndAccumulate() } }

    func checkConvIORectifyMaskAndAccumulate() {
        var generator = SeededGenerator(seed: 42)
        for c in [Case(n: 3, cin: 5, cout: 6, h: 9, w: 7), Case(n: 2, cin: 16, cout: 16, h: 16, w: 16)] {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &generator)
            let relu = Tensor(shape: x.shape, data: x.data.map { max($0, 0) })

            var y = Tensor.zeros(geo.outputShape)
            x.data.withUnsafeBufferPointer { xs in
                y.data.withUnsafeMutableBufferPointer { ys in
                    Winograd4x4Kernels.forward(input: xs.baseAddress!, rectifyInput: true, weight: w, geo,
                                               into: ys.baseAddress!)
                }
            }
            XCTAssertEqual(y, Winograd4x4Kernels.forward(input: relu, weight: w, geo), "rectified forward \(c)")
            XCTAssertLessThan(maxRelativeDifference(y, NaiveConvolution.forward(relu, weight: w, stride: 1, padding: 1)),
                              tolerance, "rectified forward \(c)")

            let dw = x.data.withUnsafeBufferPointer { xs in
                dy.data.withUnsafeBufferPointer { dys in
                    Winograd4x4Kernels.weightGradient(input: xs.baseAddress!, rectifyInput: true,
                                                      outputGradient: dys.baseAddress!, geo)
                }
            }
            XCTAssertEqual(dw, Winograd4x4Kernels.weightGradient(input: relu, outputGradient: dy, geo), "rectified dW \(c)")
            let expectedDw = NaiveConvolution.weightGradient(dy, input: relu, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), tolerance, "rectified dW \(c)")

            // Mask = x (a ReLU backward at x), accumulated onto a prefilled gradient.
            let prior = randomTensor(x.shape, using: &generator)
            var dx = prior
            dy.data.withUnsafeBufferPointer { dys in
                x.data.withUnsafeBufferPointer { xs in
                    dx.data.withUnsafeMutableBufferPointer { d in
                        Winograd4x4Kernels.inputGradient(outputGradient: dys.baseAddress!, weight: w, geo,
                                                         io: ConvIO(outputMask: xs.baseAddress!, accumulate: true),
                                                         into: d.baseAddress!)
                    }
                }
            }
            let plain = Winograd4x4Kernels.inputGradient(outputGradient: dy, weight: w, geo)
            let composed = (0..<x.count).map { i in prior.data[i] + (x.data[i] > 0 ? plain.data[i] : 0) }
            XCTAssertEqual(dx.data, composed, "masked accumulate \(c)")
            let naive = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            let expected = Tensor(shape: x.shape, data: (0..<x.count).map { i in
                prior.data[i] + (x.data[i] > 0 ? naive.data[i] : 0)
            })
            XCTAssertLessThan(maxRelativeDifference(dx, expected), tolerance, "masked accumulate \(c)")

            // Mask without accumulation overwrites, zeros included.
            var overwritten = prior
            dy.data.withUnsafeBufferPointer { dys in
                x.data.withUnsafeBufferPointer { xs in
                    overwritten.data.withUnsafeMutableBufferPointer { d in
                        Winograd4x4Kernels.inputGradient(outputGradient: dys.baseAddress!, weight: w, geo,
                                                         io: ConvIO(outputMask: xs.baseAddress!), into: d.baseAddress!)
                    }
                }
            }
            XCTAssertEqual(overwritten.data, (0..<x.count).map { x.data[$0] > 0 ? plain.data[$0] : 0 }, "masked \(c)")
        }
    }

    /// `backward(...)` of a kernel family: dX masked by x and added onto `prior`, dW of relu(x).
    static func bothProducts<K: ConvolutionProducts>(_ kernels: K.Type, x: Tensor, weight: Tensor, dy: Tensor,
                                                     prior: Tensor, _ geo: ConvGeometry) -> (dx: Tensor, dw: Tensor) {
        var dx = prior
        let dw = x.data.withUnsafeBufferPointer { xs in
            dy.data.withUnsafeBufferPointer { dys in
                dx.data.withUnsafeMutableBufferPointer { d in
                    K.backward(input: xs.baseAddress!, rectifyInput: true, outputGradient: dys.baseAddress!, weight: weight,
                               geo, io: ConvIO(outputMask: xs.baseAddress!, accumulate: true), into: d.baseAddress!)
                }
            }
        }
        return (dx, dw)
    }

    /// The one-pass backward (dY gathered once for dX and dW) computes exactly the products of the
    /// two separate calls, for every case shape (chunks of one image to many, edge tiles), and the
    /// other kernel families' backward (the protocol's default, im2col's own) agree with the oracle.
    func testOnePassBackwardEqualsTheSeparateProducts() { KernelVariants.runEach { _ in checkOnePassBackwardEqualsTheSeparateProducts() } }

    func checkOnePassBackwardEqualsTheSeparateProducts() {
        var generator = SeededGenerator(seed: 44)
        for c in cases + [Case(n: 100, cin: 64, cout: 48, h: 8, w: 8)] {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &generator)
            let prior = randomTensor(x.shape, using: &generator)
            let relu = Tensor(shape: x.shape, data: x.data.map { max($0, 0) })

            let (dx, dw) = Self.bothProducts(Winograd4x4Kernels.self, x: x, weight: w, dy: dy, prior: prior, geo)
            let plain = Winograd4x4Kernels.inputGradient(outputGradient: dy, weight: w, geo)
            XCTAssertEqual(dx.data, (0..<x.count).map { prior.data[$0] + (x.data[$0] > 0 ? plain.data[$0] : 0) }, "dX \(c)")
            XCTAssertEqual(dw, Winograd4x4Kernels.weightGradient(input: relu, outputGradient: dy, geo), "dW \(c)")

            let naiveDx = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            let expectedDx = Tensor(shape: x.shape, data: (0..<x.count).map { prior.data[$0] + (x.data[$0] > 0 ? naiveDx.data[$0] : 0) })
            let expectedDw = NaiveConvolution.weightGradient(dy, input: relu, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dx, expectedDx), tolerance, "dX vs naive \(c)")
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), tolerance, "dW vs naive \(c)")
            for (name, both) in [
                ("F(2×2)", Self.bothProducts(Winograd2x2Kernels.self, x: x, weight: w, dy: dy, prior: prior, geo)),
                ("im2col", Self.bothProducts(Im2ColKernels.self, x: x, weight: w, dy: dy, prior: prior, geo)),
                ("dispatch", Self.bothProducts(ConvolutionDispatch.self, x: x, weight: w, dy: dy, prior: prior, geo)),
            ] {
                XCTAssertLessThan(maxRelativeDifference(both.dx, expectedDx), tolerance, "\(name) dX \(c)")
                XCTAssertLessThan(maxRelativeDifference(both.dw, expectedDw), tolerance, "\(name) dW \(c)")
            }
        }
    }

    /// dY given as a per-channel affine map a·dy + b·z + c (batch norm's dz) gives exactly the
    /// products of the stored map.
    func testAffineOutputGradientEqualsTheStoredMap() { KernelVariants.runEach { _ in checkAffineOutputGradientEqualsTheStoredMap() } }

    func checkAffineOutputGradientEqualsTheStoredMap() {
        var generator = SeededGenerator(seed: 45)
        for c in [Case(n: 3, cin: 5, cout: 6, h: 9, w: 7), Case(n: 40, cin: 16, cout: 16, h: 14, w: 14)] {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            Self.assertAffineBackwardEqualsStoredMap(Winograd4x4Kernels.self, x: x, weight: w,
                                                     using: &generator, "\(c)")
        }
    }

    /// Asserts that `backward` with dY = a·dy + b·z + c for random dy, z, a, b, c (batch norm's dz,
    /// formed as dY is read), ReLU-masked and added onto a prefilled dX, gives exactly the
    /// products of the stored map (`bothProducts`).
    static func assertAffineBackwardEqualsStoredMap<K: ConvolutionProducts>(
        _ kernels: K.Type, x: Tensor, weight w: Tensor,
        using generator: inout SeededGenerator, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        let dy = randomTensor(geo.outputShape, using: &generator), z = randomTensor(geo.outputShape, using: &generator)
        let channels = geo.outChannels
        let a = randomTensor([channels], using: &generator).data, b = randomTensor([channels], using: &generator).data
        let k = randomTensor([channels], using: &generator).data
        let plane = geo.outPixels
        let stored = Tensor(shape: dy.shape, data: (0..<dy.count).map { i in
            let ch = (i / plane) % channels
            return a[ch] * dy.data[i] + b[ch] * z.data[i] + k[ch]
        })
        let prior = randomTensor(x.shape, using: &generator)
        let expected = bothProducts(K.self, x: x, weight: w, dy: stored, prior: prior, geo)

        var dx = prior
        let dw = x.data.withUnsafeBufferPointer { xs in
            dy.data.withUnsafeBufferPointer { dys in
                z.data.withUnsafeBufferPointer { zs in
                    dx.data.withUnsafeMutableBufferPointer { d in
                        K.backward(input: xs.baseAddress!, rectifyInput: true, outputGradient: dys.baseAddress!,
                                   outputGradientAffine: ChannelAffine(z: zs.baseAddress!, a: a, b: b, c: k), weight: w,
                                   geo, io: ConvIO(outputMask: xs.baseAddress!, accumulate: true), into: d.baseAddress!)
                    }
                }
            }
        }
        XCTAssertEqual(dx, expected.dx, "affine dX \(message)", file: file, line: line)
        XCTAssertEqual(dw, expected.dw, "affine dW \(message)", file: file, line: line)
    }

    /// The in-place input transform (each group of 8 tiles straight from the zero-bordered plane)
    /// of the Swift kernels gives the bits of the patch-run transform, for plain, rectified and
    /// affine-mapped inputs and the output gradients' second transform, on every plane shape it takes.
    func testInPlaceInputTransformEqualsThePatchRunTransform() { KernelVariants.run(.swift) { checkInPlaceInputTransformEqualsThePatchRunTransform() } }

    func checkInPlaceInputTransformEqualsThePatchRunTransform() {
        var generator = SeededGenerator(seed: 46)
        for (n, channels, h, w) in inPlaceShapes {
            let t = Winograd4x4Kernels.Tiling(batch: n, height: h, width: w, widestChannels: channels)
            XCTAssertTrue(Winograd4x4Kernels.groupsStayInImages(t), "\(h)×\(w)")
            let layout = Winograd4x4Kernels.ChunkLayout(images: n, t)
            let x = randomTensor([n, channels, h, w], using: &generator), z = randomTensor(x.shape, using: &generator)
            let k = (0..<3).map { _ in randomTensor([channels], using: &generator).data }
            let size = 36 * layout.planeStride(channels: channels)
            func transform(_ mode: Int, inPlace: Bool) -> (v: [Float], dm: [Float]) {
                var (v, dm) = ([Float](repeating: 0, count: size), [Float](repeating: 0, count: size))
                var scratch = [Float](repeating: .nan, count: Winograd4x4Kernels.scratchSize(t, layout))
                x.data.withUnsafeBufferPointer { xs in
                    z.data.withUnsafeBufferPointer { zs in
                        dm.withUnsafeMutableBufferPointer { dms in
                            let affine = mode == 2 ? ChannelAffine(z: zs.baseAddress!, a: k[0], b: k[1], c: k[2]) : nil
                            Winograd4x4Kernels.transformInputs(
                                xs.baseAddress!, 0..<n, channels: channels, t, layout, rectify: mode == 1, affine: affine,
                                scratch: &scratch, into: &v, gradientsInto: mode == 0 ? nil : dms.baseAddress!,
                                inPlace: inPlace)
                        }
                    }
                }
                return (v, dm)
            }
            for mode in 0..<3 {
                let (inPlace, runs) = (transform(mode, inPlace: true), transform(mode, inPlace: false))
                XCTAssertEqual(inPlace.v, runs.v, "V, mode \(mode), \(h)×\(w)")
                XCTAssertEqual(inPlace.dm, runs.dm, "dM, mode \(mode), \(h)×\(w)")
                XCTAssertGreaterThan(inPlace.v.filter { $0 != 0 }.count, size / 2, "V filled, \(h)×\(w)")
                if mode > 0 { XCTAssertGreaterThan(inPlace.dm.filter { $0 != 0 }.count, size / 2, "dM filled, \(h)×\(w)") }
            }
        }
    }

    /// The in-place output transform (each group's rows straight into y) of the Swift kernels
    /// stores the bits of the run-by-run transform, plain, masked and accumulated.
    func testInPlaceOutputTransformEqualsThePatchRunTransform() { KernelVariants.run(.swift) { checkInPlaceOutputTransformEqualsThePatchRunTransform() } }

    func checkInPlaceOutputTransformEqualsThePatchRunTransform() {
        var generator = SeededGenerator(seed: 47)
        for (n, channels, h, w) in inPlaceShapes {
            let t = Winograd4x4Kernels.Tiling(batch: n, height: h, width: w, widestChannels: channels)
            let layout = Winograd4x4Kernels.ChunkLayout(images: n, t)
            let m = randomTensor([36 * layout.planeStride(channels: channels)], using: &generator)
            let (mask, prior) = (randomTensor([n, channels, h, w], using: &generator), randomTensor([n, channels, h, w], using: &generator))
            for (masked, accumulate) in [(false, false), (true, false), (false, true), (true, true)] {
                func transform(inPlace: Bool) -> [Float] {
                    var y = prior.data
                    var scratch = [Float](repeating: .nan, count: Winograd4x4Kernels.scratchSize(t, layout))
                    m.data.withUnsafeBufferPointer { ms in
                        mask.data.withUnsafeBufferPointer { masks in
                            Winograd4x4Kernels.transformOutputs(ms.baseAddress!, 0..<n, channels: channels, t, layout,
                                                                mask: masked ? masks.baseAddress! : nil, accumulate: accumulate,
                                                                scratch: &scratch, into: &y, inPlace: inPlace)
                        }
                    }
                    return y
                }
                let inPlace = transform(inPlace: true)
                XCTAssertEqual(inPlace, transform(inPlace: false), "masked \(masked), accumulate \(accumulate), \(h)×\(w)")
                XCTAssertGreaterThan(zip(inPlace, prior.data).filter { $0 != $1 }.count, inPlace.count / 3, "\(h)×\(w)")
            }
        }
    }

    /// Plane shapes whose groups of 8 tiles lie in one image: 8 tiles a row (with cut edge tiles),
    /// 2 bundled rows of 4 tiles (16, 14 and 13 pixels), 4 bundled rows of 2 tiles.
    let inPlaceShapes = [(3, 5, 32, 32), (2, 3, 30, 29), (4, 3, 16, 16), (3, 2, 14, 13), (3, 2, 16, 7)]

    func testResultsDoNotDependOnThreadCountAcrossSeveralChunks() { KernelVariants.runEach { _ in checkResultsDoNotDependOnThreadCountAcrossSeveralChunks() } }

    func checkResultsDoNotDependOnThreadCountAcrossSeveralChunks() {
        var generator = SeededGenerator(seed: 43)
        let x = randomTensor([100, 64, 8, 8], using: &generator)
        let w = randomTensor([48, 64, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        XCTAssertGreaterThan(Winograd4x4Kernels.Tiling(batch: 100, height: 8, width: 8, widestChannels: 64).chunks.count, 2)
        let dy = randomTensor(geo.outputShape, using: &generator)
        func run() -> [Tensor] {
            [Winograd4x4Kernels.forward(input: x, weight: w, geo),
             Winograd4x4Kernels.inputGradient(outputGradient: dy, weight: w, geo),
             Winograd4x4Kernels.weightGradient(input: x, outputGradient: dy, geo)]
                + [Self.bothProducts(Winograd4x4Kernels.self, x: x, weight: w, dy: dy, prior: x, geo)].flatMap { [$0.dx, $0.dw] }
        }
        assertSameForAnyThreadCount(run)
    }
}
