import Randomness
import TestSupport
import XCTest

@testable import TensorEngine

/// The Winograd transforms against their matrices: the Double reference (`WinogradReference`)
/// against the direct correlation it stands for, then the SIMD transforms of both kernel families,
/// on whole planes (gathers, edge tiles and scatters included), against the reference.
final class WinogradTransformTests: XCTestCase {
    typealias Matrix = WinogradReference.Matrix

    func randomMatrix(_ rows: Int, _ cols: Int, using generator: inout SeededGenerator) -> Matrix {
        let values = randomTensor([rows * cols], using: &generator).data.map(Double.init)
        return (0..<rows).map { Array(values[($0 * cols)..<(($0 + 1) * cols)]) }
    }

    func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
        zip(a.joined(), b.joined()).map { abs($0 - $1) }.max() ?? 0
    }

    /// Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A is the valid 3×3 correlation of the patch, and
    /// Gᵀ[(A e Aᵀ) ⊙ (Bᵀ d B)]G the weight gradient of one output-gradient tile e.
    func testReferenceTransformsComputeTheCorrelationAndItsWeightGradient() {
        var generator = SeededGenerator(seed: 61)
        for reference in [WinogradReference.f2x2, .f4x4] {
            let (n, m) = (reference.patch, reference.tile)
            XCTAssertEqual(reference.bt.count, n)
            XCTAssertEqual(reference.g.count, n)
            XCTAssertEqual(reference.at.count, m)
            for trial in 0..<20 {
                let d = randomMatrix(n, n, using: &generator), k = randomMatrix(3, 3, using: &generator)
                let winograd = reference.output(WinogradReference.hadamard(reference.weight(k), reference.input(d)))
                XCTAssertLessThan(maxDifference(winograd, WinogradReference.correlate(d, k)), 1e-12,
                                  "F(\(m)×\(m)) forward, trial \(trial)")

                let e = randomMatrix(m, m, using: &generator)
                let dw = reference.weightGradient(WinogradReference.hadamard(reference.outputGradient(e), reference.input(d)))
                let direct = (0..<3).map { i in
                    (0..<3).map { j in
                        (0..<m).reduce(0.0) { sum, r in sum + (0..<m).reduce(0.0) { $0 + e[r][$1] * d[r + i][$1 + j] } }
                    }
                }
                XCTAssertLessThan(maxDifference(dw, direct), 1e-12, "F(\(m)×\(m)) weight gradient, trial \(trial)")
            }
        }
    }

    /// One kernel family's plane-level transforms, in the layout its products use.
    struct Family {
        let name: String
        let reference: WinogradReference
        let tilesY, tilesX: Int
        /// Index of (ξ, channel, tile) in the transformed data.
        let index: (_ xi: Int, _ channel: Int, _ tile: Int) -> Int
        /// Floats of the transformed data of one chunk.
        let transformedCount: Int
        let inputs: (UnsafePointer<Float>) -> [Float]
        let outputGradients: (UnsafePointer<Float>) -> [Float]
        /// y [n, channels, h, w] from transformed products m.
        let outputs: ([Float]) -> [Float]
        let weights: (_ weight: Tensor, _ outC: Int, _ inC: Int, _ flipped: Bool) -> [Float]
        let weightGradient: (_ du: [Float], _ outC: Int, _ inC: Int) -> Tensor
    }

    static func f4x4(images n: Int, channels: Int, height h: Int, width w: Int) -> Family {
        typealias K = Winograd4x4Kernels
        let t = K.Tiling(batch: n, height: h, width: w, widestChannels: channels)
        let layout = K.ChunkLayout(images: n, t)
        let stride = layout.planeStride(channels: channels)
        func scratch() -> [Float] { [Float](repeating: .nan, count: K.scratchSize(t, layout)) }
        return Family(
            name: "F(4×4) \(h)×\(w)", reference: .f4x4, tilesY: t.tilesY, tilesX: t.tilesX,
            index: { xi, c, tile in xi * stride + c * layout.run + tile }, transformedCount: 36 * stride,
            inputs: { x in
                var (v, s) = ([Float](repeating: .nan, count: 36 * stride), scratch())
                K.transformInputs(x, 0..<n, channels: channels, t, layout, scratch: &s, into: &v)
                return v
            },
            outputGradients: { dy in
                var (dm, s) = ([Float](repeating: .nan, count: 36 * stride), scratch())
                K.transformOutputGradients(dy, 0..<n, channels: channels, t, layout, scratch: &s, into: &dm)
                return dm
            },
            outputs: { m in
                var (y, s) = ([Float](repeating: .nan, count: n * channels * h * w), scratch())
                K.transformOutputs(m, 0..<n, channels: channels, t, layout, scratch: &s, into: &y)
                return y
            },
            weights: { K.transformedWeights($0, outChannels: $1, inChannels: $2, flipped: $3) },
            weightGradient: { K.weightGradientFromTransformed($0, outChannels: $1, inChannels: $2) })
    }

    static func f2x2(images n: Int, channels: Int, height h: Int, width w: Int) -> Family {
        typealias K = Winograd2x2Kernels
        let t = K.Tiling(batch: n, height: h, width: w, widestChannels: channels)
        let tiles = n * t.tilesPerImage, stride = K.planeStride(channels: channels, tiles: tiles)
        return Family(
            name: "F(2×2) \(h)×\(w)", reference: .f2x2, tilesY: t.tilesY, tilesX: t.tilesX,
            index: { xi, c, tile in xi * stride + c * tiles + tile }, transformedCount: 16 * stride,
            inputs: { x in
                var v = [Float](repeating: .nan, count: 16 * stride)
                var padded = [Float](repeating: .nan, count: t.paddedHeight * t.paddedWidth)
                K.transformInputs(x, 0..<n, channels: channels, t, padded: &padded, into: &v)
                return v
            },
            outputGradients: { dy in
                var dm = [Float](repeating: .nan, count: 16 * stride)
                K.transformOutputGradients(dy, 0..<n, channels: channels, t, into: &dm)
                return dm
            },
            outputs: { m in
                var y = [Float](repeating: .nan, count: n * channels * h * w)
                K.transformOutputs(m, 0..<n, channels: channels, t, into: &y)
                return y
            },
            weights: { K.transformedWeights($0, outChannels: $1, inChannels: $2, flipped: $3) },
            weightGradient: { K.weightGradientFromTransformed($0, outChannels: $1, inChannels: $2) })
    }

    /// Relative tolerance of a float32 transform against the Double reference, as a fraction of the
    /// largest reference value of the check (the transforms scale values by up to ~100).
    let tolerance = 1e-5

    /// Asserts |fast − reference| ≤ tolerance · max |reference| over all pairs.
    func assertClose(_ pairs: [(fast: Float, reference: Double)], _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        let scale = max(1e-30, pairs.map { abs($0.reference) }.max() ?? 0)
        let worst = pairs.map { abs(Double($0.fast) - $0.reference) }.max() ?? 0
        XCTAssertFalse(pairs.isEmpty, message, file: file, line: line)
        XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(message): worst \(worst) of \(scale)", file: file, line: line)
    }

    func testSIMDTransformsMatchTheReference() { KernelVariants.runEach { _ in checkSIMDTransformsMatchTheReference() } }

    func checkSIMDTransformsMatchTheReference() {
        var generator = SeededGenerator(seed: 62)
        let (n, channels) = (2, 3)
        let shapes = [(1, 1), (3, 5), (4, 4), (6, 11), (7, 9), (8, 8), (10, 10), (13, 14), (16, 16), (32, 32)]
        for (h, w) in shapes {
            for family in [Self.f2x2(images: n, channels: channels, height: h, width: w),
                           Self.f4x4(images: n, channels: channels, height: h, width: w)] {
                let reference = family.reference, (side, p) = (family.reference.tile, family.reference.patch)
                let x = randomTensor([n, channels, h, w], using: &generator)
                /// Pixel (y, x) of plane (image, c), zero outside the image.
                func pixel(_ image: Int, _ c: Int, _ py: Int, _ px: Int) -> Double {
                    guard (0..<h).contains(py), (0..<w).contains(px) else { return 0 }
                    return Double(x.data[((image * channels + c) * h + py) * w + px])
                }
                let m = randomTensor([family.transformedCount], using: &generator).data
                let (v, dm, y) = x.data.withUnsafeBufferPointer { xs in
                    (family.inputs(xs.baseAddress!), family.outputGradients(xs.baseAddress!), family.outputs(m))
                }
                var (inputs, gradients, outputs) = ([(Float, Double)](), [(Float, Double)](), [(Float, Double)]())
                for image in 0..<n {
                    for c in 0..<channels {
                        for ty in 0..<family.tilesY {
                            for tx in 0..<family.tilesX {
                                let tile = (image * family.tilesY + ty) * family.tilesX + tx
                                let (top, left) = (side * ty, side * tx)
                                // Input patch around the tile, output-gradient tile, and the tile's products.
                                let d = (0..<p).map { i in (0..<p).map { j in pixel(image, c, top - 1 + i, left - 1 + j) } }
                                let e = (0..<side).map { r in (0..<side).map { col in pixel(image, c, top + r, left + col) } }
                                let products = (0..<p).map { i in
                                    (0..<p).map { j in Double(m[family.index(p * i + j, c, tile)]) }
                                }
                                let (expectedV, expectedDm) = (reference.input(d), reference.outputGradient(e))
                                for xi in 0..<(p * p) {
                                    inputs.append((v[family.index(xi, c, tile)], expectedV[xi / p][xi % p]))
                                    gradients.append((dm[family.index(xi, c, tile)], expectedDm[xi / p][xi % p]))
                                }
                                let expectedY = reference.output(products)
                                for r in 0..<side where top + r < h {
                                    for col in 0..<side where left + col < w {
                                        let at = ((image * channels + c) * h + top + r) * w + left + col
                                        outputs.append((y[at], expectedY[r][col]))
                                    }
                                }
                            }
                        }
                    }
                }
                assertClose(inputs, "\(family.name) inputs Bᵀ d B")
                assertClose(gradients, "\(family.name) output gradients A e Aᵀ")
                assertClose(outputs, "\(family.name) outputs Aᵀ m A")
                XCTAssertEqual(outputs.count, y.count, "\(family.name): every output pixel is one tile's")
            }
        }
    }

    func testSIMDWeightTransformsMatchTheReference() {
        var generator = SeededGenerator(seed: 63)
        let (outC, inC) = (5, 3)
        for family in [Self.f2x2(images: 1, channels: 1, height: 4, width: 4),
                       Self.f4x4(images: 1, channels: 1, height: 4, width: 4)] {
            let reference = family.reference, p = reference.patch, planes = p * p
            let weight = randomTensor([outC, inC, 3, 3], using: &generator)
            func g(_ o: Int, _ i: Int, rotated: Bool) -> Matrix {
                (0..<3).map { r in
                    (0..<3).map { c in
                        Double(weight.data[(o * inC + i) * 9 + (rotated ? 8 - (3 * r + c) : 3 * r + c)])
                    }
                }
            }
            let (u, flipped) = (family.weights(weight, outC, inC, false), family.weights(weight, outC, inC, true))
            var (pairs, flippedPairs) = ([(Float, Double)](), [(Float, Double)]())
            for o in 0..<outC {
                for i in 0..<inC {
                    let (expected, expectedFlipped) = (reference.weight(g(o, i, rotated: false)),
                                                       reference.weight(g(o, i, rotated: true)))
                    for xi in 0..<planes {
                        pairs.append((u[(xi * outC + o) * inC + i], expected[xi / p][xi % p]))
                        flippedPairs.append((flipped[(xi * inC + i) * outC + o], expectedFlipped[xi / p][xi % p]))
                    }
                }
            }
            assertClose(pairs, "\(family.name) weights G g Gᵀ")
            assertClose(flippedPairs, "\(family.name) flipped weights")

            let du = randomTensor([planes * outC * inC], using: &generator).data
            let dw = family.weightGradient(du, outC, inC)
            var gradientPairs: [(Float, Double)] = []
            for o in 0..<outC {
                for i in 0..<inC {
                    let transformed = (0..<p).map { r in (0..<p).map { c in Double(du[((p * r + c) * outC + o) * inC + i]) } }
                    let expected = reference.weightGradient(transformed)
                    for k in 0..<9 { gradientPairs.append((dw.data[(o * inC + i) * 9 + k], expected[k / 3][k % 3])) }
                }
            }
            assertClose(gradientPairs, "\(family.name) weight gradient Gᵀ dU G")
        }
    }
}
