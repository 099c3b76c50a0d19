import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: a kill at any instant leaves either the old file or the new one,
/// never a torn mix. Writes go to a temporary sibling, are fsync'd, renamed over the target,
/// and the directory is fsync'd so the rename itself survives a power loss.
public enum AtomicFile {
    /// Replaces `url` with `data` atomically. Creates the parent directory if needed.
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PersistenceError.io(path: tmp.path, what: "cannot create", errno: errno) }
        do {
            try writeAll(fd: fd, data: data, path: tmp.path)
            guard fsync(fd) == 0 else { throw PersistenceError.io(path: tmp.path, what: "fsync failed", errno: errno) }
            close(fd)
        } catch {
            close(fd); unlink(tmp.path); throw error
        }
        guard rename(tmp.path, url.path) == 0 else {
            let e = errno; unlink(tmp.path)
            throw PersistenceError.io(path: url.path, what: "rename failed", errno: e)
        }
        syncDirectory(dir)
    }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// fsyncs a directory so that entries created or renamed in it are durable.
    public static func syncDirectory(_ dir: URL) {
        let dfd = open(dir.path, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    static func writeAll(fd: Int32, data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PersistenceError.io(path: path, what: "write failed", errno: errno)
                }
                offset += n
            }
        }
    }
}

/// Errors of the run store and file formats; each says which file and what is wrong.
public enum PersistenceError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case io(path: String, what: String, errno: Int32)
    case malformed(path: String, detail: String)

    /// The file and what went wrong.
    public var description: String {
        switch self {
        case let .io(path, what, code): return "\(path): \(what) (\(String(cString: strerror(code))))"
        case let .malformed(path, detail): return "\(path): \(detail)"
        }
    }
    /// The same as ``description``.
    public var errorDescription: String? { description }
}
