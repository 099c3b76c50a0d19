import RunModel
import Search

/// A worker's replay of its search's log up to row `seq`: the search state and the completed
/// records in history order. A worker keeps it between transactions, so each transaction reads
/// only the rows logged since: rows are never changed once written, and they commit in `seq`
/// order (each is written under the search's row lock).
struct ReplayedLog {
    var state: AsyncSearchState
    /// The last log row applied (notes included); 0 before the first.
    var seq = 0
    /// The completed records by number (journal place); in generations mode they arrive out of
    /// order, and a held one is here before it joins the history.
    private var records: [Int: EvaluationRecord] = [:]
    /// The lowest number of a fresh (not reused) record of each canonical cell.
    private var firstOfCanonical: [String: Int] = [:]

    init(seed: UInt64) { state = AsyncSearchState(seed: seed) }

    /// The earlier evaluation of `canonical` the cache serves, if any (`AsyncSearch.propose` takes
    /// it only from the history).
    func earlier(_ canonical: String) -> EvaluationRecord? { firstOfCanonical[canonical].flatMap { records[$0] } }

    /// The latest record of the candidate trained with `seed` as `arch` (its last rung under a
    /// scheduler), if any.
    func lastRecord(seed: UInt64, arch: String) -> EvaluationRecord? {
        records.values.filter { $0.seed == seed && $0.arch == arch }.max { $0.number < $1.number }
    }

    /// Notes a completion already applied to `state`.
    mutating func recorded(_ record: EvaluationRecord) {
        records[record.number] = record
        if !record.reused, firstOfCanonical[record.canonical].map({ record.number < $0 }) ?? true {
            firstOfCanonical[record.canonical] = record.number
        }
    }
}

/// One transaction holding the search's row lock, with the log replayed to its end.
struct LockedSearch {
    let tx: PostgresLink.Transaction
    var log: ReplayedLog
    /// The log row the stored state snapshot is the replay of (`rednas_searches.state_seq`).
    let snapshotSeq: Int
    /// Running candidates whose lease had expired when the lock was granted.
    let expired: Int
}
