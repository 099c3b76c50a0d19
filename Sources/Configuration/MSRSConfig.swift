import ConfigKit

/// The `msrs` section: how redundancy is measured on each trained candidate (MSRS spec §1–§4).
package struct MSRSConfig: Codable, Equatable, ConfigValidatable {
    package enum Pooling: String, Codable, CaseIterable, ConfigEnumeration {
        /// Global average pooling of each IR to (n, C) (the reference).
        case gap
        /// Full flattening to (n, C·H·W).
        case flatten
    }

    package enum Split: String, Codable, CaseIterable, ConfigEnumeration { case valid, test }

    package enum Estimator: String, Codable, CaseIterable, ConfigEnumeration {
        /// Unbiased linear CKA (the reference).
        case unbiased
        /// Biased (plain) linear CKA.
        case biased
    }

    /// Batches scored (the first ones of the split, unshuffled); MSRS = their mean. Reference: 10.
    package var batches: Int = 10
    /// Images per batch. Reference: 256.
    package var batchSize: Int = 256
    /// Sigmoid steepness β. Reference: 100.
    package var beta: Double = 100
    /// Similarity threshold τ. Reference: 0.8.
    package var tau: Double = 0.8
    /// IR reduction: `gap` (reference) or `flatten`.
    package var pooling: Pooling = .gap
    /// Images scored: `valid` (default; keeps the test set out of the search) or `test`.
    package var split: Split = .valid
    /// CKA estimator: `unbiased` (reference) or `biased`.
    package var kind: Estimator = .unbiased

    enum CodingKeys: String, CodingKey { case batches, batchSize = "batch_size", beta, tau, pooling, split, kind }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        batches = try c.decode(.batches, default: d.batches)
        batchSize = try c.decode(.batchSize, default: d.batchSize)
        beta = try c.decode(.beta, default: d.beta)
        tau = try c.decode(.tau, default: d.tau)
        pooling = try c.decode(.pooling, default: d.pooling)
        split = try c.decode(.split, default: d.split)
        kind = try c.decode(.kind, default: d.kind)
    }

    package func validate() throws {
        try require(batches >= 1, "batches", "must be at least 1, found \(batches)")
        try require(batchSize >= 4, "batch_size", "must be at least 4 (unbiased CKA needs n > 3), found \(batchSize)")
        // One n×n Gram in Double per tap: 4096 images already take 128 MiB a tap.
        try require(batchSize <= 4096, "batch_size", "must be at most 4096 (each tap's Gram is n×n), found \(batchSize)")
        try require(beta > 0, "beta", "must be > 0, found \(beta)")
        try require((-1...1).contains(tau), "tau", "must be in [-1, 1], found \(tau)")
    }
}
