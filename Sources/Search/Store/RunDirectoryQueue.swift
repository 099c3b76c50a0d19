import CellSpace
import Foundation
import Persistence
import RunModel

/// The embedded store as a `WorkQueue`: several `rednas worker` processes on one machine share one
/// run directory. Every call holds an exclusive `flock` on `.queue.lock` (a new open file
/// description per call, so threads of one process exclude each other too) and works on files only:
///
///     proposals.jsonl   the search log: `proposed` / `completed` events (`SearchLogEvent`), one
///                       CRC-32C'd JSON line each, headed by the run's binding — the source of truth;
///                       `AsyncSearch.replay` of it is the state
///     journal.jsonl     the completed records in history order, as a sequential run writes them
///     state.json        the evolution state of the replay (`SearchState`), as a sequential run's
///     leases.json       who holds which in-flight proposal (pid, fencing token, expiry, attempts)
///     inflight/PPPP-IIIII/  the folder a proposal trains in (by proposal number, so a retry resumes
///                       its epoch checkpoint); moved to candidates/NNNN-IIIII (history number) on commit
///
/// A commit writes in this order: log line (the commit point), journal line, folder move,
/// state.json. Each call first brings the journal, the folders and state.json up to the log, so a
/// kill between any two writes is repaired by the next call. A lease is free again when its
/// process is gone (checked by pid), when it expired without a renewal, or when it was released.
package final class RunDirectoryQueue: WorkQueue {
    package let run: RunDirectory
    package let search: AsyncSearch
    let binding: RunBinding?
    package let leaseSeconds: Double
    package let maxAttempts: Int

    package var location: String { run.url.path }

    package init(run: RunDirectory, settings: SearchSettings, binding: RunBinding?, leaseSeconds: Double = 60,
                 maxAttempts: Int = 3) {
        self.run = run; search = AsyncSearch(settings: settings); self.binding = binding
        self.leaseSeconds = leaseSeconds; self.maxAttempts = maxAttempts
    }

    /// The run's search as the queue sees it under its lock.
    struct View {
        var state: AsyncSearchState
        var records: [EvaluationRecord]
        var leases: LeaseTable
    }

    // MARK: WorkQueue

    package func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        try locked { view in
            var changed = false
            for work in view.state.inFlight {
                let lease = view.leases.lease(work.number)
                guard lease.map({ isFree($0) }) ?? true else { continue }
                let attempts = lease?.attempts ?? 0
                if attempts >= maxAttempts {
                    try recordFailure(work.number, attempts: attempts, reason: lease?.lastError ?? "its worker was lost", &view)
                    changed = true
                    continue
                }
                if let lease, !lease.released {
                    note("candidate #\(work.number): taken over from \(lease.worker) (attempt \(attempts + 1))")
                }
                if changed { try saveState(view.state) }
                return .work(try grant(work, attempt: attempts + 1, worker: worker, &view))
            }
            let step = try search.propose(&view.state, earlier: { [records = view.records] canonical in
                records.first { $0.canonical == canonical && !$0.reused }
            }, networkCounts: networkCounts)
            try write(step.events, &view)
            if changed || !step.events.isEmpty { try saveState(view.state) }
            guard let work = step.work else { return search.isFinished(view.state) ? .finished : .wait }
            return .work(try grant(work, attempt: 1, worker: worker, &view))
        }
    }

    package func renew(_ lease: WorkLease) throws -> Bool {
        try locked(repair: false) { view in
            guard var held = view.leases.lease(lease.task.number), held.token == lease.token, !held.released else { return false }
            held.expires = Date().timeIntervalSince1970 + lease.leaseSeconds
            view.leases.set(held)
            try saveLeases(view.leases)
            return true
        }
    }

    /// Nothing to write: the workers of a run directory train in its own `inflight/` folders,
    /// which already hold the candidate's files (multi-fidelity searches are refused with --workers).
    package func restore(_ lease: WorkLease, into folder: URL) throws {}

    package func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        try locked { view in
            let number = lease.task.number
            guard view.state.inFlight(number) != nil else {
                let why = "candidate #\(number) is already completed (this worker's token \(lease.token))"
                note("commit refused: \(why)")
                return .refused(why)
            }
            guard let held = view.leases.lease(number), held.token == lease.token else {
                let current = view.leases.lease(number).map { "the current one \($0.token)" } ?? "no current lease"
                let why = "its lease was taken over (this worker's token \(lease.token), \(current))"
                note("commit of #\(number) refused: \(why)")
                return .refused(why)
            }
            let record = try search.complete(&view.state, number: number, metrics: metrics, seconds: seconds)
            try write([.completed(number: number, record: record)], &view)
            try moveFolder(folder, to: run.candidate(number: record.number, index: record.index))
            try saveState(view.state)
            view.leases.remove(number)
            try saveLeases(view.leases)
            return .committed(record)
        }
    }

    package func fail(_ lease: WorkLease, reason: String) throws {
        try locked { view in
            guard var held = view.leases.lease(lease.task.number), held.token == lease.token else { return }
            note("candidate #\(lease.task.number) failed (attempt \(lease.attempt)): \(reason)")
            if held.attempts >= maxAttempts {
                try recordFailure(lease.task.number, attempts: held.attempts, reason: reason, &view)
                try saveState(view.state)
            } else {
                held.released = true
                held.lastError = reason
                view.leases.set(held)
                try saveLeases(view.leases)
            }
        }
    }

    package func release(_ lease: WorkLease) throws {
        try locked { view in
            guard var held = view.leases.lease(lease.task.number), held.token == lease.token else { return }
            // A stop is not a failure: the attempt is given back.
            held.released = true
            held.attempts -= 1
            view.leases.set(held)
            try saveLeases(view.leases)
        }
    }

    // MARK: Folders and queries

    /// The folder in-flight proposal `task` trains in (created when missing).
    package func workspace(for task: CandidateTask) throws -> URL {
        let folder = run.inflight.appendingPathComponent(String(format: "%04d-%05d", task.number, task.cell.index))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The search is over: budget used and nothing in flight (reads under the lock, repairs nothing).
    package func isFinished() throws -> Bool { try locked(repair: false) { search.isFinished($0.state) } }

    /// The state replayed from the log (under the lock, after bringing the derived files up to it).
    package func state() throws -> AsyncSearchState { try locked { $0.state } }

    /// The in-flight proposals with their leases, for progress displays (under the lock).
    package func running() throws -> [(work: AsyncSearchState.InFlight, lease: LeaseTable.Lease?)] {
        try locked(repair: false) { view in view.state.inFlight.map { ($0, view.leases.lease($0.number)) } }
    }

    // MARK: Writing

    /// Hands `work` to `worker` under a new fencing token.
    private func grant(_ work: AsyncSearchState.InFlight, attempt: Int, worker: String, _ view: inout View) throws -> WorkLease {
        let token = view.leases.nextToken
        view.leases.nextToken += 1
        view.leases.set(LeaseTable.Lease(number: work.number, worker: worker, pid: Self.pid(of: worker), token: token,
                                         attempts: attempt, expires: Date().timeIntervalSince1970 + leaseSeconds,
                                         lastError: view.leases.lease(work.number)?.lastError, released: false))
        try saveLeases(view.leases)
        return WorkLease(task: search.task(work, runFingerprint: binding?.fingerprint), worker: worker, token: token,
                         attempt: attempt, leaseSeconds: leaseSeconds)
    }

    /// Log lines first (the commit point), then the journal lines of the completions.
    private func write(_ events: [SearchLogEvent], _ view: inout View) throws {
        let log = Journal<SearchLogEvent>(url: run.proposalLog)
        for event in events { try log.append(event) }
        for case let .completed(_, record) in events {
            try run.appendToJournal(record)
            view.records.append(record)
        }
    }

    /// Completes a candidate that kept failing as a diverged result (ranked last), as the
    /// database store does; the search goes on.
    private func recordFailure(_ number: Int, attempts: Int, reason: String, _ view: inout View) throws {
        let metrics = CandidateMetrics(validAccuracy: 0, diverged: "failed after \(attempts) attempt(s): \(reason)",
                                       params: 0, flops: 0, epochs: 0, trainSeconds: 0, msrsSeconds: 0)
        let record = try search.complete(&view.state, number: number, metrics: metrics, seconds: 0)
        try write([.completed(number: number, record: record)], &view)
        view.leases.remove(number)
        try saveLeases(view.leases)
        note("candidate #\(number) recorded as failed after \(attempts) attempt(s): \(reason)")
    }

    private func moveFolder(_ folder: URL, to target: URL) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: folder.path), !manager.fileExists(atPath: target.path) else { return }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(folder.path, target.path) == 0 else {
            throw PersistenceError.io(path: target.path, what: "cannot move \(folder.path) here", errno: errno)
        }
        AtomicFile.syncDirectory(target.deletingLastPathComponent())
    }

    func saveState(_ state: AsyncSearchState) throws {
        try run.saveState(try JSONStyle.document(state.search, pretty: false))
    }

    private func saveLeases(_ table: LeaseTable) throws {
        try AtomicFile.write(try JSONStyle.document(table), to: run.leases)
    }

    /// A line in `search.log` about leases (who took over, what was refused).
    func note(_ text: String) { run.appendLog("queue: \(text)") }
}

