import CellSpace
import Evolution

/// The state of a search whose candidates are evaluated by many workers at once: the evolution
/// state (history in completion order, population, generator) plus the proposals handed out and
/// not yet completed. It is a pure function of the search log (`AsyncSearch.replay`).
package struct AsyncSearchState: Codable, Equatable {
    /// A proposal handed out to a worker, by its proposal number.
    package struct InFlight: Codable, Equatable {
        package var number: Int
        package var proposal: Proposal<Cell>
    }

    package var search: SearchState<Cell>
    /// Proposals made so far (the next proposal's number).
    package var proposed: Int = 0
    /// Proposals without a completion, by number.
    package var inFlight: [InFlight] = []
    /// The proposal number of each history entry (history order = completion order).
    package var completedProposals: [Int] = []

    package init(seed: UInt64) { search = SearchState(seed: seed) }

    /// The in-flight proposal `number`, if any.
    package func inFlight(_ number: Int) -> InFlight? { inFlight.first { $0.number == number } }
}
