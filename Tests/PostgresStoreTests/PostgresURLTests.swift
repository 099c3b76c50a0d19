import Foundation
import XCTest
@testable import PostgresStore

final class PostgresURLTests: XCTestCase {
    func testParsesTheURLAndNeverShowsThePassword() throws {
        let url = try PostgresURL("postgresql://ann:s%40cret@db.example:6543/nas?sslmode=verify-full", environment: [:], home: "/nonexistent")
        XCTAssertEqual([url.user, url.host, url.database], ["ann", "db.example", "nas"])
        XCTAssertEqual(url.port, 6543)
        XCTAssertEqual(url.password, "s@cret")
        XCTAssertEqual(url.sslMode, .verifyFull)
        XCTAssertEqual(url.redacted, "postgresql://ann@db.example:6543/nas?sslmode=verify-full")
        XCTAssertFalse("\(url)".contains("cret"))
        let plain = try PostgresURL("postgres://ann@localhost/nas", environment: [:], home: "/nonexistent")
        XCTAssertEqual(plain.port, 5432)
        XCTAssertNil(plain.password)
        XCTAssertEqual(plain.sslMode, .disable)
    }

    func testPasswordComesFromPGPASSWORDThenThePasswordFile() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try """
            # comment
            other:5432:nas:ann:wrong-host
            db.example:*:nas:ann:pa\\:ss
            *:*:*:*:fallback
            """.write(to: home.appendingPathComponent(".pgpass"), atomically: true, encoding: .utf8)
        let text = "postgresql://ann@db.example:5432/nas"
        XCTAssertEqual(try PostgresURL(text, environment: ["PGPASSWORD": "env"], home: home.path).password, "env")
        let fromFile = try PostgresURL(text, environment: [:], home: home.path)
        XCTAssertEqual(fromFile.password, "pa:ss", "first matching line, with \\: unescaped")
        XCTAssertEqual(try PostgresURL("postgresql://bob@h/x", environment: [:], home: home.path).password, "fallback")
    }

    func testMalformedURLsAreRefusedWithoutShowingThePassword() {
        let cases = [
            ("mysql://ann:pw@h/db", "must start with postgresql://"),
            ("postgresql://ann:pw@/db", "names no host"),
            ("postgresql://h/db", "names no user"),
            ("postgresql://ann:pw@h", "names no database"),
            ("postgresql://ann:pw@h/db?sslmode=sometimes", "sslmode=sometimes"),
            ("postgresql://ann:pw@h/db?timeout=3", "unknown parameter timeout"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try PostgresURL(text, environment: [:], home: "/nonexistent"), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains(":pw@"), "\(text): the password was shown: \(error)")
            }
        }
    }

    func testThePasswordRangeInAnArgument() {
        func hidden(_ text: String) -> String {
            var bytes = Array(text.utf8)
            if let range = ProcessArguments.passwordRange(bytes) { for i in range { bytes[i] = UInt8(ascii: "*") } }
            return String(decoding: bytes, as: UTF8.self)
        }
        XCTAssertEqual(hidden("postgresql://ann:secret@h:5432/db"), "postgresql://ann:******@h:5432/db")
        XCTAssertEqual(hidden("postgresql://ann@h:5432/db"), "postgresql://ann@h:5432/db")
        XCTAssertEqual(hidden("--storage"), "--storage")
    }
}
