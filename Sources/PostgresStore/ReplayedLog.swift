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
    /// The completed records, `records[i].number == i`.
    private(set) var records: [EvaluationRecord] = []
    /// The history number of the first evaluated (not reused) record of each canonical cell.
    private var firstOfCanonical: [String: Int] = [:]

    init(seed: UInt64) { state = AsyncSearchState(seed: seed) }

    /// The earlier evaluation of `canonical` the cache serves, if any.
    func earlier(_ canonical: String) -> EvaluationRecord? { firstOfCanonical[canonical].map { records[$0] } }

    /// Notes a completion already applied to `state`.
    mutating func recorded(_ record: EvaluationRecord) {
        records.append(record)
        if !record.reused, firstOfCanonical[record.canonical] == nil { firstOfCanonical[record.canonical] = record.number }
    }
}

/// One transaction holding the search's row lock, with the log replayed to its end.
struct LockedSearch {
    let tx: PostgresLink.Transaction
    var log: ReplayedLog
    /// The log row the stored state snapshot is the replay of (`rednas_searches.state_seq`).
    let snapshotSeq: Int
}
