import TensorEngine

/// The prepared Gram matrices of one batch's representations, each formed once (spec §2).
///
/// For layer l with features X (n × p, widened to Double) the batch stores
/// - unbiased: K̃ = X Xᵀ with a zeroed diagonal, its row sums K̃1 and its total 1ᵀK̃1;
/// - biased:   K_c = H X Xᵀ H (H = I − 11ᵀ/n), whose row sums are zero.
/// Every pair statistic then costs O(n²): tr(K̃L̃) = Σ K̃∘L̃ (Grams are symmetric) and
/// 1ᵀK̃L̃1 = (K̃1)·(L̃1); `hsicMatrix()` gets all of them from two GEMMs.
///
/// Before the Gram, features are shifted by their first sample (x_i − x_0). Both estimators are
/// invariant to a constant shift, so the value is unchanged; the shift removes the cancellation a
/// large common offset would cause, and makes constant features give an exactly zero Gram (→ NaN CKA).
///
/// Memory: L·n² Doubles (n = 256, L = 18: 9.4 MB) by default. With a `residentLimit` of R layers,
/// a batch that grows beyond R Grams moves them to an unlinked temporary file (`GramSpill`) and
/// computes the pair statistics in blocks of ⌈R/2⌉ layers, so at most R + 1 Grams are in memory at
/// once (two blocks, plus the one being formed); the file is read about 2L/R times.
public struct GramBatch: Sendable {
    /// n, the samples every representation of this batch shares.
    public let sampleCount: Int
    /// The CKA estimator the Grams are prepared for.
    public let estimator: CKAEstimator
    /// The most prepared Grams held in memory (nil: no limit).
    public let residentLimit: Int?
    /// Prepared Grams in memory, layer-major: layer l occupies [l·n², (l+1)·n²). Empty once spilled.
    private(set) var grams: [Double] = []
    /// The Grams, once there are more than `residentLimit` of them.
    private(set) var spill: GramSpill?
    /// Row sums of the prepared Grams, layer-major (L × n).
    private(set) var rowSums: [Double] = []
    /// 1ᵀK̃1 per layer.
    private(set) var totals: [Double] = []

    /// The number of representations appended so far.
    public var layerCount: Int { totals.count }

    /// An empty batch of `sampleCount` samples.
    /// - Parameters:
    ///   - sampleCount: n, the samples every representation will have.
    ///   - estimator: the CKA estimator to prepare the Grams for.
    ///   - residentLimit: the most Grams to hold in memory (at least 2); beyond it they are kept in
    ///     a temporary file. nil (the default) holds every Gram in memory.
    /// - Throws: `RedundancyError.tooFewSamples` below `estimator.minimumSampleCount`;
    ///   `.invalidParameter` for a resident limit below 2.
    public init(sampleCount: Int, estimator: CKAEstimator = .unbiased, residentLimit: Int? = nil) throws {
        guard sampleCount >= estimator.minimumSampleCount else {
            throw RedundancyError.tooFewSamples(sampleCount: sampleCount, minimum: estimator.minimumSampleCount,
                                                estimator: estimator)
        }
        if let residentLimit, residentLimit < 2 {
            throw RedundancyError.invalidParameter(name: "resident Grams", value: Double(residentLimit),
                                                   reason: "a pair statistic needs two Grams in memory")
        }
        self.sampleCount = sampleCount
        self.estimator = estimator
        self.residentLimit = residentLimit
    }

    /// A batch holding `layers` in order (n taken from the first).
    public init(layers: [FeatureMatrix], estimator: CKAEstimator = .unbiased) throws {
        guard let first = layers.first else { throw RedundancyError.tooFewLayers(count: 0) }
        try self.init(sampleCount: first.rows, estimator: estimator)
        for layer in layers { try append(layer) }
    }

