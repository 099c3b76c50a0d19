import Foundation
import XCTest

/// The PostgreSQL server the database tests run against: the cluster scripts/postgres-test-server.sh
/// started (its exports name it). Without it the tests skip locally and fail in CI (`REDNAS_CI=1`).
struct PostgresServer {
    /// postgresql://rednas@127.0.0.1:PORT/rednas_test — no password.
    var url: String
    var password: String
    /// The cluster folder (`postgres-test-server.sh restart|stop DIR`).
    var folder: String

    static func require() throws -> PostgresServer {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["REDNAS_TEST_POSTGRES_URL"], let password = env["REDNAS_TEST_POSTGRES_PASSWORD"],
              let folder = env["REDNAS_TEST_POSTGRES_DIR"] else {
            let why = "REDNAS_TEST_POSTGRES_URL/_PASSWORD/_DIR are not set: start a server with "
                + "`eval \"$(scripts/postgres-test-server.sh start /tmp/rednas-pg)\"`"
            if env["REDNAS_CI"] != nil { XCTFail(why); throw XCTSkip("failed: \(why)") }
            throw XCTSkip(why)
        }
        return PostgresServer(url: url, password: password, folder: folder)
    }

    /// The environment a rednas process gets the password from.
    var environment: [String: String] { ["PGPASSWORD": password] }

    /// `url` with another database or password, for the error tests.
    func url(database: String? = nil, password: String? = nil) -> String {
        var parts = URLComponents(string: url)!
        if let database { parts.path = "/\(database)" }
        if let password { parts.password = password }
        return parts.string!
    }

    /// The server's port.
    var port: Int { URLComponents(string: url)!.port! }

    /// The CA that signed the server's TLS certificate (for the name `localhost`).
    var certificateAuthority: String { (folder as NSString).appendingPathComponent("ca.crt") }

    /// `url` for the database that accepts TLS connections only, with `host` and `query` (sslmode=…).
    func tlsURL(host: String, query: String) -> String {
        "postgresql://rednas@\(host):\(port)/rednas_tls" + (query.isEmpty ? "" : "?\(query)")
    }

    /// `pg_ctl restart` of the cluster (scripts/postgres-test-server.sh restart).
    func restart() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-server.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, "restart", folder]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let log = (try? String(contentsOfFile: (folder as NSString).appendingPathComponent("pg_ctl.log"), encoding: .utf8)) ?? ""
            throw NSError(domain: "pg_ctl", code: 1, userInfo: [NSLocalizedDescriptionKey: "pg_ctl restart failed: \(log)"])
        }
    }

    /// Creates an empty database owned by the test role (through the cluster's socket, as the
    /// superuser the local trust login allows).
    func createDatabase(_ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", folder, "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q",
                             "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name) OWNER rednas"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "psql", code: 1, userInfo: [NSLocalizedDescriptionKey: "CREATE DATABASE \(name) failed"])
        }
    }

    /// Runs `sql` with psql and returns its unaligned, tuples-only output lines.
    func query(_ sql: String, database: String? = nil) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [self.url(database: database), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = password
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NSError(domain: "psql", code: 1, userInfo: [NSLocalizedDescriptionKey: errors]) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A `rednas` process started in the background (a worker), with its output collected in files.
final class BackgroundRednas {
    let process = Process()
    let stderrFile: URL

    init(_ args: [String], environment: [String: String], logs: URL) throws {
        stderrFile = logs.appendingPathComponent("rednas-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = CLIRunner.executable
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the exit; kills and fails on a timeout.
    @discardableResult
    func wait(seconds: Double, _ what: String) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            XCTFail("\(what) still running after \(seconds) s:\n\(stderr)")
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}
