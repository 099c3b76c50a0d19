/// How a representation of shape (n, C, H, W) becomes an n × p feature matrix (spec §1).
public enum FeatureReduction: String, Codable, CaseIterable, Sendable {
    /// Mean over every axis after the channel axis: (n, C, H, W) → (n, C). The reference default.
    case globalAveragePool = "gap"
    /// Every value of a sample is a feature: (n, C, H, W) → (n, C·H·W).
    case flatten
}

extension FeatureMatrix {
    /// Reduces a sample-major activation buffer of shape `shape` = [n, C, spatial...] (rank ≥ 2).
    /// - Throws: `RedundancyError.invalidShape` when the shape is malformed or disagrees with the count.
    public init(reducing values: [Float], shape: [Int], by reduction: FeatureReduction) throws {
        switch reduction {
        case .globalAveragePool: self = try Self.globalAveragePooled(values, shape: shape)
        case .flatten: self = try Self.flattened(values, shape: shape)
        }
    }

    /// Global average pooling: (n, C, d₁, …) → n × C, each entry the mean of its d₁·d₂·… values
    /// (summed in Double). Rank 2 input (n, C) is returned unchanged. Complexity O(count).
    public static func globalAveragePooled(_ values: [Float], shape: [Int]) throws -> FeatureMatrix {
        try checkActivationShape(shape, count: values.count)
        let n = shape[0], channels = shape[1]
        let spatial = shape.dropFirst(2).reduce(1, *)
        var pooled = [Double](repeating: 0, count: n * channels)
        values.withUnsafeBufferPointer { src in
            pooled.withUnsafeMutableBufferPointer { dst in
                let scale = 1 / Double(spatial)
                for plane in 0..<(n * channels) {
                    dst[plane] = Self.sum(src.baseAddress! + plane * spatial, count: spatial) * scale
                }
            }
        }
        return try FeatureMatrix(rows: n, columns: channels, values: pooled)
    }

    /// Σ of `count` Floats in Double, over four independent partial sums (the single running sum is
    /// bound by add latency, not bandwidth).
    @inline(__always)
    private static func sum(_ p: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= count {
            s0 += Double(p[k]); s1 += Double(p[k + 1]); s2 += Double(p[k + 2]); s3 += Double(p[k + 3])
            k += 4
        }
        while k < count { s0 += Double(p[k]); k += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Flattening: (n, C, d₁, …) → n × (C·d₁·…), sharing `values` (no copy; row-major order is kept).
    public static func flattened(_ values: [Float], shape: [Int]) throws -> FeatureMatrix {
        try checkActivationShape(shape, count: values.count)
        return try FeatureMatrix(rows: shape[0], columns: shape.dropFirst().reduce(1, *), values: values)
    }

    private static func checkActivationShape(_ shape: [Int], count: Int) throws {
        guard shape.count >= 2 else {
            throw RedundancyError.invalidShape(shape: shape, valueCount: count,
                                               reason: "an activation needs rank ≥ 2 (samples, channels, …)")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw RedundancyError.invalidShape(shape: shape, valueCount: count, reason: "every dimension must be ≥ 1")
        }
        let expected = shape.reduce(1, *)
        guard expected == count else {
            throw RedundancyError.invalidShape(shape: shape, valueCount: count,
                                               reason: "the shape holds \(expected) values")
        }
    }
}
