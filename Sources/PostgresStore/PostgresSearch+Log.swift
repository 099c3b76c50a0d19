import Foundation
import Persistence
import PostgresNIO
import RunModel
import Search

/// The search log: `proposed`, `promoted` and `completed` events (what the state is a replay of) and notes
/// (`lease_taken_over`, `commit_refused`, `attempt_failed`, `released`) that say what happened to
/// leases without changing the state. Each row carries the CRC-32C of its body.
extension PostgresSearch {
    /// A log row as read back.
    package struct LogEntry: Equatable, Sendable {
        package var seq: Int
        package var kind: String
        package var number: Int?
        package var worker: String?
        package var body: String
    }

    /// How many log rows may follow the stored snapshot before a transaction writes a new one
    /// (it is also written when the search finishes).
    static let snapshotRows = 200

    /// Runs `body` in one transaction that holds the search's row lock, with the log replayed to
    /// its end (reading only the rows this process has not applied yet); writes the state
    /// snapshot when due. The replay is kept for the next transaction once this one committed.
    func locked<T>(_ body: (inout LockedSearch) throws -> T) throws -> T {
        // Rows commit in seq order, so what a read sees without the lock is a prefix of the log:
        // most of what others logged since this process's last transaction is read and applied
        // here, and only what came in the meantime with the lock (one round trip for both).
        let start = Date()
        replayed = try catchUp(replayed ?? ReplayedLog(seed: settings.seed), link.query)
        let begin = Date()
        var granted = begin
        let (value, log) = try link.transaction { tx -> (T, ReplayedLog) in
            guard let known = replayed else { throw SearchError.damaged(path: location, detail: "the log was not read") }
            let rows = try tx.query("SELECT * FROM rednas_lock_and_read(\(name), \(known.seq))")
            granted = Date()
            var header: (snapshotSeq: Int, expired: Int)?
            var entries: [LogEntry] = []
            for row in rows {
                let (snapshotSeq, expired, seq, kind, number, worker, body, crc) =
                    try row.decode((Int, Int, Int?, String?, Int?, String?, String?, Int64?).self)
                if let seq, let kind, let body, let crc {
                    entries.append(try entry(seq: seq, kind: kind, number: number, worker: worker, body: body, crc: crc))
                } else {
                    header = (snapshotSeq, expired)
                }
            }
            guard let header else { throw PostgresStoreError.unknownSearch(url: link.url.redacted, name: name) }
            var locked = LockedSearch(tx: tx, log: try apply(entries, to: known), snapshotSeq: header.snapshotSeq,
                                      expired: header.expired)
            let value = try body(&locked)
            let seq = locked.log.seq
            if seq != header.snapshotSeq, seq - header.snapshotSeq >= Self.snapshotRows || search.isFinished(locked.log.state) {
                try tx.query("""
                    UPDATE rednas_searches SET state = \(try Self.encode(locked.log.state)), state_seq = \(seq) WHERE name = \(name)
                    """)
            }
            return (value, locked.log)
        }
        replayed = log
        lockTimes.count += 1
        lockTimes.catchingUp += begin.timeIntervalSince(start)
        lockTimes.waiting += granted.timeIntervalSince(begin)
        lockTimes.holding += Date().timeIntervalSince(granted)
        return value
    }

    /// `known` with the log rows after `known.seq` applied.
    private func catchUp(_ known: ReplayedLog, _ query: (PostgresQuery) throws -> PostgresQueryResult) throws -> ReplayedLog {
        try apply(try readLog(query, after: known.seq), to: known)
    }

    /// `known` with `rows` (the log rows that follow it, in order) applied.
    private func apply(_ rows: [LogEntry], to known: ReplayedLog) throws -> ReplayedLog {
        guard let last = rows.last else { return known }
        var log = known
        let events = try events(rows)
        log.state = try search.replay(events, onto: log.state, location: "\(location) log")
        for case let .completed(_, record) in events { log.recorded(record) }
        log.seq = last.seq
        return log
    }

    /// Appends `event`, which `locked.log.state` already holds, to the log.
    func append(_ event: SearchLogEvent, worker: String?, _ locked: inout LockedSearch) throws {
        let row = try logRow(event, &locked)
        try insertRow(kind: event.kind, number: event.number, worker: worker, row, locked.tx)
    }

    /// A note about a lease; `details` becomes the JSON body.
    func note(_ kind: String, number: Int, worker: String?, _ details: [String: String], _ locked: inout LockedSearch) throws {
        let body = try Self.encode(details)
        locked.log.seq += 1
        try insertRow(kind: kind, number: number, worker: worker, (locked.log.seq, body, Self.checksum(body)), locked.tx)
    }

