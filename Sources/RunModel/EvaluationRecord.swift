import CellSpace
import Evolution
import Foundation

/// One line of a run's evaluation journal: everything known about a finished evaluation.
package struct EvaluationRecord: Codable, Equatable, Sendable {
    package var number: Int
    package var arch: String
    package var index: Int
    package var canonical: String
    package var seed: UInt64
    /// History number of the parent (nil for random samples).
    package var parent: Int?
    /// History number whose result was reused (same canonical cell), when the cache served it.
    package var reusedFrom: Int?
    /// What the search's fitness sees (valid accuracy, normalised MSRS, test accuracy, status).
    package var result: EvaluationResult
    package var metrics: CandidateMetrics
    /// Seconds charged to the time budget (0 for a reused result; a rung's own training and MSRS
    /// under a scheduler).
    package var seconds: Double
    package var finishedAt: String
    /// Multi-fidelity runs only (nil otherwise): the candidate this record measures — the number of
    /// its first record, which names its folder and seed (a promotion's record continues it) …
    package var candidate: Int?
    /// … its bracket, and the rung of that bracket it reached (0 = the bracket's lowest). The
    /// fidelity is `metrics.epochs`, the epochs it was trained for.
    package var bracket: Int?
    package var rung: Int?

    package init(number: Int, arch: String, index: Int, canonical: String, seed: UInt64, parent: Int?,
                reusedFrom: Int?, result: EvaluationResult, metrics: CandidateMetrics, seconds: Double,
                finishedAt: String) {
        self.number = number; self.arch = arch; self.index = index; self.canonical = canonical
        self.seed = seed; self.parent = parent; self.reusedFrom = reusedFrom; self.result = result
        self.metrics = metrics; self.seconds = seconds; self.finishedAt = finishedAt
    }

    package var reused: Bool { reusedFrom != nil }

    /// The number of the candidate this record measures (its own number outside multi-fidelity runs).
    package var candidateNumber: Int { candidate ?? number }

    /// Whether this record continues an earlier candidate (a promotion to a higher rung).
    package var isPromotion: Bool { candidateNumber != number }

    /// The fidelity its result is compared at: the epochs trained under a scheduler, else 0 (all equal).
    package var fidelity: Int { rung == nil ? 0 : metrics.epochs }

    /// The cell, parsed from the journal's string.
    package func cell() throws -> Cell { try Cell(architectureString: arch) }

    /// The fitness value shown for this record: the penalised score under a `penalty` fitness, else
    /// valid accuracy; nil for a diverged or unusable result.
    package func fitnessValue(under fitness: Fitness) -> Double? {
        guard result.isUsable else { return nil }
        return fitness.kind == .penalty ? fitness.penalizedScore(result) : result.validAccuracy
    }

    /// Maps an evaluator's metrics to what the search ranks on. Test accuracy is carried along for
    /// reporting but the fitness never reads it.
    package static func searchResult(from m: CandidateMetrics) -> EvaluationResult {
        if m.diverged != nil { return .diverged() }
        return EvaluationResult(validAccuracy: m.validAccuracy, normalizedMSRS: m.msrsNormalized,
                                testAccuracy: m.testAccuracy)
    }
}
