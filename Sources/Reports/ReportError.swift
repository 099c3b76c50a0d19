import Foundation

/// Invalid input to a report plot.
package enum ReportError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidMatrix(String)

    package var description: String {
        switch self {
        case let .invalidMatrix(reason): return "cannot plot the matrix: \(reason)"
        }
    }

    package var errorDescription: String? { description }
}
