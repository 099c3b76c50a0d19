/// The score of a measurement: a number, or explicitly undefined (never silently 0; spec §4).
public enum MSRSScore: Equatable, Sendable {
    /// Mean per-batch MSRS and that divided by L(L−1)/2.
    case defined(msrs: Double, normalized: Double)
    /// No batch gave a finite score; `reason` says why.
    case undefined(reason: String)
}

/// A finished MSRS measurement. JSON keys: msrs, msrsNormalized (both null when undefined),
/// undefinedReason (only when undefined), layers, pairs, batchesSeen, batchesUsed, batchScores
/// (null = dropped batch), cka (mean L × L over used batches), adjacent (L−1 values), parameters.
public struct MSRSResult: Codable, Equatable, Sendable {
    /// The score, or why it is undefined.
    public let score: MSRSScore
    /// L, the number of representations.
    public let layers: Int
    /// L(L−1)/2.
    public let pairs: Int
    /// Batches fed to the measurement.
    public let batchesSeen: Int
    /// Batches whose score was finite and entered the mean (the others were dropped).
    public let batchesUsed: Int
    /// Every batch's score in feeding order; nil = dropped (NaN).
    public let batchScores: [Double?]
    /// Mean CKA matrix over the used batches (nil when undefined).
    public let cka: [[Double]]?
    /// s_k = mean CKA(IR_k, IR_k+1) over the used batches (nil when undefined).
    public let adjacent: [Double]?
    /// The soft-count constants the score was computed with.
    public let parameters: MSRSParameters

    /// The mean MSRS, or nil when undefined.
    public var msrs: Double? {
        if case let .defined(value, _) = score { return value }
        return nil
    }

    /// MSRS / (L(L−1)/2), or nil when undefined.
    public var msrsNormalized: Double? {
        if case let .defined(_, value) = score { return value }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case msrs, msrsNormalized, undefinedReason, layers, pairs, batchesSeen, batchesUsed, batchScores
        case cka, adjacent, parameters
    }

    /// A result from its parts; ``MSRSAccumulator`` builds it, tests and decoders use this directly.
    public init(score: MSRSScore, layers: Int, pairs: Int, batchesSeen: Int, batchesUsed: Int,
                batchScores: [Double?], cka: [[Double]]?, adjacent: [Double]?, parameters: MSRSParameters) {
        self.score = score
        self.layers = layers
        self.pairs = pairs
        self.batchesSeen = batchesSeen
        self.batchesUsed = batchesUsed
        self.batchScores = batchScores
        self.cka = cka
        self.adjacent = adjacent
        self.parameters = parameters
    }

    /// Decodes the flat JSON form described on the type (null `msrs` means undefined).
    ///
    /// - Throws: `DecodingError` when a key is missing or has the wrong type.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let msrs = try c.decodeIfPresent(Double.self, forKey: .msrs) {
            score = .defined(msrs: msrs, normalized: try c.decode(Double.self, forKey: .msrsNormalized))
        } else {
            score = .undefined(reason: try c.decode(String.self, forKey: .undefinedReason))
        }
        layers = try c.decode(Int.self, forKey: .layers)
        pairs = try c.decode(Int.self, forKey: .pairs)
        batchesSeen = try c.decode(Int.self, forKey: .batchesSeen)
        batchesUsed = try c.decode(Int.self, forKey: .batchesUsed)
        batchScores = try c.decode([Double?].self, forKey: .batchScores)
        cka = try c.decodeIfPresent([[Double]].self, forKey: .cka)
        adjacent = try c.decodeIfPresent([Double].self, forKey: .adjacent)
        parameters = try c.decode(MSRSParameters.self, forKey: .parameters)
    }

    /// Encodes the flat JSON form described on the type.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch score {
        case let .defined(msrs, normalized):
            try c.encode(msrs, forKey: .msrs)
            try c.encode(normalized, forKey: .msrsNormalized)
        case let .undefined(reason):
            try c.encodeNil(forKey: .msrs)
            try c.encodeNil(forKey: .msrsNormalized)
            try c.encode(reason, forKey: .undefinedReason)
        }
        try c.encode(layers, forKey: .layers)
        try c.encode(pairs, forKey: .pairs)
        try c.encode(batchesSeen, forKey: .batchesSeen)
        try c.encode(batchesUsed, forKey: .batchesUsed)
        try c.encode(batchScores, forKey: .batchScores)
        try c.encode(cka, forKey: .cka)
        try c.encode(adjacent, forKey: .adjacent)
        try c.encode(parameters, forKey: .parameters)
    }
}
