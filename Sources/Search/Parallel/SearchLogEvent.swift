import CellSpace
import RunModel

/// One entry of a parallel search's log, in the order the store serialized it. Replaying the
/// proposals, promotions and completions (`AsyncSearch.replay`) rebuilds the search state exactly.
package enum SearchLogEvent: Codable, Equatable, Sendable {
    /// Proposal `number` (architecture `arch`) was made from the state at that moment.
    case proposed(number: Int, arch: String)
    /// Multi-fidelity searches: candidate `candidate` (history index), first proposed as `number`,
    /// was handed out to continue to `rung` of its bracket.
    case promoted(number: Int, candidate: Int, rung: Int)
    /// Work `number` completed; `record.number` is its place in the journal.
    case completed(number: Int, record: EvaluationRecord)

    /// The work number the event is about.
    package var number: Int {
        switch self {
        case let .proposed(number, _), let .promoted(number, _, _), let .completed(number, _): number
        }
    }

    /// "proposed", "promoted" or "completed" (the log's `kind` column).
    package var kind: String {
        switch self {
        case .proposed: "proposed"
        case .promoted: "promoted"
        case .completed: "completed"
        }
    }

    /// The kinds that are part of the state's replay (the others in a log are notes).
    package static let stateKinds: Set<String> = ["proposed", "promoted", "completed"]
}
