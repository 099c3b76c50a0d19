import Foundation
import Persistence
import PostgresNIO
import RunModel
import Search

/// The search written out as a run directory — config, space, journal (checksummed, bound),
/// state and candidate folders with their files — so `status`, `export` and `report` read a
/// database search exactly as they read a local run, on any machine.
extension PostgresSearch {
    /// A candidate being evaluated now.
    package struct Running: Equatable, Sendable {
        package var number: Int
        package var arch: String
        package var worker: String
        package var attempts: Int
        /// Seconds until the lease expires (negative: expired, waiting for a takeover).
        package var leaseLeft: Double
    }

    /// What `mirror` read besides the run directory.
    package struct MirrorResult {
        package var run: RunDirectory
        package var state: AsyncSearchState
        package var log: [LogEntry]
        package var running: [Running]
        package var finished: Bool
    }

    /// Writes the search into `run` (replacing an earlier mirror's journal and state; candidate
    /// files are written when missing or different). The log is replayed and checked against the
    /// stored state first (`verifiedState`).
    package func mirror(into run: RunDirectory) throws -> MirrorResult {
        let (log, state) = try verifiedState()
        let records = search.historyRecords(try events(log), in: state)
        try stored.writeRunFiles(to: run)
        for file in [run.journal, run.state] where FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.removeItem(at: file)
        }
        try run.bindJournal(binding, legacyRecords: 0)
        for record in records { try run.appendToJournal(record) }
        try run.saveState(try JSONStyle.document(state.search, pretty: false))
        var historyOf: [Int: Int] = [:]
        // A candidate's files are under its first record's folder, as a local run keeps them.
        for (record, proposal) in state.completedProposals.enumerated() where historyOf[proposal] == nil {
            historyOf[proposal] = record
        }
        // Rung checkpoints (`checkpoint/…`) are for the workers; a run directory's readers need none.
        for row in try link.query("""
            SELECT number, name, data, crc32c FROM rednas_artifacts
            WHERE search = \(name) AND name NOT LIKE \(Self.checkpointFolder + "/%") ORDER BY number, name
            """) {
            let (number, file, data, crc) = try row.decode((Int, String, Data, Int64).self)
            guard Int64(CRC32C.checksum(data)) == crc else {
                throw SearchError.damaged(path: "\(location) file \(file) of candidate #\(number)",
                                          detail: "does not match its checksum (damaged in the database)")
            }
            guard let history = historyOf[number], !file.contains("/") else { continue }
            let folder = run.candidate(number: history, index: records[history].index)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let target = folder.appendingPathComponent(file)
            if (try? Data(contentsOf: target)) != data { try AtomicFile.write(data, to: target) }
        }
        let running = try link.query("""
            SELECT number, arch, coalesce(worker, ''), attempts, extract(epoch FROM lease_expires - now())::float8
            FROM rednas_candidates WHERE search = \(name) AND status = 'running' ORDER BY number
            """).map { row in
            let (number, arch, worker, attempts, left) = try row.decode((Int, String, String, Int, Double).self)
            return Running(number: number, arch: arch, worker: worker, attempts: attempts, leaseLeft: left)
        }
        return MirrorResult(run: run, state: state, log: log, running: running, finished: search.isFinished(state))
    }
}
