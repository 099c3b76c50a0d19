import Foundation
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// The files of one search run. Everything needed to resume, report or export lives here:
///
///     config.yaml        the resolved config (all defaults filled in), written once
///     journal.jsonl      append-only evaluation journal, fsync'd after every evaluation (source of truth)
///     state.json         search-state checkpoint, atomically replaced (rebuilt from the journal if lost)
///     status.json        live status for `rednas status` (running candidate, progress), atomically replaced
///     search.log         human-readable log
///     candidates/NNNN-IIIII/  one folder per trained candidate: metrics.json, weights.safetensors,
///                        train.log, and an epoch checkpoint while it trains
///     proposals.jsonl, leases.json, inflight/, workers/
///                        only in a run searched by several worker processes (see `RunDirectoryQueue`)
package struct RunDirectory {
    package let url: URL

    package init(_ url: URL) { self.url = url.standardizedFileURL }

    package var config: URL { url.appendingPathComponent("config.yaml") }
    package var journal: URL { url.appendingPathComponent("journal.jsonl") }
    package var state: URL { url.appendingPathComponent("state.json") }
    package var status: URL { url.appendingPathComponent("status.json") }
    package var log: URL { url.appendingPathComponent("search.log") }
    package var candidates: URL { url.appendingPathComponent("candidates") }
    package var lockFile: URL { url.appendingPathComponent(".lock") }
    /// Where a migration to the current `JSONStyle` keeps the files it replaced (same relative paths).
    package static let backupFolder = "backup-schema1"

    /// The folder of candidate `number` (architecture `index`).
    package func candidate(number: Int, index: Int) -> URL {
        candidates.appendingPathComponent(String(format: "%04d-%05d", number, index))
    }

    package var exists: Bool { FileManager.default.fileExists(atPath: config.path) }

    /// Appends a timestamped line to `search.log` (best effort: logging never stops a search). One
    /// `O_APPEND` write, so the processes of a parallel search never overwrite each other's lines.
    package func appendLog(_ line: String) {
        let stamp = Timestamp.iso8601(Date())
        let data = Data("\(stamp) \(line)\n".utf8)
        let fd = open(log.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
