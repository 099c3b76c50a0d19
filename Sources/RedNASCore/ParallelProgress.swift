import CellSpace
import Evolution
import Foundation
import Persistence
import RunModel
import Search

/// What a worker process of a parallel search is training now: `workers/<pid>.json`, replaced
/// atomically at most once a second, removed when the worker ends.
struct WorkerProgress: Codable, Equatable {
    var pid: Int32
    var number: Int
    var arch: String
    var progress: CandidateProgress?
}

/// The parent's view of a parallel search: the journal's new records and the workers' progress
/// files, turned into the `SearchMonitor` events a sequential search produces (progress line,
/// `search.log`, `status.json`), the ETA shared over the workers.
final class ParallelProgress {
    private let run: RunDirectory
    private let settings: SearchSettings
    private let monitor: SearchMonitor
    private var records: [EvaluationRecord]
    private var shown: Int?

    init(run: RunDirectory, settings: SearchSettings, line: ProgressLine, workers: Int) {
        self.run = run; self.settings = settings
        records = (try? run.loadJournal().records) ?? []
        monitor = SearchMonitor(run: run, settings: settings, line: line, records: records, parallelism: workers)
    }

    func start() { monitor.handle(.started(done: records.count, best: best())) }

    /// Reports what changed since the last call.
    func poll() {
        if let journal = try? run.loadJournal(), journal.records.count > records.count {
            let state = stored() ?? SearchState(seed: settings.seed)
            for record in journal.records.dropFirst(records.count) {
                records.append(record)
                shown = nil  // the monitor shows no running candidate after an evaluation
                monitor.handle(.evaluated(record, best: best(), state: state))
            }
        }
        let running = workerProgress().sorted { $0.number < $1.number }
        guard let first = running.first, let cell = try? Cell(architectureString: first.arch) else { return }
        let task = CandidateTask(number: first.number, cell: cell, seed: settings.candidateSeed(first.number))
        if shown != first.number {
            shown = first.number
            monitor.handle(.candidateStarted(task))
        }
        if let progress = first.progress { monitor.handle(.candidateProgress(task, progress)) }
    }

    func finish(_ end: SearchEnd) { monitor.handle(.ended(end, best: best())) }

    private func stored() -> SearchState<Cell>? {
        run.loadState().flatMap { try? JSONStyle.decoder().decode(SearchState<Cell>.self, from: $0) }
    }

    /// The best record by the search fitness, from state.json (nil while it lags the journal).
    private func best() -> EvaluationRecord? {
        guard let state = stored() else { return nil }
        var async = AsyncSearchState(seed: settings.seed)
        async.search = state
        guard let index = AsyncSearch(settings: settings).answer(in: async), index < records.count else { return nil }
        return records[index]
    }

    /// The progress files of workers still running.
    private func workerProgress() -> [WorkerProgress] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.workers.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            let url = run.workers.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url),
                  let progress = try? JSONStyle.decoder().decode(WorkerProgress.self, from: data),
                  LeaseTable.processIsAlive(progress.pid) else { return nil }
            return progress
        }
    }
}
