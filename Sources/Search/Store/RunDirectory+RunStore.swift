import Foundation
import Persistence
import RunModel

/// The run directory as the embedded run store: `journal.jsonl` (fsync'd JSON Lines), `state.json`
/// (atomically replaced) and one folder per candidate.
extension RunDirectory: RunStore {
    package var location: String { url.path }
    package var journalLocation: String { journal.path }

    package func repairJournal() throws -> String? { try Journal<EvaluationRecord>(url: journal).repair() }

    package func loadJournal() throws -> [EvaluationRecord] { try Journal<EvaluationRecord>(url: journal).load().records }

    package func appendToJournal(_ record: EvaluationRecord) throws { try Journal<EvaluationRecord>(url: journal).append(record) }

    package func loadState() -> Data? { try? Data(contentsOf: state) }

    package func saveState(_ data: Data) throws { try AtomicFile.write(data, to: state) }

    package func workspace(for task: CandidateTask) throws -> URL {
        let folder = candidate(number: task.number, index: task.cell.index)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    package func log(_ line: String) { appendLog(line) }
}
