import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The first line of a run journal: what the run is bound to. Written when the run is created
/// (or, for a journal from before headers, on its first resume — see `legacyRecords`).
public struct JournalHeader: Codable, Equatable, Sendable {
    /// The value of `journal` in every header.
    public static let kind = "rednas-run-journal"
    /// Always `JournalHeader.kind`: how the first line is told apart from a record.
    public var journal: String
    /// The header format's version: 2 for every header this code writes.
    public var version: Int
    /// The key style of the records (`JSONStyle.schemaVersion`); nil in journals from before it
    /// (schema 1: camelCase records).
    public var schemaVersion: Int?
    /// SHA-256 (hex) of what the run is bound to (its resolved config without the budget, and its space).
    public var fingerprint: String
    /// The texts the fingerprint covers, by name ("config", "space"), so a mismatch can say what differs.
    public var bound: [String: String]
    /// Records written before the journal had checksums (a migrated run): the first `legacyRecords`
    /// records may lack a checksum; every later one must carry one.
    public var legacyRecords: Int

    /// A current-version header binding a run to `fingerprint` (over the texts `bound`), whose first
    /// `legacyRecords` records may lack a checksum.
    public init(fingerprint: String, bound: [String: String], legacyRecords: Int = 0) {
        journal = Self.kind; version = 2; schemaVersion = JSONStyle.schemaVersion
        self.fingerprint = fingerprint; self.bound = bound; self.legacyRecords = legacyRecords
    }

    /// The records' schema: `schemaVersion`, or 1 for a journal from before it.
    public var recordSchema: Int { schemaVersion ?? 1 }
}

