/// The Wilcoxon signed-rank test of paired differences (median zero?), two-sided, as
/// `scipy.stats.wilcoxon` computes it by default (`zero_method="wilcox"`: zero differences are
/// dropped): the exact null distribution when the remaining differences have no tied magnitudes
/// and number at most ``exactLimit``, else the normal approximation with tie correction and no
/// continuity correction.
public enum WilcoxonSignedRank {
    /// Largest number of non-zero differences for which the exact distribution is used.
    public static let exactLimit = 50

    /// Tests paired samples: the differences x[i] − y[i].
    /// - Precondition: `x.count == y.count`.
    public static func test(_ x: [Double], _ y: [Double]) -> RankTestResult {
        precondition(x.count == y.count, "paired samples need the same length")
        return test(differences: zip(x, y).map { $0 - $1 })
    }

    /// Tests whether `differences` are symmetric around zero.
    public static func test(differences: [Double]) -> RankTestResult {
        let d = differences.filter { $0 != 0 }
        let n = d.count
        guard n > 0 else {
            return RankTestResult(statistic: 0, pValue: 1, effectSize: 0, method: .degenerate, sizes: [0, differences.count])
        }
        let (ranks, ties) = Descriptive.ranks(d.map(abs))
        let plus = zip(d, ranks).filter { $0.0 > 0 }.reduce(0) { $0 + $1.1 }
        let total = Double(n * (n + 1)) / 2
        let minus = total - plus
        let statistic = min(plus, minus)
        let effect = (plus - minus) / total
        if ties.isEmpty && n <= exactLimit {
            let counts = distribution(n)
            let all = counts.reduce(0, +)
            let t = Int(plus.rounded())
            let lowerTail = counts[0...t].reduce(0, +) / all
            let upperTail = counts[t...].reduce(0, +) / all
            return RankTestResult(statistic: statistic, pValue: min(1, 2 * min(lowerTail, upperTail)), effectSize: effect,
                                  method: .exact, sizes: [n, differences.count])
        }
        let nn = Double(n)
        let variance = nn * (nn + 1) * (2 * nn + 1) / 24 - ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) } / 48
        guard variance > 0 else {
            return RankTestResult(statistic: statistic, pValue: 1, effectSize: effect, method: .degenerate,
                                  sizes: [n, differences.count])
        }
        let z = (statistic - total / 2) / variance.squareRoot()
        return RankTestResult(statistic: statistic, pValue: NormalDistribution.twoSided(z), effectSize: effect,
                              method: .normal, sizes: [n, differences.count])
    }

    /// counts[t] = number of sign assignments of ranks 1…n whose positive-rank sum is t: the
    /// coefficients of Π_{i=1…n} (1 + q^i).
    static func distribution(_ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * (n + 1) / 2 + 1)
        c[0] = 1
        var top = 0
        for i in 1...n {
            top += i
            for t in stride(from: top, through: i, by: -1) { c[t] += c[t - i] }
        }
        return c
    }
}
