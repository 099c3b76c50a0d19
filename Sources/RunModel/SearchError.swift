import Foundation

/// Errors of the search driver and run store; each names the run and what to do.
package enum SearchError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case runInUse(String)
    case runExists(String)
    case notARun(String)
    case journalMismatch(path: String, number: Int, journal: String, proposed: String)
    case configChanged(path: String, keys: [String])
    case damaged(path: String, detail: String)

    package var description: String {
        switch self {
        case let .runInUse(path):
            return "\(path): another rednas process is running this search (its lock is held)"
        case let .runExists(path):
            return "\(path): a run already exists here; use `rednas resume \(path)` or choose another --run-dir"
        case let .notARun(path):
            return "\(path): not a run directory (no config.yaml); start one with `rednas search --config FILE`"
        case let .journalMismatch(path, number, journal, proposed):
            return "\(path): journal entry \(number) is \(journal), but this config and seed propose \(proposed) — "
                + "the run was made by another config or version and cannot be resumed"
        case let .configChanged(path, keys):
            return "\(path): the config differs from the run's in \(keys.joined(separator: ", ")); "
                + "only the budget (search.budget.*) may grow on resume"
        case let .damaged(path, detail):
            return "\(path): \(detail)"
        }
    }
    package var errorDescription: String? { description }
}
