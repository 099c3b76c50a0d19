import Foundation

/// Invalid input to a report plot.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidMatrix(String)

    public var description: String {
        switch self {
        case let .invalidMatrix(reason): return "cannot plot the matrix: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
