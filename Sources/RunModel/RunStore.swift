import Foundation

/// Where a search keeps its durable record. The search driver reads and writes a run only through
/// this interface; the run directory (`RunDirectory`) is the embedded store.
///
/// Contract: `appendToJournal` is the commit point of an evaluation — once it returns, the record
/// survives a kill; `loadJournal` returns exactly the committed records in commit order, each
/// verified against the checksum it was written with (a mismatch throws, naming the record); the
/// state checkpoint is a cache that the driver can always rebuild from the journal.
///
/// The checks that do not depend on how records are stored — the run's binding to its config and
/// space, an unbroken record sequence, no recorded work beyond the journal — live once, in
/// `verifiedJournal` (RunIntegrity.swift); every reader and the driver go through it, so another
/// store (a database) inherits them by implementing the primitives below.
package protocol RunStore {
    /// Where the run lives, for messages (a path; never a secret).
    var location: String { get }
    /// Where the journal lives, for messages.
    var journalLocation: String { get }
    /// Drops a torn final journal record left by a kill; returns what was dropped, or nil.
    func repairJournal() throws -> String?
    /// The committed evaluation records in commit order, checksums verified, with the run's binding.
    func loadJournal() throws -> StoredJournal
    /// Records the run's binding (a new run, or the migration of a run from before bindings, whose
    /// first `legacyRecords` records carry no checksum).
    func bindJournal(_ binding: RunBinding, legacyRecords: Int) throws
    /// Durably commits one evaluation record (with its checksum).
    func appendToJournal(_ record: EvaluationRecord) throws
    /// The last saved search-state checkpoint, if any.
    func loadState() -> Data?
    /// Atomically replaces the search-state checkpoint.
    func saveState(_ data: Data) throws
    /// Numbers of the candidates whose finished work the store holds outside the journal (trained
    /// folders with their metrics): evidence a journal that lost records is checked against.
    func finishedCandidateNumbers() -> [Int]
    /// The working folder of a candidate (created if needed): its epoch checkpoints, weights and logs.
    func workspace(for task: CandidateTask) throws -> URL
    /// Appends a line to the run's log (best effort: logging never stops a search).
    func log(_ line: String)
    /// Rewrites committed records stored in an older key style in the current one (`JSONStyle`),
    /// keeping a backup; returns what it did, or nil when there was nothing to do. Called on resume
    /// after `bindJournal`, so new records never follow old-style ones.
    func upgradeJournal() throws -> String?
}

extension RunStore {
    /// A store that keeps records as typed values (a database) has no key style to upgrade.
    package func upgradeJournal() throws -> String? { nil }
}
