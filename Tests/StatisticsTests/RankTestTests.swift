import XCTest
@testable import Statistics

/// The rank tests against SciPy's documented examples and hand counts of their null distributions.
final class RankTestTests: XCTestCase {
    /// `scipy.stats.mannwhitneyu` docstring example (age of male and female subjects; SciPy 1.17):
    /// `mannwhitneyu(males, females, method="exact")` → statistic 17.0, pvalue 0.1111111111111111.
    /// By hand: n1 = 5, n2 = 4, C(9, 4) = 126 equally likely orderings; P(U ≥ 17) = P(U ≤ 3) =
    /// (1 + 1 + 2 + 3)/126 (partitions of 0…3 into at most 4 parts ≤ 5), so p = 2 · 7/126 = 1/9.
    func testMannWhitneyMatchesSciPyDocstringExample() throws {
        let males: [Double] = [19, 22, 16, 29, 24], females: [Double] = [20, 11, 17, 12]
        let result = try XCTUnwrap(MannWhitneyU.test(males, females))
        XCTAssertEqual(result.method, .exact)
        XCTAssertEqual(result.statistic, 17)
        XCTAssertEqual(result.pValue, 1.0 / 9.0, accuracy: 1e-15)
        XCTAssertEqual(result.effectSize, 2 * 17.0 / 20 - 1, accuracy: 1e-15)  // rank-biserial = 0.7
        let swapped = try XCTUnwrap(MannWhitneyU.test(females, males))
        XCTAssertEqual(swapped.statistic, 3)
        XCTAssertEqual(swapped.pValue, result.pValue, accuracy: 1e-15)
        XCTAssertEqual(swapped.effectSize, -0.7, accuracy: 1e-15)
    }

    /// The exact null distribution is the Gaussian binomial's coefficients: for n1 = 2, n2 = 2 the six
    /// orderings give U = 0, 1, 2, 2, 3, 4.
    func testMannWhitneyNullDistributionCountsOrderings() {
        XCTAssertEqual(MannWhitneyU.distribution(2, 2), [1, 1, 2, 1, 1])
        XCTAssertEqual(MannWhitneyU.distribution(5, 4).reduce(0, +), 126)
        XCTAssertEqual(Array(MannWhitneyU.distribution(5, 4).prefix(4)), [1, 1, 2, 3])
    }

    /// With ties SciPy uses the normal approximation with tie and continuity corrections:
    /// `mannwhitneyu([1,2,2,3,5], [2,3,3,4,6,7], method="asymptotic")` → U 7.0, p 0.16304505585423734
    /// (computed with SciPy 1.17.1 on this machine).
    func testMannWhitneyWithTiesMatchesSciPyNormalApproximation() throws {
        let result = try XCTUnwrap(MannWhitneyU.test([1, 2, 2, 3, 5], [2, 3, 3, 4, 6, 7]))
        XCTAssertEqual(result.method, .normal)
        XCTAssertEqual(result.statistic, 7)
        XCTAssertEqual(result.pValue, 0.16304505585423734, accuracy: 1e-12)
    }

    /// `scipy.stats.wilcoxon` docstring example (Darwin's paired Zea mays heights, differences
    /// cross − self): `wilcoxon(d)` → statistic 24.0, pvalue 0.041259765625 (exact; = 1352/32768).
    /// By hand: the negative differences −48 and −67 have ranks 10 and 14, so T⁻ = 24 and
    /// T⁺ = 120 − 24 = 96.
    func testWilcoxonMatchesSciPyDocstringExample() {
        let d: [Double] = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
        let result = WilcoxonSignedRank.test(differences: d)
        XCTAssertEqual(result.method, .exact)
        XCTAssertEqual(result.statistic, 24)
        XCTAssertEqual(result.pValue, 0.041259765625, accuracy: 1e-15)
        XCTAssertEqual(result.effectSize, (96.0 - 24.0) / 120.0, accuracy: 1e-15)
        // The same as paired samples.
        let paired = WilcoxonSignedRank.test(d.map { $0 + 100 }, Array(repeating: 100, count: d.count))
        XCTAssertEqual(paired.pValue, result.pValue, accuracy: 1e-15)
    }

    /// Five positive differences: the only sign patterns as extreme are all-positive and
    /// all-negative, so p = 2/32 — the smallest two-sided p five paired seeds can give.
    func testWilcoxonFivePairsAllOneWayGivesTwoOverThirtyTwo() {
        let result = WilcoxonSignedRank.test(differences: [0.5, 1, 2, 3, 4])
        XCTAssertEqual(result.pValue, 2.0 / 32.0, accuracy: 1e-15)
        XCTAssertEqual(result.effectSize, 1)
        XCTAssertEqual(WilcoxonSignedRank.distribution(3), [1, 1, 1, 2, 1, 1, 1])
    }

    /// Zeros are dropped and ties use the normal approximation (no continuity correction), as
    /// `scipy.stats.wilcoxon([1.5, 2, -2, 3, 0, 4, -1], method="asymptotic")` → statistic 4.5,
    /// p 0.2071604489114608 (SciPy 1.17.1). By hand: |d| ranks 2, 3.5, 3.5, 5, 6, 1; T⁻ = 3.5 + 1;
    /// var = 6·7·13/24 − (2³ − 2)/48 = 22.625; z = (4.5 − 10.5)/√22.625.
    func testWilcoxonWithZeroAndTiesMatchesSciPy() {
        let result = WilcoxonSignedRank.test(differences: [1.5, 2, -2, 3, 0, 4, -1])
        XCTAssertEqual(result.method, .normal)
        XCTAssertEqual(result.statistic, 4.5)
        XCTAssertEqual(result.sizes, [6, 7])
        XCTAssertEqual(result.pValue, 0.2071604489114608, accuracy: 1e-12)
    }

    func testWilcoxonWithOnlyZerosIsDegenerate() {
        let result = WilcoxonSignedRank.test(differences: [0, 0, 0])
        XCTAssertEqual(result.method, .degenerate)
        XCTAssertEqual(result.pValue, 1)
    }
}
