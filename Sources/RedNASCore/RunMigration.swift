import CellSpace
import Evolution
import Foundation
import Persistence
import Redundancy
import RunModel
import Search
import Training

/// `rednas migrate RUN`: rewrites a run directory written before snake_case keys (schema 1) in the
/// current `JSONStyle`, keeping every original under `RUN/backup-schema1/`.
///
/// Reading never needs it (every reader accepts both key styles) and `resume` upgrades the journal
/// by itself; it makes the whole directory uniform for tools that read the files directly.
/// The journal is verified like `status` verifies it (binding, checksums, numbering) before
/// anything is written; each file is replaced atomically, after its backup, so a kill leaves
/// every file either old or new (both readable), and running it again finishes the job.
package enum RunMigration {
    /// Migrates `run` and returns the files it rewrote (relative paths); empty when the run was current.
    ///
    /// - Throws: `SearchError.runInUse` while a search drives the run; the journal's verification
    ///   errors; `PersistenceError` for unreadable files or failed writes.
    package static func migrate(_ run: RunDirectory) throws -> [String] {
        guard run.exists else { throw SearchError.notARun(run.url.path) }
        let lock = try RunLock(run)
        defer { withExtendedLifetime(lock) {} }
        var rewritten: [String] = []
        let journal = try run.verifiedJournal()
        if let torn = journal.tornTail {
            throw SearchError.damaged(path: run.journal.path, detail: "ends in a torn line (\(torn)); `rednas resume` repairs it — migrate after that")
        }
        if journal.exists, journal.binding == nil, let binding = try run.currentBinding() {
            try run.bindJournal(binding, legacyRecords: journal.records.count)
        }
        if try run.upgradeJournal() != nil { rewritten.append("journal.jsonl") }

        let state: SearchState<Cell>? = try rewrite(run, run.state)
        if state != nil { rewritten.append("state.json") }
        let status: SearchStatus? = try rewrite(run, run.status)
        if status != nil { rewritten.append("status.json") }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: run.candidates.path)) ?? []
        for folder in folders.sorted() {
            let url = run.candidates.appendingPathComponent(folder)
            let metrics: TrainingEvaluator.CandidateFile? = try rewrite(run, url.appendingPathComponent("metrics.json"))
            if metrics != nil { rewritten.append("candidates/\(folder)/metrics.json") }
            let msrs: MSRSResult? = try rewrite(run, url.appendingPathComponent("msrs.json"))
            if msrs != nil { rewritten.append("candidates/\(folder)/msrs.json") }
        }
        if !rewritten.isEmpty {
            run.appendLog("migrated to schema \(JSONStyle.schemaVersion): \(rewritten.count) file(s) rewritten, originals in \(RunDirectory.backupFolder)/")
        }
        return rewritten
    }

    /// Rewrites one document of schema 1 as the current schema (backup first); nil when the file
    /// is missing or already current.
    private static func rewrite<T: Codable>(_ run: RunDirectory, _ url: URL) throws -> T? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard try JSONStyle.version(of: data, path: url.path) < JSONStyle.schemaVersion else { return nil }
        let value: T
        do { value = try JSONStyle.decoder().decode(T.self, from: data) } catch {
            throw PersistenceError.malformed(path: url.path, detail: "does not decode as \(T.self) (\(error)); left as it is")
        }
        let relative = String(url.path.dropFirst(run.url.path.count + 1))
        try AtomicFile.write(data, to: run.url.appendingPathComponent(RunDirectory.backupFolder).appendingPathComponent(relative))
        try AtomicFile.write(try JSONStyle.document(value, pretty: url.lastPathComponent != "state.json"), to: url)
        return value
    }
}
