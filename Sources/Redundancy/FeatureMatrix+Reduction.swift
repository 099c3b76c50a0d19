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
                    var sum = 0.0
                    let base = plane * spatial
                    for k in 0..<spatial { sum += Double(src[base + k]) }
                    dst[plane] = sum * scale
                }
            }
        }
        return try FeatureMatrix(rows: n, columns: channels, values: pooled)
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
