/// Which linear-CKA estimator to use (spec §2).
public enum CKAEstimator: String, Codable, CaseIterable, Sendable {
    /// Unbiased HSIC (Song et al. 2012) on Grams with zeroed diagonals; the reference default. Needs n > 3.
    case unbiased
    /// Biased HSIC tr(K_c L_c)/(n−1)² on doubly centred Grams (Kornblith et al. 2019). Needs n > 1.
    case biased

    /// The smallest batch the estimator is defined for.
    public var minimumSampleCount: Int {
        switch self {
        case .unbiased: return 4
        case .biased: return 2
        }
    }
}

/// Linear CKA between two representations of the same samples.
///
/// For one pair this is the straightforward entry point; for the L × L matrix of a batch use
/// `GramBatch`, which forms every Gram once and costs O(n²) per pair after that.
public enum CKA {
    /// CKA(X, Y) ∈ [−small, 1], or NaN when a self-HSIC is ≤ 0 (degenerate, e.g. constant features).
    /// X is n × p and Y is n × q (p ≠ q is fine). Complexity O(n²(p + q)).
    /// - Throws: `RedundancyError.sampleCountMismatch` if the sample counts differ,
    ///   `.tooFewSamples` if n is below `estimator.minimumSampleCount`.
    public static func similarity(_ x: FeatureMatrix, _ y: FeatureMatrix,
                                  estimator: CKAEstimator = .unbiased) throws -> Double {
        try GramBatch(layers: [x, y], estimator: estimator).similarityMatrix()[0, 1]
    }

    /// HSIC(X, Y) with the estimator's normalisation: unbiased HSIC_u of spec §2, or tr(K_c L_c)/(n−1)².
    public static func hsic(_ x: FeatureMatrix, _ y: FeatureMatrix,
                            estimator: CKAEstimator = .unbiased) throws -> Double {
        try GramBatch(layers: [x, y], estimator: estimator).hsicMatrix()[1]
    }
}
