/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided, as
/// `scipy.stats.mannwhitneyu` computes it: the exact null distribution when there are no ties and
/// both samples have at most ``exactLimit`` values, else the normal approximation with tie and
/// continuity corrections.
public enum MannWhitneyU {
    /// Largest sample size for which the exact distribution is used.
    public static let exactLimit = 30

    /// Tests whether `x` and `y` come from the same distribution. nil when either sample is empty.
    public static func test(_ x: [Double], _ y: [Double]) -> RankTestResult? {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        let (ranks, ties) = Descriptive.ranks(x + y)
        let rankSum = ranks.prefix(n1).reduce(0, +)
        let u1 = rankSum - Double(n1 * (n1 + 1)) / 2
        let product = Double(n1 * n2)
        let effect = 2 * u1 / product - 1
        if ties.isEmpty && n1 <= exactLimit && n2 <= exactLimit {
            let counts = distribution(n1, n2)
            let total = counts.reduce(0, +)
            let u = Int(u1.rounded())
            let lowerTail = counts[0...u].reduce(0, +) / total
            let upperTail = counts[u...].reduce(0, +) / total
            return RankTestResult(statistic: u1, pValue: min(1, 2 * min(lowerTail, upperTail)), effectSize: effect,
                                  method: .exact, sizes: [n1, n2])
        }
        let n = Double(n1 + n2)
        let tieTerm = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) } / (n * (n - 1))
        let variance = product / 12 * ((n + 1) - tieTerm)
        guard variance > 0 else {
            return RankTestResult(statistic: u1, pValue: 1, effectSize: effect, method: .degenerate, sizes: [n1, n2])
        }
        let u = max(u1, product - u1)
        let z = (u - product / 2 - 0.5) / variance.squareRoot()
        return RankTestResult(statistic: u1, pValue: min(1, 2 * NormalDistribution.survival(z)), effectSize: effect,
                              method: .normal, sizes: [n1, n2])
    }

    /// counts[u] = number of orderings of n1 x's and n2 y's (no ties) whose U equals u: the
    /// coefficients of the Gaussian binomial [n1 + n2 choose n1]_q = Π_{i=1…n1} (1 − q^{n2+i}) / (1 − q^i).
    static func distribution(_ n1: Int, _ n2: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n1 * n2 + 1)
        c[0] = 1
        for i in 1...n1 {
            let a = n2 + i
            if a < c.count { for u in stride(from: c.count - 1, through: a, by: -1) { c[u] -= c[u - a] } }
            if i < c.count { for u in i..<c.count { c[u] += c[u - i] } }
        }
        return c
    }
}
