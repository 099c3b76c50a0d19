import Foundation

/// Errors of the search driver and run store; each names the run and what to do.
package enum SearchError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case runInUse(String)
    case runExists(String)
    case notARun(String)
    case journalMismatch(path: String, number: Int, journal: String, proposed: String)
    case configChanged(path: String, keys: [String])
    /// `--set` on resume would lower a budget limit (or add one where there was none).
    case budgetShrinks(path: String, changes: [String])
    case damaged(path: String, detail: String)
    /// The journal's recorded binding differs from the run's current config/space.
    case foreignRun(path: String, recorded: String, current: String, differences: String)
    /// Writing the run failed (disk full, I/O error): what was committed is safe.
    case storeWriteFailed(run: String, detail: String)

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
        case let .budgetShrinks(path, changes):
            return "\(path): this would shrink the run's budget: \(changes.joined(separator: ", ")); the budget may grow, "
                + "not shrink (every limit: no limit is larger than any) — raise a limit or remove one"
        case let .damaged(path, detail):
            return "\(path): \(detail)"
        case let .foreignRun(path, recorded, current, differences):
            return "\(path): this journal was written for another config or space (fingerprint \(recorded.prefix(12))… "
                + "recorded in its first line, \(current.prefix(12))… for the run's config.yaml and space.yaml now): "
                + "\(differences). Either the journal comes from another run or config.yaml/space.yaml were edited; "
                + "restore the run's own files (only the budget may change, with `rednas resume DIR --set search.budget.…`) "
                + "or start a new run with `rednas search`"
        case let .storeWriteFailed(run, detail):
            return "\(detail)\nThe run is resumable: every finished evaluation is committed to its journal. "
                + "Free space (or fix the error) and continue with: rednas resume \(run)"
        }
    }
    package var errorDescription: String? { description }
}
