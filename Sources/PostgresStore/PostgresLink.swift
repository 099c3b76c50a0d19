import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to the server with blocking calls, used by one thread at a time. A lost
/// connection (server restart, network cut) is re-opened with exponential backoff and the
/// interrupted unit of work re-run, for up to `reconnectSeconds`; the first connection fails at
/// once with a clear error (unreachable host, refused login, missing database).
///
/// Statements are `PostgresQuery` values: every value is a bound parameter, never spliced text.
package final class PostgresLink {
    package let url: PostgresURL
    private let reconnectSeconds: Double
    private let idleTransactionSeconds: Int
    /// postgres-nio's own logging stays off: rednas reports what matters itself (and its output
    /// must stay clean for --json).
    private let logger = Logger(label: "rednas.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private var connection: PostgresConnection?
    /// After the first connection, failing to connect is a loss to retry, not a configuration error.
    private var established = false
    /// Called once per reconnection attempt with what failed (for the worker's log).
    package var onReconnect: (String) -> Void = { _ in }

    /// `idleTransactionSeconds`: how long a transaction of this link may sit idle (no statement
    /// running) before the server ends it; this tool's transactions are idle for milliseconds
    /// between statements.
    package init(url: PostgresURL, reconnectSeconds: Double = 120, idleTransactionSeconds: Int = 30) throws {
        self.url = url
        self.reconnectSeconds = reconnectSeconds
        self.idleTransactionSeconds = idleTransactionSeconds
        connection = try open()
        established = true
    }

    deinit {
        if let connection { try? connection.close().wait() }
    }

    /// Runs `statement` and returns its rows.
    @discardableResult
    package func query(_ statement: PostgresQuery) throws -> PostgresQueryResult {
        try resilient { try self.run(statement, on: $0) }
    }

    /// Runs `body` in one transaction (BEGIN … COMMIT; ROLLBACK when it throws). A lost connection
    /// re-runs the whole of `body` on a new one; `body` must not keep state across attempts.
    package func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try resilient { connection in
            try self.run("BEGIN", on: connection)
            do {
                let value = try body(Transaction(link: self, connection: connection))
                try self.run("COMMIT", on: connection)
                return value
            } catch {
                if !Self.isConnectionLoss(error) { _ = try? self.run("ROLLBACK", on: connection) }
                throw error
            }
        }
    }

    /// The statements of one transaction.
    package struct Transaction {
        fileprivate let link: PostgresLink
        fileprivate let connection: PostgresConnection

        @discardableResult
        package func query(_ statement: PostgresQuery) throws -> PostgresQueryResult {
            try link.run(statement, on: connection)
        }
    }

    @discardableResult
    private func run(_ statement: PostgresQuery, on connection: PostgresConnection) throws -> PostgresQueryResult {
        // A connection the server closed (restart, idle timeout) would take a query and never answer it.
        guard !connection.isClosed else { throw ConnectionLoss(detail: "the server closed the connection") }
        let logger = self.logger
        // The query and its timeout are set up in one hop onto the connection's event loop (and the
        // timeout cancelled there), so a statement costs one wake-up of each thread.
        let eventLoop = connection.eventLoop
        let answer = eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            let result = eventLoop.makePromise(of: PostgresQueryResult.self)
            let timeout = eventLoop.scheduleTask(in: .seconds(Self.statementTimeout)) {
                result.fail(ConnectionLoss(detail: "no answer from the server in \(Self.statementTimeout) s"))
            }
            connection.query(statement, logger: logger).whenComplete { outcome in
                timeout.cancel()
                result.completeWith(outcome)
            }
            return result.futureResult
        }
        do { return try answer.wait() } catch { throw mapped(error) }
    }

    /// Seconds a statement may go unanswered before the connection counts as lost (a half-open
    /// socket after a network cut gives no error).
    static let statementTimeout: Int64 = 120

    private func resilient<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(reconnectSeconds)
        var delay = 0.1
        while true {
            do {
                let connection = try self.connection ?? open()
                self.connection = connection
                return try body(connection)
            } catch let error where Self.isConnectionLoss(error) && Date() < deadline {
                if let connection { try? connection.close().wait() }
                connection = nil
                onReconnect("\(error); reconnecting in \(String(format: "%.1f", delay)) s")
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    private func open() throws -> PostgresConnection {
        var tls = PostgresConnection.Configuration.TLS.disable
        if url.sslMode != .disable {
            var settings = TLSConfiguration.makeClientConfiguration()
            if url.sslMode == .verifyFull {
                settings.certificateVerification = .fullVerification
                if let root = url.rootCertificate { settings.trustRoots = .file(root) }
            } else {
                settings.certificateVerification = .none
            }
            do {
                let context = try NIOSSLContext(configuration: settings)
                tls = url.sslMode == .prefer ? .prefer(context) : .require(context)
            } catch {
                throw PostgresStoreError.tls(url: url.redacted, detail: "cannot set up TLS with sslrootcert="
                                             + "\(url.rootCertificate ?? "(the system's CAs)"): \(error)")
            }
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                             password: url.password, database: url.database, tls: tls)
        // A worker stopped or cut off inside a transaction would hold its locks (the search's row,
        // a candidate's) until the server noticed the connection gone: the server ends such a
        // transaction once it has been idle this long, and the others go on.
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", "\(idleTransactionSeconds)s"),
        ]
        let eventLoop = PostgresConnection.defaultEventLoopGroup.any()
        let (logger, settings) = (self.logger, configuration)
        let future = eventLoop.makeFutureWithTask {
            try await PostgresConnection.connect(on: eventLoop, configuration: settings, id: 1, logger: logger)
        }
        do { return try future.wait() } catch { throw mapped(error) }
    }

    /// A server or connection error as `PostgresStoreError` (PSQLError's own text hides the detail).
    private func mapped(_ error: Error) -> Error {
        guard let psql = error as? PSQLError else {
            // A socket that failed or closed under a query (NIO's own errors).
            if established, error is ChannelError || error is IOError { return ConnectionLoss(detail: "\(error)") }
            return error
        }
        let server = url.redacted
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "server error \(state)"
            switch state {
            case "28000" where url.sslMode == .disable && message.contains("no encryption"):
                return PostgresStoreError.tls(url: server, detail: "the server accepts only TLS connections from here (\(message)); "
                                              + "add ?sslmode=require (or verify-full) to the URL")
            case "28P01", "28000": return PostgresStoreError.authentication(url: server, detail: message)
            case "3D000": return PostgresStoreError.missingDatabase(url: server)
            default:
                if state.hasPrefix("08") || state.hasPrefix("57P") { return ConnectionLoss(detail: message) }
                return PostgresStoreError.server(url: server, detail: "\(message) (SQLSTATE \(state))")
            }
        }
        switch psql.code {
        case .authMechanismRequiresPassword:
            return PostgresStoreError.authentication(url: server, detail: "the server asks for a password and none was given")
        case .connectionError:
            // A first connection's handshake failing is a setting to fix; later, TLS errors are a lost connection.
            if !established, let underlying = psql.underlying, let problem = Self.tlsProblem(underlying, host: url.host) {
                return PostgresStoreError.tls(url: server, detail: problem)
            }
            let detail = psql.underlying.map { "\($0)" } ?? "connection failed"
            return established ? ConnectionLoss(detail: detail) : PostgresStoreError.unreachable(url: server, detail: detail)
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return ConnectionLoss(detail: "the server closed the connection")
        case .sslUnsupported:
            return PostgresStoreError.tls(url: server, detail: "the server does not support TLS (sslmode=\(url.sslMode.rawValue))")
        default:
            return PostgresStoreError.server(url: server, detail: String(reflecting: psql))
        }
    }

    /// A failed TLS handshake said plainly, with what to do; nil for other errors.
    private static func tlsProblem(_ error: Error, host: String) -> String? {
        guard error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError else { return nil }
        let text = "\(error)"
        if text.contains("failedToValidateHostname") {
            return "the server's certificate does not name host \(host) (\(text)); connect with a host name the certificate carries"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate could not be verified (\(text)); for a private CA add &sslrootcert=FILE "
                + "(the CA's certificate) to the URL"
        }
        return "the TLS handshake failed (\(text))"
    }

    private static func isConnectionLoss(_ error: Error) -> Bool { error is ConnectionLoss }
}

/// The connection went away mid-work (server restart, network cut): retried by `PostgresLink`.
package struct ConnectionLoss: Error, CustomStringConvertible, Sendable {
    package var detail: String
    package var description: String { "lost the connection to the database: \(detail)" }
}
