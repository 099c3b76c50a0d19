import CellSpace
import Evolution

/// The one-machine run of the deterministic parallel mode (`settings.generationSize` G): the
/// candidates `g·G ..< (g+1)·G` are proposed together from the state after generation g−1 (the
/// generator draws them one after another, the population unchanged), then trained and committed
/// in that order. This is what `AsyncSearch` does in generations mode with any number of workers,
/// so the journal is the same record for record.
///
/// The time and epoch budgets are checked between generations (a generation, once proposed, is
/// finished); the evaluation budget ends the last generation early. The canonical-form cache
/// serves a candidate only from an earlier generation. Resume replays the journal through the
/// same generations (the proposals are a function of the journal), so it continues the run
/// exactly.
extension SearchDriver {
    /// The next candidate: asynchronous mode proposes from the current state; generations mode
    /// takes the next of the current generation, proposing a new one when it is used up. The
    /// proposal is the state's pending one (what `commitSingleFidelity` records).
    func nextProposal() -> Proposal<Cell> {
        guard let size = settings.generationSize else { return search.propose(&state) }
        if generation.isEmpty { openGeneration(size: size) }
        state.pending = generation[0]
        return generation[0]
    }

    /// Records before this index may serve the cache: all of them when asynchronous, those of
    /// earlier generations in generations mode.
    var reuseLimit: Int { settings.generationSize == nil ? records.count : min(generationStart, records.count) }

    private func openGeneration(size: Int) {
        generationStart = records.count
        let left = (settings.budget.evaluations ?? Int.max) - records.count
        let count = max(1, min(size - records.count % size, left))
        for _ in 0..<count {
            generation.append(search.propose(&state))
            state.pending = nil
        }
    }
}
