/// CPython's `random.Random` generator (MT19937 with CPython's seeding), ported exactly so that
/// shuffles made with it reproduce the benchmark's orderings (NATS-Bench index, CIFAR-10 split).
///
/// Only the pieces the benchmark uses are ported: `seed(int)`, `getrandbits(k ≤ 32)`,
/// `_randbelow(n)`, `shuffle(list)` and `random()`. The state is `Codable` so that a generator
/// can be checkpointed and resumed bit for bit.
public struct PythonRandom: Codable, Equatable, Sendable {
    private static let n = 624
    private static let m = 397

    private var mt: [UInt32]
    private var index: Int

    /// Seeds as CPython's `random.seed(seed)` does for a non-negative integer seed.
    /// Complexity: O(624).
    public init(seed: UInt64) {
        // CPython splits the absolute value of the seed into 32-bit words, least significant first.
        var key: [UInt32] = []
        var rest = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest != 0
        mt = PythonRandom.initByArray(key)
        index = PythonRandom.n
    }

    private static func initGenrand(_ s: UInt32) -> [UInt32] {
        var mt = [UInt32](repeating: 0, count: n)
        mt[0] = s
        for i in 1..<n {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        return mt
    }

    private static func initByArray(_ key: [UInt32]) -> [UInt32] {
        var mt = initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(n, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
        }
        mt[0] = 0x8000_0000
        return mt
    }

    private mutating func twist() {
        let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7FFF_FFFF, matrixA: UInt32 = 0x9908_B0DF
        for k in 0..<PythonRandom.n {
            let y = (mt[k] & upper) | (mt[(k + 1) % PythonRandom.n] & lower)
            mt[k] = mt[(k + PythonRandom.m) % PythonRandom.n] ^ (y >> 1) ^ ((y & 1) != 0 ? matrixA : 0)
        }
        index = 0
    }

    /// The next tempered 32-bit output of MT19937 (CPython `genrand_uint32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= PythonRandom.n { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.getrandbits(k)` for 1 ≤ k ≤ 32.
    public mutating func getrandbits(_ k: Int) -> UInt32 {
        precondition(k >= 1 && k <= 32, "getrandbits supports 1...32 bits")
        return nextUInt32() >> UInt32(32 - k)
    }

    /// `random._randbelow(n)`: uniform in 0..<n by rejection on `bit_length(n)` bits.
    /// Precondition: 1 ≤ n < 2^32.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n >= 1 && n <= Int(UInt32.max), "randbelow needs 1 ≤ n < 2^32")
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getrandbits(k))
        while r >= n { r = Int(getrandbits(k)) }
        return r
    }

    /// `random.shuffle(x)`: Fisher–Yates from the back, exactly as CPython 3 does it.
    public mutating func shuffle<T>(_ x: inout [T]) {
        guard x.count > 1 else { return }
        for i in stride(from: x.count - 1, through: 1, by: -1) {
            let j = randbelow(i + 1)
            x.swapAt(i, j)
        }
    }

    /// `random.random()`: a double in [0, 1) with 53 random bits.
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }
}
