import CellSpace
import Foundation
import Persistence
import PostgresNIO
import RunModel
import Search

/// Claims, leases and commits, each one transaction holding the search's row lock (`locked`),
/// with as few statements under the lock as the work allows.
///
/// A claim takes over the oldest candidate whose lease expired (same task, a new fencing token,
/// one more attempt), else makes a new proposal (`AsyncSearch.propose`; under a scheduler possibly
/// a promotion, which sets the candidate's row running again). A commit is accepted only with the
/// candidate's current token; a candidate that failed `max_attempts` times is recorded as failed
/// (a diverged result, ranked last) and the search goes on. Below the top rung a commit stores the
/// candidate's epoch checkpoint with its files; `restore` gives them to the promoted worker. While
/// a candidate trains, each lease renewal keeps its latest epoch checkpoint (`keepCheckpoint`),
/// which `restore` gives to a worker that takes the lease over, on any machine; the commit (or the
/// failure record) drops it.
extension PostgresSearch: WorkQueue {
    package func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        let (running, expired) = try runningCandidates()
        // Nothing for this worker yet, and the row lock left to the workers that have work to commit.
        if expired == 0, running > 0, let known = replayed, !search.mayPropose(known.state) { return .wait }
        return try locked { try claim(worker: worker, networkCounts: networkCounts, &$0) }
    }

    /// The claim under the row lock: a lease that had expired when the lock was granted is taken
    /// over first (one that expires later, by a later claim).
    private func claim(worker: String, networkCounts: (Cell) -> NetworkCounts?, _ locked: inout LockedSearch) throws -> WorkClaim {
        while locked.expired > 0, let row = try locked.tx.query("""
            SELECT number, attempts, worker, last_error FROM rednas_candidates
            WHERE search = \(name) AND status = 'running' AND lease_expires < now() ORDER BY number LIMIT 1
            """).first {
            let (number, attempts, previous, lastError) = try row.decode((Int, Int, String?, String?).self)
            if attempts >= maxAttempts {
                try recordFailure(number, attempts: attempts, reason: lastError ?? "its lease expired (worker lost)", &locked)
                continue
            }
            guard let work = locked.log.state.inFlight(number) else {
                throw SearchError.damaged(path: location, detail: "candidate #\(number) is running but not in flight in the state")
            }
            let token = try locked.tx.query("""
                UPDATE rednas_candidates SET token = nextval('rednas_lease_tokens'), worker = \(worker), attempts = attempts + 1,
                    lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE search = \(name) AND number = \(number) RETURNING token
                """).first?.decode(Int64.self) ?? 0
            try note("lease_taken_over", number: number, worker: worker,
                     ["from": previous ?? "", "attempt": String(attempts + 1), "token": String(token)], &locked)
            return .work(WorkLease(task: search.task(work, runFingerprint: binding.fingerprint), worker: worker,
                                   token: token, attempt: attempts + 1, leaseSeconds: leaseSeconds))
        }
        let step = try propose(&locked, networkCounts: networkCounts)
        var handedOut: (event: SearchLogEvent, row: LogRow)?
        for event in step.events {
            if event.number == step.work?.number, event.kind != "completed" {  // proposed or promoted
                handedOut = (event, try logRow(event, &locked))  // logged with its candidate row below
                continue
            }
            try append(event, worker: worker, &locked)
            if case let .completed(number, record) = event {  // served from the cache
                try insertCached(record, number: number, worker: worker, locked.tx)
            }
        }
        guard let work = step.work, let handedOut else { return search.isFinished(locked.log.state) ? .finished : .wait }
        let task = search.task(work, runFingerprint: binding.fingerprint)
        let row = handedOut.row
        // One statement for both rows: the row lock is held for one round trip less.
        if work.promotes != nil {
            // A promotion is the candidate's row running again, under a new lease.
            let token = try locked.tx.query("""
                WITH logged AS (
                    INSERT INTO rednas_log (search, seq, kind, number, worker, body, crc32c)
                    VALUES (\(name), \(row.seq), \(handedOut.event.kind), \(work.number), \(worker), \(row.body), \(row.crc))
                )
                UPDATE rednas_candidates SET status = 'running', token = nextval('rednas_lease_tokens'), worker = \(worker),
                    attempts = 1, last_error = NULL, lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE search = \(name) AND number = \(work.number)
                RETURNING token
                """).first?.decode(Int64.self) ?? 0
            return .work(WorkLease(task: task, worker: worker, token: token, attempt: 1, leaseSeconds: leaseSeconds))
        }
        let token = try locked.tx.query("""
            WITH logged AS (
                INSERT INTO rednas_log (search, seq, kind, number, worker, body, crc32c)
                VALUES (\(name), \(row.seq), \(handedOut.event.kind), \(work.number), \(worker), \(row.body), \(row.crc))
            )
            INSERT INTO rednas_candidates (search, number, arch, seed, status, token, worker, lease_expires, attempts)
            VALUES (\(name), \(work.number), \(task.cell.architectureString), \(Int64(bitPattern: task.seed)), 'running',
                    nextval('rednas_lease_tokens'), \(worker), now() + make_interval(secs => \(leaseSeconds)), 1)
            RETURNING token
            """).first?.decode(Int64.self) ?? 0
        return .work(WorkLease(task: task, worker: worker, token: token, attempt: 1, leaseSeconds: leaseSeconds))
    }

    /// The next proposal from the replayed state, the canonical cache served from the records
    /// this process replayed.
    private func propose(_ locked: inout LockedSearch, networkCounts: (Cell) -> NetworkCounts?) throws -> AsyncSearch.Step {
        // Cached completions are reused records, which never serve the cache themselves: the
        // records as they were before the step answer every lookup of it.
        let before = locked.log
        return try search.propose(&locked.log.state, earlier: { before.earlier($0) }, networkCounts: networkCounts)
    }

    /// The candidates running and those among them whose lease expired, read without the row lock.
    /// When this process's replay (perhaps behind the log) already allows no new proposal, that
    /// stays so (in-flight and completed proposals both count against the budget): while some
    /// candidate runs with a live lease a claim can only wait.
    private func runningCandidates() throws -> (running: Int, expired: Int) {
        guard let row = try link.query("""
            SELECT count(*), count(*) FILTER (WHERE lease_expires < now())
            FROM rednas_candidates WHERE search = \(name) AND status = 'running'
            """).first else { return (0, 0) }
        return try row.decode((Int, Int).self)
    }

    package func renew(_ lease: WorkLease) throws -> Bool {
        try renewal.with(link.url) { link, _ in
            let result = try link.query("""
                UPDATE rednas_candidates SET lease_expires = now() + make_interval(secs => \(lease.leaseSeconds))
                WHERE search = \(name) AND number = \(lease.task.number) AND token = \(lease.token) AND status = 'running'
                """)
            return result.metadata.rows == 1
        }
    }

    /// Stores the folder's `checkpoint` files, replacing the candidate's previous ones, in one
    /// transaction that first checks the lease still holds. The files are taken only when the
    /// folder's listing (names, sizes, modification times) is the same before and after reading
    /// them, so they are one epoch's set; else the trainer was writing and the next renewal tries.
    package func keepCheckpoint(_ lease: WorkLease, from folder: URL) throws {
        let checkpoint = folder.appendingPathComponent(Self.checkpointFolder)
        let listing = Self.listing(of: checkpoint)
        guard !listing.isEmpty,
              let files = try? files(in: checkpoint, prefix: Self.checkpointFolder + "/"),
              Self.listing(of: checkpoint) == listing else { return }
        try renewal.with(link.url) { link, kept in
            if let kept, kept.token == lease.token, kept.listing == listing { return }
            let holds = try link.transaction { tx -> Bool in
                guard try tx.query("""
                    SELECT 1 FROM rednas_candidates WHERE search = \(name) AND number = \(lease.task.number)
                        AND token = \(lease.token) AND status = 'running' FOR UPDATE
                    """).first != nil else { return false }
                try tx.query("""
                    DELETE FROM rednas_artifacts WHERE search = \(name) AND number = \(lease.task.number)
                        AND name LIKE \(Self.checkpointFolder + "/%")
                    """)
                try store(files, number: lease.task.number, tx)
                return true
            }
            if holds { kept = (lease.token, listing) }
        }
    }

    /// "name size modification-time" of each file in `folder`, sorted; empty when there is none.
    private static func listing(of folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name) \(size) \(modified)"
        }
    }

    package func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        let files = try artifacts(in: folder)
        return try locked { try commit(lease, metrics: metrics, seconds: seconds, files: files, &$0) }
    }

    /// The commit and the next claim in one locked transaction: one lock and one catch-up per
    /// candidate instead of two.
    package func commitAndClaim(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL,
                                networkCounts: @escaping (Cell) -> NetworkCounts?,
                                committed: (CommitOutcome) -> Void) throws -> WorkClaim {
        let files = try artifacts(in: folder)
        let (outcome, next) = try locked { locked -> (CommitOutcome, WorkClaim) in
            if let both = try commitAndPropose(lease, metrics: metrics, seconds: seconds, networkCounts: networkCounts, &locked) {
                try store(files, number: lease.task.number, locked.tx)
                return both
            }
            let outcome = try commit(lease, metrics: metrics, seconds: seconds, files: files, &locked)
            return (outcome, try claim(worker: lease.worker, networkCounts: networkCounts, &locked))
        }
        committed(outcome)
        return next
    }

    /// The usual end of a candidate in one statement under the row lock: its completion logged
    /// (the lease still holding) and the next proposal handed to the same worker — one round trip
    /// less than the commit and the claim apart. nil, with nothing written and `locked` as it was,
    /// when either needs more: a lease to take over, a promotion, candidates served from the
    /// cache, a refused commit. The caller stores the candidate's files after it.
    private func commitAndPropose(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double,
                                  networkCounts: (Cell) -> NetworkCounts?,
                                  _ locked: inout LockedSearch) throws -> (CommitOutcome, WorkClaim)? {
        let number = lease.task.number
        guard locked.expired == 0, locked.log.state.inFlight(number) != nil else { return nil }
        let before = locked.log
        let record = try search.complete(&locked.log.state, number: number, metrics: metrics, seconds: seconds)
        let completedRow = try logRow(.completed(number: number, record: record), &locked)
        let step = try propose(&locked, networkCounts: networkCounts)
        guard let work = step.work, work.promotes == nil, step.events.count == 1, let proposed = step.events.first,
              proposed.number == work.number, proposed.kind == "proposed" else {
            locked.log = before
            return nil
        }
        let proposedRow = try logRow(proposed, &locked)
        let task = search.task(work, runFingerprint: binding.fingerprint)
        let (done, token) = try commitStatement(lease, record: record, completed: completedRow, locked.tx,
                                                handing: (proposedRow, work.number, task))
        guard done == 1, let token else {
            locked.log = before
            return nil
        }
        return (.committed(record), .work(WorkLease(task: task, worker: lease.worker, token: token, attempt: 1,
                                                    leaseSeconds: leaseSeconds)))
    }

    /// The statement that commits `lease`'s candidate: the `completed` row logged and the epoch
    /// checkpoints it kept dropped, only while the lease holds (the fenced UPDATE `done`);
    /// `history_number` is the candidate's first record (a promotion keeps it). With `handing`,
    /// the same statement logs the next proposal and inserts its candidate row for the same
    /// worker. Every write reads from `done`, so a refused commit writes nothing.
    /// - Returns: 1 when committed, else 0; the new lease's token when one was handed out.
    private func commitStatement(_ lease: WorkLease, record: EvaluationRecord, completed: LogRow,
                                 _ tx: PostgresLink.Transaction,
                                 handing next: (row: LogRow, number: Int, task: CandidateTask)? = nil) throws
        -> (done: Int, token: Int64?) {
        var b = Binds()
        let (search, worker) = (b.bind(name), b.bind(lease.worker))
        var sql = """
            WITH done AS (
                UPDATE rednas_candidates SET status = 'done', history_number = coalesce(history_number, \(b.bind(record.number))),
                    lease_expires = NULL
                WHERE search = \(search) AND number = \(b.bind(lease.task.number)) AND token = \(b.bind(lease.token))
                    AND status = 'running'
                RETURNING number
            ), logged AS (
                INSERT INTO rednas_log (search, seq, kind, number, worker, body, crc32c)
                SELECT \(search), \(b.bind(completed.seq)), 'completed', number, \(worker), \(b.bind(completed.body)),
                       \(b.bind(completed.crc)) FROM done
            """
        if let next {
            sql += """

                UNION ALL
                SELECT \(search), \(b.bind(next.row.seq)), 'proposed', \(b.bind(next.number)), \(worker), \(b.bind(next.row.body)),
                       \(b.bind(next.row.crc)) FROM done
                """
        }
        sql += """

            ), cleared AS (
                DELETE FROM rednas_artifacts WHERE search = \(search) AND number IN (SELECT number FROM done)
                    AND name LIKE \(b.bind(Self.checkpointFolder + "/%"))
            )
            """
        if let next {
            sql += """
                , claimed AS (
                    INSERT INTO rednas_candidates (search, number, arch, seed, status, token, worker, lease_expires, attempts)
                    SELECT \(search), \(b.bind(next.number)), \(b.bind(next.task.cell.architectureString)),
                           \(b.bind(Int64(bitPattern: next.task.seed))), 'running', nextval('rednas_lease_tokens'), \(worker),
                           now() + make_interval(secs => \(b.bind(leaseSeconds))), 1 FROM done
                    RETURNING token
                )
                """
        }
        sql += "\nSELECT (SELECT count(*) FROM done), " + (next == nil ? "NULL::bigint" : "(SELECT token FROM claimed)")
        guard let row = try tx.query(PostgresQuery(unsafeSQL: sql, binds: b.binds)).first else { return (0, nil) }
        return try row.decode((Int, Int64?).self)
    }

    /// The commit under the row lock.
    private func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, files: [(String, Data)],
                        _ locked: inout LockedSearch) throws -> CommitOutcome {
        let number = lease.task.number
        // The usual case in one statement: the lease still holds, the completion is logged.
        let before = locked.log
        if locked.log.state.inFlight(number) != nil {
            let record = try search.complete(&locked.log.state, number: number, metrics: metrics, seconds: seconds)
            let row = try logRow(.completed(number: number, record: record), &locked)
            if try commitStatement(lease, record: record, completed: row, locked.tx).done == 1 {
                // The epoch checkpoints kept while training went with the statement above; a rung
                // checkpoint among the files replaces them.
                try store(files, number: number, locked.tx)
                return .committed(record)
            }
            locked.log = before
        }
        guard let row = try locked.tx.query("""
            SELECT status, token, history_number FROM rednas_candidates WHERE search = \(name) AND number = \(number)
            """).first else {
            throw SearchError.damaged(path: location, detail: "candidate #\(number) of a lease is not in the database")
        }
        let (status, token, history) = try row.decode((String, Int64, Int?).self)
        if status == "done", token == lease.token, history != nil,
           let record = locked.log.lastRecord(seed: lease.task.seed, arch: lease.task.cell.architectureString) {
            return .committed(record)  // this very commit, re-run after a lost connection
        }
        let why = status == "running"
            ? "its lease was taken over (this worker's token \(lease.token), the current one \(token))"
            : "it is already \(status) (this worker's token \(lease.token))"
        try note("commit_refused", number: number, worker: lease.worker, ["reason": why], &locked)
        return .refused(why)
    }

    /// Stores a committed candidate's files.
    private func store(_ files: [(String, Data)], number: Int, _ tx: PostgresLink.Transaction) throws {
        for (file, data) in files {
            let crc = Int64(CRC32C.checksum(data))
            try tx.query("""
                INSERT INTO rednas_artifacts (search, number, name, data, crc32c) VALUES (\(name), \(number), \(file), \(data), \(crc))
                ON CONFLICT (search, number, name) DO UPDATE SET data = EXCLUDED.data, crc32c = EXCLUDED.crc32c
                """)
        }
    }

    package func fail(_ lease: WorkLease, reason: String) throws {
        try locked { locked in
            guard try holds(lease, locked.tx) else { return }
            try note("attempt_failed", number: lease.task.number, worker: lease.worker,
                     ["attempt": String(lease.attempt), "reason": reason], &locked)
            if lease.attempt >= maxAttempts {
                try recordFailure(lease.task.number, attempts: lease.attempt, reason: reason, &locked)
            } else {
                try locked.tx.query("""
                    UPDATE rednas_candidates SET lease_expires = now() - interval '1 second', last_error = \(reason)
                    WHERE search = \(name) AND number = \(lease.task.number)
                    """)
            }
        }
    }

    package func release(_ lease: WorkLease) throws {
        try locked { locked in
            guard try holds(lease, locked.tx) else { return }
            try note("released", number: lease.task.number, worker: lease.worker, [:], &locked)
            // A stop is not a failure: the attempt is given back.
            try locked.tx.query("""
                UPDATE rednas_candidates SET lease_expires = now() - interval '1 second', attempts = attempts - 1
                WHERE search = \(name) AND number = \(lease.task.number)
                """)
        }
    }

    private func holds(_ lease: WorkLease, _ tx: PostgresLink.Transaction) throws -> Bool {
        let rows = try tx.query("""
            SELECT 1 FROM rednas_candidates WHERE search = \(name) AND number = \(lease.task.number)
                AND token = \(lease.token) AND status = 'running' FOR UPDATE
            """)
        return rows.first != nil
    }

    private func recordFailure(_ number: Int, attempts: Int, reason: String, _ locked: inout LockedSearch) throws {
        let metrics = CandidateMetrics(validAccuracy: 0, diverged: "failed after \(attempts) attempt(s): \(reason)",
                                       params: 0, flops: 0, epochs: 0, trainSeconds: 0, msrsSeconds: 0)
        let record = try search.complete(&locked.log.state, number: number, metrics: metrics, seconds: 0)
        try append(.completed(number: number, record: record), worker: nil, &locked)
        // The epoch checkpoints its attempts kept go with it.
        try locked.tx.query("""
            WITH failed AS (
                UPDATE rednas_candidates SET status = 'failed', history_number = coalesce(history_number, \(record.number)),
                    lease_expires = NULL,
                    last_error = \(reason)
                WHERE search = \(name) AND number = \(number)
            )
            DELETE FROM rednas_artifacts WHERE search = \(name) AND number = \(number) AND name LIKE \(Self.checkpointFolder + "/%")
            """)
    }

    /// Inserts the row of a candidate served from the cache (done at once, never leased).
    private func insertCached(_ record: EvaluationRecord, number: Int, worker: String, _ tx: PostgresLink.Transaction) throws {
        try tx.query("""
            INSERT INTO rednas_candidates (search, number, arch, seed, status, token, worker, lease_expires, attempts, history_number)
            VALUES (\(name), \(number), \(record.arch), \(Int64(bitPattern: record.seed)), 'done', 0, \(worker), now(), 1,
                    \(record.number))
            """)
    }

    /// The files a candidate's evaluation left at the top of its folder (metrics, MSRS, training
    /// log, weights) and, as `checkpoint/<file>`, the epoch checkpoint a rung below the top keeps
    /// there (the trainer's own files, unchanged) for a promotion to continue on any machine.
    private func artifacts(in folder: URL) throws -> [(String, Data)] {
        try files(in: folder, prefix: "") + files(in: folder.appendingPathComponent(Self.checkpointFolder),
                                                  prefix: Self.checkpointFolder + "/")
    }

    private func files(in folder: URL, prefix: String) throws -> [(String, Data)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return try names.sorted().compactMap { name -> (String, Data)? in
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
                  !name.hasPrefix(".") else { return nil }
            return (prefix + name, try Data(contentsOf: url))
        }
    }

    /// The folder of a candidate's epoch checkpoint (the training evaluator's `checkpoint`).
    static let checkpointFolder = "checkpoint"

    package func restore(_ lease: WorkLease, into folder: URL) throws {
        let rows = try link.query("""
            SELECT name, data, crc32c FROM rednas_artifacts WHERE search = \(name) AND number = \(lease.task.number) ORDER BY name
            """)
        for row in rows {
            let (file, data, crc) = try row.decode((String, Data, Int64).self)
            guard Int64(CRC32C.checksum(data)) == crc else {
                throw SearchError.damaged(path: "\(location) file \(file) of candidate #\(lease.task.number)",
                                          detail: "does not match its checksum (damaged in the database)")
            }
            let parts = file.split(separator: "/").map(String.init)
            guard parts.count == 1 || parts.count == 2 && parts[0] == Self.checkpointFolder,
                  !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else { continue }
            let target = parts.reduce(folder) { $0.appendingPathComponent($1) }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? Data(contentsOf: target)) != data { try AtomicFile.write(data, to: target) }
        }
    }
}

/// Values bound to a statement whose text is put together in parts: each `bind` appends one and
/// gives its placeholder (`$n`).
private struct Binds {
    private(set) var binds = PostgresBindings()

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value, context: .default)
        return "$\(binds.count)"
    }
}