    /// The next log row for `event`, which `locked.log.state` already holds (the caller inserts it).
    func logRow(_ event: SearchLogEvent, _ locked: inout LockedSearch) throws -> LogRow {
        let body = try Self.encode(event)
        locked.log.seq += 1
        if case let .completed(_, record) = event { locked.log.recorded(record) }
        return (locked.log.seq, body, Self.checksum(body))
    }

    typealias LogRow = (seq: Int, body: String, crc: Int64)

    private func insertRow(kind: String, number: Int, worker: String?, _ row: LogRow, _ tx: PostgresLink.Transaction) throws {
        try tx.query("""
            INSERT INTO rednas_log (search, seq, kind, number, worker, body, crc32c)
            VALUES (\(name), \(row.seq), \(kind), \(number), \(worker), \(row.body), \(row.crc))
            """)
    }

    static func checksum(_ body: String) -> Int64 { Int64(CRC32C.checksum(body.utf8)) }

    /// The whole log in order, each row's checksum verified.
    /// - Throws: `SearchError.damaged` naming the first row whose body does not match its checksum.
    package func readLog() throws -> [LogEntry] {
        try readLog(link.query)
    }

    /// The log rows after row `after`, in order, each row's checksum verified.
    func readLog(_ query: (PostgresQuery) throws -> PostgresQueryResult, after: Int = 0) throws -> [LogEntry] {
        let rows = try query("""
            SELECT seq, kind, number, worker, body, crc32c FROM rednas_log WHERE search = \(name) AND seq > \(after) ORDER BY seq
            """)
        return try rows.map { row in
            let (seq, kind, number, worker, body, crc) = try row.decode((Int, String, Int?, String?, String, Int64).self)
            return try entry(seq: seq, kind: kind, number: number, worker: worker, body: body, crc: crc)
        }
    }

    /// A log row as read, its checksum verified.
    private func entry(seq: Int, kind: String, number: Int?, worker: String?, body: String, crc: Int64) throws -> LogEntry {
        guard Int64(CRC32C.checksum(body.utf8)) == crc else {
            throw SearchError.damaged(path: "\(location) log entry \(seq)",
                                      detail: "its body does not match its checksum (edited or damaged in the database)")
        }
        return LogEntry(seq: seq, kind: kind, number: number, worker: worker, body: body)
    }

    /// The proposal, promotion and completion events of `log`, in order.
    package func events(_ log: [LogEntry]) throws -> [SearchLogEvent] {
        try log.filter { SearchLogEvent.stateKinds.contains($0.kind) }.map { entry in
            do { return try JSONStyle.decoder().decode(SearchLogEvent.self, from: Data(entry.body.utf8)) } catch {
                throw SearchError.damaged(path: "\(location) log entry \(entry.seq)", detail: "does not decode: \(error)")
            }
        }
    }

    /// The log and the stored state snapshot read in one transaction, the snapshot checked to be
    /// exactly the replay of the log up to its `state_seq` (at 0 there is no snapshot yet);
    /// returns the replay of the whole log.
    /// - Throws: `SearchError.damaged` when they differ.
    package func verifiedState() throws -> (log: [LogEntry], state: AsyncSearchState) {
        let (log, storedText, snapshotSeq) = try link.transaction { tx -> ([LogEntry], String, Int) in
            try tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let log = try readLog(tx.query)
            guard let row = try tx.query("SELECT state, state_seq FROM rednas_searches WHERE name = \(name)").first else {
                throw PostgresStoreError.unknownSearch(url: link.url.redacted, name: name)
            }
            let (text, seq) = try row.decode((String, Int).self)
            return (log, text, seq)
        }
        let atSnapshot = try search.replay(try events(log.filter { $0.seq <= snapshotSeq }), location: "\(location) log")
        let stored = snapshotSeq == 0 ? atSnapshot : try Self.decode(storedText)
        guard atSnapshot == stored else {
            throw SearchError.damaged(path: location, detail: "the stored search state differs from the replay of its log up to "
                                      + "entry \(snapshotSeq) (\(stored.search.history.count) vs \(atSnapshot.search.history.count) evaluations)")
        }
        let replayed = try search.replay(try events(log.filter { $0.seq > snapshotSeq }), onto: atSnapshot,
                                         location: "\(location) log")
        return (log, replayed)
    }
}
