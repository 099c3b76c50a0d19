import Foundation
import Persistence
import RunModel

/// The run directory as the embedded run store: `journal.jsonl` (fsync'd JSON Lines with a header
/// line binding the run, each line CRC-32C'd), `state.json` (atomically replaced) and one folder
/// per candidate.
extension RunDirectory: RunStore {
    package var location: String { url.path }
    package var journalLocation: String { journal.path }

    package func repairJournal() throws -> String? { try Journal<EvaluationRecord>(url: journal).repair() }

    package func loadJournal() throws -> StoredJournal {
        let contents = try Journal<EvaluationRecord>(url: journal).load()
        return StoredJournal(records: contents.records, positions: contents.lines.map { "line \($0)" },
                             binding: contents.header.map { RunBinding(fingerprint: $0.fingerprint, bound: $0.bound) },
                             exists: contents.exists, tornTail: contents.tornTail)
    }

    package func bindJournal(_ binding: RunBinding, legacyRecords: Int) throws {
        let header = JournalHeader(fingerprint: binding.fingerprint, bound: binding.bound, legacyRecords: legacyRecords)
        let file = Journal<EvaluationRecord>(url: journal)
        if FileManager.default.fileExists(atPath: journal.path) { try file.addHeader(header) } else { try file.create(header: header) }
    }

    package func upgradeJournal() throws -> String? {
        let backup = url.appendingPathComponent(RunDirectory.backupFolder).appendingPathComponent("journal.jsonl")
        guard try Journal<EvaluationRecord>(url: journal).migrate(backup: backup) else { return nil }
        return "rewrote journal.jsonl in schema \(JSONStyle.schemaVersion) (snake_case keys, records re-verified and "
            + "re-checksummed); the original is in \(RunDirectory.backupFolder)/journal.jsonl"
    }

    package func appendToJournal(_ record: EvaluationRecord) throws { try Journal<EvaluationRecord>(url: journal).append(record) }

    package func loadState() -> Data? { try? Data(contentsOf: state) }

    package func saveState(_ data: Data) throws { try AtomicFile.write(data, to: state) }

    /// Candidate folders (`NNNN-IIIII`) holding `metrics.json`, the file a finished training writes last.
    package func finishedCandidateNumbers() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: candidates.path)) ?? []
        return names.compactMap { name -> Int? in
            guard let number = Int(name.prefix { $0 != "-" }),
                  FileManager.default.fileExists(atPath: candidates.appendingPathComponent(name).appendingPathComponent("metrics.json").path)
            else { return nil }
            return number
        }.sorted()
    }

    package func workspace(for task: CandidateTask) throws -> URL {
        let folder = candidate(number: task.number, index: task.cell.index)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    package func log(_ line: String) { appendLog(line) }
}
