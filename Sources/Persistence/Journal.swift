import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only JSON Lines journal: one record per line, each line written with a single
/// `write` and fsync'd before `append` returns, so a finished record is never lost.
///
/// A kill during `append` can leave at most one torn final line (no trailing newline, or bytes
/// that do not decode). `load` reports it; `repair` truncates the file back to the last complete
/// record. Damage anywhere else is refused: the journal is the run's source of truth.
public struct Journal<Record: Codable> {
    /// The journal file.
    public let url: URL

    /// The journal at `url` (the file is created by the first append).
    public init(url: URL) { self.url = url }

    /// What `load` found.
    public struct Contents {
        /// The complete records, in file order.
        public var records: [Record]
        /// Byte length of the valid prefix (all complete, decodable lines).
        public var validLength: Int
        /// A description of the torn final line, if any (it is not part of `records`).
        public var tornTail: String?
    }

    /// Reads every record. Throws if a line other than the last is damaged.
    public func load() throws -> Contents {
        guard FileManager.default.fileExists(atPath: url.path) else {
            return Contents(records: [], validLength: 0, tornTail: nil)
        }
        let data = try Data(contentsOf: url)
        var records: [Record] = []
        var start = data.startIndex, lineNumber = 0, validLength = 0
        let decoder = JSONDecoder()
        while start < data.endIndex {
            lineNumber += 1
            let newline = data[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? data.endIndex
            let line = data[start..<end]
            let isLast = (newline == nil) || (end + 1 == data.endIndex)
            if line.isEmpty && newline != nil { start = end + 1; validLength = start; continue }
            do {
                guard newline != nil else { throw PersistenceError.malformed(path: url.path, detail: "no newline") }
                records.append(try decoder.decode(Record.self, from: line))
                validLength = end + 1 - data.startIndex
            } catch {
                let what = "line \(lineNumber) is incomplete or does not decode (\(Self.short(error)))"
                if isLast { return Contents(records: records, validLength: validLength, tornTail: what) }
                throw PersistenceError.malformed(path: url.path, detail: "\(what); the journal is damaged before its end and cannot be repaired automatically")
            }
            start = end + 1
        }
        return Contents(records: records, validLength: validLength, tornTail: nil)
    }

    /// Truncates a torn final line left by a kill. Returns what was removed, or nil.
    @discardableResult
    public func repair() throws -> String? {
        let contents = try load()
        guard let torn = contents.tornTail else { return nil }
        guard truncate(url.path, off_t(contents.validLength)) == 0 else {
            throw PersistenceError.io(path: url.path, what: "cannot truncate torn line", errno: errno)
        }
        return torn
    }

    /// Appends one record durably (write + fsync).
    public func append(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let existed = FileManager.default.fileExists(atPath: url.path)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw PersistenceError.io(path: url.path, what: "cannot open for append", errno: errno) }
        defer { close(fd) }
        try AtomicFile.writeAll(fd: fd, data: line, path: url.path)
        guard fsync(fd) == 0 else { throw PersistenceError.io(path: url.path, what: "fsync failed", errno: errno) }
        if !existed { AtomicFile.syncDirectory(url.deletingLastPathComponent()) }
    }

    private static func short(_ error: Error) -> String {
        if let e = error as? PersistenceError { return e.description }
        if case let DecodingError.dataCorrupted(ctx) = error { return ctx.debugDescription }
        return "\(error)"
    }
}
