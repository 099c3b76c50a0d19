import CellSpace
import Evolution
import Foundation

/// The checks every reader of a run applies — `resume` (the driver), `status`, `export`, `report` —
/// whatever the store. A store contributes verified records and its evidence of finished work; the
/// rules are here.
extension RunStore {
    /// The journal, checked:
    /// 1. bound to `expected` (the binding computed from the run's current config and space), when
    ///    both the journal and the caller have one; a mismatch throws `SearchError.foreignRun` with
    ///    `difference(stored)` saying what differs;
    /// 2. records numbered 0, 1, 2, … in order (a duplicated, removed or reordered record is refused);
    /// 3. no recorded work beyond it: the state checkpoint's history and the finished candidates
    ///    must not be ahead of the journal (a deleted, emptied or truncated journal is refused, never
    ///    restarted over).
    package func verifiedJournal(expected: RunBinding?,
                                 difference: (RunBinding) -> String) throws -> StoredJournal {
        let journal = try loadJournal()
        if let stored = journal.binding, let expected, stored.fingerprint != expected.fingerprint {
            let what = difference(stored)
            if !what.isEmpty {
                throw SearchError.foreignRun(path: journalLocation, recorded: stored.fingerprint,
                                             current: expected.fingerprint, differences: what)
            }
        }
        for (i, record) in journal.records.enumerated() where record.number != i {
            let kind = journal.records[..<i].contains { $0.number == record.number } ? "a duplicate of an earlier record"
                : record.number > i ? "a gap: evaluation #\(i) is missing" : "out of order"
            throw SearchError.damaged(path: journalLocation, detail:
                "\(journal.positions[i]) holds evaluation #\(record.number) where #\(i) was expected (\(kind)); "
                + "the journal was edited and no longer matches the run — restore it from a backup")
        }
        try checkNoWorkBeyond(journal)
        return journal
    }

    private func checkNoWorkBeyond(_ journal: StoredJournal) throws {
        let count = journal.records.count
        var evidence: [String] = []
        if let data = loadState(), let state = try? JSONDecoder().decode(SearchState<Cell>.self, from: data),
           state.history.count > count {
            evidence.append("the state checkpoint records \(state.history.count) evaluations")
        }
        // The candidate after the last journaled one may have finished training just before a kill
        // (its record not yet committed); anything further proves records were lost.
        let beyond = finishedCandidateNumbers().filter { $0 > count }
        if let last = beyond.max() {
            evidence.append("finished candidate #\(last) is stored (\(beyond.count) finished candidate(s) beyond the journal)")
        }
        guard !evidence.isEmpty else { return }
        let state = journal.exists ? (count == 0 ? "is empty" : "holds only \(count) evaluation(s)") : "is missing"
        throw SearchError.damaged(path: journalLocation, detail:
            "the journal \(state), but \(evidence.joined(separator: " and ")) — records were lost. The journal is "
            + "the run's source of truth and the run will not be restarted over its recorded work: restore the "
            + "journal from a backup, or move the run directory away and start a new run")
    }
}
