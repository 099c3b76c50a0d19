/// The outcome of evaluating one genome (training a candidate network and scoring it).
///
/// Units: accuracies are top-1 **percent** (0–100), as the benchmark reports them; the MSRS is the
/// normalised score MSRS / (L(L−1)/2) in [0, 1].
public struct EvaluationResult: Codable, Equatable, Sendable {
    /// Whether the evaluation produced usable numbers.
    public enum Status: String, Codable, Sendable {
        /// Trained and scored.
        case completed
        /// Training diverged (non-finite loss or weights): ranks last under every fitness.
        case diverged
    }

    /// Whether the numbers are usable.
    public var status: Status
    /// Validation accuracy (%): the only accuracy any fitness uses.
    public var validAccuracy: Double
    /// Normalised MSRS in [0, 1], or `nil` when undefined (every batch gave NaN similarities).
    /// Redundancy-aware fitnesses treat an undefined score as the worst possible, 1 (see ``Fitness``).
    public var normalizedMSRS: Double?
    /// Test accuracy (%), recorded for reports only: **never** used to choose anything.
    public var testAccuracy: Double?

    /// A result; accuracies in percent, MSRS normalised to [0, 1].
    public init(validAccuracy: Double, normalizedMSRS: Double?, testAccuracy: Double? = nil,
                status: Status = .completed) {
        self.status = status
        self.validAccuracy = validAccuracy
        self.normalizedMSRS = normalizedMSRS
        self.testAccuracy = testAccuracy
    }

    /// A diverged evaluation (accuracy recorded as given, usually chance level or 0).
    public static func diverged(validAccuracy: Double = 0) -> EvaluationResult {
        EvaluationResult(validAccuracy: validAccuracy, normalizedMSRS: nil, status: .diverged)
    }

    // `normalizedMSRS` is written as `normalizedMsrs`, which a snake_case encoder turns into
    // `normalized_msrs` and a snake_case decoder back; files written before that key style
    // carry `normalizedMSRS`, which is still read.
    private enum CodingKeys: String, CodingKey {
        case status, validAccuracy, normalizedMSRS = "normalizedMsrs", testAccuracy
        case legacyNormalizedMSRS = "normalizedMSRS"
    }

    /// Decodes the current keys, and `normalizedMSRS` as files from before snake_case keys spell it.
    ///
    /// - Throws: `DecodingError` when a key is missing or has the wrong type.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(Status.self, forKey: .status)
        validAccuracy = try c.decode(Double.self, forKey: .validAccuracy)
        normalizedMSRS = try c.decodeIfPresent(Double.self, forKey: .normalizedMSRS)
            ?? c.decodeIfPresent(Double.self, forKey: .legacyNormalizedMSRS)
        testAccuracy = try c.decodeIfPresent(Double.self, forKey: .testAccuracy)
    }

    /// Encodes the four fields (absent optionals omitted).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(validAccuracy, forKey: .validAccuracy)
        try c.encodeIfPresent(normalizedMSRS, forKey: .normalizedMSRS)
        try c.encodeIfPresent(testAccuracy, forKey: .testAccuracy)
    }

    /// The normalised MSRS with "undefined" read as the worst redundancy, 1.
    public var effectiveMSRS: Double { normalizedMSRS ?? 1 }

    /// Whether the result may compete at all (diverged results always rank last).
    public var isUsable: Bool { status == .completed && validAccuracy.isFinite }
}
