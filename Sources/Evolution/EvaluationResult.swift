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

    /// The normalised MSRS with "undefined" read as the worst redundancy, 1.
    public var effectiveMSRS: Double { normalizedMSRS ?? 1 }

    /// Whether the result may compete at all (diverged results always rank last).
    public var isUsable: Bool { status == .completed && validAccuracy.isFinite }
}
