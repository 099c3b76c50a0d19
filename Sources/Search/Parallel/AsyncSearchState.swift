import CellSpace
import Evolution
import RunModel

/// The state of a search whose candidates are evaluated by many workers at once: the evolution
/// state (history, population, generator) plus the work handed out and not yet completed, and
/// (generations mode) the completions received but not yet applied. It is a pure function of the
/// search log (`AsyncSearch.replay`).
package struct AsyncSearchState: Codable, Equatable {
    /// Work handed out to a worker: a new proposal, or (multi-fidelity searches) the promotion of a
    /// candidate to its next rung. `number` names the candidate's work in the store: a new
    /// proposal's own number, a promotion's the number of the candidate's first proposal (its
    /// folder and seed).
    package struct InFlight: Codable, Equatable {
        package var number: Int
        package var proposal: Proposal<Cell>
        /// Multi-fidelity searches only (nil otherwise): the bracket and rung this work trains the
        /// candidate to, and the rung's epochs …
        package var bracket: Int?
        package var rung: Int?
        package var epochs: Int?
        /// … and for a promotion the candidate (history index) it continues.
        package var promotes: Int?

        package init(number: Int, proposal: Proposal<Cell>, bracket: Int? = nil, rung: Int? = nil, epochs: Int? = nil,
                     promotes: Int? = nil) {
            self.number = number; self.proposal = proposal; self.bracket = bracket; self.rung = rung
            self.epochs = epochs; self.promotes = promotes
        }
    }

    /// What a multi-fidelity search keeps per history member (candidate) besides its rung results.
    package struct RungCandidate: Codable, Equatable {
        /// The number of its first proposal (its folder and seed; promotions are handed out under it).
        package var work: Int
        /// The number of its first record (the journal's `candidate` of all its records).
        package var firstRecord: Int
        /// The training seconds its latest rung's metrics report (its whole training so far), so a
        /// promotion is charged only the seconds it added.
        package var trainSeconds: Double
    }

    /// A completion received before it may join the history (generations mode): its record is
    /// final (`record.number` is the history place it will take).
    package struct Received: Codable, Equatable {
        package var work: InFlight
        package var record: EvaluationRecord
    }

    package var search: SearchState<Cell>
    /// New proposals made so far (the next one's number). Under a scheduler promotions count too,
    /// so that with one worker a candidate's number is its first record's number, as in a
    /// one-process run.
    package var proposed: Int = 0
    /// Work without a completion.
    package var inFlight: [InFlight] = []
    /// The work number of each completed record, in record order (the history order outside
    /// multi-fidelity searches, where every record is a new history member; completion order, or
    /// proposal order in generations mode).
    package var completedProposals: [Int] = []
    /// Multi-fidelity searches only (nil otherwise): per history member, see `RungCandidate`.
    package var rungCandidates: [RungCandidate]?
    /// Generations mode: completions waiting for their predecessors (and the rest of their
    /// generation's proposals), by proposal number; always empty when asynchronous.
    package var received: [Received] = []

    package init(seed: UInt64) { search = SearchState(seed: seed) }

    enum CodingKeys: String, CodingKey { case search, proposed, inFlight, completedProposals, rungCandidates, received }

    /// Decodes a stored state; one stored before generations mode existed has nothing received.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        search = try c.decode(SearchState<Cell>.self, forKey: .search)
        proposed = try c.decode(Int.self, forKey: .proposed)
        inFlight = try c.decode([InFlight].self, forKey: .inFlight)
        completedProposals = try c.decode([Int].self, forKey: .completedProposals)
        rungCandidates = try c.decodeIfPresent([RungCandidate].self, forKey: .rungCandidates)
        received = try c.decodeIfPresent([Received].self, forKey: .received) ?? []
    }

    /// The in-flight work `number`, if any.
    package func inFlight(_ number: Int) -> InFlight? { inFlight.first { $0.number == number } }
}
