import CellSpace
import Evolution
import RunModel

/// The state of a search whose candidates are evaluated by many workers at once: the evolution
/// state (history, population, generator) plus the proposals handed out and not yet completed,
/// and (generations mode) the completions received but not yet applied. It is a pure function of
/// the search log (`AsyncSearch.replay`).
package struct AsyncSearchState: Codable, Equatable {
    /// A proposal handed out to a worker, by its proposal number.
    package struct InFlight: Codable, Equatable {
        package var number: Int
        package var proposal: Proposal<Cell>
    }

    /// A completion received before it may join the history (generations mode): its record is
    /// final (`record.number` is the history place it will take).
    package struct Received: Codable, Equatable {
        package var work: InFlight
        package var record: EvaluationRecord
    }

    package var search: SearchState<Cell>
    /// Proposals made so far (the next proposal's number).
    package var proposed: Int = 0
    /// Proposals without a completion, by number.
    package var inFlight: [InFlight] = []
    /// The proposal number of each history entry (history order = completion order, or proposal
    /// order in generations mode).
    package var completedProposals: [Int] = []
    /// Generations mode: completions waiting for their predecessors (and the rest of their
    /// generation's proposals), by proposal number; always empty when asynchronous.
    package var received: [Received] = []

    package init(seed: UInt64) { search = SearchState(seed: seed) }

    enum CodingKeys: String, CodingKey { case search, proposed, inFlight, completedProposals, received }

    /// Decodes a stored state; one stored before generations mode existed has nothing received.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        search = try c.decode(SearchState<Cell>.self, forKey: .search)
        proposed = try c.decode(Int.self, forKey: .proposed)
        inFlight = try c.decode([InFlight].self, forKey: .inFlight)
        completedProposals = try c.decode([Int].self, forKey: .completedProposals)
        received = try c.decodeIfPresent([Received].self, forKey: .received) ?? []
    }

    /// The in-flight proposal `number`, if any.
    package func inFlight(_ number: Int) -> InFlight? { inFlight.first { $0.number == number } }
}