    /// Forms and stores the prepared Gram of the next representation; the features are not kept,
    /// so a caller may stream layers and release each activation right after. Complexity O(n²p).
    /// Memory: besides the n² Gram, one Double panel of at most `panelElements` values (the features
    /// are widened a block of columns at a time, so a wide flattened layer is never copied whole).
    /// - Throws: `RedundancyError.sampleCountMismatch` if `features.rows` ≠ `sampleCount`.
    public mutating func append(_ features: FeatureMatrix) throws {
        guard features.rows == sampleCount else {
            throw RedundancyError.sampleCountMismatch(layer: layerCount, expected: sampleCount, found: features.rows)
        }
        let n = sampleCount
        var sums = [Double](repeating: 0, count: n)
        let p = features.columns
        let width = max(1, min(p, Self.panelElements / n))
        var formed = [Double](repeating: 0, count: n * n)
        formed.withUnsafeMutableBufferPointer { all in
            let gram = all.baseAddress!
            // K = Σ over column panels of X_panel X_panelᵀ (the first panel overwrites, the rest add).
            for start in stride(from: 0, to: p, by: width) {
                let w = min(width, p - start)
                let panel = Self.shiftedByFirstRow(features, columns: start..<(start + w))
                panel.withUnsafeBufferPointer { x in
                    BLAS.dgemm(transB: true, m: n, n: n, k: w, a: x.baseAddress!, lda: w,
                               b: x.baseAddress!, ldb: w, beta: start == 0 ? 0 : 1, c: gram, ldc: n)
                }
            }
            sums.withUnsafeMutableBufferPointer { s in
                switch estimator {
                case .unbiased: Self.zeroDiagonal(gram, n: n, rowSums: s.baseAddress!)
                case .biased: Self.doubleCenter(gram, n: n, rowSums: s.baseAddress!)
                }
            }
        }
        try store(formed)
        rowSums.append(contentsOf: sums)
        totals.append(sums.reduce(0, +))
    }

    /// Keeps the next Gram: in memory up to `residentLimit`, then (all of them) in the spill file.
    private mutating func store(_ gram: [Double]) throws {
        if spill == nil, let limit = residentLimit, layerCount + 1 > limit {
            let file = try GramSpill(gramLength: gram.count)
            try grams.withUnsafeBufferPointer { resident in
                for layer in 0..<layerCount {
                    try file.append(UnsafeBufferPointer(rebasing: resident[(layer * gram.count)..<((layer + 1) * gram.count)]))
                }
            }
            grams = []
            spill = file
        }
        guard spill != nil else { return grams.append(contentsOf: gram) }
        // A copy of this batch shares the file: give this one its own before writing.
        if !isKnownUniquelyReferenced(&spill!) { spill = try spill!.copy() }
        try gram.withUnsafeBufferPointer { try spill!.append($0) }
    }

    /// The widening panel's size in Doubles (8 MiB): bounds `append`'s transient memory.
    static let panelElements = 1 << 20

    /// Columns `columns` of X widened to Double with row 0 subtracted from every row
    /// (n × columns.count, row-major).
    private static func shiftedByFirstRow(_ features: FeatureMatrix, columns: Range<Int>) -> [Double] {
        let n = features.rows, p = features.columns, w = columns.count, c0 = columns.lowerBound
        var out = [Double](repeating: 0, count: n * w)
        out.withUnsafeMutableBufferPointer { dst in
            // Two concrete loops rather than one generic one: an unspecialised Double(T) per element is slow.
            switch features.storage {
            case .float(let v):
                v.withUnsafeBufferPointer { src in
                    for i in 0..<n { for j in 0..<w { dst[i * w + j] = Double(src[i * p + c0 + j]) - Double(src[c0 + j]) } }
                }
            case .double(let v):
                v.withUnsafeBufferPointer { src in
                    for i in 0..<n { for j in 0..<w { dst[i * w + j] = src[i * p + c0 + j] - src[c0 + j] } }
                }
            }
        }
        return out
    }

    /// K → K̃ (diagonal set to zero) and its row sums.
    private static func zeroDiagonal(_ k: UnsafeMutablePointer<Double>, n: Int, rowSums: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            k[i * n + i] = 0
            var sum = 0.0
            for j in 0..<n { sum += k[i * n + j] }
            rowSums[i] = sum
        }
    }

    /// K → H K H: K_ij − r_i/n − r_j/n + Σ/n², with r = K1 and Σ = 1ᵀK1. Row sums of the result are 0.
    private static func doubleCenter(_ k: UnsafeMutablePointer<Double>, n: Int, rowSums: UnsafeMutablePointer<Double>) {
        var rowMeans = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<n { sum += k[i * n + j] }
            rowMeans[i] = sum / Double(n)
        }
        let grandMean = rowMeans.reduce(0, +) / Double(n)
        for i in 0..<n {
            for j in 0..<n { k[i * n + j] += grandMean - rowMeans[i] - rowMeans[j] }
            rowSums[i] = 0
        }
    }
}
