import CellSpace
import Evolution
import Foundation
import Persistence
import RunModel

/// Drives a search in a run store: proposes candidates, has them evaluated, journals each
/// result durably, checkpoints the search state, and stops cleanly on request or budget.
///
/// Order of writes for one evaluation (a kill between any two leaves a resumable run):
/// 1. propose (state.json gets the pending proposal),
/// 2. the evaluator trains in the candidate folder, checkpointing each epoch,
/// 3. the journal line is appended and fsync'd — the commit point,
/// 4. state.json is replaced.
/// On resume the state is rebuilt by replaying the journal through the same deterministic
/// proposals, so a lost or stale state.json is repaired and a foreign journal is refused.
/// Before that the journal goes through the store's `verifiedJournal` (binding, checksums,
/// record sequence, no recorded work beyond it) — the same checks every reader applies.
/// A run from before bindings gets one on its first resume (see `init`).
package final class SearchDriver {
    package let store: RunStore
    package let settings: SearchSettings
    let evaluator: CandidateEvaluator
    let stop: StopSignal
    let events: (SearchEvent) -> Void
    let search: EvolutionarySearch<CellGenomeSpace>

    package internal(set) var state: SearchState<Cell>
    package internal(set) var records: [EvaluationRecord] = []
    /// Per history member (candidate): the number of its first record and of its latest one
    /// (the same record outside multi-fidelity runs).
    var firstRecord: [Int] = []
    var latestRecord: [Int] = []
    /// Generations mode: the proposals of the current generation not yet committed, and the number
    /// of the generation's first record (see SearchDriver+Generations).
    var generation: [Proposal<Cell>] = []
    var generationStart = 0
    /// The run's fingerprint, recorded in each candidate's checkpoints and weights.
    package private(set) var fingerprint: String?

    /// Opens (or starts) the run: repairs a torn journal tail, verifies the journal (against
    /// `binding`, the binding of the run's current config and space, when given), replays it.
    /// A journal without a binding (a run from before bindings, or a new one) gets `binding`
    /// recorded first, its existing records marked as legacy (they carry no checksums).
    package init(store: RunStore, settings: SearchSettings, evaluator: CandidateEvaluator, binding: RunBinding? = nil,
                stop: StopSignal = StopSignal(), events: @escaping (SearchEvent) -> Void = { _ in }) throws {
        self.store = store
        self.settings = settings
        self.evaluator = evaluator
        self.stop = stop
        self.events = events
        search = EvolutionarySearch(space: CellGenomeSpace(settings.space), algorithm: settings.algorithm,
                                    fitness: settings.fitness)
        state = SearchState(seed: settings.seed)
        if let torn = try store.repairJournal() {
            store.log("repaired journal: dropped a torn final line (\(torn))")
            events(.repaired("dropped a torn final journal line left by a kill"))
        }
        let journal = try store.verifiedJournal(expected: binding) { stored in
            binding?.differences(from: stored) ?? ""
        }
        if journal.binding == nil, let binding {
            try Self.writing(store) { try store.bindJournal(binding, legacyRecords: journal.records.count) }
            if !journal.records.isEmpty {
                store.log("recorded the run's fingerprint \(binding.fingerprint) in the journal (a run from before fingerprints; "
                          + "its \(journal.records.count) earlier records carry no checksums)")
            }
        }
        if let upgraded = try Self.writing(store, { try store.upgradeJournal() }) {
            store.log(upgraded)
            events(.repaired(upgraded))
        }
        fingerprint = binding?.fingerprint ?? journal.binding?.fingerprint
        try Self.writing(store) { try replay(journal.records) }
    }

    private func replay(_ journaled: [EvaluationRecord]) throws {
        let rule = promotionRule
        for record in journaled {
            if let rule {
                try replayRung(record, rule: rule)
                continue
            }
            let proposal = nextProposal()
            guard record.number == records.count, proposal.genome.architectureString == record.arch else {
                throw SearchError.journalMismatch(path: store.journalLocation, number: record.number,
                                                  journal: record.arch, proposed: proposal.genome.architectureString)
            }
            commitSingleFidelity(record)
        }
        let onDisk = store.loadState().flatMap { try? JSONStyle.decoder().decode(SearchState<Cell>.self, from: $0) }
        if onDisk == nil || onDisk!.history.count != state.history.count {
            if !journaled.isEmpty { events(.repaired("search state rebuilt from the journal (\(journaled.count) evaluations)")) }
        }
        try saveState()
    }

    /// The index into `records` of the best candidate by the search fitness (its latest record;
    /// under a scheduler, among the candidates at the highest fidelity reached).
    package var bestNumber: Int? { search.answer(in: state).map { latestRecord[$0] } }

    package var isFinished: Bool { generation.isEmpty && state.hasExhausted(settings.budget) }

    /// Runs until the budget is used or a stop is requested. Returns why it ended.
    /// Runs `body`, turning a failed write (disk full, I/O error) into `SearchError.storeWriteFailed`,
    /// which says the run is resumable and how.
    static func writing<T>(_ store: RunStore, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PersistenceError {
            guard case .io = error else { throw error }
            throw SearchError.storeWriteFailed(run: store.location, detail: error.description)
        }
    }

    @discardableResult
    package func run() throws -> SearchEnd {
        try Self.writing(store) { try runLoop() }
    }

    private func runLoop() throws -> SearchEnd {
        events(.started(done: records.count, best: bestNumber.map { records[$0] }))
        let rule = promotionRule
        while !isFinished {
            if stop.isRequested { return finish(.stopped) }
            if let rule {
                guard try runRungStep(rule) else { return finish(.stopped) }
                continue
            }
            let proposal = nextProposal()
            try saveState()
            let number = records.count
            let task = CandidateTask(number: number, cell: proposal.genome, seed: settings.candidateSeed(number),
                                     runFingerprint: fingerprint)
            guard let record = try evaluate(task, parent: proposal.parent) else { return finish(.stopped) }
            try store.appendToJournal(record)
            commitSingleFidelity(record)
            try saveState()
            events(.evaluated(record, best: bestNumber.map { records[$0] }, state: state))
        }
        return finish(.budgetExhausted)
    }

    /// Records a committed single-fidelity evaluation in the search state (a fresh one costs its
    /// epochs, a reused one none).
    private func commitSingleFidelity(_ record: EvaluationRecord) {
        search.record(record.result, reused: record.reused, seconds: record.seconds,
                      epochs: record.reused ? 0 : record.metrics.epochs, into: &state)
        firstRecord.append(records.count)
        latestRecord.append(records.count)
        records.append(record)
        if !generation.isEmpty { generation.removeFirst() }
    }

    private func finish(_ end: SearchEnd) -> SearchEnd {
        try? saveState()
        events(.ended(end, best: bestNumber.map { records[$0] }))
        return end
    }

    /// Trains the task (or serves it from the cache). nil when interrupted by a stop request.
    private func evaluate(_ task: CandidateTask, parent: Int?) throws -> EvaluationRecord? {
        let canonical = task.cell.canonicalString
        if settings.reuseCanonical,
           let earlier = records[..<reuseLimit].first(where: { $0.canonical == canonical && !$0.reused }) {
            // The result (accuracy, MSRS, weights) is the earlier one's; the counts are this cell's own.
            var metrics = earlier.metrics
            if let counts = evaluator.networkCounts(for: task.cell) { (metrics.params, metrics.flops) = (counts.params, counts.flops) }
            var record = makeRecord(task, parent: parent, metrics: metrics, seconds: 0)
            record.reusedFrom = earlier.number
            return record
        }
        return try train(task, parent: parent)
    }

    /// Trains the task in its candidate folder (resuming its checkpoint). nil when interrupted.
    func train(_ task: CandidateTask, parent: Int?) throws -> EvaluationRecord? {
        let folder = try store.workspace(for: task)
        events(.candidateStarted(task))
        let started = Date()
        let outcome = try evaluator.evaluate(task, in: folder, stop: stop) { [events] p in
            events(.candidateProgress(task, p))
        }
        guard case let .finished(metrics) = outcome else { return nil }
        let seconds = metrics.trainSeconds + metrics.msrsSeconds > 0
            ? metrics.trainSeconds + metrics.msrsSeconds : Date().timeIntervalSince(started)
        return makeRecord(task, parent: parent, metrics: metrics, seconds: seconds)
    }

    func makeRecord(_ task: CandidateTask, parent: Int?, metrics: CandidateMetrics, seconds: Double) -> EvaluationRecord {
        EvaluationRecord(number: task.number, arch: task.cell.architectureString, index: task.cell.index,
                         canonical: task.cell.canonicalString, seed: task.seed, parent: parent, reusedFrom: nil,
                         result: EvaluationRecord.searchResult(from: metrics), metrics: metrics,
                         seconds: seconds, finishedAt: Timestamp.iso8601(Date()))
    }

    func saveState() throws {
        try store.saveState(try JSONStyle.document(state, pretty: false))
    }
}

package enum SearchEnd: String, Equatable, Sendable {
    case budgetExhausted = "budget exhausted"
    case stopped = "stopped on request"
}

/// What the driver reports as it goes (for progress lines, logs and status files).
package enum SearchEvent {
    case started(done: Int, best: EvaluationRecord?)
    case repaired(String)
    case candidateStarted(CandidateTask)
    case candidateProgress(CandidateTask, CandidateProgress)
    case evaluated(EvaluationRecord, best: EvaluationRecord?, state: SearchState<Cell>)
    case ended(SearchEnd, best: EvaluationRecord?)
}
