import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Persistence
import RunModel

/// An exclusive lock on a run directory so two searches never drive one run. Not inherited by
/// child processes (close-on-exec): the workers of a parallel search coordinate through
/// `RunDirectoryQueue`, and a parent killed with SIGKILL frees the run at once.
package final class RunLock {
    private let fd: Int32

    package init(_ run: RunDirectory) throws {
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        fd = open(run.lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
    package static func isHeld(_ run: RunDirectory) -> Bool {
        let fd = open(run.lockFile.path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }
}
