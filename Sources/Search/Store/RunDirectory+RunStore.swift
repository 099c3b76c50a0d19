import Foundation
import Persistence
import RunModel

/// The run directory as the embedded run store: `journal.jsonl` (fsync'd JSON Lines), `state.json`
/// (atomically replaced) and one folder per candidate.
extension RunDirectory: RunStore {
    public var location: String { url.path }
    public var journalLocation: String { journal.path }

    public func repairJournal() throws -> String? { try Journal<EvaluationRecord>(url: journal).repair() }

    public func loadJournal() throws -> [EvaluationRecord] { try Journal<EvaluationRecord>(url: journal).load().records }

    public func appendToJournal(_ record: EvaluationRecord) throws { try Journal<EvaluationRecord>(url: journal).append(record) }

    public func loadState() -> Data? { try? Data(contentsOf: state) }

    public func saveState(_ data: Data) throws { try AtomicFile.write(data, to: state) }

    public func workspace(for task: CandidateTask) throws -> URL {
        let folder = candidate(number: task.number, index: task.cell.index)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    public func log(_ line: String) { appendLog(line) }
}
