import Foundation
import PostgresNIO
@testable import PostgresStore
import XCTest

/// PostgresLink against the real test server (`scripts/postgres-test-server.sh`; skipped without
/// it unless REDNAS_CI=1).
final class PostgresLinkServerTests: XCTestCase {
    private func serverURL() throws -> PostgresURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["REDNAS_TEST_POSTGRES_URL"], let password = environment["REDNAS_TEST_POSTGRES_PASSWORD"] else {
            if environment["REDNAS_CI"] == "1" { XCTFail("REDNAS_TEST_POSTGRES_URL is not set: start scripts/postgres-test-server.sh") }
            throw XCTSkip("no test PostgreSQL server (scripts/postgres-test-server.sh)")
        }
        return try PostgresURL(text, environment: ["PGPASSWORD": password])
    }

    /// A client that stops inside a transaction (a SIGSTOP, a cut network) would keep its locks;
    /// the server ends the transaction once idle for the link's limit, and another client gets the lock.
    func testAnIdleTransactionIsEndedByTheServerAndItsLockFreed() throws {
        let url = try serverURL()
        let key = Int64.random(in: 1...Int64(Int32.max))
        let holder = Shared(try PostgresLink(url: url, reconnectSeconds: 5, idleTransactionSeconds: 1))
        let other = try PostgresLink(url: url)
        let locked = DispatchSemaphore(value: 0)
        let attempts = Attempts()
        let thread = Thread {
            _ = try? holder.value.transaction { tx in
                try tx.query("SELECT pg_advisory_xact_lock(\(key))")
                if attempts.next() == 1 {
                    locked.signal()
                    Thread.sleep(forTimeInterval: 4)  // idle in the transaction, holding the lock
                }
                try tx.query("SELECT 1")
            }
        }
        thread.start()
        XCTAssertEqual(locked.wait(timeout: .now() + 10), .success)
        let tryLock = "SELECT pg_try_advisory_lock(\(key))"
        XCTAssertEqual(try other.query(PostgresQuery(unsafeSQL: tryLock)).first?.decode(Bool.self), false, "the holder has it")
        let start = Date()
        var freed = false
        while !freed, Date().timeIntervalSince(start) < 3.5 {
            Thread.sleep(forTimeInterval: 0.1)
            freed = try other.query(PostgresQuery(unsafeSQL: tryLock)).first?.decode(Bool.self) ?? false
        }
        XCTAssertTrue(freed, "the idle transaction still held the lock after \(Date().timeIntervalSince(start)) s")
        if freed { try other.query("SELECT pg_advisory_unlock(\(key))") }
    }
}

/// A link used by one thread at a time, handed to another.
private final class Shared: @unchecked Sendable {
    let value: PostgresLink
    init(_ value: PostgresLink) { self.value = value }
}

/// Counts the runs of a transaction body (a lost connection runs it again).
private final class Attempts: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        count += 1
        return count
    }
}
