/// Descriptive statistics of a sample.
public enum Descriptive {
    /// The arithmetic mean; nil for an empty sample.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n − 1 in the denominator); nil below two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let m = mean(values) else { return nil }
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// The q-quantile of `values` by linear interpolation between order statistics (NumPy's
    /// default, Hyndman–Fan type 7): position (n − 1)·q in the sorted sample.
    /// - Precondition: `values` is not empty and 0 ≤ q ≤ 1.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        quantile(sorted: values.sorted(), q)
    }

    /// ``quantile(_:_:)`` of an already sorted sample.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty && (0...1).contains(q), "a non-empty sample and 0 ≤ q ≤ 1")
        let position = Double(sorted.count - 1) * q
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return fraction == 0 ? sorted[low] : sorted[low] + (sorted[high] - sorted[low]) * fraction
    }

    /// Mid-ranks (1-based; tied values share the mean of their ranks) of `values`, in input order,
    /// and the sizes of the tie groups (only groups of two or more).
    public static func ranks(_ values: [Double]) -> (ranks: [Double], ties: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var ties: [Int] = []
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { ranks[order[k]] = rank }
            if end > start { ties.append(end - start + 1) }
            start = end + 1
        }
        return (ranks, ties)
    }
}