/// An append-only JSON Lines journal: an optional header line, then one record per line, each line
/// written with a single `write` and fsync'd before `append` returns, so a finished record is never lost.
///
/// Every line carries a CRC-32C: the line is the record's JSON (sorted keys) with
/// `,"crc32c":"xxxxxxxx"` added as its last member, and the checksum covers the line without that
/// member. A line whose checksum does not match is refused, naming the line: it was changed after
/// it was written. Journals from before checksums (no header line) are read as they are; once a
/// header exists, every record after its `legacyRecords` must carry a checksum.
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
        /// The header line, or `nil` for a journal without one (or no file).
        public var header: JournalHeader?
        /// The complete records, in file order.
        public var records: [Record]
        /// The 1-based line number of each record (for messages).
        public var lines: [Int]
        /// How many records carry a verified checksum.
        public var checksummed: Int
        /// Whether each record carried a (verified) checksum, in file order.
        public var verified: [Bool] = []
        /// Byte length of the valid prefix (all complete, decodable lines).
        public var validLength: Int
        /// A description of the torn final line, if any (it is not part of `records`).
        public var tornTail: String?
        /// Whether the file exists at all.
        public var exists: Bool
    }

    static var checksumKey: String { "crc32c" }
    private static var suffixLength: Int { 21 }  // ,"crc32c":"xxxxxxxx"}

    /// Splits a line into the bytes its checksum covers and the recorded checksum; nil checksum
    /// when the line carries none.
    static func split(_ line: Data) -> (covered: Data, checksum: String?) {
        let bytes = [UInt8](line)
        let prefix = Array(",\"\(checksumKey)\":\"".utf8)
        guard bytes.count > suffixLength, bytes.last == UInt8(ascii: "}"), bytes[bytes.count - 2] == UInt8(ascii: "\"") else {
            return (line, nil)
        }
        let start = bytes.count - suffixLength
        guard Array(bytes[start..<(start + prefix.count)]) == prefix else { return (line, nil) }
        let hex = String(decoding: bytes[(start + prefix.count)..<(bytes.count - 2)], as: UTF8.self)
        return (Data(bytes[..<start] + [UInt8(ascii: "}")]), hex)
    }

    /// A line for `value`: sorted-key JSON in `JSONStyle`, with its checksum member unless
    /// `checksum` is false, no newline.
    static func line<T: Encodable>(_ value: T, checksum: Bool = true) throws -> Data {
        var json = try JSONStyle.encoder(pretty: false).encode(value)
        let crc = CRC32C.hex(json)
        guard checksum, json.last == UInt8(ascii: "}") else { return json }
        json.removeLast()
        json.append(contentsOf: Array(",\"\(checksumKey)\":\"\(crc)\"}".utf8))
        return json
    }

    /// Reads every record, verifying checksums. Throws if a line other than the last is damaged, or
    /// if any complete line fails its checksum.
    public func load() throws -> Contents {
        guard FileManager.default.fileExists(atPath: url.path) else {
            return Contents(header: nil, records: [], lines: [], checksummed: 0, verified: [], validLength: 0, tornTail: nil,
                            exists: false)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PersistenceError.malformed(path: url.path, detail: "cannot read the journal (\(error.localizedDescription))")
        }
        var header: JournalHeader?
        var records: [Record] = [], lines: [Int] = [], checksummed = 0, verified: [Bool] = []
        var start = data.startIndex, lineNumber = 0, validLength = 0
        let decoder = JSONStyle.decoder()
        while start < data.endIndex {
            lineNumber += 1
            let newline = data[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? data.endIndex
            let line = Data(data[start..<end])
            let isLast = (newline == nil) || (end + 1 == data.endIndex)
            if line.isEmpty && newline != nil { start = end + 1; validLength = start; continue }
            let (covered, checksum) = Self.split(line)
            let what = "line \(lineNumber) (record #\(records.count))"
            do {
                guard newline != nil else { throw PersistenceError.malformed(path: url.path, detail: "no newline") }
                if lineNumber == 1, let h = try? decoder.decode(JournalHeader.self, from: line), h.journal == JournalHeader.kind {
                    guard let checksum else {
                        throw PersistenceError.malformed(path: url.path, detail: "line 1 (the header) carries no checksum")
                    }
                    try verify(covered, checksum, what: "line 1 (the header)")
                    header = h
                } else {
                    let record = try decoder.decode(Record.self, from: line)
                    if let checksum {
                        try verify(covered, checksum, what: what)
                        checksummed += 1
                    } else if let header, records.count >= header.legacyRecords {
                        throw ChecksumProblem.missing
                    }
                    records.append(record)
                    lines.append(lineNumber)
                    verified.append(checksum != nil)
                }
                validLength = end + 1 - data.startIndex
            } catch let problem as ChecksumProblem {
                throw PersistenceError.malformed(path: url.path, detail: problem.describe(what))
            } catch {
                let description = "\(what) is incomplete or does not decode (\(Self.short(error)))"
                if isLast {
                    return Contents(header: header, records: records, lines: lines, checksummed: checksummed,
                                    verified: verified, validLength: validLength, tornTail: description, exists: true)
                }
                throw PersistenceError.malformed(path: url.path, detail: "\(description); the journal is damaged before its end and cannot be repaired automatically")
            }
            start = end + 1
        }
        return Contents(header: header, records: records, lines: lines, checksummed: checksummed,
                        verified: verified, validLength: validLength, tornTail: nil, exists: true)
    }

    private enum ChecksumProblem: Error {
        case missing
        case mismatch(recorded: String, computed: String)

        func describe(_ what: String) -> String {
            switch self {
            case .missing:
                return "\(what) carries no crc32c checksum although the journal's header requires one — "
                    + "the line was written or edited by hand; restore the journal from a backup"
            case let .mismatch(recorded, computed):
                return "\(what) fails its checksum (recorded crc32c \(recorded), computed \(computed)) — the line was "
                    + "changed after it was written and cannot be trusted; restore the journal from a backup"
            }
        }
    }

    private func verify(_ covered: Data, _ recorded: String, what: String) throws {
        let computed = CRC32C.hex(covered)
        guard computed == recorded.lowercased() else { throw ChecksumProblem.mismatch(recorded: recorded, computed: computed) }
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

    /// Starts a journal holding only `header` (atomically); refuses to replace an existing file.
    public func create(header: JournalHeader) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw PersistenceError.malformed(path: url.path, detail: "a journal already exists here")
        }
        var data = try Self.line(header)
        data.append(UInt8(ascii: "\n"))
        try AtomicFile.write(data, to: url)
    }

    /// Puts `header` in front of a journal that has none (the migration of a run from before
    /// headers), atomically: a kill leaves the old journal or the new one. The records keep their
    /// bytes, so when there are any the header gives their schema as 1 (`migrate` rewrites them).
    public func addHeader(_ header: JournalHeader) throws {
        let contents = try load()
        guard contents.header == nil else {
            throw PersistenceError.malformed(path: url.path, detail: "the journal already has a header")
        }
        var header = header
        if !contents.records.isEmpty { header.schemaVersion = nil }
        var data = try Self.line(header)
        data.append(UInt8(ascii: "\n"))
        if contents.exists { data.append(try Data(contentsOf: url).prefix(contents.validLength)) }
        try AtomicFile.write(data, to: url)
    }

    /// Rewrites a journal whose records are of an older schema (`JournalHeader.recordSchema`) in the
    /// current `JSONStyle`, after copying the file to `backup` (fsync'd). Returns false, changing
    /// nothing, when the records are already current or there is no journal.
    ///
    /// Integrity carries over rather than being reset: every line is verified first (`load`), and
    /// only records that passed their checksum get one over their new bytes; records from before
    /// checksums (within `legacyRecords`) are rewritten without one, as they were. The header
    /// keeps the fingerprint and bound texts. The replace is atomic: a kill leaves the old journal
    /// or the new one. A journal without a header (never bound to its run) has no schema marker and
    /// is left as it is.
    ///
    /// - Throws: `PersistenceError.malformed` for a journal with a torn final line (`repair`
    ///   first) or that fails verification; I/O errors.
    @discardableResult
    public func migrate(backup: URL) throws -> Bool {
        let contents = try load()
        guard contents.exists, var header = contents.header else { return false }
        guard header.recordSchema < JSONStyle.schemaVersion else { return false }
        if let torn = contents.tornTail {
            throw PersistenceError.malformed(path: url.path, detail: "cannot migrate a journal with a torn final line (\(torn)); resume the run once or repair it first")
        }
        let original = try Data(contentsOf: url)
        header.schemaVersion = JSONStyle.schemaVersion
        var data = try Self.line(header)
        data.append(UInt8(ascii: "\n"))
        for (i, record) in contents.records.enumerated() {
            data.append(try Self.line(record, checksum: contents.verified[i]))
            data.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(original, to: backup)
        try AtomicFile.write(data, to: url)
        let rewritten = try load()
        guard rewritten.records.count == contents.records.count, rewritten.verified == contents.verified else {
            try AtomicFile.write(original, to: url)
            throw PersistenceError.malformed(path: url.path, detail: "the migrated journal did not read back as the original "
                                                + "(\(rewritten.records.count) records, \(rewritten.checksummed) checksummed); the original was restored")
        }
        return true
    }

    /// Appends one record durably (write + fsync), with its checksum.
    public func append(_ record: Record) throws {
        var line = try Self.line(record)
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
