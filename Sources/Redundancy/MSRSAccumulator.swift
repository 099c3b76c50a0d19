/// Streams batches of L representations into an MSRS measurement (spec §3–§5).
///
/// Feed one batch at a time (`add(layers:)`, or a `GramBatch` built layer by layer to release each
/// activation early), then `finish()`. Per batch it keeps only the L × L similarity matrix, so the
/// activations of earlier batches are never needed again.
///
/// A batch whose score is NaN (a degenerate layer) is dropped: it counts in `batchesSeen` but not in
/// the mean score, the mean CKA matrix or the adjacent similarities.
public struct MSRSAccumulator: Sendable {
    /// L, the representations every batch must provide.
    public let layerCount: Int
    /// The soft-count constants of the measurement.
    public let parameters: MSRSParameters
    /// Score of every batch fed so far, in order; nil marks a dropped (NaN) batch.
    public private(set) var batchScores: [Double?] = []
    private var scoreSum = 0.0
    private var similaritySum: [Double]

    /// - Throws: `RedundancyError.tooFewLayers` for L < 2, `.invalidParameter` for bad β or τ.
    public init(layerCount: Int, parameters: MSRSParameters = .init()) throws {
        guard layerCount >= 2 else { throw RedundancyError.tooFewLayers(count: layerCount) }
        try parameters.validate()
        self.layerCount = layerCount
        self.parameters = parameters
        self.similaritySum = [Double](repeating: 0, count: layerCount * layerCount)
    }

    /// Batches whose score was finite.
    public var batchesUsed: Int { batchScores.lazy.filter { $0 != nil }.count }

    /// Adds one batch given as L feature matrices on the same n samples, in tap order.
    /// - Returns: the batch's MSRS, or nil if it was dropped as NaN.
    /// - Throws: `.layerCountMismatch`, `.sampleCountMismatch`, `.tooFewSamples` (nothing is recorded then).
    @discardableResult
    public mutating func add(layers: [FeatureMatrix]) throws -> Double? {
        guard layers.count == layerCount else {
            throw RedundancyError.layerCountMismatch(batch: batchScores.count, expected: layerCount, found: layers.count)
        }
        return try add(GramBatch(layers: layers, estimator: parameters.estimator))
    }

    /// Adds one batch whose Grams were prepared by the caller (estimator must match the parameters').
    @discardableResult
    public mutating func add(_ batch: GramBatch) throws -> Double? {
        guard batch.estimator == parameters.estimator else {
            throw RedundancyError.invalidSimilarityMatrix(
                reason: "batch uses the \(batch.estimator.rawValue) estimator, the measurement \(parameters.estimator.rawValue)")
        }
        return try add(similarities: batch.similarityMatrix())
    }

    /// Adds one batch given directly as its L × L similarity matrix.
    @discardableResult
    public mutating func add(similarities: SimilarityMatrix) throws -> Double? {
        guard similarities.count == layerCount else {
            throw RedundancyError.layerCountMismatch(batch: batchScores.count, expected: layerCount,
                                                     found: similarities.count)
        }
        let score = MSRS.score(similarities, parameters: parameters)
        guard !score.isNaN else {
            batchScores.append(nil)
            return nil
        }
        batchScores.append(score)
        scoreSum += score
        for k in similaritySum.indices { similaritySum[k] += similarities.values[k] }
        return score
    }

    /// The measurement so far: mean of the used batches' scores, or `.undefined` with the reason.
    public func finish() -> MSRSResult {
        let used = batchesUsed
        let pairs = MSRS.pairCount(layers: layerCount)
        guard used > 0 else {
            let reason = batchScores.isEmpty
                ? "no batch was measured"
                : "all \(batchScores.count) batches had a NaN score (a layer with degenerate features, self-HSIC ≤ 0)"
            return MSRSResult(score: .undefined(reason: reason), layers: layerCount, pairs: pairs,
                              batchesSeen: batchScores.count, batchesUsed: 0, batchScores: batchScores,
                              cka: nil, adjacent: nil, parameters: parameters)
        }
        let msrs = scoreSum / Double(used)
        let mean = try! SimilarityMatrix(count: layerCount, values: similaritySum.map { $0 / Double(used) })
        return MSRSResult(score: .defined(msrs: msrs, normalized: msrs / Double(pairs)), layers: layerCount,
                          pairs: pairs, batchesSeen: batchScores.count, batchesUsed: used,
                          batchScores: batchScores, cka: mean.rows, adjacent: mean.adjacent, parameters: parameters)
    }
}