extension RunDirectory {
    /// The search log of a run worked on by several processes (`RunDirectoryQueue`).
    package var proposalLog: URL { url.appendingPathComponent("proposals.jsonl") }
    /// Who holds which in-flight proposal of a run worked on by several processes.
    package var leases: URL { url.appendingPathComponent("leases.json") }
    /// The folders in-flight proposals train in, by proposal number.
    package var inflight: URL { url.appendingPathComponent("inflight") }
    /// The lock `RunDirectoryQueue` serializes its calls with.
    package var queueLock: URL { url.appendingPathComponent(".queue.lock") }
    /// Per-worker progress files and output of the worker processes.
    package var workers: URL { url.appendingPathComponent("workers") }
    /// Whether the run keeps a search log (it was searched by several workers).
    package var isParallel: Bool { FileManager.default.fileExists(atPath: proposalLog.path) }

    /// The folder candidate `number` (architecture `index`) trains in while it runs: its
    /// `inflight/` folder in a run searched by several workers (`number` is then the proposal
    /// number `status.json` shows), else its candidate folder.
    package func trainingFolder(number: Int, index: Int) -> URL {
        let inflight = inflight.appendingPathComponent(String(format: "%04d-%05d", number, index))
        return FileManager.default.fileExists(atPath: inflight.path) ? inflight : candidate(number: number, index: index)
    }
}
