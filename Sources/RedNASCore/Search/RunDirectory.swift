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
public struct RunDirectory {
    public let url: URL

    public init(_ url: URL) { self.url = url.standardizedFileURL }

    public var config: URL { url.appendingPathComponent("config.yaml") }
    public var journal: URL { url.appendingPathComponent("journal.jsonl") }
    public var state: URL { url.appendingPathComponent("state.json") }
    public var status: URL { url.appendingPathComponent("status.json") }
    public var log: URL { url.appendingPathComponent("search.log") }
    public var candidates: URL { url.appendingPathComponent("candidates") }
    public var lockFile: URL { url.appendingPathComponent(".lock") }

    /// The folder of candidate `number` (architecture `index`).
    public func candidate(number: Int, index: Int) -> URL {
        candidates.appendingPathComponent(String(format: "%04d-%05d", number, index))
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: config.path) }

    /// Appends a timestamped line to `search.log` (best effort: logging never stops a search).
    public func appendLog(_ line: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        let data = Data("\(stamp) \(line)\n".utf8)
        if let handle = FileHandle(forWritingAtPath: log.path) {
            handle.seekToEndOfFile(); handle.write(data); handle.closeFile()
        } else {
            try? data.write(to: log)
        }
    }
}

/// An exclusive lock on a run directory so two processes never drive one run.
public final class RunLock {
    private let fd: Int32

    public init(_ run: RunDirectory) throws {
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        fd = open(run.lockFile.path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw PersistenceError.io(path: run.lockFile.path, what: "cannot open lock file", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw SearchError.runInUse(run.url.path)
        }
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    /// Whether a process holds the run's lock. A read-only probe: a shared, non-blocking flock on the
    /// existing lock file, released at once (never creates or writes the file).
    public static func isHeld(_ run: RunDirectory) -> Bool {
        let fd = open(run.lockFile.path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }
}

/// Errors of the search driver and run store; each names the run and what to do.
public enum SearchError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case runInUse(String)
    case runExists(String)
    case notARun(String)
    case journalMismatch(path: String, number: Int, journal: String, proposed: String)
    case configChanged(path: String, keys: [String])
    case damaged(path: String, detail: String)

    public var description: String {
        switch self {
        case let .runInUse(path):
            return "\(path): another rednas process is running this search (its lock is held)"
        case let .runExists(path):
            return "\(path): a run already exists here; use `rednas resume \(path)` or choose another --run-dir"
        case let .notARun(path):
            return "\(path): not a run directory (no config.yaml); start one with `rednas search --config FILE`"
        case let .journalMismatch(path, number, journal, proposed):
            return "\(path): journal entry \(number) is \(journal), but this config and seed propose \(proposed) — "
                + "the run was made by another config or version and cannot be resumed"
        case let .configChanged(path, keys):
            return "\(path): the config differs from the run's in \(keys.joined(separator: ", ")); "
                + "only the budget (search.budget.*) may grow on resume"
        case let .damaged(path, detail):
            return "\(path): \(detail)"
        }
    }
    public var errorDescription: String? { description }
}
