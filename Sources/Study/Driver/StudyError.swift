import Foundation

/// Errors of a study that are not config errors (those are `ConfigError`s).
package enum StudyError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case notAStudy(String)
    case planChanged(directory: String, changes: [String])
    case damaged(path: String, detail: String)

    package var description: String {
        switch self {
        case let .notAStudy(path): return "\(path) holds no study (no plan.json); start one with rednas study --config FILE"
        case let .planChanged(directory, changes):
            return "\(directory) was started with a different study file or storage; changed: \(changes.joined(separator: "; ")). "
                + "Restore the file, or give another directory with --dir to start a new study"
        case let .damaged(path, detail): return "\(path): \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
