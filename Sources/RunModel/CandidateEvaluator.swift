import CellSpace
import Foundation

package enum CandidateOutcome: Equatable, Sendable {
    case finished(CandidateMetrics)
    /// A stop was requested; the candidate's last epoch checkpoint (if any) stays for resuming.
    case interrupted
}

/// Trains and scores candidates. The real one trains on data; tests use a fast deterministic fake.
///
/// Contract: the outcome is a function of (task, configuration) only — the same task evaluated
/// again, or resumed from the checkpoint it left in `directory`, gives the same metrics (up to
/// the measured seconds).
package protocol CandidateEvaluator {
    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome

    /// The parameter and FLOP counts of `cell`'s own network at this evaluator's shape. A record
    /// served from the canonical-form cache carries these, not its source's (canonically equal
    /// cells compute the same function but may hold different, dead, operations). nil = unknown.
    func networkCounts(for cell: Cell) -> NetworkCounts?
}

extension CandidateEvaluator {
    package func networkCounts(for cell: Cell) -> NetworkCounts? { nil }
}
