import Foundation

/// The standard normal distribution's tails, for the large-sample approximations of the rank tests.
enum NormalDistribution {
    /// P(Z > z).
    static func survival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// Two-sided p-value of a z statistic: P(|Z| ≥ |z|), at most 1.
    static func twoSided(_ z: Double) -> Double { min(1, 2 * survival(abs(z))) }
}
