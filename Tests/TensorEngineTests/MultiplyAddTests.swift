// `addProduct` against the scalar definition, lane by lane and bit for bit: one rounding of
// c + a·b (Float.addingProduct) where the build fuses, else the rounded product plus c.
import XCTest
@testable import TensorEngine
import Randomness

final class MultiplyAddTests: XCTestCase {
    func testAddProductRoundsAsTheBuildSays() {
        var generator = SeededGenerator(seed: 61)
        var differsFromUnfused = false
        for _ in 0..<2000 {
            var (a, b, c) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            for lane in 0..<8 {
                a[lane] = Float.random(in: -4...4, using: &generator)
                b[lane] = Float.random(in: -4...4, using: &generator)
                c[lane] = Float.random(in: -16...16, using: &generator)
            }
            var sum = c
            sum.addProduct(a, b)
            for lane in 0..<8 {
                let fused = c[lane].addingProduct(a[lane], b[lane]), unfused = c[lane] + a[lane] * b[lane]
                let expected = SIMD8<Float>.multiplyAddIsFused ? fused : unfused
                XCTAssertEqual(sum[lane].bitPattern, expected.bitPattern, "\(c[lane]) + \(a[lane]) · \(b[lane])")
                if fused != unfused { differsFromUnfused = true }
            }
        }
        // The inputs must tell the two roundings apart, or the test could not catch a wrong one.
        XCTAssertTrue(differsFromUnfused)
    }
}
