/// Pointwise summary of several curves sampled on a common grid: the mean and a band.
public struct Band: Codable, Equatable, Sendable {
    /// The grid (x values).
    public var x: [Double]
    /// Mean over the curves that have a value at each x (nil where none has).
    public var mean: [Double?]
    /// Lowest value at each x (nil where no curve has a value).
    public var lower: [Double?]
    /// Highest value at each x (nil where no curve has a value).
    public var upper: [Double?]
    /// How many curves have a value at each x.
    public var count: [Int]

    /// Summarises `curves` (each sampled on `x`; nil = no value there) pointwise: mean, min and max.
    /// - Precondition: every curve has `x.count` entries.
    public init(x: [Double], curves: [[Double?]]) {
        precondition(curves.allSatisfy { $0.count == x.count }, "curves must be sampled on the grid")
        self.x = x
        let columns = x.indices.map { i in curves.compactMap { $0[i] } }
        mean = columns.map { Descriptive.mean($0) }
        lower = columns.map { $0.min() }
        upper = columns.map { $0.max() }
        count = columns.map(\.count)
    }

    /// The value at each of `grid` of the step function that takes `values[k]` from `steps[k]` on
    /// (steps sorted ascending); nil before the first step.
    public static func sampleSteps(steps: [Double], values: [Double], at grid: [Double]) -> [Double?] {
        precondition(steps.count == values.count, "one value per step")
        var result: [Double?] = []
        var k = -1
        for g in grid {
            while k + 1 < steps.count && steps[k + 1] <= g { k += 1 }
            result.append(k >= 0 ? values[k] : nil)
        }
        return result
    }
}
