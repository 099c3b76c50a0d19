import Randomness
import XCTest
@testable import Statistics

/// The bootstrap against distributions computed by hand.
final class BootstrapTests: XCTestCase {
    /// Resampling [0, 0, 0, 1] with replacement: the number of 1s drawn is Binomial(4, 1/4), so the
    /// resampled mean is k/4 with P(k) = C(4,k)·3^(4−k)/256 = 81, 108, 54, 12, 1 (/256). The seeded
    /// draws must follow it (each frequency within 4 standard errors), and the 95% percentile
    /// interval must be [0, 0.75]: P(k = 0) = 0.316 > 0.025, and P(k ≤ 2) = 0.949 < 0.975 ≤ P(k ≤ 3) = 0.996.
    func testResampledMeansFollowTheBinomialComputedByHand() throws {
        let values: [Double] = [0, 0, 0, 1]
        let resamples = 20_000
        let means = Bootstrap.resampledMeans(values, resamples: resamples, seed: 42)
        XCTAssertEqual(means.count, resamples)
        let expected = [81.0, 108, 54, 12, 1].map { $0 / 256 }
        for k in 0...4 {
            let frequency = Double(means.filter { $0 == Double(k) / 4 }.count) / Double(resamples)
            let standardError = (expected[k] * (1 - expected[k]) / Double(resamples)).squareRoot()
            XCTAssertEqual(frequency, expected[k], accuracy: 4 * standardError + 1e-9, "k = \(k)")
        }
        let interval = try XCTUnwrap(Bootstrap.meanInterval(values, confidence: 0.95, resamples: resamples, seed: 42))
        XCTAssertEqual(interval.mean, 0.25)
        XCTAssertEqual(interval.lower, 0)
        XCTAssertEqual(interval.upper, 0.75)
    }

    /// A fixed seed gives the same interval; resample b's indices are the generator's next draws.
    func testSeededBootstrapIsReproducibleAndUsesTheGeneratorInOrder() throws {
        let values: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        let a = try XCTUnwrap(Bootstrap.meanInterval(values, resamples: 500, seed: 7))
        let b = try XCTUnwrap(Bootstrap.meanInterval(values, resamples: 500, seed: 7))
        XCTAssertEqual(a, b)
        var generator = SeededGenerator(seed: 7)
        let first = (0..<values.count).map { _ in values[generator.int(below: values.count)] }.reduce(0, +) / 8
        XCTAssertEqual(Bootstrap.resampledMeans(values, resamples: 1, seed: 7), [first])
    }

    func testConstantSampleHasAPointInterval() throws {
        let interval = try XCTUnwrap(Bootstrap.meanInterval([2.5, 2.5, 2.5], resamples: 200, seed: 1))
        XCTAssertEqual([interval.lower, interval.mean, interval.upper], [2.5, 2.5, 2.5])
        XCTAssertNil(Bootstrap.meanInterval([], resamples: 200, seed: 1))
    }

    /// NumPy's default quantile (type 7): np.quantile([1, 2, 3, 4], 0.25) = 1.75, 0.5 → 2.5.
    func testQuantileInterpolatesLikeNumPy() {
        XCTAssertEqual(Descriptive.quantile([4, 1, 3, 2], 0.25), 1.75)
        XCTAssertEqual(Descriptive.quantile([4, 1, 3, 2], 0.5), 2.5)
        XCTAssertEqual(Descriptive.quantile([4, 1, 3, 2], 1), 4)
        XCTAssertEqual(Descriptive.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])!, (32.0 / 7).squareRoot(), accuracy: 1e-12)
    }

    func testMidRanks() {
        let (ranks, ties) = Descriptive.ranks([10, 20, 10, 30, 20, 20])
        XCTAssertEqual(ranks, [1.5, 4, 1.5, 6, 4, 4])
        XCTAssertEqual(ties.sorted(), [2, 3])
    }
}
