import CellSpace
import RunModel

/// One entry of a parallel search's log, in the order the store serialized it. Replaying the
/// proposals and completions (`AsyncSearch.replay`) rebuilds the search state exactly.
package enum SearchLogEvent: Codable, Equatable, Sendable {
    /// Proposal `number` (architecture `arch`) was made from the state at that moment.
    case proposed(number: Int, arch: String)
    /// Proposal `number` completed; `record.number` is its place in the history.
    case completed(number: Int, record: EvaluationRecord)

    /// The proposal number the event is about.
    package var number: Int {
        switch self {
        case let .proposed(number, _), let .completed(number, _): number
        }
    }

    /// "proposed" or "completed" (the log's `kind` column).
    package var kind: String {
        switch self {
        case .proposed: "proposed"
        case .completed: "completed"
        }
    }
}
