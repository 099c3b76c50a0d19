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

    func append(_ event: SearchLogEvent, worker: String?, _ tx: PostgresLink.Transaction) throws {
        try appendRow(kind: event.kind, number: event.number, worker: worker, body: try Self.encode(event), tx)
    }

    /// A note about a lease; `details` becomes the JSON body.
    func note(_ kind: String, number: Int, worker: String?, _ details: [String: String], _ tx: PostgresLink.Transaction) throws {
        try appendRow(kind: kind, number: number, worker: worker, body: try Self.encode(details), tx)
    }

    private func appendRow(kind: String, number: Int, worker: String?, body: String, _ tx: PostgresLink.Transaction) throws {
        let crc = Int64(CRC32C.checksum(Array(body.utf8)))
        try tx.query("""
            INSERT INTO rednas_log (search, seq, kind, number, worker, body, crc32c)
            SELECT \(name), coalesce(max(seq), 0) + 1, \(kind), \(number), \(worker), \(body), \(crc)
            FROM rednas_log WHERE search = \(name)
            """)
    }

    /// The whole log in order, each row's checksum verified.
    /// - Throws: `SearchError.damaged` naming the first row whose body does not match its checksum.
    package func readLog() throws -> [LogEntry] {
        try readLog(link.query)
    }

    func readLog(_ query: (PostgresQuery) throws -> PostgresQueryResult) throws -> [LogEntry] {
        let rows = try query("SELECT seq, kind, number, worker, body, crc32c FROM rednas_log WHERE search = \(name) ORDER BY seq")
        return try rows.map { row in
            let (seq, kind, number, worker, body, crc) = try row.decode((Int, String, Int?, String?, String, Int64).self)
            guard Int64(CRC32C.checksum(Array(body.utf8))) == crc else {
                throw SearchError.damaged(path: "\(location) log entry \(seq)",
                                          detail: "its body does not match its checksum (edited or damaged in the database)")
            }
            return LogEntry(seq: seq, kind: kind, number: number, worker: worker, body: body)
        }
    }

    /// The proposal, promotion and completion events of `log`, in order.
    package func events(_ log: [LogEntry]) throws -> [SearchLogEvent] {
        try log.filter { SearchLogEvent.stateKinds.contains($0.kind) }.map { entry in
            do { return try JSONStyle.decoder().decode(SearchLogEvent.self, from: Data(entry.body.utf8)) } catch {
                throw SearchError.damaged(path: "\(location) log entry \(entry.seq)", detail: "does not decode: \(error)")
            }
        }
    }

    /// The log and the stored state read in one snapshot, the state checked to be exactly the
    /// replay of the log.
    /// - Throws: `SearchError.damaged` when they differ.
    package func verifiedState() throws -> (log: [LogEntry], state: AsyncSearchState) {
        let (log, storedText) = try link.transaction { tx -> ([LogEntry], String) in
            try tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let log = try readLog(tx.query)
            let text = try tx.query("SELECT state FROM rednas_searches WHERE name = \(name)").first?.decode(String.self)
            return (log, text ?? "")
        }
        let replayed = try search.replay(try events(log), location: "\(location) log")
        let stored = try Self.decode(storedText)
        guard replayed == stored else {
            throw SearchError.damaged(path: location, detail: "the stored search state differs from the replay of its log "
                                      + "(\(stored.search.history.count) vs \(replayed.search.history.count) evaluations)")
        }
        return (log, replayed)
    }
}
