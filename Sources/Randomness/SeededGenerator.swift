/// The project's general-purpose random generator: xoshiro256** seeded through SplitMix64.
///
/// Every random decision in RedNAS (weight init, augmentation, shuffling, sampling, mutation) flows
/// through a value of this type that the caller owns; there is no global generator. The state is a
/// plain `Codable` value so checkpoints restore it exactly. The helpers below are defined here
/// rather than taken from the standard library so results do not change with the Swift version.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for `seed`; different `stream`s of one seed are statistically independent.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var streamMix = SplitMix64(state: stream)
        var sm = SplitMix64(state: seed ^ (stream == 0 ? 0 : streamMix.next()))
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// A new, independent generator derived from this one's seed material and a label; this
    /// generator's own sequence is not advanced. Use it to give sub-tasks their own streams.
    public func derived(_ label: UInt64) -> SeededGenerator {
        var sm = SplitMix64(state: s0 ^ s2.rotateLeft(17) ^ (label &* 0xBF58_476D_1CE4_E5B9))
        return SeededGenerator(seed: sm.next(), stream: label &+ 1)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotateLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotateLeft(45)
        return result
    }

    /// Uniform integer in `0..<bound` (Lemire's nearly-divisionless method, unbiased).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "int(below:) needs a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Uniform Float in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform Double in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Uniform Float in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextFloat() }

    /// True with probability `p`.
    public mutating func bernoulli(_ p: Double) -> Bool { nextDouble() < p }

    /// Fisher–Yates shuffle driven by this generator.
    public mutating func shuffle<T>(_ x: inout [T]) {
        guard x.count > 1 else { return }
        for i in stride(from: x.count - 1, through: 1, by: -1) { x.swapAt(i, int(below: i + 1)) }
    }
}

/// SplitMix64, used only to expand a seed into xoshiro state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotateLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
