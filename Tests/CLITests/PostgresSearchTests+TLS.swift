import Foundation
import XCTest

/// TLS against the test server (scripts/postgres-test-server.sh: a throwaway CA signs the server's
/// certificate for `localhost`; the database `rednas_tls` accepts TLS connections only, so a
/// command that works there used TLS).
extension PostgresSearchTests {
    func testTLSModesConnectOrFailClearly() throws {
        let name = uniqueName("tls")
        let ca = server.certificateAuthority
        // require: encrypted, no certificate check (the server's name and CA are not looked at).
        let require = server.tlsURL(host: "127.0.0.1", query: "sslmode=require")
        let created = try rednas(["search", "--config", configURL.path, "--storage", require, "--name", name, "--quiet",
                                  "--set", "search.budget.evaluations=1"])
        XCTAssertEqual(created.status, 0, created.stderr)
        // verify-full with the CA and the certificate's name.
        let verified = try rednas(["search", "--storage", server.tlsURL(host: "localhost", query: "sslmode=verify-full&sslrootcert=\(ca)"),
                                   "--list"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stdout.contains("\(name)\t1 completed"), verified.stdout)

        let failures: [(String, String, [String])] = [
            ("verify-full without the CA", server.tlsURL(host: "localhost", query: "sslmode=verify-full"),
             ["certificate could not be verified", "sslrootcert"]),
            ("verify-full, another host name", server.tlsURL(host: "127.0.0.1", query: "sslmode=verify-full&sslrootcert=\(ca)"),
             ["certificate does not name host 127.0.0.1"]),
            ("sslmode=disable, TLS-only server", server.tlsURL(host: "127.0.0.1", query: ""),
             ["accepts only TLS", "sslmode=require"]),
        ]
        for (what, url, phrases) in failures {
            let result = try rednas(["status", "--storage", url, "--name", name])
            XCTAssertNotEqual(result.status, 0, what)
            for phrase in phrases { XCTAssertTrue(result.stderr.contains(phrase), "\(what): \(result.stderr)") }
            XCTAssertFalse(result.stderr.contains(server.password), "\(what): the password was printed")
        }
    }
}
