import CellSpace
import Evolution
import Foundation
import Persistence

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
        // Evidence first, journal second: a live run commits the journal before it writes state.json
        // (and a candidate's metrics before its record), so read in this order a running search
        // never looks as if it lost records.
        let evidence = recordedWork()
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
        try checkNoWorkBeyond(journal, evidence)
        return journal
    }

    private func recordedWork() -> (stateEvaluations: Int?, finished: [Int]) {
        let state = loadState().flatMap { try? JSONStyle.decoder().decode(SearchState<Cell>.self, from: $0) }
        return (state?.history.count, finishedCandidateNumbers())
    }

    private func checkNoWorkBeyond(_ journal: StoredJournal, _ work: (stateEvaluations: Int?, finished: [Int])) throws {
        let count = journal.records.count
        var evidence: [String] = []
        if let recorded = work.stateEvaluations, recorded > count {
            evidence.append("the state checkpoint records \(recorded) evaluations")
        }
        // The candidate after the last journaled one may have finished training just before a kill
        // (its record not yet committed); anything further proves records were lost.
        let beyond = work.finished.filter { $0 > count }
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
