import Randomness

/// A percentile bootstrap confidence interval of a sample mean.
public struct BootstrapInterval: Codable, Equatable, Sendable {
    /// The sample mean.
    public var mean: Double
    /// Lower end of the interval.
    public var lower: Double
    /// Upper end of the interval.
    public var upper: Double
    /// The confidence level, e.g. 0.95.
    public var confidence: Double
    /// The number of bootstrap resamples drawn.
    public var resamples: Int
    /// The sample size.
    public var count: Int

    /// An interval with the given fields.
    public init(mean: Double, lower: Double, upper: Double, confidence: Double, resamples: Int, count: Int) {
        self.mean = mean; self.lower = lower; self.upper = upper
        self.confidence = confidence; self.resamples = resamples; self.count = count
    }
}

/// The nonparametric bootstrap of the mean (Efron's percentile method), driven by a seeded
/// generator so that the same sample, resample count and seed always give the same interval.
public enum Bootstrap {
    /// The means of `resamples` resamples of `values` (each drawn with replacement, same size),
    /// in drawing order. Resample b draws its indices from `SeededGenerator(seed: seed)` in turn.
    /// Empty when `values` is empty.
    public static func resampledMeans(_ values: [Double], resamples: Int, seed: UInt64) -> [Double] {
        guard !values.isEmpty, resamples > 0 else { return [] }
        var generator = SeededGenerator(seed: seed)
        let n = values.count
        return (0..<resamples).map { _ in
            var sum = 0.0
            for _ in 0..<n { sum += values[generator.int(below: n)] }
            return sum / Double(n)
        }
    }

    /// The `confidence` percentile interval of the mean of `values`: the (1 − c)/2 and (1 + c)/2
    /// quantiles (``Descriptive/quantile(_:_:)``) of the resampled means. nil for an empty sample.
    /// - Precondition: 0 < confidence < 1 and resamples ≥ 1.
    public static func meanInterval(_ values: [Double], confidence: Double = 0.95, resamples: Int = 10_000,
                                    seed: UInt64 = 0) -> BootstrapInterval? {
        precondition(confidence > 0 && confidence < 1 && resamples >= 1, "confidence in (0, 1), resamples ≥ 1")
        guard let mean = Descriptive.mean(values) else { return nil }
        let means = resampledMeans(values, resamples: resamples, seed: seed).sorted()
        let alpha = 1 - confidence
        return BootstrapInterval(mean: mean, lower: Descriptive.quantile(sorted: means, alpha / 2),
                                 upper: Descriptive.quantile(sorted: means, 1 - alpha / 2),
                                 confidence: confidence, resamples: resamples, count: values.count)
    }
}
