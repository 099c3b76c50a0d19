import CellSpace
import Evolution
import Foundation
import Persistence
import RunModel
#if canImport(Glibc)
import Glibc
#endif

/// The lock, the reading of the search log and the repairs every call starts with.
extension RunDirectoryQueue {
    /// Starts the search log of a run: a new run gets an empty one; a run searched so far by one
    /// process gets its journal as the log (each record proposed, then completed — exactly what
    /// the sequential search did), checked by replaying it. The folder of the candidate the
    /// sequential search was training moves to `inflight/`, so its checkpoint is resumed.
    /// Then brings journal, folders and state.json up to the log.
    /// - Throws: `SearchError.damaged` for a run without a binding or with multi-fidelity records.
    package func prepare() throws {
        guard let binding else {
            throw SearchError.damaged(path: run.space.path, detail: "is missing; several workers need a run with its space "
                                      + "(resume it once without --workers)")
        }
        try withLock {
            if !run.isParallel {
                _ = try run.repairJournal()
                let journal = try run.verifiedJournal(expected: binding)
                if let staged = journal.records.first(where: { $0.rung != nil }) {
                    throw SearchError.damaged(path: run.journal.path, detail: "record #\(staged.number) is a rung of a "
                                              + "multi-fidelity search, which runs in one process only (no --workers)")
                }
                let events = journal.records.enumerated().flatMap { number, record -> [SearchLogEvent] in
                    [.proposed(number: number, arch: record.arch), .completed(number: number, record: record)]
                }
                _ = try search.replay(events, location: run.journal.path)
                let staging = run.url.appendingPathComponent("proposals.jsonl.new")
                try? FileManager.default.removeItem(at: staging)
                let log = Journal<SearchLogEvent>(url: staging)
                try log.create(header: JournalHeader(fingerprint: binding.fingerprint, bound: binding.bound))
                for event in events { try log.append(event) }
                guard rename(staging.path, run.proposalLog.path) == 0 else {
                    throw PersistenceError.io(path: run.proposalLog.path, what: "cannot create the search log", errno: errno)
                }
                AtomicFile.syncDirectory(run.url)
                try adoptPendingFolder(after: journal.records.count)
            }
            let view = try load(repair: true)
            try saveState(view.state)
        }
    }

    /// Runs `body` on the run as it is under the queue lock; with `repair`, the journal, the
    /// candidate folders and state.json are first brought up to the log.
    func locked<T>(repair: Bool = true, _ body: (inout View) throws -> T) throws -> T {
        try withLock {
            var view = try load(repair: repair)
            return try body(&view)
        }
    }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        let fd = open(run.queueLock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PersistenceError.io(path: run.queueLock.path, what: "cannot open the queue lock", errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw PersistenceError.io(path: run.queueLock.path, what: "cannot lock", errno: errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private func load(repair: Bool) throws -> View {
        let log = Journal<SearchLogEvent>(url: run.proposalLog)
        guard FileManager.default.fileExists(atPath: run.proposalLog.path) else {
            throw SearchError.damaged(path: run.proposalLog.path, detail: "is missing: this run is not searched by several "
                                      + "workers (start them with `rednas resume \(run.url.path) --workers N`)")
        }
        if repair, let torn = try log.repair() { note("repaired the search log: dropped a torn final line (\(torn))") }
        let contents = try log.load()
        if let binding, let header = contents.header, header.fingerprint != binding.fingerprint {
            throw SearchError.foreignRun(path: run.proposalLog.path, recorded: header.fingerprint, current: binding.fingerprint,
                                         differences: binding.differences(from: RunBinding(fingerprint: header.fingerprint,
                                                                                           bound: header.bound)))
        }
        let state = try search.replay(contents.records, location: run.proposalLog.path)
        let records = contents.records.compactMap { event -> EvaluationRecord? in
            if case let .completed(_, record) = event { return record } else { return nil }
        }
        if repair { try catchUp(records, state) }
        let leases = (try? Data(contentsOf: run.leases)).flatMap { try? JSONStyle.decoder().decode(LeaseTable.self, from: $0) }
        return View(state: state, records: records, leases: leases ?? LeaseTable())
    }

    /// A kill between the log line and the other writes of a completion leaves them behind the
    /// log: append the missing journal records, move finished folders, rewrite state.json.
    private func catchUp(_ records: [EvaluationRecord], _ state: AsyncSearchState) throws {
        if try run.repairJournal() != nil { note("repaired the journal: dropped a torn final line") }
        let journal = try run.loadJournal()
        guard journal.records.count <= records.count else {
            throw SearchError.damaged(path: run.journal.path, detail: "holds \(journal.records.count) records, but the search "
                                      + "log \(run.proposalLog.lastPathComponent) completes only \(records.count)")
        }
        for (journaled, logged) in zip(journal.records, records) where journaled.arch != logged.arch || journaled.seed != logged.seed {
            throw SearchError.damaged(path: run.journal.path, detail: "record #\(journaled.number) (\(journaled.arch)) differs "
                                      + "from the search log's (\(logged.arch))")
        }
        let missing = records.dropFirst(journal.records.count)
        for record in missing { try run.appendToJournal(record) }
        if !missing.isEmpty { note("appended \(missing.count) completed record(s) from the search log to the journal") }
        for (history, proposal) in state.completedProposals.enumerated() {
            let record = records[history]
            let folder = run.inflight.appendingPathComponent(String(format: "%04d-%05d", proposal, record.index))
            let target = run.candidate(number: history, index: record.index)
            let manager = FileManager.default
            guard manager.fileExists(atPath: folder.appendingPathComponent("metrics.json").path),
                  !manager.fileExists(atPath: target.path) else { continue }
            try manager.createDirectory(at: run.candidates, withIntermediateDirectories: true)
            guard rename(folder.path, target.path) == 0 else {
                throw PersistenceError.io(path: target.path, what: "cannot move \(folder.path) here", errno: errno)
            }
        }
        let stored = run.loadState().flatMap { try? JSONStyle.decoder().decode(SearchState<Cell>.self, from: $0) }
        if stored != state.search { try saveState(state) }
    }

    /// The folder of the candidate a sequential search was training when it stopped (number
    /// `next`, no metrics.json yet) becomes the in-flight folder of the same proposal.
    private func adoptPendingFolder(after next: Int) throws {
        let prefix = String(format: "%04d-", next)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.candidates.path)) ?? []
        guard let name = names.first(where: { $0.hasPrefix(prefix) }) else { return }
        let folder = run.candidates.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: folder.appendingPathComponent("metrics.json").path) else { return }
        try FileManager.default.createDirectory(at: run.inflight, withIntermediateDirectories: true)
        guard rename(folder.path, run.inflight.appendingPathComponent(name).path) == 0 else {
            throw PersistenceError.io(path: folder.path, what: "cannot move to \(run.inflight.path)", errno: errno)
        }
    }

    /// The process id in a worker name "host:pid" (0 when there is none).
    static func pid(of worker: String) -> Int32 {
        Int32(worker.split(separator: ":").last.map(String.init) ?? "") ?? 0
    }

    func isFree(_ lease: LeaseTable.Lease) -> Bool { lease.isFree() }
}
