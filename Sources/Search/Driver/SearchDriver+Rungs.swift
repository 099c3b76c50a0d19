import CellSpace
import Evolution
import Foundation
import RunModel

/// The multi-fidelity steps of the driver (`settings.ladder` set). The rule that picks the next
/// step is `AsynchronousPromotion` (Evolution), a pure function of the members' rung results; the
/// driver only carries the step out:
/// - `.start`: propose a candidate (state.json keeps the proposal), train it to its bracket's
///   first rung, commit its record;
/// - `.promote`: continue the candidate from the checkpoint its folder kept to the next rung,
///   commit a record that names the candidate (`candidate`, `rung`).
/// Every step is one journal line, so resume replays the same decisions from the same history;
/// a kill mid-rung leaves the candidate's epoch checkpoint, which the same step resumes.
/// The canonical-form cache is not used here: every candidate trains.
extension SearchDriver {
    /// The promotion rule of this run; nil for a single-fidelity run.
    var promotionRule: AsynchronousPromotion? {
        settings.ladder.map { AsynchronousPromotion(ladder: $0, fitness: settings.fitness) }
    }

    /// One step; false when a stop request interrupted the training (nothing committed).
    func runRungStep(_ rule: AsynchronousPromotion) throws -> Bool {
        let step = rule.next(state.standings)
        let task: CandidateTask
        var parent: Int?
        switch step {
        case let .promote(candidate, _, epochs):
            let first = records[firstRecord[candidate]]
            task = CandidateTask(number: first.number, cell: state.history[candidate].genome, seed: first.seed,
                                 runFingerprint: fingerprint, epochs: epochs)
            parent = first.parent
        case let .start(_, epochs):
            let proposal = search.propose(&state)
            try saveState()
            let number = records.count
            task = CandidateTask(number: number, cell: proposal.genome, seed: settings.candidateSeed(number),
                                 runFingerprint: fingerprint, epochs: epochs)
            parent = proposal.parent.map { firstRecord[$0] }
        }
        guard var record = try train(task, parent: parent) else { return false }
        record.number = records.count
        record.candidate = task.number
        // The fidelity of the record is the rung's epochs (what the evaluator was asked to train).
        record.metrics.epochs = task.epochs ?? record.metrics.epochs
        switch step {
        case let .promote(candidate, rung, _):
            // The trainer's seconds are the candidate's whole training; this rung is charged its own.
            let previous = records[latestRecord[candidate]].metrics
            record.seconds = max(0, record.metrics.trainSeconds - previous.trainSeconds) + record.metrics.msrsSeconds
            (record.bracket, record.rung) = (state.history[candidate].bracket, rung)
        case let .start(bracket, _):
            (record.bracket, record.rung) = (bracket, 0)
        }
        try store.appendToJournal(record)
        commitRung(record, step: step)
        try saveState()
        events(.evaluated(record, best: bestNumber.map { records[$0] }, state: state))
        return true
    }

    /// Replays one journaled record of a multi-fidelity run: the rule must take the step the
    /// record shows (same candidate and rung, or the same proposal), else the journal is foreign.
    func replayRung(_ record: EvaluationRecord, rule: AsynchronousPromotion) throws {
        let step = rule.next(state.standings)
        let expected: String
        switch step {
        case let .promote(candidate, rung, _):
            expected = "promotion of #\(firstRecord[candidate]) to rung \(rung)"
            if record.number == records.count, record.isPromotion, record.candidateNumber == firstRecord[candidate],
               record.rung == rung {
                return commitRung(record, step: step)
            }
        case let .start(bracket, _):
            let proposal = search.propose(&state)
            expected = proposal.genome.architectureString + " (bracket \(bracket))"
            if record.number == records.count, !record.isPromotion, record.arch == proposal.genome.architectureString,
               record.bracket == bracket, record.rung == 0 {
                return commitRung(record, step: step)
            }
        }
        let found = record.isPromotion ? "promotion of #\(record.candidateNumber) to rung \(record.rung ?? -1)" : record.arch
        throw SearchError.journalMismatch(path: store.journalLocation, number: record.number, journal: found, proposed: expected)
    }

    private func commitRung(_ record: EvaluationRecord, step: FidelityStep) {
        switch step {
        case let .promote(candidate, _, epochs):
            search.promote(candidate, to: record.result, epochs: epochs, addedEpochs: epochs - state.history[candidate].fidelity,
                           seconds: record.seconds, into: &state)
            latestRecord[candidate] = records.count
        case let .start(bracket, epochs):
            search.record(record.result, seconds: record.seconds, epochs: epochs, bracket: bracket, into: &state)
            firstRecord.append(records.count)
            latestRecord.append(records.count)
        }
        records.append(record)
    }
}
