import Foundation

/// What can go wrong between rednas and its database; each message names the server (without the
/// password) and what to do.
package enum PostgresStoreError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case malformedURL(String, String)
    case unreachable(url: String, detail: String)
    case authentication(url: String, detail: String)
    case missingDatabase(url: String)
    case server(url: String, detail: String)
    case noSchema(url: String)
    case schemaTooNew(url: String, found: Int, known: Int)
    case schemaTooOld(url: String, found: Int, known: Int)
    case unknownSearch(url: String, name: String)
    case searchExists(url: String, name: String, differences: String)
    case tls(url: String, detail: String)

    package var description: String {
        switch self {
        case let .malformedURL(text, why):
            return "--storage \(text): not a PostgreSQL URL: \(why)"
        case let .unreachable(url, detail):
            return "\(url): cannot reach the PostgreSQL server (\(detail)); check host and port, and that the server runs"
        case let .authentication(url, detail):
            return "\(url): the server refused the login (\(detail)); check the user and the password "
                + "(from the URL, PGPASSWORD or ~/.pgpass)"
        case let .missingDatabase(url):
            return "\(url): the database does not exist on this server; create it first (createdb, or CREATE DATABASE)"
        case let .server(url, detail):
            return "\(url): \(detail)"
        case let .noSchema(url):
            return "\(url): this database holds no rednas searches (no rednas tables); start one with "
                + "`rednas search --config FILE --storage URL`"
        case let .schemaTooNew(url, found, known):
            return "\(url): the rednas tables are at schema version \(found), newer than this rednas knows (\(known)); "
                + "use a newer rednas"
        case let .schemaTooOld(url, found, known):
            return "\(url): the rednas tables are at schema version \(found), older than this rednas's (\(known)); "
                + "`rednas worker --storage URL --name NAME` (or `rednas search --storage URL …`) migrates them"
        case let .unknownSearch(url, name):
            return "\(url): no search named \(name); `rednas search --storage URL --list` lists the searches there"
        case let .searchExists(url, name, differences):
            return "\(url): a search named \(name) already exists with another config or space: \(differences); "
                + "choose another --name, or join it with `rednas worker --storage URL --name \(name)`"
        case let .tls(url, detail):
            return "\(url): TLS: \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
