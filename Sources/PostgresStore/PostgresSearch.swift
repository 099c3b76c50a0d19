import CellSpace
import Foundation
import Persistence
import PostgresNIO
import RunModel
import Search

/// One search in a PostgreSQL database: its config and space, its log (proposals and completions
/// in the order the database serialized them), its candidates with their leases, and their files.
///
/// Every transaction that logs locks the search's row first (`rednas_lock_and_read`), so
/// proposals, completions and takeovers of one search happen one at a time, in the order of
/// `rednas_log.seq`. Each worker keeps the replay of that log in memory and reads only the rows
/// added since its last transaction (`locked`); the `state` column is a snapshot, the replay of
/// the log up to `state_seq`, written now and then (`verifiedState` checks the two agree). Used by
/// one thread at a time; the heartbeat's renewals and kept checkpoints have their own connection
/// and lock only the candidate's row.
package final class PostgresSearch {
    package let name: String
    package let stored: StoredSearch
    package let binding: RunBinding
    package let settings: SearchSettings
    package let leaseSeconds: Double
    package let maxAttempts: Int
    let link: PostgresLink
    let search: AsyncSearch
    let renewal = RenewalLink()
    /// The log as far as this process has read it (nil until the first claim or commit).
    var replayed: ReplayedLog?
    /// Where this process's locked transactions spent their time (for the coordination benchmark).
    package internal(set) var lockTimes = LockTimes()

    /// Seconds summed over this process's locked transactions.
    package struct LockTimes: Sendable {
        /// Transactions that took the row lock.
        package var count = 0
        /// Reading and applying the log before taking the lock.
        package var catchingUp = 0.0
        /// From BEGIN until the lock was granted and the log rows since were read.
        package var waiting = 0.0
        /// From the lock until COMMIT returned: what serializes the workers.
        package var holding = 0.0
    }

    package var url: PostgresURL { link.url }

    /// Where a lost connection and each attempt to re-open it are reported.
    package func onConnectionProblem(_ report: @escaping (String) -> Void) {
        link.onReconnect = report
    }
    package var location: String { "\(link.url.redacted) (search \(name))" }

    private init(link: PostgresLink, name: String, stored: StoredSearch, leaseSeconds: Double, maxAttempts: Int) throws {
        self.link = link; self.name = name; self.stored = stored
        self.leaseSeconds = leaseSeconds; self.maxAttempts = maxAttempts
        binding = try stored.binding(name: name)
        settings = try stored.settings(name: name)
        search = AsyncSearch(settings: settings)
    }

    /// Creates the search `name` (creating or migrating the tables first), or joins it when it
    /// exists with the same config and space.
    /// - Throws: `PostgresStoreError.searchExists` naming what differs when it exists with another.
    package static func create(url: PostgresURL, name: String, stored: StoredSearch, leaseSeconds: Double,
                               maxAttempts: Int) throws -> PostgresSearch {
        guard !name.isEmpty, name.count <= 100,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw PostgresStoreError.server(url: url.redacted, detail: "search name \"\(name)\": use 1–100 letters, digits, '-', '_' or '.'")
        }
        let binding = try stored.binding(name: name)
        let settings = try stored.settings(name: name)
        let link = try PostgresLink(url: url)
        try PostgresSchema.migrate(link)
        let state = try encode(AsyncSearchState(seed: settings.seed))
        try link.transaction { tx in
            try tx.query("SELECT pg_advisory_xact_lock(7271020)")
            let rows = try tx.query("SELECT config, space FROM rednas_searches WHERE name = \(name)")
            if let row = rows.first {
                let (config, space) = try row.decode((String, String).self)
                let existing = try StoredSearch(configYAML: config, spaceYAML: space).binding(name: name)
                if existing.fingerprint != binding.fingerprint {
                    let what = binding.differences(from: existing)
                    if !what.isEmpty { throw PostgresStoreError.searchExists(url: url.redacted, name: name, differences: what) }
                }
                return
            }
            try tx.query("""
                INSERT INTO rednas_searches (name, fingerprint, config, space, lease_seconds, max_attempts, state)
                VALUES (\(name), \(binding.fingerprint), \(stored.configYAML), \(stored.spaceYAML), \(leaseSeconds), \(maxAttempts), \(state))
                """)
        }
        return try open(link: link, name: name)
    }

    /// The existing search `name`; writes nothing.
    /// - Throws: `PostgresStoreError.noSchema` / `.unknownSearch` when there is none.
    package static func open(url: PostgresURL, name: String) throws -> PostgresSearch {
        let link = try PostgresLink(url: url)
        try PostgresSchema.check(link)
        return try open(link: link, name: name)
    }

    /// The existing search `name`, for a worker: migrates older tables to this rednas's version first.
    /// - Throws: `PostgresStoreError.noSchema` / `.unknownSearch` when there is none.
    package static func join(url: PostgresURL, name: String) throws -> PostgresSearch {
        let link = try PostgresLink(url: url)
        try PostgresSchema.upgrade(link)
        return try open(link: link, name: name)
    }

    private static func open(link: PostgresLink, name: String) throws -> PostgresSearch {
        let rows = try link.query("SELECT config, space, lease_seconds, max_attempts FROM rednas_searches WHERE name = \(name)")
        guard let row = rows.first else { throw PostgresStoreError.unknownSearch(url: link.url.redacted, name: name) }
        let (config, space, lease, attempts) = try row.decode((String, String, Double, Int).self)
        return try PostgresSearch(link: link, name: name, stored: StoredSearch(configYAML: config, spaceYAML: space),
                                  leaseSeconds: lease, maxAttempts: attempts)
    }

    /// One line per search in the database: name, progress, creation time.
    package struct Listing: Equatable, Sendable {
        package var name: String
        package var completed: Int
        package var running: Int
        package var created: Date
    }

    /// The searches in the database at `url` (none when it has no rednas tables).
    package static func list(url: PostgresURL) throws -> [Listing] {
        let link = try PostgresLink(url: url)
        try PostgresSchema.check(link)
        let rows = try link.query("""
            SELECT s.name, s.created_at,
                   (SELECT count(*) FROM rednas_candidates c WHERE c.search = s.name AND c.status <> 'running'),
                   (SELECT count(*) FROM rednas_candidates c WHERE c.search = s.name AND c.status = 'running')
            FROM rednas_searches s ORDER BY s.created_at, s.name
            """)
        return try rows.map { row in
            let (name, created, completed, running) = try row.decode((String, Date, Int, Int).self)
            return Listing(name: name, completed: completed, running: running, created: created)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONStyle.encoder(pretty: false).encode(value), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> AsyncSearchState {
        try JSONStyle.decoder().decode(AsyncSearchState.self, from: Data(text.utf8))
    }
}

/// The second connection a worker's heartbeat renews its lease on, opened when first needed, so
/// a renewal never waits behind (or lands inside) the main connection's transaction.
final class RenewalLink: @unchecked Sendable {
    private let lock = NSLock()
    private var link: PostgresLink?
    /// The lease and folder listing of the checkpoint last kept in the database.
    private var kept: (token: Int64, listing: [String])?

    func with<T>(_ url: PostgresURL, _ body: (PostgresLink, inout (token: Int64, listing: [String])?) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        let link = try self.link ?? PostgresLink(url: url, reconnectSeconds: 10)
        self.link = link
        return try body(link, &kept)
    }
}
