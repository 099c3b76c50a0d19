// The direct 3×3 kernels against the naive direct convolution (TestSupport): the three products,
// the ConvIO paths of the fused ReLU → conv → BN op, the one-pass backward with an affine dY, and
// independence from the thread count.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class Direct3x3Tests: XCTestCase {
    typealias Case = Winograd4x4Tests.Case

    // Widths around the 16-pixel output blocks and 8-pixel dW blocks (1, 5, 8, 15–17, 31–33),
    // one-row planes, 1–8 channels in and out (and output channels not a multiple of 4), and a
    // batch split into several chunks.
    let cases = [
        Case(n: 2, cin: 1, cout: 1, h: 1, w: 1),
        Case(n: 1, cin: 3, cout: 8, h: 32, w: 32),
        Case(n: 3, cin: 8, cout: 8, h: 7, w: 5),
        Case(n: 2, cin: 5, cout: 3, h: 1, w: 17),
        Case(n: 2, cin: 8, cout: 6, h: 9, w: 15),
        Case(n: 1, cin: 2, cout: 7, h: 16, w: 16),
        Case(n: 2, cin: 8, cout: 2, h: 4, w: 31),
        Case(n: 1, cin: 4, cout: 5, h: 3, w: 33),
        Case(n: 20, cin: 8, cout: 8, h: 8, w: 8),
    ]

    let tolerance: Float = 1e-5

    /// Runs `body` once with each direct-kernel variant this CPU runs selected (the Swift kernel and
    /// the C portable, AVX2 and AVX-512 ones), then restores the selection.
    func forEachVariant(_ body: (KernelISA) -> Void) {
        let saved = KernelSet.active, cpu = CPUDescription.current()
        defer { KernelSet.select(saved) }
        let variants = KernelISA.allCases.filter { $0.runs(on: cpu) }
        XCTAssertTrue(variants.contains(.portable))
        XCTAssertEqual(variants.contains(.avx2), cpu.has("avx2", "fma"))
        XCTAssertEqual(variants.contains(.avx512), cpu.has("avx512f"))
        for isa in variants {
            KernelSet.select(KernelSet(direct3x3: isa))
            body(isa)
        }
    }

    func testProductsMatchNaiveConvolution() {
        forEachVariant { _ in
            Winograd4x4Tests.assertProductsMatchNaiveConvolution(Direct3x3Kernels.self, cases, tolerance: tolerance, seed: 51,
                                                                 applies: { ConvolutionDispatch.kernel(for: $0) == .direct })
        }
    }

    /// The C variants follow the Swift kernel's blocks and summation order: where both fuse the
    /// multiply-adds (or neither does) the results are the same bits.
    func testVariantsAgreeBitForBitWhereTheyRoundAlike() {
        var generator = SeededGenerator(seed: 53)
        let x = randomTensor([3, 8, 9, 37], using: &generator), w = randomTensor([6, 8, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        var outputs: [KernelISA: Tensor] = [:]
        forEachVariant { isa in outputs[isa] = Direct3x3Kernels.forward(input: x, weight: w, geo) }
        let fusedSwift = SIMD8<Float>.multiplyAddIsFused
        for (isa, y) in outputs where isa != .swift {
            let fused = isa != .portable
            if fused == fusedSwift { XCTAssertEqual(y, outputs[.swift], "\(isa) vs swift") }
        }
    }

    /// relu(x) read on the fly; dX zeroed where the mask is ≤ 0 and added into the buffer; the
    /// one-pass backward equal to the separate products; dY as an affine map equal to the stored map.
    func testFusedPathsMatchTheirReferences() {
        forEachVariant { _ in fusedPathsMatchTheirReferences() }
    }

    func fusedPathsMatchTheirReferences() {
        var generator = SeededGenerator(seed: 52)
        for c in cases {
            let x = randomTensor([c.n, c.cin, c.h, c.w], using: &generator)
            let w = randomTensor([c.cout, c.cin, 3, 3], using: &generator)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &generator)
            let relu = Tensor(shape: x.shape, data: x.data.map { max($0, 0) })

            var y = Tensor.zeros(geo.outputShape)
            x.data.withUnsafeBufferPointer { xs in
                y.data.withUnsafeMutableBufferPointer { ys in
                    Direct3x3Kernels.forward(input: xs.baseAddress!, rectifyInput: true, weight: w, geo, into: ys.baseAddress!)
                }
            }
            XCTAssertEqual(y, Direct3x3Kernels.forward(input: relu, weight: w, geo), "rectified forward \(c)")

            let prior = randomTensor(x.shape, using: &generator)
            let (dx, dw) = Winograd4x4Tests.bothProducts(Direct3x3Kernels.self, x: x, weight: w, dy: dy, prior: prior, geo)
            let plain = Direct3x3Kernels.inputGradient(outputGradient: dy, weight: w, geo)
            XCTAssertEqual(dx.data, (0..<x.count).map { prior.data[$0] + (x.data[$0] > 0 ? plain.data[$0] : 0) }, "dX \(c)")
            XCTAssertEqual(dw, Direct3x3Kernels.weightGradient(input: relu, outputGradient: dy, geo), "dW \(c)")
            let naiveDx = NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            let expectedDx = Tensor(shape: x.shape, data: (0..<x.count).map { prior.data[$0] + (x.data[$0] > 0 ? naiveDx.data[$0] : 0) })
            XCTAssertLessThan(maxRelativeDifference(dx, expectedDx), tolerance, "masked accumulated dX vs naive \(c)")
            let expectedDw = NaiveConvolution.weightGradient(dy, input: relu, weightShape: w.shape, stride: 1, padding: 1)
            XCTAssertLessThan(maxRelativeDifference(dw, expectedDw), tolerance, "rectified dW vs naive \(c)")

            Winograd4x4Tests.assertAffineBackwardEqualsStoredMap(Direct3x3Kernels.self, x: x, weight: w,
                                                                 using: &generator, "\(c)")
        }
    }

    func testResultsDoNotDependOnThreadCount() {
        var generator = SeededGenerator(seed: 53)
        let x = randomTensor([40, 8, 12, 20], using: &generator), w = randomTensor([6, 8, 3, 3], using: &generator)
        let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        let dy = randomTensor(geo.outputShape, using: &generator)
        assertSameForAnyThreadCount {
            [Direct3x3Kernels.forward(input: x, weight: w, geo),
             Direct3x3Kernels.inputGradient(outputGradient: dy, weight: w, geo),
             Direct3x3Kernels.weightGradient(input: x, outputGradient: dy, geo)]
        }
    }
}
