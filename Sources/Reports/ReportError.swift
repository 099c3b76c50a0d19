import Foundation

/// Invalid input to a report plot, or a report server that cannot start.
package enum ReportError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidMatrix(String)
    /// `rednas serve` could not listen (port in use, bad address, …); the message says which and what to do.
    case server(String)

    package var description: String {
        switch self {
        case let .invalidMatrix(reason): return "cannot plot the matrix: \(reason)"
        case let .server(reason): return "cannot serve the report: \(reason)"
        }
    }

    package var errorDescription: String? { description }
}
