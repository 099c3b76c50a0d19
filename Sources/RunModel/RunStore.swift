import Foundation

/// Where a search keeps its durable record. The search driver reads and writes a run only through
/// this interface; the run directory (`RunDirectory`) is the embedded store.
///
/// Contract: `appendToJournal` is the commit point of an evaluation — once it returns, the record
/// survives a kill; `loadJournal` returns exactly the committed records in commit order; the state
/// checkpoint is a cache that the driver can always rebuild from the journal.
package protocol RunStore {
    /// Where the run lives, for messages (a path; never a secret).
    var location: String { get }
    /// Where the journal lives, for messages.
    var journalLocation: String { get }
    /// Drops a torn final journal record left by a kill; returns what was dropped, or nil.
    func repairJournal() throws -> String?
    /// The committed evaluation records, in commit order.
    func loadJournal() throws -> [EvaluationRecord]
    /// Durably commits one evaluation record.
    func appendToJournal(_ record: EvaluationRecord) throws
    /// The last saved search-state checkpoint, if any.
    func loadState() -> Data?
    /// Atomically replaces the search-state checkpoint.
    func saveState(_ data: Data) throws
    /// The working folder of a candidate (created if needed): its epoch checkpoints, weights and logs.
    func workspace(for task: CandidateTask) throws -> URL
    /// Appends a line to the run's log (best effort: logging never stops a search).
    func log(_ line: String)
}
