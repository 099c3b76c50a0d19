import ConfigKit

/// The `statistics` section: bootstrap confidence intervals.
package struct StatisticsSettings: Codable, Equatable, ConfigValidatable {
    /// Confidence level of the intervals.
    package var confidence: Double = 0.95
    /// Bootstrap resamples per interval.
    package var resamples: Int = 10_000
    /// Seed of the bootstrap (each metric draws from its own stream, the same in every arm).
    package var seed: Int = 0

    enum CodingKeys: String, CodingKey { case confidence, resamples, seed }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        confidence = try c.decode(.confidence, default: d.confidence)
        resamples = try c.decode(.resamples, default: d.resamples)
        seed = try c.decode(.seed, default: d.seed)
    }

    package func validate() throws {
        try require(confidence > 0 && confidence < 1, "confidence", "must be between 0 and 1, found \(confidence)")
        try require((100...1_000_000).contains(resamples), "resamples", "must be between 100 and 1000000, found \(resamples)")
        try require(seed >= 0, "seed", "must be ≥ 0, found \(seed)")
    }
}
