// The register-blocked small products against naive triple loops in double precision, on shapes
// that exercise every block and remainder path (rows 1–9, columns 8–40, inner 1–37, padded
// leading dimensions), and against OpenBLAS; with every kernel variant the CPU runs (the Swift
// SIMD8 kernel and the C portable, AVX2 and AVX-512 instances).
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport

final class SmallProductsTests: XCTestCase {
    /// Relative to the largest expected magnitude; float32 sums of ≤ 40 terms of size ≤ 1 round to
    /// about 1e-6. A wrong index or a dropped remainder gives errors of order 1.
    let tolerance = 1e-5

    func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in generator.nextFloat() * 2 - 1 }
    }

    func maxError(_ got: [Float], _ expected: [Double]) -> Double {
        let scale = max(1e-30, expected.map(abs).max() ?? 0)
        return zip(got, expected).map { abs(Double($0) - $1) }.max()! / scale
    }

    func testMultiplyMatchesNaiveProduct() {
        KernelVariants.runEach { isa in multiplyMatchesNaiveProduct(isa) }
    }

    func multiplyMatchesNaiveProduct(_ isa: KernelISA) {
        var generator = SeededGenerator(seed: 71)
        // Columns 8, 24, 40, 56: the last 8 after whole 16-float vectors; 48: whole pairs of them.
        for (rows, cols, inner) in [(1, 8, 1), (3, 8, 5), (4, 16, 8), (5, 24, 16), (8, 40, 3), (9, 32, 37), (16, 8, 32),
                                    (7, 56, 9), (4, 48, 13)] {
            let (lda, ldb, ldc) = (inner + 3, cols + 8, cols + 16)
            let a = random(rows * lda, &generator), b = random(inner * ldb, &generator)
            var c = [Float](repeating: .nan, count: rows * ldc)
            SmallProducts.multiply(rows: rows, cols: cols, inner: inner, a, lda: lda, b, ldb: ldb, into: &c, ldc: ldc)
            var got: [Float] = [], expected: [Double] = []
            for r in 0..<rows {
                for col in 0..<cols {
                    got.append(c[r * ldc + col])
                    expected.append((0..<inner).reduce(0.0) { $0 + Double(a[r * lda + $1]) * Double(b[$1 * ldb + col]) })
                }
                // Columns past `cols` are not written.
                XCTAssertTrue(c[(r * ldc + cols)..<(r * ldc + ldc)].allSatisfy(\.isNaN), "\(isa) \(rows)×\(cols)×\(inner)")
            }
            XCTAssertLessThan(maxError(got, expected), tolerance, "\(isa) multiply \(rows)×\(cols)×\(inner)")
        }
    }

    func testAccumulateTransposedMatchesNaiveAndBLAS() {
        KernelVariants.runEach { isa in accumulateTransposedMatchesNaiveAndBLAS(isa) }
    }

    func accumulateTransposedMatchesNaiveAndBLAS(_ isa: KernelISA) {
        var generator = SeededGenerator(seed: 72)
        for (rows, cols, inner) in [(1, 1, 1), (3, 2, 7), (4, 2, 8), (4, 3, 13), (5, 5, 64), (8, 8, 1000), (16, 3, 37),
                                    (6, 5, 31), (4, 4, 16)] {
            let (lda, ldb, ldc) = (inner + 5, inner + 1, cols + 2)
            let a = random(rows * lda, &generator), b = random(cols * ldb, &generator)
            let prior = random(rows * ldc, &generator)
            var c = prior
            SmallProducts.accumulateTransposed(rows: rows, cols: cols, inner: inner, a, lda: lda, b, ldb: ldb,
                                               into: &c, ldc: ldc)
            var blas = prior
            BLAS.sgemm(transB: true, m: rows, n: cols, k: inner, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: &blas, ldc: ldc)
            var got: [Float] = [], fromBLAS: [Float] = [], expected: [Double] = []
            for r in 0..<rows {
                for col in 0..<cols {
                    got.append(c[r * ldc + col])
                    fromBLAS.append(blas[r * ldc + col])
                    expected.append(Double(prior[r * ldc + col]) + (0..<inner).reduce(0.0) {
                        $0 + Double(a[r * lda + $1]) * Double(b[col * ldb + $1])
                    })
                }
                // The padding columns of C keep their values.
                XCTAssertEqual(Array(c[(r * ldc + cols)..<(r * ldc + ldc)]), Array(prior[(r * ldc + cols)..<(r * ldc + ldc)]))
            }
            XCTAssertLessThan(maxError(got, expected), tolerance, "\(isa) accumulate \(rows)×\(cols)×\(inner)")
            XCTAssertLessThan(maxError(got, fromBLAS.map(Double.init)), tolerance, "\(isa) vs BLAS \(rows)×\(cols)×\(inner)")
        }
    }
}
