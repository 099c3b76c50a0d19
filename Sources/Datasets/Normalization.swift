/// Per-channel normalisation of pixels: `value = (pixel / 255 − mean[c]) / std[c]`, with `mean` and
/// `std` in 0…1 units (the benchmark's constants ×1/255).
public struct Normalization: Equatable, Codable, Sendable {
    /// Per-channel mean, 0…1 units.
    public var mean: [Float]
    /// Per-channel standard deviation, 0…1 units.
    public var std: [Float]

    /// `mean` and `std` in 0…1 units, one per channel; every std must be positive.
    public init(mean: [Float], std: [Float]) throws {
        guard mean.count == std.count, !mean.isEmpty else {
            throw DatasetError.invalidRequest("normalisation needs one mean and one std per channel "
                + "(got \(mean.count) means, \(std.count) stds)")
        }
        guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw DatasetError.invalidRequest("normalisation std must be positive and finite: \(std)")
        }
        self.mean = mean; self.std = std
    }

    /// From constants in 0…255 units (as the spec writes them).
    public init(mean255: [Double], std255: [Double]) throws {
        try self.init(mean: mean255.map { Float($0 / 255) }, std: std255.map { Float($0 / 255) })
    }

    /// The benchmark's CIFAR-10 constants: mean [125.3, 123.0, 113.9], std [63.0, 62.1, 66.7] (×1/255).
    public static let cifar10 = try! Normalization(mean255: [125.3, 123.0, 113.9], std255: [63.0, 62.1, 66.7])
    /// The benchmark's CIFAR-100 constants: mean [129.3, 124.1, 112.4], std [68.2, 65.4, 70.4] (×1/255).
    public static let cifar100 = try! Normalization(mean255: [129.3, 124.1, 112.4], std255: [68.2, 65.4, 70.4])

    /// Mean/std computed per channel over every pixel of `part` (population std). A channel with
    /// zero spread gets std 1 so that normalising stays finite.
    public static func computed(from part: ImageSet) throws -> Normalization {
        let stats = ChannelStatistics(part)
        guard part.count > 0 else {
            throw DatasetError.invalidRequest("cannot compute normalisation statistics from an empty part")
        }
        return try Normalization(mean: stats.mean255.map { Float($0 / 255) },
                                 std: stats.std255.map { $0 > 0 ? Float($0 / 255) : 1 })
    }

    /// The default for a dataset: the spec's constants for CIFAR-10/100, otherwise computed from the
    /// training part.
    public static func defaultFor(_ dataset: Dataset) throws -> Normalization {
        switch dataset.format {
        case .cifar10: return cifar10
        case .cifar100: return cifar100
        case .idx: return try computed(from: dataset.train)
        }
    }

    /// The normalised value of `pixel` in `channel`. Reference (the lookup table is built from it).
    @inline(__always)
    public func value(of pixel: UInt8, channel: Int) -> Float { (Float(pixel) / 255 - mean[channel]) / std[channel] }

    /// `table[c * 256 + p]` = `value(of: p, channel: c)`: the batch builder's fast path is a lookup.
    public func lookupTable() -> [Float] {
        var table = [Float](repeating: 0, count: mean.count * 256)
        for c in mean.indices { for p in 0..<256 { table[c * 256 + p] = value(of: UInt8(p), channel: c) } }
        return table
    }
}

/// Per-channel pixel statistics of a part, in 0…255 units (exact: computed from byte histograms).
public struct ChannelStatistics: Equatable, Codable, Sendable {
    /// Per-channel mean, 0…255 units.
    public var mean255: [Double]
    /// Population standard deviation (numpy's default, ddof = 0).
    public var std255: [Double]

    /// The statistics of every image in `part`.
    public init(_ part: ImageSet) {
        let channels = part.shape.channels, plane = part.shape.planeSize
        var histogram = [Int](repeating: 0, count: channels * 256)
        part.pixels.withUnsafeBufferPointer { pixels in
            histogram.withUnsafeMutableBufferPointer { bins in
                var offset = 0
                for _ in 0..<part.count {
                    for c in 0..<channels {
                        for i in offset..<(offset + plane) { bins[c * 256 + Int(pixels[i])] += 1 }
                        offset += plane
                    }
                }
            }
        }
        var means: [Double] = [], stds: [Double] = []
        for c in 0..<channels {
            let bins = histogram[(c * 256)..<((c + 1) * 256)]
            let n = Double(bins.reduce(0, +))
            let mean = n > 0 ? zip(0..., bins).reduce(0.0) { $0 + Double($1.0 * $1.1) } / n : 0
            let variance = n > 0 ? zip(0..., bins).reduce(0.0) { $0 + Double($1.1) * (Double($1.0) - mean) * (Double($1.0) - mean) } / n : 0
            means.append(mean); stds.append(variance.squareRoot())
        }
        mean255 = means; std255 = stds
    }

    /// Per-channel mean, 0…1 units.
    public var mean01: [Double] { mean255.map { $0 / 255 } }
    /// Per-channel population standard deviation, 0…1 units.
    public var std01: [Double] { std255.map { $0 / 255 } }
}
