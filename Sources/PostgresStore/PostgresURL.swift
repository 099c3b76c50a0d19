import Foundation

/// Where a search lives: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`
/// (`postgres://` too). The password comes from the URL, else `PGPASSWORD`, else `~/.pgpass`
/// (libpq's format and rules); it is never part of `redacted`, which is what messages show.
package struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
    /// `sslmode`: disable (default), require (TLS without certificate checks), verify-full.
    package enum SSLMode: String, Equatable, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    package var user: String
    package var password: String?
    package var host: String
    package var port: Int
    package var database: String
    package var sslMode: SSLMode
    /// `sslrootcert`: the CA bundle for verify-full (default: the system's).
    package var rootCertificate: String?
    /// Where the password came from, for error messages ("the URL", "PGPASSWORD", "~/.pgpass").
    package var passwordSource: String?

    /// Parses `text`; `environment` and `home` are where PGPASSWORD and .pgpass are looked up.
    /// - Throws: `PostgresStoreError.malformedURL` naming what is wrong.
    package init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                 home: String = NSHomeDirectory()) throws {
        func bad(_ why: String) -> PostgresStoreError { .malformedURL(Self.redact(text), why) }
        guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") else {
            throw bad("it must start with postgresql:// (postgresql://USER@HOST:PORT/DATABASE)")
        }
        guard let parts = URLComponents(string: text) else { throw bad("it is not a valid URL") }
        guard let host = parts.host, !host.isEmpty else { throw bad("it names no host") }
        guard let user = parts.user, !user.isEmpty else { throw bad("it names no user (postgresql://USER@HOST/DATABASE)") }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        guard !path.isEmpty, !path.contains("/") else { throw bad("it names no database (…/DATABASE at the end)") }
        if let port = parts.port, !(1...65535).contains(port) { throw bad("port \(port) is out of range") }
        self.user = user.removingPercentEncoding ?? user
        self.host = host
        self.port = parts.port ?? 5432
        self.database = path.removingPercentEncoding ?? path
        sslMode = .disable
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw bad("sslmode=\(item.value ?? "") is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert": rootCertificate = item.value
            default: throw bad("unknown parameter \(item.name) (known: sslmode, sslrootcert)")
            }
        }
        if let password = parts.password {
            self.password = password.removingPercentEncoding ?? password
            passwordSource = "the URL"
        } else if let password = environment["PGPASSWORD"], !password.isEmpty {
            self.password = password
            passwordSource = "PGPASSWORD"
        } else {
            let file = environment["PGPASSFILE"] ?? (home as NSString).appendingPathComponent(".pgpass")
            if let password = Self.passwordFile(file, host: self.host, port: self.port, database: self.database, user: self.user) {
                self.password = password
                passwordSource = file
            }
        }
    }

    /// The URL without its password, as every message and file shows it.
    package var redacted: String {
        var text = "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        if sslMode != .disable { text += "?sslmode=\(sslMode.rawValue)" }
        return text
    }

    package var description: String { redacted }

    /// `text` with any password between `//user:` and `@` replaced by `***` (for a URL that does not parse).
    package static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }

    /// libpq's password file: lines `host:port:database:user:password`, `*` matches anything,
    /// `\:` and `\\` escape; the first matching line wins.
    static func passwordFile(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == ":" && fields.count < 4 {
                    fields.append(field); field = ""
                } else { field.append(c) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
