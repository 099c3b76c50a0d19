/// The outcome of a two-sided rank test.
public struct RankTestResult: Codable, Equatable, Sendable {
    /// How the p-value was computed.
    public enum Method: String, Codable, Sendable {
        /// From the exact null distribution (no ties, small samples).
        case exact
        /// From the normal approximation with tie correction.
        case normal
        /// Nothing to test (no non-zero differences, or no variation): p = 1.
        case degenerate
    }

    /// The test statistic as SciPy reports it: U of the first sample (Mann–Whitney), or
    /// min(T⁺, T⁻) (Wilcoxon signed-rank, two-sided).
    public var statistic: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// Rank-biserial correlation in [−1, 1]; positive when the first sample (or the differences)
    /// tends to be larger. For Mann–Whitney it equals Cliff's delta, P(x > y) − P(x < y).
    public var effectSize: Double
    /// How `pValue` was computed.
    public var method: Method
    /// Sample sizes used: (n₁, n₂) for Mann–Whitney; (non-zero differences, all pairs) for Wilcoxon.
    public var sizes: [Int]

    /// A result with the given fields.
    public init(statistic: Double, pValue: Double, effectSize: Double, method: Method, sizes: [Int]) {
        self.statistic = statistic; self.pValue = pValue; self.effectSize = effectSize
        self.method = method; self.sizes = sizes
    }
}
