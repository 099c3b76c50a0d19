import CellSpace
import Evolution
import Foundation
import Persistence
import RunModel

/// Asynchronous regularized evolution (Real et al. 2019) and random search: the one place that
/// decides what a parallel search does next. A worker that frees up gets a proposal made from the
/// population as it is at that moment; a completion joins the history (and the population, aging
/// out the oldest member) when it arrives. With one worker this is exactly the sequential search.
///
/// Under a scheduler (`settings.ladder`) the work handed out is what `AsynchronousPromotion` — the
/// rule of the one-process driver — decides from the completed rung results, with the candidates
/// being promoted right now kept out (`busy`) and the new candidates in flight taking their
/// brackets in turn: promote candidate X to its next rung (the worker continues X's rung
/// checkpoint) or start a new one. With one worker this is exactly the one-process driver's run.
///
/// Generations mode (`settings.generationSize` G; never with a scheduler): proposals
/// `g·G ..< (g+1)·G` form generation g and are made only once every completion of generation g−1
/// has joined the history, so all of them come from the same state; a completion that arrives
/// early is held (`state.received`) and joins when its predecessors have and its whole generation
/// has been proposed. The history is then in proposal order and the result a function of config
/// and seed alone — whatever the number and speed of the workers, and equal to the one-machine run
/// of the same generations.
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
    private let rule: AsynchronousPromotion?

    package init(settings: SearchSettings) {
        self.settings = settings
        search = EvolutionarySearch(space: CellGenomeSpace(settings.space), algorithm: settings.algorithm,
                                    fitness: settings.fitness)
        rule = settings.ladder.map { AsynchronousPromotion(ladder: $0, fitness: settings.fitness) }
    }

    /// Whether more work may be handed out. Work in flight (and held) counts against the budget as
    /// it will when it completes: a new candidate as one evaluation, and when asynchronous every
    /// piece as the epochs it is to train (a promotion the epochs it adds); the time budget counts
    /// completed seconds.
    /// In generations mode a proposal opening a new generation also waits until the previous one
    /// has joined the history, and the time and epoch budgets are those of the history: a
    /// generation is cut short only by the evaluation budget, as in the one-machine run.
    package func mayPropose(_ state: AsyncSearchState) -> Bool {
        let starts = state.inFlight.lazy.filter { $0.promotes == nil }.count
        if let limit = settings.budget.evaluations, state.search.history.count + state.received.count + starts >= limit {
            return false
        }
        if let size = settings.generationSize, state.search.history.count < state.proposed / size * size { return false }
        if let limit = settings.budget.seconds, state.search.secondsUsed >= limit { return false }
        let pending = settings.generationSize == nil ? epochsInFlight(state) : 0
        if let limit = settings.budget.epochs, state.search.epochsUsed + pending >= limit { return false }
        return true
    }

    /// Epochs the work in flight will add when it completes.
    package func epochsInFlight(_ state: AsyncSearchState) -> Int {
        state.inFlight.reduce(0) { total, work in
            guard let epochs = work.epochs else { return total + (settings.trainingEpochs ?? 0) }
            return total + epochs - (work.promotes.map { state.search.history[$0].fidelity } ?? 0)
        }
    }

    /// The search is over: no proposal may be made and none is in flight or held.
    package func isFinished(_ state: AsyncSearchState) -> Bool {
        !mayPropose(state) && state.inFlight.isEmpty && state.received.isEmpty
    }

    /// The candidate task of in-flight work: seed and folder of its number; under a scheduler
    /// trained through the rung's epochs.
    package func task(_ work: AsyncSearchState.InFlight, runFingerprint: String?) -> CandidateTask {
        CandidateTask(number: work.number, cell: work.proposal.genome, seed: settings.candidateSeed(work.number),
                      runFingerprint: runFingerprint, epochs: work.epochs)
    }

    /// Makes the next proposal from the current population (under a scheduler: the next step of
    /// the promotion rule). With the canonical cache on (never under a scheduler), a cell already in
    /// the history (`earlier(canonical)` returns the fresh record of lowest history number with that
    /// canonical form) completes at once, reusing that result, and the next proposal is made; the
    /// step's events hold both.
    package func propose(_ state: inout AsyncSearchState, earlier: (String) -> EvaluationRecord? = { _ in nil },
                         networkCounts: (Cell) -> NetworkCounts? = { _ in nil }) throws -> Step {
        var step = Step()
        if let rule {
            guard mayPropose(state) else { return step }
            let work = nextRungWork(&state, rule)
            step.events.append(work.promotes.map { .promoted(number: work.number, candidate: $0, rung: work.rung!) }
                               ?? .proposed(number: work.number, arch: work.proposal.genome.architectureString))
            step.work = work
            return step
        }
        while mayPropose(state) {
            let work = proposeOne(&state)
            step.events.append(.proposed(number: work.number, arch: work.proposal.genome.architectureString))
            let canonical = work.proposal.genome.canonicalString
            // Generations mode: only a member of an earlier generation (in the history) is a source.
            if settings.reuseCanonical, let source = earlier(canonical), !source.reused,
               source.number < state.search.history.count {
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

    /// The promotion rule's next step as in-flight work.
    private func nextRungWork(_ state: inout AsyncSearchState, _ rule: AsynchronousPromotion) -> AsyncSearchState.InFlight {
        let busy = Set(state.inFlight.compactMap(\.promotes))
        let starts = state.inFlight.filter { $0.promotes == nil }.count
        let work: AsyncSearchState.InFlight
        switch rule.next(state.search.standings, busy: busy, startsInFlight: starts) {
        case let .promote(candidate, rung, epochs):
            let member = state.search.history[candidate]
            work = AsyncSearchState.InFlight(number: state.rungCandidates![candidate].work,
                                             proposal: Proposal(genome: member.genome, parent: member.parent, tournament: []),
                                             bracket: member.bracket, rung: rung, epochs: epochs, promotes: candidate)
        case let .start(bracket, epochs):
            let proposal = search.propose(&state.search)
            state.search.pending = nil
            work = AsyncSearchState.InFlight(number: state.proposed, proposal: proposal, bracket: bracket, rung: 0,
                                             epochs: epochs)
        }
        // A promotion takes a number too: with one worker a start's number is then its record's.
        state.proposed += 1
        state.inFlight.append(work)
        return work
    }

    /// Completes in-flight work `number` with `metrics`: the record joins the journal (its `number`
    /// is its journal position, `parent` the parent's first record) and the history — a new
    /// member (and the population), or under a scheduler the promoted candidate's next rung — in
    /// generations mode once its predecessors have (until then it is held in `state.received`).
    /// - Throws: `SearchError.damaged` when `number` is not in flight.
    @discardableResult
    package func complete(_ state: inout AsyncSearchState, number: Int, metrics: CandidateMetrics, seconds: Double,
                          reusedFrom: Int? = nil, finishedAt: Date = Date()) throws -> EvaluationRecord {
        guard let work = state.inFlight(number) else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number), which is not in flight")
        }
        let cell = work.proposal.genome
        var metrics = metrics
        var seconds = seconds
        var parent = work.proposal.parent
        if let epochs = work.epochs {
            // The fidelity of the record is the rung's epochs (what the worker was asked to train).
            metrics.epochs = epochs
            parent = parent.map { state.rungCandidates![$0].firstRecord }
            if let candidate = work.promotes, metrics.trainSeconds + metrics.msrsSeconds > 0 {
                // The trainer's seconds are the candidate's whole training; this rung is charged its own.
                seconds = max(0, metrics.trainSeconds - state.rungCandidates![candidate].trainSeconds) + metrics.msrsSeconds
            }
        }
        var record = EvaluationRecord(
            number: journalNumber(of: number, in: state), arch: cell.architectureString, index: cell.index,
            canonical: cell.canonicalString, seed: settings.candidateSeed(number), parent: parent,
            reusedFrom: reusedFrom, result: EvaluationRecord.searchResult(from: metrics), metrics: metrics,
            seconds: seconds, finishedAt: Timestamp.iso8601(finishedAt))
        if work.epochs != nil {
            record.candidate = work.promotes.map { state.rungCandidates![$0].firstRecord } ?? record.number
            (record.bracket, record.rung) = (work.bracket, work.rung)
        }
        try receive(record, number: number, into: &state)
        return record
    }

    /// The journal place a completion of work `number` takes: the next one when asynchronous, its
    /// proposal number in generations mode (the journal is then in proposal order).
    private func journalNumber(of number: Int, in state: AsyncSearchState) -> Int {
        settings.generationSize == nil ? state.completedProposals.count : number
    }

    private func receive(_ record: EvaluationRecord, number: Int, into state: inout AsyncSearchState) throws {
        guard let at = state.inFlight.firstIndex(where: { $0.number == number }) else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number), which is not in flight")
        }
        let work = state.inFlight[at]
        let place = journalNumber(of: number, in: state)
        let expected = work.promotes.map { "promotion of #\(state.rungCandidates![$0].firstRecord) to rung \(work.rung!)" }
            ?? work.proposal.genome.architectureString
        let found = record.isPromotion ? "promotion of #\(record.candidateNumber) to rung \(record.rung ?? -1)" : record.arch
        guard record.number == place, record.arch == work.proposal.genome.architectureString, found == expected else {
            throw SearchError.damaged(path: "search log", detail: "completion of proposal #\(number) is journal entry "
                                      + "#\(record.number) (\(found)) where #\(place) (\(expected)) was expected")
        }
        state.inFlight.remove(at: at)
        guard settings.generationSize != nil else { return apply(record, work: work, to: &state) }
        state.received.append(AsyncSearchState.Received(work: work, record: record))
        while let next = state.received.firstIndex(where: { $0.work.number == state.search.history.count }),
              generationIsProposed(containing: state.received[next].work.number, state) {
            let held = state.received.remove(at: next)
            apply(held.record, work: held.work, to: &state)
        }
    }

    /// Whether every proposal of the generation holding proposal `number` has been made (the last
    /// generation ends early at the evaluation budget).
    private func generationIsProposed(containing number: Int, _ state: AsyncSearchState) -> Bool {
        guard let size = settings.generationSize else { return true }
        let end = min((number / size + 1) * size, settings.budget.evaluations ?? Int.max)
        return state.proposed >= end
    }

    /// The completion joins the evolution state: a new history member (and the population), or a
    /// promoted candidate's next rung.
    private func apply(_ record: EvaluationRecord, work: AsyncSearchState.InFlight, to state: inout AsyncSearchState) {
        let number = work.number
        switch (work.promotes, work.epochs) {
        case let (candidate?, epochs?):
            search.promote(candidate, to: record.result, epochs: epochs,
                           addedEpochs: epochs - state.search.history[candidate].fidelity, seconds: record.seconds,
                           into: &state.search)
            state.rungCandidates![candidate].trainSeconds = record.metrics.trainSeconds
        case let (nil, epochs?):
            state.search.pending = work.proposal
            search.record(record.result, seconds: record.seconds, epochs: epochs, bracket: work.bracket ?? 0,
                          into: &state.search)
            state.rungCandidates = (state.rungCandidates ?? [])
                + [.init(work: number, firstRecord: record.number, trainSeconds: record.metrics.trainSeconds)]
        default:
            state.search.pending = work.proposal
            search.record(record.result, reused: record.reused, seconds: record.seconds,
                          epochs: record.reused ? 0 : record.metrics.epochs, into: &state.search)
        }
        state.completedProposals.append(number)
    }

    /// The completed records of `events` that have joined the state, in journal order (in
    /// generations mode the log holds completions in arrival order, and some may still be held).
    package func historyRecords(_ events: [SearchLogEvent], in state: AsyncSearchState) -> [EvaluationRecord] {
        events.compactMap { event -> EvaluationRecord? in
            guard case let .completed(_, record) = event, record.number < state.completedProposals.count else { return nil }
            return record
        }.sorted { $0.number < $1.number }
    }

    /// Rebuilds the state from the log: each proposal and promotion is decided again (and must be
    /// the logged one), each completion is applied in its logged place. With `start` (the replay of
    /// the log's earlier events) only the events after those are applied.
    /// - Throws: `SearchError.journalMismatch` / `.damaged` naming the first event that does not fit.
    package func replay(_ events: [SearchLogEvent], onto start: AsyncSearchState? = nil,
                        location: String) throws -> AsyncSearchState {
        var state = start ?? AsyncSearchState(seed: settings.seed)
        for event in events {
            switch event {
            case let .proposed(number, arch):
                let work = rule.map { nextRungWork(&state, $0) } ?? proposeOne(&state)
                guard work.number == number, work.promotes == nil, work.proposal.genome.architectureString == arch else {
                    throw SearchError.journalMismatch(path: location, number: number, journal: arch,
                                                      proposed: Self.describe(work, state))
                }
            case let .promoted(number, candidate, rung):
                let logged = "promotion of candidate \(candidate) to rung \(rung)"
                guard let rule else {
                    throw SearchError.damaged(path: location, detail: "\(logged) in a search without a scheduler")
                }
                let work = nextRungWork(&state, rule)
                guard work.number == number, work.promotes == candidate, work.rung == rung else {
                    throw SearchError.journalMismatch(path: location, number: number, journal: logged,
                                                      proposed: Self.describe(work, state))
                }
            case let .completed(number, record):
                do { try receive(record, number: number, into: &state) } catch let SearchError.damaged(_, detail) {
                    throw SearchError.damaged(path: location, detail: detail)
                }
            }
        }
        return state
    }

    private static func describe(_ work: AsyncSearchState.InFlight, _ state: AsyncSearchState) -> String {
        work.promotes.map { "promotion of candidate \($0) to rung \(work.rung!)" } ?? work.proposal.genome.architectureString
    }

    /// History index of the best candidate by the search fitness (under a scheduler, among the
    /// candidates at the highest fidelity reached).
    package func answer(in state: AsyncSearchState) -> Int? { search.answer(in: state.search) }
}
