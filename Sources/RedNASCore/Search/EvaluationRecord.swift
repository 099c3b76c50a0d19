import CellSpace
import Evolution
import Foundation

/// One line of a run's evaluation journal: everything known about a finished evaluation.
public struct EvaluationRecord: Codable, Equatable, Sendable {
    public var number: Int
    public var arch: String
    public var index: Int
    public var canonical: String
    public var seed: UInt64
    /// History number of the parent (nil for random samples).
    public var parent: Int?
    /// History number whose result was reused (same canonical cell), when the cache served it.
    public var reusedFrom: Int?
    /// What the search's fitness sees (valid accuracy, normalised MSRS, test accuracy, status).
    public var result: EvaluationResult
    public var metrics: CandidateMetrics
    /// Seconds charged to the time budget (0 for a reused result).
    public var seconds: Double
    public var finishedAt: String

    public var reused: Bool { reusedFrom != nil }

    /// The cell, parsed from the journal's string.
    public func cell() throws -> Cell { try Cell(architectureString: arch) }

    /// Maps an evaluator's metrics to what the search ranks on. Test accuracy is carried along for
    /// reporting but the fitness never reads it.
    public static func searchResult(from m: CandidateMetrics) -> EvaluationResult {
        if m.diverged != nil { return .diverged() }
        return EvaluationResult(validAccuracy: m.validAccuracy, normalizedMSRS: m.msrsNormalized,
                                testAccuracy: m.testAccuracy)
    }
}
