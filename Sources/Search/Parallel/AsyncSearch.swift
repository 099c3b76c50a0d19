import CellSpace
import Evolution
import Foundation
import RunModel

/// Asynchronous regularized evolution (Real et al. 2019) and random search: the one place that
/// decides what a parallel search does next. A worker that frees up gets a proposal made from the
/// population as it is at that moment; a completion joins the history (and the population, aging
/// out the oldest member) when it arrives. With one worker this is exactly the sequential search.
///
/// A store serializes the calls (`propose`, `complete`) and logs each as a `SearchLogEvent`;
/// `replay` of that log rebuilds the state, so the state is a pure function of the log.
package struct AsyncSearch {
    /// What a proposal step produced: the events to log, in order, and the work to hand out (nil
    /// when the budget allows no further proposal).
    package struct Step {
        package var events: [SearchLogEvent] = []
        package var work: AsyncSearchState.InFlight?
    }

    package let settings: SearchSettings
    private let search: EvolutionarySearch<CellGenomeSpace>

    package init(settings: SearchSettings) {
        self.settings = settings
        search = EvolutionarySearch(space: CellGenomeSpace(settings.space), algorithm: settings.algorithm,
                                    fitness: settings.fitness)
    }

    /// Whether another proposal may be handed out: in-flight proposals count against the
    /// evaluation budget (each will complete once); the time budget counts completed seconds.
    package func mayPropose(_ state: AsyncSearchState) -> Bool {
        if let limit = settings.budget.evaluations, state.search.history.count + state.inFlight.count >= limit { return false }
        if let limit = settings.budget.seconds, state.search.secondsUsed >= limit { return false }
        return true
    }

    /// The search is over: no proposal may be made and none is in flight.
    package func isFinished(_ state: AsyncSearchState) -> Bool { !mayPropose(state) && state.inFlight.isEmpty }

    /// The candidate seed and task of an in-flight proposal.
    package func task(_ work: AsyncSearchState.InFlight, runFingerprint: String?) -> CandidateTask {
        CandidateTask(number: work.number, cell: work.proposal.genome, seed: settings.candidateSeed(work.number),
                      runFingerprint: runFingerprint)
    }

    /// Makes the next proposal from the current population. With the canonical cache on, a cell
    /// already evaluated (`earlier(canonical)` returns its record) completes at once, reusing that
    /// result, and the next proposal is made; the step's events hold both.
    package func propose(_ state: inout AsyncSearchState, earlier: (String) -> EvaluationRecord? = { _ in nil },
                         networkCounts: (Cell) -> NetworkCounts? = { _ in nil }) throws -> Step {
        var step = Step()
        while mayPropose(state) {
            let work = proposeOne(&state)
            step.events.append(.proposed(number: work.number, arch: work.proposal.genome.architectureString))
            let canonical = work.proposal.genome.canonicalString
            if settings.reuseCanonical, let source = earlier(canonical), !source.reused {
                // The result (accuracy, MSRS, weights) is the earlier one's; the counts are this cell's own.
                var metrics = source.metrics
                if let counts = networkCounts(work.proposal.genome) { (metrics.params, metrics.flops) = (counts.params, counts.flops) }
                let record = try complete(&state, number: work.number, metrics: metrics, seconds: 0, reusedFrom: source.number)
                step.events.append(.completed(number: work.number, record: record))
                continue
            }
            step.work = work
            return step
        }
        return step
    }

    private func proposeOne(_ state: inout AsyncSearchState) -> AsyncSearchState.InFlight {
        let proposal = search.propose(&state.search)
        state.search.pending = nil  // in flight, not pending: others may be proposed before it completes
        let work = AsyncSearchState.InFlight(number: state.proposed, proposal: proposal)
        state.proposed += 1
        state.inFlight.append(work)
        return work
    }

    /// Completes in-flight proposal `number` with `metrics`: the record joins the history (its
    /// `number` is its history position, `parent` the parent's) and the population.
    /// - Throws: `SearchError.damaged` when `number` is not in flight.
    @discardableResult
    package func complete(_ state: inout AsyncSearchState, number: Int, metrics: CandidateMetrics, seconds: Double,
                          reusedFrom: Int? = nil, finishedAt: Date = Date()) throws -> EvaluationRecord {
        guard let work = state.inFlight(number) else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number), which is not in flight")
        }
        let cell = work.proposal.genome
        let record = EvaluationRecord(
            number: state.search.history.count, arch: cell.architectureString, index: cell.index,
            canonical: cell.canonicalString, seed: settings.candidateSeed(number), parent: work.proposal.parent,
            reusedFrom: reusedFrom, result: EvaluationRecord.searchResult(from: metrics), metrics: metrics,
            seconds: seconds, finishedAt: ISO8601DateFormatter().string(from: finishedAt))
        try apply(record, number: number, to: &state)
        return record
    }

    private func apply(_ record: EvaluationRecord, number: Int, to state: inout AsyncSearchState) throws {
        guard let at = state.inFlight.firstIndex(where: { $0.number == number }) else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number), which is not in flight")
        }
        let work = state.inFlight.remove(at: at)
        guard record.number == state.search.history.count, record.arch == work.proposal.genome.architectureString else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number) is history entry "
                                      + "#\(record.number) (\(record.arch)) where #\(state.search.history.count) "
                                      + "(\(work.proposal.genome.architectureString)) was expected")
        }
        state.search.pending = work.proposal
        search.record(record.result, reused: record.reused, seconds: record.seconds, into: &state.search)
        state.completedProposals.append(number)
    }

    /// Rebuilds the state from the log: each proposal is made again (and must propose the logged
    /// architecture), each completion is applied in its logged place. With `start` (the replay of
    /// the log's earlier events) only the events after those are applied.
    /// - Throws: `SearchError.journalMismatch` / `.damaged` naming the first event that does not fit.
    package func replay(_ events: [SearchLogEvent], onto start: AsyncSearchState? = nil,
                        location: String) throws -> AsyncSearchState {
        var state = start ?? AsyncSearchState(seed: settings.seed)
        for event in events {
            switch event {
            case let .proposed(number, arch):
                let work = proposeOne(&state)
                guard work.number == number, work.proposal.genome.architectureString == arch else {
                    throw SearchError.journalMismatch(path: location, number: number, journal: arch,
                                                      proposed: work.proposal.genome.architectureString)
                }
            case let .completed(number, record):
                do { try apply(record, number: number, to: &state) } catch let SearchError.damaged(_, detail) {
                    throw SearchError.damaged(path: location, detail: detail)
                }
            }
        }
        return state
    }

    /// History index of the best candidate by the search fitness.
    package func answer(in state: AsyncSearchState) -> Int? { search.answer(in: state.search) }
}
