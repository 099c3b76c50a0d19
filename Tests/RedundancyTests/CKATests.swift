import XCTest
import Randomness
@testable import Redundancy

final class CKATests: XCTestCase {
    private let x = Fixtures.features(Fixtures.specX)
    private let y = Fixtures.features(Fixtures.specY)

    func testSpecHSICVector() throws {
        XCTAssertEqual(try CKA.hsic(x, y), 10.333333333333, accuracy: 1e-10)
        XCTAssertEqual(try CKA.hsic(x, x), 20.888888888889, accuracy: 1e-10)
        XCTAssertEqual(try CKA.hsic(y, y), 6.044444444444, accuracy: 1e-10)
    }

    func testSpecCKAVector() throws {
        XCTAssertEqual(try CKA.similarity(x, y), 0.919611882137, accuracy: 1e-10)
        XCTAssertEqual(try CKA.similarity(x, y, estimator: .biased), 0.939546525614, accuracy: 1e-10)
        XCTAssertEqual(try CKA.similarity(y, x), try CKA.similarity(x, y), accuracy: 1e-15)
    }

    func testOracleReproducesSpecVector() {
        XCTAssertEqual(ReferenceCKA.unbiasedHSIC(Fixtures.specX, Fixtures.specY), 10.333333333333, accuracy: 1e-10)
        XCTAssertEqual(ReferenceCKA.unbiasedCKA(Fixtures.specX, Fixtures.specY), 0.919611882137, accuracy: 1e-10)
        XCTAssertEqual(ReferenceCKA.biasedCKAFeatureSpace(Fixtures.specX, Fixtures.specY), 0.939546525614, accuracy: 1e-10)
    }

    func testFloatStorageMatchesDoubleStorage() throws {
        // The spec vector is exactly representable in Float, so the results must agree to rounding of Double.
        let xf = try FeatureMatrix(rows: 6, columns: 2, values: Fixtures.specX.joined().map(Float.init))
        XCTAssertEqual(try CKA.similarity(xf, y), 0.919611882137, accuracy: 1e-10)
    }

    func testSelfSimilarityIsOne() throws {
        var rng = SeededGenerator(seed: 11)
        let a = Fixtures.features(Fixtures.randomMatrix(rows: 20, columns: 7, using: &rng))
        XCTAssertEqual(try CKA.similarity(a, a), 1, accuracy: 1e-12)
        XCTAssertEqual(try CKA.similarity(a, a, estimator: .biased), 1, accuracy: 1e-12)
    }

    func testIsotropicScalingInvariance() throws {
        var rng = SeededGenerator(seed: 12)
        let a = Fixtures.randomMatrix(rows: 30, columns: 5, using: &rng)
        let b = Fixtures.randomMatrix(rows: 30, columns: 9, using: &rng)
        let scaled = a.map { $0.map { $0 * 37.5 } }
        for estimator in CKAEstimator.allCases {
            let base = try CKA.similarity(Fixtures.features(a), Fixtures.features(b), estimator: estimator)
            let other = try CKA.similarity(Fixtures.features(scaled), Fixtures.features(b), estimator: estimator)
            XCTAssertEqual(base, other, accuracy: 1e-12, "\(estimator)")
        }
    }

    func testShiftInvarianceOfUnbiasedEstimator() throws {
        var rng = SeededGenerator(seed: 13)
        let a = Fixtures.randomMatrix(rows: 25, columns: 6, using: &rng)
        let b = Fixtures.randomMatrix(rows: 25, columns: 4, using: &rng)
        let shifted = a.map { $0.map { $0 + 5 } }
        let base = try CKA.similarity(Fixtures.features(a), Fixtures.features(b))
        XCTAssertEqual(try CKA.similarity(Fixtures.features(shifted), Fixtures.features(b)), base, accuracy: 1e-11)
        // The oracle has no internal shift: this checks the formula itself is shift-invariant.
        XCTAssertEqual(ReferenceCKA.unbiasedCKA(shifted, b), base, accuracy: 1e-10)
    }

    func testOrthogonalRotationInvariance() throws {
        var rng = SeededGenerator(seed: 14)
        let a = Fixtures.randomMatrix(rows: 40, columns: 8, using: &rng)
        let b = Fixtures.randomMatrix(rows: 40, columns: 3, using: &rng)
        let rotated = ReferenceCKA.product(a, Fixtures.randomOrthogonal(8, using: &rng))
        XCTAssertNotEqual(rotated[0][0], a[0][0], accuracy: 1e-6)
        for estimator in CKAEstimator.allCases {
            let base = try CKA.similarity(Fixtures.features(a), Fixtures.features(b), estimator: estimator)
            let other = try CKA.similarity(Fixtures.features(rotated), Fixtures.features(b), estimator: estimator)
            XCTAssertEqual(base, other, accuracy: 1e-12, "\(estimator)")
        }
    }

    func testTooFewSamplesIsAnError() throws {
        let small = try FeatureMatrix([[1, 2], [3, 4], [5, 7]])
        XCTAssertThrowsError(try CKA.similarity(small, small)) { error in
            XCTAssertEqual(error as? RedundancyError, .tooFewSamples(sampleCount: 3, minimum: 4, estimator: .unbiased))
            XCTAssertTrue("\(error)".contains("at least 4 samples"), "\(error)")
        }
        // The biased estimator is defined for n = 3.
        XCTAssertEqual(try CKA.similarity(small, small, estimator: .biased), 1, accuracy: 1e-12)
    }

    func testMismatchedSampleCountIsAnError() throws {
        let other = try FeatureMatrix(Array(Fixtures.specY.prefix(5)))
        XCTAssertThrowsError(try CKA.similarity(x, other)) { error in
            XCTAssertEqual(error as? RedundancyError, .sampleCountMismatch(layer: 1, expected: 6, found: 5))
        }
    }

    func testConstantFeaturesGiveNaN() throws {
        // Constant features have K̃ = c(11ᵀ − I), whose unbiased self-HSIC is exactly 0 → degenerate.
        let constant = try FeatureMatrix(rows: 6, columns: 2, values: [Double](repeating: 0.1, count: 12))
        XCTAssertTrue(try CKA.similarity(constant, y).isNaN)
        XCTAssertTrue(try CKA.similarity(constant, y, estimator: .biased).isNaN)
        XCTAssertEqual(try CKA.hsic(constant, constant), 0)
    }

    func testFeatureMatrixShapeErrors() {
        XCTAssertThrowsError(try FeatureMatrix(rows: 2, columns: 3, values: [Float](repeating: 0, count: 5))) { error in
            XCTAssertTrue("\(error)".contains("expected 2 × 3 = 6 values"), "\(error)")
        }
        XCTAssertThrowsError(try FeatureMatrix([[1, 2], [3]]))
        XCTAssertThrowsError(try FeatureMatrix(rows: 0, columns: 3, values: [Double]()))
    }
}
