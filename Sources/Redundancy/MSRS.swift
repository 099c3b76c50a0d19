import Foundation

/// The constants of the MSRS soft count (spec §3).
public struct MSRSParameters: Codable, Equatable, Sendable {
    /// β, the sharpness of the soft threshold. Reference: 100.
    public var beta: Double
    /// τ, the similarity above which a pair counts as redundant. Reference: 0.8.
    public var threshold: Double
    /// The CKA estimator used to form S. Reference: unbiased.
    public var estimator: CKAEstimator

    /// The constants; the defaults are the reference values.
    public init(beta: Double = 100, threshold: Double = 0.8, estimator: CKAEstimator = .unbiased) {
        self.beta = beta
        self.threshold = threshold
        self.estimator = estimator
    }

    /// - Throws: `RedundancyError.invalidParameter` unless β is finite and > 0 and τ is finite.
    public func validate() throws {
        guard beta.isFinite, beta > 0 else {
            throw RedundancyError.invalidParameter(name: "beta", value: beta, reason: "must be finite and > 0")
        }
        guard threshold.isFinite else {
            throw RedundancyError.invalidParameter(name: "threshold", value: threshold, reason: "must be finite")
        }
    }
}

/// Model Structural Redundancy Score: a soft count of near-duplicate layer pairs (spec §3).
public enum MSRS {
    /// L(L−1)/2, the number of layer pairs and the maximum score.
    public static func pairCount(layers: Int) -> Int { layers * (layers - 1) / 2 }

    /// MSRS_batch = Σ_{i<j} σ(2β(S_ij − τ)); NaN if any off-diagonal entry is NaN. Complexity O(L²).
    /// Only the upper triangle is read.
    public static func score(_ similarities: SimilarityMatrix, parameters: MSRSParameters = .init()) -> Double {
        let l = similarities.count
        var sum = 0.0
        for i in 0..<l {
            for j in (i + 1)..<max(i + 1, l) {
                sum += logistic(2 * parameters.beta * (similarities[i, j] - parameters.threshold))
            }
        }
        return sum
    }

    /// σ(x) = 1/(1 + e^−x), written so that neither branch overflows; NaN stays NaN.
    @inline(__always)
    static func logistic(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}

