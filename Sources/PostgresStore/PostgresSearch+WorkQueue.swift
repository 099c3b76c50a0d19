import CellSpace
import Foundation
import Persistence
import PostgresNIO
import RunModel
import Search

/// Claims, leases and commits, each one transaction holding the search's row lock.
///
/// A claim takes over the oldest candidate whose lease expired (same task, a new fencing token,
/// one more attempt), else makes a new proposal (`AsyncSearch.propose`; under a scheduler possibly
/// a promotion, which sets the candidate's row running again). A commit is accepted only with the
/// candidate's current token; a candidate that failed `max_attempts` times is recorded as failed
/// (a diverged result, ranked last) and the search goes on. Below the top rung a commit stores the
/// candidate's epoch checkpoint with its files; `restore` gives them to the promoted worker.
extension PostgresSearch: WorkQueue {
    package func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        try link.transaction { tx in
            var state = try lockedState(tx)
            var changed = false
            while let row = try tx.query("""
                SELECT number, attempts, worker, last_error FROM rednas_candidates
                WHERE search = \(name) AND status = 'running' AND lease_expires < now() ORDER BY number LIMIT 1
                """).first {
                let (number, attempts, previous, lastError) = try row.decode((Int, Int, String?, String?).self)
                if attempts >= maxAttempts {
                    try recordFailure(number, attempts: attempts, reason: lastError ?? "its lease expired (worker lost)",
                                      &state, tx)
                    changed = true
                    continue
                }
                let token = try nextToken(tx)
                try tx.query("""
                    UPDATE rednas_candidates SET token = \(token), worker = \(worker), attempts = attempts + 1,
                        lease_expires = now() + make_interval(secs => \(leaseSeconds))
                    WHERE search = \(name) AND number = \(number)
                    """)
                try note("lease_taken_over", number: number, worker: worker,
                         ["from": previous ?? "", "attempt": String(attempts + 1), "token": String(token)], tx)
                if changed { try save(state, tx) }
                guard let work = state.inFlight(number) else {
                    throw SearchError.damaged(path: location, detail: "candidate #\(number) is running but not in flight in the state")
                }
                return .work(WorkLease(task: search.task(work, runFingerprint: binding.fingerprint), worker: worker,
                                       token: token, attempt: attempts + 1, leaseSeconds: leaseSeconds))
            }
            let step = try search.propose(&state, earlier: { [self] canonical in
                (try? completedRecords(tx))?.filter { $0.canonical == canonical && !$0.reused }.min { $0.number < $1.number }
            }, networkCounts: networkCounts)
            if changed || !step.events.isEmpty { try save(state, tx) }
            for event in step.events {
                try append(event, worker: worker, tx)
                if case let .completed(number, record) = event {  // served from the cache
                    try insertCandidate(number, arch: record.arch, seed: record.seed, status: "done", token: 0,
                                        worker: worker, historyNumber: record.number, tx)
                }
            }
            guard let work = step.work else { return search.isFinished(state) ? .finished : .wait }
            let token = try nextToken(tx)
            let task = search.task(work, runFingerprint: binding.fingerprint)
            if work.promotes != nil {
                // A promotion is the candidate's row running again, under a new lease.
                try tx.query("""
                    UPDATE rednas_candidates SET status = 'running', token = \(token), worker = \(worker), attempts = 1,
                        last_error = NULL, lease_expires = now() + make_interval(secs => \(leaseSeconds))
                    WHERE search = \(name) AND number = \(work.number)
                    """)
            } else {
                try insertCandidate(work.number, arch: task.cell.architectureString, seed: task.seed, status: "running",
                                    token: token, worker: worker, historyNumber: nil, tx)
            }
            return .work(WorkLease(task: task, worker: worker, token: token, attempt: 1, leaseSeconds: leaseSeconds))
        }
    }

    package func renew(_ lease: WorkLease) throws -> Bool {
        try renewal.with(link.url) { link in
            let result = try link.query("""
                UPDATE rednas_candidates SET lease_expires = now() + make_interval(secs => \(lease.leaseSeconds))
                WHERE search = \(name) AND number = \(lease.task.number) AND token = \(lease.token) AND status = 'running'
                """)
            return result.metadata.rows == 1
        }
    }

    package func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        let files = try artifacts(in: folder)
        return try link.transaction { tx in
            var state = try lockedState(tx)
            let number = lease.task.number
            guard let row = try tx.query("""
                SELECT status, token FROM rednas_candidates WHERE search = \(name) AND number = \(number) FOR UPDATE
                """).first else {
                throw SearchError.damaged(path: location, detail: "candidate #\(number) of a lease is not in the database")
            }
            let (status, token) = try row.decode((String, Int64).self)
            if status == "done", token == lease.token, let record = try completedRecords(tx).last(where: { $0.seed == lease.task.seed && $0.arch == lease.task.cell.architectureString }) {
                return .committed(record)  // this very commit, re-run after a lost connection
            }
            guard status == "running", token == lease.token else {
                let why = status == "running"
                    ? "its lease was taken over (this worker's token \(lease.token), the current one \(token))"
                    : "it is already \(status) (this worker's token \(lease.token))"
                try note("commit_refused", number: number, worker: lease.worker, ["reason": why], tx)
                return .refused(why)
            }
            let record = try search.complete(&state, number: number, metrics: metrics, seconds: seconds)
            try append(.completed(number: number, record: record), worker: lease.worker, tx)
            // history_number: the candidate's first record (a promotion keeps it).
            try tx.query("""
                UPDATE rednas_candidates SET status = 'done', history_number = coalesce(history_number, \(record.number)),
                    lease_expires = NULL
                WHERE search = \(name) AND number = \(number)
                """)
            // A rung checkpoint replaces the previous rung's (and goes with the top rung's commit).
            try tx.query("""
                DELETE FROM rednas_artifacts WHERE search = \(name) AND number = \(number) AND name LIKE \(Self.checkpointFolder + "/%")
                """)
            for (file, data) in files {
                let crc = Int64(CRC32C.checksum(data))
                try tx.query("""
                    INSERT INTO rednas_artifacts (search, number, name, data, crc32c) VALUES (\(name), \(number), \(file), \(data), \(crc))
                    ON CONFLICT (search, number, name) DO UPDATE SET data = EXCLUDED.data, crc32c = EXCLUDED.crc32c
                    """)
            }
            try save(state, tx)
            return .committed(record)
        }
    }

    package func fail(_ lease: WorkLease, reason: String) throws {
        try link.transaction { tx in
            var state = try lockedState(tx)
            guard try holds(lease, tx) else { return }
            try note("attempt_failed", number: lease.task.number, worker: lease.worker,
                     ["attempt": String(lease.attempt), "reason": reason], tx)
            if lease.attempt >= maxAttempts {
                try recordFailure(lease.task.number, attempts: lease.attempt, reason: reason, &state, tx)
                try save(state, tx)
            } else {
                try tx.query("""
                    UPDATE rednas_candidates SET lease_expires = now() - interval '1 second', last_error = \(reason)
                    WHERE search = \(name) AND number = \(lease.task.number)
                    """)
            }
        }
    }

    package func release(_ lease: WorkLease) throws {
        try link.transaction { tx in
            _ = try lockedState(tx)
            guard try holds(lease, tx) else { return }
            try note("released", number: lease.task.number, worker: lease.worker, [:], tx)
            // A stop is not a failure: the attempt is given back.
            try tx.query("""
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

    private func recordFailure(_ number: Int, attempts: Int, reason: String, _ state: inout AsyncSearchState,
                               _ tx: PostgresLink.Transaction) throws {
        let metrics = CandidateMetrics(validAccuracy: 0, diverged: "failed after \(attempts) attempt(s): \(reason)",
                                       params: 0, flops: 0, epochs: 0, trainSeconds: 0, msrsSeconds: 0)
        let record = try search.complete(&state, number: number, metrics: metrics, seconds: 0)
        try append(.completed(number: number, record: record), worker: nil, tx)
        try tx.query("""
            UPDATE rednas_candidates SET status = 'failed', history_number = coalesce(history_number, \(record.number)), lease_expires = NULL,
                last_error = \(reason)
            WHERE search = \(name) AND number = \(number)
            """)
    }

    private func insertCandidate(_ number: Int, arch: String, seed: UInt64, status: String, token: Int64, worker: String,
                                 historyNumber: Int?, _ tx: PostgresLink.Transaction) throws {
        let lease: Double = status == "running" ? leaseSeconds : 0
        try tx.query("""
            INSERT INTO rednas_candidates (search, number, arch, seed, status, token, worker, lease_expires, attempts, history_number)
            VALUES (\(name), \(number), \(arch), \(Int64(bitPattern: seed)), \(status), \(token), \(worker),
                    now() + make_interval(secs => \(lease)), 1, \(historyNumber))
            """)
    }

    private func nextToken(_ tx: PostgresLink.Transaction) throws -> Int64 {
        guard let row = try tx.query("SELECT nextval('rednas_lease_tokens')").first else { return 0 }
        return try row.decode(Int64.self)
    }

    /// Every completed record in log order (history order when asynchronous).
    func completedRecords(_ tx: PostgresLink.Transaction) throws -> [EvaluationRecord] {
        try events(try readLog(tx.query).filter { $0.kind == "completed" }).compactMap {
            if case let .completed(_, record) = $0 { return record } else { return nil }
        }
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
